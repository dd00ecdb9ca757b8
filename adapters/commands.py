"""Write commands the schema hands to adapters, and what the adapters answer.

A command names its target by vendor key (already decoded from the global ID and checked
to belong to the adapter's connection) and carries only normalized values plus, where a
vendor needs more, one options object of that vendor's type. Adapters validate against
their vendor's documented rules before any upstream call and raise ``InvalidInputError``
with the field path in these dataclasses' own names; the schema turns that path into the
GraphQL input path.

One-time secrets (a new key's secret, a new database password) travel only in the result
objects below, never in records, so nothing that caches records can hold them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from adapters.model import (
    ApiKeyRecord,
    ApiKeyState,
    BackupKind,
    BackupRecord,
    CredentialRecord,
    DatabaseRecord,
    Key,
    MemberRole,
)

# -- vendor options ----------------------------------------------------------------------


@dataclass(frozen=True)
class IpAccessEntry:
    source: str  # an IP address or CIDR
    description: str | None = None


@dataclass(frozen=True)
class ClickHousePostgresCreateOptions:
    """A managed Postgres service instead of a ClickHouse service (2026-06 spec): new,
    restored from another to a point in time, or a read replica of another."""

    size: str | None = None
    postgres_version: str | None = None
    ha_type: str | None = None
    #: key of the Postgres service (a Database) to restore from, with ``restore_to``
    from_database: Key | None = None
    restore_to: datetime | None = None
    #: key of the Postgres service (a Database) to replicate
    read_replica_of: Key | None = None


@dataclass(frozen=True)
class ClickHousePostgresUpdateOptions:
    size: str | None = None
    ha_type: str | None = None


@dataclass(frozen=True)
class ClickHouseCreateOptions:
    provider: str | None = None
    region: str | None = None
    tier: str | None = None
    min_total_memory_gb: int | None = None
    max_total_memory_gb: int | None = None
    num_replicas: int | None = None
    idle_scaling: bool | None = None
    idle_timeout_minutes: int | None = None
    ip_access_list: tuple[IpAccessEntry, ...] | None = None
    #: key of a Backup of the same connection to restore from
    from_backup: Key | None = None
    #: set: a managed Postgres service, and no ClickHouse service option may be
    postgres: ClickHousePostgresCreateOptions | None = None


@dataclass(frozen=True)
class ClickHouseUpdateOptions:
    ip_access_list_add: tuple[IpAccessEntry, ...] = ()
    ip_access_list_remove: tuple[IpAccessEntry, ...] = ()
    #: changes to a managed Postgres service (only there)
    postgres: ClickHousePostgresUpdateOptions | None = None


@dataclass(frozen=True)
class ClickHouseScaleOptions:
    min_total_memory_gb: int | None = None
    max_total_memory_gb: int | None = None
    num_replicas: int | None = None
    idle_scaling: bool | None = None
    idle_timeout_minutes: int | None = None


@dataclass(frozen=True)
class FeatureBaseCreateOptions:
    shape: str | None = None


@dataclass(frozen=True)
class FeatureBaseUpdateOptions:
    #: key of the Member who becomes the database owner
    owner: Key | None = None


@dataclass(frozen=True)
class AstraCreateOptions:
    cluster_id: str | None = None
    namespace: str | None = None
    #: key of a Backup (or snapshot) of the same connection to restore from
    from_backup: Key | None = None


@dataclass(frozen=True)
class DBaaSCreateOptions:
    #: key of a Plan of the same connection
    plan: Key | None = None
    environment: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class DBaaSUpdateOptions:
    project: str | None = None


CreateOptions = (
    ClickHouseCreateOptions | FeatureBaseCreateOptions | AstraCreateOptions | DBaaSCreateOptions
)
UpdateOptions = ClickHouseUpdateOptions | FeatureBaseUpdateOptions | DBaaSUpdateOptions


@dataclass(frozen=True)
class RolePolicyInput:
    allow: bool
    permissions: tuple[str, ...]
    resources: tuple[str, ...]


@dataclass(frozen=True)
class WriteRole:
    """A ClickHouse RBAC role to create (every field) or change (what is not None); actors
    are Member and ApiKey keys of the organization."""

    organization: Key
    name: str | None = None
    members: tuple[Key, ...] | None = None
    api_keys: tuple[Key, ...] | None = None
    policies: tuple[RolePolicyInput, ...] | None = None


# -- commands ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateDatabase:
    organization: Key
    name: str
    #: the options object of the target's vendor, or None when the caller gave none
    options: CreateOptions | None = None
    #: a digest of the caller's idempotency key, stored with the new database where the
    #: vendor keeps tags (ClickHouse): a retry whose first attempt's answer was lost
    #: finds the database by it (``Adapter.find_tagged_databases``)
    tag: str | None = None


@dataclass(frozen=True)
class UpdateDatabase:
    database: Key
    name: str | None = None
    options: UpdateOptions | None = None


@dataclass(frozen=True)
class ScaleDatabase:
    database: Key
    options: ClickHouseScaleOptions | None = None


@dataclass(frozen=True)
class CreateApiKey:
    organization: Key
    name: str
    role: MemberRole | None = None
    expires_at: datetime | None = None
    #: key of the Member who will own the key, where keys belong to users
    owner: Key | None = None


@dataclass(frozen=True)
class UpdateApiKey:
    api_key: Key
    name: str | None = None
    role: MemberRole | None = None
    expires_at: datetime | None = None
    state: ApiKeyState | None = None


@dataclass(frozen=True)
class InviteMember:
    organization: Key
    email: str
    role: MemberRole


@dataclass(frozen=True)
class UpdateOrganization:
    organization: Key
    name: str | None = None


@dataclass(frozen=True)
class CreateBackup:
    database: Key
    name: str
    kind: BackupKind = BackupKind.BACKUP


@dataclass(frozen=True)
class UpdateBackupConfiguration:
    database: Key
    period_hours: int | None = None
    retention_period_hours: int | None = None
    start_time: str | None = None


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedDatabase:
    database: DatabaseRecord
    #: the one-time password the vendor shows at creation, where it gives one
    password: str | None = field(default=None, repr=False)
    credential: CredentialRecord | None = None


class DeleteOutcome(StrEnum):
    DELETED = "DELETED"  # gone now
    DELETING = "DELETING"  # the vendor accepted and deletes asynchronously
    QUARANTINED = "QUARANTINED"  # held; a second delete removes it


@dataclass(frozen=True)
class DeletedDatabase:
    outcome: DeleteOutcome
    #: its state after the call, or None when it no longer exists
    database: DatabaseRecord | None = None


@dataclass(frozen=True)
class PasswordReset:
    password: str = field(repr=False)
    database: DatabaseRecord | None = None
    credential: CredentialRecord | None = None


@dataclass(frozen=True)
class CreatedApiKey:
    api_key: ApiKeyRecord
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RevokedApiKey:
    #: its state after revocation, or None where the vendor deletes revoked keys
    api_key: ApiKeyRecord | None = None


@dataclass(frozen=True)
class DeletedBackup:
    backup: BackupRecord | None = None
