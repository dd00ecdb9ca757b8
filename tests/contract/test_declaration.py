"""The declaration itself: a vendor's simulator, demo accounts and demo connections are
what the gateway and the rest of this suite rely on (docs/adding-a-vendor.md)."""

from __future__ import annotations

from adapters.registry import VENDORS
from adapters.simulation.faults import FaultInjector
from adapters.simulation.middleware import RequestLog
from adapters.vendor_spec import SIMULATOR_ATTRIBUTES, SIMULATOR_OPTIONS
from gateway.config import load_demo_config
from tests.contract.support import every_vendor
from tests.gateway_client import GatewayClient, connections_toml
from tests.vendors import demo_account_connections

#: a value for each of ``SIMULATOR_OPTIONS``
OPTION_VALUES = {"seed": False, "transition_seconds": 1.0}


@every_vendor
def test_the_simulator_has_what_the_gateway_and_the_tests_use(vendor: str) -> None:
    spec = VENDORS[vendor]
    options = {name: OPTION_VALUES[name] for name in SIMULATOR_OPTIONS}
    if spec.documented_rate_limit is not None:  # its simulator can enforce it
        options["rate_limit"] = spec.documented_rate_limit

    sim = spec.simulator(**options)

    assert [name for name in SIMULATOR_ATTRIBUTES if not hasattr(sim, name)] == []
    assert callable(sim.app)
    assert isinstance(sim.log, RequestLog) and isinstance(sim.faults, FaultInjector)


@every_vendor
async def test_every_demo_account_logs_in(vendor: str) -> None:
    tables = demo_account_connections([vendor])

    async with GatewayClient.from_toml(connections_toml(tables)) as gw:
        body = await gw.post("{ organizations { name connection { name } } }")

    assert "errors" not in body, body["errors"]
    named = {o["connection"]["name"] for o in body["data"]["organizations"]}
    assert named == {table["name"] for table in tables}


@every_vendor
def test_demo_mode_opens_the_vendors_demo_connections(vendor: str) -> None:
    config = load_demo_config()

    opened = {c.name for c in config.connections if c.vendor == vendor}

    assert opened == set(VENDORS[vendor].demo_connection_fields())
    assert all(c.simulated for c in config.connections)
