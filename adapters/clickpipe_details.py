"""ClickHouse Cloud ClickPipes (2026-06 spec) as the schema sees them: pipes, their scaling
and settings, a service's CDC scaling and its reverse private endpoints, and the
``ClickHousePipes`` protocol that reads and writes them.

Outside the vendor package so the schema can type them without importing a vendor. A
pipe's source holds credentials when it is written; what a pipe answers is redacted by the
adapter before it is a ``ClickPipe`` (``raw`` and ``source.details`` included).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from adapters.frozen import record
from adapters.model import Key

#: the spec's pipe settings (``ClickPipeSettings``): name -> (kind, minimum, maximum)
PIPE_SETTINGS: Mapping[str, tuple[type, int, int]] = {
    "streaming_max_insert_wait_ms": (int, 500, 60000),
    "object_storage_concurrency": (int, 1, 35),
    "object_storage_polling_interval_ms": (int, 100, 3600000),
    "object_storage_max_insert_bytes": (int, 10485760, 53687091200),
    "object_storage_max_file_count": (int, 1, 10000),
    "clickhouse_max_threads": (int, 0, 64),
    "clickhouse_max_insert_threads": (int, 0, 16),
    "clickhouse_min_insert_block_size_bytes": (int, 0, 10737418240),
    "clickhouse_max_download_threads": (int, 0, 32),
    "clickhouse_parallel_distributed_insert_select": (int, 0, 2),
    "object_storage_use_cluster_function": (bool, 0, 1),
    "clickhouse_parallel_view_processing": (bool, 0, 1),
}
SettingValue = int | bool | None


@record
class PipeScaling:
    replicas: int | None = None
    #: deprecated by the vendor (object storage pipes)
    concurrency: int | None = None
    replica_cpu_millicores: int | None = None
    replica_memory_gb: float | None = None


@record
class PipeColumn:
    name: str | None
    type: str | None


@record
class PipeTableMapping:
    """One table (or collection) a database pipe replicates."""

    #: Postgres/MySQL schema, BigQuery dataset or MongoDB database
    source_schema: str | None
    #: a table, or a MongoDB collection
    source_table: str | None
    target_table: str | None
    excluded_columns: tuple[str, ...]
    table_engine: str | None


@record
class PipeSource:
    #: which of the spec's source objects is set: kafka, objectStorage, kinesis, pubsub,
    #: postgres, mysql, bigquery, mongodb
    kind: str | None
    type: str | None
    format: str | None
    authentication: str | None
    iam_role: str | None
    #: Kafka brokers, object storage URL, Kinesis stream, Pub/Sub topic, database host
    location: str | None
    topics: str | None
    region: str | None
    project_id: str | None
    port: int | None
    database: str | None
    table_mappings: tuple[PipeTableMapping, ...]
    reverse_private_endpoint_ids: tuple[str, ...]
    #: the kind's whole object, redacted
    details: dict[str, Any]


@record
class PipeDestination:
    database: str | None
    table: str | None
    managed_table: bool | None
    engine: str | None
    sorting_key: tuple[str, ...]
    partition_by: str | None
    primary_key: str | None
    columns: tuple[PipeColumn, ...]


@record
class PipeFieldMapping:
    source_field: str | None
    destination_field: str | None


@record
class ClickPipe:
    native_id: str
    service_id: str | None
    name: str | None
    state: str | None
    scaling: PipeScaling | None
    source: PipeSource | None
    destination: PipeDestination | None
    field_mappings: tuple[PipeFieldMapping, ...]
    #: None where the pipe's answer has no settings object (read them on their own)
    settings: dict[str, SettingValue] | None
    created_at: datetime | None
    updated_at: datetime | None
    #: the vendor's answer, redacted
    raw: dict[str, Any]


@record
class CdcScaling:
    """The compute a service's database (CDC) pipes share."""

    replica_cpu_millicores: int | None
    replica_memory_gb: float | None


