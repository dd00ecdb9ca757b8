"""Subscriptions live as long as the socket (issue 15, class 5): every operation over a
WebSocket, and every event of a subscription, gets a deadline of its own
(``request_timeout_seconds`` from when it starts), not the socket's.

Served by uvicorn with a one-second request timeout; waiting for the socket (or the
subscription) to be older than that is the point of each test, so they watch the clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import with_open_auth
from tests.served import serve_demo
from tests.websocket_support import acknowledged, next_message, result, subscribe, until

TIMEOUT = 1.0
CONFIG = with_open_auth(
    CLICKHOUSE_TWO_ORGS
    + f"""
[server]
request_timeout_seconds = {TIMEOUT}

[subscriptions]
poll_interval_seconds = 0.05

[cache]
enabled = false
"""
)
SERVICE = "/v1/organizations/{id}/services/{id}"
DATABASES = "{ databases(first: 100) { nodes { id name } } }"
STATUS = """subscription($id: ID!) {
  databaseStatusChanged(id: $id) {
    previousStatus status database { name organization { name } }
  }
}"""
STOP = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { status } } }"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "gw.toml"
    path.write_text(CONFIG)
    with serve_demo("--config", str(path), "--transition-seconds", "0.3") as (base, _):
        yield base


async def _database(http: httpx.AsyncClient) -> str:
    answer = await http.post("/graphql", json={"query": DATABASES})
    nodes = answer.json()["data"]["databases"]["nodes"]
    return str(next(n["id"] for n in nodes if n["name"] == "Acme Production"))


async def _service_gets(http: httpx.AsyncClient) -> float:
    """Upstream GETs of one service so far (the subscription's reads), from /metrics."""
    total = 0.0
    for line in (await http.get("/metrics")).text.splitlines():
        if (
            line.startswith("dbaas_gateway_upstream_requests_total{")
            and 'method="GET"' in line
            and f'endpoint="{SERVICE}"' in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    return total


def _older_than_the_timeout(since: float) -> bool:
    return time.monotonic() - since > TIMEOUT * 1.5


async def _read_more_than(http: httpx.AsyncClient, reads: float) -> bool:
    return await _service_gets(http) >= reads + 2


async def _stop_and_watch(http: httpx.AsyncClient, ws: object, database: str) -> dict[str, object]:
    stopped = await http.post("/graphql", json={"query": STOP, "variables": {"id": database}})
    assert "errors" not in stopped.json(), stopped.text
    return await next_message(ws, "s")  # type: ignore[arg-type]


async def test_a_subscription_started_on_an_old_socket_streams(served: str) -> None:
    async with httpx.AsyncClient(base_url=served) as http:
        database = await _database(http)
        # given a socket older than the request timeout
        ws = await acknowledged(served)
        opened = time.monotonic()
        await until(lambda: _older_than_the_timeout(opened), what="an old socket")

        # when it subscribes (and the subscription has read its baseline)
        reads = await _service_gets(http)
        await subscribe(ws, "s", STATUS, {"id": database})
        await until(lambda: _read_more_than(http, reads), what="the baseline poll")

        # then a change arrives, not UPSTREAM_TIMEOUT
        message = await _stop_and_watch(http, ws, database)
        await ws.close()

    assert message["type"] == "next", message
    payload = message["payload"]
    assert isinstance(payload, dict) and "errors" not in payload, payload
    change = payload["data"]["databaseStatusChanged"]
    assert change["status"] in ("STOPPING", "STOPPED")


async def test_a_query_on_an_old_socket_has_its_own_deadline(served: str) -> None:
    ws = await acknowledged(served)
    opened = time.monotonic()
    await until(lambda: _older_than_the_timeout(opened), what="an old socket")

    message = await result(ws, "q", DATABASES)
    await ws.close()

    assert message["type"] == "next"
    assert "errors" not in message["payload"], message["payload"]["errors"]
    assert len(message["payload"]["data"]["databases"]["nodes"]) >= 2


async def test_an_event_long_after_the_subscription_started_resolves_its_fields(
    served: str,
) -> None:
    async with httpx.AsyncClient(base_url=served) as http:
        database = await _database(http)
        ws = await acknowledged(served)
        # given a subscription (with its baseline) older than the request timeout
        reads = await _service_gets(http)
        await subscribe(ws, "s", STATUS, {"id": database})
        started = time.monotonic()
        await until(lambda: _read_more_than(http, reads), what="the baseline poll")
        await until(lambda: _older_than_the_timeout(started), what="an old subscription")

        # when a change comes, its fields (the organization is read upstream) resolve
        message = await _stop_and_watch(http, ws, database)
        await ws.close()

    assert message["type"] == "next", message
    payload = message["payload"]
    assert isinstance(payload, dict) and "errors" not in payload, payload
    change = payload["data"]["databaseStatusChanged"]
    assert change["database"]["organization"] == {"name": "Acme Analytics"}
