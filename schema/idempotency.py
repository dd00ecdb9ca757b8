"""Idempotency keys for create mutations: a retry within the window gets the first result.

The store keeps, per (connection, caller, operation, key), a fingerprint of the input and
a future of the first call's secret-free result (the created object's record, never its
one-time secret); the caller is the client token's name (or proxied user), so two callers
never replay each other's creates. A concurrent retry waits for the first call; a later
retry gets the stored record; the same key with different input is a CONFLICT. A failed
first call is forgotten, so a retry after an error tries again. Entries live 10 minutes in
a size-bounded TTL cache.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from cachetools import TTLCache

from adapters.errors import ErrorCode, GatewayError

T = TypeVar("T")
S = TypeVar("S")

WINDOW_SECONDS = 600.0


@dataclass(frozen=True)
class Replayed(Generic[S]):
    """What an earlier call with the same key kept (never a secret)."""

    kept: S


@dataclass
class _Entry(Generic[S]):
    fingerprint: str
    result: asyncio.Future[S]


def fingerprint(value: Any) -> str:
    """A stable digest of a mutation's input (its ``__dict__`` tree, JSON-encoded)."""
    text = json.dumps(value, sort_keys=True, default=lambda o: getattr(o, "__dict__", str(o)))
    return hashlib.sha256(text.encode()).hexdigest()


class IdempotencyStore:
    def __init__(
        self,
        *,
        window_seconds: float = WINDOW_SECONDS,
        maxsize: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: TTLCache[Hashable, _Entry[Any]] = TTLCache(
            maxsize=maxsize, ttl=window_seconds, timer=clock
        )

    async def run(
        self,
        scope: Hashable,
        input_fingerprint: str,
        call: Callable[[], Awaitable[T]],
        keep: Callable[[T], S],
    ) -> T | Replayed[S]:
        """Run ``call`` once per scope: its full result the first time, then ``Replayed``."""
        entry = self._entries.get(scope)
        if entry is not None:
            if entry.fingerprint != input_fingerprint:
                raise GatewayError(
                    ErrorCode.CONFLICT,
                    "idempotencyKey was already used with different input; use a new key",
                )
            return Replayed(await asyncio.shield(entry.result))
        future: asyncio.Future[S] = asyncio.get_running_loop().create_future()
        self._entries[scope] = _Entry(input_fingerprint, future)
        try:
            result = await call()
        except BaseException as exc:
            self._entries.pop(scope, None)
            future.set_exception(exc if isinstance(exc, Exception) else asyncio.CancelledError())
            future.exception()  # waiters see it; nobody else must be warned it went unread
            raise
        future.set_result(keep(result))
        return result
