"""Subscribers over graphql-transport-ws to real gateway processes, collecting events in
the background while a test does other things."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from tests.websocket_support import acknowledged, subscribe

ORGANIZATION_EVENTS = """subscription($id: ID!) {
  organizationEvents(organizationId: $id) { kind objectId database { name } }
}"""


class Subscriber:
    """One socket, one subscription; every ``next`` payload lands in ``events``."""

    def __init__(self, ws: ClientConnection, name: str) -> None:
        self.ws = ws
        self.name = name
        self.events: list[dict[str, Any]] = []
        self.errors: list[Any] = []
        self.closed = False
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(
        cls, base_url: str, query: str, variables: dict[str, Any], name: str = ""
    ) -> Subscriber:
        ws = await acknowledged(base_url)
        await subscribe(ws, "s", query, variables)
        return cls(ws, name or base_url)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if message.get("type") == "next":
                    payload = message["payload"]
                    if payload.get("errors"):
                        self.errors.append(payload["errors"])
                    if payload.get("data"):
                        self.events.append(payload["data"])
                elif message.get("type") == "error":
                    self.errors.append(message.get("payload"))
        except ConnectionClosed:
            pass
        finally:
            self.closed = True

    async def close(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.ws.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)


async def until(condition: Callable[[], bool], what: str, seconds: float = 30) -> float:
    """Wait for ``condition`` (polled, with a deadline); how long it took."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)
    return time.monotonic() - started
