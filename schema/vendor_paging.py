"""A page of a list the vendor pages (``Capabilities.vendor_paged``): in the vendor's
order, costing only the upstream pages it needs (``adapters.paging``).

Forwards (``first``/``after``) the adapter starts from the upstream page of the ``after``
item and stops at the page that completes this one. Backwards (``last``/``before``), or
``before`` at all, needs the end of the list, so every page is read: the same as a list
the gateway sorts, never more. The cursor holds the item's position in the vendor's pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry.types import Info

from adapters.paging import ListOrder, PageRequest
from schema.common import Edge, PageInfo
from schema.connection import Connection, PageArgs, bad_input, decode_cursor, encode_cursor
from schema.context import context_of
from schema.kinds import L, Listing, Located

N = TypeVar("N")
#: the first part of a cursor that holds a vendor position, not a sort key
MARK = "@"


def _position(cursor: str) -> str:
    parts = decode_cursor(cursor)
    if len(parts) != 2 or parts[0] != MARK:
        raise bad_input(f"'{cursor[:80]}' is not a cursor of this list")
    return parts[1]


def _index(positions: list[str], cursor: str) -> int:
    position = _position(cursor)
    try:
        return positions.index(position)
    except ValueError:
        raise bad_input(f"'{cursor[:80]}' names no item of this list now") from None


async def vendor_page(
    info: Info,
    parent: Located,
    listing: Listing[L],
    args: PageArgs,
    node: Callable[[L], N],
    order: ListOrder | None = None,
) -> Connection[N] | None:
    """The page ``args`` ask for, in the vendor's own order or the ``order`` it sorts in;
    None when the adapter does not page this list after all."""
    if listing.page_under is None:
        return None
    loader = context_of(info).loaders.page(listing)
    conn = parent.connection.name
    if not args.backward and args.before is None:
        after = None if args.after is None else _position(args.after)
        page = await loader.load((conn, parent.key, PageRequest(after, args.size, order)))
        if page is None:
            return None
        items, total = page.items, page.total
        has_next, has_previous = page.more, after is not None
    else:
        page = await loader.load((conn, parent.key, PageRequest(order=order)))
        if page is None:
            return None
        positions = [p for p, _ in page.items]
        start, end = 0, len(positions)
        if args.after is not None:
            start = _index(positions, args.after) + 1
        if args.before is not None:
            end = max(_index(positions, args.before), start)
        if args.backward:
            low, high = max(start, end - args.size), end
        else:
            low, high = start, min(end, start + args.size)
        items, total = page.items[low:high], len(positions)
        has_next, has_previous = high < len(positions), low > 0
    _prime(info, listing, [record for _, record in items])
    edges = [Edge(cursor=encode_cursor([MARK, p]), node=node(r)) for p, r in items]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def _prime(info: Info, listing: Listing[Any], records: list[Any]) -> None:
    """An object seen on a page is not fetched again in this request."""
    loader = context_of(info).loaders.by_key(listing.kind)
    for record in records:
        loader.prime((record.connection.name, record.key), record)
