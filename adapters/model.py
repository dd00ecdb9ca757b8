"""The normalized model: immutable records adapters return, their enums and capabilities.

A record's ``key`` is the vendor path that finds it again (for ClickHouse a service is
``(organization_id, service_id)``); the gateway turns (type, connection, key) into an opaque
global ID, so every adapter decides its own key shape. ``native_id`` is the vendor's own ID.
"""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Any

from adapters.frozen import record

Key = tuple[str, ...]
Raw = dict[str, Any]


class Vendor(str):
    """A vendor's name as the registry knows it (``"clickhouse"``).

    Open, not an enum: a vendor exists by being registered (``adapters.registry``), so a
    test can register one of its own (``tests/reference_vendor``) and adding a vendor
    changes no shared type. Names from outside (configuration, command line, fault specs)
    become a Vendor through ``adapters.registry.vendor``, which refuses unregistered ones;
    each vendor package holds its own constant (``adapters.clickhouse.spec.VENDOR``).
    """

    __slots__ = ()

    @property
    def value(self) -> str:
        """The plain name; what the enum this type replaced called it."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Vendor({str.__repr__(self)})"


class DatabaseStatus(StrEnum):
    PROVISIONING = "PROVISIONING"
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    UPDATING = "UPDATING"
    BACKING_UP = "BACKING_UP"
    RESTORING = "RESTORING"
    IDLE = "IDLE"
    STOPPING = "STOPPING"
    STOPPED = "STOPPED"
    DEGRADED = "DEGRADED"
    DELETING = "DELETING"
    DELETED = "DELETED"
    FAILED = "FAILED"
    FROZEN = "FROZEN"
    QUARANTINED = "QUARANTINED"
    UNKNOWN = "UNKNOWN"


class BackupStatus(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    DELETING = "DELETING"
    DELETED = "DELETED"
    UNKNOWN = "UNKNOWN"


class BackupKind(StrEnum):
    BACKUP = "BACKUP"
    SNAPSHOT = "SNAPSHOT"


class MemberRole(StrEnum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    DEVELOPER = "DEVELOPER"
    MEMBER = "MEMBER"
    VIEWER = "VIEWER"
    UNKNOWN = "UNKNOWN"


class ApiKeyState(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    UNKNOWN = "UNKNOWN"


class MemberState(StrEnum):
    """Whether a member can act: a suspended or disabled one cannot, a pending one has
    not signed in yet."""

    ACTIVE = "ACTIVE"
    PENDING = "PENDING"
    SUSPENDED = "SUSPENDED"
    DISABLED = "DISABLED"
    UNKNOWN = "UNKNOWN"


class Operation(StrEnum):
    """Every write the schema offers; an adapter declares the ones its vendor supports."""

    CREATE_DATABASE = "createDatabase"
    RESTORE_DATABASE = "restoreDatabase"  # createDatabase with fromBackupId
    UPDATE_DATABASE = "updateDatabase"
    START_DATABASE = "startDatabase"
    STOP_DATABASE = "stopDatabase"
    SCALE_DATABASE = "scaleDatabase"
    DELETE_DATABASE = "deleteDatabase"
    RESET_DATABASE_PASSWORD = "resetDatabasePassword"
    CREATE_API_KEY = "createApiKey"
    UPDATE_API_KEY = "updateApiKey"
    REVOKE_API_KEY = "revokeApiKey"
    INVITE_MEMBER = "inviteMember"
    CANCEL_INVITATION = "cancelInvitation"
    UPDATE_MEMBER_ROLE = "updateMemberRole"
    REMOVE_MEMBER = "removeMember"
    UPDATE_ORGANIZATION = "updateOrganization"
    CREATE_BACKUP = "createBackup"
    DELETE_BACKUP = "deleteBackup"
    UPDATE_BACKUP_CONFIGURATION = "updateBackupConfiguration"


@record
class Capabilities:
    """What a vendor offers; fields it lacks resolve to null without an error."""

    organizations: bool = True
    databases: bool = True
    backups: bool = False
    backup_configuration: bool = False
    api_keys: bool = False
    members: bool = False
    invitations: bool = False
    activities: bool = False
    plans: bool = False
    credentials: bool = False
    private_endpoints: bool = False
    metrics: bool = False
    feature_flags: bool = False
    #: the writes this vendor supports; the others fail with NOT_SUPPORTED before any call
    operations: frozenset[Operation] = frozenset()
    #: the lists (names of the fields above) the vendor pages and the gateway reads a page
    #: at a time, in the vendor's order (``adapters.paging``); the others it sorts itself
    vendor_paged: frozenset[str] = frozenset()
    #: the filters the vendor applies itself, as ``list.filter`` (``databases.tags``);
    #: every other filter the gateway applies to what the vendor answers
    vendor_filters: frozenset[str] = frozenset()
    #: the orders the vendor sorts a list it pages in itself, as ``list.field``
    #: (``members.name``); any other order the gateway sorts, reading the list whole
    vendor_orders: frozenset[str] = frozenset()


@record
class ConnectionInfo:
    """One configured account at one vendor; every record carries it."""

    name: str
    vendor: Vendor
    base_url: str
    simulated: bool = False
    #: set on a template connection's per-caller instance: the keyed fingerprint of the
    #: caller's credential, which scopes idempotency keys and subscription pollers
    tenant: str | None = None


@record
class OrganizationRecord:
    connection: ConnectionInfo
    key: Key
    native_id: str
    name: str
    created_at: datetime | None = None
    raw: Raw = field(default_factory=dict, compare=False)
    details: Any = None


@record
class DatabaseRecord:
    connection: ConnectionInfo
    key: Key
    native_id: str
    organization_key: Key
    name: str
    status: DatabaseStatus
    vendor_status: str | None
    can_query: bool | None = None
    created_at: datetime | None = None
    region: str | None = None
    cloud_provider: str | None = None
    raw: Raw = field(default_factory=dict, compare=False)
    details: Any = None
    #: the database engine, lower case as the vendor names it (``clickhouse``,
    #: ``postgres``, ``mysql 8.0``); None where the vendor does not say
    engine: str | None = None


@record
class BackupRecord:
    connection: ConnectionInfo
    key: Key
    native_id: str
    database_key: Key
    status: BackupStatus
    vendor_status: str | None
    kind: BackupKind = BackupKind.BACKUP
    backup_type: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    size_bytes: int | None = None
    duration_seconds: float | None = None
    raw: Raw = field(default_factory=dict, compare=False)
    details: Any = None
    name: str | None = None
    #: how far a running backup is (0-100), where the vendor reports it
    progress_percent: float | None = None
    #: the storage bucket (vendor ID) it is written to, where the vendor says
    bucket: str | None = None


@record
class AssignedRole:
    """A role of the vendor's RBAC a member, key or invitation holds (ClickHouse)."""

    native_id: str
    name: str | None
    #: system or custom
    type: str | None


