"""``PoolSlots``: the wire's connection slots, as a semaphore would count them."""

from __future__ import annotations

import asyncio

import pytest

from adapters.upstream.pool_slots import PoolSlots


async def test_free_slots_are_taken_at_once_and_then_waited_for() -> None:
    slots = PoolSlots(2)
    assert slots.take_now() and slots.take_now()
    assert not slots.take_now()
    waiter = asyncio.ensure_future(slots.take(asyncio.get_running_loop()))
    await asyncio.sleep(0)
    assert not waiter.done()
    slots.give()
    await asyncio.wait_for(waiter, 1)
    assert slots.free == 0
    slots.give()
    slots.give()
    assert slots.free == 2


async def test_waiters_are_served_in_arrival_order_and_never_overtaken() -> None:
    loop = asyncio.get_running_loop()
    slots = PoolSlots(1)
    assert slots.take_now()
    served: list[int] = []

    async def wait(n: int) -> None:
        await slots.take(loop)
        served.append(n)

    waiters = [asyncio.ensure_future(wait(n)) for n in range(3)]
    await asyncio.sleep(0)
    slots.give()  # handed to waiter 0, not left free for a newcomer
    assert not slots.take_now()
    for _ in range(3):
        await asyncio.sleep(0)
        slots.give()
    await asyncio.gather(*waiters)
    assert served == [0, 1, 2]


async def test_a_waiter_that_gives_up_leaves_no_trace() -> None:
    loop = asyncio.get_running_loop()
    slots = PoolSlots(1)
    assert slots.take_now()
    for _ in range(3):
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.01):
                await slots.take(loop)
    assert not slots._waiters  # a storm of timeouts does not pile up until the next give
    slots.give()
    # the slot is free again, and a new call takes it at once (no dead waiter ahead)
    assert slots.free == 1
    assert slots.take_now()


async def test_a_waiter_cancelled_after_it_was_handed_a_slot_passes_it_on() -> None:
    loop = asyncio.get_running_loop()
    slots = PoolSlots(1)
    assert slots.take_now()
    first = asyncio.ensure_future(slots.take(loop))
    second = asyncio.ensure_future(slots.take(loop))
    await asyncio.sleep(0)
    slots.give()  # first's future is settled, its task not yet resumed
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1)  # the slot went on to the next waiter
    slots.give()
    assert slots.free == 1
