"""Two gateway instances sharing one Redis and one ClickHouse simulator (one vendor API):
they fetch a resource once between them, see each other's invalidations, pace one API key
together, and keep answering when Redis dies. GraphQL over HTTP into each app."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.model import Vendor
from adapters.registry import ConnectionSettings
from gateway.config import CONFIG_ENV
from tests.gateway_client import GatewayClient, error_codes, with_open_auth
from tests.redis_server import CACHE_KEY, CACHE_KEY_ENV, CACHE_KEY_TOML, RedisServer
from tests.served import free_port, serving

SERVICE = r"/v1/organizations/[0-9a-f-]{36}/services/[0-9a-f-]{36}"
#: a Postgres service's own answer (a database by ID, like a service's)
POSTGRES_SERVICE = r"/v1/organizations/[0-9a-f-]{36}/postgres/[0-9a-f-]{36}"

CONNECTION = """
[[connections]]
name = "ch-acme"
vendor = "clickhouse"
simulated = true
simulator_account = "acme"
"""

CACHE_LOG = "dbaas_gateway.cache"

DATABASES = '{ databases(first: 100, filter: {connection: "ch-acme"}) { nodes { id name } } }'
DATABASE = "query($id: ID!) { database(id: $id) { name } }"
RENAME = """
mutation($id: ID!, $name: String!) {
  updateDatabase(input: {id: $id, name: $name}) { database { name } }
}
"""


def redis_config(url: str, cache: str = "", connection: str = "") -> str:
    """Instances of one deployment: one Redis, one cache key secret (``CACHE_KEY``)."""
    return (
        f'[cache]\nbackend = "redis"\nurl = "{url}"\n{CACHE_KEY_TOML}{cache}\n'
        f"{CONNECTION}{connection}"
    )


class Arrivals:
    """Wraps the simulator's app: notes when each request arrives (the vendor's clock for
    its rate limit), and may hold requests whose path matches ``hold`` until the test
    opens the gate."""

    def __init__(self, app: ASGIApp, hold: str | None = None) -> None:
        self.app = app
        self.hold = re.compile(hold) if hold is not None else None
        self.times: list[float] = []
        self.held = 0
        self.gate = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.times.append(time.monotonic())
            if self.hold is not None and self.hold.fullmatch(scope["path"]):
                self.held += 1
                await self.gate.wait()
        await self.app(scope, receive, send)


@contextlib.asynccontextmanager
async def instances(
    config: str, sim: ClickHouseSimulator, count: int = 2, cache_key: str = CACHE_KEY
) -> AsyncIterator[list[GatewayClient]]:
    """``count`` gateway apps on one configuration, all calling the one simulator."""
    env = {CACHE_KEY_ENV: cache_key}
    gateways = [GatewayClient.from_toml(config, env) for _ in range(count)]
    for gateway in gateways:
        gateway.runtime.simulators[Vendor("clickhouse")] = sim
    async with contextlib.AsyncExitStack() as stack:
        for gateway in gateways:
            await stack.enter_async_context(gateway)
        yield gateways


async def database_ids(gateway: GatewayClient) -> dict[str, str]:
    nodes = (await gateway.data(DATABASES))["databases"]["nodes"]
    return {n["name"]: n["id"] for n in nodes}


async def until(condition: Any, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


async def test_a_read_one_instance_made_is_served_to_the_other_from_redis(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        database = (await database_ids(a))["Acme Production"]
        sim.log.clear()

        first = await a.data(DATABASE, {"id": database})
        second = await b.data(DATABASE, {"id": database})

        assert first == second == {"database": {"name": "Acme Production"}}
        assert sim.log.count("GET", SERVICE) == 1
        assert len(sim.log.entries) == 1
        assert b.runtime.backend.stats.hits == 1


async def test_deployments_with_different_cache_keys_share_no_entry_on_one_redis(
    redis_server: RedisServer,
) -> None:
    """Two deployments point at one Redis with the same connection and credential, but
    each has its own ``[cache] key_secret_env`` secret: the keyed fingerprints differ, so
    neither reads the other's entries, and no Redis key holds the unkeyed SHA-256 of the
    credential that anyone listing keys could test guessed secrets against."""
    sim = ClickHouseSimulator()
    config = redis_config(redis_server.url)
    other_key = "another-deployment-cache-key-8c2f4a61b9e7"
    async with (
        instances(config, sim, count=1) as (ours,),
        instances(config, sim, count=1, cache_key=other_key) as (theirs,),
    ):
        database = (await database_ids(ours))["Acme Production"]
        await ours.data(DATABASE, {"id": database})  # now in Redis, under our scope
        sim.log.clear()

        answer = await theirs.data(DATABASE, {"id": database})

        assert answer == {"database": {"name": "Acme Production"}}
        assert sim.log.count("GET", SERVICE) == 1  # asked upstream: our entry is not theirs
        assert theirs.runtime.backend.stats.hits == 0
        (connection,) = ours.runtime.config.connections
    with redis_server.client() as plain:
        keys = [k.decode() for k in plain.keys("*")]
    # per-scope keys carry the scope as a hash tag; the rest are digests (caller buckets)
    scopes = {key.split("{", 1)[1].split("}", 1)[0] for key in keys if "{" in key}
    assert len(scopes) == 2 and all(s.startswith("ch-acme:") for s in scopes)
    for digest in unkeyed_digests(connection):
        assert not any(digest[:16] in key for key in keys)


def unkeyed_digests(connection: ConnectionSettings) -> list[str]:
    """SHA-256 digests of a credential's identity with no key: the old fingerprint (parts
    joined by NUL) and the keyed one's message digested without its key."""
    parts = [connection.vendor.value, connection.base_url, connection.simulator_account or ""]
    parts += sorted(f"{n}={v.reveal()}" for n, v in connection.secrets.items())
    joined = b"".join(part.encode() + b"\0" for part in parts)
    return [
        hashlib.sha256(joined).hexdigest(),
        hashlib.sha256(json.dumps(parts).encode()).hexdigest(),
    ]


