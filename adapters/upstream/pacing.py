"""Pacing a connection to its vendor's rate limit, in one process.

Waiting here is cheaper than causing a vendor 429 and then backing off. The Redis backend
(``adapters.cache.redis_backend``) paces every instance against one shared window instead, and
falls back to a ``RatePacer`` with this process's share of the limit while Redis is away.

Both serve their waiters in priority order (``adapters.upstream.priority``): interactive requests
before background ones (subscription polls), and background requests take at most
``share`` of the starts in any window, so the rest of the window is always there for
interactive requests.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from adapters.upstream.priority import PriorityLine, current_work, share_of


class Pacer(Protocol):
    def start_now(self) -> bool:
        """Start one more request now if it may, without waiting (False: ``acquire``)."""

    async def acquire(self) -> None:
        """Return when one more request may start."""


class PriorityPacer:
    """What both pacers share: waiters in priority order, the first one tries to start."""

    sleep: Callable[[float], Awaitable[None]]

    def __init__(self) -> None:
        self._line = PriorityLine()

    def start_now(self) -> bool:
        """A start with nobody waiting and room in the window, decided here and now;
        False where ``acquire`` must decide (a shared window is asked over the network)."""
        return False

    async def acquire(self) -> None:
        work = current_work()
        async with self._line.place(work) as place:
            while True:
                place.changed.clear()
                if self._line.first() is place:
                    wait = await self._try_start(work.background)
                    if wait <= 0:
                        return
                    # not interrupted: a waiter that got ahead meanwhile tries on its own
                    await self.sleep(wait)
                else:
                    await place.changed.wait()

    async def _try_start(self, background: bool) -> float:
        """Start now (0) or the seconds until a start of this class may be possible."""
        raise NotImplementedError


class RatePacer(PriorityPacer):
    """Sliding-window pacing: at most ``limit`` request starts in any ``window`` seconds,
    of which background work takes at most ``share``."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        share: float = 1.0,
    ) -> None:
        super().__init__()
        self.limit = limit
        self.background_limit = share_of(limit, share)
        self.window = window
        self.clock = clock
        self.sleep = sleep
        # the vendor counts arrivals, we count starts: a small margin absorbs the skew
        # between the two windows, so pacing exactly to the limit never causes a 429
        self.margin = pacing_margin(window)
        self._starts: deque[float] = deque()
        self._background_starts: deque[float] = deque()

    def start_now(self) -> bool:
        if self._line.waiting():
            return False  # they go first, in their order
        return self._start(current_work().background) <= 0

    async def _try_start(self, background: bool) -> float:
        return self._start(background)

    def _start(self, background: bool) -> float:
        now = self.clock()
        span = self.window + self.margin
        for starts in (self._starts, self._background_starts):
            while starts and now - starts[0] >= span:
                starts.popleft()
        wait = 0.0
        if len(self._starts) >= self.limit:
            wait = span - (now - self._starts[0])
        if background and len(self._background_starts) >= self.background_limit:
            wait = max(wait, span - (now - self._background_starts[0]))
        if wait > 0:
            return wait
        self._starts.append(now)
        if background:
            self._background_starts.append(now)
        return 0.0


def pacing_margin(window: float) -> float:
    return min(0.5, window * 0.05)
