"""What each enum value means, for GraphiQL's docs and the SDL.

The enums are the model's (``adapters.model``), wrapped by ``strawberry.enum`` in
``schema.common``; a model enum cannot carry GraphQL descriptions itself, so they are set
on the wrapped definition here. Every value must have one: ``describe`` refuses a table
that misses a value or names one the enum lacks, so a new model value fails at import
rather than showing up undescribed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def describe(enum_type: Any, descriptions: Mapping[str, str]) -> Any:
    """``enum_type`` (a strawberry enum) with each value's description set; returned."""
    definition = enum_type.__strawberry_definition__
    names = {value.name for value in definition.values}
    if names != set(descriptions):
        missing = sorted(names - set(descriptions))
        unknown = sorted(set(descriptions) - names)
        raise ValueError(
            f"{definition.name}: values without a description {missing}, unknown {unknown}"
        )
    for value in definition.values:
        value.description = descriptions[value.name]
    return enum_type


DATABASE_STATUS = {
    "PROVISIONING": "Being created; not usable yet",
    "STARTING": "Starting after a stop or an idle period",
    "RUNNING": "Up and serving queries",
    "UPDATING": "A change is being applied (scaling, configuration); usually still serving",
    "BACKING_UP": "A backup is being taken; still serving",
    "RESTORING": "Being restored from a backup; not usable until it finishes",
    "IDLE": "Suspended for inactivity; wakes on the next connection (ClickHouse)",
    "STOPPING": "Stopping at someone's request",
    "STOPPED": "Stopped at someone's request; start it to use it",
    "DEGRADED": "Up, but the vendor reports a problem (an alert, unreachable nodes)",
    "DELETING": "Being deleted",
    "DELETED": "Deleted; the vendor still lists it",
    "FAILED": "Down without anyone stopping it, or creation failed",
    "FROZEN": "Frozen by the vendor (billing or policy); not usable (FeatureBase)",
    "QUARANTINED": "Quarantined by the vendor: credentials reset, nobody can connect (DBaaS)",
    "UNKNOWN": "A vendor state the gateway does not know; vendorStatus has it",
}

BACKUP_STATUS = {
    "PENDING": "Requested, not started",
    "IN_PROGRESS": "Being taken",
    "COMPLETED": "Done; can be restored from",
    "FAILED": "Did not complete; cannot be restored from",
    "DELETING": "Being deleted",
    "DELETED": "Deleted; the vendor still lists it",
    "UNKNOWN": "A vendor state the gateway does not know",
}

BACKUP_KIND = {
    "BACKUP": "A full backup of the database",
    "SNAPSHOT": "A point-in-time snapshot rather than a full backup (Astra's appSnaps)",
}

MEMBER_ROLE = {
    "OWNER": "Owns the organization: every right, billing included",
    "ADMIN": "Administers the organization: members, keys and databases",
    "DEVELOPER": "Works with databases, without administering the organization",
    "MEMBER": "An ordinary member; the vendor decides what that allows",
    "VIEWER": "Read-only access",
    "UNKNOWN": "A vendor role the gateway does not know",
}

MEMBER_STATE = {
    "ACTIVE": "Can act in the organization",
    "PENDING": "Invited or created, but has not signed in yet",
    "SUSPENDED": "Suspended by an administrator; cannot act until reinstated",
    "DISABLED": "Disabled; cannot act",
    "UNKNOWN": "A state the gateway does not know (vendorState has the vendor's own)",
}

API_KEY_STATE = {
    "ENABLED": "Usable",
    "DISABLED": "Turned off; can be enabled again",
    "REVOKED": "Revoked for good",
    "EXPIRED": "Past its expiry date",
    "UNKNOWN": "A vendor state the gateway does not know",
}

OPERATION = {
    "CREATE_DATABASE": "createDatabase",
    "RESTORE_DATABASE": "createDatabase with fromBackupId: a new database from a backup",
    "UPDATE_DATABASE": "updateDatabase: rename or change settings",
    "START_DATABASE": "startDatabase",
    "STOP_DATABASE": "stopDatabase",
    "SCALE_DATABASE": "scaleDatabase: change size or replicas",
    "DELETE_DATABASE": "deleteDatabase",
    "RESET_DATABASE_PASSWORD": "resetDatabasePassword",
    "CREATE_API_KEY": "createApiKey",
    "UPDATE_API_KEY": "updateApiKey",
    "REVOKE_API_KEY": "revokeApiKey",
    "INVITE_MEMBER": "inviteMember",
    "CANCEL_INVITATION": "cancelInvitation",
    "UPDATE_MEMBER_ROLE": "updateMemberRole",
    "REMOVE_MEMBER": "removeMember",
    "UPDATE_ORGANIZATION": "updateOrganization",
    "CREATE_BACKUP": "createBackup",
    "DELETE_BACKUP": "deleteBackup",
    "UPDATE_BACKUP_CONFIGURATION": "updateBackupConfiguration: the backup schedule",
}

BREAKER_STATE = {
    "CLOSED": "Calls flow normally",
    "OPEN": "Failing fast after repeated failures, until the cool-down ends",
    "HALF_OPEN": "Cool-down over: one probe call decides whether to close again",
}

DELETE_OUTCOME = {
    "DELETED": "The vendor deleted it at once",
    "DELETING": "The vendor is deleting it; it disappears later",
    "QUARANTINED": "Quarantined instead of deleted (DBaaS): delete again to finish",
}

ORGANIZATION_EVENT_KIND = {
    "DATABASE_CREATED": "A database appeared",
    "DATABASE_DELETED": "A database disappeared",
    "DATABASE_STATUS_CHANGED": "A database's status changed; previous has the old one",
    "MEMBER_ADDED": "A member joined",
    "MEMBER_REMOVED": "A member left or was removed",
    "MEMBER_ROLE_CHANGED": "A member's role changed; previous has the old one",
    "API_KEY_CREATED": "An API key appeared",
    "API_KEY_REMOVED": "An API key disappeared",
    "API_KEY_STATE_CHANGED": "An API key's state changed; previous has the old one",
}


def vendor_descriptions(names: list[str]) -> dict[str, str]:
    """One per registered vendor (the schema loads no vendor package to say more)."""
    return {
        name.upper(): f"Connections to {name}'s API; see docs/vendors/{name}.md" for name in names
    }
