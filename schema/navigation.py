"""How a type's fields reach other objects: through the request's loaders, by kind.

A field for something a vendor does not offer is null without an upstream call
(``offers``, ``children``); a link without a key, or to an object that is gone, is null
(``linked``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

from strawberry.types import Info

from adapters.model import Capabilities, Key
from schema.common import VendorConnection
from schema.connection import Connection, Order, PageArgs, page_of
from schema.context import context_of
from schema.kinds import Kind, L, Listing, Located
from schema.list_orders import ListOrderInput, ordered_by
from schema.vendor_paging import vendor_page

R = TypeVar("R")
N = TypeVar("N")


def connection_of(info: Info, name: str) -> VendorConnection:
    """The connection named ``name``, as a record's ``connection`` field shows it."""
    return VendorConnection.from_adapter(context_of(info).loaders.adapter(name))


def offers(info: Info, connection: str, capability: Callable[[Capabilities], bool]) -> bool:
    """Whether the vendor of ``connection`` has what ``capability`` says."""
    adapter = context_of(info).adapters.get(connection)
    return adapter is not None and capability(adapter.capabilities)


async def children(info: Info, parent: Located, listing: Listing[L]) -> list[L] | None:
    """What ``listing`` lists under ``parent``; None where the vendor has no such thing."""
    conn = parent.connection.name
    if not offers(info, conn, listing.offered):
        return None
    return list(await context_of(info).loaders.listing(listing).load((conn, parent.key)))


def child_nodes(
    info: Info, parent: Located, listing: Listing[L], node: Callable[[L], N]
) -> list[N] | None:
    """``children`` as nodes: the list itself where its load has already settled (a
    page's databases' backups, read with the page), else an awaitable of it.

    A settled list completes its field at once: no coroutine, and none of the task
    graphql-core runs each item of a list in whose field still waits (200 on the cold
    dashboard). Typed as its value: strawberry reads the annotation for the schema, and
    graphql-core awaits what a resolver returns whenever it is awaitable."""
    conn = parent.connection.name
    if not offers(info, conn, listing.offered):
        return None
    key = (conn, parent.key)
    loader = context_of(info).loaders.listing(listing)
    settled = loader.settled(key)
    if settled is None:
        return cast("list[N]", _nodes_later(loader.load(key), node))
    return [node(r) for r in settled.result()]  # its failure raised, as awaiting raises it


async def _nodes_later(load: Awaitable[list[L]], node: Callable[[L], N]) -> list[N]:
    return [node(r) for r in await load]


async def child_page(
    info: Info,
    parent: Located,
    listing: Listing[L],
    order: Order[L],
    args: PageArgs,
    node: Callable[[L], N],
    order_by: ListOrderInput | None = None,
) -> Connection[N] | None:
    """A page of what ``listing`` lists under ``parent``; None where the vendor has none.

    Where the vendor pages the list, the page is read from its pages, in its order or in
    an ``order_by`` it sorts in (``schema.vendor_paging``); elsewhere the whole list is
    sorted and paged here, in ``order`` or ``order_by``."""
    adapter = context_of(info).adapters.get(parent.connection.name)
    if adapter is not None and listing.vendor_paged(adapter.capabilities):
        caps = adapter.capabilities
        if not listing.offered(caps):
            return None
        vendor_sorts = order_by is None or (
            f"{listing.name}.{order_by.field_name}" in caps.vendor_orders
        )
        if vendor_sorts:
            sort = None if order_by is None else order_by.vendor()
            page = await vendor_page(info, parent, listing, args, node, sort)
            if page is not None:
                return page
    records = await children(info, parent, listing)
    if records is None:
        return None
    if order_by is not None:
        order = ordered_by(listing.name, order_by)
    return page_of(records, order, args, node)


def linked_node(
    info: Info, kind: Kind[R], connection: str, key: Key | None, node: Callable[[R], N]
) -> N | None:
    """``linked`` as a node: null at once for a record that links nothing (a ClickHouse
    key has no owner), so its field needs no coroutine or task; else an awaitable of it,
    typed as its value (see ``child_nodes``)."""
    if key is None:
        return None
    return cast("N | None", _linked_later(info, kind, connection, key, node))


async def _linked_later(
    info: Info, kind: Kind[R], connection: str, key: Key, node: Callable[[R], N]
) -> N | None:
    found = await linked(info, kind, connection, key)
    return node(found) if found else None


async def linked(info: Info, kind: Kind[R], connection: str, key: Key | None) -> R | None:
    """The object of ``kind`` a record links to; None without a key or when it is gone."""
    if key is None:
        return None
    return await context_of(info).loaders.by_key(kind).load((connection, key))
