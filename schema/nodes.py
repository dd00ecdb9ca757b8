"""The normalized object types: Organization, Database, Backup, ApiKey, Member, ...

Each type is built from its record with ``from_record``; navigation fields go through the
request's dataloaders, and a field for something the vendor does not offer is null.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.model import (
    ActivityRange,
    ActivityRecord,
    ApiKeyRecord,
    BackupRecord,
    Capabilities,
    CredentialRecord,
    DatabaseRecord,
    FeatureFlagRecord,
    InvitationRecord,
    Key,
    MemberRecord,
    OrganizationRecord,
    PlanRecord,
)
from schema.common import (
    ApiKeyStateEnum,
    BackupKindEnum,
    BackupStatusEnum,
    DatabaseStatusEnum,
    Edge,
    MemberRoleEnum,
    Node,
    PageInfo,
    VendorConnection,
    VendorEnum,
    paginate,
)
from schema.context import context_of
from schema.federation import ENTITY_KEYS, Entity
from schema.ids import global_id
from schema.kinds import (
    ACTIVITY,
    API_KEY,
    API_KEYS,
    BACKUP,
    BACKUPS,
    CREDENTIAL,
    CREDENTIAL_PASSWORD,
    CREDENTIALS,
    DATABASE,
    DATABASES,
    FEATURE_FLAG,
    FEATURE_FLAGS,
    INVITATION,
    INVITATIONS,
    MEMBER,
    MEMBERS,
    ORGANIZATION,
    PLAN,
    PLANS,
    Kind,
    L,
    Listing,
    Located,
    NodeKind,
)
from schema.permissions import admin
from schema.vendor_types import ClickHouseDatabase, ClickHouseOrganization
from schema.vendor_types_astra import AstraDatabase
from schema.vendor_types_dbaas import DBaaSDatabase
from schema.vendor_types_featurebase import (
    FeatureBaseBackup,
    FeatureBaseDatabase,
    FeatureBaseMember,
    FeatureBaseOrganization,
)

R = TypeVar("R")


def _offers(info: Info, connection: str, capability: Callable[[Capabilities], bool]) -> bool:
    adapter = context_of(info).adapters.get(connection)
    return adapter is not None and capability(adapter.capabilities)


def _connection(info: Info, name: str) -> VendorConnection:
    return VendorConnection.from_adapter(context_of(info).loaders.adapter(name))


@strawberry.input(description="Which databases to return; every given condition must hold")
class DatabaseFilter:
    connection: str | None = strawberry.field(default=None, description="Connection name")
    vendor: VendorEnum | None = strawberry.field(default=None, description="Vendor")  # type: ignore[valid-type]
    status: list[DatabaseStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these normalized states"
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the name"
    )

    def matches(self, record: DatabaseRecord) -> bool:
        return (
            (self.connection is None or record.connection.name == self.connection)
            and (self.vendor is None or record.connection.vendor == self.vendor)
            and (not self.status or record.status in self.status)
            and (
                self.name_contains is None
                or self.name_contains.casefold() in record.name.casefold()
            )
        )


def database_sort_key(record: DatabaseRecord) -> tuple[str, ...]:
    return (
        record.connection.name,
        *record.organization_key,
        record.name.casefold(),
        record.native_id,
    )


@strawberry.type(description="A page of databases (Relay connection)")
class DatabaseConnection:
    edges: list[Edge[Database]] = strawberry.field(description="Items with cursors")
    page_info: PageInfo = strawberry.field(description="Where this page sits")
    total_count: int = strawberry.field(description="Items matching the filter, on all pages")

    @strawberry.field(description="The items of this page without cursors")
    def nodes(self) -> list[Database]:
        return [edge.node for edge in self.edges]

    @classmethod
    def from_records(
        cls, records: list[DatabaseRecord], first: int | None, after: str | None
    ) -> DatabaseConnection:
        edges, page_info, total = paginate(records, database_sort_key, first, after)
        return cls(
            edges=[Edge(cursor=c, node=Database.from_record(r)) for c, r in edges],
            page_info=page_info,
            total_count=total,
        )


@strawberry.federation.type(
    keys=ENTITY_KEYS,
    description="An organization (ClickHouse organization, FeatureBase org, Astra account, ...)",
)
class Organization(Node, Entity):
    native_id: str = strawberry.field(description="The vendor's own ID")
    name: str = strawberry.field(description="Display name")
    created_at: datetime | None = strawberry.field(description="When it was created")
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[OrganizationRecord]
    KIND = ORGANIZATION

    @classmethod
    def from_record(cls, r: OrganizationRecord) -> Organization:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            created_at=r.created_at,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this organization was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="Databases of this organization")
    async def databases(
        self,
        info: Info,
        filter: DatabaseFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> DatabaseConnection | None:
        records = await _children(info, self.record, DATABASES)
        if records is None:
            return None
        wanted = [r for r in records if filter is None or filter.matches(r)]
        return DatabaseConnection.from_records(wanted, first, after)

    @strawberry.field(description="Members; null when the vendor has none")
    async def members(self, info: Info) -> list[Member] | None:
        records = await _children(info, self.record, MEMBERS)
        return None if records is None else [Member.from_record(r) for r in records]

    @strawberry.field(description="API keys; null when the vendor has none")
    async def api_keys(self, info: Info) -> list[ApiKey] | None:
        records = await _children(info, self.record, API_KEYS)
        return None if records is None else [ApiKey.from_record(r) for r in records]

    @strawberry.field(description="Pending invitations; null when the vendor has none")
    async def invitations(self, info: Info) -> list[Invitation] | None:
        records = await _children(info, self.record, INVITATIONS)
        return None if records is None else [Invitation.from_record(r) for r in records]

    @strawberry.field(description="What databases can be created as; null when the vendor has none")
    async def plans(self, info: Info) -> list[Plan] | None:
        records = await _children(info, self.record, PLANS)
        return None if records is None else [Plan.from_record(r) for r in records]

    @strawberry.field(description="Audit log entries, optionally between two dates")
    async def activities(
        self,
        info: Info,
        from_date: Annotated[
            datetime | None, strawberry.argument(name="from", description="Not before")
        ] = None,
        to_date: Annotated[
            datetime | None, strawberry.argument(name="to", description="Not after")
        ] = None,
    ) -> list[Activity] | None:
        conn = self.record.connection.name
        if not _offers(info, conn, lambda caps: caps.activities):
            return None
        window = ActivityRange(from_date, to_date)
        records = await context_of(info).loaders.activities().load((conn, self.record.key, window))
        return [Activity.from_record(r) for r in records]

    @strawberry.field(description="Feature switches; null when the vendor has none")
    async def feature_flags(self, info: Info) -> list[FeatureFlag] | None:
        records = await _children(info, self.record, FEATURE_FLAGS)
        return None if records is None else [FeatureFlag.from_record(r) for r in records]

    @strawberry.field(description="ClickHouse Cloud details; null for other vendors")
    def clickhouse(self) -> ClickHouseOrganization | None:
        return ClickHouseOrganization.from_record(self.record)

    @strawberry.field(description="FeatureBase Cloud details; null for other vendors")
    def featurebase(self) -> FeatureBaseOrganization | None:
        return FeatureBaseOrganization.from_record(self.record)


async def _children(info: Info, parent: Located, listing: Listing[L]) -> list[L] | None:
    conn = parent.connection.name
    if not _offers(info, conn, listing.offered):
        return None
    return list(await context_of(info).loaders.listing(listing).load((conn, parent.key)))


async def _parent(info: Info, kind: Kind[R], connection: str, key: Key | None) -> R | None:
    if key is None:
        return None
    return await context_of(info).loaders.by_key(kind).load((connection, key))


@strawberry.federation.type(
    keys=ENTITY_KEYS,
    description="A database (ClickHouse service, FeatureBase database, Astra app, ...)",
)
class Database(Node, Entity):
    native_id: str = strawberry.field(description="The vendor's own ID")
    name: str = strawberry.field(description="Display name")
    status: DatabaseStatusEnum = strawberry.field(description="Normalized state")  # type: ignore[valid-type]
    vendor_status: str | None = strawberry.field(description="The vendor's own state value")
    can_query: bool | None = strawberry.field(
        description="Whether data can be queried in this state, where the vendor documents it"
    )
    created_at: datetime | None = strawberry.field(description="When it was created")
    region: str | None = strawberry.field(description="Cloud region")
    cloud_provider: str | None = strawberry.field(description="Cloud provider (aws, gcp, azure)")
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[DatabaseRecord]
    KIND = DATABASE

    @classmethod
    def from_record(cls, r: DatabaseRecord) -> Database:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            status=r.status,
            vendor_status=r.vendor_status,
            can_query=r.can_query,
            created_at=r.created_at,
            region=r.region,
            cloud_provider=r.cloud_provider,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this database was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="The organization that owns it")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await _parent(info, ORGANIZATION, r.connection.name, r.organization_key)
        return Organization.from_record(org) if org else None

    @strawberry.field(description="Backups, newest first; null when the vendor has none")
    async def backups(self, info: Info) -> list[Backup] | None:
        records = await _children(info, self.record, BACKUPS)
        return None if records is None else [Backup.from_record(r) for r in records]

    @strawberry.field(description="ClickHouse Cloud details; null for other vendors")
    def clickhouse(self) -> ClickHouseDatabase | None:
        return ClickHouseDatabase.from_record(self.record)

    @strawberry.field(description="NetApp Astra Control details; null for other vendors")
    def astra(self) -> AstraDatabase | None:
        return AstraDatabase.from_record(self.record)

    @strawberry.field(description="Users clients connect as; null when the vendor has none")
    async def credentials(self, info: Info) -> list[DatabaseCredential] | None:
        records = await _children(info, self.record, CREDENTIALS)
        return None if records is None else [DatabaseCredential.from_record(r) for r in records]

    @strawberry.field(description="DBaaS details; null for other vendors")
    def dbaas(self) -> DBaaSDatabase | None:
        return DBaaSDatabase.from_record(self.record)

    @strawberry.field(description="FeatureBase Cloud details; null for other vendors")
    def featurebase(self) -> FeatureBaseDatabase | None:
        return FeatureBaseDatabase.from_record(self.record)


@strawberry.type(description="A user a client connects to a database as (DBaaS credential, ...)")
class DatabaseCredential(Node):
    native_id: str = strawberry.field(description="The vendor's own ID")
    user: str = strawberry.field(description="User name")
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[CredentialRecord]
    KIND = CREDENTIAL

    @classmethod
    def from_record(cls, r: CredentialRecord) -> DatabaseCredential:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            user=r.user,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this credential was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="The database it gives access to")
    async def database(self, info: Info) -> Database | None:
        r = self.record
        db = await _parent(info, DATABASE, r.connection.name, r.database_key)
        return Database.from_record(db) if db else None

    @strawberry.field(
        description="The password, read from the vendor only when asked for (one call per "
        "credential), never cached or logged; null when the credential no longer exists",
        extensions=admin("a database password"),
    )
    async def password(self, info: Info) -> str | None:
        conn = self.record.connection.name
        loader = context_of(info).loaders.single(CREDENTIAL_PASSWORD)
        value = await loader.load((conn, self.record.key))
        return value if isinstance(value, str) else None


@strawberry.federation.type(keys=ENTITY_KEYS, description="A backup or snapshot of a database")
class Backup(Node, Entity):
    native_id: str = strawberry.field(description="The vendor's own ID (derived where it has none)")
    status: BackupStatusEnum = strawberry.field(description="Normalized state")  # type: ignore[valid-type]
    vendor_status: str | None = strawberry.field(description="The vendor's own state value")
    kind: BackupKindEnum = strawberry.field(description="Backup or snapshot")  # type: ignore[valid-type]
    backup_type: str | None = strawberry.field(description="Vendor backup type (full, incremental)")
    started_at: datetime | None = strawberry.field(description="When it started")
    finished_at: datetime | None = strawberry.field(description="When it finished")
    size_bytes: float | None = strawberry.field(description="Size in bytes")
    duration_seconds: float | None = strawberry.field(description="How long it took")
    name: str | None = strawberry.field(description="Display name, where the vendor gives one")
    progress_percent: float | None = strawberry.field(
        description="How far it is (0-100), where the vendor reports progress"
    )
    bucket: str | None = strawberry.field(
        description="The storage bucket (vendor ID) it is written to, where the vendor says"
    )
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[BackupRecord]
    KIND = BACKUP

    @classmethod
    def from_record(cls, r: BackupRecord) -> Backup:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            status=r.status,
            vendor_status=r.vendor_status,
            kind=r.kind,
            backup_type=r.backup_type,
            started_at=r.started_at,
            finished_at=r.finished_at,
            size_bytes=r.size_bytes,
            duration_seconds=r.duration_seconds,
            name=r.name,
            progress_percent=r.progress_percent,
            bucket=r.bucket,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this backup was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="The database it was taken from")
    async def database(self, info: Info) -> Database | None:
        r = self.record
        db = await _parent(info, DATABASE, r.connection.name, r.database_key)
        return Database.from_record(db) if db else None

    @strawberry.field(description="FeatureBase Cloud details; null for other vendors")
    def featurebase(self) -> FeatureBaseBackup | None:
        return FeatureBaseBackup.from_record(self.record)


@strawberry.federation.type(keys=ENTITY_KEYS, description="An API key or token (never its secret)")
class ApiKey(Node, Entity):
    native_id: str = strawberry.field(description="The vendor's own ID")
    name: str | None = strawberry.field(description="Display name")
    state: ApiKeyStateEnum = strawberry.field(description="Normalized state")  # type: ignore[valid-type]
    vendor_state: str | None = strawberry.field(description="The vendor's own state value")
    roles: list[str] = strawberry.field(description="Roles as the vendor names them")
    key_suffix: str | None = strawberry.field(
        description="Last characters of the key, to recognize it"
    )
    created_at: datetime | None = strawberry.field(description="When it was created")
    expires_at: datetime | None = strawberry.field(description="When it expires; null: never")
    last_used_at: datetime | None = strawberry.field(description="When it was last used")
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[ApiKeyRecord]
    KIND = API_KEY

    @classmethod
    def from_record(cls, r: ApiKeyRecord) -> ApiKey:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            state=r.state,
            vendor_state=r.vendor_state,
            roles=list(r.roles),
            key_suffix=r.key_suffix,
            created_at=r.created_at,
            expires_at=r.expires_at,
            last_used_at=r.last_used_at,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this key was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="The organization the key belongs to")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await _parent(info, ORGANIZATION, r.connection.name, r.organization_key)
        return Organization.from_record(org) if org else None

    @strawberry.field(description="The member who owns the key, where the vendor says")
    async def owner(self, info: Info) -> Member | None:
        r = self.record
        member = await _parent(info, MEMBER, r.connection.name, r.owner_key)
        return Member.from_record(member) if member else None


@strawberry.federation.type(keys=ENTITY_KEYS, description="A member of an organization")
class Member(Node, Entity):
    native_id: str = strawberry.field(description="The vendor's own user ID")
    name: str | None = strawberry.field(description="Display name")
    email: str | None = strawberry.field(description="Email address")
    role: MemberRoleEnum = strawberry.field(description="Normalized role")  # type: ignore[valid-type]
    vendor_role: str | None = strawberry.field(description="The vendor's own role name")
    joined_at: datetime | None = strawberry.field(description="When the member joined")
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[MemberRecord]
    KIND = MEMBER

    @classmethod
    def from_record(cls, r: MemberRecord) -> Member:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            email=r.email,
            role=r.role,
            vendor_role=r.vendor_role,
            joined_at=r.joined_at,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this member was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="The organization the member belongs to")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await _parent(info, ORGANIZATION, r.connection.name, r.organization_key)
        return Organization.from_record(org) if org else None

    @strawberry.field(description="FeatureBase Cloud details; null for other vendors")
    def featurebase(self) -> FeatureBaseMember | None:
        return FeatureBaseMember.from_record(self.record)


@strawberry.type(description="An invitation to join an organization")
class Invitation(Node):
    native_id: str = strawberry.field(description="The vendor's own ID")
    email: str | None = strawberry.field(description="Who is invited")
    role: MemberRoleEnum = strawberry.field(description="Normalized role offered")  # type: ignore[valid-type]
    vendor_role: str | None = strawberry.field(description="The vendor's own role name")
    created_at: datetime | None = strawberry.field(description="When it was sent")
    expires_at: datetime | None = strawberry.field(description="When it expires")
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[InvitationRecord]
    KIND = INVITATION

    @classmethod
    def from_record(cls, r: InvitationRecord) -> Invitation:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            email=r.email,
            role=r.role,
            vendor_role=r.vendor_role,
            created_at=r.created_at,
            expires_at=r.expires_at,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this invitation was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="The organization it invites to")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await _parent(info, ORGANIZATION, r.connection.name, r.organization_key)
        return Organization.from_record(org) if org else None


@strawberry.type(description="An audit log entry of an organization")
class Activity(Node):
    native_id: str = strawberry.field(description="The vendor's own ID")
    type: str = strawberry.field(description="What happened, as the vendor names it")
    created_at: datetime | None = strawberry.field(description="When it happened")
    actor_type: str | None = strawberry.field(description="user, support, system or api")
    actor_id: str | None = strawberry.field(description="Who did it")
    actor_details: str | None = strawberry.field(description="More about the actor")
    actor_ip_address: str | None = strawberry.field(description="From where")
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[ActivityRecord]
    KIND = ACTIVITY

    @classmethod
    def from_record(cls, r: ActivityRecord) -> Activity:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            type=r.type,
            created_at=r.created_at,
            actor_type=r.actor_type,
            actor_id=r.actor_id,
            actor_details=r.actor_details,
            actor_ip_address=r.actor_ip_address,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this entry was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="The database it concerns, if any (null when since deleted)")
    async def database(self, info: Info) -> Database | None:
        r = self.record
        db = await _parent(info, DATABASE, r.connection.name, r.database_key)
        return Database.from_record(db) if db else None


@strawberry.type(
    description="What a database can be created as (ClickHouse tier, FeatureBase shape, ...)"
)
class Plan(Node):
    native_id: str = strawberry.field(description="The vendor's own ID or name")
    name: str = strawberry.field(description="Name")
    description: str | None = strawberry.field(description="What it offers")
    cloud_provider: str | None = strawberry.field(
        description="Cloud provider (aws, gcp, azure), where the plan is tied to one"
    )
    region: str | None = strawberry.field(description="Cloud region, where the plan is tied to one")
    node_count: int | None = strawberry.field(description="Nodes a database of this plan runs on")
    instance_type: str | None = strawberry.field(description="Cloud instance type of each node")
    hourly_rate: float | None = strawberry.field(
        description="Price per hour as the vendor states it (currency as the vendor bills)"
    )
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[PlanRecord]
    KIND = PLAN

    @classmethod
    def from_record(cls, r: PlanRecord) -> Plan:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            description=r.description,
            cloud_provider=r.cloud_provider,
            region=r.region,
            node_count=r.node_count,
            instance_type=r.instance_type,
            hourly_rate=r.hourly_rate,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this plan was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)


@strawberry.type(description="A feature switch of an organization (Astra feature, ...)")
class FeatureFlag(Node):
    native_id: str = strawberry.field(description="The vendor's own ID")
    name: str = strawberry.field(description="Name, as the vendor spells it (dotted for Astra)")
    enabled: bool | None = strawberry.field(description="Whether the feature is on")
    created_at: datetime | None = strawberry.field(description="When it was created")
    raw: JSON = strawberry.field(description="The vendor's record, secrets removed")
    record: strawberry.Private[FeatureFlagRecord]
    KIND = FEATURE_FLAG

    @classmethod
    def from_record(cls, r: FeatureFlagRecord) -> FeatureFlag:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            enabled=r.enabled,
            created_at=r.created_at,
            raw=JSON(r.raw),
            record=r,
        )

    @strawberry.field(description="The connection this feature flag was read through")
    def connection(self, info: Info) -> VendorConnection:
        return _connection(info, self.record.connection.name)

    @strawberry.field(description="The organization it belongs to")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await _parent(info, ORGANIZATION, r.connection.name, r.organization_key)
        return Organization.from_record(org) if org else None


#: every Node kind's type (``Query.node`` turns a record into it)
NODE_CLASSES: dict[NodeKind[Any], Any] = {
    cls.KIND: cls
    for cls in (
        Organization,
        Database,
        Backup,
        ApiKey,
        Member,
        Invitation,
        Activity,
        Plan,
        FeatureFlag,
        DatabaseCredential,
    )
}
