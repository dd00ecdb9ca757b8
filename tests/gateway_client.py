"""Drive the real app over HTTP (in-process ASGI) the way a frontend or script does."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from adapters.model import Vendor
from gateway.app import create_app
from gateway.config import GatewayConfig, parse_config
from tests.leak_guard import GUARD, GuardedTransport

#: what most tests run with: no client authentication, every caller an admin, so that
#: a test about something else need not send a token (tests/test_auth*.py do)
OPEN_AUTH = """
[auth]
allow_anonymous = true
anonymous_role = "admin"
"""


def connections_toml(connections: Iterable[Mapping[str, Any]], **common: Any) -> str:
    """``[[connections]]`` tables, ``common`` keys added to each (JSON literals are TOML
    literals for the strings, numbers and booleans a connection holds)."""
    lines: list[str] = []
    for table in connections:
        lines.append("[[connections]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in {**table, **common}.items()]
    return "\n".join(lines) + "\n"


def with_open_auth(text: str) -> str:
    """``text`` plus an open ``[auth]`` table, unless it has its own."""
    return text if "[auth" in text else text + OPEN_AUTH


class GatewayClient:
    """The gateway app with its adapters built, plus an HTTP client into it."""

    def __init__(self, config: GatewayConfig, *, guarded: bool = True) -> None:
        self.app = create_app(config)
        self.runtime = self.app.state.runtime
        transport: httpx.AsyncBaseTransport = httpx.ASGITransport(app=self.app)
        if guarded:  # the benchmark measures the gateway's CPU, not the guard's
            GUARD.register_config(config)
            # every answer a test receives is searched for secrets (tests/leak_guard.py)
            transport = GuardedTransport(transport)
        self.http = httpx.AsyncClient(transport=transport, base_url="http://gateway.test")

    @classmethod
    def from_toml(cls, text: str, env: dict[str, str] | None = None) -> GatewayClient:
        """The gateway of a configuration; without ``[auth]`` it is open (``OPEN_AUTH``)."""
        return cls(parse_config(with_open_auth(text), "test.toml", env or {}))

    async def __aenter__(self) -> GatewayClient:
        self.runtime.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.aclose()
        await self.runtime.close()

    def expire_cache(self) -> None:
        """Let every cached upstream answer expire, as its TTL passing would: for tests
        that change a simulator's state behind the gateway's back (settle, a clock)."""
        self.runtime.backend.clear()

    def cached_entries(self) -> list[Any]:
        """What the in-process cache holds now (its ``CachedResponse`` entries)."""
        return list(self.runtime.backend._entries.values())

    def simulator(self, vendor: Vendor | str) -> Any:
        return self.runtime.simulator(Vendor(vendor))

    async def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST a GraphQL document; the body as JSON (GraphQL errors are in it, status 200)."""
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST a document that must succeed completely; its data."""
        body = await self.post(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


async def post_ascii(
    client: GatewayClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``client.post`` with the body as ASCII JSON, so that variables may hold what UTF-8
    cannot (a lone surrogate, sent as the JSON escape a JavaScript client would send)."""
    body = json.dumps({"query": query, "variables": variables})
    response = await client.http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]
