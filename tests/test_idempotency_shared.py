"""Idempotency keys across instances sharing one Redis, and writes whose outcome is unknown.

Two gateway apps on one Redis and one ClickHouse simulator (one vendor API): a key's
create happens once whichever instances its retries reach, concurrently or later; a
create whose answer was lost is UPSTREAM_OUTCOME_UNKNOWN, and a retry with its key finds
what the first attempt created (by the tag it carried) instead of creating again. The
creates are counted at the simulator.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from adapters.model import Vendor
from tests.gateway_client import GatewayClient, error_codes
from tests.redis_server import CACHE_KEY, CACHE_KEY_ENV, RedisServer
from tests.test_scale_out import instances, redis_config, until

SERVICES = r"/v1/organizations/[0-9a-f-]{36}/services"
ORGANIZATIONS = "{ organizations { id name } }"
CREATE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) { database { id name } password replayed }
}
"""
DATABASE_NAMES = "query($id: ID!) { organization(id: $id) { databases { nodes { name } } } }"


async def organization_id(gateway: GatewayClient, name: str = "Acme") -> str:
    orgs = (await gateway.data(ORGANIZATIONS))["organizations"]
    return str(next(o["id"] for o in orgs if o["name"].startswith(name)))


def create_input(org: str, key: str | None, name: str = "once") -> dict[str, Any]:
    given: dict[str, Any] = {"organizationId": org, "name": name}
    if key is not None:
        given["idempotencyKey"] = key
    given["clickhouse"] = {"provider": "aws", "region": "us-east-1"}
    return {"input": given}


def posts(sim: Any, path: str = SERVICES) -> int:
    return int(sim.log.count("POST", path))


