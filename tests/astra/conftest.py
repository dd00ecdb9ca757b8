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

from adapters.astra.sim.simulator import DEMO_ACCOUNTS, AstraSimulator
from adapters.model import Vendor
from schema.ids import encode_id
from tests.gateway_client import GatewayClient, error_codes

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
        gw.runtime.simulators[Vendor("astra")] = sim
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


# -- helpers for mutation tests ------------------------------------------------------------


@dataclass
class FakeClock:
    """The simulator's transition clock, moved by the test instead of by time passing."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def upstream_writes(sim: AstraSimulator) -> int:
    """Requests that could have changed something upstream."""
    return sum(sim.log.count(method) for method in ("POST", "PUT", "PATCH", "DELETE"))


@dataclass
class SentRequest:
    method: str
    path: str
    content_type: str | None
    body: Any


@dataclass
class Recorder:
    """Wraps a simulator's ASGI app (install before the gateway starts) to keep what the
    gateway sent in each write: method, path, Content-Type and JSON body."""

    app: ASGIApp
    sent: list[SentRequest] = field(default_factory=list)

    @classmethod
    def install(cls, sim: AstraSimulator) -> Recorder:
        recorder = cls(sim.app)
        sim.app = recorder  # type: ignore[assignment]
        return recorder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "GET":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.sent.append(
            SentRequest(
                scope["method"],
                scope["path"],
                headers.get("content-type"),
                json.loads(raw) if raw else None,
            )
        )
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": raw, "more_body": False}

        await self.app(scope, replay, send)

    def bodies(self, method: str, path: str) -> list[Any]:
        pattern = re.compile(path)
        return [s.body for s in self.sent if s.method == method and pattern.fullmatch(s.path)]


# -- IDs and assertions shared by the mutation tests ---------------------------------------

ORGANIZATION = "{ organizations(vendor: ASTRA) { id } }"


def database_id(app_id: str) -> str:
    return encode_id("Database", "astra", (ACCOUNT_ID, app_id))


def backup_id(app_id: str, collection: str, item_id: str) -> str:
    return encode_id("Backup", "astra", (ACCOUNT_ID, app_id, collection, item_id))


async def org_id(gw: GatewayClient) -> str:
    return str((await gw.data(ORGANIZATION))["organizations"][0]["id"])


def assert_bad_input(body: dict[str, Any], field: str, *words: str) -> None:
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    error = body["errors"][0]
    assert error["extensions"]["field"] == field
    for word in words:
        assert word in error["message"]


async def is_gone(gw: GatewayClient, document: str, object_id: str) -> bool:
    """True when a read of ``object_id`` answers null with NOT_FOUND."""
    body = await gw.post(document, {"id": object_id})
    return error_codes(body) == ["NOT_FOUND"] and None in body["data"].values()


def assert_conflict(body: dict[str, Any], vendor_message: str) -> None:
    assert error_codes(body) == ["CONFLICT"], body
    error = body["errors"][0]
    assert vendor_message in error["message"]
    assert error["extensions"]["vendor"] == "astra"
