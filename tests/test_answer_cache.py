"""The answer cache (gateway/answers.py): a query's whole answer served again without
execution, per caller, while everything it was read from is unchanged. GraphQL over HTTP
into the app; that nothing executed is read from the upstream cache's own counters (an
executed answer reads its entries again) and the simulators' request logs."""

from __future__ import annotations

import asyncio
from typing import Any

from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.upstream.read_log import ReadLog, unchanged
from adapters.upstream.scrub import Scrubber
from gateway.answers import ANSWER_OVERHEAD, AnswerCache
from schema.build import build_schema
from tests import tenants_support as tenants
from tests.auth_fixtures import ACME_ADMIN, ADMIN, VIEWER, answer, secured
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import GatewayClient, error_codes
from tests.redis_server import RedisServer
from tests.test_scale_out import RENAME, instances, redis_config

SERVICES = r"/v1/organizations/[0-9a-f-]{36}/services"
LIST = '{ databases(first: 100, filter: {connection: "ch-acme"}) { nodes { id name status } } }'
EVERY = "{ databases(first: 100) { nodes { name connection { name } } } }"
ORGANIZATIONS = "{ organizations { name } }"


def counters(gw: GatewayClient) -> tuple[int, int, int]:
    """(answers served again, answers kept, upstream cache entries read)."""
    stats = gw.runtime.backend.stats
    return stats.answer_hits, stats.answer_stores, stats.hits + stats.misses


def rename_behind(gw: GatewayClient, old: str, new: str) -> None:
    """A change at the vendor that did not go through the gateway."""
    for org in gw.simulator("clickhouse").state.organizations.values():
        for service in org.services.values():
            if service["name"] == old:
                service["name"] = new


def names(data: dict[str, Any]) -> list[str]:
    return sorted(n["name"] for n in data["databases"]["nodes"])


async def warm(gw: GatewayClient, query: str = ORGANIZATIONS) -> None:
    """A first request: each connection learns the credential it sends (what its
    scrubber removes from vendor bodies), so the answer of that first one is not kept."""
    await gw.data(query)


async def test_a_repeated_query_is_answered_without_executing(clickhouse: GatewayClient) -> None:
    sim = clickhouse.simulator("clickhouse")
    await warm(clickhouse)
    first = await clickhouse.data(LIST)
    calls = len(sim.log.entries)
    hits, stores, reads = counters(clickhouse)

    second = await clickhouse.data(LIST)

    assert second == first
    assert len(sim.log.entries) == calls
    # nothing executed: not even the upstream cache was read
    assert counters(clickhouse) == (hits + 1, stores, reads)


async def test_a_kept_answer_is_the_executed_answer_to_the_byte(
    clickhouse: GatewayClient,
) -> None:
    await warm(clickhouse)
    for accept in ("application/json", "application/graphql-response+json"):
        sent = [
            await clickhouse.http.post(
                "/graphql", json={"query": EVERY}, headers={"Accept": accept, **extra}
            )
            for extra in ({"Cache-Control": "no-cache"}, {}, {})
        ]
        executed, kept, again = sent
        assert executed.content == kept.content == again.content
        assert {r.headers["content-type"] for r in sent} == {accept}
    assert counters(clickhouse)[0] >= 3


async def test_with_answers_off_every_request_executes() -> None:
    async with GatewayClient.from_toml(CLICKHOUSE_TWO_ORGS + "[cache]\nanswers = false\n") as gw:
        await gw.data(LIST)
        _, _, reads = counters(gw)

        await gw.data(LIST)

        hits, stores, reads_after = counters(gw)
        assert (hits, stores) == (0, 0)
        assert reads_after > reads


async def test_no_cache_from_the_client_executes_the_query(clickhouse: GatewayClient) -> None:
    await clickhouse.data(LIST)
    _, _, reads = counters(clickhouse)

    response = await clickhouse.http.post(
        "/graphql", json={"query": LIST}, headers={"Cache-Control": "no-cache"}
    )

    assert response.status_code == 200
    assert counters(clickhouse)[0] == 0
    assert counters(clickhouse)[2] > reads


