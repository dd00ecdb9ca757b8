"""Attacks on the answer cache (gateway/answers.py) through the real stack: GraphQL over
HTTP into the app, adapters over HTTP to the simulators. Each test is a promise of
docs/performance.md "The answer cache" that an earlier version broke."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import time
import tracemalloc
from collections.abc import Awaitable, Sequence
from typing import Any, TypeVar

import pytest

from adapters.cache.store import MemoryBackend
from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.dbaas.sim.simulator import DBaaSSimulator
from adapters.upstream.http import fresh_reads
from adapters.upstream.read_log import ReadLog, unchanged
from adapters.upstream.scrub import Scrubber
from gateway.answers import ANSWER_OVERHEAD, AnswerCache
from gateway.limits import LimitSettings
from schema import execution
from schema.answer_rules import NEVER_KEPT
from schema.build import build_schema
from schema.ids import decode_id
from tests.auth_fixtures import ACME_ADMIN, ADMIN, OPERATOR, VIEWER, answer, bearer, secured
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.dbaas.conftest import gateway_over, gid
from tests.dbaas.test_mutations import UPDATE as DBAAS_UPDATE
from tests.gateway_client import GatewayClient, error_codes
from tests.redis_server import RedisServer
from tests.test_answer_cache import LIST, names, rename_behind, warm
from tests.test_federation_production import (
    COMMITTED,
    PRODUCTION,
    ROUTER,
    ROUTER_TOKEN,
    SDL,
    served_sdl,
)
from tests.test_mutations_common import CLICKHOUSE_OPTIONS as OPTIONS
from tests.test_mutations_common import CREATE_DATABASE
from tests.test_scale_out import DATABASES, RENAME, instances, redis_config

T = TypeVar("T")
ONE = "query($id: ID!) { database(id: $id) { name status } }"
BACKUPS = "query($id: ID!) { database(id: $id) { name backups { id status } } }"
POSTGRES_LIST = r"/v1/organizations/[0-9a-f-]{36}/postgres$"


async def test_an_answer_that_read_a_not_found_is_not_kept(clickhouse: GatewayClient) -> None:
    """A 404 is never stored by the response cache: the next read asks the vendor again.
    The ClickHouse adapter reads a 404 of the Postgres list as "no Postgres services" (an
    API without them): an answer built on it must not outlive that read either."""
    sim = clickhouse.simulator("clickhouse")
    org_id = next(
        o
        for o, s in sim.state.organizations.items()
        if any(v["name"] == "Acme Production" for v in s.services.values())
    )
    sim.add_postgres(org_id, "Acme Postgres")
    await warm(clickhouse)
    sim.faults.add(404, path=POSTGRES_LIST, times=1)

    first = await clickhouse.data(LIST)
    assert "Acme Postgres" not in names(first)  # the 404: no Postgres services then

    again = await clickhouse.data(LIST)

    # the response cache kept no 404: executed, the list asks the vendor again
    assert "Acme Postgres" in names(again)


async def test_a_generation_that_expired_after_a_write_does_not_revive_an_answer(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scope's generation expires an hour after its last write and restarts from 0.
    An answer stamped before that write (at 0), and asked for again only after the
    generation expired, must not look unchanged: its TTL may be longer than the hour."""
    sim = ClickHouseSimulator()
    cache = "[cache.ttl]\norganizations = 7200\ndatabases = 7200\n"
    async with instances(redis_config(redis_server.url, cache), sim) as (a, b):
        for _ in range(3):  # a's first upstream call learns its credential: not kept
            nodes = (await a.data(DATABASES))["databases"]["nodes"]
        assert a.runtime.backend.stats.answer_hits == 1
        target = next(n for n in nodes if n["name"] == "Acme Production")

        await b.data(RENAME, {"id": target["id"], "name": "Renamed On B"})
        redis = redis_server.client()
        generations = redis.keys("dbgw:*:gen")
        assert generations
        redis.delete(*generations)  # as an hour without a write leaves them
        now = time.time()
        monkeypatch.setattr(time, "time", lambda: now + 3700)  # that hour

        assert "Renamed On B" in names(await a.data(DATABASES))


