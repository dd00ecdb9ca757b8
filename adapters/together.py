"""``both``: two awaitables at once, as ``asyncio.gather(first, second)`` gives them,
for a fraction of its cost.

``gather`` wraps each awaitable in a task of its own and joins them with a future of its
own: about 9.6 us for two coroutines that return at once, on uvloop, against 3.5 us here,
where the second runs in a task and the first in the caller's. Astra lists an app's
backups and snapshots this way, 50 times on the cold dashboard.

What differs from ``gather``, and why each is fine where it is used:
- the first runs in the caller's context, so a context variable it set would be seen by
  the caller (the reads it is used for set none);
- a failure of the second is raised once the first has ended, not at once; where both
  fail, the first's is raised. Either way the call fails with a vendor's error.
Cancelling the caller cancels both, as ``gather`` does; and where the first fails, the
second runs on, its failure retrieved, as ``gather`` leaves it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

from adapters.running_loop import running_loop

A = TypeVar("A")
B = TypeVar("B")


async def both(first: Awaitable[A], second: Coroutine[Any, Any, B]) -> tuple[A, B]:
    """The results of ``first`` and ``second``, run at the same time."""
    task = running_loop().create_task(second)
    try:
        value = await first
    except asyncio.CancelledError:
        task.cancel()
        raise
    except BaseException:
        task.add_done_callback(_retrieve)  # no "exception never retrieved" for it
        raise
    return value, await task


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
