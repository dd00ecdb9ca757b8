"""The idempotency store on its own: once per key, replay, conflict, window, failures."""

from __future__ import annotations

import asyncio

import pytest

from adapters.errors import ErrorCode, GatewayError
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
