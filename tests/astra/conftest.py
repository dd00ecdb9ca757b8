"""Astra fixtures: the gateway over an Astra simulator, and a probe around the simulator.

A test that needs its own simulator (small pages, hand-built data) builds it with
``AstraSimulator(...)`` and hands it to ``astra_gateway``; the gateway then uses it for
every simulated Astra connection.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.astra.simulator import DEMO_ACCOUNTS, AstraSimulator
from adapters.model import Vendor
from tests.gateway_client import GatewayClient

ACCOUNT_ID = DEMO_ACCOUNTS["demo"]["account_id"]
ACCOUNT = f"/accounts/{ACCOUNT_ID}"
UUID = r"[0-9a-f-]{36}"


def astra_toml(name: str = "astra", **fields: str | int) -> str:
    """One simulated Astra connection on the seeded account, plus any extra keys."""
    lines = [
        "[[connections]]",
        f'name = "{name}"',
        'vendor = "astra"',
        "simulated = true",
        f'account_id = "{ACCOUNT_ID}"',
    ]
    lines += [f"{k} = {json.dumps(v)}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


@asynccontextmanager
async def astra_gateway(
    sim: AstraSimulator | None = None, toml: str | None = None, env: dict[str, str] | None = None
) -> AsyncIterator[GatewayClient]:
    gw = GatewayClient.from_toml(toml or astra_toml(), env)
    if sim is not None:
        gw.runtime.simulators[Vendor.ASTRA] = sim
    async with gw:
        yield gw


@pytest.fixture
async def astra() -> AsyncIterator[GatewayClient]:
    """The gateway over the seeded simulator, one connection named "astra"."""
    async with astra_gateway() as gw:
        yield gw


@dataclass
class Probe:
    """Wraps a simulator's ASGI app (install before the gateway starts) to see what the
    adapter cannot: how many matching requests are in flight at once, and the bodies.

    With ``gate`` set, matching requests wait until ``gate`` of them are in flight at the
    same time, so a test proves concurrency by reaching the count, not by timing.
    """

    app: ASGIApp
    path: re.Pattern[str] = field(default_factory=lambda: re.compile(".*"))
    gate: int | None = None
    in_flight: int = 0
    peak: int = 0
    bodies: list[bytes] = field(default_factory=list)
    _open: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def install(cls, sim: AstraSimulator, path: str = ".*", gate: int | None = None) -> Probe:
        probe = cls(sim.app, re.compile(path), gate)
        sim.app = probe  # type: ignore[assignment]
        return probe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.path.fullmatch(scope["path"]):
            await self.app(scope, receive, send)
            return
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.gate is not None:
                if self.in_flight >= self.gate:
                    self._open.set()
                # a deadline only for a failing (sequential) adapter, never hit when passing
                await asyncio.wait_for(self._open.wait(), timeout=5)
            chunks: list[bytes] = []

            async def keep(message: Message) -> None:
                if message["type"] == "http.response.body":
                    chunks.append(message.get("body", b""))
                await send(message)

            await self.app(scope, receive, keep)
            self.bodies.append(b"".join(chunks))
        finally:
            self.in_flight -= 1

    def json_bodies(self) -> list[Any]:
        return [json.loads(b) for b in self.bodies if b]
