"""Per-caller token buckets in the shared Redis: one hash per caller, changed only by
``TAKE_TOKEN`` (``adapters.cache.redis_scripts``) on Redis's clock, so N instances allow a
caller the documented rate once, not N times."""

from __future__ import annotations

import math
from typing import Any

from adapters.cache import redis_scripts as lua
from adapters.cache.buckets import BucketsUnavailable
from adapters.cache.idempotency import digest
from adapters.cache.redis_link import RedisLink, RedisUnavailable


class RedisBuckets:
    def __init__(self, link: RedisLink, key: bytes) -> None:
        self.link = link
        #: caller names (token names, addresses) are digested: not readable in Redis
        self.key = key
        self._take = link.client.register_script(lua.TAKE_TOKEN)

    async def take(self, name: str, capacity: float, per_second: float) -> int | None:
        keys = [f"{lua.PREFIX}:caller:{digest(self.key, name)}"]
        # kept until the bucket would be full again, and a little longer
        refill_ms = math.ceil(capacity / per_second * 1000) + 1000
        args: list[Any] = [capacity, per_second, refill_ms]
        try:
            wait = await self.link.call(lambda: self._take(keys=keys, args=args))
        except RedisUnavailable as exc:
            raise BucketsUnavailable from exc
        return int(wait) or None
