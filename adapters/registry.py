"""Which vendors exist: ``BUILTIN`` is the one list, ``VENDORS`` what is registered.

A vendor package declares itself in one ``VendorSpec`` (``SPEC`` in
``adapters/<vendor>/spec.py``, built from ``adapters.vendor_spec``); adding a vendor is one
line in ``BUILTIN``. Everything else that needs the vendors asks this module: the
configuration, demo mode, the simulator command, scale seeding, the schema's ``Vendor``
enum, the import contracts, the docs checks and the tests' parametrization.

Specs load lazily, by module path, on first use of ``VENDORS``. The schema builds its
``Vendor`` enum from ``builtin_names()``, which loads nothing, so the schema never imports
a vendor package (an import here would be one, indirectly: import-linter follows it).

Tests register vendors of their own with ``register`` / ``unregister``
(``tests/reference_vendor``); the product never does.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from adapters.model import Vendor
from adapters.vendor_spec import (
    AdapterFactory,
    ConfigField,
    ConnectionSettings,
    Secret,
    VendorSpec,
)

__all__ = [
    "BUILTIN",
    "VENDORS",
    "AdapterFactory",
    "ConfigField",
    "ConnectionSettings",
    "Secret",
    "UnknownVendorError",
    "VendorSpec",
    "builtin_names",
    "builtin_packages",
    "register",
    "unregister",
    "vendor",
]

#: The product's vendors, one line each: name -> the module whose ``SPEC`` declares it. The
#: order is the order of the schema's ``Vendor`` enum and of every list of vendors.
BUILTIN: Mapping[str, str] = {
    "clickhouse": "adapters.clickhouse.spec",
    "featurebase": "adapters.featurebase.spec",
    "astra": "adapters.astra.spec",
    "dbaas": "adapters.dbaas.spec",
}


class UnknownVendorError(ValueError):
    """A name no registered vendor has; the message lists the registered ones."""


def _load(name: str, module: str) -> VendorSpec:
    spec = getattr(importlib.import_module(module), "SPEC", None)
    if not isinstance(spec, VendorSpec) or spec.vendor != name:
        # a wrong line here must fail loudly at startup, not as a KeyError much later
        raise RuntimeError(f"adapters.registry: {module}.SPEC is not the VendorSpec of '{name}'")
    return spec


class _Registry(Mapping[Vendor, VendorSpec]):
    """The registered specs by vendor: the built-in ones, loaded on first use, then any a
    test registered."""

    def __init__(self) -> None:
        self._specs: dict[Vendor, VendorSpec] | None = None

    def _all(self) -> dict[Vendor, VendorSpec]:
        if self._specs is None:
            self._specs = {Vendor(n): _load(n, m) for n, m in BUILTIN.items()}
        return self._specs

    def __getitem__(self, name: str) -> VendorSpec:
        return self._all()[Vendor(name)]

    def __iter__(self) -> Iterator[Vendor]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def add(self, spec: VendorSpec) -> None:
        if spec.vendor in self._all():
            raise ValueError(f"vendor '{spec.vendor}' is registered already")
        self._all()[spec.vendor] = spec

    def remove(self, name: str) -> None:
        if name in BUILTIN:
            raise ValueError(f"vendor '{name}' is built in; only registered ones go")
        self._all().pop(Vendor(name), None)


VENDORS = _Registry()


def builtin_names() -> tuple[str, ...]:
    """The product's vendor names, without loading any vendor package."""
    return tuple(BUILTIN)


def builtin_packages() -> tuple[str, ...]:
    """The product's vendor packages (``adapters.clickhouse``), for the import contracts."""
    return tuple(module.rpartition(".")[0] for module in BUILTIN.values())


def vendor(name: str) -> Vendor:
    """``name`` as a registered Vendor; UnknownVendorError names the registered ones."""
    if name not in VENDORS:
        known = ", ".join(VENDORS)
        raise UnknownVendorError(f"unknown vendor '{name}' (known: {known})")
    return Vendor(name)


def register(spec: VendorSpec) -> None:
    """Add a vendor that is not built in (tests only: the product has ``BUILTIN``)."""
    VENDORS.add(spec)


def unregister(name: str) -> None:
    """Remove a vendor ``register`` added."""
    VENDORS.remove(name)
