"""Token buckets shared by every instance: the per-caller rate limit of
``gateway.limits_rate`` when a Redis backend is configured
(``adapters.cache.redis_buckets``). The memory backend has none: the gateway's own
in-process buckets are the limit then."""

from __future__ import annotations

from typing import Protocol


class BucketsUnavailable(Exception):
    """The shared store is away: count in this process meanwhile."""


class Buckets(Protocol):
    async def take(self, name: str, capacity: float, per_second: float) -> int | None:
        """Take a token from ``name``'s bucket: None when there was one, else the whole
        seconds until there would be (at least 1). Raises ``BucketsUnavailable``."""
