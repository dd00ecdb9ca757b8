"""Per-caller rate limit: one token bucket per caller, shared by every instance.

Each caller (a client token's name, a proxied user, or an anonymous caller's address) may
send ``requests`` requests at once and then ``requests`` per ``window`` seconds, refilled
evenly. A refused request learns how long until the next one would pass (Retry-After).

``RateLimiter`` keeps the buckets in this process, in a bounded LRU map: a flood of
distinct anonymous addresses cannot grow memory, at worst it forgets (refills) the least
recently seen callers. ``SharedRateLimiter`` keeps them in the backend's Redis when there
is one (``adapters.cache.redis_buckets``), so N instances allow a caller the rate once,
not N times; while Redis is away it counts in this process (each instance then allows
the whole rate: refusing callers for an outage of the gateway's own store would be the
greater harm).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from cachetools import LRUCache

from adapters.cache.buckets import BucketsUnavailable
from adapters.cache.store import Backend


class RateLimiter:
    def __init__(
        self,
        requests: int,
        window_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_callers: int = 10_000,
    ) -> None:
        self.capacity = float(requests)
        self.per_second = requests / window_seconds
        self.clock = clock
        #: caller -> (tokens left, when they were counted)
        self._buckets: LRUCache[str, tuple[float, float]] = LRUCache(maxsize=max_callers)

    def acquire(self, caller: str) -> int | None:
        """Take one request from ``caller``'s bucket: None when allowed, else the whole
        seconds until one would be (at least 1)."""
        now = self.clock()
        tokens, then = self._buckets.get(caller, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.per_second)
        if tokens >= 1:
            self._buckets[caller] = (tokens - 1, now)
            return None
        self._buckets[caller] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / self.per_second))


class SharedRateLimiter:
    """The backend's shared buckets, or ``local`` without them (memory backend, Redis away)."""

    def __init__(
        self,
        local: RateLimiter,
        backend: Callable[[], Backend | None] = lambda: None,
        key: bytes = b"",
    ) -> None:
        self.local = local
        self._backend = backend
        self._key = key

    async def acquire(self, caller: str) -> int | None:
        backend = self._backend()
        buckets = backend.buckets(self._key) if backend is not None else None
        if buckets is None:
            return self.local.acquire(caller)
        try:
            return await buckets.take(caller, self.local.capacity, self.local.per_second)
        except BucketsUnavailable:
            return self.local.acquire(caller)
