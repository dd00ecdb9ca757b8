"""Per-caller rate limit: one token bucket per caller, in this process.

Each caller (a client token's name, a proxied user, or an anonymous caller's address) may
send ``requests`` requests at once and then ``requests`` per ``window`` seconds, refilled
evenly. A refused request learns how long until the next one would pass (Retry-After).
Buckets live in a bounded LRU map: a flood of distinct anonymous addresses cannot grow
memory, at worst it forgets (refills) the least recently seen callers.

Several instances each keep their own buckets, so N instances allow N times the rate
(docs/security.md); a shared limit would live in the Redis backend, not built here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from cachetools import LRUCache


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
