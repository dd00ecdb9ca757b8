"""Idempotency keys as shared state: who runs a create, what it made, what is unknown.

An idempotency key (one caller's key for one operation on one connection) is an entry
that moves through these states::

    (none) --claim--> running --done--> done (the created object's key; replayed)
                         |  \\--forget--> (none)     the call failed before the vendor acted
                         |   \\-unknown-> unknown    the write may have reached the vendor
                         \\ lease ends    -> (as unknown: the runner died or lost the store)
    unknown --claim--> reconciling --done / unknown / forget--> ...

Exactly one caller holds a ``running`` or ``reconciling`` entry at a time: the claim is
atomic, and the holder extends its lease while its call runs (as the single-flight lock
is). A claim that finds a live lease waits; one that finds ``unknown``, or a lease that
ran out, becomes the reconciler: it looks for what the first attempt created before
creating anything (``schema.reconcile``). An entry keeps the fingerprint of the input (the
same key with other input is a conflict), the time the first attempt started (what a
reconciler searches from) and, once done, the created object's key: never a secret.

``MemoryIdempotency`` holds entries in this process (the memory backend);
``RedisIdempotency`` holds them in the shared Redis, so a retry on any instance sees them.
While Redis is away the Redis table raises ``IdempotencyUnavailable`` rather than fall
back to memory: another instance could not see a key kept here, and a create it then
repeated would be the duplicate the key exists to prevent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from cachetools import TTLCache

Verdict = Literal["run", "reconcile", "done", "wait", "conflict"]
Outcome = Literal["done", "unknown", "forget"]

#: hex digits of an entry's digest and of the tag a vendor may store with an object
DIGEST_HEX = 32


@dataclass(frozen=True)
class Claim:
    """What a claim found. ``run``: call the vendor; ``reconcile``: find what an earlier
    attempt created first (it started at ``since``, seconds since the epoch); ``done``:
    replay ``result``; ``wait``: another caller holds the key now; ``conflict``: the key
    was used with other input."""

    verdict: Verdict
    result: Any = None
    since: float | None = None
    #: ``reconcile`` only: seconds during which an earlier holder that stopped answering
    #: (its lease ran out, or Redis lost the entry) may still have its create in flight,
    #: so finding nothing does not yet mean it created nothing
    busy: float = 0.0


class IdempotencyUnavailable(Exception):
    """The shared store cannot be reached: a keyed create cannot be promised once."""


class IdempotencyTable(Protocol):
    async def claim(
        self,
        scope: Hashable,
        fingerprint: str,
        token: str,
        lease: float,
        window: float,
        attempt: float = 0.0,
    ) -> Claim:
        """``attempt``: the longest a holder's call can take (its request's deadline):
        a holder last heard from less than that ago may still reach the vendor."""

    async def extend(self, scope: Hashable, token: str, lease: float) -> bool:
        """Keep holding a claim; False once it is not ``token``'s any more."""

    async def finish(
        self, scope: Hashable, token: str, outcome: Outcome, result: Any, window: float
    ) -> bool:
        """Record what the holder's call did; False when ``token`` no longer holds it."""

    def tag(self, scope: Hashable) -> str:
        """A digest of ``scope`` a vendor may store with the object (letters and digits)."""


def digest(key: bytes, scope: Hashable) -> str:
    """The scope as a fixed-length keyed digest: neither the caller's name nor the key
    appear in Redis or at a vendor, and deployments with different secrets never meet."""
    text = json.dumps(scope, default=str, ensure_ascii=False)
    return hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[
        :DIGEST_HEX
    ]


@dataclass
class _Entry:
    fingerprint: str
    state: str
    started: float
    owner: str | None = None
    lease_until: float = 0.0
    result: Any = None
    #: until when a holder that stopped answering may still reach the vendor
    quiet: float = 0.0


class MemoryIdempotency:
    """This process's entries: a size-bounded TTL map, the same state machine as Redis."""

    def __init__(
        self,
        key: bytes,
        *,
        maxsize: int = 10_000,
        window: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.clock = clock
        self.wall = wall
        self._entries: TTLCache[Hashable, _Entry] = TTLCache(
            maxsize=maxsize, ttl=window, timer=clock
        )

    async def claim(
        self,
        scope: Hashable,
        fingerprint: str,
        token: str,
        lease: float,
        window: float,
        attempt: float = 0.0,
    ) -> Claim:
        now = self.clock()
        entry = self._entries.get(scope)
        if entry is None:
            self._entries[scope] = _Entry(fingerprint, "running", self.wall(), token, now + lease)
            return Claim("run")
        if entry.fingerprint != fingerprint:
            return Claim("conflict")
        if entry.state == "done":
            return Claim("done", entry.result)
        if entry.state in ("running", "reconciling"):
            if entry.lease_until > now:
                return Claim("wait")
            # the holder was last heard at lease_until - lease; its call may run on
            entry.quiet = max(entry.quiet, entry.lease_until - lease + attempt)
        entry.state, entry.owner, entry.lease_until = "reconciling", token, now + lease
        return Claim("reconcile", since=entry.started, busy=max(0.0, entry.quiet - now))

    async def extend(self, scope: Hashable, token: str, lease: float) -> bool:
        entry = self._entries.get(scope)
        if entry is None or entry.owner != token:
            return False
        entry.lease_until = self.clock() + lease
        return True

    async def finish(
        self, scope: Hashable, token: str, outcome: Outcome, result: Any, window: float
    ) -> bool:
        entry = self._entries.get(scope)
        if entry is None or entry.owner != token:
            return False
        if outcome == "forget":
            del self._entries[scope]
            return True
        entry.state, entry.owner, entry.result = outcome, None, result
        self._entries[scope] = entry  # a new window from now
        return True

    def tag(self, scope: Hashable) -> str:
        return digest(self.key, scope)
