"""What the ClickHouse mutation tests share: a fixed wall clock and upstream write counts."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from tests.gateway_client import GatewayClient

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def simulator(gw: GatewayClient) -> ClickHouseSimulator:
    sim: ClickHouseSimulator = gw.simulator("clickhouse")
    return sim


def upstream_writes(gw: GatewayClient) -> int:
    log = simulator(gw).log
    return sum(log.count(method) for method in WRITE_METHODS)


async def at_now(gw: GatewayClient) -> GatewayClient:
    simulator(gw).wall_clock = lambda: NOW
    return gw
