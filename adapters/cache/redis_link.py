"""A connection to a Redis that may go away: short timeouts, one warning when it does, a
cool-down before trying again, and a hook that runs before it is trusted again.

``RedisLink.call`` runs one operation within the timeout, or raises ``RedisUnavailable``
at once while Redis is known to be away; the caller then uses its fallback. Nothing here
retries a call: a failure falls back immediately. While Redis is away, the link probes it
once per cool-down (in the background, and on a call after the cool-down), and runs the
recovery hook before the first call trusts it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from adapters.cache.store import CacheStats

log = logging.getLogger("dbaas_gateway.cache")

T = TypeVar("T")

#: Redis connections one process keeps at most
MAX_CONNECTIONS = 64

#: what a Redis that is down, unreachable, slow or refusing (OOM, read-only) raises
REDIS_FAILURES = (RedisError, OSError, TimeoutError)


class RedisUnavailable(Exception):
    """Redis did not answer, or is cooling down after it did not: use the fallback."""


class RedisLink:
    def __init__(
        self,
        url: str,
        *,
        stats: CacheStats,
        fallback: str,
        on_recovery: Callable[[], Awaitable[None]],
        timeout: float = 1.0,
        cooldown: float = 1.0,
    ) -> None:
        self.stats = stats
        #: what the owner does while Redis is away, for the log line
        self.fallback = fallback
        self.on_recovery = on_recovery
        #: bound of every Redis call: a slow Redis costs a request this much, once
        self.timeout = timeout
        #: after a failure, Redis is tried again this much later, not on every call
        self.cooldown = cooldown
        self.where = redacted(url)
        # a bounded pool that makes callers wait for a free connection: a burst of
        # hundreds of concurrent lookups would otherwise hit the pool's limit and count as
        # Redis being away (MaxConnectionsError), falling back for nothing
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=MAX_CONNECTIONS,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        self.client = aioredis.Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))
        self.down = False
        self._retry_at = 0.0
        self._recovery = asyncio.Lock()
        # while Redis is away, probes it on its own: an instance that wrote meanwhile
        # moves the fence as soon as Redis is back, not when its next request comes
        self._prober: asyncio.Task[None] | None = None

    async def call(self, op: Callable[[], Awaitable[T]], *, force: bool = False) -> T:
        """One Redis operation within ``timeout``; ``RedisUnavailable`` when Redis is away.
        ``force``: try Redis even while it is known to be away (a write's invalidation,
        which other instances must see the moment Redis can take it)."""
        if self.down and not force and not await self._recovered():
            raise RedisUnavailable
        try:
            async with asyncio.timeout(self.timeout):
                return await op()
        except REDIS_FAILURES as exc:
            self._failed(exc)
            raise RedisUnavailable from exc

    async def aclose(self) -> None:
        if self._prober is not None:
            self._prober.cancel()
            await asyncio.gather(self._prober, return_exceptions=True)
        await self.client.aclose(close_connection_pool=True)  # the client did not make it

    async def _probe(self) -> None:
        while self.down:
            await asyncio.sleep(max(0.0, self._retry_at - time.monotonic()) + 0.01)
            await self._recovered()

    def _failed(self, exc: BaseException) -> None:
        self.stats.backend_errors += 1
        self._retry_at = time.monotonic() + self.cooldown
        if not self.down:
            self.down = True
            if self._prober is None or self._prober.done():
                with contextlib.suppress(RuntimeError):  # no running loop: no prober
                    self._prober = asyncio.get_running_loop().create_task(self._probe())
            log.warning(
                "cache backend: Redis at %s unavailable (%s); falling back to %s, "
                "retrying every %g s",
                self.where,
                "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__,
                self.fallback,
                self.cooldown,
            )

    async def _recovered(self) -> bool:
        """After the cool-down, one caller probes Redis and runs ``on_recovery``; the others
        keep using the fallback meanwhile rather than queue behind the probe."""
        if time.monotonic() < self._retry_at or self._recovery.locked():
            return False
        async with self._recovery:
            if not self.down:
                return True
            try:
                async with asyncio.timeout(self.timeout):
                    await self.client.ping()
                await self.on_recovery()
            except REDIS_FAILURES as exc:
                self._failed(exc)
                return False
            self.down = False
            log.info(
                "cache backend: Redis at %s is back; shared cache and limits resumed", self.where
            )
            return True


def redacted(url: str) -> str:
    """The Redis URL without its user name and password, for logs."""
    parts = urlsplit(url)
    if parts.hostname is None:  # unix:///path/to/socket
        return f"{parts.scheme}://{parts.path}"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"
