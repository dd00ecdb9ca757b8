"""Cross-request state in one Redis shared by every gateway instance.

The same ``Backend`` as ``adapters.cache.store.MemoryBackend``, so N instances (or N uvicorn
workers) fetch each resource once, see each other's invalidations, and pace each vendor
key together: a single-flight lock key lets one instance fetch while the others wait for
its entry, and one Lua sliding window per connection counts every instance's requests.
The key layout and scripts are in ``adapters.cache.redis_scripts``; timeouts, the cool-down and
the log lines of an outage in ``adapters.cache.redis_link``.

Redis is an optimisation, never a dependency of an answer: every call has a short
timeout, and when Redis fails the backend falls back to a ``1/instances`` share of each
rate limit and, for a single instance, to this process's memory cache (with several, it
caches nothing meanwhile: another instance's write could not reach this memory, and an
answer cached here could then be older than one that instance served), counts the
failure in ``stats.backend_errors``, logs once, and tries Redis again after a cool-down
(on its own, not only when a request comes).

No instance serves an answer older than one any instance served after a write. A write
invalidates in one script (generation bump and deletions together); and while Redis was
away from an instance its writes reached no other instance, so the instance that comes
back moves the **fence** to Redis's time before it trusts Redis again: every entry
records the Redis time its fetch started, and every instance ignores entries fetched
before the fence (and refuses to store them). An outage therefore costs the whole shared
cache once, never a stale answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from adapters.cache import redis_scripts as lua
from adapters.cache.buckets import Buckets
from adapters.cache.documents import DocumentStore
from adapters.cache.idempotency import IdempotencyTable
from adapters.cache.redis_buckets import RedisBuckets
from adapters.cache.redis_documents import RedisDocuments
from adapters.cache.redis_idempotency import Epoch, RedisIdempotency
from adapters.cache.redis_link import RedisLink, RedisUnavailable
from adapters.cache.redis_watch import RedisWatches
from adapters.cache.store import CachedResponse, CacheStats, MemoryBackend
from adapters.cache.watch import Watches
from adapters.upstream.pacing import Pacer, PriorityPacer, RatePacer, pacing_margin
from adapters.upstream.priority import share_of
from adapters.upstream.read_log import STAMP_SECONDS

T = TypeVar("T")

#: how often a waiter looks for the entry another instance is fetching
WAIT_POLL_SECONDS = 0.02

#: longest a single-flight lock lives: an instance that dies (or a claim whose answer
#: Redis lost) holds the others back at most this long; a fetch slower than this may be
#: made twice, which is the lesser harm
LOCK_MAX_SECONDS = 10.0


# a generation that expired and restarted from 0 must never vouch for an answer stamped
# before the write that set it (adapters.upstream.read_log.STAMP_SECONDS)
assert STAMP_SECONDS * 1000 * 2 <= lua.GENERATION_TTL_MS


@dataclass(frozen=True)
class Shared:
    """A generation read from Redis: the scope's count and Redis's time then (ms). Two are
    equal when no write came between them (what a read may join an in-flight GET by)."""

    count: int
    at_ms: int = field(compare=False)


class Alone:
    """A generation read while Redis is away from one of several instances: equal to no
    other, since another instance's write may have come between any two reads."""