@record
class ReversePrivateEndpoint:
    native_id: str
    service_id: str | None
    description: str | None
    type: str | None
    status: str | None
    endpoint_id: str | None
    vpc_endpoint_service_name: str | None
    vpc_resource_configuration_id: str | None
    vpc_resource_share_arn: str | None
    msk_cluster_arn: str | None
    msk_authentication: str | None
    gcp_service_attachment: str | None
    dns_names: tuple[str, ...]
    private_dns_names: tuple[str, ...]
    custom_private_dns_names: tuple[str, ...]


@record
class DestinationWrite:
    """A new pipe's destination (all of it), or an update's columns (only they change)."""

    database: str | None = None
    table: str | None = None
    managed_table: bool | None = None
    engine: str | None = None
    version_column: str | None = None
    sum_columns: tuple[str, ...] | None = None
    sorting_key: tuple[str, ...] | None = None
    partition_by: str | None = None
    primary_key: str | None = None
    columns: tuple[tuple[str, str], ...] | None = None
    roles: tuple[str, ...] | None = None


@record
class PipeWrite:
    """A new pipe, or the parts of one to change (None: unchanged)."""

    name: str | None = None
    #: the spec's source object: one kind's object, credentials included
    source: Mapping[str, Any] | None = None
    destination: DestinationWrite | None = None
    field_mappings: tuple[tuple[str, str], ...] | None = None
    scaling: PipeScaling | None = None
    settings: Mapping[str, SettingValue] | None = None


@record
class NewReverseEndpoint:
    type: str
    description: str | None = None
    vpc_endpoint_service_name: str | None = None
    vpc_resource_configuration_id: str | None = None
    vpc_resource_share_arn: str | None = None
    msk_cluster_arn: str | None = None
    msk_authentication: str | None = None
    gcp_service_attachment: str | None = None
    custom_private_dns_names: tuple[str, ...] | None = None


@runtime_checkable
class ClickHousePipes(Protocol):
    """A ClickHouse service's ClickPipes, CDC scaling and reverse private endpoints."""

    async def list_clickpipes(self, database: Key) -> list[ClickPipe]: ...
    async def get_clickpipe(self, database: Key, pipe: str) -> ClickPipe | None: ...
    async def create_clickpipe(self, database: Key, pipe: PipeWrite) -> ClickPipe: ...
    async def update_clickpipe(self, database: Key, pipe: str, change: PipeWrite) -> ClickPipe: ...
    async def delete_clickpipe(self, database: Key, pipe: str) -> None: ...
    async def get_clickpipe_settings(
        self, database: Key, pipe: str
    ) -> dict[str, SettingValue] | None: ...
    async def set_clickpipe_settings(
        self, database: Key, pipe: str, settings: Mapping[str, SettingValue]
    ) -> dict[str, SettingValue]: ...
    async def scale_clickpipe(
        self, database: Key, pipe: str, scaling: PipeScaling
    ) -> ClickPipe: ...
    async def change_clickpipe_state(self, database: Key, pipe: str, command: str) -> ClickPipe: ...
    async def get_cdc_scaling(self, database: Key) -> CdcScaling | None: ...
    async def set_cdc_scaling(
        self, database: Key, cpu_millicores: int, memory_gb: float
    ) -> CdcScaling: ...
    async def list_reverse_private_endpoints(
        self, database: Key
    ) -> list[ReversePrivateEndpoint]: ...
    async def get_reverse_private_endpoint(
        self, database: Key, endpoint: str
    ) -> ReversePrivateEndpoint | None: ...
    async def create_reverse_private_endpoint(
        self, database: Key, endpoint: NewReverseEndpoint
    ) -> ReversePrivateEndpoint: ...
    async def update_reverse_private_endpoint(
        self, database: Key, endpoint: str, dns_names: tuple[str, ...]
    ) -> ReversePrivateEndpoint: ...
    async def delete_reverse_private_endpoint(self, database: Key, endpoint: str) -> None: ...
