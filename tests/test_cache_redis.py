"""The Redis backend against a real redis-server: its Lua scripts (generation check, lock
token, sliding window), the per-scope index invalidation uses, and the fallback to this
process's memory when Redis is down or too slow, with the way back."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest

from adapters.cache import redis_backend as cache_redis
from adapters.cache import redis_scripts as lua
from adapters.cache.redis_backend import RedisBackend, RedisPacer, Shared
from adapters.cache.redis_link import redacted
from adapters.cache.store import CachedResponse, CacheStats, MemoryBackend, affected
from adapters.upstream.priority import start_background
from tests.redis_server import RedisServer
from tests.served import free_port

LOG = "dbaas_gateway.cache"
#: a connection name and a keyed credential fingerprint (128 bits, gateway.runtime)
SCOPE = "ch-acme:0123456789abcdef0123456789abcdef"
ORG = "https://api.test/v1/organizations/o1"
SERVICES = ORG + "/services"
SERVICE = SERVICES + "/s1"
KEYS = ORG + "/keys"


def entry(
    kind: str = "databases", body: bytes = b'{"result": []}', ttl: float = 60
) -> CachedResponse:
    now = time.time()
    return CachedResponse(kind, 200, "application/json", body, now + ttl, now + ttl)


def backend(url: str, instances: int = 1, cooldown: float = 1.0) -> RedisBackend:
    stats = CacheStats()
    return RedisBackend(
        url,
        instances=instances,
        fallback=MemoryBackend(100, stats),
        stats=stats,
        cooldown=cooldown,
    )


@pytest.fixture
async def pair(redis_server: RedisServer) -> AsyncIterator[tuple[RedisBackend, RedisBackend]]:
    """Two instances' backends on one Redis."""
    a, b = backend(redis_server.url), backend(redis_server.url)
    yield a, b
    await a.aclose()
    await b.aclose()


# --- entries, generation, invalidation ---------------------------------------------------------


async def test_an_entry_one_instance_stores_is_what_another_reads(
    pair: tuple[RedisBackend, RedisBackend], redis_server: RedisServer
) -> None:
    a, b = pair

    await a.put(SCOPE, SERVICE, entry(body=b'{"id": "s1"}'), await a.generation(SCOPE))

    found = await b.get(SCOPE, SERVICE)
    assert found is not None and found.body == b'{"id": "s1"}'
    another_credential = "ch-acme:fedcba9876543210fedcba9876543210"
    assert await b.get(another_credential, SERVICE) is None
    with redis_server.client() as plain:
        keys = sorted(k.decode() for k in plain.keys("*"))
        ttl_ms = plain.pttl(f"dbgw:{{{SCOPE}}}:e:{SERVICE}")
    # and the epoch, which the first Redis call of an instance learns (or sets)
    assert keys == ["dbgw:epoch", f"dbgw:{{{SCOPE}}}:e:{SERVICE}", f"dbgw:{{{SCOPE}}}:idx"]
    assert 0 < ttl_ms <= 60_000  # expires with the entry's stale_until


async def test_a_get_that_overlapped_a_write_is_not_stored(
    pair: tuple[RedisBackend, RedisBackend],
) -> None:
    a, b = pair
    before = await a.generation(SCOPE)

    await b.invalidate(SCOPE, "/v1/organizations/o1/services/s2", frozenset())
    await a.put(SCOPE, SERVICE, entry(), before)

    assert await a.get(SCOPE, SERVICE) is None
    after = await a.generation(SCOPE)
    assert isinstance(before, Shared) and isinstance(after, Shared)
    assert after.count == before.count + 1
    await a.put(SCOPE, SERVICE, entry(), after)
    assert await a.get(SCOPE, SERVICE) is not None