class RedisBackend:
    """Cache, single-flight and rate limits in Redis, with ``fallback`` while it is away."""

    name = "redis"

    def __init__(
        self,
        url: str,
        *,
        instances: int = 1,
        fallback: MemoryBackend,
        stats: CacheStats | None = None,
        timeout: float = 1.0,
        cooldown: float = 1.0,
    ) -> None:
        self.instances = instances
        self.fallback = fallback
        self.stats = stats or fallback.stats
        #: while Redis is away, whether this process caches answers in its memory: only
        #: when it is the only instance, since another's writes could not reach it
        self.cache_alone = instances == 1
        remembers = "this process's memory" if self.cache_alone else "no cache"
        self.link = RedisLink(
            url,
            stats=self.stats,
            fallback=f"{remembers} and 1/{instances} of each rate limit",
            on_recovery=self._recover,
            timeout=timeout,
            cooldown=cooldown,
        )
        self.client = self.link.client
        self._generation = self.client.register_script(lua.GENERATION)
        self._put = self.client.register_script(lua.PUT)
        self._read = self.client.register_script(lua.READ)
        self._lock = self.client.register_script(lua.CLAIM)
        self._fence = self.client.register_script(lua.SET_FENCE)
        self._invalidate_script = self.client.register_script(lua.INVALIDATE)
        self._release = self.client.register_script(lua.RELEASE)
        self._extend = self.client.register_script(lua.EXTEND)
        self._pace = self.client.register_script(lua.PACE)
        self._keepers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._tokens: dict[tuple[str, str], str] = {}
        self._ids = itertools.count()
        self._instance = uuid.uuid4().hex[:12]
        self._watches: RedisWatches | None = None
        #: the epoch of the Redis this process uses: a new one means Redis lost its keys
        self.epoch = Epoch()
        self._epoch = self.client.register_script(lua.EPOCH)
        self._stamps = self.client.register_script(lua.STAMPS)

    async def _call(self, op: Callable[[], Awaitable[T]], *, force: bool = False) -> T:
        """``link.call``; the first that succeeds also learns Redis's epoch, so that a
        restart of Redis is noticed even by a process that made no keyed create before
        it (before: such a process took the new epoch for the first one, and created
        again for a key another process had completed before the restart)."""
        result = await self.link.call(op, force=force)
        if self.epoch.known is None:
            with contextlib.suppress(RedisUnavailable):
                seen = await self.link.call(lambda: self._epoch(keys=[f"{lua.PREFIX}:epoch"]))
                self.epoch.saw(seen.decode() if isinstance(seen, bytes) else str(seen))
        return result

    # --- Backend ---------------------------------------------------------------------------

    async def get(self, scope: str, url: str) -> CachedResponse | None:
        keys = [lua.key(scope, "e", url), lua.FENCE, lua.key(scope, "lock", url)]
        try:
            data, _ = await self._call(lambda: self._read(keys=keys))
        except RedisUnavailable:
            return await self.fallback.get(scope, url) if self.cache_alone else None
        entry = _decode(data)
        if entry is not None and entry.stale_until <= time.time():
            return None
        return entry

    async def put(self, scope: str, url: str, entry: CachedResponse, generation: object) -> None:
        if not isinstance(generation, Shared):
            # read from the fallback while Redis was away: kept there, and only while it
            # still is (an answer fetched then may be older than the fence set on return)
            if self.link.down and self.cache_alone:
                await self.fallback.put(scope, url, entry, generation)
            return
        px = int((entry.stale_until - time.time()) * 1000)
        if px <= 0:
            return
        keys = [lua.key(scope, "gen"), lua.key(scope, "e", url), lua.key(scope, "idx"), lua.FENCE]
        args: list[Any] = [
            generation.count,
            generation.at_ms,
            entry.encode(),
            px,
            lua.index_member(entry.kind, url),
        ]
        with contextlib.suppress(RedisUnavailable):  # not stored: a later miss fetches it
            await self._call(lambda: self._put(keys=keys, args=args))

    async def generation(self, scope: str) -> object:
        try:
            count, at_ms = await self._call(lambda: self._generation(keys=[lua.key(scope, "gen")]))
        except RedisUnavailable:
            return await self.fallback.generation(scope) if self.cache_alone else Alone()
        return Shared(int(count), int(at_ms))

    async def stamps(self, scopes: Sequence[str]) -> list[object]:
        keys = [f"{lua.PREFIX}:epoch", lua.FENCE, *(lua.key(s, "gen") for s in scopes)]
        try:
            epoch, fence, *counts = await self._call(lambda: self._stamps(keys=keys))
        except RedisUnavailable:
            if self.cache_alone:
                return await self.fallback.stamps(scopes)
            return [Alone() for _ in scopes]
        return [(epoch, fence, count) for count in counts]

    async def invalidate(self, scope: str, path: str, kinds: frozenset[str]) -> None:
        try:
            # tried even while Redis is known to be away: once Redis is back, instances
            # already back on it must see this write before it is answered, even if this
            # one has not finished coming back
            await self._call(lambda: self._invalidate(scope, path, kinds), force=True)
        except RedisUnavailable:
            # no instance reaches Redis, or only this one does not: the fence covers it
            await self.fallback.invalidate(scope, path, kinds)

    async def claim(self, scope: str, url: str, seconds: float) -> bool:
        token = self.unique()
        lock, entry_key = lua.key(scope, "lock", url), lua.key(scope, "e", url)

        keys = [lock, entry_key, lua.FENCE]
        args: list[Any] = [token, max(1, int(min(seconds, LOCK_MAX_SECONDS) * 1000))]
        try:
            claimed, data = await self._call(lambda: self._lock(keys=keys, args=args))
        except RedisUnavailable:
            return True  # alone, as with the memory backend
        if not claimed:
            return False
        self._tokens[(scope, url)] = token
        stored = _decode(data)
        if stored is not None and time.time() < stored.fresh_until:
            # another instance stored it between our miss and our claim: wait_for finds it
            await self.release(scope, url)
            return False
        self._keepers[(scope, url)] = asyncio.get_running_loop().create_task(
            self._keep(lock, token, seconds)
        )
        return True

    async def _keep(self, lock: str, token: str, seconds: float) -> None:
        """Extend a held lock while its fetch runs, up to the caller's budget: a fetch
        paced to a vendor's rate limit may wait longer than one lock period, and the
        others must keep waiting for it rather than fetch too. A dead instance stops
        extending, so its lock still ends within one period."""
        period = min(seconds, LOCK_MAX_SECONDS)
        deadline = time.monotonic() + seconds
        while time.monotonic() + period / 3 < deadline:
            await asyncio.sleep(period / 3)
            left = deadline - time.monotonic()
            ms = max(1, int(min(period, left) * 1000))
            try:
                held = await self._call(
                    functools.partial(self._extend, keys=[lock], args=[token, ms])
                )
            except RedisUnavailable:
                return
            if not held:
                return

    async def release(self, scope: str, url: str) -> None:
        keeper = self._keepers.pop((scope, url), None)
        if keeper is not None:
            keeper.cancel()
        token = self._tokens.pop((scope, url), None)
        if token is None:
            return
        lock = lua.key(scope, "lock", url)
        with contextlib.suppress(RedisUnavailable):  # if Redis is away, the lock's PX ends it
            await self._call(lambda: self._release(keys=[lock], args=[token]))

    async def wait_for(self, scope: str, url: str, timeout: float) -> CachedResponse | None:
        lock, entry_key = lua.key(scope, "lock", url), lua.key(scope, "e", url)

        keys = [entry_key, lua.FENCE, lock]

        async def look() -> tuple[bytes | None, int]:
            data, held = await self._read(keys=keys)
            return data, int(held)

        deadline = time.monotonic() + timeout
        while True:
            try:
                data, held = await self._call(look)
            except RedisUnavailable:
                return None
            entry = _decode(data)
            if entry is not None and time.time() < entry.fresh_until:
                return entry
            if not held or time.monotonic() + WAIT_POLL_SECONDS > deadline:
                return None  # the fetch failed or was not stored: the caller fetches
            await asyncio.sleep(WAIT_POLL_SECONDS)

    def pacer(self, scope: str, limit: int, window: float, share: float = 1.0) -> Pacer:
        return RedisPacer(self, scope, limit, window, share)

    def idempotency(self, key: bytes) -> IdempotencyTable:
        return RedisIdempotency(self.link, key, self.epoch)

    def buckets(self, key: bytes) -> Buckets | None:
        return RedisBuckets(self.link, key)

    def watches(self, key: bytes) -> Watches | None:
        if self._watches is None:
            self._watches = RedisWatches(self.link, key)
        return self._watches

    def documents(self, max_entries: int, ttl: float) -> DocumentStore:
        return RedisDocuments(self.link, max_entries, ttl)

    def status(self) -> str:
        return "redis-unavailable" if self.link.down else "redis"

    async def aclose(self) -> None:
        for keeper in self._keepers.values():
            keeper.cancel()
        await asyncio.gather(*self._keepers.values(), return_exceptions=True)
        self._keepers.clear()
        if self._watches is not None:
            await self._watches.aclose()
        await self.link.aclose()
        await self.fallback.aclose()

    # --- Redis side ----------------------------------------------------------------------

    def unique(self) -> str:
        """A token no other claim or window member of any instance carries."""
        return f"{self._instance}:{next(self._ids)}"

    async def _invalidate(self, scope: str, path: str, kinds: frozenset[str]) -> None:
        keys = [lua.key(scope, "gen"), lua.key(scope, "idx")]
        await self._invalidate_script(keys=keys, args=[lua.key(scope, "e", ""), path, *kinds])

    async def _recover(self) -> None:
        """Before Redis's entries are trusted again: move the fence (no instance trusts an
        answer fetched before now: this instance's writes while it was away reached no
        other instance), and forget the fallback's entries (other instances' writes never
        invalidated them)."""
        async with asyncio.timeout(self.link.timeout):
            await self._fence(keys=[lua.FENCE])
            # a Redis that restarted empty lost the idempotency keys too: noticed here
            # even before this process's next keyed create
            epoch = await self._epoch(keys=[f"{lua.PREFIX}:epoch"])
        self.epoch.saw(epoch.decode() if isinstance(epoch, bytes) else str(epoch))
        self.fallback.clear()


