from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from gateway.config import load_demo_config
from tests.gateway_client import GatewayClient
from tests.leak_guard import LeakGuardPlugin
from tests.redis_server import RedisServer, running_redis


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--broken-reference-vendor",
        action="store_true",
        help="run the contract suite (tests/contract) against the broken reference vendor "
        "(tests/reference_vendor/broken.py) instead of the sound one: it must fail",
    )


def pytest_configure(config: pytest.Config) -> None:
    # the whole run's log records and gateway responses are searched for secrets
    config.pluginmanager.register(LeakGuardPlugin(), "leak-guard")


CLICKHOUSE_TWO_ORGS = """
[[connections]]
name = "ch-acme"
vendor = "clickhouse"
simulated = true
simulator_account = "acme"

[[connections]]
name = "ch-globex"
vendor = "clickhouse"
simulated = true
simulator_account = "globex"
"""


@pytest.fixture
async def demo() -> AsyncIterator[GatewayClient]:
    async with GatewayClient(load_demo_config()) as client:
        yield client


@pytest.fixture
async def clickhouse() -> AsyncIterator[GatewayClient]:
    """Two ClickHouse connections (one per seeded organization) on one simulator."""
    async with GatewayClient.from_toml(CLICKHOUSE_TWO_ORGS) as client:
        yield client


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of this test's own, on a free port; stopped afterwards."""
    with running_redis() as server:
        yield server