async def test_a_scopes_generation_expires_and_no_fetch_older_than_it_is_stored(
    pair: tuple[RedisBackend, RedisBackend], redis_server: RedisServer
) -> None:
    """Every scope that ever wrote kept its generation key forever (on a template
    connection, one per caller credential, however bogus: a flood of them filled Redis
    with keys that never expire). It now expires GENERATION_TTL_MS after the scope's last
    write; a fetch that started longer ago than that is never stored, so a generation that
    expired and restarted from 0 cannot hide a write from it."""
    a, _ = pair
    started = await a.generation(SCOPE)

    await a.invalidate(SCOPE, SERVICE, frozenset())
    with redis_server.client() as plain:
        ttl_ms = plain.pttl(f"dbgw:{{{SCOPE}}}:gen")
        plain.delete(f"dbgw:{{{SCOPE}}}:gen")  # as if it expired: the count is 0 again
    assert isinstance(started, Shared) and started.count == 0
    await a.put(SCOPE, SERVICE, entry(), Shared(0, started.at_ms - lua.GENERATION_TTL_MS))

    assert 0 < ttl_ms <= lua.GENERATION_TTL_MS
    assert await a.get(SCOPE, SERVICE) is None
    await a.put(SCOPE, SERVICE, entry(), await a.generation(SCOPE))
    assert await a.get(SCOPE, SERVICE) is not None


async def test_a_write_drops_its_path_its_ancestors_and_related_kinds_only(
    pair: tuple[RedisBackend, RedisBackend],
) -> None:
    a, b = pair
    generation = await a.generation(SCOPE)
    other = ORG.replace("o1", "o2") + "/services/s9"
    cached = {
        ORG: "organizations",
        SERVICES: "databases",
        SERVICE: "databases",
        KEYS: "api_keys",
        ORG + "/members": "members",
        other: "databases",
    }
    for url, kind in cached.items():
        await a.put(SCOPE, url, entry(kind), generation)

    await b.invalidate(SCOPE, "/v1/organizations/o1/services/s1", frozenset({"api_keys"}))

    kept = [url for url in cached if await a.get(SCOPE, url) is not None]
    assert kept == [ORG + "/members", other]


async def test_the_index_forgets_entries_that_expired(
    pair: tuple[RedisBackend, RedisBackend], redis_server: RedisServer
) -> None:
    a, _ = pair
    now = time.time()
    short = CachedResponse("databases", 200, None, b"{}", now - 1, now + 0.001)
    await a.put(SCOPE, SERVICE, short, await a.generation(SCOPE))
    with redis_server.client() as plain:
        deadline = time.monotonic() + 5
        while plain.exists(lua.key(SCOPE, "e", SERVICE)):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.01)

        await a.put(
            SCOPE, SERVICES, entry(), await a.generation(SCOPE)
        )  # storing prunes what expired

        members = plain.zrange(lua.key(SCOPE, "idx"), 0, -1)
    assert members == [f"databases\n{SERVICES}".encode()]


# --- single-flight lock ---------------------------------------------------------------------


async def test_one_instance_claims_a_fetch_and_the_other_waits_for_its_entry(
    pair: tuple[RedisBackend, RedisBackend],
) -> None:
    a, b = pair
    assert await a.claim(SCOPE, SERVICE, 30) is True
    assert await b.claim(SCOPE, SERVICE, 30) is False
    waiting = asyncio.create_task(b.wait_for(SCOPE, SERVICE, 30))

    await a.put(SCOPE, SERVICE, entry(body=b'{"id": "s1"}'), await a.generation(SCOPE))
    await a.release(SCOPE, SERVICE)

    found = await waiting
    assert found is not None and found.body == b'{"id": "s1"}'


async def test_a_waiter_gives_up_when_the_fetch_ends_without_an_entry(
    pair: tuple[RedisBackend, RedisBackend],
) -> None:
    a, b = pair
    assert await a.claim(SCOPE, SERVICE, 30) is True
    waiting = asyncio.create_task(b.wait_for(SCOPE, SERVICE, 30))

    await a.release(SCOPE, SERVICE)  # the vendor answered an error: nothing stored

    assert await waiting is None
    assert await b.claim(SCOPE, SERVICE, 30) is True  # the waiter may fetch itself


