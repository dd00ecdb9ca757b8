"""Vendors as tests see them: every registered one, and vendors only tests register.

Tests that hold for every vendor parametrize over the registry (``adapters.registry``),
never over a list of their own; ``registered`` adds a vendor only a test knows (the
reference vendor, ``tests/reference_vendor``) for as long as a block runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from adapters import registry
from adapters.registry import VENDORS
from adapters.vendor_spec import VendorSpec


@contextmanager
def registered(spec: VendorSpec) -> Iterator[VendorSpec]:
    """``spec`` in the registry while the block runs (demo mode opens its connections too)."""
    registry.register(spec)
    try:
        yield spec
    finally:
        registry.unregister(spec.vendor)


def demo_account_connections(vendors: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """One simulated ``[[connections]]`` table per demo account of each vendor (every
    built-in one by default), named ``<vendor>-<account>``: every credential form a vendor
    seeds. What an account holds that is not a secret is an option its connection needs
    (Astra's ``account_id``)."""
    tables = []
    for vendor in registry.builtin_names() if vendors is None else vendors:
        spec = VENDORS[vendor]
        secret = {f.name for f in spec.fields if f.secret}
        for account, values in spec.demo_accounts.items():
            options = {k: v for k, v in values.items() if k not in secret}
            table = {"name": f"{vendor}-{account}", "vendor": vendor, "simulated": True}
            tables.append({**table, "simulator_account": account, **options})
    return tables