class RedisPacer(PriorityPacer):
    """One connection's rate limit shared by every instance: a sliding window in Redis,
    with the same margin as ``RatePacer``; this process's share of it while Redis is away.

    Priority is kept at two levels: in this process, waiters go to Redis one at a time,
    interactive ones first (``PriorityPacer``); across instances, background starts are
    counted in a second window and capped at ``share`` of the limit, so whatever every
    instance's polls do, the rest of the shared window is left for interactive requests.
    Which instance's interactive request starts first is not ordered."""

    def __init__(
        self, backend: RedisBackend, scope: str, limit: int, window: float, share: float = 1.0
    ) -> None:
        super().__init__()
        self.backend = backend
        self.limit = limit
        self.background_limit = share_of(limit, share)
        self.window = window
        self.margin = pacing_margin(window)
        self.local = RatePacer(max(1, limit // backend.instances), window, share=share)
        self._keys = [lua.key(scope, "rate"), lua.key(scope, "rate", "bg")]
        self._span_us = int((window + self.margin) * 1_000_000)
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def _try_start(self, background: bool) -> float:
        backend = self.backend
        args: list[Any] = [
            self.limit,
            self._span_us,
            backend.unique(),
            1 if background else 0,
            self.background_limit,
        ]
        try:
            wait_us = await backend._call(lambda: backend._pace(keys=self._keys, args=args))
        except RedisUnavailable:
            await self.local.acquire()
            return 0.0
        return max(0, int(wait_us)) / 1_000_000


def _decode(data: bytes | str | None) -> CachedResponse | None:
    """An entry as stored (after the Redis time its fetch started), or None for none (or
    one this version cannot read)."""
    if data is None:
        return None
    try:
        # the client is built without decode_responses: values arrive as bytes
        raw = data.encode() if isinstance(data, str) else data
        _, _, encoded = raw.partition(b"\n")
        return CachedResponse.decode(encoded)
    except (ValueError, TypeError):
        return None
