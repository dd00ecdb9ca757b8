"""Subscriptions: shared pollers (in-process, counted in the simulator's log) and the
graphql-transport-ws protocol with a real WebSocket client against a served gateway."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from schema.build import build_schema
from schema.context import GatewayContext
from schema.polling import Poller, PollerHub, PollSettings
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import GatewayClient, with_open_auth
from tests.served import serve_demo

SERVICE = r"/v1/organizations/[0-9a-f-]{36}/services/[0-9a-f-]{36}"
STATUS = """subscription($id: ID!) {
  databaseStatusChanged(id: $id) { previousStatus status database { name status } }
}"""
EVENTS = """subscription($id: ID!) {
  organizationEvents(organizationId: $id) { kind objectId previous database { name status } }
}"""
STOP = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { status } } }"


async def _database_id(gw: GatewayClient, name: str = "Acme Production") -> str:
    nodes = (await gw.data("{ databases(first: 100) { nodes { id name } } }"))["databases"]
    return str(next(n["id"] for n in nodes["nodes"] if n["name"] == name))


# -- pollers -------------------------------------------------------------------------------


async def test_a_failing_poll_backs_off_doubling_and_recovers() -> None:
    outcomes = iter([RuntimeError, RuntimeError, RuntimeError, 1, 1, 2])
    waits: list[float] = []
    done = asyncio.Event()

    async def fetch() -> int:
        outcome = next(outcomes)
        if outcome is RuntimeError:
            raise RuntimeError("vendor down")
        return int(outcome)

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 6:
            done.set()
            await asyncio.Event().wait()  # park the poller here

    poller = Poller(fetch, lambda a, b: [b] if a != b else [], PollSettings(1, 5), sleep=sleep)
    received: list[int] = []

    async def listen() -> None:
        async for event in poller.subscribe():
            received.append(event)

    task = asyncio.create_task(listen())
    await done.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    assert waits == [2, 4, 5, 1, 1, 1]  # doubling, capped at 5, back to the interval
    assert received == [2]  # changes only: the baseline (1) and its repeat are silent


async def test_subscribers_of_one_database_share_one_poll() -> None:
    config = CLICKHOUSE_TWO_ORGS + "\n[cache]\nenabled = false\n"
    async with GatewayClient.from_toml(config) as gw:
        database = await _database_id(gw)
        sim = gw.simulator("clickhouse")
        hub = PollerHub(PollSettings(interval=0.02))
        context = GatewayContext(adapters=gw.runtime.adapters, request_id="t", pollers=hub)
        schema = build_schema()

        async def subscribe() -> AsyncIterator[Any]:
            stream = await schema.subscribe(STATUS, {"id": database}, context_value=context)
            assert not isinstance(stream, type(None))
            return stream  # type: ignore[return-value]

        first, second = await subscribe(), await subscribe()
        tasks = [asyncio.ensure_future(anext(s)) for s in (first, second)]  # type: ignore[arg-type]
        while not hub.running():
            await asyncio.sleep(0.01)
        (poller,) = hub.running()
        while poller.polls < 3:
            await asyncio.sleep(0.01)
        sim.log.clear()
        before = poller.polls
        while poller.polls < before + 5:
            await asyncio.sleep(0.01)
        calls, polls = sim.log.count("GET", SERVICE), poller.polls - before
        await gw.data(STOP, {"id": database})
        events = await asyncio.gather(*tasks)
        for stream in (first, second):
            await stream.aclose()  # type: ignore[attr-defined]

    assert len(hub) == 0  # the last subscriber leaving stopped the poller
    # one read per poll, not one per subscriber (a poll may be in flight at either end)
    assert abs(calls - polls) <= 1
    for event in events:
        change = event.data["databaseStatusChanged"]
        assert (change["previousStatus"], change["status"]) == ("RUNNING", "STOPPING")


# -- over a real WebSocket -----------------------------------------------------------------

SERVED_CONFIG = with_open_auth(
    CLICKHOUSE_TWO_ORGS
    + """
[subscriptions]
poll_interval_seconds = 0.05

