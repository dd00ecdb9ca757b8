"""Shared upstream pollers behind subscriptions: one poller per resource, however many
subscribers it has, on however many instances.

The vendors have no push API, so a subscription is a poll: a ``Poller`` reads one resource
every ``interval`` seconds, diffs it with the previous snapshot and hands the changes to
every subscriber's queue. The first subscriber starts it, the last one to leave stops it.
An upstream failure does not end anybody's subscription: the poller backs off (doubling
the wait up to ``max_backoff``) and returns to its interval after the next success.

With a shared backend (Redis) the instances watching one resource elect one poller
(``adapters.cache.redis_watch``): before each poll an instance takes or extends the
resource's lease; the holder polls and publishes a digest of what it read; the others
only listen, and when a digest differs from what their subscribers last heard they
re-read the resource (through the shared cache, where the poller's answer just went) and
diff as the poller does. When the poller's instance dies its lease runs out
(``LEASE_INTERVALS`` intervals) and another instance takes over; followers try for the
lease every quarter interval, so events keep coming within two intervals. While Redis is
away every instance polls on its own.

Polls are background work (``adapters.upstream.priority``): a connection serves the requests
callers wait for first, and polls use at most the connection's ``poll_share`` of its
concurrency and rate. Each poll has its own deadline. A connection polls at most
``max_polled_per_connection`` resources at once: a subscription that would start one more
is refused with SUBSCRIPTION_LIMIT (subscribers of a resource already polled cost nothing
upstream, and are never refused here).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from adapters.base import Backend, Watch, current_deadline, start_background
from adapters.errors import ErrorCode, GatewayError

log = logging.getLogger("dbaas_gateway.subscriptions")

S = TypeVar("S")  # a snapshot
E = TypeVar("E")  # an event


class Finished(Exception):
    """Raised by a fetch when the resource is gone for good: subscribers are told, then end."""

    def __init__(self, *events: Any) -> None:
        super().__init__("resource gone")
        self.events = events


@dataclass(frozen=True)
class PollSettings:
    interval: float = 5.0
    max_backoff: float = 60.0
    #: how long one poll may take, its upstream retries included
    timeout: float = 30.0
    #: resources polled at once per connection
    max_polled_per_connection: int = 20


_END = object()

#: how long a poller's lease lasts, in poll intervals: it is extended at every poll, and
#: a dead poller's resource is taken over this much after its last poll
LEASE_INTERVALS = 1.5
#: how often, in poll intervals, an instance that does not poll tries for the lease
FOLLOW_INTERVALS = 0.25
#: how long, in poll intervals, an instance that does not poll waits for the poller's
#: digests before it re-reads on its own (the channel broke, the poller is stuck)
SILENCE_INTERVALS = 2.0


class Poller(Generic[S, E]):
    def __init__(
        self,
        fetch: Callable[[], Awaitable[S]],
        diff: Callable[[S, S], list[E]],
        settings: PollSettings,
        on_start: Callable[[Poller[S, E]], None] = lambda poller: None,
        on_idle: Callable[[Poller[S, E]], None] = lambda poller: None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        watch: Watch | None = None,
        digest: Callable[[S], str] = repr,
    ) -> None:
        self._fetch = fetch
        self._diff = diff
        self.settings = settings
        self._on_start = on_start
        self._on_idle = on_idle
        self._sleep = sleep
        #: the resource's lease and channel across instances; None: this process alone
        self._watch = watch
        #: what the poller publishes of a snapshot: equal digests, no change
        self._digest = digest
        self._token = uuid.uuid4().hex
        self._queues: set[asyncio.Queue[Any]] = set()
        self._task: asyncio.Task[None] | None = None
        #: the last snapshot this instance's subscribers heard about (the baseline)
        self._previous: S | None = None
        #: when this instance last heard from the poller (or read for itself)
        self._heard = time.monotonic()
        #: polls this instance made as the resource's poller
        self.polls = 0
        #: re-reads after another instance's poller published a change
        self.follows = 0
        #: whether this instance polled the resource last time it looked
        self.leading = False
        #: every wait between polls, for the backoff to be observable
        self.waits: list[float] = []

    async def subscribe(self) -> AsyncIterator[E]:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        self._queues.add(queue)
        if self._task is None:
            self._on_start(self)
            self._task = asyncio.get_running_loop().create_task(self._run())
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    return
                yield item
        finally:
            self._queues.discard(queue)
            if not self._queues:
                self.stop()

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._on_idle(self)

    async def _read(self) -> S:
        # a poll is not part of any request: it gets its own deadline, and waits behind
        # the requests callers are waiting for
        current_deadline.set(time.monotonic() + self.settings.timeout)
        start_background()
        return await self._fetch()

    async def _run(self) -> None:
        watch = self._watch
        inbox: asyncio.Queue[str] = asyncio.Queue()
        stop_listening = watch.listen(inbox.put_nowait) if watch is not None else None
        self._previous = None
        try:
            failures = 0
            while True:
                self.leading = watch is None or await watch.lead(
                    self._token, self.settings.interval * LEASE_INTERVALS
                )
                if not self.leading:
                    if not await self._follow(inbox):
                        return
                    continue
                _drain(inbox)  # our own digests, and any sent before we took over
                self.polls += 1
                try:
                    current = await self._read()
                except Finished as gone:
                    if watch is not None:
                        await watch.publish("gone")
                    self._finish(gone)
                    return
                except Exception as exc:  # an upstream failure: keep the subscribers, back off
                    failures += 1
                    wait = min(self.settings.max_backoff, self.settings.interval * 2**failures)
                    log.info("poll failed (%s); next in %.1f s", type(exc).__name__, wait)
                else:
                    failures = 0
                    wait = self.settings.interval
                    if watch is not None:
                        await watch.publish(self._digest(current))
                    self._saw(current)
                self.waits.append(wait)
                await self._sleep(wait)
        finally:
            if stop_listening is not None:
                stop_listening()
            if watch is not None and self.leading:
                with contextlib.suppress(Exception):
                    await watch.resign(self._token)  # another instance takes over at once

    async def _follow(self, inbox: asyncio.Queue[str]) -> bool:
        """Another instance polls: wait for what it publishes (a while, then try for the
        lease again), and re-read when it differs from what our subscribers last heard.
        False once the resource is gone."""
        interval = self.settings.interval
        message: str | None = None
        # without a baseline, read it now: our subscribers hear of what changes from the
        # moment they subscribed, not from when the poller next publishes
        if self._previous is not None:
            try:
                async with asyncio.timeout(interval * FOLLOW_INTERVALS):
                    message = await inbox.get()
            except TimeoutError:
                if time.monotonic() - self._heard < interval * SILENCE_INTERVALS:
                    return True
                # nothing heard for a while: read for ourselves
            else:
                while not inbox.empty():  # only the latest matters
                    message = inbox.get_nowait()
        self._heard = time.monotonic()
        previous = self._previous
        if message is not None and previous is not None and message == self._digest(previous):
            return True
        self.follows += 1
        try:
            current = await self._read()
        except Finished as gone:
            self._finish(gone)
            return False
        except Exception as exc:  # the next digest asks again
            log.info("re-read after a change failed (%s)", type(exc).__name__)
            if self._previous is None:  # no digest will ask: try again a little later
                await asyncio.sleep(interval * FOLLOW_INTERVALS)
            return True
        self._saw(current)
        return True

    def _saw(self, current: S) -> None:
        if self._previous is not None:
            self._publish(self._diff(self._previous, current))
        self._previous = current

    def _finish(self, gone: Finished) -> None:
        self._publish(list(gone.events))
        self._publish([_END])

    def _publish(self, events: list[Any]) -> None:
        for event in events:
            for queue in self._queues:
                queue.put_nowait(event)


def _drain(inbox: asyncio.Queue[str]) -> None:
    while not inbox.empty():
        inbox.get_nowait()


class PollerHub:
    """Every running poller of one gateway, by resource key."""

    def __init__(
        self,
        settings: PollSettings | None = None,
        *,
        backend: Callable[[], Backend | None] = lambda: None,
        key: bytes = b"",
    ) -> None:
        """``backend``: the runtime's, once built (its watches share one poller per
        resource across instances); ``key``: the deployment's cache key secret."""
        self.settings = settings or PollSettings()
        self._backend = backend
        self._key = key
        self._pollers: dict[Hashable, Poller[Any, Any]] = {}
        #: the connection each poller reads
        self._connections: dict[Hashable, str] = {}

    def _watch(self, key: Hashable) -> Watch | None:
        backend = self._backend()
        watches = backend.watches(self._key) if backend is not None else None
        return watches.watch(key) if watches is not None else None

    def polling(self, key: Hashable) -> bool:
        """Whether ``key`` is polled already (a new subscriber joins its poll)."""
        return key in self._pollers

    def check_room(self, key: Hashable, connection: str) -> None:
        """Raise SUBSCRIPTION_LIMIT when polling ``key`` would be one resource too many for
        ``connection`` (a resource already polled is always fine)."""
        if key in self._pollers:
            return
        polled = sum(1 for c in self._connections.values() if c == connection)
        limit = self.settings.max_polled_per_connection
        if polled >= limit:
            raise GatewayError(
                ErrorCode.SUBSCRIPTION_LIMIT,
                f"connection '{connection}' already polls {polled} resources for "
                f"subscriptions, its limit ([subscriptions] max_polled_per_connection = "
                f"{limit}); subscribe to one already watched, or try again when one ends",
                connection=connection,
            )

    def poller(
        self,
        key: Hashable,
        connection: str,
        fetch: Callable[[], Awaitable[S]],
        diff: Callable[[S, S], list[E]],
        digest: Callable[[S], str] = repr,
    ) -> Poller[S, E]:
        """The running poller of ``key`` (a resource of ``connection``), or a new one with
        this fetch, diff and digest (what instances compare: equal digests, no change);
        raises SUBSCRIPTION_LIMIT (``check_room``)."""
        found = self._pollers.get(key)
        if found is None:
            self.check_room(key, connection)

            def start(poller: Poller[Any, Any]) -> None:
                # a poller stopped and started again (its last subscriber left just as a
                # new one came) takes its place back, unless another has taken it
                if self._pollers.setdefault(key, poller) is poller:
                    self._connections[key] = connection

            def idle(poller: Poller[Any, Any]) -> None:
                if self._pollers.get(key) is poller:
                    del self._pollers[key]
                    self._connections.pop(key, None)

            found = Poller(
                fetch, diff, self.settings, start, idle, watch=self._watch(key), digest=digest
            )
            self._pollers[key] = found
            self._connections[key] = connection
        return found

    def __len__(self) -> int:
        return len(self._pollers)

    def by_connection(self) -> dict[str, tuple[int, int]]:
        """Connection -> (resources polled, their subscribers), for /metrics."""
        found: dict[str, tuple[int, int]] = {}
        for key, poller in self._pollers.items():
            polled, subscribers = found.get(self._connections[key], (0, 0))
            found[self._connections[key]] = (polled + 1, subscribers + poller.subscribers)
        return found

    def running(self) -> list[Poller[Any, Any]]:
        return list(self._pollers.values())

    def summary(self) -> dict[str, int]:
        """For /readyz: resources watched here, those this instance polls (the others'
        polls come from another instance), and the polls and re-reads it made."""
        pollers = self._pollers.values()
        return {
            "watched": len(self._pollers),
            "polling": sum(1 for p in pollers if p.leading),
            "polls": sum(p.polls for p in pollers),
            "follows": sum(p.follows for p in pollers),
        }

    def close(self) -> None:
        for poller in list(self._pollers.values()):
            poller.stop()
