"""Per-request dataloaders: one per kind of lookup (``schema.kinds``), keyed by
(connection, vendor key).

Loaders are built lazily inside the request (aiodataloader binds the running loop) and
never share a cache across requests. A failed upstream call becomes an exception instance
for just its keys, so one connection's outage fails only its own fields. List loaders
prime the matching by-key loader, so an object seen in a list is never fetched again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader

from adapters.base import Adapter
from adapters.errors import ErrorCode, GatewayError
from adapters.model import (
    ActivityRange,
    ActivityRecord,
    DatabaseQuery,
    DatabaseRecord,
    Key,
    OrganizationRecord,
)
from adapters.paging import PageRequest
from adapters.running_loop import running_loop
from schema.kinds import ACTIVITY, DATABASE, ORGANIZATION, Kind, L, Listing, PerRecord


@dataclasses.dataclass(frozen=True)
class _Pages:
    """What the page loader of a listing is kept under (its list loader is the listing)."""

    listing: Listing[Any]


ByKey = tuple[str, Key]  # (connection name, vendor key)
#: what a list or per-record loader loads
Loaded = Kind[Any] | Listing[Any] | PerRecord[Any] | _Pages

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def unknown_connection(name: str) -> GatewayError:
    return GatewayError(ErrorCode.NOT_FOUND, f"no connection named '{name}'", connection=name)


class Loaders:
    """The dataloaders of one GraphQL request."""

    def __init__(self, adapters: Mapping[str, Adapter]) -> None:
        self.adapters = adapters
        #: by-key loaders by kind; every other loader by what it loads: a Listing, a
        #: PerRecord, or for the lists without a parent record, their kind
        self._by_key: dict[Kind[Any], PerConnection[Any]] = {}
        self._loaders: dict[Loaded, Unbatched[Any, Any]] = {}
        #: the request is over (``close``): loaders asked for now are kept nowhere
        self.closed = False
        #: by (connection, organization key): the read ahead of the backups of the
        #: databases its first page shows (``schema.prefetch``), which the page waits for
        self.page_backups: dict[ByKey, asyncio.Future[None]] = {}

    def close(self) -> None:
        """Let go of every loader: their batch functions refer back to these loaders, a
        cycle that would otherwise keep the request's records for the garbage collector.

        A call still running (a read ahead whose resolver never ran) may still ask for a
        loader, to prime it: it gets one of its own rather than bring the cycle back."""
        self._loaders.clear()
        self._by_key.clear()
        self.page_backups.clear()
        self.closed = True

    def adapter(self, connection: str) -> Adapter:
        try:
            return self.adapters[connection]
        except KeyError:
            raise unknown_connection(connection) from None

    # -- by key ----------------------------------------------------------------------
    def by_key(self, kind: Kind[R]) -> PerConnection[R]:
        """Loader of one kind of object by (connection, key): ``kind.get_many``.

        One batch per connection, so a slow vendor never holds another vendor's answers.
        """
        loader = self._by_key.get(kind)
        if loader is None:
            loader = PerConnection(
                lambda conn: DataLoader(
                    batch_load_fn=functools.partial(self._batch_get, kind, conn)
                )
            )
            if not self.closed:
                self._by_key[kind] = loader
        return loader

    async def _batch_get(self, kind: Kind[R], conn: str, keys: list[ByKey]) -> list[Any]:
        try:
            return list(await kind.get_many(self.adapter(conn), [key for _, key in keys]))
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
    def listing(self, listing: Listing[L]) -> Unbatched[ByKey, list[L]]:
        """Loader of ``listing.list_under(parent)`` by (connection, parent key); every
        listed record primes the by-key loader of ``listing.kind``."""

        async def call(conn: str, parent: Key) -> list[L]:
            return list(await listing.list_under(self.adapter(conn), parent))

        return self._listing(listing, call, listing.kind)

    def organizations(self) -> Unbatched[str, list[OrganizationRecord]]:
        """Loader of every organization of a connection, keyed by connection name."""

        async def call(conn: str) -> list[OrganizationRecord]:
            return list(await self.adapter(conn).list_organizations())

        return self._listing(ORGANIZATION, call, ORGANIZATION)

    def page(self, listing: Listing[L]) -> Unbatched[tuple[str, Key, PageRequest], Any]:
        """A page of a list the vendor pages, by (connection, parent key, request): the
        same page asked twice in a request (read ahead, then resolved) is one read."""

        async def call(conn: str, parent: Key, request: PageRequest) -> Any:
            page_under = listing.page_under
            if page_under is None:
                return None
            return await page_under(self.adapter(conn), parent, request)

        return self._listing(_Pages(listing), call, None)

    def databases_where(
        self,
    ) -> Unbatched[tuple[str, Key, DatabaseQuery], list[DatabaseRecord]]:
        """Databases by (connection, organization key, the filter the vendor applies)."""

        async def call(conn: str, org: Key, query: DatabaseQuery) -> list[DatabaseRecord]:
            return list(await self.adapter(conn).list_databases_where(org, query))

        # kept under the kind, as activities are: its only list loader keyed by it
        return self._listing(DATABASE, call, DATABASE)

    def activities(self) -> Unbatched[tuple[str, Key, ActivityRange], list[ActivityRecord]]:
        """Activities by (connection, organization key, from, to)."""

        async def call(conn: str, org: Key, window: ActivityRange) -> list[ActivityRecord]:
            return list(await self.adapter(conn).list_activities(org, window))

        return self._listing(ACTIVITY, call, None)

    def single(self, what: PerRecord[V]) -> Unbatched[ByKey, V]:
        """Loader of one-per-record values (``what.get(key)``), e.g. metrics."""

        async def call(conn: str, key: Key) -> V:
            return await what.get(self.adapter(conn), key)

        return self._listing(what, call, None)

    def _listing(
        self,
        loaded: Loaded,
        call: Callable[..., Awaitable[Any]],
        prime: Kind[Any] | None,
    ) -> Unbatched[Any, Any]:
        async def one(key: Any) -> Any:
            value = await call(*(key if isinstance(key, tuple) else (key,)))
            if prime is not None:
                target = self.by_key(prime)
                for record in value:
                    target.prime((record.connection.name, record.key), record)
            return value

        loader = self._loaders.get(loaded)
        if loader is None:
            # each parent is its own upstream call anyway: resolving keys one by one (not
            # in one batch) lets a fast connection answer while a slow one is still waiting
            loader = Unbatched(one)
            if not self.closed:
                self._loaders[loaded] = loader
        return loader


async def load_many_settled(loader: Unbatched[Any, Any], keys: Sequence[Hashable]) -> list[Any]:
    """Load keys and return each value or its exception, never raising."""
    results = await asyncio.gather(*(loader.load(k) for k in keys), return_exceptions=True)
    return list(results)


class Unbatched(Generic[K, V]):
    """One call per key per request, started when the key is first asked for and shared
    by every field that asks: what ``DataLoader(batch=False)`` gave, without its queue,
    its dispatch and the coroutine around each call (6.6 -> 4.4 us a load; a cold
    dashboard makes 178). As there, each call runs in a task of its own, so an asker
    cancelled leaves the call running; unlike there, it leaves the other askers their
    answer too (``load``)."""

    def __init__(self, call: Callable[[K], Awaitable[V]]) -> None:
        self._call = call
        self._futures: dict[K, asyncio.Future[V]] = {}
        #: the calls running: the loop keeps only weak references to tasks
        self._running: set[asyncio.Task[None]] = set()

    def load(self, key: K) -> asyncio.Future[V]:
        future = self._futures.get(key)
        if future is None:
            loop = running_loop()
            future = self._futures[key] = loop.create_future()
            task = loop.create_task(self._settle(key, future))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        elif future.done():
            return future
        # while the call runs, each asker waits on a future of its own: a task cancelled
        # (graphql-core cancels the sibling fields of a field that failed) cancels the
        # future it waits on, which must not be the one the key's other askers, and every
        # later one in the request, share (DataLoader handed out the shared one too)
        mine = future.get_loop().create_future()
        future.add_done_callback(functools.partial(_pass_on, mine))
        return mine

    def settled(self, key: K) -> asyncio.Future[V] | None:
        """The key's call, if it has ended (its value or its failure), else None."""
        future = self._futures.get(key)
        return future if future is not None and future.done() else None

    async def _settle(self, key: K, future: asyncio.Future[V]) -> None:
        try:
            value = await self._call(key)
        except Exception as exc:
            if not future.done():
                future.set_exception(exc)
        except BaseException:
            future.cancel()  # the loop is closing: no asker may wait for ever
            raise
        else:
            if not future.done():
                future.set_result(value)

    def prime(self, key: K, value: V) -> None:
        """As ``DataLoader.prime``: a key already asked for keeps its value."""
        if key not in self._futures:
            future = self._futures[key] = running_loop().create_future()
            future.set_result(value)


