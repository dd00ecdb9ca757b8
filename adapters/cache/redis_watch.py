"""One poller per watched resource across every instance: a lease elects it, pub/sub
carries what it saw to the others.

A subscription's poller (``schema.polling``) asks ``Watch.lead`` before each poll. The
instance holding the resource's lease (``dbgw:watch:<digest>``, taken with SET NX and
extended with each poll) polls the vendor and publishes a digest of the state it read on
``dbgw:watch:<digest>:changes``; every other instance with subscribers listens there and,
when the digest differs from what its subscribers last heard, re-reads the resource
(through the shared cache, where the poller's answer just went) and tells them what
changed. An instance that dies stops extending its lease, and another instance with
subscribers takes it over one lease later.

While Redis is away each instance polls on its own (``lead`` answers True, publishing and
listening do nothing), as a single instance does; the digests make that safe: each
instance diffs against what its own subscribers last heard.

One pub/sub connection per process carries every watched resource's channel; a reader
task hands each message to the watch's callback and, when the connection breaks,
reconnects and subscribes again after the cool-down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Hashable
from typing import Any

from redis.asyncio.client import PubSub

from adapters.cache import redis_scripts as lua
from adapters.cache.idempotency import digest
from adapters.cache.redis_link import REDIS_FAILURES, RedisLink, RedisUnavailable

log = logging.getLogger("dbaas_gateway.subscriptions")

#: how long a pub/sub read waits for a message before looking again
READ_SECONDS = 1.0


class RedisWatches:
    """The watches of one process, on the backend's Redis."""

    def __init__(self, link: RedisLink, key: bytes) -> None:
        self.link = link
        self.key = key
        self._lease = link.client.register_script(lua.LEASE)
        self._release = link.client.register_script(lua.RELEASE)
        #: channel -> the callbacks of this process's watches on it
        self._handlers: dict[str, list[Callable[[str], None]]] = {}
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._chores: set[asyncio.Task[None]] = set()  # (un)subscriptions under way

    def watch(self, name: Hashable) -> RedisWatch:
        return RedisWatch(self, f"{lua.PREFIX}:watch:{digest(self.key, name)}")

    # -- pub/sub --------------------------------------------------------------------------

    def listen(self, channel: str, callback: Callable[[str], None]) -> Callable[[], None]:
        first = channel not in self._handlers
        self._handlers.setdefault(channel, []).append(callback)
        if first and self._pubsub is not None:
            self._chore(self._subscribe(channel))
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read())

        def stop() -> None:
            callbacks = self._handlers.get(channel, [])
            if callback in callbacks:
                callbacks.remove(callback)
            if not callbacks:
                self._handlers.pop(channel, None)
                if self._pubsub is not None:
                    self._chore(self._unsubscribe(channel))

        return stop

    def _chore(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)

    async def _subscribe(self, channel: str) -> None:
        pubsub = self._pubsub
        if pubsub is None:
            return
        try:
            async with asyncio.timeout(self.link.timeout):
                await pubsub.subscribe(channel)
        except REDIS_FAILURES:
            await self._drop(pubsub)  # the reader connects again and subscribes to all

    async def _unsubscribe(self, channel: str) -> None:
        pubsub = self._pubsub
        if pubsub is None or channel in self._handlers:
            return
        try:
            async with asyncio.timeout(self.link.timeout):
                await pubsub.unsubscribe(channel)
        except REDIS_FAILURES:
            await self._drop(pubsub)

    async def _read(self) -> None:
        while self._handlers:
            try:
                if self._pubsub is None:
                    pubsub = self.link.client.pubsub(ignore_subscribe_messages=True)
                    self._pubsub = pubsub
                    async with asyncio.timeout(self.link.timeout):
                        await pubsub.subscribe(*self._handlers)
                message = await self._pubsub.get_message(timeout=READ_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis failed, or redis-py met what it did not expect
                log.info("subscription channel lost (%s); subscribing again", type(exc).__name__)
                if self._pubsub is not None:
                    await self._drop(self._pubsub)
                await asyncio.sleep(self.link.cooldown)
                continue
            if message is not None and message.get("type") == "message":
                self._dispatch(message)
        if self._pubsub is not None:
            await self._drop(self._pubsub)

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel, data = message["channel"], message["data"]
        channel = channel.decode() if isinstance(channel, bytes) else str(channel)
        text = data.decode() if isinstance(data, bytes) else str(data)
        for callback in list(self._handlers.get(channel, [])):
            callback(text)

    async def _drop(self, pubsub: PubSub) -> None:
        if self._pubsub is pubsub:
            self._pubsub = None
        with contextlib.suppress(Exception):
            async with asyncio.timeout(self.link.timeout):
                await pubsub.aclose()

    async def aclose(self) -> None:
        self._handlers.clear()
        for task in list(self._chores):
            task.cancel()
        await asyncio.gather(*self._chores, return_exceptions=True)
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        if self._pubsub is not None:
            await self._drop(self._pubsub)


class RedisWatch:
    """One watched resource: its lease and its channel."""

    def __init__(self, watches: RedisWatches, key: str) -> None:
        self.watches = watches
        self.key = key
        self.channel = f"{key}:changes"

    async def lead(self, token: str, seconds: float) -> bool:
        """Whether ``token`` polls now: it holds the lease (taken or extended for
        ``seconds``), or Redis is away and every instance polls on its own."""
        keys = [self.key]
        args: list[Any] = [token, max(1, int(seconds * 1000))]
        watches = self.watches
        try:
            return bool(await watches.link.call(lambda: watches._lease(keys=keys, args=args)))
        except RedisUnavailable:
            return True

    async def resign(self, token: str) -> None:
        watches = self.watches
        with contextlib.suppress(RedisUnavailable):  # if Redis is away, the PX ends it
            await watches.link.call(lambda: watches._release(keys=[self.key], args=[token]))

    async def publish(self, message: str) -> None:
        client = self.watches.link.client
        with contextlib.suppress(RedisUnavailable):
            await self.watches.link.call(lambda: client.publish(self.channel, message))

    def listen(self, callback: Callable[[str], None]) -> Callable[[], None]:
        return self.watches.listen(self.channel, callback)