async def test_a_write_through_the_gateway_is_seen_by_the_next_read(
    clickhouse: GatewayClient,
) -> None:
    nodes = (await clickhouse.data(LIST))["databases"]["nodes"]
    target = next(n for n in nodes if n["name"] == "Acme Production")

    await clickhouse.data(RENAME, {"id": target["id"], "name": "Acme Renamed"})
    after = await clickhouse.data(LIST)

    assert "Acme Renamed" in names(after)
    assert "Acme Production" not in names(after)


async def test_an_answer_lasts_no_longer_than_the_entries_it_was_read_from() -> None:
    text = CLICKHOUSE_TWO_ORGS + "[cache.ttl]\ndatabases = 0.3\n"
    async with GatewayClient.from_toml(text) as gw:
        await warm(gw)
        await gw.data(LIST)
        rename_behind(gw, "Acme Production", "Changed At The Vendor")
        # within the TTL the upstream cache would answer the old name too
        assert "Acme Production" in names(await gw.data(LIST))
        assert counters(gw)[0] == 1

        await asyncio.sleep(0.4)

        assert "Changed At The Vendor" in names(await gw.data(LIST))


async def test_emptying_the_upstream_cache_drops_every_answer(clickhouse: GatewayClient) -> None:
    await clickhouse.data(LIST)
    rename_behind(clickhouse, "Acme Production", "Seen After The Cache Emptied")

    clickhouse.expire_cache()

    assert "Seen After The Cache Emptied" in names(await clickhouse.data(LIST))


async def test_callers_never_share_an_answer() -> None:
    async with secured() as gw:
        await answer(gw, ADMIN, EVERY)  # every connection's first call
        everyone = await answer(gw, ADMIN, ORGANIZATIONS)
        acme_only = await answer(gw, ACME_ADMIN, ORGANIZATIONS)
        viewer = await answer(gw, VIEWER, ORGANIZATIONS)
        again = await answer(gw, ACME_ADMIN, ORGANIZATIONS)

    assert len(everyone["data"]["organizations"]) == 3
    # the token that sees one connection never gets the answer of one that sees them all
    assert acme_only["data"]["organizations"] == [{"name": "Acme Analytics"}]
    assert viewer == everyone  # equal answers, but kept apart all the same
    assert again == acme_only
    stats = gw.runtime.backend.stats
    # EVERY's answer was not kept: each connection learnt its credential on it
    assert (stats.answer_stores, stats.answer_hits) == (3, 1)


async def test_two_vendor_credentials_on_one_template_never_share_an_answer() -> None:
    async with tenants.gateway() as gw:
        acme = tenants.headers(tenants.BFF, tenants.clickhouse("acme"))
        globex = tenants.headers(tenants.BFF, tenants.clickhouse("globex"))

        for credential in (acme, globex):
            await tenants.ask(gw, tenants.DATABASES, credential)  # each tenant's first
        _, first = await tenants.ask(gw, tenants.ORGS, acme)
        _, second = await tenants.ask(gw, tenants.ORGS, globex)
        _, third = await tenants.ask(gw, tenants.ORGS, acme)

    assert [o["name"] for o in first["data"]["organizations"]] == ["Acme Analytics"]
    assert [o["name"] for o in second["data"]["organizations"]] == ["Globex Data"]
    assert third == first
    assert gw.runtime.backend.stats.answer_hits == 1


async def test_fields_showing_runtime_state_are_executed_every_time(
    clickhouse: GatewayClient,
) -> None:
    query = "{ connections { name health { state } } }"
    await clickhouse.data(query)
    await clickhouse.data(query)

    assert counters(clickhouse)[:2] == (0, 0)


async def test_a_partial_answer_is_never_kept(clickhouse: GatewayClient) -> None:
    sim = clickhouse.simulator("clickhouse")
    sim.faults.add(500, path=SERVICES, times=None)
    partial = await clickhouse.post(EVERY)
    assert partial["errors"]

    sim.faults.clear()
    complete = await clickhouse.post(EVERY)

    assert "errors" not in complete
    assert {n["connection"]["name"] for n in complete["data"]["databases"]["nodes"]} == {
        "ch-acme",
        "ch-globex",
    }
    assert counters(clickhouse)[0] == 0


