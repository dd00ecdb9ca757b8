"""Idempotency entries in the shared Redis (the states: ``adapters.cache.idempotency``).

One hash per key, ``dbgw:idem:<digest>``, changed only by the three scripts of
``adapters.cache.redis_scripts`` (claim, extend, finish), which read Redis's clock: every
instance agrees on who holds a key and until when. A call that fails because Redis is
away raises ``IdempotencyUnavailable``; there is no memory fallback (see the module
above).

A Redis that restarts empty (no persistence, as docs/operations.md advises) loses every
key. The gateway notices by the **epoch** (``dbgw:epoch``, the Redis time it first used
that Redis): an instance that saw another epoch before knows keys may be gone, and for
one window after the new epoch a key it finds missing is claimed as *unknown*, so its
retry reconciles with the vendor (searching from one window before the loss) instead of
creating blind.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

from adapters.cache import redis_scripts as lua
from adapters.cache.idempotency import Claim, IdempotencyUnavailable, Outcome, digest
from adapters.cache.redis_link import RedisLink, RedisUnavailable


class Epoch:
    """What this process knows of its Redis's epoch."""

    def __init__(self) -> None:
        #: the epoch last seen, or None before the first
        self.known: str | None = None
        #: the Redis time (ms) a new epoch began after one this process knew: Redis lost
        #: its keys then
        self.lost_at: int | None = None

    def saw(self, epoch: str) -> None:
        if self.known is not None and epoch != self.known:
            self.lost_at = int(epoch)
        self.known = epoch


class RedisIdempotency:
    def __init__(self, link: RedisLink, key: bytes, epoch: Epoch | None = None) -> None:
        self.link = link
        self.key = key
        self.epoch = epoch or Epoch()
        client = link.client
        self._claim = client.register_script(lua.IDEM_CLAIM)
        self._extend = client.register_script(lua.IDEM_EXTEND)
        self._finish = client.register_script(lua.IDEM_FINISH)

    def _key(self, scope: Hashable) -> str:
        return f"{lua.PREFIX}:idem:{digest(self.key, scope)}"

    async def claim(
        self,
        scope: Hashable,
        fingerprint: str,
        token: str,
        lease: float,
        window: float,
        attempt: float = 0.0,
    ) -> Claim:
        epoch = self.epoch
        args: list[Any] = [
            fingerprint,
            token,
            _ms(lease),
            _ms(window),
            "" if epoch.lost_at is None else epoch.lost_at,
            epoch.known or "",
            _ms(attempt),
        ]
        keys = [self._key(scope), f"{lua.PREFIX}:epoch"]
        try:
            verdict, value, seen, *busy = await self.link.call(
                lambda: self._claim(keys=keys, args=args)
            )
        except RedisUnavailable as exc:
            raise IdempotencyUnavailable from exc
        epoch.saw(_text(seen))
        verdict = _text(verdict)
        if verdict == "done":
            return Claim("done", json.loads(_text(value)))
        if verdict == "reconcile":
            busy_ms = float(_text(busy[0])) if busy else 0.0
            return Claim("reconcile", since=int(_text(value)) / 1000, busy=busy_ms / 1000)
        if verdict == "run":
            return Claim("run")
        if verdict == "wait":
            return Claim("wait")
        if verdict == "conflict":
            return Claim("conflict")
        raise IdempotencyUnavailable(f"unexpected claim answer {verdict!r}")

    async def extend(self, scope: Hashable, token: str, lease: float) -> bool:
        keys = [self._key(scope)]
        args: list[Any] = [token, _ms(lease)]
        try:
            return bool(await self.link.call(lambda: self._extend(keys=keys, args=args)))
        except RedisUnavailable as exc:
            raise IdempotencyUnavailable from exc

    async def finish(
        self, scope: Hashable, token: str, outcome: Outcome, result: Any, window: float
    ) -> bool:
        keys = [self._key(scope)]
        args: list[Any] = [token, outcome, json.dumps(result), _ms(window)]
        try:
            return bool(await self.link.call(lambda: self._finish(keys=keys, args=args)))
        except RedisUnavailable as exc:
            raise IdempotencyUnavailable from exc

    def tag(self, scope: Hashable) -> str:
        return digest(self.key, scope)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