async def test_concurrent_identical_reads_on_two_instances_make_one_upstream_call(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    # the vendor's answer to the read is held until both instances have missed the cache
    sim.app = arrivals = Arrivals(sim.app, hold=SERVICE)
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        database = (await database_ids(a))["Acme Production"]
        sim.log.clear()

        stats = [a.runtime.backend.stats, b.runtime.backend.stats]
        misses = sum(s.misses for s in stats)

        reads = [asyncio.create_task(g.data(DATABASE, {"id": database})) for g in (a, b)]
        both_missed = lambda: sum(s.misses for s in stats) == misses + 2  # noqa: E731
        await until(lambda: both_missed() and arrivals.held == 1, "both instances to miss")
        arrivals.gate.set()
        answers = await asyncio.gather(*reads)

        assert answers[0] == answers[1] == {"database": {"name": "Acme Production"}}
        assert sim.log.count("GET", SERVICE) == 1
        assert sum(s.shared_fetches for s in stats) == 1  # one waited for the other's fetch


async def test_a_write_on_one_instance_invalidates_what_the_other_reads(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        database = (await database_ids(a))["Acme Production"]
        assert (await b.data(DATABASE, {"id": database}))["database"]["name"] == "Acme Production"

        await a.data(RENAME, {"id": database, "name": "Acme Prod 2"})
        sim.log.clear()
        after = await b.data(DATABASE, {"id": database})

        assert after == {"database": {"name": "Acme Prod 2"}}
        assert sim.log.count("GET", SERVICE) == 1  # the cached answer was dropped


async def test_two_instances_together_stay_within_one_keys_rate_limit(
    redis_server: RedisServer,
) -> None:
    limit, window = 5, 1.0
    sim = ClickHouseSimulator(rate_limit=(limit, window))
    sim.app = arrivals = Arrivals(sim.app)
    # no cached answers: every read goes upstream, so only pacing keeps the key under limit
    config = redis_config(
        redis_server.url,
        cache="enabled = false",
        connection="rate_limit_requests = 5\nrate_limit_window_seconds = 1\n",
    )
    async with instances(config, sim) as (a, b):
        ids = list((await database_ids(a)).values())

        answers = await asyncio.gather(*(g.data(DATABASE, {"id": i}) for g in (a, b) for i in ids))

    # seven services and two Postgres services, each read by both instances
    assert len(answers) == 2 * len(ids) == 18
    assert sim.log.count(None, SERVICE) + sim.log.count(None, POSTGRES_SERVICE) == 18
    assert [e.status for e in sim.log.entries if e.status == 429] == []
    busiest = max(sum(1 for t in arrivals.times if s <= t < s + window) for s in arrivals.times)
    assert busiest <= limit


async def test_when_redis_dies_instances_answer_from_memory_and_return_to_redis(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, CACHE_LOG)
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim, count=1) as (gateway,):
        backend = gateway.runtime.backend
        backend.link.cooldown = 0.1  # retry Redis soon, so the test need not wait a second
        ids = await database_ids(gateway)

        redis_server.kill()
        for name, database in ids.items():
            assert (await gateway.data(DATABASE, {"id": database}))["database"]["name"] == name
        ready = (await gateway.http.get("/readyz")).json()

        assert ready["status"] == "ready"
        assert ready["cache"]["backend"] == "redis-unavailable"
        assert ready["cache"]["backend_errors"] == backend.stats.backend_errors > 0

        redis_server.start()  # the same port
        deadline = time.monotonic() + 10
        while backend.status() != "redis":  # the next call after the cool-down rejoins it
            assert time.monotonic() < deadline, "the backend did not return to Redis"
            await gateway.data(DATABASE, {"id": ids["Acme Production"]})
            await asyncio.sleep(0.02)
        ready = (await gateway.http.get("/readyz")).json()

    assert ready["cache"]["backend"] == "redis"
    messages = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == CACHE_LOG]
    assert [level for level, _ in messages] == ["WARNING", "INFO"]
    assert "unavailable" in messages[0][1] and "is back" in messages[1][1]