async def test_mutations_are_never_kept(clickhouse: GatewayClient) -> None:
    nodes = (await clickhouse.data(LIST))["databases"]["nodes"]
    target = next(n for n in nodes if n["name"] == "Acme Production")
    sim = clickhouse.simulator("clickhouse")

    for name in ("Once", "Twice"):
        await clickhouse.data(RENAME, {"id": target["id"], "name": name})
    await clickhouse.data(RENAME, {"id": target["id"], "name": "Once"})

    assert sim.log.count("PATCH", SERVICES + "/[0-9a-f-]{36}") == 3


async def test_an_answer_read_from_a_stale_entry_is_not_kept() -> None:
    text = CLICKHOUSE_TWO_ORGS + "[cache.ttl]\ndatabases = 0.2\n[cache.stale]\ndatabases = 30\n"
    async with GatewayClient.from_toml(text) as gw:
        await gw.data(LIST)
        await asyncio.sleep(0.3)
        stores = counters(gw)[1]

        await gw.data(LIST)  # served from the stale entry while it refreshes

        assert counters(gw)[1] == stores


async def test_an_answer_larger_than_an_eighth_of_the_bound_is_not_kept() -> None:
    text = CLICKHOUSE_TWO_ORGS + "[cache]\nanswers_max_bytes = 800\n"
    async with GatewayClient.from_toml(text) as gw:
        await warm(gw)
        for _ in range(2):
            await gw.data(LIST)  # about 400 bytes

        assert counters(gw)[:2] == (0, 0)


def test_answers_past_the_memory_bound_go_least_recently_used_first() -> None:
    # each answer also costs its read log and containers (ANSWER_OVERHEAD)
    bound = 8 * (ANSWER_OVERHEAD + 100)
    cache = AnswerCache(build_schema()._schema, max_bytes=bound)
    log = ReadLog()
    query = "{ connections { name } }"
    for n in range(3):
        cache.keep(bytes([n]) * 32, log, {"x": "y" * 40}, None, query, None)  # 80 B with key

    assert len(cache) == 3
    cache.keep(b"\xff" * 32, log, {"x": "y" * 90}, None, query, None)  # 130: over bound / 8
    assert len(cache) == 3
    for n in range(3, 12):
        cache.keep(bytes([n]) * 32, log, {"x": "y" * 40}, None, query, None)
    assert cache.bytes <= bound
    assert len(cache) == bound // (len('{"x":""}') + 40 + 32 + ANSWER_OVERHEAD)
    assert bytes([0]) * 32 not in cache._answers  # the oldest went first
    assert bytes([11]) * 32 in cache._answers


async def test_bad_input_is_answered_as_before(clickhouse: GatewayClient) -> None:
    query = "query($id: ID!) { database(id: $id) { name } }"
    for _ in range(2):
        body = await clickhouse.post(query, {"id": "not-an-id"})
        assert error_codes(body) == ["BAD_USER_INPUT"]
    assert counters(clickhouse)[:2] == (0, 0)


async def test_a_secret_learned_since_makes_an_answer_unchecked() -> None:
    scrubber = Scrubber()
    log = ReadLog()
    log.scrubbers[id(scrubber)] = (scrubber, scrubber.version)
    assert await unchanged(log)

    scrubber.add("a-secret-learned-later")

    assert not await unchanged(log)


async def test_a_write_on_another_instance_is_seen_through_redis(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    query = '{ databases(first: 100, filter: {connection: "ch-acme"}) { nodes { id name } } }'
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        for _ in range(3):  # a's first upstream call learns its credential: not kept
            nodes = (await a.data(query))["databases"]["nodes"]
        assert a.runtime.backend.stats.answer_hits == 1
        target = next(n for n in nodes if n["name"] == "Acme Production")

        await b.data(RENAME, {"id": target["id"], "name": "Renamed On B"})

        assert "Renamed On B" in names(await a.data(query))


async def test_a_redis_that_restarted_empty_answers_nothing_kept_before(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    query = '{ databases(first: 100, filter: {connection: "ch-acme"}) { nodes { name } } }'
    async with instances(redis_config(redis_server.url), sim, count=1) as (a,):
        await a.data(query)
        redis_server.client().flushall()  # as a restart without persistence leaves it
        for org in sim.state.organizations.values():
            for service in org.services.values():
                if service["name"] == "Acme Production":
                    service["name"] = "After The Restart"

        assert "After The Restart" in names(await a.data(query))
