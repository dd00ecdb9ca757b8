"""The 2026-06 spec's remaining ClickHouse reads as typed fields (issue 21 items 4 and 6):
the settings schema, one setting, the scaling schedule and the backup bucket of a service
(``Database.clickhouse``); a role by ID and BYOC infrastructure of an organization
(``Organization.clickhouse``). Each through a protocol of ``adapters.clickhouse_ops``;
one slow query pattern is in ``clickhouse_postgres_queries``.

The fields live on base types that ``ClickHouseDatabase`` and ``ClickHouseOrganization``
inherit, so that ``clickhouse.py`` stays as it was."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from adapters.base import Adapter
from adapters.clickhouse_ops import (
    BackupBucket,
    ByocInfrastructure,
    ClickHouseByoc,
    ClickHouseServiceOps,
    ClickHouseServiceScaling,
    ScalingSchedule,
    ScalingWindow,
    SettingSchemaEntry,
)
from schema.context import context_of
from schema.kinds import not_offered
from schema.vendor_types.clickhouse_extras import ClickHouseSettingType
from schema.vendor_types.clickhouse_roles import CLICKHOUSE_ROLE, ClickHouseRoleType

if TYPE_CHECKING:
    from adapters.model import DatabaseRecord, OrganizationRecord


def service_ops(adapter: Adapter) -> ClickHouseServiceOps:
    if isinstance(adapter, ClickHouseServiceOps):
        return adapter
    raise not_offered(adapter, "ClickHouse service settings and backup buckets")


def scaling(adapter: Adapter) -> ClickHouseServiceScaling:
    if isinstance(adapter, ClickHouseServiceScaling):
        return adapter
    raise not_offered(adapter, "ClickHouse replica scaling")


def byoc(adapter: Adapter) -> ClickHouseByoc:
    if isinstance(adapter, ClickHouseByoc):
        return adapter
    raise not_offered(adapter, "ClickHouse BYOC infrastructure")


def _adapter(info: Info, connection: str) -> Adapter:
    return context_of(info).loaders.adapter(connection)


# -- service ------------------------------------------------------------------------------


@strawberry.type(description="A configurable ClickHouse setting: what it takes and means")
class ClickHouseSettingSchemaEntry:
    name: str = strawberry.field(description="Setting name, e.g. compatibility")
    type: str | None = strawberry.field(description="Type of its value, e.g. string, uint64")
    description: str | None = strawberry.field(description="What it does")
    allowed_values: list[str] = strawberry.field(
        description="The values it takes, where it is an enumeration; else empty"
    )
    example: str | None = strawberry.field(description="An example value, as text")
    warning: str | None = strawberry.field(description="What changing it may disrupt")
    deprecation_notice: str | None = strawberry.field(
        description="Why and when it goes away, if it is deprecated"
    )

    @classmethod
    def from_details(cls, e: SettingSchemaEntry) -> ClickHouseSettingSchemaEntry:
        return cls(
            name=e.name,
            type=e.type,
            description=e.description,
            allowed_values=list(e.allowed_values),
            example=e.example,
            warning=e.warning,
            deprecation_notice=e.deprecation_notice,
        )


@strawberry.type(description="One window of a scaling schedule: its days, hours and scaling")
class ClickHouseScalingWindow:
    id: str | None = strawberry.field(description="The vendor's ID of the window")
    name: str = strawberry.field(description="Its label, e.g. Business hours")
    weekdays: list[int] = strawberry.field(description="Days it applies: 0 Sunday ... 6 Saturday")
    start_hour_utc: int = strawberry.field(description="Hour it starts, 0-23 UTC (inclusive)")
    end_hour_utc: int = strawberry.field(
        description="Hour it ends, 1-24 UTC (exclusive); below the start it spans midnight"
    )
    min_replica_memory_gb: float | None = strawberry.field(
        description="Minimum memory per replica while it is active"
    )
    max_replica_memory_gb: float | None = strawberry.field(
        description="Maximum memory per replica while it is active"
    )
    replicas: int | None = strawberry.field(description="Replicas while it is active")
    idle_scaling: bool | None = strawberry.field(description="May scale to zero while active")
    idle_timeout_minutes: int | None = strawberry.field(
        description="Idle time before scaling to zero while active"
    )
    active_now: bool | None = strawberry.field(
        description="In force now (the vendor applies windows best-effort, minutes late)"
    )

    @classmethod
    def from_details(cls, w: ScalingWindow) -> ClickHouseScalingWindow:
        return cls(
            id=w.id,
            name=w.name,
            weekdays=list(w.weekdays),
            start_hour_utc=w.start_hour_utc,
            end_hour_utc=w.end_hour_utc,
            min_replica_memory_gb=w.min_replica_memory_gb,
            max_replica_memory_gb=w.max_replica_memory_gb,
            replicas=w.replicas,
            idle_scaling=w.idle_scaling,
            idle_timeout_minutes=w.idle_timeout_minutes,
            active_now=w.active_now,
        )


@strawberry.type(description="The scaling in force when no window of the schedule is")
class ClickHouseScalingBase:
    min_replica_memory_gb: float | None = strawberry.field(description="Minimum per replica")
    max_replica_memory_gb: float | None = strawberry.field(description="Maximum per replica")
    min_replicas: int | None = strawberry.field(description="Fewest replicas")
    max_replicas: int | None = strawberry.field(description="Most replicas")
    idle_scaling: bool | None = strawberry.field(description="May scale to zero when idle")
    idle_timeout_minutes: int | None = strawberry.field(
        description="Idle time before scaling to zero"
    )


@strawberry.type(description="A service's weekly scaling schedule")
class ClickHouseScalingSchedule:
    windows: list[ClickHouseScalingWindow] = strawberry.field(description="Its windows")
    base: ClickHouseScalingBase = strawberry.field(
        description="The scaling outside every window (set with scaleClickHouseReplicas)"
    )
    active_window_id: str | None = strawberry.field(
        description="The window in force now; null when the base is"
    )

    @classmethod
    def from_details(cls, s: ScalingSchedule) -> ClickHouseScalingSchedule:
        b = s.base
        return cls(
            windows=[ClickHouseScalingWindow.from_details(w) for w in s.windows],
            base=ClickHouseScalingBase(
                min_replica_memory_gb=b.min_replica_memory_gb,
                max_replica_memory_gb=b.max_replica_memory_gb,
                min_replicas=b.min_replicas,
                max_replicas=b.max_replicas,
                idle_scaling=b.idle_scaling,
                idle_timeout_minutes=b.idle_timeout_minutes,
            ),
            active_window_id=s.active_window_id,
        )


@strawberry.type(
    description="A service's own backup bucket; its credential is never shown, not even "
    "to admins (the access key ID only as a hint)"
)
class ClickHouseBackupBucket:
    id: str | None = strawberry.field(description="The vendor's bucket ID")
    provider: str | None = strawberry.field(description="AWS, GCP or AZURE")
    bucket_path: str | None = strawberry.field(description="Bucket path (AWS, GCP)")
    iam_role_arn: str | None = strawberry.field(description="IAM role the vendor assumes (AWS)")
    iam_role_session_name: str | None = strawberry.field(description="Its session name (AWS)")
    access_key_id_hint: str | None = strawberry.field(
        description="Last four characters of the HMAC access key ID (GCP)"
    )
    container_name: str | None = strawberry.field(description="Container name (Azure)")

    @classmethod
    def from_details(cls, b: BackupBucket) -> ClickHouseBackupBucket:
        return cls(
            id=b.id,
            provider=b.provider,
            bucket_path=b.bucket_path,
            iam_role_arn=b.iam_role_arn,
            iam_role_session_name=b.iam_role_session_name,
            access_key_id_hint=b.access_key_id_hint,
            container_name=b.container_name,
        )


@strawberry.type(description="The 2026-06 spec's further fields of a ClickHouse service")
class ClickHouseServiceOpsFields:
    if TYPE_CHECKING:
        record: DatabaseRecord

    @strawberry.field(
        description="Every setting changeClickHouseSettings takes, with its type, meaning "
        "and allowed values (one call)"
    )
    async def clickhouse_settings_schema(self, info: Info) -> list[ClickHouseSettingSchemaEntry]:
        ops = service_ops(_adapter(info, self.record.connection.name))
        found = await ops.get_settings_schema(self.record.key)
        return [ClickHouseSettingSchemaEntry.from_details(e) for e in found]

    @strawberry.field(
        description="One ClickHouse setting's value, without listing them all (one call); "
        "null when the service has no such setting"
    )
    async def clickhouse_setting(
        self,
        info: Info,
        name: Annotated[
            str, strawberry.argument(description="The setting's name, e.g. max_threads")
        ],
    ) -> ClickHouseSettingType | None:
        ops = service_ops(_adapter(info, self.record.connection.name))
        found = await ops.get_clickhouse_setting(self.record.key, name)
        return ClickHouseSettingType.from_details(found) if found else None

    @strawberry.field(description="Its weekly scaling schedule; null until set (one call)")
    async def scaling_schedule(self, info: Info) -> ClickHouseScalingSchedule | None:
        adapter = scaling(_adapter(info, self.record.connection.name))
        found = await adapter.get_scaling_schedule(self.record.key)
        return ClickHouseScalingSchedule.from_details(found) if found else None

    @strawberry.field(
        description="Its own backup bucket; null when backups go to the vendor's storage "
        "(one call, never cached)"
    )
    async def backup_bucket(self, info: Info) -> ClickHouseBackupBucket | None:
        ops = service_ops(_adapter(info, self.record.connection.name))
        found = await ops.get_backup_bucket(self.record.key)
        return ClickHouseBackupBucket.from_details(found) if found else None


# -- organization ---------------------------------------------------------------------------


@strawberry.type(description="BYOC (bring your own cloud) infrastructure of an organization")
class ClickHouseByocInfrastructure:
    id: str = strawberry.field(description="The vendor's ID (a UUID)")
    state: str | None = strawberry.field(
        description="infra-provisioning, infra-ready or infra-terminated"
    )
    account_name: str | None = strawberry.field(description="The cloud account it is in")
    region: str | None = strawberry.field(description="Region its services may be created in")
    cloud_provider: str | None = strawberry.field(description="aws, gcp or azure")
    display_name: str | None = strawberry.field(description="Its human-readable name")

    @classmethod
    def from_details(cls, b: ByocInfrastructure) -> ClickHouseByocInfrastructure:
        return cls(
            id=b.id,
            state=b.state,
            account_name=b.account_name,
            region=b.region,
            cloud_provider=b.cloud_provider,
            display_name=b.display_name,
        )


@strawberry.type(description="The 2026-06 spec's further fields of a ClickHouse organization")
class ClickHouseOrganizationOpsFields:
    if TYPE_CHECKING:
        record: OrganizationRecord

    @strawberry.field(
        description="One RBAC role by its nativeId; null if there is none. Several in one "
        "request are one roles list; after roles, no call"
    )
    async def role(
        self,
        info: Info,
        native_id: Annotated[str, strawberry.argument(description="The role's ID (a UUID)")],
    ) -> ClickHouseRoleType | None:
        key = (*self.record.key, native_id)
        found = (
            await context_of(info)
            .loaders.by_key(CLICKHOUSE_ROLE)
            .load((self.record.connection.name, key))
        )
        return ClickHouseRoleType.from_details(found) if found else None

    @strawberry.field(
        description="Its BYOC infrastructure (one call: the organization's own answer)"
    )
    async def byoc_infrastructures(self, info: Info) -> list[ClickHouseByocInfrastructure]:
        adapter = byoc(_adapter(info, self.record.connection.name))
        found = await adapter.list_byoc_infrastructures(self.record.key)
        return [ClickHouseByocInfrastructure.from_details(b) for b in found]
