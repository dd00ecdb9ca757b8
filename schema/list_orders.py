"""The stable order each list pages in when the gateway sorts it (``schema.connection``).

Each order ends in the record's native ID, unique within its parent, so no two items share
a cursor. Lists of things that happen (backups, activities) are newest first.
"""

from __future__ import annotations

from typing import Final

from adapters.model import (
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
from schema.connection import Order, text, when

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