def test_uvicorn_workers_built_by_the_factory_share_one_redis(
    redis_server: RedisServer, tmp_path: Any
) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(with_open_auth(redis_config(redis_server.url)))
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "gateway.asgi:app"]
    command += ["--workers", "2", "--port", str(port), "--log-level", "warning"]

    env = {**os.environ, CONFIG_ENV: str(config), CACHE_KEY_ENV: CACHE_KEY}
    with serving(command, port, env) as (base, _):
        for _ in range(4):
            response = httpx.post(f"{base}/graphql", json={"query": DATABASES}, timeout=10)
            assert response.status_code == 200 and "errors" not in response.json()
        ready = httpx.get(f"{base}/readyz", timeout=10).json()

    assert ready["cache"]["backend"] == "redis"
    with redis_server.client() as plain:
        keys = [k.decode() for k in plain.keys("dbgw:{ch-acme:*")]
    assert any(":e:https://api.clickhouse.cloud/v1/organizations" in k for k in keys)


async def test_a_callers_rate_limit_counts_its_requests_on_every_instance(
    redis_server: RedisServer,
) -> None:
    """``[limits] rate_limit_requests = 3`` per minute: three requests spread over two
    instances use the caller's whole budget, the fourth is refused on either; while Redis
    is away each instance counts on its own again."""
    sim = ClickHouseSimulator()
    config = redis_config(redis_server.url) + (
        "\n[limits]\nrate_limit_requests = 3\nrate_limit_window_seconds = 60\n"
    )
    query = {"query": "{ connections { name } }"}
    async with instances(config, sim) as (a, b):
        spread = [await g.http.post("/graphql", json=query) for g in (a, b, a)]
        refused = [await g.http.post("/graphql", json=query) for g in (b, a)]
        with redis_server.client() as plain:
            buckets = [k.decode() for k in plain.keys("dbgw:caller:*")]
        redis_server.kill()
        alone = await b.http.post("/graphql", json=query)

    assert [r.status_code for r in spread] == [200, 200, 200]
    assert [r.status_code for r in refused] == [429, 429]
    assert 19 <= int(refused[0].headers["retry-after"]) <= 20  # one request per 20 s
    assert len(buckets) == 1 and "anonymous" not in buckets[0]  # the caller, digested
    assert alone.status_code == 200  # this process's own bucket meanwhile


class HoldFirst:
    """Wraps the simulator's app: the answer to the first request whose path matches is
    made at once (the vendor's state then) but held on its way back until the test opens
    the gate; the rest pass."""

    def __init__(self, app: ASGIApp, path: str) -> None:
        self.app = app
        self.path = re.compile(path)
        self.held = asyncio.Event()
        self.gate = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        first = self.path.fullmatch(scope.get("path", "")) and not self.held.is_set()
        if scope["type"] != "http" or not first:
            await self.app(scope, receive, send)
            return
        self.held.set()
        answer: list[Message] = []

        async def keep(message: Message) -> None:
            answer.append(message)

        await self.app(scope, receive, keep)
        await self.gate.wait()
        for message in answer:
            await send(message)


async def test_a_read_after_another_instances_write_never_joins_a_get_sent_before_it(
    redis_server: RedisServer,
) -> None:
    """B has a GET of a database in flight, answered before A renames the database but
    not yet arrived; a read on B sent after A's rename answered must not share it."""
    sim = ClickHouseSimulator()
    sim.app = hold = HoldFirst(sim.app, SERVICE)
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        database = (await database_ids(a))["Acme Production"]
        before = asyncio.create_task(b.data(DATABASE, {"id": database}))
        await until(hold.held.is_set, "B's first read to reach the vendor")

        await a.data(RENAME, {"id": database, "name": "Acme Prod 3"})
        after = asyncio.create_task(b.data(DATABASE, {"id": database}))
        flights = b.runtime.adapters["ch-acme"].http._inflight
        # the second read sent its own GET (joining the first, it would not)
        await until(lambda: len(flights) == 2, "a GET of its own for the read after the write")
        hold.gate.set()
        first, second = await before, await after

    assert first == {"database": {"name": "Acme Production"}}  # concurrent with the write
    assert second == {"database": {"name": "Acme Prod 3"}}


@pytest.mark.parametrize("kind", ["truncated", "empty", "html"])
async def test_an_unreadable_answer_is_never_cached_for_another_read_or_instance(
    redis_server: RedisServer, kind: str
) -> None:
    """One truncated (or empty, or HTML) 2xx from the vendor or a proxy fails the read
    that got it, and only that one: the next read, on either instance, asks the vendor
    again (before: the broken body was stored in Redis and every read on every instance
    failed with UPSTREAM_BAD_RESPONSE for the kind's TTL)."""
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        database = (await database_ids(a))["Acme Production"]
        with redis_server.client() as plain:
            plain.flushall()  # the listing cached each database: the next read goes upstream
        sim.faults.add_malformed(kind, method="GET", path=SERVICE, times=1)

        broken = await a.post(DATABASE, {"id": database})
        answers = [await g.post(DATABASE, {"id": database}) for g in (b, a)]

    assert error_codes(broken) == ["UPSTREAM_BAD_RESPONSE"]
    assert [error_codes(x) for x in answers] == [[], []]
    assert sim.log.count("GET", SERVICE) >= 2
