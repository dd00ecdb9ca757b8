"""What the contract tests share: the vendors they run for, and gateways over them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pytest

from adapters.registry import VENDORS
from adapters.simulation.middleware import LoggedRequest
from adapters.simulation.scale import ScaledAccount, ScaledSimulator
from adapters.vendor_spec import VendorSpec
from gateway.config import parse_config
from tests.gateway_client import GatewayClient, connections_toml, with_open_auth
from tests.reference_vendor.spec import SPEC as REFERENCE

#: every vendor the suite holds to its declaration: the registry's, and the reference one
#: (registered by conftest.py while the suite runs; its broken variant declares the same)
SPECS: tuple[VendorSpec, ...] = (
    *(spec for spec in VENDORS.values() if spec.vendor != REFERENCE.vendor),
    REFERENCE,
)
VENDOR_NAMES = [spec.vendor.value for spec in SPECS]

#: ``@every_vendor``: the test runs once per vendor, its ``vendor`` argument the name
every_vendor = pytest.mark.parametrize("vendor", VENDOR_NAMES)


def demo_gateway(vendor: str, **http: Any) -> GatewayClient:
    """The vendor's demo connections (its spec's ``demo_connections``) on its seeded
    simulator; ``http`` adds keys to each (``retry_attempts = 1``, say)."""
    spec = VENDORS[vendor]
    tables = [
        {"name": name, "vendor": vendor, "simulated": True, **fields}
        for name, fields in spec.demo_connection_fields().items()
    ]
    return GatewayClient.from_toml(connections_toml(tables, **http))


def scaled_gateway(
    scaled: ScaledSimulator, accounts: Iterable[ScaledAccount] | None = None, **http: Any
) -> GatewayClient:
    """One connection ``<vendor>-<n>`` per seeded organization of ``scaled`` (or per one
    of ``accounts``), credentials in the environment; freshly built, so nothing is cached."""
    tables, env = [], {}
    for n, account in enumerate(accounts or scaled.accounts, start=1):
        table = {"name": f"{scaled.vendor}-{n}", "vendor": scaled.vendor, "simulated": True}
        for key, value in account.secrets.items():
            env[f"CONTRACT_{n}_{key}".upper()] = value
            table[f"{key}_env"] = f"CONTRACT_{n}_{key}".upper()
        tables.append({**table, **account.options})
    client = GatewayClient(
        parse_config(with_open_auth(connections_toml(tables, **http)), "contract", env)
    )
    client.runtime.simulators[scaled.vendor] = scaled
    return client


def requests(client: GatewayClient, vendor: str) -> list[LoggedRequest]:
    """Every request the vendor's simulator(s) answered, its identity host's included."""
    sim = client.simulator(vendor)
    if isinstance(sim, ScaledSimulator):
        return sim.requests()
    identity = getattr(sim, "identity_log", None)
    return [*sim.log.entries, *(identity.entries if identity is not None else [])]


def forget_requests(client: GatewayClient, vendor: str) -> None:
    sim = client.simulator(vendor)
    if isinstance(sim, ScaledSimulator):
        sim.clear_logs()
        return
    sim.log.clear()
    if getattr(sim, "identity_log", None) is not None:
        sim.identity_log.clear()


def calls(client: GatewayClient, vendor: str) -> Counter[str]:
    """Upstream calls by method and path: what an assertion shows when a count is wrong."""
    return Counter(f"{r.method} {r.path}" for r in requests(client, vendor))
