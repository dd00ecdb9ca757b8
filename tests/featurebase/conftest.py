"""FeatureBase fixtures: gateways over a simulated FeatureBase Cloud, on a clock tests drive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from adapters.model import Vendor
from tests.gateway_client import GatewayClient

START = datetime(2026, 4, 1, 12, 0, tzinfo=UTC).timestamp()
ORG_ID = "0e9a0000-0000-4000-8000-000000000001"  # the seeded org

#: the seeded org owner through an API key (X-API-Key)
KEY_TOML = """
[[connections]]
name = "fb-key"
vendor = "featurebase"
simulated = true
simulator_account = "demo-key"
"""

#: the same user through username and password (a login at the identity host)
LOGIN_TOML = """
[[connections]]
name = "fb-login"
vendor = "featurebase"
simulated = true
simulator_account = "demo-user"
"""

BOTH_TOML = KEY_TOML + LOGIN_TOML


class FakeClock:
    """The simulator's and the adapter's clock: tests move it, nothing sleeps."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def gateway_over(
    sim: FeatureBaseSimulator, toml: str = BOTH_TOML, env: dict[str, str] | None = None
) -> GatewayClient:
    """A gateway whose FeatureBase connections talk to ``sim`` (enter it with ``async with``:
    adapters are built on entry, with the simulator's clock)."""
    gw = GatewayClient.from_toml(toml, env)
    gw.runtime.simulators[Vendor("featurebase")] = sim
    return gw


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> FeatureBaseSimulator:
    return FeatureBaseSimulator(clock=clock)


@pytest.fixture
async def fb(sim: FeatureBaseSimulator) -> AsyncIterator[GatewayClient]:
    """The seeded org through an API key ("fb-key") and a login ("fb-login")."""
    async with gateway_over(sim) as gw:
        yield gw


@pytest.fixture
async def fb_key(sim: FeatureBaseSimulator) -> AsyncIterator[GatewayClient]:
    async with gateway_over(sim, KEY_TOML) as gw:
        yield gw


@pytest.fixture
async def fb_login(sim: FeatureBaseSimulator) -> AsyncIterator[GatewayClient]:
    async with gateway_over(sim, LOGIN_TOML) as gw:
        yield gw