def _pass_on(mine: asyncio.Future[V], shared: asyncio.Future[V]) -> None:
    """Settle an asker's future as the call's settled."""
    if shared.cancelled():
        if not mine.done():
            mine.cancel()
        return
    exc = shared.exception()  # retrieved even if no asker waits any more: no log noise
    if mine.done():  # its asker was cancelled
        return
    if exc is not None:
        mine.set_exception(exc)
    else:
        mine.set_result(shared.result())


class PerConnection(Generic[R]):
    """A by-key loader made of one DataLoader per connection, keyed by (connection, key)."""

    def __init__(self, make: Callable[[str], DataLoader[ByKey, R | None]]) -> None:
        self._make = make
        self._loaders: dict[str, DataLoader[ByKey, R | None]] = {}
        #: records seen in lists, primed into their loader when first asked for: a
        #: dashboard lists hundreds and looks few up, and priming makes a future each
        self._listed: dict[ByKey, R] = {}

    def _loader(self, connection: str) -> DataLoader[ByKey, R | None]:
        loader = self._loaders.get(connection)
        if loader is None:
            loader = self._loaders[connection] = self._make(connection)
        return loader

    def load(self, key: ByKey) -> Awaitable[R | None]:
        loader = self._loader(key[0])
        if key in self._listed:
            loader.prime(key, self._listed.pop(key))  # a value loaded first stays
        return loader.load(key)

    def prime(self, key: ByKey, value: R) -> None:
        """As ``DataLoader.prime``: the first value known for a key is the one kept."""
        self._listed.setdefault(key, value)

    def clear(self, key: ByKey) -> None:
        self._listed.pop(key, None)
        self._loader(key[0]).clear(key)