@pytest.mark.parametrize("stamps", [0, 1, 3])
def test_the_memory_bound_holds_for_many_tiny_answers(stamps: int) -> None:
    """``answers_max_bytes`` bounds what the answers take, not only their JSON: tiny
    answers (``{ __typename }`` under ever new variables) each hold a read log."""
    bound = 1 << 20
    cache = AnswerCache(build_schema()._schema, max_bytes=bound)
    scrubber = Scrubber()
    backend = MemoryBackend()
    query = "query($n: Int) { __typename }"
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(20_000):
            log = ReadLog()
            for i in range(stamps):  # as the gateway's reads stamp them
                log.stamps[f"ch-{i}:0123456789abcdef"] = (backend, (0, n))
                log.scrubbers[i] = (scrubber, scrubber.version)
            key = hashlib.blake2b(f"{stamps}/{n}".encode(), digest_size=32).digest()
            cache.keep(key, log, {"__typename": "Query"}, None, query, None)
        taken = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    assert cache.bytes <= bound
    assert taken <= bound * 1.25, f"{taken} bytes for a bound of {bound}"


def test_documents_remembered_for_keepability_do_not_hold_their_text() -> None:
    """512 documents of 64 KiB would be 32 MiB beside the bound of the answers."""
    cache = AnswerCache(build_schema()._schema, max_bytes=1 << 20)
    padding = "#" + "x" * 60_000 + "\n"
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(50):
            document = f"{padding}query Q{n} {{ __typename }}"
            cache.keep(bytes([n]) * 32, ReadLog(), {"__typename": "Query"}, None, document, None)
            del document
        gc.collect()  # a parsed document's tokens link to each other
        taken = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    assert taken < 200_000


