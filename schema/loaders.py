"""Per-request dataloaders: one per kind of lookup, keyed by (connection, vendor key).

Loaders are built lazily inside the request (aiodataloader binds the running loop) and
never share a cache across requests. A failed upstream call becomes an exception instance
for just its keys, so one connection's outage fails only its own fields. List loaders
prime the matching by-key loader, so an object seen in a list is never fetched again.
"""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
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
        self._loaders: dict[str, DataLoader] = {}

    def adapter(self, connection: str) -> Adapter:
        try:
            return self.adapters[connection]
        except KeyError:
            raise unknown_connection(connection) from None

    def _loader(
        self, name: str, batch: Callable[[list[Any]], Coroutine[Any, Any, list[Any]]]
    ) -> DataLoader:
        loader = self._loaders.get(name)
        if loader is None:
            loader = DataLoader(batch_load_fn=batch)
            self._loaders[name] = loader
        return loader

    # -- by key ----------------------------------------------------------------------
    def by_key(self, kind: str) -> DataLoader:
        """Loader of one kind of object by (connection, key): ``adapter.get_<kind>s``."""
        return self._loader(f"{kind}:by-key", functools.partial(self._batch_get, kind))

    async def _batch_get(self, kind: str, keys: list[ByKey]) -> list[Any]:
        by_conn: dict[str, list[Key]] = defaultdict(list)
        for conn, key in keys:
            by_conn[conn].append(key)

        async def one_connection(conn: str, wanted: list[Key]) -> list[Any]:
            try:
                getter = getattr(self.adapter(conn), f"get_{PLURALS.get(kind, kind + 's')}")
                return list(await getter(wanted))
            except Exception as exc:
                return [exc] * len(wanted)

        conns = list(by_conn)
        answers = await asyncio.gather(*(one_connection(c, by_conn[c]) for c in conns))
        found: dict[ByKey, Any] = {}
        for conn, values in zip(conns, answers, strict=True):
            for key, value in zip(by_conn[conn], values, strict=True):
                found[(conn, key)] = value
        return [found[k] for k in keys]

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

            return list(await asyncio.gather(*(one(k) for k in keys)))

        return self._loader(name, batch)


async def load_many_settled(loader: DataLoader, keys: Sequence[Hashable]) -> list[Any]:
    """Load keys and return each value or its exception, never raising."""
    results = await asyncio.gather(*(loader.load(k) for k in keys), return_exceptions=True)
    return list(results)
