"""Simulators seeded at a scale: deterministic, in the vendors' shapes, one tenant per
credential where a vendor's credentials belong to one organization."""

from __future__ import annotations

import pytest

from adapters.model import Vendor
from adapters.simulation.scale import Scale
from adapters.simulation.seeding import scaled_simulator
from gateway.config import parse_config
from gateway.simulator_server import connection_snippet, parse_rate_limit
from tests.benchmarks.fleet import VENDORS, Connection, gateway_config
from tests.gateway_client import GatewayClient, with_open_auth

DATABASES = """{ organizations { name databases(first: 200) { totalCount
                 nodes { status vendorStatus } } } }"""


def test_a_scale_reads_organizations_by_databases() -> None:
    assert Scale.parse("2x25") == Scale(2, 25)
    assert str(Scale.parse(" 1 X 10000 ")) == "1x10000"
    with pytest.raises(ValueError, match="2x25"):
        Scale.parse("25")


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_same_seed_seeds_the_same_organizations(vendor: str) -> None:
    first = scaled_simulator(vendor, Scale(2, 4), seed=7)
    again = scaled_simulator(vendor, Scale(2, 4), seed=7)
    other = scaled_simulator(vendor, Scale(2, 4), seed=8)

    assert first.accounts == again.accounts
    assert first.accounts != other.accounts
    assert [a.organization for a in first.accounts] == ["Scale Org 1", "Scale Org 2"]


@pytest.mark.parametrize("vendor", VENDORS)
async def test_every_organization_answers_its_own_databases_in_known_states(vendor: str) -> None:
    scaled = scaled_simulator(vendor, Scale(2, 30))
    text, env = gateway_config([Connection(vendor, a) for a in scaled.accounts])

    client = GatewayClient(parse_config(text, "test.toml", env))
    client.runtime.simulators[Vendor(vendor)] = scaled
    async with client:
        data = await client.data(DATABASES)

    orgs = data["organizations"]
    assert sorted(o["name"] for o in orgs) == ["Scale Org 1", "Scale Org 2"]
    assert [o["databases"]["totalCount"] for o in orgs] == [30, 30]
    statuses = {n["status"] for o in orgs for n in o["databases"]["nodes"]}
    assert "UNKNOWN" not in statuses


def test_the_simulator_prints_a_configuration_a_gateway_accepts() -> None:
    scaled = scaled_simulator("astra", Scale(2, 1))

    text, env = connection_snippet(Vendor("astra"), "http://127.0.0.1:8100", scaled.accounts)

    config = parse_config(with_open_auth(text), "snippet", env)
    assert [c.name for c in config.connections] == ["astra-1", "astra-2"]
    assert all(
        c.base_url == "http://127.0.0.1:8100" and not c.simulated for c in config.connections
    )


def test_a_rate_limit_is_requests_per_seconds() -> None:
    assert parse_rate_limit("10/10") == (10, 10.0)
    with pytest.raises(ValueError, match="10/10"):
        parse_rate_limit("ten")
