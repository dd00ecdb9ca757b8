"""Mutation inputs: one input object per mutation, vendor options in one field per vendor.

Each vendor options input turns itself into the adapter's options dataclass
(``to_options``); node IDs inside options are decoded here and must belong to the target's
connection. Field names of the dataclasses match the inputs' Python names, so an adapter's
``InvalidInputError`` path maps back to the GraphQL path by camel-casing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from adapters.commands import (
    AstraCreateOptions,
    ClickHouseCreateOptions,
    ClickHousePostgresCreateOptions,
    ClickHousePostgresUpdateOptions,
    ClickHouseScaleOptions,
    ClickHouseUpdateOptions,
    DBaaSCreateOptions,
    DBaaSUpdateOptions,
    FeatureBaseCreateOptions,
    FeatureBaseUpdateOptions,
    IpAccessEntry,
)
from adapters.errors import InvalidInputError
from adapters.model import Key
from schema.common import ApiKeyStateEnum, BackupKindEnum, MemberRoleEnum
from schema.ids import decode_id
from schema.kinds import BACKUP, DATABASE, MEMBER, PLAN, NodeKind


def key_in(connection: str, value: str | None, kind: NodeKind[Any], field: str) -> Key | None:
    """The vendor key of an ID that must name an object of ``kind`` on ``connection``."""
    if value is None:
        return None
    gid = decode_id(value, kind)
    if gid.connection != connection:
        raise InvalidInputError(
            (field,),
            f"names a {kind.type_name} of connection '{gid.connection}', not '{connection}'",
        )
    return gid.key


@strawberry.input(description="One entry of an IP access list")
class IpAccessEntryInput:
    source: str = strawberry.field(description="An IP address or CIDR range")
    description: str | None = strawberry.field(default=None, description="What it is for")

    def to_entry(self) -> IpAccessEntry:
        return IpAccessEntry(source=self.source, description=self.description)


def _entries(values: list[IpAccessEntryInput] | None) -> tuple[IpAccessEntry, ...] | None:
    return None if values is None else tuple(v.to_entry() for v in values)


# -- vendor options of createDatabase -----------------------------------------------------


@strawberry.input(
    description="A ClickHouse-managed Postgres service (POST postgres): new, restored from "
    "another to a point in time, or a read replica of another"
)
class ClickHousePostgresCreateInput:
    size: str | None = strawberry.field(
        default=None, description="VM size (the spec's pgSize), e.g. m6gd.large; required new"
    )
    postgres_version: str | None = strawberry.field(
        default=None, description="Postgres major version: 17 or 18"
    )
    ha_type: str | None = strawberry.field(
        default=None, description="High availability: none, async or sync"
    )
    from_database_id: strawberry.ID | None = strawberry.field(
        default=None, description="Restore this Postgres service (a Database), with restoreTo"
    )
    restore_to: datetime | None = strawberry.field(
        default=None, description="The point in time to restore fromDatabaseId to"
    )
    read_replica_of_id: strawberry.ID | None = strawberry.field(
        default=None, description="Make a read replica of this Postgres service (a Database)"
    )

    def to_options(self, connection: str) -> ClickHousePostgresCreateOptions:
        return ClickHousePostgresCreateOptions(
            size=self.size,
            postgres_version=self.postgres_version,
            ha_type=self.ha_type,
            from_database=key_in(connection, self.from_database_id, DATABASE, "from_database_id"),
            restore_to=self.restore_to,
            read_replica_of=key_in(
                connection, self.read_replica_of_id, DATABASE, "read_replica_of_id"
            ),
        )


@strawberry.input(description="Changes to a ClickHouse-managed Postgres service (PATCH postgres)")
class ClickHousePostgresUpdateInput:
    size: str | None = strawberry.field(default=None, description="New VM size (pgSize)")
    ha_type: str | None = strawberry.field(
        default=None, description="New high availability: none, async or sync"
    )

    def to_options(self) -> ClickHousePostgresUpdateOptions:
        return ClickHousePostgresUpdateOptions(size=self.size, ha_type=self.ha_type)


@strawberry.input(description="ClickHouse Cloud service settings (POST services)")
class ClickHouseCreateDatabaseInput:
    provider: str | None = strawberry.field(default=None, description="aws, gcp or azure")
    region: str | None = strawberry.field(default=None, description="Cloud region, e.g. us-east-1")
    tier: str | None = strawberry.field(default=None, description="development or production")
    min_total_memory_gb: int | None = strawberry.field(
        default=None, description="Lower autoscaling bound: a multiple of 12 in 24..720"
    )
    max_total_memory_gb: int | None = strawberry.field(
        default=None, description="Upper autoscaling bound: a multiple of 12 in 24..720"
    )
    num_replicas: int | None = strawberry.field(default=None, description="Replica count")
    idle_scaling: bool | None = strawberry.field(default=None, description="May scale to zero")
    idle_timeout_minutes: int | None = strawberry.field(
        default=None, description="Idle minutes before it sleeps; at least 5"
    )
    ip_access_list: list[IpAccessEntryInput] | None = strawberry.field(
        default=None, description="Who may connect"
    )
    from_backup_id: strawberry.ID | None = strawberry.field(
        default=None, description="Restore this Backup (same region and tier) into the new service"
    )
    postgres: ClickHousePostgresCreateInput | None = strawberry.field(
        default=None,
        description="Create a managed Postgres service instead (region here; no tier, memory, "
        "replica, idle or access list option)",
    )

    def to_options(self, connection: str) -> ClickHouseCreateOptions:
        return ClickHouseCreateOptions(
            provider=self.provider,
            region=self.region,
            tier=self.tier,
            min_total_memory_gb=self.min_total_memory_gb,
            max_total_memory_gb=self.max_total_memory_gb,
            num_replicas=self.num_replicas,
            idle_scaling=self.idle_scaling,
            idle_timeout_minutes=self.idle_timeout_minutes,
            ip_access_list=_entries(self.ip_access_list),
            from_backup=key_in(connection, self.from_backup_id, BACKUP, "from_backup_id"),
            postgres=self.postgres.to_options(connection) if self.postgres else None,
        )


@strawberry.input(description="FeatureBase Cloud database settings (POST databases)")
class FeatureBaseCreateDatabaseInput:
    shape: str | None = strawberry.field(default=None, description="Deployment shape, e.g. 8GB")

    def to_options(self, connection: str) -> FeatureBaseCreateOptions:
        return FeatureBaseCreateOptions(shape=self.shape)


@strawberry.input(description="Astra Control application settings (POST apps)")
class AstraCreateDatabaseInput:
    cluster_id: str | None = strawberry.field(
        default=None, description="The managed Kubernetes cluster"
    )
    namespace: str | None = strawberry.field(default=None, description="The namespace to manage")
    from_backup_id: strawberry.ID | None = strawberry.field(
        default=None, description="Restore this Backup or snapshot into the new application"
    )

    def to_options(self, connection: str) -> AstraCreateOptions:
        return AstraCreateOptions(
            cluster_id=self.cluster_id,
            namespace=self.namespace,
            from_backup=key_in(connection, self.from_backup_id, BACKUP, "from_backup_id"),
        )


@strawberry.input(description="DBaaS database settings (POST database)")
class DBaaSCreateDatabaseInput:
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="A Plan ID")
    environment: str | None = strawberry.field(default=None, description="Environment ID or name")
    project: str | None = strawberry.field(default=None, description="Project ID")

    def to_options(self, connection: str) -> DBaaSCreateOptions:
        return DBaaSCreateOptions(
            plan=key_in(connection, self.plan_id, PLAN, "plan_id"),
            environment=self.environment,
            project=self.project,
        )


# -- vendor options of updateDatabase and scaleDatabase ------------------------------------


@strawberry.input(description="ClickHouse service changes (PATCH service)")
class ClickHouseUpdateDatabaseInput:
    ip_access_list_add: list[IpAccessEntryInput] | None = strawberry.field(
        default=None, description="Entries to allow"
    )
    ip_access_list_remove: list[IpAccessEntryInput] | None = strawberry.field(
        default=None, description="Entries to remove"
    )
    postgres: ClickHousePostgresUpdateInput | None = strawberry.field(
        default=None, description="Changes to a managed Postgres service (only there)"
    )

    def to_options(self, connection: str) -> ClickHouseUpdateOptions:
        return ClickHouseUpdateOptions(
            ip_access_list_add=_entries(self.ip_access_list_add) or (),
            ip_access_list_remove=_entries(self.ip_access_list_remove) or (),
            postgres=self.postgres.to_options() if self.postgres else None,
        )


@strawberry.input(description="FeatureBase database changes (PATCH database)")
class FeatureBaseUpdateDatabaseInput:
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Member who becomes its owner"
    )

    def to_options(self, connection: str) -> FeatureBaseUpdateOptions:
        return FeatureBaseUpdateOptions(owner=key_in(connection, self.owner_id, MEMBER, "owner_id"))


@strawberry.input(description="DBaaS database changes (PATCH database)")
class DBaaSUpdateDatabaseInput:
    project: str | None = strawberry.field(default=None, description="Project ID")

    def to_options(self, connection: str) -> DBaaSUpdateOptions:
        return DBaaSUpdateOptions(project=self.project)


@strawberry.input(description="ClickHouse scaling (PATCH scaling / replicaScaling)")
class ClickHouseScaleDatabaseInput:
    min_total_memory_gb: int | None = strawberry.field(
        default=None, description="Lower bound: a multiple of 12 in 24..720"
    )
    max_total_memory_gb: int | None = strawberry.field(
        default=None, description="Upper bound: a multiple of 12 in 24..720"
    )
    num_replicas: int | None = strawberry.field(default=None, description="Replica count")
    idle_scaling: bool | None = strawberry.field(default=None, description="May scale to zero")
    idle_timeout_minutes: int | None = strawberry.field(
        default=None, description="Idle minutes before it sleeps; at least 5"
    )

    def to_options(self, connection: str) -> ClickHouseScaleOptions:
        return ClickHouseScaleOptions(
            min_total_memory_gb=self.min_total_memory_gb,
            max_total_memory_gb=self.max_total_memory_gb,
            num_replicas=self.num_replicas,
            idle_scaling=self.idle_scaling,
            idle_timeout_minutes=self.idle_timeout_minutes,
        )


# -- mutation inputs -------------------------------------------------------------------------


@strawberry.input(description="A new database; set the options field of the target's vendor")
class CreateDatabaseInput:
    organization_id: strawberry.ID = strawberry.field(description="Organization to create it in")
    name: str = strawberry.field(description="Database name")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key within 10 minutes returns the first result",
    )
    clickhouse: ClickHouseCreateDatabaseInput | None = strawberry.field(
        default=None, description="ClickHouse options"
    )
    featurebase: FeatureBaseCreateDatabaseInput | None = strawberry.field(
        default=None, description="FeatureBase options"
    )
    astra: AstraCreateDatabaseInput | None = strawberry.field(
        default=None, description="Astra options"
    )
    dbaas: DBaaSCreateDatabaseInput | None = strawberry.field(
        default=None, description="DBaaS options"
    )


@strawberry.input(description="Changes to a database; unset fields stay as they are")
class UpdateDatabaseInput:
    id: strawberry.ID = strawberry.field(description="The Database")
    name: str | None = strawberry.field(default=None, description="New name")
    clickhouse: ClickHouseUpdateDatabaseInput | None = strawberry.field(
        default=None, description="ClickHouse options"
    )
    featurebase: FeatureBaseUpdateDatabaseInput | None = strawberry.field(
        default=None, description="FeatureBase options"
    )
    dbaas: DBaaSUpdateDatabaseInput | None = strawberry.field(
        default=None, description="DBaaS options"
    )


@strawberry.input(description="A database to act on")
class DatabaseIdInput:
    id: strawberry.ID = strawberry.field(description="The Database")


@strawberry.input(description="New scaling of a database")
class ScaleDatabaseInput:
    id: strawberry.ID = strawberry.field(description="The Database")
    clickhouse: ClickHouseScaleDatabaseInput | None = strawberry.field(
        default=None, description="ClickHouse scaling"
    )


@strawberry.input(description="A database or one of its credentials whose password to reset")
class ResetDatabasePasswordInput:
    id: strawberry.ID = strawberry.field(
        description="A Database (ClickHouse) or a DatabaseCredential (DBaaS)"
    )


@strawberry.input(description="A new API key")
class CreateApiKeyInput:
    organization_id: strawberry.ID = strawberry.field(description="Organization of the key")
    name: str = strawberry.field(description="Key name")
    role: MemberRoleEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="What the key may do, where keys have roles"
    )
    expires_at: datetime | None = strawberry.field(default=None, description="When it expires")
    owner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Member who owns it, where keys belong to users"
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key within 10 minutes returns the first result",
    )


@strawberry.input(description="Changes to an API key; unset fields stay as they are")
class UpdateApiKeyInput:
    id: strawberry.ID = strawberry.field(description="The ApiKey")
    name: str | None = strawberry.field(default=None, description="New name")
    role: MemberRoleEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="New role"
    )
    expires_at: datetime | None = strawberry.field(default=None, description="New expiry")
    state: ApiKeyStateEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="ENABLED or DISABLED"
    )


@strawberry.input(description="An object to remove or revoke, by ID")
class IdInput:
    id: strawberry.ID = strawberry.field(description="The object's ID")


@strawberry.input(description="An invitation to join an organization")
class InviteMemberInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    email: str = strawberry.field(description="Who to invite")
    role: MemberRoleEnum = strawberry.field(  # type: ignore[valid-type]
        description="Role the member gets"
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key within 10 minutes returns the first result",
    )


@strawberry.input(description="A member's new role")
class UpdateMemberRoleInput:
    id: strawberry.ID = strawberry.field(description="The Member")
    role: MemberRoleEnum = strawberry.field(description="New role")  # type: ignore[valid-type]


@strawberry.input(description="Changes to an organization")
class UpdateOrganizationInput:
    id: strawberry.ID = strawberry.field(description="The Organization")
    name: str | None = strawberry.field(default=None, description="New name")


@strawberry.input(description="A new backup or snapshot of a database")
class CreateBackupInput:
    database_id: strawberry.ID = strawberry.field(description="The Database")
    name: str = strawberry.field(description="Backup name")
    kind: BackupKindEnum = strawberry.field(  # type: ignore[valid-type]
        default=BackupKindEnum.BACKUP,  # type: ignore[attr-defined]
        description="BACKUP or SNAPSHOT",
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key within 10 minutes returns the first result",
    )


@strawberry.input(description="A database's automatic backup schedule")
class UpdateBackupConfigurationInput:
    database_id: strawberry.ID = strawberry.field(description="The Database")
    period_hours: int | None = strawberry.field(default=None, description="Hours between backups")
    retention_period_hours: int | None = strawberry.field(
        default=None, description="Hours a backup is kept"
    )
    start_time: str | None = strawberry.field(
        default=None, description="Daily start time HH:MM (UTC)"
    )
