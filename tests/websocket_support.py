"""graphql-transport-ws from a test: open a socket to a served gateway, send operations,
read their messages, and watch the server process's file descriptors."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

PROTOCOL = "graphql-transport-ws"


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/graphql"


async def upgrade(base: str, **options: Any) -> ClientConnection:
    """A socket after the upgrade, before ``connection_init``."""
    return await connect(ws_url(base), subprotocols=[PROTOCOL], **options)  # type: ignore[list-item]


async def acknowledged(base: str, token: str | None = None, **options: Any) -> ClientConnection:
    """A socket whose ``connection_init`` (with ``token`` in its payload) was acknowledged."""
    ws = await upgrade(base, **options)
    init: dict[str, Any] = {"type": "connection_init"}
    if token is not None:
        init["payload"] = {"Authorization": f"Bearer {token}"}
    await ws.send(json.dumps(init))
    ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert ack["type"] == "connection_ack", ack
    return ws


async def subscribe(
    ws: ClientConnection, op: str, query: str, variables: dict[str, Any] | None = None
) -> None:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    await ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))


async def next_message(ws: ClientConnection, op: str, timeout: float = 10) -> dict[str, Any]:
    """The next message of operation ``op`` (others are skipped)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message.get("id") == op:
            return message  # type: ignore[no-any-return]


async def first_messages(
    ws: ClientConnection, ops: list[str], timeout: float = 10
) -> dict[str, dict[str, Any]]:
    """The first message of each of ``ops``, in whatever order they come."""
    found: dict[str, dict[str, Any]] = {}
    while len(found) < len(ops):
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message.get("id") in ops:
            found.setdefault(message["id"], message)
    return found


async def result(
    ws: ClientConnection, op: str, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run a query or mutation over the socket: its first message."""
    await subscribe(ws, op, query, variables)
    return await next_message(ws, op)


def errors_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The errors of an ``error`` or ``next`` message."""
    if message["type"] == "error":
        return list(message["payload"])
    return list(message["payload"].get("errors") or [])


def codes(message: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in errors_of(message)]


async def close_code(ws: ClientConnection, timeout: float = 10) -> int | None:
    """The code the server closed ``ws`` with (waiting at most ``timeout``)."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def until(
    condition: Callable[[], bool | Awaitable[bool]], timeout: float = 10, what: str = ""
) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        held = condition()
        if not isinstance(held, bool):
            held = await held
        if held:
            return
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        await asyncio.sleep(0.02)


async def metric(base: str, name: str, **labels: str) -> float:
    """The sum of a /metrics series over the samples carrying ``labels``."""
    async with httpx.AsyncClient(base_url=base) as http:
        text = (await http.get("/metrics")).text
    wanted = [f'{key}="{value}"' for key, value in labels.items()]
    total = 0.0
    for line in text.splitlines():
        series, _, value = line.rpartition(" ")
        if (series == name or series.startswith(name + "{")) and all(w in series for w in wanted):
            total += float(value)
    return total