class _SlowStamps:
    """A backend whose stamps take a while (a Redis round trip): other requests run."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def stamps(self, scopes: Sequence[str]) -> list[object]:
        await self.release.wait()
        return [0 for _ in scopes]


async def test_an_answer_pushed_out_while_its_stamps_are_checked_is_no_error() -> None:
    """While one request checks a kept answer's stamps with Redis, another keeps answers
    that push it out of the bound: the first must still answer, not fail (KeyError)."""
    query = "query($n: Int) { __typename }"
    cache = AnswerCache(build_schema()._schema, max_bytes=8 * (ANSWER_OVERHEAD + 400))
    slow = _SlowStamps()
    log = ReadLog()
    log.stamps["ch-acme:0123"] = (slow, 0)
    cache.keep(b"\x01" * 32, log, {"__typename": "Query"}, None, query, None)
    checking = asyncio.ensure_future(cache.get(b"\x01" * 32))
    await asyncio.sleep(0)
    for n in range(2, 40):  # the bound holds about eight: the first goes
        cache.keep(bytes([n]) * 32, ReadLog(), {"__typename": "Query"}, None, query, None)
    assert b"\x01" * 32 not in cache._answers

    slow.release.set()

    assert await checking == '{"__typename":"Query"}'


async def test_a_stale_answer_found_while_another_was_kept_does_not_drop_the_new_one() -> None:
    query = "query($n: Int) { __typename }"
    cache = AnswerCache(build_schema()._schema, max_bytes=1 << 20)
    slow = _SlowStamps()
    log = ReadLog()
    log.stamps["ch-acme:0123"] = (slow, "before a write")  # the stamp now differs
    key = b"\x01" * 32
    cache.keep(key, log, {"__typename": "Query"}, None, query, None)
    checking = asyncio.ensure_future(cache.get(key))
    await asyncio.sleep(0)
    # meanwhile the same request sent with Cache-Control: no-cache executed, and was kept
    cache.keep(key, ReadLog(), {"__typename": "Query"}, None, query, None)

    slow.release.set()

    assert await checking is None  # what it found was stale
    assert await cache.get(key) == '{"__typename":"Query"}'  # the new one stays


class _Generations:
    """A backend whose stamps answer when the test says, with the generation then (Redis:
    the reads of one request run concurrently, each awaiting its stamp on a connection of
    the pool, in no set order)."""

    def __init__(self) -> None:
        self.generation = 0
        self.calls: list[asyncio.Event] = []

    async def stamps(self, scopes: Sequence[str]) -> list[object]:
        done = asyncio.Event()
        self.calls.append(done)
        await done.wait()
        return [self.generation for _ in scopes]


async def test_two_reads_of_a_scope_with_a_write_between_their_stamps() -> None:
    """Two reads of one scope in one request (gathered) both stamp it. The first's stamp
    answers (0) and it reads the entry; a write then drops that entry; the second's stamp
    answers after the write (1). The log must not vouch for the first read with 1."""
    backend = _Generations()
    scrubber = Scrubber()
    log = ReadLog()
    first = asyncio.ensure_future(log.stamp(backend, "ch-acme:0123", scrubber))
    second = asyncio.ensure_future(log.stamp(backend, "ch-acme:0123", scrubber))
    for _ in range(3):
        await asyncio.sleep(0)
    assert len(backend.calls) == 2  # both wait for their stamp
    backend.calls[0].set()
    await first  # stamped 0: the first read reads the entry now
    backend.generation = 1  # a write, on this instance or another
    backend.calls[1].set()
    await second
    backend.calls.clear()
    checking = asyncio.ensure_future(unchanged(log))
    for _ in range(3):
        await asyncio.sleep(0)
    for call in backend.calls:
        call.set()

    assert log.unchecked or not await checking


async def test_a_hash_one_caller_registered_answers_another_caller_with_its_own() -> None:
    """Held: an APQ hash-only GET from another token, after one token registered the
    document (and had its answer kept), is answered for the token that asks."""
    document = "{ organizations { name } }"
    digest = hashlib.sha256(document.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    async with secured() as gw:
        await answer(gw, ADMIN, "{ databases(first: 100) { nodes { name } } }")  # learn
        for _ in range(2):
            sent = await gw.http.post(
                "/graphql",
                json={"query": document, "extensions": extensions},
                headers=bearer(ACME_ADMIN),
            )
            assert len(sent.json()["data"]["organizations"]) == 1
        hits = gw.runtime.backend.stats.answer_hits
        assert hits == 1
        for token, count in ((ADMIN, 3), (ACME_ADMIN, 1), (ADMIN, 3)):
            got = await gw.http.get(
                "/graphql",
                params={"extensions": json.dumps(extensions)},
                headers=bearer(token),
            )
            assert len(got.json()["data"]["organizations"]) == count, token
        assert gw.runtime.backend.stats.answer_hits == hits + 2


async def test_variables_absent_null_or_defaulted_each_get_their_own_answer(
    clickhouse: GatewayClient,
) -> None:
    """Held: a variable left out (its default applies), sent as null, or given: three
    keys, three answers, each the executed one."""
    query = (
        'query($f: DatabaseFilter = {connection: "ch-acme"}) '
        "{ databases(first: 100, filter: $f) { nodes { name } } }"
    )
    await warm(clickhouse)
    cases: list[dict[str, Any] | None] = [
        None,
        {},
        {"f": None},
        {"f": {"connection": "ch-globex"}},
    ]
    first = [await clickhouse.post(query, v) for v in cases]
    again = [await clickhouse.post(query, v) for v in cases]
    executed = [
        (
            await clickhouse.http.post(
                "/graphql",
                json={"query": query, "variables": v},
                headers={"Cache-Control": "no-cache"},
            )
        ).json()
        for v in cases
    ]

    assert first == again == executed
    assert first[0] == first[1] != first[2] != first[3]
    assert clickhouse.runtime.backend.stats.answer_hits >= 3


async def test_a_write_on_another_instance_while_redis_was_away_from_it(
    redis_server: RedisServer,
) -> None:
    """Held: B writes while Redis does not answer it; once B is back (its own probe moves
    the fence), A's kept answer is not served again."""
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        b.runtime.backend.link.cooldown = 0.05
        for _ in range(3):
            nodes = (await a.data(DATABASES))["databases"]["nodes"]
        assert a.runtime.backend.stats.answer_hits == 1
        target = next(n for n in nodes if n["name"] == "Acme Production")

        redis_server.pause()
        try:
            await b.data(RENAME, {"id": target["id"], "name": "Renamed Without Redis"})
            assert b.runtime.backend.status() == "redis-unavailable"
        finally:
            redis_server.resume()
        deadline = time.monotonic() + 10
        while b.runtime.backend.status() != "redis":
            assert time.monotonic() < deadline, "B did not come back on its own"
            await asyncio.sleep(0.02)

        assert "Renamed Without Redis" in names(await a.data(DATABASES))


