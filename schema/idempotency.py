"""Idempotency keys for create mutations: a retry, on any instance, gets the first result.

Per (connection, caller, operation, key) the store keeps an entry in the backend's
idempotency table (``adapters.cache.idempotency``: this process's memory, or the Redis
every instance shares): a fingerprint of the input and, once the create answered, the
created object's key (never its one-time secret). The caller is the client token's name
(or proxied user), so two callers never replay each other's creates.

- The first call claims the key atomically and holds it (a lease it extends) while it
  runs; a concurrent retry, on this instance or another, waits for it.
- A later retry gets the kept key (``Replayed``): the mutation re-reads the object.
- The same key with different input is a CONFLICT.
- A call that failed before the vendor acted is forgotten: a retry tries again.
- A call whose outcome is unknown (the write may have reached the vendor: dropped after
  it was sent, timed out after it was sent, an unreadable answer), or whose runner died,
  leaves the key *unknown*: a retry first reconciles (``find``: looks for the object the
  first attempt created) and answers it as a replay, or creates once; but while a runner
  that stopped answering (its lease ran out) may still have its create in flight, finding
  nothing is UPSTREAM_OUTCOME_UNKNOWN (retryable), never a second create.

Entries live 10 minutes. With Redis configured and unreachable a keyed create is refused
(``IDEMPOTENCY_UNAVAILABLE``, retryable) before any vendor call.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from adapters.base import (
    Backend,
    Claim,
    IdempotencyTable,
    IdempotencyUnavailable,
    MemoryIdempotency,
    Outcome,
    remaining,
)
from adapters.errors import ErrorCode, GatewayError, UnavailableError, UpstreamError

log = logging.getLogger("dbaas_gateway.idempotency")

T = TypeVar("T")
S = TypeVar("S")

WINDOW_SECONDS = 600.0
#: how long a claim holds without being extended: a runner that dies (or loses Redis)
#: leaves its key to a retry this much later, as unknown
LEASE_SECONDS = 10.0
#: how often a waiting retry looks again
WAIT_POLL_SECONDS = 0.05
#: how long a retry waits for a running first call when its request has no deadline
MAX_WAIT_SECONDS = 3 * LEASE_SECONDS
#: the longest a create's call can take (the request deadline: ``[server]
#: request_timeout_seconds``), plus a margin; the app passes its own
ATTEMPT_SECONDS = 31.0

#: failures after which the write may have happened at the vendor
UNKNOWN_CODES = frozenset({ErrorCode.UPSTREAM_OUTCOME_UNKNOWN, ErrorCode.UPSTREAM_BAD_RESPONSE})


@dataclass(frozen=True)
class Replayed(Generic[S]):
    """What an earlier call with the same key kept (never a secret)."""

    kept: S


def fingerprint(value: Any) -> str:
    """A stable digest of a mutation's input (its ``__dict__`` tree, JSON-encoded)."""
    text = json.dumps(value, sort_keys=True, default=lambda o: getattr(o, "__dict__", str(o)))
    return hashlib.sha256(text.encode()).hexdigest()


#: looks for what an attempt started at ``since`` (epoch seconds) created: what to keep,
#: None when it created nothing; raises UPSTREAM_OUTCOME_UNKNOWN when it cannot tell
Find = Callable[[float], Awaitable[S | None]]


