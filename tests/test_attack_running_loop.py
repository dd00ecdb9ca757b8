"""Attacks on ``running_loop()``: wherever it answers, it answers as
``asyncio.get_running_loop()`` would, including for a loop that moved to another thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest
import uvloop

from adapters.running_loop import running_loop

#: uvloop's loops do not say which thread runs them: a uvloop loop moved to another thread
#: is still answered in the thread that ran it before (documented in adapters/running_loop.py)
FACTORIES = [
    pytest.param(asyncio.new_event_loop, id="asyncio"),
    pytest.param(
        uvloop.new_event_loop,
        id="uvloop",
        marks=pytest.mark.xfail(strict=True, reason="uvloop has no thread to check"),
    ),
]


async def remember() -> asyncio.AbstractEventLoop:
    return running_loop()


def moved_to_another_thread(
    factory: Callable[[], asyncio.AbstractEventLoop],
) -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    """A loop run here first (so this thread remembers it), then run on in a thread of its own."""
    loop = factory()
    assert loop.run_until_complete(remember()) is loop
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(timeout=10)
    assert loop.is_running()
    return loop, thread


def stop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


@pytest.mark.parametrize("factory", FACTORIES)
def test_no_loop_running_here_is_refused_though_the_remembered_one_runs_elsewhere(
    factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    loop, thread = moved_to_another_thread(factory)
    try:
        with pytest.raises(RuntimeError, match="no running event loop"):
            asyncio.get_running_loop()
        with pytest.raises(RuntimeError, match="no running event loop"):
            running_loop()
    finally:
        stop(loop, thread)


@pytest.mark.parametrize("factory", FACTORIES)
def test_the_loop_running_here_not_the_remembered_one_running_elsewhere(
    factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    loop, thread = moved_to_another_thread(factory)

    async def both() -> tuple[asyncio.AbstractEventLoop, asyncio.AbstractEventLoop]:
        return running_loop(), asyncio.get_running_loop()

    try:
        for run in (asyncio.run, uvloop.run):
            ours, theirs = run(both())
            assert theirs is not loop
            assert ours is theirs
    finally:
        stop(loop, thread)