@record
class ApiKeyRecord:
    connection: ConnectionInfo
    key: Key
    native_id: str
    organization_key: Key
    name: str | None
    state: ApiKeyState
    vendor_state: str | None
    roles: tuple[str, ...] = ()
    key_suffix: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    owner_key: Key | None = None
    raw: Raw = field(default_factory=dict, compare=False)
    assigned_roles: tuple[AssignedRole, ...] = ()


@record
class MemberRecord:
    connection: ConnectionInfo
    key: Key
    native_id: str
    organization_key: Key
    name: str | None
    email: str | None
    role: MemberRole
    vendor_role: str | None
    joined_at: datetime | None = None
    raw: Raw = field(default_factory=dict, compare=False)
    details: Any = None
    #: None where the vendor has no notion of a member's state
    state: MemberState | None = None
    vendor_state: str | None = None
    assigned_roles: tuple[AssignedRole, ...] = ()


@record
class InvitationRecord:
    connection: ConnectionInfo
    key: Key
    native_id: str
    organization_key: Key
    email: str | None
    role: MemberRole
    vendor_role: str | None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    raw: Raw = field(default_factory=dict, compare=False)
    #: whether the invitee has joined (None: the vendor does not say), and when
    accepted: bool | None = None
    accepted_at: datetime | None = None
    #: the roles the invitee gets on joining
    assigned_roles: tuple[AssignedRole, ...] = ()


@record
class ActivityRecord:
    connection: ConnectionInfo
    key: Key
    native_id: str
    organization_key: Key
    type: str
    created_at: datetime | None
    actor_type: str | None = None
    actor_id: str | None = None
    actor_details: str | None = None
    actor_ip_address: str | None = None
    database_key: Key | None = None
    raw: Raw = field(default_factory=dict, compare=False)


@record
class PlanRecord:
    """What a database can be created as (a ClickHouse tier, a FeatureBase shape, ...)."""

    connection: ConnectionInfo
    key: Key
    native_id: str
    organization_key: Key
    name: str
    description: str | None = None
    # sizing and price where the vendor lists them per plan (FeatureBase shapes); else None
    cloud_provider: str | None = None
    region: str | None = None
    node_count: int | None = None
    instance_type: str | None = None
    hourly_rate: float | None = None
    raw: Raw = field(default_factory=dict, compare=False)
    #: the engine a database created as this plan runs, where the vendor says (DBaaS)
    engine: str | None = None


@record
class CredentialRecord:
    """A database user a client connects as. Never holds the password: that is fetched
    on demand (``Adapter.get_credential_password``) so it is never cached or listed."""

    connection: ConnectionInfo
    key: Key
    native_id: str
    database_key: Key | None
    user: str
    raw: Raw = field(default_factory=dict, compare=False)


@record
class FeatureFlagRecord:
    """A feature switch of an organization (Astra ``/core/v1/features``)."""

    connection: ConnectionInfo
    key: Key
    native_id: str
    organization_key: Key
    name: str
    enabled: bool | None
    created_at: datetime | None = None
    raw: Raw = field(default_factory=dict, compare=False)


@record
class DatabaseQuery:
    """The parts of a database filter a vendor applies itself (it declares which in
    ``Capabilities.vendor_filters``); the gateway applies every other part."""

    #: the exact name
    name: str | None = None
    #: tags every database carries: (key, value), or (key, None) for the key with any value
    tags: tuple[tuple[str, str | None], ...] = ()

    def __bool__(self) -> bool:
        return self.name is not None or bool(self.tags)


@record
class ActivityRange:
    """Optional date bounds of an activity listing."""

    from_date: datetime | None = None
    to_date: datetime | None = None


@record
class BackupConfigurationRecord:
    period_hours: float | None
    retention_period_hours: float | None
    start_time: str | None
    raw: Raw = field(default_factory=dict, compare=False)


@record
class PrivateEndpointConfigRecord:
    endpoint_service_id: str | None
    private_dns_hostname: str | None = None
    raw: Raw = field(default_factory=dict, compare=False)
