"""Interactive work first (``adapters.upstream.priority``): a connection's slots and its pacer serve
the requests callers wait for before background polls, and polls never hold more than
their share; a caller joining a poll's request promotes it. Clocks are driven by hand."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from adapters.clickhouse.client import read_error
from adapters.clickhouse.sim.simulator import DEMO_ACCOUNTS, ClickHouseSimulator
from adapters.model import ConnectionInfo, Vendor
from adapters.upstream.http import HttpSettings, UpstreamHttp
from adapters.upstream.pacing import RatePacer
from adapters.upstream.priority import PrioritySlots, current_work, start_background


async def _settle() -> None:
    """Let every ready task run until each waits again."""
    for _ in range(20):
        await asyncio.sleep(0)


def _as(background: bool, job: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
    """Run ``job`` in a task of its own, as background work or as a caller's."""

    async def run() -> None:
        if background:
            start_background()
        await job()

    return asyncio.ensure_future(run())


# -- slots -----------------------------------------------------------------------------------


async def test_a_freed_slot_goes_to_the_interactive_waiter_before_earlier_polls() -> None:
    slots = PrioritySlots(1, share=1.0)
    order: list[str] = []
    release = asyncio.Event()

    def holder(name: str, hold: bool = False) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            async with slots.hold():
                order.append(name)
                if hold:
                    await release.wait()

        return job

    # given the one slot held, two polls waiting, then a caller
    first = _as(False, holder("held", hold=True))
    await _settle()
    waiters = [_as(True, holder("poll 1")), _as(True, holder("poll 2"))]
    await _settle()
    waiters.append(_as(False, holder("caller")))
    await _settle()

    # when the slot is freed
    release.set()
    await asyncio.gather(first, *waiters)

    # then the caller is served first, the polls in their order after
    assert order == ["held", "caller", "poll 1", "poll 2"]


async def test_polls_never_hold_more_than_their_share_of_the_slots() -> None:
    slots = PrioritySlots(4, share=0.5)
    release = asyncio.Event()
    most = 0

    async def poll() -> None:
        nonlocal most
        async with slots.hold():
            most = max(most, slots.background_held)
            await release.wait()

    # given ten polls wanting a slot
    polls = [_as(True, poll) for _ in range(10)]
    await _settle()
    held_by_polls = slots.background_held
    # then a caller still finds a free slot at once
    caller_served = asyncio.Event()

    async def caller() -> None:
        async with slots.hold():
            caller_served.set()

    await _as(False, caller)
    release.set()
    await asyncio.gather(*polls)

    assert held_by_polls == 2 and most == 2
    assert caller_served.is_set()
    assert slots.held == 0 and slots.background_held == 0


async def test_a_cancelled_waiter_leaves_no_slot_taken() -> None:
    slots = PrioritySlots(1)
    release = asyncio.Event()

    async def hold() -> None:
        async with slots.hold():
            await release.wait()

    holder = _as(False, hold)
    await _settle()
    waiter = _as(True, hold)
    await _settle()
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    release.set()
    await holder

    assert slots.held == 0 and slots.waiting(True) == 0 and slots.waiting(False) == 0


