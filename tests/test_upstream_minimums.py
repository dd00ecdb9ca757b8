"""The dashboard and a 200-ID lookup make exactly the fewest upstream calls each vendor's
API allows, counted in the simulators' request logs.

The minimums come from ``tests.benchmarks.minimums``, computed from the API shapes alone
(which endpoints exist, how lists page), never from the adapters. Every vendor gets two
organizations (two connections; one simulator per organization where the vendor's
credentials belong to one, behind ``sim_scale``'s router). A few milliseconds of latency
stand in for the network: in process, an answer can otherwise arrive before a second,
identical request of the same moment is even sent, which no real network allows.
"""

from __future__ import annotations

from collections import Counter

import pytest

from adapters.model import Vendor
from adapters.simulation.scale import Scale, ScaledSimulator
from adapters.simulation.seeding import scaled_simulator
from gateway.config import parse_config
from tests.benchmarks import documents, minimums
from tests.benchmarks.fleet import VENDORS, Connection, gateway_config
from tests.gateway_client import GatewayClient

NETWORK_LATENCY = 0.005
DASHBOARD_SCALE = Scale(2, 6)
LOOKUP_SCALE = Scale(2, 100)  # 200 databases per vendor, all of them looked up


def gateway(scaled: ScaledSimulator) -> GatewayClient:
    """A gateway with one connection per organization of ``scaled``, freshly built (so
    nothing is cached from an earlier request)."""
    connections = [Connection(scaled.vendor, account) for account in scaled.accounts]
    text, env = gateway_config(connections)
    client = GatewayClient(parse_config(text, "test.toml", env))
    client.runtime.simulators[Vendor(scaled.vendor)] = scaled
    return client


def calls(scaled: ScaledSimulator) -> Counter[str]:
    """Upstream calls by method and path, for a readable failure."""
    return Counter(f"{r.method} {r.path}" for r in scaled.requests())


@pytest.mark.parametrize("vendor", VENDORS)
async def test_the_dashboard_makes_the_fewest_calls_the_api_allows(vendor: str) -> None:
    scaled = scaled_simulator(vendor, DASHBOARD_SCALE)
    scaled.add_latency(NETWORK_LATENCY)
    shape = minimums.OrgShape.of(DASHBOARD_SCALE)

    async with gateway(scaled) as client:
        data = await client.data(documents.DASHBOARD)

    assert len(data["organizations"]) == 2
    assert all(o["databases"]["totalCount"] == 6 for o in data["organizations"])
    made = calls(scaled)
    assert sum(made.values()) == 2 * minimums.dashboard_calls(vendor, shape), made


@pytest.mark.parametrize("vendor", VENDORS)
async def test_200_databases_by_id_cost_the_fewest_calls_the_api_allows(vendor: str) -> None:
    scaled = scaled_simulator(vendor, LOOKUP_SCALE)
    scaled.add_latency(NETWORK_LATENCY)
    async with gateway(scaled) as client:
        listed = await client.data(documents.DATABASE_IDS)
    ids = [n["id"] for o in listed["organizations"] for n in o["databases"]["nodes"]]
    assert len(ids) == 200
    scaled.clear_logs()

    async with gateway(scaled) as client:
        found = await client.data(documents.LOOKUP, {"ids": ids})

    assert [n["id"] for n in found["nodes"]] == ids
    made = calls(scaled)
    assert sum(made.values()) == 2 * minimums.lookup_calls(vendor, 100, 100), made