async def test_a_redis_restarted_empty_under_two_instances(redis_server: RedisServer) -> None:
    """Held: Redis restarts without its keys; a write on B after that is seen by A's next
    read (A's answer was stamped with the old Redis's epoch)."""
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        for gw in (a, b):
            gw.runtime.backend.link.cooldown = 0.05
        for _ in range(3):
            nodes = (await a.data(DATABASES))["databases"]["nodes"]
        target = next(n for n in nodes if n["name"] == "Acme Production")
        redis_server.kill()
        redis_server.start()
        await b.data(RENAME, {"id": target["id"], "name": "Renamed After Restart"})

        assert "Renamed After Restart" in names(await a.data(DATABASES))


def _leaves(type_name: str, depth: int = 2) -> str:
    """Every field of ``type_name`` without arguments: leaves, and objects to ``depth``."""
    from graphql import GraphQLObjectType, get_named_type, is_leaf_type

    from gateway.limits_graphql import schema_for

    schema = schema_for(LimitSettings(), True)._schema
    parent = schema.type_map[type_name]
    assert isinstance(parent, GraphQLObjectType)
    picked = []
    for name, field in parent.fields.items():
        if field.args or f"{type_name}.{name}" in NEVER_KEPT:
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            picked.append(name)
        elif (
            isinstance(named, GraphQLObjectType)
            and depth > 0
            and not named.name.endswith("Connection")
        ):
            inner = _leaves(named.name, depth - 1)
            if inner:
                picked.append(f"{name} {{ {inner} }}")
    return " ".join(picked)