async def test_a_promoted_poll_goes_ahead_of_the_other_polls() -> None:
    slots = PrioritySlots(1, share=1.0)
    order: list[str] = []
    release = asyncio.Event()
    works = {}

    def poll(name: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            works[name] = current_work()
            async with slots.hold():
                order.append(name)

        return job

    async def hold() -> None:
        async with slots.hold():
            await release.wait()

    holder = _as(False, hold)
    await _settle()
    polls = [_as(True, poll("poll 1")), _as(True, poll("poll 2"))]
    await _settle()

    works["poll 2"].promote()  # a caller joined it
    release.set()
    await asyncio.gather(holder, *polls)

    assert order == ["poll 2", "poll 1"]


# -- pacing ----------------------------------------------------------------------------------


class _Clock:
    """A clock that moves only when the test says, and sleeps that wait for it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.moved = asyncio.Event()
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        until = self.now + seconds
        while self.now < until:
            self.moved.clear()
            await self.moved.wait()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.moved.set()


async def test_polls_take_at_most_their_share_of_a_rate_window() -> None:
    clock = _Clock()
    pacer = RatePacer(4, 10.0, clock=lambda: clock.now, sleep=clock.sleep, share=0.5)
    started: list[tuple[str, float]] = []

    def start(name: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            await pacer.acquire()
            started.append((name, clock.now))

        return job

    # given six polls at once: two start, the rest wait for the next window
    polls = [_as(True, start(f"poll {n}")) for n in range(6)]
    await _settle()
    # when two callers come in the same window, they start at once
    callers = [_as(False, start(f"caller {n}")) for n in range(2)]
    await _settle()
    in_first_window = list(started)
    clock.advance(10.5)
    await _settle()
    clock.advance(10.5)
    await asyncio.gather(*polls, *callers)

    assert sorted(in_first_window) == [
        ("caller 0", 0.0),
        ("caller 1", 0.0),
        ("poll 0", 0.0),
        ("poll 1", 0.0),
    ]
    # then two polls per window of 10 s (plus its 0.5 s margin), never more
    assert [t for name, t in started if name.startswith("poll")] == [0, 0, 10.5, 10.5, 21, 21]


async def test_when_the_window_frees_a_caller_starts_before_an_earlier_poll() -> None:
    clock = _Clock()
    pacer = RatePacer(1, 10.0, clock=lambda: clock.now, sleep=clock.sleep)
    order: list[str] = []

    def start(name: str) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            await pacer.acquire()
            order.append(name)

        return job

    await pacer.acquire()  # the window is full
    poll = _as(True, start("poll"))
    await _settle()
    caller = _as(False, start("caller"))
    await _settle()
    clock.advance(10.5)
    await _settle()
    clock.advance(10.5)
    await asyncio.gather(poll, caller)

    assert order == ["caller", "poll"]


# -- single-flight ---------------------------------------------------------------------------

CONN = ConnectionInfo("ch", Vendor("clickhouse"), "https://api.clickhouse.cloud", simulated=True)
ORG = "/v1/organizations"


async def test_a_caller_joining_a_polls_request_moves_it_ahead_of_the_other_polls() -> None:
    sim = ClickHouseSimulator()
    account = DEMO_ACCOUNTS["acme"]
    http = UpstreamHttp(
        CONN,
        base_url=CONN.base_url,
        read_error=read_error,
        auth=httpx.BasicAuth(account["key_id"], account["key_secret"]),
        transport=httpx.ASGITransport(app=sim.app),
        settings=HttpSettings(retry_attempts=1, max_concurrency=1, poll_share=1.0),
    )
    org = (await http.get(ORG)).json()["result"][0]["id"]
    sim.faults.add(None, path=f"{ORG}/{org}", delay=0.2)  # holds the one slot a while
    sim.log.clear()

    async def get(url: str) -> None:
        await http.get(url)

    # given a caller's request holding the one slot, and two polls queued behind it
    holder = _as(False, lambda: get(f"{ORG}/{org}"))
    await _settle()
    first_poll = _as(True, lambda: get(f"{ORG}/{org}/services"))
    second_poll = _as(True, lambda: get(f"{ORG}/{org}/members"))
    await _settle()
    # when a caller asks for what the second poll asks for
    caller = _as(False, lambda: get(f"{ORG}/{org}/members"))
    await asyncio.gather(holder, first_poll, second_poll, caller)
    await http.aclose()

    # then that request goes before the first poll's, and once for both
    paths = [e.path for e in sim.log.entries]
    assert paths == [f"{ORG}/{org}", f"{ORG}/{org}/members", f"{ORG}/{org}/services"]
