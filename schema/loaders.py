"""Per-request dataloaders: one per kind of lookup, keyed by (connection, vendor key).

Loaders are built lazily inside the request (aiodataloader binds the running loop) and
never share a cache across requests. A failed upstream call becomes an exception instance
for just its keys, so one connection's outage fails only its own fields. List loaders
prime the matching by-key loader, so an object seen in a list is never fetched again.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Mapping, Sequence
from typing import Any

from aiodataloader import DataLoader

from adapters.base import Adapter
from adapters.errors import ErrorCode, GatewayError
from adapters.model import ActivityRange, Key

ByKey = tuple[str, Key]  # (connection name, vendor key)

#: loader kind -> the plural in adapter batch method names (``get_<plural>``)
PLURALS = {"activity": "activities"}


def unknown_connection(name: str) -> GatewayError:
    return GatewayError(ErrorCode.NOT_FOUND, f"no connection named '{name}'", connection=name)


class Loaders:
    """The dataloaders of one GraphQL request."""

    def __init__(self, adapters: Mapping[str, Adapter]) -> None:
        self.adapters = adapters
        self._loaders: dict[str, DataLoader | PerConnection] = {}

    def close(self) -> None:
        """Let go of every loader: their batch functions refer back to these loaders, a
        cycle that would otherwise keep the request's records for the garbage collector."""
        self._loaders.clear()

    def adapter(self, connection: str) -> Adapter:
        try:
            return self.adapters[connection]
        except KeyError:
            raise unknown_connection(connection) from None

    def _loader(
        self,
        name: str,
        batch: Callable[[list[Any]], Coroutine[Any, Any, list[Any]]],
        *,
        batched: bool = True,
    ) -> DataLoader:
        loader = self._loaders.get(name)
        if loader is None:
            loader = DataLoader(batch_load_fn=batch, batch=batched)
            self._loaders[name] = loader
        assert isinstance(loader, DataLoader)
        return loader

    # -- by key ----------------------------------------------------------------------
    def by_key(self, kind: str) -> PerConnection:
        """Loader of one kind of object by (connection, key): ``adapter.get_<kind>s``.

        One batch per connection, so a slow vendor never holds another vendor's answers.
        """
        loader = self._loaders.get(f"{kind}:by-key")
        if loader is None:
            loader = PerConnection(
                lambda conn: self._loader(
                    f"{kind}:by-key:{conn}", functools.partial(self._batch_get, kind, conn)
                )
            )
            self._loaders[f"{kind}:by-key"] = loader
        assert isinstance(loader, PerConnection)
        return loader

    async def _batch_get(self, kind: str, conn: str, keys: list[ByKey]) -> list[Any]:
        try:
            getter = getattr(self.adapter(conn), f"get_{PLURALS.get(kind, kind + 's')}")
            return list(await getter([key for _, key in keys]))
        except GatewayError as exc:
            if exc.code is not ErrorCode.BAD_USER_INPUT or len(keys) == 1:
                return [exc] * len(keys)
            # a malformed key (from a forged ID) fails the whole batch call: ask again key
            # by key, so it fails alone and the well-formed keys batched with it still answer
            alone = await asyncio.gather(*(self._batch_get(kind, conn, [k]) for k in keys))
            return [answer for (answer,) in alone]
        except Exception as exc:
            return [exc] * len(keys)

    # -- lists -----------------------------------------------------------------------
    def listing(self, kind: str, prime: str | None = None) -> DataLoader:
        """Loader of ``adapter.list_<kind>(parent)`` by (connection, parent key).

        ``prime`` names the by-key loader to fill with every listed record.
        """

        async def call(conn: str, parent: Key) -> list[Any]:
            return list(await getattr(self.adapter(conn), f"list_{kind}")(parent))

        return self._listing(f"{kind}:list", call, prime)

    def organizations(self) -> DataLoader:
        """Loader of every organization of a connection, keyed by connection name."""

        async def call(conn: str) -> list[Any]:
            return list(await self.adapter(conn).list_organizations())

        return self._listing("organizations:list", call, "organization")

    def activities(self) -> DataLoader:
        """Activities by (connection, organization key, from, to)."""

        async def call(conn: str, org: Key, window: ActivityRange) -> list[Any]:
            return list(await self.adapter(conn).list_activities(org, window))

        return self._listing("activities:list", call, None)

    def single(self, kind: str) -> DataLoader:
        """Loader of one-per-parent values (``adapter.get_<kind>(key)``), e.g. metrics."""

        async def call(conn: str, key: Key) -> Any:
            return await getattr(self.adapter(conn), f"get_{kind}")(key)

        return self._listing(f"{kind}:single", call, None)

    def _listing(
        self, name: str, call: Callable[..., Awaitable[Any]], prime: str | None
    ) -> DataLoader:
        async def batch(keys: list[Hashable]) -> list[Any]:
            async def one(key: Any) -> Any:
                args = key if isinstance(key, tuple) else (key,)
                try:
                    value = await call(*args)
                except Exception as exc:
                    return exc
                if prime is not None:
                    target = self.by_key(prime)
                    for record in value:
                        target.prime((record.connection.name, record.key), record)
                return value

            if len(keys) == 1:  # unbatched, as below: no task for a gather of one
                return [await one(keys[0])]
            return list(await asyncio.gather(*(one(k) for k in keys)))

        # each parent is its own upstream call anyway: resolving keys one by one (not in
        # one batch) lets a fast connection answer while a slow one is still waiting
        return self._loader(name, batch, batched=False)


async def load_many_settled(loader: DataLoader, keys: Sequence[Hashable]) -> list[Any]:
    """Load keys and return each value or its exception, never raising."""
    results = await asyncio.gather(*(loader.load(k) for k in keys), return_exceptions=True)
    return list(results)


class PerConnection:
    """A by-key loader made of one DataLoader per connection, keyed by (connection, key)."""

    def __init__(self, make: Callable[[str], DataLoader]) -> None:
        self._make = make

    def load(self, key: ByKey) -> Awaitable[Any]:
        return self._make(key[0]).load(key)

    def prime(self, key: ByKey, value: Any) -> None:
        self._make(key[0]).prime(key, value)

    def clear(self, key: ByKey) -> None:
        self._make(key[0]).clear(key)
