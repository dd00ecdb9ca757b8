"""Interactive work first: background work (subscription polls) gets a bounded share.

A connection's upstream request waits twice (``adapters.upstream.http.UpstreamHttp._send``): for one
of the connection's ``max_concurrency`` slots (``PrioritySlots``), then for a start in its
rate window (``adapters.upstream.pacing``). Both serve their waiters in priority order:

- **interactive** work, a GraphQL request somebody is waiting for, goes first, in order
  of arrival;
- **background** work, marked with ``start_background()`` (a subscription's poll), goes
  only when no interactive work waits, and never holds more than its share (``poll_share``)
  of the slots, nor of the starts in a rate window.

So a backlog of polls can make polls late, never a caller's request: it waits at most for
the requests already under way. Work is interactive unless marked. A caller that joins a
background request already under way (single-flight) promotes it (``Work.promote``):
somebody waits for it now.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import math
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field


@dataclass(eq=False)
class Work:
    """The priority of one piece of upstream work (every request one poll makes)."""

    background: bool
    #: told when the work is promoted: the queues it waits in
    _listeners: set[Callable[[], None]] = field(default_factory=set, repr=False)

    def promote(self) -> None:
        """Somebody waits for this work now: from here on it is interactive."""
        if not self.background:
            return
        self.background = False
        for listener in list(self._listeners):
            listener()


#: what a request is unless marked otherwise (never promoted: it is interactive already)
INTERACTIVE = Work(background=False)

_current: contextvars.ContextVar[Work] = contextvars.ContextVar(
    "upstream_work", default=INTERACTIVE
)


def current_work() -> Work:
    """The priority of the upstream calls the current task makes."""
    return _current.get()


def start_background() -> Work:
    """Mark the current task's upstream calls from here on as background work."""
    work = Work(background=True)
    _current.set(work)
    return work


def share_of(total: int, share: float) -> int:
    """How many of ``total`` slots or starts background work may hold: at least one, so
    polls are slowed, never stopped."""
    return max(1, min(total, math.floor(total * share)))


@dataclass(eq=False)
class _Claim:
    work: Work
    future: asyncio.Future[bool]
    background: bool


class _Hold:
    """One slot held for the duration of an ``async with``; a wait for it ends at
    ``until`` (loop time) with TimeoutError."""

    __slots__ = ("_background", "_slots", "_until")

    def __init__(self, slots: PrioritySlots, until: float | None) -> None:
        self._slots = slots
        self._background = False
        self._until = until

    async def __aenter__(self) -> None:
        work = current_work()
        slots = self._slots
        if slots._free(work.background):
            slots._take(work.background)
            self._background = work.background
        elif self._until is None:
            self._background = await slots._acquire(work)
        else:
            async with asyncio.timeout_at(self._until):
                self._background = await slots._acquire(work)

    async def __aexit__(self, *exc: object) -> None:
        self._slots._release(self._background)


class PrioritySlots:
    """A semaphore of ``size`` slots that serves interactive waiters first and lets
    background work hold at most ``share`` of the slots."""

    def __init__(self, size: int, share: float = 1.0) -> None:
        self.size = size
        self.background_size = share_of(size, share)
        self.held = 0
        self.background_held = 0
        #: waiters by class: False interactive, True background; each in arrival order
        self._waiting: dict[bool, deque[_Claim]] = {False: deque(), True: deque()}

    def hold(self, until: float | None = None) -> _Hold:
        """Hold one slot for the current task's work (``async with``), waiting at most
        until ``until`` (loop time). A class, not a generator-based context manager: every
        upstream call takes a slot."""
        return _Hold(self, until)

    def waiting(self, background: bool) -> int:
        return len(self._waiting[background])

    def _free(self, background: bool) -> bool:
        """Whether ``_acquire`` would take a slot at once, without waiting."""
        ahead = self._waiting[False] or (background and self._waiting[True])
        return not ahead and self._room(background)

    async def _acquire(self, work: Work) -> bool:
        """Take a slot; True when it counts as background."""
        background = work.background
        if self._free(background):
            self._take(background)
            return background
        claim = _Claim(work, asyncio.get_running_loop().create_future(), background)
        self._waiting[background].append(claim)

        def promoted() -> None:
            if claim in self._waiting[True]:
                self._waiting[True].remove(claim)
                claim.background = False
                self._waiting[False].append(claim)
                self._dispatch()

        if background:
            work._listeners.add(promoted)
        try:
            return await claim.future
        except asyncio.CancelledError:
            if claim.future.done() and not claim.future.cancelled():
                self._release(claim.future.result())  # granted as the waiter was cancelled
            else:
                with contextlib.suppress(ValueError):
                    self._waiting[claim.background].remove(claim)
            raise
        finally:
            work._listeners.discard(promoted)

    def _room(self, background: bool) -> bool:
        if self.held >= self.size:
            return False
        return not background or self.background_held < self.background_size

    def _take(self, background: bool) -> None:
        self.held += 1
        if background:
            self.background_held += 1

    def _release(self, background: bool) -> None:
        self.held -= 1
        if background:
            self.background_held -= 1
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand free slots to waiters: interactive ones first, background within its share."""
        while self.held < self.size:
            queue = self._waiting[False]
            if not queue:
                if self.background_held >= self.background_size:
                    return
                queue = self._waiting[True]
            if not queue:
                return
            claim = queue.popleft()
            if claim.future.done():  # its waiter was cancelled
                continue
            self._take(claim.background)
            claim.future.set_result(claim.background)


class _Place:
    """One waiter's place in a ``PriorityLine``."""

    def __init__(self, work: Work, order: int) -> None:
        self.work = work
        self.order = order
        #: set when the line changed: the waiter checks whether it is first now
        self.changed = asyncio.Event()

    def rank(self) -> tuple[bool, int]:
        return (self.work.background, self.order)


class PriorityLine:
    """Waiters for one thing, served one at a time: interactive ones first, then by
    arrival. Only the first waiter acts (tries to start); the others wait for a change.
    Small by design: it holds at most a connection's ``max_concurrency`` waiters, since
    a request waits for its slot before it is paced."""

    def __init__(self) -> None:
        self._places: list[_Place] = []
        self._order = itertools.count()

    @contextlib.asynccontextmanager
    async def place(self, work: Work) -> AsyncIterator[_Place]:
        place = _Place(work, next(self._order))
        self._places.append(place)

        def promoted() -> None:
            self._changed()

        if work.background:
            work._listeners.add(promoted)
        self._changed()
        try:
            yield place
        finally:
            work._listeners.discard(promoted)
            self._places.remove(place)
            self._changed()

    def waiting(self) -> bool:
        return bool(self._places)

    def first(self) -> _Place:
        return min(self._places, key=_Place.rank)

    def _changed(self) -> None:
        for place in self._places:
            place.changed.set()
