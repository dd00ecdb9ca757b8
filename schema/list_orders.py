"""The stable order each list pages in when the gateway sorts it (``schema.connection``),
and the ``orderBy`` a list takes.

Each order ends in the record's native ID, unique within its parent, so no two items share
a cursor. Lists of things that happen (backups, activities) are newest first. An
``orderBy`` goes to the vendor where it sorts that list itself
(``Capabilities.vendor_orders``); elsewhere the gateway sorts the whole list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Final

import strawberry

from adapters.model import (
    ActivityRange,
    ActivityRecord,
    ApiKeyRecord,
    BackupRecord,
    CredentialRecord,
    FeatureFlagRecord,
    InvitationRecord,
    MemberRecord,
    OrganizationRecord,
    PlanRecord,
)
from adapters.paging import ListOrder
from schema.connection import Order, PageArgs, decode_cursor, text, when
from schema.database_filter import OrderDirection

ORGANIZATIONS: Final = Order[OrganizationRecord](
    lambda r: (r.connection.name, text(r.name), r.native_id)
)
MEMBERS: Final = Order[MemberRecord](lambda r: (text(r.name or r.email), r.native_id))
API_KEYS: Final = Order[ApiKeyRecord](lambda r: (text(r.name), r.native_id))
INVITATIONS: Final = Order[InvitationRecord](lambda r: (text(r.email), r.native_id))
PLANS: Final = Order[PlanRecord](lambda r: (text(r.name), r.native_id))
FEATURE_FLAGS: Final = Order[FeatureFlagRecord](lambda r: (text(r.name), r.native_id))
CREDENTIALS: Final = Order[CredentialRecord](lambda r: (text(r.user), r.native_id))
BACKUPS: Final = Order[BackupRecord](lambda r: (when(r.started_at), r.native_id), descending=True)
ACTIVITIES: Final = Order[ActivityRecord](
    lambda r: (when(r.created_at), r.native_id), descending=True
)


def activity_window(window: ActivityRange, args: PageArgs) -> ActivityRange:
    """The time range a page of activities needs from a vendor that reads them by range
    (ClickHouse ``from_date``/``to_date``, both inclusive): newest first, a page after a
    cursor is no newer than the cursor's item, a page before one no older."""
    cursor = args.after if not args.backward else args.before
    if cursor is None:
        return window
    parts = decode_cursor(cursor)
    try:
        bound = datetime.fromisoformat(parts[0]) if parts and parts[0] else None
    except ValueError:
        bound = None  # not an activity's cursor: paging says so
    if bound is None:
        return window
    try:
        if not args.backward:
            to_date = bound if window.to_date is None else min(window.to_date, bound)
            return replace(window, to_date=to_date)
        from_date = bound if window.from_date is None else max(window.from_date, bound)
        return replace(window, from_date=from_date)
    except TypeError:  # a range without a time zone: left as the caller gave it
        return window


@strawberry.enum(description="What a list is ordered by")
class ListOrderField(Enum):
    NAME = strawberry.enum_value(
        "name", description="The name, case-insensitive (an invitation's email)"
    )
    CREATED_AT = strawberry.enum_value(
        "created_at", description="When it was created (a member: when they joined)"
    )


@strawberry.input(name="ListOrder", description="The order of a list")
class ListOrderInput:
    field: ListOrderField = strawberry.field(
        default=ListOrderField.NAME, description="What to order by"
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Which way"
    )

    @property
    def field_name(self) -> str:
        return self.field.name.lower()

    def vendor(self) -> ListOrder:
        return ListOrder(self.field_name, self.direction is OrderDirection.DESC)


OrderByArg = Annotated[
    ListOrderInput | None,
    strawberry.argument(
        description="The order; without it the list's own (by name, or the vendor's order "
        "where it pages the list)"
    ),
]

_Key = Callable[[Any], Sequence[str]]
#: the sort key of each list by each ListOrderField, the native ID last
_KEYS: Final[dict[tuple[str, str], _Key]] = {
    ("members", "name"): MEMBERS.key,
    ("members", "created_at"): lambda r: (when(r.joined_at), r.native_id),
    ("api_keys", "name"): API_KEYS.key,
    ("api_keys", "created_at"): lambda r: (when(r.created_at), r.native_id),
    ("invitations", "name"): INVITATIONS.key,
    ("invitations", "created_at"): lambda r: (when(r.created_at), r.native_id),
    ("feature_flags", "name"): FEATURE_FLAGS.key,
    ("feature_flags", "created_at"): lambda r: (when(r.created_at), r.native_id),
}


def ordered_by(listing: str, order_by: ListOrderInput) -> Order[Any]:
    """The gateway's order of ``listing`` for ``order_by``."""
    return Order(
        _KEYS[(listing, order_by.field_name)],
        descending=order_by.direction is OrderDirection.DESC,
    )
