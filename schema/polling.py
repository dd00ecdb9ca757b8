"""Shared upstream pollers behind subscriptions: one poller per resource, however many
subscribers it has.

The vendors have no push API, so a subscription is a poll: a ``Poller`` reads one resource
every ``interval`` seconds, diffs it with the previous snapshot and hands the changes to
every subscriber's queue. The first subscriber starts it, the last one to leave stops it.
An upstream failure does not end anybody's subscription: the poller backs off (doubling
the wait up to ``max_backoff``) and returns to its interval after the next success.

Polls are background work (``adapters.upstream.priority``): a connection serves the requests
callers wait for first, and polls use at most the connection's ``poll_share`` of its
concurrency and rate. Each poll has its own deadline. A connection polls at most
``max_polled_per_connection`` resources at once: a subscription that would start one more
is refused with SUBSCRIPTION_LIMIT (subscribers of a resource already polled cost nothing
upstream, and are never refused here).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from adapters.errors import ErrorCode, GatewayError
from adapters.upstream.priority import start_background
from adapters.upstream.resilience import current_deadline

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


class Poller(Generic[S, E]):
    def __init__(
        self,
        fetch: Callable[[], Awaitable[S]],
        diff: Callable[[S, S], list[E]],
        settings: PollSettings,
        on_start: Callable[[Poller[S, E]], None] = lambda poller: None,
        on_idle: Callable[[Poller[S, E]], None] = lambda poller: None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._fetch = fetch
        self._diff = diff
        self.settings = settings
        self._on_start = on_start
        self._on_idle = on_idle
        self._sleep = sleep
        self._queues: set[asyncio.Queue[Any]] = set()
        self._task: asyncio.Task[None] | None = None
        self.polls = 0
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

    async def _poll(self) -> S:
        # a poll is not part of any request: it gets its own deadline, and waits behind
        # the requests callers are waiting for
        current_deadline.set(time.monotonic() + self.settings.timeout)
        start_background()
        self.polls += 1
        return await self._fetch()

    async def _run(self) -> None:
        previous: S | None = None
        failures = 0
        while True:
            try:
                current = await self._poll()
            except Finished as gone:
                self._publish(list(gone.events))
                self._publish([_END])
                return
            except Exception as exc:  # an upstream failure: keep the subscribers, back off
                failures += 1
                wait = min(self.settings.max_backoff, self.settings.interval * 2**failures)
                log.info("poll failed (%s); next in %.1f s", type(exc).__name__, wait)
            else:
                failures = 0
                wait = self.settings.interval
                if previous is not None:
                    self._publish(self._diff(previous, current))
                previous = current
            self.waits.append(wait)
            await self._sleep(wait)

    def _publish(self, events: list[Any]) -> None:
        for event in events:
            for queue in self._queues:
                queue.put_nowait(event)


class PollerHub:
    """Every running poller of one gateway, by resource key."""

    def __init__(self, settings: PollSettings | None = None) -> None:
        self.settings = settings or PollSettings()
        self._pollers: dict[Hashable, Poller[Any, Any]] = {}
        #: the connection each poller reads
        self._connections: dict[Hashable, str] = {}

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
    ) -> Poller[S, E]:
        """The running poller of ``key`` (a resource of ``connection``), or a new one with
        this fetch and diff; raises SUBSCRIPTION_LIMIT (``check_room``)."""
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

            found = Poller(fetch, diff, self.settings, start, idle)
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

    def close(self) -> None:
        for poller in list(self._pollers.values()):
            poller.stop()
