"""Which vendors exist: the one list, ``VENDORS``.

A vendor package contributes one ``VendorSpec`` (in ``adapters/<vendor>/spec.py``, built
from ``adapters.vendor_spec``); adding a vendor is one line here. Configuration validation,
demo mode and the docs read the specs, so nothing else needs to know the vendor's name.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.model import Vendor
from adapters.vendor_spec import (
    AdapterFactory,
    ConfigField,
    ConnectionSettings,
    Secret,
    VendorSpec,
)

__all__ = [
    "VENDORS",
    "AdapterFactory",
    "ConfigField",
    "ConnectionSettings",
    "Secret",
    "VendorSpec",
]


def _specs() -> dict[Vendor, VendorSpec]:
    from adapters.astra.spec import SPEC as ASTRA
    from adapters.clickhouse.spec import SPEC as CLICKHOUSE
    from adapters.dbaas.spec import SPEC as DBAAS
    from adapters.featurebase.spec import SPEC as FEATUREBASE

    return {spec.vendor: spec for spec in (CLICKHOUSE, DBAAS, ASTRA, FEATUREBASE)}


VENDORS: Mapping[Vendor, VendorSpec] = _specs()