async def test_a_claim_after_the_entry_was_stored_finds_it_instead_of_fetching(
    pair: tuple[RedisBackend, RedisBackend], redis_server: RedisServer
) -> None:
    a, b = pair
    await a.put(
        SCOPE, SERVICE, entry(), await a.generation(SCOPE)
    )  # stored between b's miss and b's claim

    assert await b.claim(SCOPE, SERVICE, 30) is False
    assert await b.wait_for(SCOPE, SERVICE, 30) is not None
    with redis_server.client() as plain:
        assert not plain.exists(lua.key(SCOPE, "lock", SERVICE))


async def test_a_lock_is_held_while_its_fetch_runs_past_one_lock_period(
    pair: tuple[RedisBackend, RedisBackend],
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a fetch paced to a vendor's rate limit can wait longer than one lock period
    monkeypatch.setattr(cache_redis, "LOCK_MAX_SECONDS", 0.3)
    a, b = pair
    assert await a.claim(SCOPE, SERVICE, 30) is True

    await asyncio.sleep(1.0)  # more than three periods
    assert await b.claim(SCOPE, SERVICE, 30) is False  # still a's

    for keeper in a._keepers.values():
        keeper.cancel()  # a dies without releasing: nobody extends the lock any more
    await asyncio.sleep(0.5)
    assert await b.claim(SCOPE, SERVICE, 30) is True  # gone within one period
    await b.release(SCOPE, SERVICE)
    with redis_server.client() as plain:
        assert not plain.exists(lua.key(SCOPE, "lock", SERVICE))


async def test_release_deletes_only_the_callers_own_lock(
    pair: tuple[RedisBackend, RedisBackend], redis_server: RedisServer
) -> None:
    a, b = pair
    lock = lua.key(SCOPE, "lock", SERVICE)
    assert await a.claim(SCOPE, SERVICE, 30) is True
    with redis_server.client() as plain:
        # a's lock ran out and b claimed the URL since: a's late release must not free it
        plain.set(lock, "b-token")

        await a.release(SCOPE, SERVICE)
        await b.release(SCOPE, SERVICE)  # b holds no token of its own here: nothing

        assert plain.get(lock) == b"b-token"
        assert await a._release(keys=[lock], args=["b-token"]) == 1
        assert not plain.exists(lock)


# --- shared rate limit ----------------------------------------------------------------------


async def test_the_sliding_window_counts_every_instances_starts(
    pair: tuple[RedisBackend, RedisBackend], redis_server: RedisServer
) -> None:
    a, b = pair
    first, second = RedisPacer(a, SCOPE, 3, 10.0), RedisPacer(b, SCOPE, 3, 10.0)
    waits: list[float] = []

    async def refuse(seconds: float) -> None:
        waits.append(seconds)
        raise asyncio.CancelledError  # stop at the first wait: the window is full

    first.sleep = second.sleep = refuse
    await first.acquire()
    await second.acquire()
    await first.acquire()
    with pytest.raises(asyncio.CancelledError):
        await second.acquire()

    assert len(waits) == 1
    # the oldest start leaves the window after window + margin (10.5 s), minus the time since
    assert 10.0 < waits[0] <= 10.5
    with redis_server.client() as plain:
        assert plain.zcard(lua.key(SCOPE, "rate")) == 3
        assert 0 < plain.pttl(lua.key(SCOPE, "rate")) <= 10_500


async def test_a_full_window_waits_until_the_oldest_start_leaves_it(
    pair: tuple[RedisBackend, RedisBackend],
) -> None:
    a, _ = pair
    pacer = RedisPacer(a, SCOPE, 2, 0.1)  # a short window, waited for for real
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(seconds)

    pacer.sleep = sleep
    for _ in range(3):
        await pacer.acquire()

    assert slept  # the third start waited for the first to leave the window
    assert all(0 < s <= 0.1 + pacer.margin for s in slept)


async def test_polls_of_every_instance_take_at_most_their_share_of_the_window(
    pair: tuple[RedisBackend, RedisBackend], redis_server: RedisServer
) -> None:
    a, b = pair
    first, second = RedisPacer(a, SCOPE, 4, 10.0, 0.5), RedisPacer(b, SCOPE, 4, 10.0, 0.5)
    waits: list[float] = []

    async def refuse(seconds: float) -> None:
        waits.append(seconds)
        raise asyncio.CancelledError  # stop at the first wait

    first.sleep = second.sleep = refuse

    async def background(pacer: RedisPacer) -> None:
        start_background()
        await pacer.acquire()

    # given two polls started, one from each instance: their share of 4 is 2
    await asyncio.create_task(background(first))
    await asyncio.create_task(background(second))
    # then a third poll, from either, waits for the window
    with pytest.raises(asyncio.CancelledError):
        await asyncio.create_task(background(first))
    # while callers still start at once, up to the whole limit
    await second.acquire()
    await first.acquire()

    assert len(waits) == 1 and 10.0 < waits[0] <= 10.5
    with redis_server.client() as plain:
        assert plain.zcard(lua.key(SCOPE, "rate")) == 4
        assert plain.zcard(lua.key(SCOPE, "rate", "bg")) == 2


async def test_in_one_instance_a_caller_asks_redis_before_a_waiting_poll(
    pair: tuple[RedisBackend, RedisBackend],
) -> None:
    a, _ = pair
    pacer = RedisPacer(a, SCOPE, 1, 0.2)  # a short window, waited for for real
    order: list[str] = []
    await pacer.acquire()  # the window is full

    async def start(name: str, background: bool) -> None:
        if background:
            start_background()
        await pacer.acquire()
        order.append(name)

    poll = asyncio.create_task(start("poll", True))
    for _ in range(20):  # the poll is waiting for the window
        await asyncio.sleep(0)
    caller = asyncio.create_task(start("caller", False))
    await asyncio.gather(poll, caller)

    assert order == ["caller", "poll"]


# --- Redis down or slow ---------------------------------------------------------------------


async def test_without_redis_one_of_several_instances_caches_nothing_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another instance's write could not reach this process's memory: an answer cached
    there could be older than one that instance served after its write."""
    caplog.set_level(logging.INFO, LOG)
    down = backend(f"redis://127.0.0.1:{free_port()}/0", instances=4)
    try:
        await down.put(SCOPE, SERVICE, entry(body=b"local"), await down.generation(SCOPE))
        found = await down.get(SCOPE, SERVICE)
        assert await down.claim(SCOPE, SERVICE, 30) is True
        await down.release(SCOPE, SERVICE)
        pacer = down.pacer(SCOPE, 10, 10.0)
        await pacer.acquire()
    finally:
        await down.aclose()

    assert found is None
    assert down.status() == "redis-unavailable"
    assert down.stats.backend_errors == 1  # then the cool-down: no call tries Redis
    assert isinstance(pacer, RedisPacer) and pacer.local.limit == 10 // 4
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == LOG]
    assert len(warnings) == 1
    assert "unavailable" in warnings[0].getMessage()
    assert "no cache and 1/4 of each rate limit" in warnings[0].getMessage()


async def test_without_redis_a_single_instance_caches_in_its_own_memory() -> None:
    down = backend(f"redis://127.0.0.1:{free_port()}/0", instances=1)
    try:
        await down.put(SCOPE, SERVICE, entry(body=b"local"), await down.generation(SCOPE))
        found = await down.get(SCOPE, SERVICE)
    finally:
        await down.aclose()

    assert found is not None and found.body == b"local"


async def test_a_redis_too_slow_to_answer_is_left_after_the_timeout_and_rejoined_later(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, LOG)
    slow = backend(redis_server.url, cooldown=0.0)
    try:
        await slow.put(SCOPE, SERVICE, entry(body=b"shared"), await slow.generation(SCOPE))
        redis_server.pause()

        assert await slow.get(SCOPE, SERVICE) is None  # fell back to (empty) memory
        assert slow.status() == "redis-unavailable"

        redis_server.resume()
        fenced = await slow.get(SCOPE, SERVICE)
        await slow.put(SCOPE, SERVICE, entry(body=b"fresh"), await slow.generation(SCOPE))
        found = await slow.get(SCOPE, SERVICE)
    finally:
        await slow.aclose()

    assert fenced is None  # fetched before the outage: no longer trusted
    assert found is not None and found.body == b"fresh"
    assert slow.status() == "redis"
    assert slow.stats.backend_errors == 1
    levels = [r.levelno for r in caplog.records if r.name == LOG]
    assert levels == [logging.WARNING, logging.INFO]


async def test_an_instance_back_from_an_outage_fences_what_every_instance_cached_before(
    pair: tuple[RedisBackend, RedisBackend], redis_server: RedisServer
) -> None:
    """A wrote while Redis was away from it: no other instance saw that write. When A is
    back (its own probe, no request needed), B, which never noticed the outage, no longer
    serves what was cached before it, in any scope."""
    a, b = pair
    a.link.cooldown = 0.05
    await a.put(SCOPE, SERVICE, entry(body=b"before"), await a.generation(SCOPE))
    await a.put("other:scope", SERVICE, entry(body=b"other"), await a.generation("other:scope"))
    assert await b.get(SCOPE, SERVICE) is not None
    in_flight = await b.generation("other:scope")  # b fetches across the outage
    redis_server.pause()
    await a.invalidate(SCOPE, "/v1/organizations/o1/services/s1", frozenset())
    assert a.status() == "redis-unavailable"

    redis_server.resume()
    deadline = time.monotonic() + 10
    while a.status() != "redis":
        assert time.monotonic() < deadline, "A did not come back on its own"
        await asyncio.sleep(0.02)
    await b.put("other:scope", KEYS, entry("api_keys"), in_flight)

    assert await b.get(SCOPE, SERVICE) is None
    assert await b.get("other:scope", SERVICE) is None
    assert await b.get("other:scope", KEYS) is None  # started before the fence: not stored
    assert b.status() == "redis" and b.stats.backend_errors == 0


async def test_invalidation_in_lua_matches_the_python_rule(
    pair: tuple[RedisBackend, RedisBackend],
) -> None:
    """The script's path matching is ``store.affected``, case by case."""
    a, _ = pair
    urls = [
        "https://api.test/v1/organizations/o1",
        "https://api.test/v1/organizations/o1/",
        "https://api.test/v1/organizations/o1/services?filter=tag:a=b",
        "https://api.test/v1/organizations/o1/services/s1/backups",
        "https://api.test/v1/organizations/o10",
        "https://api.test/v1/organizations/o1x/services",
        "https://api.test/",
        "https://api.test/v2/orgs/o1/keys#frag",
    ]
    for written in ["/v1/organizations/o1/services", "/v1/organizations/o1/", "/", "/v2"]:
        generation = await a.generation(SCOPE)
        for url in urls:
            await a.put(SCOPE, url, entry("other"), generation)
        await a.invalidate(SCOPE, written, frozenset())
        kept = {url for url in urls if await a.get(SCOPE, url) is not None}
        assert kept == {url for url in urls if not affected(url, written)}, written


def test_the_redis_url_is_logged_without_its_credentials() -> None:
    assert redacted("redis://gw:s3cret@redis.internal:6380/2") == "redis://redis.internal:6380/2"
    assert redacted("rediss://:s3cret@redis.internal/0") == "rediss://redis.internal/0"
    assert redacted("unix:///run/redis.sock?db=1") == "unix:///run/redis.sock"