class IdempotencyStore:
    def __init__(
        self,
        *,
        window_seconds: float = WINDOW_SECONDS,
        maxsize: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
        backend: Callable[[], Backend | None] = lambda: None,
        key: bytes | None = None,
        attempt_seconds: float = ATTEMPT_SECONDS,
    ) -> None:
        """``backend``: the runtime's, once built (its idempotency table is used then);
        ``key``: the deployment's cache key secret, which digests the keys;
        ``attempt_seconds``: the longest one create's call can take (every instance's)."""
        self.window = window_seconds
        self.attempt = attempt_seconds
        self._backend = backend
        self._key = key or secrets.token_bytes(32)
        self._memory = MemoryIdempotency(
            self._key, maxsize=maxsize, window=window_seconds, clock=clock
        )
        self._table: IdempotencyTable | None = None

    @property
    def table(self) -> IdempotencyTable:
        if self._table is None:
            backend = self._backend()
            if backend is None:
                return self._memory  # no backend yet (a store built on its own, in tests)
            self._table = backend.idempotency(self._key)
        return self._table

    def tag(self, scope: Hashable) -> str:
        """What a vendor may store with the created object to be found by (a digest)."""
        return self.table.tag(scope)

    async def run(
        self,
        scope: Hashable,
        input_fingerprint: str,
        call: Callable[[], Awaitable[T]],
        keep: Callable[[T], S],
        find: Find[S] | None = None,
    ) -> T | Replayed[S]:
        """Run ``call`` once per scope: its full result the first time, then ``Replayed``."""
        token = uuid.uuid4().hex
        left = remaining()
        deadline = time.monotonic() + (MAX_WAIT_SECONDS if left is None else left)
        while True:
            claim = await self._claim(scope, input_fingerprint, token)
            if claim.verdict == "conflict":
                raise GatewayError(
                    ErrorCode.CONFLICT,
                    "idempotencyKey was already used with different input; use a new key",
                )
            if claim.verdict == "done":
                return Replayed(claim.result)
            if claim.verdict == "run":
                return await self._first(scope, token, call, keep)
            if claim.verdict == "reconcile":
                return await self._reconcile(scope, token, claim, call, keep, find)
            if time.monotonic() + WAIT_POLL_SECONDS >= deadline:
                raise GatewayError(
                    ErrorCode.UPSTREAM_TIMEOUT,
                    "the first call with this idempotencyKey is still running; retry with "
                    "the same key later",
                )
            await asyncio.sleep(WAIT_POLL_SECONDS)

    async def _claim(self, scope: Hashable, input_fingerprint: str, token: str) -> Claim:
        try:
            return await self.table.claim(
                scope, input_fingerprint, token, LEASE_SECONDS, self.window, self.attempt
            )
        except IdempotencyUnavailable:
            raise UnavailableError(
                ErrorCode.IDEMPOTENCY_UNAVAILABLE,
                "the shared idempotency store (Redis) is unreachable: a create with an "
                "idempotencyKey cannot be promised once; nothing was sent, retry shortly",
                retry_after=1.0,
            ) from None

    async def _first(
        self,
        scope: Hashable,
        token: str,
        call: Callable[[], Awaitable[T]],
        keep: Callable[[T], S],
    ) -> T:
        """Call the vendor while holding the key, and record what came of it."""
        keeper = asyncio.get_running_loop().create_task(self._keep(scope, token))
        try:
            result = await call()
        except BaseException as exc:
            outcome = _outcome_of(exc)
            if outcome == "unknown" and isinstance(exc, UpstreamError):
                exc.retryable = True  # a retry with the same key reconciles first: safe
            await self._finish(keeper, scope, token, outcome, None)
            raise
        await self._finish(keeper, scope, token, "done", keep(result))
        return result

    async def _reconcile(
        self,
        scope: Hashable,
        token: str,
        claim: Claim,
        call: Callable[[], Awaitable[T]],
        keep: Callable[[T], S],
        find: Find[S] | None,
    ) -> T | Replayed[S]:
        """An earlier attempt may have created the object: find it before creating."""
        keeper = asyncio.get_running_loop().create_task(self._keep(scope, token))
        try:
            if find is None:
                raise GatewayError(
                    ErrorCode.UPSTREAM_OUTCOME_UNKNOWN,
                    "an earlier call with this idempotencyKey may have reached the vendor, "
                    "and this operation cannot look for what it created; check, then use "
                    "a new key",
                )
            found = await find(claim.since if claim.since is not None else time.time())
        except BaseException as exc:
            if isinstance(exc, UpstreamError) and exc.code == ErrorCode.UPSTREAM_BAD_RESPONSE:
                # the vendor's list came back unreadable (cut off): the key stays unknown
                # and a retry with it looks again, which is safe; not retryable, a client
                # could take a new key and create the object a second time
                exc.retryable = True
            await self._finish(keeper, scope, token, "unknown", None)
            raise
        if found is None and claim.busy > 0:
            # the holder stopped answering (Redis paused or lost the key, its process
            # stalled or died) but its create may still reach the vendor: creating now
            # could make a second object; its key stays unknown, and later retries look
            # again until the holder's call cannot run any more
            await self._finish(keeper, scope, token, "unknown", None)
            raise UnavailableError(
                ErrorCode.UPSTREAM_OUTCOME_UNKNOWN,
                "an earlier call with this idempotencyKey stopped answering and may still "
                "reach the vendor; nothing was sent: retry with the same key shortly",
                retry_after=claim.busy,
            )
        if found is None:
            keeper.cancel()
            log.info("idempotency key: the earlier attempt created nothing; creating once")
            return await self._first(scope, token, call, keep)
        await self._finish(keeper, scope, token, "done", found)
        return Replayed(found)

    async def _keep(self, scope: Hashable, token: str) -> None:
        """Extend the claim while its call runs; a dead runner stops, and the key is a
        retry's to reconcile one lease later."""
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            try:
                if not await self.table.extend(scope, token, LEASE_SECONDS):
                    return
            except IdempotencyUnavailable:
                continue  # Redis may be back before the lease ends

    async def _finish(
        self,
        keeper: asyncio.Task[None],
        scope: Hashable,
        token: str,
        outcome: Outcome,
        result: Any,
    ) -> None:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
        try:
            # shielded: a caller that went away must not leave the key held or forgotten
            recorded = await asyncio.shield(
                self.table.finish(scope, token, outcome, result, self.window)
            )
        except IdempotencyUnavailable:
            recorded = False
        if not recorded:
            # the lease runs out instead, and a retry reconciles with the vendor
            log.warning("idempotency key: could not record its %s outcome", outcome)


def _outcome_of(exc: BaseException) -> Outcome:
    """What a failed call leaves behind: forgotten only when the vendor surely did nothing."""
    if isinstance(exc, GatewayError):
        return "unknown" if exc.code in UNKNOWN_CODES else "forget"
    return "unknown"  # cut off mid-call (cancelled), or a bug after the vendor answered
