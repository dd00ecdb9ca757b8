"""schema.loaders.Unbatched: one call per key per request, shared by every asker, as the
``DataLoader(batch=False)`` it replaced."""

from __future__ import annotations

import asyncio

import pytest

from schema.loaders import Unbatched


class Calls:
    def __init__(self) -> None:
        self.made: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, key: str) -> str:
        self.made.append(key)
        await self.release.wait()
        if key == "bad":
            raise LookupError(key)
        return key.upper()


async def test_one_call_per_key_whoever_asks() -> None:
    calls = Calls()
    loads = Unbatched(calls)
    first, again, other = loads.load("a"), loads.load("a"), loads.load("b")
    await asyncio.sleep(0)
    assert calls.made == ["a", "b"]  # started when asked for, before anyone awaits
    calls.release.set()
    assert await asyncio.gather(first, again, other) == ["A", "A", "B"]
    assert await loads.load("a") == "A"
    assert calls.made == ["a", "b"]


async def test_a_failure_reaches_every_asker_and_is_not_asked_again() -> None:
    calls = Calls()
    loads = Unbatched(calls)
    calls.release.set()
    for _ in range(2):
        with pytest.raises(LookupError):
            await loads.load("bad")
    assert calls.made == ["bad"]


async def test_a_primed_value_is_not_called_for_and_a_call_made_keeps_its_own() -> None:
    calls = Calls()
    loads = Unbatched(calls)
    loads.prime("a", "primed")
    calls.release.set()
    assert await loads.load("a") == "primed"
    assert await loads.load("b") == "B"
    loads.prime("b", "late")
    assert await loads.load("b") == "B"
    assert calls.made == ["b"]


async def test_an_asker_cancelled_leaves_the_call_running() -> None:
    calls = Calls()
    loads = Unbatched(calls)
    asker = asyncio.ensure_future(loads.load("a"))
    await asyncio.sleep(0)
    asker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asker
    (running,) = loads._running
    calls.release.set()
    await running
    assert not running.cancelled() and running.exception() is None
    assert calls.made == ["a"]


async def test_a_call_cancelled_cancels_its_askers_rather_than_leave_them_waiting() -> None:
    calls = Calls()
    loads = Unbatched(calls)
    asked = loads.load("a")
    await asyncio.sleep(0)
    (running,) = loads._running
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asked


async def test_an_asker_cancelled_leaves_the_other_askers_their_answer() -> None:
    # graphql-core cancels the sibling fields of a field that failed (gather_with_cancel),
    # and a task cancelled cancels the future it waits on: not the one the key's other
    # askers, and every later one in the request, share
    calls = Calls()
    loads = Unbatched(calls)

    async def field() -> str:
        return await loads.load("a")

    cancelled, other = asyncio.ensure_future(field()), asyncio.ensure_future(field())
    await asyncio.sleep(0)
    cancelled.cancel()
    calls.release.set()
    assert await other == "A"
    assert cancelled.cancelled()
    assert await loads.load("a") == "A"
    assert calls.made == ["a"]
