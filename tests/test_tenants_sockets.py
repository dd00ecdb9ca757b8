"""Per-caller vendor credentials over WebSocket (``connection_init``), on a served gateway:
a tenant's subscription polls with its own credential, and another tenant asking for the
same resource never joins that poller (its own credential asks the vendor, which refuses).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.auth_fixtures import token_table
from tests.gateway_client import error_codes
from tests.served import serve_demo
from tests.tenants_support import (
    BFF,
    DATABASES,
    ORGS,
    PLAIN,
    TEMPLATES,
    TOKENS,
    clickhouse,
    headers,
)
from tests.test_auth_subscriptions import STATUS, close_code, next_message, opened
from tests.websocket_support import until


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("tenant-ws") / "gw.toml"
    path.write_text(TEMPLATES + "[subscriptions]\npoll_interval_seconds = 0.05\n[auth]\n" + TOKENS)
    with serve_demo("--config", str(path), "--transition-seconds", "0.3") as (base, _):
        yield base


def init(tenant: str, token: str = BFF) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}", **clickhouse(tenant)}


async def first_database(base: str, tenant: str) -> str:
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post(
            "/graphql", json={"query": DATABASES}, headers=headers(BFF, clickhouse(tenant))
        )
    return str(answer.json()["data"]["databases"]["nodes"][0]["id"])


async def watched(base: str, count: int) -> bool:
    """Whether the served gateway polls ``count`` resources for subscriptions."""
    async with httpx.AsyncClient(base_url=base) as http:
        ready = (await http.get("/readyz")).json()
    return bool(ready["subscriptions"]["watched"] == count)


async def subscribe(ws: Any, op: str, database: str) -> None:
    payload = {"query": STATUS, "variables": {"id": database}}
    await ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))


async def test_another_tenant_never_joins_a_tenants_poller(served: str) -> None:
    acme_database = await first_database(served, "acme")
    acme = await opened(served, init("acme"))
    globex = await opened(served, init("globex"))
    try:
        for ws in (acme, globex):
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
        await subscribe(acme, "a", acme_database)
        await until(lambda: watched(served, 1), what="acme's poller")

        await subscribe(globex, "g", acme_database)
        refused = await next_message(globex, "g")
        assert await watched(served, 1)  # globex's never started: its key was refused
    finally:
        await acme.close()
        await globex.close()

    errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
    assert errors[0]["extensions"]["code"] in ("NOT_FOUND", "FORBIDDEN")


async def test_credentials_in_connection_init_need_the_permission(served: str) -> None:
    ws = await opened(served, init("acme", PLAIN))

    assert await close_code(ws) == 4403


async def test_malformed_credentials_in_connection_init_close_the_socket(served: str) -> None:
    payload = {**init("acme"), "X-Credential-Clickhouse-Key-Secret": 42}
    ws = await opened(served, payload)

    assert await close_code(ws) == 4403


async def test_a_huge_credential_header_is_refused_and_the_server_stays_up(served: str) -> None:
    huge = {**clickhouse("acme"), "X-Credential-Clickhouse-Key-Secret": "k" * 200_000}
    async with httpx.AsyncClient(base_url=served) as http:
        try:
            response = await http.post(
                "/graphql", json={"query": DATABASES}, headers=headers(BFF, huge)
            )
            status: int | None = response.status_code
        except httpx.RemoteProtocolError:
            status = None  # the server dropped the request before any answer
        assert status in (None, 400, 431)
        assert "k" * 1000 not in (response.text if status else "")
        assert (await http.get("/healthz")).status_code == 200
        big = {**clickhouse("acme"), "X-Credential-Clickhouse-Key-Secret": "k" * 2_000}
        response = await http.post("/graphql", json={"query": DATABASES}, headers=headers(BFF, big))
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "VENDOR_CREDENTIALS_INVALID"
        assert "k" * 100 not in response.text


OTHER_BFF = "other-bff-token-9f1a"


@pytest.fixture(scope="module")
def one_slot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A gateway whose template keeps one per-caller client, with a second BFF token."""
    path: Path = tmp_path_factory.mktemp("tenant-slot") / "gw.toml"
    other = token_table("other", OTHER_BFF, "admin").replace(
        'role = "admin"', 'role = "admin"\nvendor_credentials = true'
    )
    templates = TEMPLATES.replace(
        'credentials = "caller"', 'credentials = "caller"\nmax_tenants = 1'
    )
    path.write_text(
        templates + "[subscriptions]\npoll_interval_seconds = 0.05\n[auth]\n" + TOKENS + other
    )
    with serve_demo("--config", str(path)) as (base, _):
        yield base


async def _orgs(base: str, token: str, tenant: str) -> tuple[int, list[str]]:
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post(
            "/graphql", json={"query": ORGS}, headers=headers(token, clickhouse(tenant))
        )
    return answer.status_code, error_codes(answer.json())


async def test_an_idle_socket_holds_no_tenant_slot_a_running_subscription_does(
    one_slot: str,
) -> None:
    """A socket acknowledged with a credential but running nothing held that credential's
    client until it closed (before: a caller opening max_tenants idle sockets with made-up
    credentials had every other caller refused TOO_MANY_TENANTS for as long as it liked).
    Now each operation holds it while it runs."""
    bogus = {**clickhouse("acme"), "X-Credential-Clickhouse-Key-Secret": "made-up-secret"}
    idle = await opened(one_slot, {"Authorization": f"Bearer {BFF}", **bogus})
    watching = await opened(one_slot, init("acme"))
    try:
        for ws in (idle, watching):
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
        assert await _orgs(one_slot, OTHER_BFF, "globex") == (200, [])

        await subscribe(watching, "w", await first_database(one_slot, "acme"))
        await until(lambda: watched(one_slot, 1), what="acme's poller")
        assert await _orgs(one_slot, OTHER_BFF, "globex") == (503, ["TOO_MANY_TENANTS"])

        await watching.send(json.dumps({"id": "w", "type": "complete"}))
        await until(lambda: watched(one_slot, 0), what="acme's poller to stop")
        assert await _orgs(one_slot, OTHER_BFF, "globex") == (200, [])
    finally:
        await idle.close()
        await watching.close()
