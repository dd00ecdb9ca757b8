"""The stable order each list pages in when the gateway sorts it (``schema.connection``).

Each order ends in the record's native ID, unique within its parent, so no two items share
a cursor. Lists of things that happen (backups, activities) are newest first.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Final

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
from schema.connection import Order, PageArgs, decode_cursor, text, when

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
