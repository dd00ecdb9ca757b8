"""Idempotency entries in the shared Redis (the states: ``adapters.cache.idempotency``).

One hash per key, ``dbgw:idem:<digest>``, changed only by the three scripts of
``adapters.cache.redis_scripts`` (claim, extend, finish), which read Redis's clock: every
instance agrees on who holds a key and until when. A call that fails because Redis is
away raises ``IdempotencyUnavailable``; there is no memory fallback (see the module
above).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any

from adapters.cache import redis_scripts as lua
from adapters.cache.idempotency import Claim, IdempotencyUnavailable, Outcome, digest
from adapters.cache.redis_link import RedisLink, RedisUnavailable


class RedisIdempotency:
    def __init__(
        self, link: RedisLink, key: bytes, floor: Callable[[], float | None] = lambda: None
    ) -> None:
        self.link = link
        self.key = key
        #: the Redis time (s) since which entries may have been lost (Redis came back
        #: empty), or None: within a window after it, a missing entry is "unknown"
        self.floor = floor
        client = link.client
        self._claim = client.register_script(lua.IDEM_CLAIM)
        self._extend = client.register_script(lua.IDEM_EXTEND)
        self._finish = client.register_script(lua.IDEM_FINISH)

    def _key(self, scope: Hashable) -> str:
        return f"{lua.PREFIX}:idem:{digest(self.key, scope)}"

    async def claim(
        self, scope: Hashable, fingerprint: str, token: str, lease: float, window: float
    ) -> Claim:
        floor = self.floor()
        args: list[Any] = [
            fingerprint,
            token,
            _ms(lease),
            _ms(window),
            "" if floor is None else _ms(floor),
        ]
        keys = [self._key(scope)]
        try:
            verdict, value = await self.link.call(lambda: self._claim(keys=keys, args=args))
        except RedisUnavailable as exc:
            raise IdempotencyUnavailable from exc
        verdict = _text(verdict)
        if verdict == "done":
            return Claim("done", json.loads(_text(value)))
        if verdict == "reconcile":
            return Claim("reconcile", since=int(_text(value)) / 1000)
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
