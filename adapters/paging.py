"""Reading a list the vendor pages, one page of the gateway at a time.

A page of the gateway asks for ``want`` items after an item it has seen (a position); it
costs only the upstream pages those items are on. A position is where an item sits in
the vendor's pages: the vendor's token for its page (its ``next``, ``continue`` or HAL
``next`` value) and its index there, so a later page starts from that upstream page again
rather than from the first. The vendor's own order is the order; a vendor that counts
its items says how many (``total``).

Positions come back from clients inside cursors: ``parse_position`` refuses what is not
one, and each client checks a token it sends upstream as it checks the vendor's own (a
link must stay on the listing's own path and host).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from adapters.errors import ErrorCode, GatewayError
from adapters.frozen import record

T = TypeVar("T")
R = TypeVar("R")


@record
class ListOrder:
    """An order a vendor sorts a list in itself (``Capabilities.vendor_orders``)."""

    #: ``name`` (an invitation's email) or ``created_at``
    field: str
    descending: bool = False


@record
class PageRequest:
    """What a page of the gateway wants of a vendor-paged list."""

    #: the position of the item the page starts after; None: from the first item
    after: str | None = None
    #: how many items; None: every item to the end (a page counted from the end needs them)
    want: int | None = None
    #: the vendor's sort, where it declares it; None: its own order
    order: ListOrder | None = None


@record
class UpstreamPage(Generic[T]):
    """One page as the vendor answered it."""

    items: list[T]
    #: the vendor's token for the next page; None on the last page
    next: str | None
    #: every item of the list, where the vendor says (Astra ``count``, DBaaS ``count``)
    total: int | None = None


@record
class VendorPage(Generic[T]):
    """The items a page of the gateway gets, each with its position, in the vendor's order."""

    items: list[tuple[str, T]]
    #: items follow the last one (the vendor has a next page, or this one went on)
    more: bool
    total: int | None = None

    def map(self, fn: Callable[[T], R]) -> VendorPage[R]:
        return VendorPage([(p, fn(item)) for p, item in self.items], self.more, self.total)


def position(token: str | None, index: int) -> str:
    if token is not None and len(token) > MEMO_TOKEN_CHARS:
        return json.dumps([token, index])  # a vendor's long token is not kept in the memo
    return f"{_token_part(token)}, {index}]"


#: the longest page token whose position prefix is remembered (a vendor chooses tokens)
MEMO_TOKEN_CHARS = 512


@functools.lru_cache(maxsize=256)
def _token_part(token: str | None) -> str:
    """``json.dumps([token or "", index])`` up to the index: every item of a page shares
    it (a page of 100 positions: 280 -> 45 us)."""
    return json.dumps([token or ""])[:-1]


def parse_position(value: str) -> tuple[str | None, int]:
    """The (page token, index) of a position; BAD_USER_INPUT for anything else."""
    try:
        token, index = json.loads(value)
    except (ValueError, TypeError, RecursionError):
        token = index = None
    if not isinstance(token, str) or not isinstance(index, int) or isinstance(index, bool):
        raise GatewayError(ErrorCode.BAD_USER_INPUT, "not a cursor of this list")
    if index < -1:  # -1: before the first item of the token's page
        raise GatewayError(ErrorCode.BAD_USER_INPUT, "not a cursor of this list")
    return token or None, index


async def read_pages(
    fetch: Callable[[str | None], Awaitable[UpstreamPage[T]]],
    request: PageRequest,
    *,
    max_pages: int,
    bad: Callable[[str], Exception],
    keep: Callable[[T], bool] | None = None,
    accept: Callable[[str], bool] = lambda token: True,
) -> VendorPage[T]:
    """The items ``request`` asks for, fetching upstream pages from the one its ``after``
    item is on, and no page after the one that completes it. ``keep`` drops items the
    vendor cannot leave out itself (they still count for positions, and the vendor's
    count, which includes them, is not the list's). ``accept`` says whether a page token
    that came back from a caller is one this list could have given (BAD_USER_INPUT if
    not: a caller chooses a page, never what the request is). ``bad`` makes the
    error for a vendor whose pages do not end (UPSTREAM_BAD_RESPONSE)."""
    token, skip = (None, 0)
    if request.after is not None:
        token, index = parse_position(request.after)
        if token is not None and not accept(token):
            raise GatewayError(ErrorCode.BAD_USER_INPUT, "not a cursor of this list")
        skip = index + 1
    found: list[tuple[str, T]] = []
    total: int | None = None
    seen: set[str] = set()
    for _ in range(max_pages):
        page = await fetch(token)
        if keep is None and page.total is not None:
            total = page.total
        for index in range(skip, len(page.items)):
            item = page.items[index]
            if keep is not None and not keep(item):
                continue
            if request.want is not None and len(found) == request.want:
                return VendorPage(found, True, total)  # an item after the page: more
            if index == len(page.items) - 1 and page.next is not None:
                # the last item of its page: a page after it starts at the next page,
                # without reading this one again
                found.append((position(page.next, -1), item))
            else:
                found.append((position(token, index), item))
        skip = 0
        if page.next is None:
            return VendorPage(found, False, total)
        if request.want is not None and len(found) == request.want:
            # the vendor says more follow: the page is full without asking for them
            return VendorPage(found, True, total)
        if page.next in seen:
            raise bad("the list repeated a page token")
        seen.add(page.next)
        token = page.next
    raise bad(f"the list went on past {max_pages} pages")