async def test_concurrent_retries_on_two_instances_create_one_database(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        org = await organization_id(a)
        variables = create_input(org, "ten-and-ten")

        answers = await asyncio.gather(
            *(g.data(CREATE, variables) for g in (a, b) for _ in range(10))
        )

    created = [r["createDatabase"] for r in answers]
    assert posts(sim) == 1
    assert sum(not c["replayed"] for c in created) == 1
    assert len({c["database"]["id"] for c in created}) == 1
    # the one-time password only in the first answer; replays never repeat it
    assert [c["password"] is not None for c in created].count(True) == 1


async def test_a_later_retry_on_the_other_instance_replays(redis_server: RedisServer) -> None:
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        org = await organization_id(a)
        first = (await a.data(CREATE, create_input(org, "later")))["createDatabase"]

        again = (await b.data(CREATE, create_input(org, "later")))["createDatabase"]

    assert posts(sim) == 1
    assert again["replayed"] is True and again["password"] is None
    assert again["database"] == first["database"]


async def test_keys_are_kept_in_redis_as_digests_with_no_secret(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim, count=1) as (a,):
        org = await organization_id(a)
        created = (await a.data(CREATE, create_input(org, "my-readable-key")))["createDatabase"]

    with redis_server.client() as plain:
        (key,) = [k.decode() for k in plain.keys("dbgw:idem:*")]
        entry = {k.decode(): v.decode() for k, v in plain.hgetall(key).items()}
        ttl = plain.pttl(key)
    assert "my-readable-key" not in key
    assert entry["state"] == "done" and created["password"] not in str(entry)
    assert 590_000 < ttl <= 600_000  # the ten-minute window
    assert set(entry) == {"state", "fp", "started", "result"}


async def test_the_same_key_with_other_input_is_a_conflict_on_any_instance(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        org = await organization_id(a)
        await a.data(CREATE, create_input(org, "reused", name="first"))

        body = await b.post(CREATE, create_input(org, "reused", name="second"))

    assert error_codes(body) == ["CONFLICT"]
    assert posts(sim) == 1


# --- outcome unknown ---------------------------------------------------------------------


async def test_a_create_whose_answer_was_lost_is_outcome_unknown_and_its_retry_replays(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    # the vendor creates the service, then the connection drops before the answer
    sim.faults.add_drop(method="POST", path=SERVICES, processed=True)
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        org = await organization_id(a)

        lost = await a.post(CREATE, create_input(org, "lost-answer"))
        retry = (await b.data(CREATE, create_input(org, "lost-answer")))["createDatabase"]
        names = await a.data(DATABASE_NAMES, {"id": org})

    (error,) = lost["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_OUTCOME_UNKNOWN"
    assert error["extensions"]["retryable"] is True  # the key makes the retry safe
    assert retry["replayed"] is True and retry["database"]["name"] == "once"
    assert posts(sim) == 1  # found by its tag, not created again
    nodes = names["organization"]["databases"]["nodes"]
    assert [n["name"] for n in nodes].count("once") == 1


async def test_a_truncated_answer_to_a_create_is_outcome_unknown_too(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    sim.faults.add_malformed("truncated", method="POST", path=SERVICES)
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        org = await organization_id(a)

        cut = await a.post(CREATE, create_input(org, "cut-answer"))
        retry = (await b.data(CREATE, create_input(org, "cut-answer")))["createDatabase"]

    assert error_codes(cut) == ["UPSTREAM_OUTCOME_UNKNOWN"]
    assert retry["replayed"] is True
    assert posts(sim) == 1


async def test_without_a_key_an_unknown_outcome_is_not_retryable(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    sim.faults.add_drop(method="POST", path=SERVICES, processed=True)
    async with instances(redis_config(redis_server.url), sim, count=1) as (a,):
        org = await organization_id(a)

        lost = await a.post(CREATE, create_input(org, None))

    (error,) = lost["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_OUTCOME_UNKNOWN"
    assert error["extensions"]["retryable"] is False
    assert "may have done it" in error["message"]
    assert posts(sim) == 1  # sent once, never resent by the gateway


async def test_when_the_lost_create_made_nothing_the_retry_creates_once(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    # dropped before the vendor acted: the gateway cannot know that, so it is unknown
    sim.faults.add_drop(method="POST", path=SERVICES, processed=False)
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        org = await organization_id(a)

        lost = await a.post(CREATE, create_input(org, "dropped-early"))
        retry = (await b.data(CREATE, create_input(org, "dropped-early")))["createDatabase"]
        third = (await a.data(CREATE, create_input(org, "dropped-early")))["createDatabase"]

    assert error_codes(lost) == ["UPSTREAM_OUTCOME_UNKNOWN"]
    assert retry["replayed"] is False and retry["password"]  # reconciled: nothing, created
    assert third["replayed"] is True
    created = [e for e in sim.log.entries if e.method == "POST" and e.status == 200]
    assert len(created) == 1


async def test_a_vendor_without_tags_is_reconciled_by_name_and_creation_time() -> None:
    sim = FeatureBaseSimulator()
    sim.faults.add_drop(method="POST", path="/v2/databases", processed=True)
    config = """
[[connections]]
name = "fb"
vendor = "featurebase"
simulated = true
simulator_account = "demo-key"
"""
    gateway = GatewayClient.from_toml(config)
    gateway.runtime.simulators[Vendor("featurebase")] = sim
    async with gateway:
        org = await organization_id(gateway, "")
        variables: dict[str, Any] = {
            "input": {
                "organizationId": org,
                "name": "by_name",
                "idempotencyKey": "fb-lost",
                "featurebase": {"shape": "8GB"},
            }
        }

        lost = await gateway.post(CREATE, variables)
        retry = (await gateway.data(CREATE, variables))["createDatabase"]

    assert error_codes(lost) == ["UPSTREAM_OUTCOME_UNKNOWN"]
    assert retry["replayed"] is True and retry["database"]["name"] == "by_name"
    assert posts(sim, "/v2/databases") == 1


async def test_with_redis_away_a_keyed_create_is_refused_before_any_vendor_call(
    redis_server: RedisServer,
) -> None:
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim, count=1) as (a,):
        org = await organization_id(a)
        redis_server.kill()

        refused = await a.post(CREATE, create_input(org, "no-redis"))
        unkeyed = (await a.data(CREATE, create_input(org, None)))["createDatabase"]

    (error,) = refused["errors"]
    assert error["extensions"] == {
        "code": "IDEMPOTENCY_UNAVAILABLE",
        "retryable": True,
        "retryAfter": 1.0,
    }
    assert unkeyed["replayed"] is False  # nothing was promised: it goes through
    assert posts(sim) == 1


def test_the_cache_key_secret_keys_the_digests() -> None:
    """Two deployments on one Redis with different secrets never share a key's entry."""
    from adapters.cache.idempotency import digest

    scope = ("ch-acme", "anonymous@127.0.0.1", "createDatabase", "k")
    assert digest(CACHE_KEY.encode(), scope) != digest(b"another-secret", scope)
    assert CACHE_KEY_ENV  # the secret every test instance shares


async def test_in_redis_a_claim_whose_lease_ran_out_goes_to_a_reconciling_retry(
    redis_server: RedisServer,
) -> None:
    """An instance that claimed a key and died stops extending its lease: once it ends,
    a retry on another instance reconciles (it may have created), and the dead runner's
    late answer is not recorded over it."""
    from adapters.cache.redis_backend import RedisBackend
    from adapters.cache.store import MemoryBackend

    backend = RedisBackend(redis_server.url, fallback=MemoryBackend())
    table = backend.idempotency(CACHE_KEY.encode())
    scope = ("ch-acme", "caller", "createDatabase", "k")
    try:
        first = await table.claim(scope, "fp", "dead-runner", 0.2, 600)
        waiting = await table.claim(scope, "fp", "retry", 10, 600)
        other_input = await table.claim(scope, "fp-2", "retry", 10, 600)
        deadline = asyncio.get_running_loop().time() + 10
        while (claim := await table.claim(scope, "fp", "retry", 10, 600)).verdict == "wait":
            assert asyncio.get_running_loop().time() < deadline, "the lease never ended"
            await asyncio.sleep(0.05)
        late = await table.finish(scope, "dead-runner", "done", {"database": ["x"]}, 600)
        recorded = await table.finish(scope, "retry", "done", {"database": ["o", "s"]}, 600)
        replay = await table.claim(scope, "fp", "third", 10, 600)
    finally:
        await backend.aclose()

    assert (first.verdict, waiting.verdict, other_input.verdict) == ("run", "wait", "conflict")
    assert claim.verdict == "reconcile" and claim.since is not None
    assert (late, recorded) == (False, True)
    assert (replay.verdict, replay.result) == ("done", {"database": ["o", "s"]})


async def test_a_retry_after_redis_restarted_empty_finds_the_database_instead_of_creating(
    redis_server: RedisServer,
) -> None:
    """Redis runs without persistence: a restart loses every key. The new epoch tells the
    instances so, and for one window a missing key is unknown: the retry reconciles."""
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        for gateway in (a, b):
            gateway.runtime.backend.link.cooldown = 0.05
        org = await organization_id(a)
        first = (await a.data(CREATE, create_input(org, "across-a-restart")))["createDatabase"]
        await b.data(CREATE, create_input(org, "across-a-restart"))  # b knows the epoch too

        redis_server.kill()
        redis_server.start()  # empty
        deadline = asyncio.get_running_loop().time() + 10
        retried = [await g.post(CREATE, create_input(org, "across-a-restart")) for g in (b, a)]
        while any(error_codes(r) == ["IDEMPOTENCY_UNAVAILABLE"] for r in retried):
            # the first call after the restart may still meet the dead connection
            assert asyncio.get_running_loop().time() < deadline, retried
            await asyncio.sleep(0.05)
            retried = [await g.post(CREATE, create_input(org, "across-a-restart")) for g in (b, a)]

    answers = [r["data"]["createDatabase"] for r in retried]
    assert [a["replayed"] for a in answers] == [True, True]
    assert {a["database"]["id"] for a in answers} == {first["database"]["id"]}
    assert posts(sim) == 1


class _HoldFirstCreate:
    """Wraps the simulator's app: the first POST that creates a database waits until the
    test opens the gate (a vendor slow to answer a create)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.held = 0
        self.gate = asyncio.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        creates = scope["type"] == "http" and scope["method"] == "POST"
        if creates and re.fullmatch(SERVICES, scope["path"]) and self.held == 0:
            self.held += 1
            await self.gate.wait()
        await self.app(scope, receive, send)


async def test_a_retry_never_creates_while_a_lapsed_holders_create_may_still_reach_the_vendor(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis is paused (SIGSTOP) while the first call's create is on its way: the holder
    cannot extend its lease, which runs out although the create is still in flight. A retry
    on the other instance reconciles and finds nothing yet; it must not create (before:
    it did, and the key made two databases, neither a replay). It answers
    UPSTREAM_OUTCOME_UNKNOWN, retryable; once the first create answered, a retry replays."""
    import schema.idempotency

    # shorter than the Redis call timeout (1 s): when the holder notices Redis is away,
    # its lease has run out
    monkeypatch.setattr(schema.idempotency, "LEASE_SECONDS", 0.3)
    sim = ClickHouseSimulator()
    sim.app = held = _HoldFirstCreate(sim.app)
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        org = await organization_id(a)
        first = asyncio.create_task(a.post(CREATE, create_input(org, "slow-vendor")))
        await until(lambda: held.held == 1, "the first create to reach the vendor")
        redis_server.pause()
        try:
            await until(lambda: a.runtime.backend.link.down, "the holder to lose Redis")
        finally:
            redis_server.resume()

        retry = await b.post(CREATE, create_input(org, "slow-vendor"))
        held.gate.set()
        created = (await first)["data"]["createDatabase"]
        replay = await b.post(CREATE, create_input(org, "slow-vendor"))

    assert error_codes(retry) == ["UPSTREAM_OUTCOME_UNKNOWN"]
    assert retry["errors"][0]["extensions"]["retryable"] is True
    assert posts(sim) == 1
    assert replay["data"]["createDatabase"]["replayed"] is True
    assert replay["data"]["createDatabase"]["database"]["id"] == created["database"]["id"]


async def test_after_redis_restarted_empty_an_instance_that_only_read_before_still_reconciles(
    redis_server: RedisServer,
) -> None:
    """Instance b served reads only before Redis restarted empty; a retry of a's completed
    key then reaches b. Before, b had never learnt Redis's epoch (only keyed creates and
    the return from an outage it noticed taught it), took the new one for the first, and
    created a second database for the key."""
    sim = ClickHouseSimulator()
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        for gateway in (a, b):
            gateway.runtime.backend.link.cooldown = 0.05
        org = await organization_id(a)
        await organization_id(b)  # b's only use of Redis before the restart: reads
        first = (await a.data(CREATE, create_input(org, "read-only-b")))["createDatabase"]

        redis_server.kill()
        redis_server.start()  # empty
        deadline = asyncio.get_running_loop().time() + 10
        retried = await b.post(CREATE, create_input(org, "read-only-b"))
        while error_codes(retried) == ["IDEMPOTENCY_UNAVAILABLE"]:
            # the first call after the restart may still meet the dead connection
            assert asyncio.get_running_loop().time() < deadline, retried
            await asyncio.sleep(0.05)
            retried = await b.post(CREATE, create_input(org, "read-only-b"))

    answer = retried["data"]["createDatabase"]
    assert answer["replayed"] is True
    assert answer["database"]["id"] == first["database"]["id"]
    assert posts(sim) == 1


async def test_a_retry_whose_look_at_the_vendor_is_cut_off_is_retryable_and_then_replays(
    redis_server: RedisServer,
) -> None:
    """The retry of an unknown outcome reads the vendor's list first; that answer came
    back truncated. Before: UPSTREAM_BAD_RESPONSE with retryable false, though the key
    stays unknown and a retry with it is safe (a client told not to retry may take a new
    key, and that creates the database twice)."""
    sim = ClickHouseSimulator()
    sim.faults.add_drop(method="POST", path=SERVICES, processed=True, times=1)
    async with instances(redis_config(redis_server.url), sim) as (a, b):
        org = await organization_id(a)
        await a.post(CREATE, create_input(org, "cut-look"))
        sim.faults.add_malformed("truncated", method="GET", path=SERVICES, times=1)

        cut = await b.post(CREATE, create_input(org, "cut-look"))
        retry = (await b.data(CREATE, create_input(org, "cut-look")))["createDatabase"]

    (error,) = cut["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_BAD_RESPONSE"
    assert error["extensions"]["retryable"] is True
    assert retry["replayed"] is True
    assert posts(sim) == 1