@pytest.mark.parametrize("token", ["viewer", "admin"])
async def test_the_short_way_answers_the_real_schema_as_the_whole_way(
    token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held: every leaf without arguments of organizations, databases and backups (role
    checked ones too), as a viewer and as an admin: the same bytes with plain leaves read
    directly and with every field taken the whole way."""
    organization, database = _leaves("Organization", 1), _leaves("Database", 1)
    connection = _leaves("VendorConnection", 1)
    document = (
        f"{{ organizations {{ {organization} }} databases(first: 20) {{ nodes {{ {database} }} }}"
        f" connections {{ {connection} }} }}"
    )
    bearer_of = bearer({"viewer": VIEWER, "admin": ADMIN}[token])
    headers = {**bearer_of, "Cache-Control": "no-cache"}
    async with secured() as gw:
        await gw.http.post("/graphql", json={"query": document}, headers=headers)  # learn
        short = await gw.http.post("/graphql", json={"query": document}, headers=headers)
        monkeypatch.setattr(execution, "plain_leaves", lambda parent_type: {})
        whole = await gw.http.post("/graphql", json={"query": document}, headers=headers)

    assert short.status_code == whole.status_code == 200
    assert short.json()["data"] is not None, short.text[:800]
    assert short.content == whole.content


async def test_a_role_checked_payload_field_is_checked_on_the_short_way() -> None:
    """Held: ``CreateDatabasePayload.password`` is an attribute of a leaf type with a role
    check (an admin's): an operator who may create gets the database, never the password."""
    async with secured() as gw:
        orgs = (await answer(gw, OPERATOR, "{ organizations { id connection { name } } }"))["data"][
            "organizations"
        ]
        org = next(o for o in orgs if o["connection"]["name"] == "ch-acme")
        variables = {
            "input": {"organizationId": org["id"], "name": "By An Operator", "clickhouse": OPTIONS}
        }
        body = await answer(gw, OPERATOR, CREATE_DATABASE, variables)

    assert body["data"] is not None, body
    assert body["data"]["createDatabase"]["database"]["name"] == "By An Operator"
    assert body["data"]["createDatabase"]["password"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert [e["path"] for e in body["errors"]] == [["createDatabase", "password"]]


async def test_reads_the_response_cache_does_not_keep_are_never_kept() -> None:
    """Held: a kind with a TTL of 0, and a kind never cached (a Postgres service's own
    answer carries its password): their answers are executed every time."""
    text = CLICKHOUSE_TWO_ORGS + "[cache.ttl]\nbackups = 0\n"
    async with GatewayClient.from_toml(text) as gw:
        sim = gw.simulator("clickhouse")
        org_id = next(
            o
            for o, s in sim.state.organizations.items()
            if any(v["name"] == "Acme Production" for v in s.services.values())
        )
        sim.add_postgres(org_id, "Acme Postgres")
        await warm(gw)
        nodes = (await gw.data(LIST))["databases"]["nodes"]
        postgres = next(n for n in nodes if n["name"] == "Acme Postgres")
        production = next(n for n in nodes if n["name"] == "Acme Production")
        stats = gw.runtime.backend.stats
        for variables in ({"id": postgres["id"]}, None):
            query = ONE if variables else BACKUPS
            hits = stats.answer_hits
            for _ in range(3):
                await gw.data(query, variables or {"id": production["id"]})
            assert stats.answer_hits == hits, query
        # the control: the same document for a service whose answers are cached is kept
        for _ in range(3):
            await gw.data(ONE, {"id": production["id"]})
        assert stats.answer_hits > hits


async def test_a_list_walk_two_requests_shared_is_not_kept_for_the_one_that_joined() -> None:
    """Held: B joins the DBaaS list walk A started; its reads were stamped in A's log,
    so B's answer is not kept (kept, no write on the connection would drop it)."""
    sim = DBaaSSimulator()
    query = "query($n: Int) { databases(first: $n) { nodes { name dbaas { project { name } } } } }"
    async with gateway_over(sim) as gw:
        await gw.data(query, {"n": 100})  # the connection's first call: not kept
        gw.runtime.backend.clear()  # a cold cache: the next two walk the list
        sim.faults.add(None, path=r"^/api/database/$", delay=0.2, times=1)
        first, joined = await asyncio.gather(
            gw.data(query, {"n": 99}), _later(gw.data(query, {"n": 98}), 0.05)
        )
        assert first == joined
        stores = gw.runtime.backend.stats.answer_stores
        assert stores == 1  # A's answer only

        await gw.data(
            DBAAS_UPDATE, {"input": {"id": gid("Database", "1"), "dbaas": {"project": "2"}}}
        )
        after = await gw.data(query, {"n": 98})

    projects = {n["name"]: n["dbaas"]["project"] for n in after["databases"]["nodes"]}
    assert {"name": "analytics"} in projects.values()
    assert after != joined


async def _later(call: Awaitable[T], delay: float) -> T:
    await asyncio.sleep(delay)
    return await call


async def test_the_sdl_kept_for_a_federation_router_is_not_served_to_another_token() -> None:
    """Held: in production the router's token reads ``_service { sdl }`` (its answer,
    read from no upstream, is kept); the same document from any other token, sent after,
    is still FORBIDDEN."""
    async with secured(ROUTER_TOKEN + PRODUCTION) as gw:
        for _ in range(3):
            assert served_sdl(await answer(gw, ROUTER, SDL)) == COMMITTED
        assert gw.runtime.backend.stats.answer_hits >= 1
        for token in (VIEWER, ADMIN):
            body = await answer(gw, token, SDL)
            assert error_codes(body) == ["FORBIDDEN"]
            assert "type Query" not in json.dumps(body)


async def test_an_entry_a_fresh_read_replaced_drops_the_answers_read_from_it(
    clickhouse: GatewayClient,
) -> None:
    """A write's reads go upstream and store what they get (``fresh_reads``), replacing an
    entry still fresh. A write that then writes nothing (refused, or a keyed create found
    done at the vendor) bumps nothing: an answer read from the replaced entry must not
    stay older than what the response cache now holds."""
    await warm(clickhouse)
    nodes = (await clickhouse.data(LIST))["databases"]["nodes"]
    target = next(n for n in nodes if n["name"] == "Acme Production")
    for _ in range(2):
        assert (await clickhouse.data(ONE, {"id": target["id"]}))["database"]["name"] == (
            "Acme Production"
        )
    rename_behind(clickhouse, "Acme Production", "Renamed At The Vendor")
    adapter = clickhouse.runtime.adapters["ch-acme"]
    org, service = decode_id(target["id"]).key
    token = fresh_reads.set(True)  # what the mutation runner sets around a write
    try:
        await adapter.http.get(f"/v1/organizations/{org}/services/{service}")
    finally:
        fresh_reads.reset(token)

    kept = await clickhouse.data(ONE, {"id": target["id"]})
    executed = await clickhouse.http.post(
        "/graphql",
        json={"query": ONE, "variables": {"id": target["id"]}},
        headers={"Cache-Control": "no-cache"},
    )

    # executed, the answer reads the entry the fresh read stored
    assert executed.json()["data"]["database"]["name"] == "Renamed At The Vendor"
    assert kept["database"]["name"] == "Renamed At The Vendor"
