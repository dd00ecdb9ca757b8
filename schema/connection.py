"""Relay connections: one generic page type and one way every list pages.

``Connection[N]`` is the page of any node type (strawberry names it ``<N>Connection``,
its edges ``<N>Edge``). A list pages one of two ways, the same arguments either way:

- over a stable order the gateway sorts (``paginate``): the cursor is the item's sort key,
  so it survives inserts and deletes elsewhere in the list; ``first``/``after`` and
  ``last``/``before`` both work, and ``totalCount`` is exact;
- in the vendor's own order, where the vendor pages (``schema.streamed``): the cursor is
  the item's place in the vendor's pages, so a page costs only the upstream pages it needs.

Cursors are opaque to clients (base64url JSON); a cursor or page size that makes no sense
is BAD_USER_INPUT, never a server error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from adapters.errors import ErrorCode, GatewayError
from schema.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Edge, PageInfo

N = TypeVar("N")
R = TypeVar("R")


@strawberry.type(description="A page of a list (Relay connection)")
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(description="Items with cursors")
    page_info: PageInfo = strawberry.field(description="Where this page sits")
    total_count: int | None = strawberry.field(
        description="Items matching the filter, on all pages; null where the vendor pages "
        "and does not say how many there are (counting would read every page)"
    )

    @strawberry.field(description="The items of this page without cursors")
    def nodes(self) -> list[N]:
        return [edge.node for edge in self.edges]


# -- the paging arguments, one shape for every list ---------------------------------------
First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Items from the start (or after `after`), 0 to {MAX_PAGE_SIZE}; "
        f"{DEFAULT_PAGE_SIZE} when neither first nor last is given"
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Start after the item of this cursor (an endCursor)"),
]
Last = Annotated[
    int | None,
    strawberry.argument(
        description=f"Items from the end (or before `before`), 0 to {MAX_PAGE_SIZE}; "
        "not together with first"
    ),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="End before the item of this cursor (a startCursor)"),
]


@dataclass(frozen=True)
class PageArgs:
    """``first``/``after``/``last``/``before`` of one field, checked."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        if self.first is not None and self.last is not None:
            raise bad_input("give first or last, not both")
        for name, value in (("first", self.first), ("last", self.last)):
            if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
                raise bad_input(f"{name} must be between 0 and {MAX_PAGE_SIZE}, got {value}")

    @property
    def backward(self) -> bool:
        return self.last is not None or (self.before is not None and self.first is None)

    @property
    def size(self) -> int:
        given = self.last if self.backward else self.first
        return DEFAULT_PAGE_SIZE if given is None else given


def bad_input(message: str) -> GatewayError:
    return GatewayError(ErrorCode.BAD_USER_INPUT, message)


def encode_cursor(parts: Sequence[str]) -> str:
    # json.dumps(list(parts)) to the byte, without the encoder's generic walk: a page of
    # 200 items makes 200 cursors
    text = "[" + ", ".join(map(encode_basestring_ascii, parts)) + "]"
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str) -> list[str]:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError, RecursionError):
        # RecursionError: a forged cursor of thousands of nested lists
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_input(f"'{cursor[:80]}' is not a valid cursor")
    return value


@dataclass(frozen=True)
class Order(Generic[R]):
    """A stable order of records: a sort key of strings, ascending or descending."""

    key: Callable[[R], Sequence[str]]
    descending: bool = False

    def sorted(self, records: Sequence[R]) -> list[R]:
        return sorted(records, key=lambda r: list(self.key(r)), reverse=self.descending)

    def before(self, a: Sequence[str], b: Sequence[str]) -> bool:
        """Whether key ``a`` comes before key ``b`` in this order."""
        return list(a) > list(b) if self.descending else list(a) < list(b)


def paginate(
    records: Sequence[R], order: Order[R], args: PageArgs
) -> tuple[list[tuple[str, R]], PageInfo, int]:
    """Keyset pagination over a stable order: the items between the cursors' keys."""
    window, info, total = window_of(records, order, args)
    return [(encode_cursor(order.key(r)), r) for r in window], info, total


def window_of(
    records: Sequence[R], order: Order[R], args: PageArgs
) -> tuple[list[R], PageInfo, int]:
    """``paginate`` without a cursor for each item: only the page's first and last are
    encoded, for its ``PageInfo`` (a page of 200 databases shown without ``edges``, and
    the read ahead of their backups, need none)."""
    ordered = order.sorted(records)
    start, end = 0, len(ordered)
    if args.after is not None:
        bound = decode_cursor(args.after)
        start = next((i for i, r in enumerate(ordered) if order.before(bound, order.key(r))), end)
    if args.before is not None:
        bound = decode_cursor(args.before)
        end = next((i for i, r in enumerate(ordered) if not order.before(order.key(r), bound)), end)
        end = max(end, start)
    if args.backward:
        first_index, last_index = max(start, end - args.size), end
    else:
        first_index, last_index = start, min(end, start + args.size)
    window = ordered[first_index:last_index]
    info = PageInfo(
        has_next_page=last_index < len(ordered),
        has_previous_page=first_index > 0,
        start_cursor=encode_cursor(order.key(window[0])) if window else None,
        end_cursor=encode_cursor(order.key(window[-1])) if window else None,
    )
    return window, info, len(ordered)


def page_of(
    records: Sequence[R], order: Order[R], args: PageArgs, node: Callable[[R], N]
) -> Connection[N]:
    """The page ``args`` ask for of ``records`` in ``order``, each record made a node."""
    edges, info, total = paginate(records, order, args)
    return Connection(
        edges=[Edge(cursor=c, node=node(r)) for c, r in edges],
        page_info=info,
        total_count=total,
    )


def text(value: str | None) -> str:
    """A sort key part: case-insensitive, missing values first."""
    return "" if value is None else value.casefold()


def when(value: Any) -> str:
    """A sort key part for a datetime (ISO text orders like the times it names)."""
    return "" if value is None else value.isoformat()
