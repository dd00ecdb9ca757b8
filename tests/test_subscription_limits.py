"""One caller cannot starve a connection (issue 15, class 3): subscriptions are capped per
caller and per connection (SUBSCRIPTION_LIMIT), and polls wait behind the requests
callers are waiting for.

The caps against a gateway served by uvicorn; the priority in-process, counted in the
simulator's request log."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from schema.build import build_schema
from schema.context import GatewayContext
from schema.polling import PollerHub, PollSettings
from tests.auth_fixtures import ADMIN, OPERATOR, SECURED, VIEWER, bearer
from tests.gateway_client import GatewayClient
from tests.served import serve_demo
from tests.websocket_support import (
    acknowledged,
    codes,
    errors_of,
    first_messages,
    metric,
    next_message,
    subscribe,
    until,
)

CAPS = """
[subscriptions]
poll_interval_seconds = 0.05
max_per_caller = 3
max_polled_per_connection = 2

[cache]
enabled = false
"""
DATABASES = "{ databases(first: 100) { nodes { id name } } }"
STATUS = "subscription($id: ID!) { databaseStatusChanged(id: $id) { previousStatus status } }"
EVENTS = "subscription($id: ID!) { organizationEvents(organizationId: $id) { kind } }"
STOP = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { status } } }"
SERVICE_READS = {"method": "GET", "endpoint": "/v1/organizations/{id}/services/{id}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("caps") / "gw.toml"
    path.write_text(SECURED + CAPS)
    with serve_demo("--config", str(path), "--transition-seconds", "0.3") as (base, _):
        yield base


async def _ids(base: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post("/graphql", json={"query": DATABASES}, headers=bearer(ADMIN))
    return {n["name"]: n["id"] for n in answer.json()["data"]["databases"]["nodes"]}


async def _stop(base: str, database: str) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.post(
            "/graphql", json={"query": STOP, "variables": {"id": database}}, headers=bearer(ADMIN)
        )
    assert "errors" not in answer.json(), answer.text


async def _listening(base: str, connection: str, subscribers: int, reads: float) -> None:
    """Wait until ``connection``'s pollers have ``subscribers`` and have read more than
    ``reads`` times (each subscription's first read and a poll after: the baseline)."""

    async def ready() -> bool:
        heard = await metric(base, "dbaas_gateway_subscription_subscribers", connection=connection)
        read = await metric(
            base, "dbaas_gateway_upstream_requests_total", connection=connection, **SERVICE_READS
        )
        return heard == subscribers and read > reads

    await until(ready, what=f"{subscribers} subscribers on {connection}")


async def _reads(base: str, connection: str) -> float:
    return await metric(
        base, "dbaas_gateway_upstream_requests_total", connection=connection, **SERVICE_READS
    )


async def test_a_caller_over_its_subscriptions_is_refused_on_every_socket(served: str) -> None:
    database = (await _ids(served))["Acme Production"]
    first, second = await acknowledged(served, VIEWER), await acknowledged(served, VIEWER)
    # given a caller with as many subscriptions as it may have
    reads = await _reads(served, "ch-acme")
    for op in ("a", "b", "c"):
        await subscribe(first, op, STATUS, {"id": database})
    await _listening(served, "ch-acme", 3, reads + 3)

    # when it asks for one more, on this socket or another
    await subscribe(first, "d", STATUS, {"id": database})
    await subscribe(second, "e", STATUS, {"id": database})
    refused = [await next_message(first, "d"), await next_message(second, "e")]
    # while another caller may still subscribe
    other = await acknowledged(served, OPERATOR)
    await subscribe(other, "f", STATUS, {"id": database})
    await _listening(served, "ch-acme", 4, reads + 4)

    # then the refusals are coded, and the subscriptions it has (and the other's) stream
    await _stop(served, database)
    streamed = list((await first_messages(first, ["a", "b", "c"])).values())
    streamed.append(await next_message(other, "f"))
    for ws in (first, second, other):
        await ws.close()

    assert [m["type"] for m in refused] == ["error", "error"]
    assert [codes(m) for m in refused] == [["SUBSCRIPTION_LIMIT"]] * 2
    assert errors_of(refused[0])[0]["extensions"]["limit"] == 3
    assert "max_per_caller" in errors_of(refused[0])[0]["message"]
    assert [m["type"] for m in streamed] == ["next"] * 4


async def test_a_connection_polls_at_most_its_limit_of_resources(served: str) -> None:
    ids = await _ids(served)
    admin = await acknowledged(served, ADMIN)
    # given a connection polling as many resources as it may (two of its databases)
    reads = await _reads(served, "ch-globex")
    await subscribe(admin, "w", STATUS, {"id": ids["Globex Warehouse"]})
    await subscribe(admin, "i", STATUS, {"id": ids["Globex Ingest"]})
    await _listening(served, "ch-globex", 2, reads + 2)

    # when a subscription would poll a third
    await subscribe(admin, "a", STATUS, {"id": ids["Globex Archive"]})
    refused = await next_message(admin, "a")
    # while one to a resource already polled costs nothing more upstream, and is served
    operator = await acknowledged(served, OPERATOR)
    await subscribe(operator, "w2", STATUS, {"id": ids["Globex Warehouse"]})
    await _listening(served, "ch-globex", 3, reads + 3)
    await _stop(served, ids["Globex Warehouse"])
    streamed = await next_message(operator, "w2")
    for ws in (admin, operator):
        await ws.close()

    assert codes(refused) == ["SUBSCRIPTION_LIMIT"]
    error = errors_of(refused)[0]
    assert error["extensions"]["connection"] == "ch-globex"
    assert "max_polled_per_connection" in error["message"]
    assert streamed["type"] == "next"
    assert await metric(served, "dbaas_gateway_subscription_pollers", connection="ch-globex") <= 2


# -- polls wait behind callers ---------------------------------------------------------------

#: one connection paced to 20 requests a second, two at a time; nothing cached
PACED = """
[[connections]]
name = "ch"
vendor = "clickhouse"
simulated = true
simulator_account = "acme"
max_concurrency = 2
rate_limit_requests = 20
rate_limit_window_seconds = 1

[cache]
enabled = false
"""
SERVICE = r"/v1/organizations/[0-9a-f-]{36}/services/[0-9a-f-]{36}"


async def _streams(gw: GatewayClient, hub: PollerHub) -> list[AsyncIterator[Any]]:
    """A subscription to every database of the organization, and to its events."""
    context = GatewayContext(adapters=gw.runtime.adapters, request_id="t", pollers=hub)
    schema = build_schema()
    nodes = (await gw.data(DATABASES))["databases"]["nodes"]
    org = (await gw.data("{ organizations { id } }"))["organizations"][0]["id"]
    documents = [(STATUS, {"id": n["id"]}) for n in nodes] + [(EVENTS, {"id": org})]
    streams = []
    for query, variables in documents:
        stream = await schema.subscribe(query, variables, context_value=context)
        streams.append(stream)
    return streams  # type: ignore[return-value]


async def test_a_request_is_served_before_the_polls_queued_ahead_of_it() -> None:
    async with GatewayClient.from_toml(PACED) as gw:
        sim = gw.simulator("clickhouse")
        hub = PollerHub(PollSettings(interval=0.01))
        streams = await _streams(gw, hub)
        waiting = [asyncio.ensure_future(anext(s)) for s in streams]  # type: ignore[call-overload]
        # given ten pollers (seven services, two Postgres services, the organization's
        # events), each with a poll queued or under way at all times
        deadline = asyncio.get_running_loop().time() + 20
        while len(hub.running()) < len(streams) or min(p.polls for p in hub.running()) < 2:
            assert asyncio.get_running_loop().time() < deadline, "pollers did not start"
            await asyncio.sleep(0.01)

        # when a caller asks for something
        mark = len(sim.log.entries)
        answer = await gw.data("{ organizations { name } }")
        served = sim.log.entries[mark:]
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        for stream in streams:
            await stream.aclose()  # type: ignore[attr-defined]

    # then its request went upstream before the polls queued ahead of it: at most the
    # ones already holding one of the connection's two slots
    position = next(i for i, e in enumerate(served) if e.path == "/v1/organizations")
    assert answer["organizations"] == [{"name": "Acme Analytics"}]
    assert len(streams) == 10
    assert position <= 2, [e.path for e in served[: position + 1]]
