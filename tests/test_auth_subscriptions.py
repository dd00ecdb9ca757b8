"""Subscriptions need a caller too: a token on the WebSocket upgrade or in the
``connection_init`` payload, the same roles and allowlists, and no cross-site sockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.auth_fixtures import ACME_ADMIN, ADMIN, OPERATOR, SECURED, VIEWER, bearer
from tests.served import serve_demo

STATUS = """subscription($id: ID!) {
  databaseStatusChanged(id: $id) { previousStatus status }
}"""
STOP = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { status } } }"
DATABASES = "{ databases(first: 100) { nodes { id name connection { name } } } }"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("auth-ws") / "gw.toml"
    path.write_text(SECURED + "[subscriptions]\npoll_interval_seconds = 0.05\n")
    with serve_demo("--config", str(path), "--transition-seconds", "0.3") as (base, _):
        yield base


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/graphql"


async def opened(base: str, init: dict[str, Any] | None = None, **options: Any) -> ClientConnection:
    ws = await connect(ws_url(base), subprotocols=["graphql-transport-ws"], **options)  # type: ignore[list-item]
    message: dict[str, Any] = {"type": "connection_init"}
    if init is not None:
        message["payload"] = init
    await ws.send(json.dumps(message))
    return ws


async def next_message(ws: ClientConnection, op: str) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("id") == op:
            return message  # type: ignore[no-any-return]


async def database(base: str, connection: str, name: str | None = None) -> str:
    async with httpx.AsyncClient(base_url=base) as http:
        body = (
            await http.post("/graphql", json={"query": DATABASES}, headers=bearer(ADMIN))
        ).json()
    return str(
        next(
            n["id"]
            for n in body["data"]["databases"]["nodes"]
            if n["connection"]["name"] == connection and name in (None, n["name"])
        )
    )


async def close_code(ws: ClientConnection) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 10)
    return closed.value.rcvd.code if closed.value.rcvd else None


@pytest.mark.parametrize("init", [None, {}, {"Authorization": "Bearer wrong-token"}])
async def test_a_connection_without_a_valid_token_is_closed_4403(
    served: str, init: dict[str, Any] | None
) -> None:
    ws = await opened(served, init)

    assert await close_code(ws) == 4403


async def test_a_bad_token_on_the_upgrade_refuses_the_handshake(served: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            ws_url(served),
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            additional_headers=bearer("wrong-token"),
        )

    assert refused.value.response.status_code == 403


async def test_a_page_on_another_origin_cannot_open_a_socket(served: str) -> None:
    with pytest.raises((InvalidStatus, ConnectionClosed)):
        ws = await opened(
            served, {"Authorization": f"Bearer {VIEWER}"}, origin="https://evil.example"
        )
        await asyncio.wait_for(ws.recv(), 10)


async def test_a_token_in_connection_init_is_acknowledged_and_its_allowlist_applies(
    served: str,
) -> None:
    globex = await database(served, "ch-globex")
    ws = await opened(served, {"Authorization": f"Bearer {ACME_ADMIN}"})
    ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
    payload = {"query": STATUS, "variables": {"id": globex}}
    await ws.send(json.dumps({"id": "g", "type": "subscribe", "payload": payload}))
    message = await next_message(ws, "g")
    await ws.close()

    assert ack["type"] == "connection_ack"
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_token_on_the_upgrade_streams_changes(served: str) -> None:
    acme = await database(served, "ch-acme", "Acme Production")
    ws = await opened(served, additional_headers=bearer(VIEWER))
    ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
    payload = {"query": STATUS, "variables": {"id": acme}}
    await ws.send(json.dumps({"id": "s", "type": "subscribe", "payload": payload}))
    await asyncio.sleep(0.3)  # the baseline poll
    async with httpx.AsyncClient(base_url=served) as http:
        stopped = await http.post(
            "/graphql", json={"query": STOP, "variables": {"id": acme}}, headers=bearer(OPERATOR)
        )
    event = await next_message(ws, "s")
    await ws.close()

    assert ack["type"] == "connection_ack"
    assert stopped.json()["data"]["stopDatabase"]["database"]["status"] == "STOPPING"
    change = event["payload"]["data"]["databaseStatusChanged"]
    assert (change["previousStatus"], change["status"]) == ("RUNNING", "STOPPING")
