"""``PoolSlots``: a wire's pooled connections counted as slots.

Every upstream call takes one. ``asyncio.Semaphore`` (Python 3.11) asks ``locked()``,
a generator over its waiters, twice and makes a coroutine for every ``acquire``, even
with a slot free: about 1.2 us a call. Here a free slot is taken by a plain call
(``take_now``), and only a call that must wait makes a future (``take``). A slot given
back goes straight to the longest waiter, so a waiter is never overtaken by a call
that arrives later, and a waiter cancelled after it was handed a slot passes it on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque


class PoolSlots:
    """``size`` slots; ``take_now`` or ``await take``, then ``give`` once."""

    __slots__ = ("_free", "_waiters")

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def free(self) -> int:
        return self._free

    def take_now(self) -> bool:
        """Take a slot if one is free and nobody waits for it; False otherwise."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return True
        return False

    async def take(self, loop: asyncio.AbstractEventLoop) -> None:
        """Wait for a slot (after ``take_now`` said none was free)."""
        if self.take_now():
            return
        future: asyncio.Future[None] = loop.create_future()
        self._waiters.append(future)
        try:
            await future
        except BaseException:
            if future.done() and not future.cancelled():
                self.give()  # handed a slot as it was cancelled: the next waiter's
            else:
                with contextlib.suppress(ValueError):  # given up: never handed one
                    self._waiters.remove(future)
            raise

    def give(self) -> None:
        """Give a slot back: to the longest waiter still waiting, else to the free ones."""
        waiters = self._waiters
        while waiters:
            future = waiters.popleft()
            if not future.done():
                future.set_result(None)
                return
        self._free += 1
