"""``adapters.together.both``: what ``asyncio.gather`` of two gave, cheaper."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

from adapters.together import both


async def test_both_run_at_once_and_answer_in_order() -> None:
    second_started = asyncio.Event()

    async def first() -> str:
        await second_started.wait()  # ends only if the second runs meanwhile
        return "first"

    async def second() -> str:
        second_started.set()
        await asyncio.sleep(0)
        return "second"

    assert await asyncio.wait_for(both(first(), second()), 1) == ("first", "second")


async def test_cancelling_the_caller_cancels_both() -> None:
    ended: list[str] = []

    async def waits(name: str) -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            ended.append(name)
            raise

    caller = asyncio.ensure_future(both(waits("first"), waits("second")))
    await asyncio.sleep(0.01)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await asyncio.sleep(0)
    assert sorted(ended) == ["first", "second"]


async def test_the_first_failing_raises_and_the_second_runs_on_unreported() -> None:
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    second_ended = asyncio.Event()

    async def first() -> None:
        raise LookupError("first")

    async def second() -> None:
        await asyncio.sleep(0.01)
        second_ended.set()
        raise KeyError("second")

    with pytest.raises(LookupError):
        await both(first(), second())
    await asyncio.wait_for(second_ended.wait(), 1)
    await asyncio.sleep(0.01)
    gc.collect()  # "exception was never retrieved" is reported when the task is freed
    loop.set_exception_handler(None)
    assert reported == []


async def test_the_second_failing_raises_once_the_first_has_ended() -> None:
    first_ended = False

    async def first() -> None:
        nonlocal first_ended
        await asyncio.sleep(0.01)
        first_ended = True

    async def second() -> None:
        raise KeyError("second")

    with pytest.raises(KeyError):
        await both(first(), second())
    assert first_ended
