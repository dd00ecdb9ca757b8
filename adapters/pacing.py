"""Pacing a connection to its vendor's rate limit, in one process.

Waiting here is cheaper than causing a vendor 429 and then backing off. The Redis backend
(``adapters.cache_redis``) paces every instance against one shared window instead, and
falls back to a ``RatePacer`` with this process's share of the limit while Redis is away.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol


class Pacer(Protocol):
    async def acquire(self) -> None:
        """Return when one more request may start."""


class RatePacer:
    """Sliding-window pacing: at most ``limit`` request starts in any ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        # the vendor counts arrivals, we count starts: a small margin absorbs the skew
        # between the two windows, so pacing exactly to the limit never causes a 429
        self.margin = pacing_margin(window)
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self.clock()
                while self._starts and now - self._starts[0] >= self.window + self.margin:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    return
                await self.sleep(self.window + self.margin - (now - self._starts[0]))


def pacing_margin(window: float) -> float:
    return min(0.5, window * 0.05)
