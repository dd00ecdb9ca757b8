"""The node graph: Organization, Database, Backup, ApiKey, Member, Invitation, Activity,
FeatureFlag, DatabaseCredential and the page of databases.

Each type is built from its record with ``from_record``; navigation fields go through the
request's dataloaders (``schema.navigation``), and a field for something the vendor does
not offer is null.

These types link to each other both ways (an organization's databases, a database's
organization), so they share one module: a type elsewhere that linked back into them
would be an import cycle. That is why ``FeatureBaseDatabase`` is here and not with the
other FeatureBase types: its owner and creator are Members. Types that link to nothing
here (``Plan``, the vendor parts in ``schema.vendor_types``) have modules of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.details import FeatureBaseDatabaseDetails
from adapters.model import (
    ActivityRange,
    ActivityRecord,
    ApiKeyRecord,
    BackupRecord,
    CredentialRecord,
    DatabaseRecord,
    FeatureFlagRecord,
    InvitationRecord,
    MemberRecord,
    OrganizationRecord,
)
from schema import list_orders
from schema.billing import FromDay, ToDay, UsageCostFilter, UsageCostReport, usage_cost
from schema.common import (
    RAW,
    ApiKeyStateEnum,
    AssignedRoleType,
    BackupKindEnum,
    BackupStatusEnum,
    DatabaseStatusEnum,
    Edge,
    MemberRoleEnum,
    MemberStateEnum,
    Node,
    PageInfo,
    VendorConnection,
)
from schema.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    Order,
    PageArgs,
    encode_cursor,
    page_of,
    window_of,
)
from schema.context import context_of
from schema.database_filter import DatabaseFilter, database_order
from schema.database_pages import Filter, OrderBy, databases_under
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
    NodeKind,
)
from schema.list_orders import OrderByArg
from schema.navigation import (
    child_nodes,
    child_page,
    connection_of,
    linked,
    linked_node,
    offers,
)
from schema.permissions import admin
from schema.plans import Plan
from schema.prefetch import page_backups
from schema.vendor_types.astra import AstraDatabase, AstraOrganization
from schema.vendor_types.clickhouse import ClickHouseDatabase, ClickHouseOrganization
from schema.vendor_types.clickhouse_postgres import ClickHousePostgres
from schema.vendor_types.dbaas import DBaaSDatabase, DBaaSOrganization
from schema.vendor_types.featurebase import (
    FeatureBaseBackup,
    FeatureBaseMember,
    FeatureBaseMetricsType,
    FeatureBaseOrganization,
    featurebase_metrics,
)

R = TypeVar("R")


def _database_edges(root: DatabaseConnection) -> list[Edge[Database]]:
    key = root.order.key
    return [Edge(cursor=encode_cursor(key(r)), node=Database.from_record(r)) for r in root.window]


@strawberry.type(description="A page of databases (Relay connection)")
class DatabaseConnection:
    edges: list[Edge[Database]] = strawberry.field(
        resolver=_database_edges, description="Items with cursors"
    )
    page_info: PageInfo = strawberry.field(description="Where this page sits")
    total_count: int = strawberry.field(description="Items matching the filter, on all pages")
    #: the page's records and their order: nodes and cursors are made when selected
    window: strawberry.Private[list[DatabaseRecord]]
    order: strawberry.Private[Order[DatabaseRecord]]

    @strawberry.field(description="The items of this page without cursors")
    def nodes(self) -> list[Database]:
        return [Database.from_record(r) for r in self.window]

    @classmethod
    def from_records(
        cls, records: list[DatabaseRecord], args: PageArgs, order: Order[DatabaseRecord]
    ) -> DatabaseConnection:
        window, page_info, total = window_of(records, order, args)
        return cls(page_info=page_info, total_count=total, window=window, order=order)


@strawberry.federation.type(
    keys=ENTITY_KEYS,
    description="An organization (ClickHouse organization, FeatureBase org, Astra account, ...)",
)
class Organization(Node, Entity):
    native_id: str = strawberry.field(description="The vendor's own ID")
    name: str = strawberry.field(description="Display name")
    created_at: datetime | None = strawberry.field(description="When it was created")
    raw: JSON = RAW
    record: strawberry.Private[OrganizationRecord]
    KIND = ORGANIZATION

    @classmethod
    def from_record(cls, r: OrganizationRecord) -> Organization:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            created_at=r.created_at,
            record=r,
        )

    @strawberry.field(description="The connection this organization was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="Databases of this organization")
    async def databases(
        self,
        info: Info,
        filter: Filter = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: OrderBy = None,
    ) -> DatabaseConnection | None:
        args = PageArgs(first, after, last, before)
        conn = self.record.connection.name
        if not offers(info, conn, DATABASES.offered):
            return None
        f = filter or DatabaseFilter()
        wanted = await databases_under(info, conn, self.record.key, f)
        await page_backups(info, conn, self.record.key)
        return DatabaseConnection.from_records(wanted, args, database_order(order_by))

    @strawberry.field(
        description="Members; null when the vendor has none",
        deprecation_reason="Use membersConnection, which pages; removed after 2027-06-30",
    )
    def members(self, info: Info) -> list[Member] | None:
        return child_nodes(info, self.record, MEMBERS, Member.from_record)

    @strawberry.field(
        description="Members, by name; in the vendor's own order where it pages "
        "them (docs/vendors). Null when the vendor has none"
    )
    async def members_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: OrderByArg = None,
    ) -> Connection[Member] | None:
        args = PageArgs(first, after, last, before)
        order = list_orders.MEMBERS
        return await child_page(
            info, self.record, MEMBERS, order, args, Member.from_record, order_by
        )

    @strawberry.field(
        description="API keys; null when the vendor has none",
        deprecation_reason="Use apiKeysConnection, which pages; removed after 2027-06-30",
    )
    def api_keys(self, info: Info) -> list[ApiKey] | None:
        return child_nodes(info, self.record, API_KEYS, ApiKey.from_record)

    @strawberry.field(
        description="API keys, by name; in the vendor's own order where it pages "
        "them (docs/vendors). Null when the vendor has none"
    )
    async def api_keys_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: OrderByArg = None,
    ) -> Connection[ApiKey] | None:
        args = PageArgs(first, after, last, before)
        order = list_orders.API_KEYS
        return await child_page(
            info, self.record, API_KEYS, order, args, ApiKey.from_record, order_by
        )

    @strawberry.field(
        description="Pending invitations; null when the vendor has none",
        deprecation_reason="Use invitationsConnection, which pages; removed after 2027-06-30",
    )
    def invitations(self, info: Info) -> list[Invitation] | None:
        return child_nodes(info, self.record, INVITATIONS, Invitation.from_record)

    @strawberry.field(
        description="Pending invitations, by email; in the vendor's own order where it pages "
        "them (docs/vendors). Null when the vendor has none"
    )
    async def invitations_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: OrderByArg = None,
    ) -> Connection[Invitation] | None:
        args = PageArgs(first, after, last, before)
        order = list_orders.INVITATIONS
        return await child_page(
            info, self.record, INVITATIONS, order, args, Invitation.from_record, order_by
        )

    @strawberry.field(
        description="What databases can be created as; null when the vendor has none",
        deprecation_reason="Use plansConnection, which pages; removed after 2027-06-30",
    )
    def plans(self, info: Info) -> list[Plan] | None:
        return child_nodes(info, self.record, PLANS, Plan.from_record)

    @strawberry.field(
        description="What databases can be created as, by name; in the vendor's own order where "
        "it pages them (docs/vendors). Null when the vendor has none"
    )
    async def plans_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Plan] | None:
        args = PageArgs(first, after, last, before)
        return await child_page(info, self.record, PLANS, list_orders.PLANS, args, Plan.from_record)

    @strawberry.field(
        description="Audit log entries, optionally between two dates",
        deprecation_reason="Use activitiesConnection, which pages; removed after 2027-06-30",
    )
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
        if not offers(info, conn, lambda caps: caps.activities):
            return None
        window = ActivityRange(from_date, to_date)
        records = await context_of(info).loaders.activities().load((conn, self.record.key, window))
        return [Activity.from_record(r) for r in records]

    @strawberry.field(
        description="Audit log entries, newest first, optionally between two times; null "
        "when the vendor has none"
    )
    async def activities_connection(
        self,
        info: Info,
        from_date: Annotated[
            datetime | None, strawberry.argument(name="from", description="Not before")
        ] = None,
        to_date: Annotated[
            datetime | None, strawberry.argument(name="to", description="Not after")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Activity] | None:
        args = PageArgs(first, after, last, before)
        conn = self.record.connection.name
        if not offers(info, conn, lambda caps: caps.activities):
            return None
        window = list_orders.activity_window(ActivityRange(from_date, to_date), args)
        records = await context_of(info).loaders.activities().load((conn, self.record.key, window))
        return page_of(records, list_orders.ACTIVITIES, args, Activity.from_record)

    @strawberry.field(
        description="Daily cost per entity over at most 31 days; null, at no call, where "
        "the vendor has no billing API (ClickHouse Cloud has one)"
    )
    async def usage_cost(
        self,
        info: Info,
        from_date: FromDay,
        to_date: ToDay,
        filter: Annotated[
            UsageCostFilter | None, strawberry.argument(description="Which entities count")
        ] = None,
    ) -> UsageCostReport | None:
        return await usage_cost(info, self.record, from_date, to_date, filter)

    @strawberry.field(description="NetApp Astra Control details; null for other vendors")
    def astra(self, info: Info) -> AstraOrganization | None:
        return AstraOrganization.of(info, self.record)

    @strawberry.field(description="DBaaS environments and projects; null for other vendors")
    def dbaas(self, info: Info) -> DBaaSOrganization | None:
        return DBaaSOrganization.of(info, self.record)

    @strawberry.field(
        description="Feature switches; null when the vendor has none",
        deprecation_reason="Use featureFlagsConnection, which pages; removed after 2027-06-30",
    )
    def feature_flags(self, info: Info) -> list[FeatureFlag] | None:
        return child_nodes(info, self.record, FEATURE_FLAGS, FeatureFlag.from_record)

    @strawberry.field(
        description="Feature switches, by name; in the vendor's own order where it pages "
        "them (docs/vendors). Null when the vendor has none"
    )
    async def feature_flags_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: OrderByArg = None,
    ) -> Connection[FeatureFlag] | None:
        args = PageArgs(first, after, last, before)
        order = list_orders.FEATURE_FLAGS
        return await child_page(
            info, self.record, FEATURE_FLAGS, order, args, FeatureFlag.from_record, order_by
        )

    @strawberry.field(description="ClickHouse Cloud details; null for other vendors")
    def clickhouse(self) -> ClickHouseOrganization | None:
        return ClickHouseOrganization.from_record(self.record)

    @strawberry.field(description="FeatureBase Cloud details; null for other vendors")
    def featurebase(self) -> FeatureBaseOrganization | None:
        return FeatureBaseOrganization.from_record(self.record)


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
    raw: JSON = RAW
    record: strawberry.Private[DatabaseRecord]
    KIND = DATABASE

    @strawberry.field(
        description="The database engine by name, lower case: clickhouse, postgres, "
        "featurebase, mysql, mongodb, redis...; null where the vendor does not say (an Astra "
        "app is any Kubernetes workload)"
    )
    async def engine(self, info: Info) -> str | None:
        if self.record.engine is not None:
            return self.record.engine
        dbaas = DBaaSDatabase.from_record(self.record)
        return await dbaas.plan_engine(info) if dbaas else None

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
            record=r,
        )

    @strawberry.field(description="The connection this database was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="The organization that owns it")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await linked(info, ORGANIZATION, r.connection.name, r.organization_key)
        return Organization.from_record(org) if org else None

    @strawberry.field(
        description="Backups, newest first; null when the vendor has none",
        deprecation_reason="Use backupsConnection, which pages; removed after 2027-06-30",
    )
    def backups(self, info: Info) -> list[Backup] | None:
        return child_nodes(info, self.record, BACKUPS, Backup.from_record)

    @strawberry.field(
        description="Backups, newest first; in the vendor's own order where it pages "
        "them (docs/vendors). Null when the vendor has none"
    )
    async def backups_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Backup] | None:
        args = PageArgs(first, after, last, before)
        return await child_page(
            info, self.record, BACKUPS, list_orders.BACKUPS, args, Backup.from_record
        )

    @strawberry.field(description="ClickHouse Cloud details; null for other vendors")
    def clickhouse(self) -> ClickHouseDatabase | None:
        return ClickHouseDatabase.from_record(self.record)

    @strawberry.field(
        description="A ClickHouse-managed Postgres service's own details; null for any other "
        "database"
    )
    def clickhouse_postgres(self) -> ClickHousePostgres | None:
        return ClickHousePostgres.from_record(self.record)

    @strawberry.field(description="NetApp Astra Control details; null for other vendors")
    def astra(self) -> AstraDatabase | None:
        return AstraDatabase.from_record(self.record)

    @strawberry.field(
        description="Users clients connect as; null when the vendor has none",
        deprecation_reason="Use credentialsConnection, which pages; removed after 2027-06-30",
    )
    def credentials(self, info: Info) -> list[DatabaseCredential] | None:
        return child_nodes(info, self.record, CREDENTIALS, DatabaseCredential.from_record)

    @strawberry.field(
        description="Users clients connect as, by user name; in the vendor's own order where "
        "it pages them (docs/vendors). Null when the vendor has none"
    )
    async def credentials_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[DatabaseCredential] | None:
        args = PageArgs(first, after, last, before)
        return await child_page(
            info,
            self.record,
            CREDENTIALS,
            list_orders.CREDENTIALS,
            args,
            DatabaseCredential.from_record,
        )

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
    raw: JSON = RAW
    record: strawberry.Private[CredentialRecord]
    KIND = CREDENTIAL

    @classmethod
    def from_record(cls, r: CredentialRecord) -> DatabaseCredential:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            user=r.user,
            record=r,
        )

    @strawberry.field(description="The connection this credential was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="The database it gives access to")
    async def database(self, info: Info) -> Database | None:
        r = self.record
        db = await linked(info, DATABASE, r.connection.name, r.database_key)
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
    raw: JSON = RAW
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
            record=r,
        )

    @strawberry.field(description="The connection this backup was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="The database it was taken from")
    async def database(self, info: Info) -> Database | None:
        r = self.record
        db = await linked(info, DATABASE, r.connection.name, r.database_key)
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
    raw: JSON = RAW
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
            record=r,
        )

    @strawberry.field(
        description="Roles of the vendor's RBAC it holds (ClickHouse); empty where the vendor "
        "has none"
    )
    def assigned_roles(self) -> list[AssignedRoleType]:
        return AssignedRoleType.many(self.record.assigned_roles)

    @strawberry.field(description="The connection this key was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="The organization the key belongs to")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await linked(info, ORGANIZATION, r.connection.name, r.organization_key)
        return Organization.from_record(org) if org else None

    @strawberry.field(description="The member who owns the key, where the vendor says")
    def owner(self, info: Info) -> Member | None:
        r = self.record
        return linked_node(info, MEMBER, r.connection.name, r.owner_key, Member.from_record)


@strawberry.federation.type(keys=ENTITY_KEYS, description="A member of an organization")
class Member(Node, Entity):
    native_id: str = strawberry.field(description="The vendor's own user ID")
    name: str | None = strawberry.field(description="Display name")
    email: str | None = strawberry.field(description="Email address")
    role: MemberRoleEnum = strawberry.field(description="Normalized role")  # type: ignore[valid-type]
    vendor_role: str | None = strawberry.field(description="The vendor's own role name")
    joined_at: datetime | None = strawberry.field(description="When the member joined")
    state: MemberStateEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Whether the member can act (a suspended one cannot); null where the "
        "vendor has no member states"
    )
    vendor_state: str | None = strawberry.field(description="The vendor's own state value")
    raw: JSON = RAW
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
            state=r.state,
            vendor_state=r.vendor_state,
            record=r,
        )

    @strawberry.field(
        description="Roles of the vendor's RBAC it holds (ClickHouse); empty where the vendor "
        "has none"
    )
    def assigned_roles(self) -> list[AssignedRoleType]:
        return AssignedRoleType.many(self.record.assigned_roles)

    @strawberry.field(description="The connection this member was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="The organization the member belongs to")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await linked(info, ORGANIZATION, r.connection.name, r.organization_key)
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
    accepted: bool | None = strawberry.field(
        description="Whether the invitee has joined; Organization.invitations lists only "
        "pending ones (FeatureBase keeps accepted ones: Organization.featurebase)"
    )
    raw: JSON = RAW
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
            accepted=r.accepted,
            record=r,
        )

    @strawberry.field(
        description="Roles of the vendor's RBAC it holds (ClickHouse); empty where the vendor "
        "has none"
    )
    def assigned_roles(self) -> list[AssignedRoleType]:
        return AssignedRoleType.many(self.record.assigned_roles)

    @strawberry.field(description="The connection this invitation was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="The organization it invites to")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await linked(info, ORGANIZATION, r.connection.name, r.organization_key)
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
    raw: JSON = RAW
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
            record=r,
        )

    @strawberry.field(description="The connection this entry was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="The database it concerns, if any (null when since deleted)")
    async def database(self, info: Info) -> Database | None:
        r = self.record
        db = await linked(info, DATABASE, r.connection.name, r.database_key)
        return Database.from_record(db) if db else None


@strawberry.type(description="A feature switch of an organization (Astra feature, ...)")
class FeatureFlag(Node):
    native_id: str = strawberry.field(description="The vendor's own ID")
    name: str = strawberry.field(description="Name, as the vendor spells it (dotted for Astra)")
    enabled: bool | None = strawberry.field(description="Whether the feature is on")
    created_at: datetime | None = strawberry.field(description="When it was created")
    raw: JSON = RAW
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
            record=r,
        )

    @strawberry.field(description="The connection this feature flag was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)

    @strawberry.field(description="The organization it belongs to")
    async def organization(self, info: Info) -> Organization | None:
        r = self.record
        org = await linked(info, ORGANIZATION, r.connection.name, r.organization_key)
        return Organization.from_record(org) if org else None


# -- vendor parts that link back into the graph ------------------------------------------


@strawberry.type(description="FeatureBase Cloud database details")
class FeatureBaseDatabase:
    shape: str | None = strawberry.field(
        description="database_options.shape: a shape name, or a short form such as 8GB"
    )
    owner_id: str | None = strawberry.field(description="User ID of the owner (owned_by)")
    created_by_id: str | None = strawberry.field(description="User ID of the creator (created_by)")
    updated_at: datetime | None = strawberry.field(description="When it was last changed")
    updated_by_id: str | None = strawberry.field(description="User ID of the last change")
    record: strawberry.Private[DatabaseRecord]

    @classmethod
    def from_record(cls, r: DatabaseRecord) -> FeatureBaseDatabase | None:
        d = r.details
        if not isinstance(d, FeatureBaseDatabaseDetails):
            return None
        return cls(
            shape=d.shape,
            owner_id=d.owner_id,
            created_by_id=d.created_by_id,
            updated_at=d.updated_at,
            updated_by_id=d.updated_by_id,
            record=r,
        )

    @strawberry.field(description="The member who owns it; null when that user is gone")
    async def owner(self, info: Info) -> Member | None:
        return await _member(info, self.record, self.owner_id)

    @strawberry.field(description="The member who created it; null when that user is gone")
    async def created_by(self, info: Info) -> Member | None:
        return await _member(info, self.record, self.created_by_id)

    @strawberry.field(description="The shape it runs on; null when shape is a short form")
    async def plan(self, info: Info) -> Plan | None:
        found = await _in_org(info, PLAN, self.record, self.shape)
        return Plan.from_record(found) if found else None

    @strawberry.field(
        description="Its metrics from the query host (one call); null, with no call, when "
        "its status says it cannot be queried, and when the host has none"
    )
    async def metrics(
        self,
        info: Info,
        names: Annotated[
            list[str] | None,
            strawberry.argument(description="Keep only these metric names (or families)"),
        ] = None,
    ) -> FeatureBaseMetricsType | None:
        return await featurebase_metrics(info, self.record, names)


async def _member(info: Info, record: DatabaseRecord, user_id: str | None) -> Member | None:
    found = await _in_org(info, MEMBER, record, user_id)
    return Member.from_record(found) if found else None


async def _in_org(
    info: Info, kind: Kind[R], record: DatabaseRecord, native: str | None
) -> R | None:
    """The object of ``kind`` a FeatureBase database names by ID within its org."""
    if native is None:
        return None
    key = (*record.organization_key, native)
    return await linked(info, kind, record.connection.name, key)


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
