"""What the schema may ask of a ClickHouse Cloud adapter beyond the shared protocol and the
service extras of ``adapters.base`` (2026-06 spec, issue 21 items 4 and 6): a role by ID,
per-replica scaling and its schedule, the settings schema and one setting, private
endpoint creation, the backup bucket, one slow query pattern with its executions, and
BYOC infrastructure. The details they answer and the small protocols the schema checks
for, here rather than in ``adapters.base``/``adapters.details`` so that each stays one
import away from the schema and off the shared files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from adapters.details import ClickHouseRole, ClickHouseSetting, PrivateEndpoint, SlowQueryPattern
from adapters.model import DatabaseRecord, Key

# -- details -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaScaling:
    """``PATCH .../replicaScaling``: what to change; None leaves a value as it is."""

    min_replica_memory_gb: int | None = None
    max_replica_memory_gb: int | None = None
    num_replicas: int | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    replica_memory_gb: int | None = None
    idle_scaling: bool | None = None
    idle_timeout_minutes: int | None = None


@dataclass(frozen=True)
class ScalingWindow:
    """One entry of a scaling schedule (``ScalingScheduleEntry``): the scaling in force
    on some weekdays between two UTC hours. ``id``/``active_now`` only in answers."""

    name: str
    weekdays: tuple[int, ...]
    start_hour_utc: int
    #: exclusive; 24 is midnight; less than the start spans midnight
    end_hour_utc: int
    min_replica_memory_gb: float | None = None
    max_replica_memory_gb: float | None = None
    #: a window runs a fixed count: the vendor wants min and max equal
    replicas: int | None = None
    idle_scaling: bool | None = None
    idle_timeout_minutes: int | None = None
    id: str | None = None
    active_now: bool | None = None


@dataclass(frozen=True)
class ScalingBase:
    """The scaling in force when no window is (``ScalingScheduleBaseConfig``)."""

    min_replica_memory_gb: float | None
    max_replica_memory_gb: float | None
    min_replicas: int | None
    max_replicas: int | None
    idle_scaling: bool | None
    idle_timeout_minutes: int | None


@dataclass(frozen=True)
class ScalingSchedule:
    windows: tuple[ScalingWindow, ...]
    base: ScalingBase
    active_window_id: str | None


@dataclass(frozen=True)
class SettingSchemaEntry:
    """A configurable ClickHouse setting as the schema endpoint describes it."""

    name: str
    type: str | None
    description: str | None
    #: the spec's ``enum``: the values allowed, where it is one
    allowed_values: tuple[str, ...]
    warning: str | None
    deprecation_notice: str | None
    example: str | None


@dataclass(frozen=True)
class BackupBucketInput:
    """A backup bucket to create or change: one provider's fields. The secret
    (``secret_access_key``, ``connection_string``) goes to the vendor and nowhere else."""

    provider: str  # AWS, GCP or AZURE
    bucket_path: str | None = None
    iam_role_arn: str | None = None
    iam_role_session_name: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    container_name: str | None = None
    connection_string: str | None = None


@dataclass(frozen=True)
class BackupBucket:
    """A service's own backup bucket, as much of it as is safe to show: never a secret,
    and the access key ID only as a hint (its last four characters)."""

    id: str | None
    provider: str | None
    bucket_path: str | None
    iam_role_arn: str | None
    iam_role_session_name: str | None
    access_key_id_hint: str | None
    container_name: str | None


@dataclass(frozen=True)
class QueryExecution:
    """One recent execution of a slow query pattern (``PostgresQueryExecution``)."""

    timestamp: datetime | None
    db_name: str | None
    db_user: str | None
    app: str | None
    query_text: str | None
    pid: str | None
    duration_us: int | None
    rows: int | None
    shared_blocks_hit: int | None
    shared_blocks_read: int | None
    temp_blocks_written: int | None
    wal_bytes: int | None


@dataclass(frozen=True)
class SlowQueryPatternQuery:
    """Which pattern: the vendor keys one by its ID and its database, user and operation."""

    query_id: str
    db_name: str
    db_user: str
    db_operation: str
    app: str | None = None
    #: one execution's time, to see that one among the recent ones
    timestamp: datetime | None = None


@dataclass(frozen=True)
class SlowQueryPatternDetail:
    aggregate: SlowQueryPattern | None
    recent_executions: tuple[QueryExecution, ...]


@dataclass(frozen=True)
class ByocInfrastructure:
    """A BYOC (bring your own cloud) infrastructure of an organization (``ByocConfig``)."""

    id: str
    state: str | None
    account_name: str | None
    region: str | None
    cloud_provider: str | None
    display_name: str | None


@dataclass(frozen=True)
class NewByocInfrastructure:
    region: str
    account_id: str
    availability_zone_suffixes: tuple[str, ...]
    vpc_cidr_range: str
    display_name: str


# -- protocols -----------------------------------------------------------------------------


@runtime_checkable
class ClickHouseRoleLookup(Protocol):
    """Roles by key ``(organization, role ID)``, a batch like ``get_*`` of the protocol."""

    async def get_roles(self, keys: Sequence[Key]) -> list[ClickHouseRole | None]: ...


@runtime_checkable
class ClickHouseServiceScaling(Protocol):
    """A ClickHouse service's per-replica scaling and its weekly schedule."""

    async def scale_replicas(self, database: Key, change: ReplicaScaling) -> DatabaseRecord: ...
    async def get_scaling_schedule(self, database: Key) -> ScalingSchedule | None: ...
    async def set_scaling_schedule(
        self, database: Key, windows: tuple[ScalingWindow, ...]
    ) -> ScalingSchedule | None: ...
    async def delete_scaling_schedule(self, database: Key) -> None: ...


@runtime_checkable
class ClickHouseServiceOps(Protocol):
    """A ClickHouse service's settings schema, one setting, private endpoint creation and
    backup bucket."""

    async def get_settings_schema(self, database: Key) -> list[SettingSchemaEntry]: ...
    async def get_clickhouse_setting(
        self, database: Key, name: str
    ) -> ClickHouseSetting | None: ...
    async def create_private_endpoint(
        self, database: Key, endpoint_id: str, description: str | None
    ) -> PrivateEndpoint: ...
    async def get_backup_bucket(self, database: Key) -> BackupBucket | None: ...
    async def write_backup_bucket(
        self, database: Key, bucket: BackupBucketInput, *, create: bool
    ) -> BackupBucket: ...
    async def delete_backup_bucket(self, database: Key) -> None: ...


@runtime_checkable
class ClickHouseSlowQueryDetail(Protocol):
    async def get_postgres_slow_query_pattern(
        self, database: Key, query: SlowQueryPatternQuery
    ) -> SlowQueryPatternDetail | None: ...


@runtime_checkable
class ClickHouseByoc(Protocol):
    """An organization's BYOC infrastructure: listed from the organization's own answer
    (its ``byocConfig``), created, renamed, removed."""

    async def list_byoc_infrastructures(self, organization: Key) -> list[ByocInfrastructure]: ...
    async def create_byoc_infrastructure(
        self, organization: Key, new: NewByocInfrastructure
    ) -> ByocInfrastructure: ...
    async def rename_byoc_infrastructure(
        self, organization: Key, infrastructure: str, display_name: str
    ) -> ByocInfrastructure: ...
    async def delete_byoc_infrastructure(self, organization: Key, infrastructure: str) -> None: ...
