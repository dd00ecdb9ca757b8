"""The idempotency store on its own: once per key, replay, conflict, window, failures,
and the key an unknown outcome leaves for a retry to reconcile."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.errors import ErrorCode, GatewayError, UpstreamError
from schema.idempotency import IdempotencyStore, Replayed, fingerprint


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting_call(result: str = "db-1") -> tuple[list[int], object]:
    calls: list[int] = []

    async def call() -> dict[str, str]:
        calls.append(1)
        await asyncio.sleep(0)
        return {"record": result, "secret": "one-time"}

    return calls, call


def keep_record(result: dict[str, str]) -> str:
    return result["record"]


async def test_a_retry_with_the_same_key_gets_what_the_first_call_kept() -> None:
    store = IdempotencyStore()
    calls, call = counting_call()

    first = await store.run("k", "fp", call, keep_record)  # type: ignore[arg-type]
    again = await store.run("k", "fp", call, keep_record)  # type: ignore[arg-type]

    assert first == {"record": "db-1", "secret": "one-time"}
    assert again == Replayed("db-1")  # the record, never the secret
    assert len(calls) == 1


async def test_concurrent_retries_wait_for_the_first_call() -> None:
    store = IdempotencyStore()
    calls, call = counting_call()

    results = await asyncio.gather(
        *(store.run("k", "fp", call, keep_record) for _ in range(5))  # type: ignore[arg-type]
    )

    assert len(calls) == 1
    assert sum(isinstance(r, Replayed) for r in results) == 4


async def test_the_same_key_with_different_input_is_a_conflict() -> None:
    store = IdempotencyStore()
    _, call = counting_call()
    await store.run("k", "fp-1", call, keep_record)  # type: ignore[arg-type]

    with pytest.raises(GatewayError) as raised:
        await store.run("k", "fp-2", call, keep_record)  # type: ignore[arg-type]

    assert raised.value.code is ErrorCode.CONFLICT


async def test_keys_are_forgotten_after_ten_minutes() -> None:
    clock = Clock()
    store = IdempotencyStore(clock=clock)
    calls, call = counting_call()
    await store.run("k", "fp", call, keep_record)  # type: ignore[arg-type]

    clock.now += 601
    again = await store.run("k", "fp", call, keep_record)  # type: ignore[arg-type]

    assert not isinstance(again, Replayed)
    assert len(calls) == 2


async def test_a_failed_first_call_is_not_remembered() -> None:
    store = IdempotencyStore()

    async def failing() -> dict[str, str]:
        raise GatewayError(ErrorCode.UPSTREAM_UNAVAILABLE, "down")

    with pytest.raises(GatewayError):
        await store.run("k", "fp", failing, keep_record)
    calls, call = counting_call()
    result = await store.run("k", "fp", call, keep_record)  # type: ignore[arg-type]

    assert not isinstance(result, Replayed)
    assert len(calls) == 1


def test_fingerprints_follow_the_input_not_its_identity() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


# --- outcome unknown: the key is kept, and a retry reconciles first ------------------------


def outcome_unknown() -> UpstreamError:
    return UpstreamError(
        ErrorCode.UPSTREAM_OUTCOME_UNKNOWN, "lost", connection="c", vendor="v", retryable=False
    )


async def test_an_unknown_outcome_is_kept_and_made_retryable_by_the_key() -> None:
    store = IdempotencyStore()

    async def lost() -> dict[str, str]:
        raise outcome_unknown()

    with pytest.raises(UpstreamError) as raised:
        await store.run("k", "fp", lost, keep_record)

    assert raised.value.code is ErrorCode.UPSTREAM_OUTCOME_UNKNOWN
    assert raised.value.retryable is True  # a retry with the key reconciles: safe
    claim = await store.table.claim("k", "fp", "someone", 10, 600)
    assert claim.verdict == "reconcile"


async def test_a_retry_after_an_unknown_outcome_replays_what_reconciliation_finds() -> None:
    store = IdempotencyStore()
    calls, call = counting_call()
    searched_from: list[float] = []

    async def lost() -> dict[str, str]:
        raise outcome_unknown()

    async def find(since: float) -> str:
        searched_from.append(since)
        return "db-made-by-the-lost-call"

    before = time.time()
    with pytest.raises(UpstreamError):
        await store.run("k", "fp", lost, keep_record, find)
    again = await store.run("k", "fp", call, keep_record, find)  # type: ignore[arg-type]
    third = await store.run("k", "fp", call, keep_record, find)  # type: ignore[arg-type]

    assert again == third == Replayed("db-made-by-the-lost-call")
    assert calls == []
    assert len(searched_from) == 1 and before - 1 <= searched_from[0] <= time.time()


async def test_when_reconciliation_finds_nothing_the_retry_creates_once() -> None:
    store = IdempotencyStore()
    calls, call = counting_call()

    async def lost() -> dict[str, str]:
        raise outcome_unknown()

    async def nothing(since: float) -> None:
        return None

    with pytest.raises(UpstreamError):
        await store.run("k", "fp", lost, keep_record, nothing)
    created = await store.run("k", "fp", call, keep_record, nothing)  # type: ignore[arg-type]
    again = await store.run("k", "fp", call, keep_record, nothing)  # type: ignore[arg-type]

    assert created == {"record": "db-1", "secret": "one-time"}
    assert again == Replayed("db-1")
    assert len(calls) == 1


async def test_an_operation_that_cannot_reconcile_keeps_answering_outcome_unknown() -> None:
    store = IdempotencyStore()
    calls, call = counting_call()

    async def lost() -> dict[str, str]:
        raise outcome_unknown()

    with pytest.raises(UpstreamError):
        await store.run("k", "fp", lost, keep_record)  # no find
    with pytest.raises(GatewayError) as raised:
        await store.run("k", "fp", call, keep_record)  # type: ignore[arg-type]

    assert raised.value.code is ErrorCode.UPSTREAM_OUTCOME_UNKNOWN
    assert calls == []  # never created blind


async def test_a_first_call_cut_off_midway_leaves_its_key_unknown() -> None:
    store = IdempotencyStore()
    started = asyncio.Event()

    async def hangs() -> dict[str, str]:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    task = asyncio.create_task(store.run("k", "fp", hangs, keep_record))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    claim = await store.table.claim("k", "fp", "someone", 10, 600)
    assert claim.verdict == "reconcile"


async def test_a_runner_that_stopped_extending_its_claim_leaves_the_key_to_reconcile() -> None:
    clock = Clock()
    store = IdempotencyStore(clock=clock)
    # an instance claimed the key and died: its lease is never extended
    assert (await store.table.claim("k", "fp", "dead-runner", 10, 600)).verdict == "run"
    assert (await store.table.claim("k", "fp", "retry", 10, 600)).verdict == "wait"

    clock.now += 11
    claim = await store.table.claim("k", "fp", "retry", 10, 600)

    assert claim.verdict == "reconcile"
    assert not await store.table.finish("k", "dead-runner", "done", "late", 600)


async def test_a_lapsed_runner_keeps_its_key_busy_for_as_long_as_its_create_may_run() -> None:
    """A runner whose lease ran out may be alive with its create in flight (its process
    stalled, or Redis paused): until its call's longest duration has passed since it was
    last heard, a reconciling retry that finds nothing must not create; a runner that
    recorded its outcome leaves nothing busy."""
    clock = Clock()
    store = IdempotencyStore(clock=clock)
    assert (await store.table.claim("k", "fp", "stalled", 10, 600, 31)).verdict == "run"

    clock.now += 11
    lapsed = await store.table.claim("k", "fp", "retry", 10, 600, 31)
    assert await store.table.finish("k", "retry", "unknown", None, 600)
    clock.now += 15
    later = await store.table.claim("k", "fp", "retry-2", 10, 600, 31)
    assert await store.table.finish("k", "retry-2", "unknown", None, 600)
    clock.now += 6
    quiet = await store.table.claim("k", "fp", "retry-3", 10, 600, 31)

    assert (lapsed.verdict, lapsed.busy) == ("reconcile", 20)
    assert (later.verdict, later.busy) == ("reconcile", 5)
    assert (quiet.verdict, quiet.busy) == ("reconcile", 0)
    assert (await store.table.claim("j", "fp", "runner", 10, 600, 31)).verdict == "run"
    assert await store.table.finish("j", "runner", "unknown", None, 600)
    assert (await store.table.claim("j", "fp", "retry", 10, 600, 31)).busy == 0