[cache.ttl]
databases = 0
"""
)


@pytest.fixture
def served(tmp_path: Path) -> Any:
    path = tmp_path / "gw.toml"
    path.write_text(SERVED_CONFIG)
    with serve_demo("--config", str(path), "--transition-seconds", "0.3") as (base, _):
        yield base


async def _open(base: str) -> ClientConnection:
    ws = await connect(
        base.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"]
    )
    await ws.send(json.dumps({"type": "connection_init"}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    return ws


async def _next(ws: ClientConnection, op: str) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("id") == op:
            return message  # type: ignore[no-any-return]


async def test_status_changes_arrive_over_graphql_transport_ws(served: str) -> None:
    async with httpx.AsyncClient(base_url=served) as http:
        listing = await http.post(
            "/graphql", json={"query": "{ databases(first: 100) { nodes { id name } } }"}
        )
        nodes = listing.json()["data"]["databases"]["nodes"]
        database = next(n["id"] for n in nodes if n["name"] == "Acme Production")
        ws = await _open(served)
        payload = {"query": STATUS, "variables": {"id": database}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        await asyncio.sleep(0.3)  # the baseline poll

        stopped = await http.post("/graphql", json={"query": STOP, "variables": {"id": database}})
        assert stopped.json()["data"]["stopDatabase"]["database"]["status"] == "STOPPING"
        first, second = await _next(ws, "1"), await _next(ws, "1")
        await ws.send(json.dumps({"id": "1", "type": "complete"}))
        await ws.close()

    changes = [m["payload"]["data"]["databaseStatusChanged"] for m in (first, second)]
    assert [(c["previousStatus"], c["status"]) for c in changes] == [
        ("RUNNING", "STOPPING"),
        ("STOPPING", "STOPPED"),
    ]
    assert changes[1]["database"] == {"name": "Acme Production", "status": "STOPPED"}


async def test_organization_events_report_a_new_database(served: str) -> None:
    async with httpx.AsyncClient(base_url=served) as http:
        orgs = await http.post(
            "/graphql", json={"query": '{ organizations(connection: "ch-acme") { id } }'}
        )
        org = orgs.json()["data"]["organizations"][0]["id"]
        ws = await _open(served)
        payload = {"query": EVENTS, "variables": {"id": org}}
        await ws.send(json.dumps({"id": "e", "type": "subscribe", "payload": payload}))
        await asyncio.sleep(0.3)

        create = """mutation($input: CreateDatabaseInput!) {
            createDatabase(input: $input) { database { id } } }"""
        variables = {
            "input": {
                "organizationId": org,
                "name": "Events Demo",
                "clickhouse": {"provider": "aws", "region": "us-east-1"},
            }
        }
        created = (
            await http.post("/graphql", json={"query": create, "variables": variables})
        ).json()
        assert "errors" not in created, created
        event = (await _next(ws, "e"))["payload"]["data"]["organizationEvents"]
        await ws.close()

    assert event["kind"] == "DATABASE_CREATED"
    assert event["objectId"] == created["data"]["createDatabase"]["database"]["id"]
    assert event["database"]["name"] == "Events Demo"


async def test_an_unknown_database_is_a_coded_error_not_a_stream(served: str) -> None:
    ws = await _open(served)
    payload = {"query": STATUS, "variables": {"id": "not-an-id"}}
    await ws.send(json.dumps({"id": "x", "type": "subscribe", "payload": payload}))
    message = await _next(ws, "x")
    await ws.close()

    assert message["type"] in ("error", "next")
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


# -- one poller across instances (the lease and channel faked in process) -------------------


class FakeWatch:
    """A resource's lease and channel as Redis keeps them, shared by two pollers."""

    def __init__(self) -> None:
        self.holder: str | None = None
        self.listeners: list[Any] = []

    async def lead(self, token: str, seconds: float) -> bool:
        if self.holder in (None, token):
            self.holder = token
        return self.holder == token

    async def resign(self, token: str) -> None:
        if self.holder == token:
            self.holder = None

    async def publish(self, message: str) -> None:
        for listener in list(self.listeners):
            listener(message)

    def listen(self, callback: Any) -> Any:
        self.listeners.append(callback)
        return lambda: self.listeners.remove(callback)


async def test_two_instances_poll_once_between_them_and_both_hear_every_change() -> None:
    vendor = {"status": "RUNNING"}
    reads = {"a": 0, "b": 0}
    watch = FakeWatch()

    def instance(name: str) -> Poller[str, tuple[str, str]]:
        async def fetch() -> str:
            reads[name] += 1
            return vendor["status"]

        return Poller(
            fetch,
            lambda before, now: [(before, now)] if before != now else [],
            PollSettings(interval=0.05),
            watch=watch,  # type: ignore[arg-type]
            digest=str,
        )

    a, b = instance("a"), instance("b")
    heard: dict[str, list[tuple[str, str]]] = {"a": [], "b": []}

    async def listen(name: str, poller: Poller[str, tuple[str, str]]) -> None:
        async for event in poller.subscribe():
            heard[name].append(event)

    tasks = [asyncio.create_task(listen("a", a)), asyncio.create_task(listen("b", b))]

    async def until(condition: Any) -> None:
        deadline = asyncio.get_running_loop().time() + 10
        while not condition():
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.01)

    await until(lambda: a.polls >= 5 and b.follows >= 1)  # a leads; b read its baseline
    quiet = reads["b"]
    await until(lambda: a.polls >= 10)
    assert reads["b"] == quiet  # nothing changed: b never read again

    vendor["status"] = "STOPPED"
    await until(lambda: heard["a"] and heard["b"])
    a.stop()  # a's last subscriber left: it hands the lease over
    vendor["status"] = "RUNNING"
    await until(lambda: len(heard["b"]) == 2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    assert heard == {
        "a": [("RUNNING", "STOPPED")],
        "b": [("RUNNING", "STOPPED"), ("STOPPED", "RUNNING")],
    }
    assert b.leading and b.polls >= 1
