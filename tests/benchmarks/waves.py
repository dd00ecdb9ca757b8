"""Dependent waves: how many rounds of upstream calls a query needs, counted exactly.

The gateway runs in this process against in-process simulators whose answers are held at
a gate: every request that arrives waits, and once the gateway has nothing left to do
(no answer in flight, no new request for a while of event-loop turns) the gate lets all
waiting requests through at once. Each release is one wave; a call in wave N could only be
formed after an answer of wave N-1. The count depends on no clock, so a test can check it
exactly (``tests/test_upstream_waves.py``) and the benchmark reports it beside the minimum
(``minimums.dashboard_chain``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from adapters.model import Vendor
from adapters.simulation.scale import Scale
from adapters.simulation.seeding import scaled_simulator
from gateway.config import parse_config
from tests.benchmarks.fleet import UNPACED_HTTP, VENDORS, Connection, gateway_config
from tests.gateway_client import GatewayClient

T = TypeVar("T")

#: event-loop turns without a new request or answer after which the gateway is idle
QUIET_TURNS = 200


@dataclass
class Gate:
    """Holds upstream requests and lets them through one wave at a time."""

    #: (wave, vendor, method, path) of every call let through
    calls: list[tuple[int, str, str, str]] = field(default_factory=list)
    wave: int = 0
    _held: list[tuple[str, str, str, asyncio.Event]] = field(default_factory=list)
    _in_flight: int = 0
    _events: int = 0
    _idle: asyncio.Event = field(default_factory=asyncio.Event)

    def wrap(self, vendor: str, app: Any) -> Any:
        async def gated(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            released = asyncio.Event()
            self._held.append((vendor, scope["method"], scope["path"], released))
            self._events += 1
            await released.wait()
            self._in_flight += 1
            self._idle.clear()
            try:
                await app(scope, receive, send)
            finally:
                self._in_flight -= 1
                self._events += 1
                if not self._in_flight:
                    self._idle.set()

        return gated

    async def drive(self, work: Awaitable[T]) -> T:
        """Run ``work``, releasing the held requests whenever the gateway is idle."""
        task = asyncio.ensure_future(work)
        while not task.done():
            await self._settle(task)
            if self._held:
                self.wave += 1
                for vendor, method, path, released in self._held:
                    self.calls.append((self.wave, vendor, method, path))
                    released.set()
                self._held = []
        return task.result()

    async def _settle(self, task: asyncio.Future[Any]) -> None:
        quiet = 0
        while quiet < QUIET_TURNS and not task.done():
            if self._in_flight:
                await self._idle.wait()
                quiet = 0
            mark = self._events
            await asyncio.sleep(0)
            quiet = quiet + 1 if mark == self._events and not self._in_flight else 0

    def depth(self) -> dict[str, int]:
        """Per vendor, the last wave it had a call in: its chain of dependent calls."""
        found: dict[str, int] = {}
        for wave, vendor, _, _ in self.calls:
            found[vendor] = max(found.get(vendor, 0), wave)
        return found


class _GatedSimulator:
    """A simulator whose ``app`` answers through the gate; everything else is its own."""

    def __init__(self, simulator: Any, app: Any) -> None:
        self._simulator = simulator
        self.app = app

    def __getattr__(self, name: str) -> Any:
        return getattr(self._simulator, name)


async def measure(
    document: str,
    scale: Scale,
    vendors: Sequence[str] = VENDORS,
    variables: dict[str, Any] | None = None,
) -> tuple[Gate, dict[str, Any]]:
    """One cold run of ``document`` on a fresh gateway over every vendor's in-process
    simulator at ``scale``, through a gate: (the gate with its waves, the answer)."""
    gate = Gate()
    sims = {vendor: scaled_simulator(vendor, scale) for vendor in vendors}
    connections = [Connection(v, account) for v, sim in sims.items() for account in sim.accounts]
    text, env = gateway_config(connections, http=UNPACED_HTTP)
    client = GatewayClient(parse_config(text, "waves.toml", env))
    for vendor, sim in sims.items():
        client.runtime.simulators[Vendor(vendor)] = _GatedSimulator(sim, gate.wrap(vendor, sim.app))
    async with client:
        body = await gate.drive(client.post(document, variables))
    return gate, body


async def dashboard_waves(scale: Scale, vendors: Sequence[str] = VENDORS) -> dict[str, int]:
    from tests.benchmarks.documents import DASHBOARD

    gate, body = await measure(DASHBOARD, scale, vendors)
    if body.get("errors"):
        raise RuntimeError(f"the gated dashboard failed: {body['errors'][:3]}")
    return gate.depth()
