"""A ClickHouse service's ClickPipes (2026-06 spec) as types: ``Database.clickhouse.clickPipes``
(a connection over one list call), ``.clickPipe(pipeId)``, ``.clickPipesCdcScaling`` and
``.reversePrivateEndpoints``, read through the ``ClickHousePipes`` protocol.

Each read is one call per service per request (a loader keyed by the service): a page of
databases asking for their pipes costs one call per service, and the same service asked
twice costs one. Pipes are not kept across requests (see the vendor's cache table): what a
vendor answers for a pipe is redacted by the adapter, but the cache keeps answers as sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.base import Adapter
from adapters.clickpipe_details import (
    PIPE_SETTINGS,
    CdcScaling,
    ClickHousePipes,
    ClickPipe,
    PipeDestination,
    PipeScaling,
    PipeSource,
    PipeTableMapping,
    ReversePrivateEndpoint,
    SettingValue,
)
from adapters.model import Key
from schema.connection import Connection, Order, PageArgs, page_of
from schema.connection import text as text_key
from schema.context import context_of
from schema.kinds import PerRecord, not_offered


def pipes_of(adapter: Adapter) -> ClickHousePipes:
    if isinstance(adapter, ClickHousePipes):
        return adapter
    raise not_offered(adapter, "ClickPipes")


CLICKPIPES: Final = PerRecord[list[ClickPipe]](lambda a, db: pipes_of(a).list_clickpipes(db))
#: keyed by the service's key and the pipe's ID
CLICKPIPE: Final = PerRecord[ClickPipe | None](
    lambda a, k: pipes_of(a).get_clickpipe(k[:-1], k[-1])
)
CLICKPIPE_SETTINGS: Final = PerRecord[dict[str, SettingValue] | None](
    lambda a, k: pipes_of(a).get_clickpipe_settings(k[:-1], k[-1])
)
CDC_SCALING: Final = PerRecord[CdcScaling | None](lambda a, db: pipes_of(a).get_cdc_scaling(db))
REVERSE_ENDPOINTS: Final = PerRecord[list[ReversePrivateEndpoint]](
    lambda a, db: pipes_of(a).list_reverse_private_endpoints(db)
)
REVERSE_ENDPOINT: Final = PerRecord[ReversePrivateEndpoint | None](
    lambda a, k: pipes_of(a).get_reverse_private_endpoint(k[:-1], k[-1])
)
PIPE_ORDER: Final = Order[ClickPipe](lambda p: (text_key(p.name), p.native_id))


@strawberry.type(name="ClickHousePipeScaling", description="The compute of a streaming pipe")
class ClickHousePipeScalingType:
    replicas: int | None = strawberry.field(description="Replicas, 1 to 40")
    concurrency: int | None = strawberry.field(
        description="Object storage concurrency (deprecated by the vendor)"
    )
    replica_cpu_millicores: int | None = strawberry.field(description="CPU per replica, 125-2000")
    replica_memory_gb: float | None = strawberry.field(description="Memory per replica, 0.5-8 GB")

    @classmethod
    def from_details(cls, s: PipeScaling) -> ClickHousePipeScalingType:
        return cls(
            replicas=s.replicas,
            concurrency=s.concurrency,
            replica_cpu_millicores=s.replica_cpu_millicores,
            replica_memory_gb=s.replica_memory_gb,
        )


@strawberry.type(name="ClickHousePipeSettings", description="Ingestion settings of a pipe")
class ClickHousePipeSettingsType:
    streaming_max_insert_wait_ms: int | None = strawberry.field(
        description="Longest wait before a streaming insert, 500-60000 ms"
    )
    object_storage_concurrency: int | None = strawberry.field(
        description="Files processed at once, 1-35"
    )
    object_storage_polling_interval_ms: int | None = strawberry.field(
        description="How often continuous ingestion looks for new files, 100-3600000 ms"
    )
    object_storage_max_insert_bytes: float | None = strawberry.field(
        description="Bytes per insert batch, 10485760-53687091200 (a whole number)"
    )
    object_storage_max_file_count: int | None = strawberry.field(
        description="Files per insert batch, 1-10000"
    )
    clickhouse_max_threads: int | None = strawberry.field(description="Max threads, 0-64")
    clickhouse_max_insert_threads: int | None = strawberry.field(
        description="Max insert threads, 0-16"
    )
    clickhouse_min_insert_block_size_bytes: float | None = strawberry.field(
        description="Min insert block size, 0-10737418240 bytes (a whole number)"
    )
    clickhouse_max_download_threads: int | None = strawberry.field(
        description="Max download threads, 0-32"
    )
    clickhouse_parallel_distributed_insert_select: int | None = strawberry.field(
        description="parallel_distributed_insert_select, 0-2"
    )
    object_storage_use_cluster_function: bool | None = strawberry.field(
        description="Whether object storage reads use the cluster function"
    )
    clickhouse_parallel_view_processing: bool | None = strawberry.field(
        description="Whether attached views are pushed to concurrently"
    )

    @classmethod
    def from_details(cls, values: dict[str, SettingValue]) -> ClickHousePipeSettingsType:
        fields: dict[str, Any] = {name: values.get(name) for name in PIPE_SETTINGS}
        return cls(**fields)


@strawberry.type(name="ClickHousePipeTableMapping", description="A table a database pipe copies")
class ClickHousePipeTableMappingType:
    source_schema: str | None = strawberry.field(
        description="Source schema (Postgres, MySQL), dataset (BigQuery) or database (MongoDB)"
    )
    source_table: str | None = strawberry.field(description="Source table or collection")
    target_table: str | None = strawberry.field(description="ClickHouse table it lands in")
    excluded_columns: list[str] = strawberry.field(description="Columns not copied")
    table_engine: str | None = strawberry.field(description="Target table engine")

    @classmethod
    def from_details(cls, t: PipeTableMapping) -> ClickHousePipeTableMappingType:
        return cls(
            source_schema=t.source_schema,
            source_table=t.source_table,
            target_table=t.target_table,
            excluded_columns=list(t.excluded_columns),
            table_engine=t.table_engine,
        )


@strawberry.type(
    name="ClickHousePipeSource", description="Where a pipe reads from (credentials never shown)"
)
class ClickHousePipeSourceType:
    kind: str | None = strawberry.field(
        description="kafka, objectStorage, kinesis, pubsub, postgres, mysql, bigquery or mongodb"
    )
    type: str | None = strawberry.field(
        description="The vendor's flavour of the kind, e.g. msk, confluent, s3, gcs, supabase"
    )
    format: str | None = strawberry.field(description="Data format, e.g. JSONEachRow, Avro")
    authentication: str | None = strawberry.field(
        description="How the pipe authenticates, e.g. PLAIN, IAM_ROLE, basic"
    )
    iam_role: str | None = strawberry.field(description="The IAM role it assumes, if any")
    location: str | None = strawberry.field(
        description="Kafka brokers, object storage URL, Kinesis stream, Pub/Sub topic, "
        "database host, BigQuery staging path or MongoDB URI (password removed)"
    )
    topics: str | None = strawberry.field(description="Kafka topics")
    region: str | None = strawberry.field(description="Kinesis AWS region")
    project_id: str | None = strawberry.field(description="Pub/Sub GCP project")
    port: int | None = strawberry.field(description="Postgres or MySQL port")
    database: str | None = strawberry.field(description="Postgres database")
    table_mappings: list[ClickHousePipeTableMappingType] = strawberry.field(
        description="Tables a database pipe copies"
    )
    reverse_private_endpoint_ids: list[str] = strawberry.field(
        description="Reverse private endpoints a Kafka pipe connects through"
    )
    details: JSON = strawberry.field(
        description="The kind's whole object as the vendor answers it, secrets removed"
    )

    @classmethod
    def from_details(cls, s: PipeSource) -> ClickHousePipeSourceType:
        return cls(
            kind=s.kind,
            type=s.type,
            format=s.format,
            authentication=s.authentication,
            iam_role=s.iam_role,
            location=s.location,
            topics=s.topics,
            region=s.region,
            project_id=s.project_id,
            port=s.port,
            database=s.database,
            table_mappings=[
                ClickHousePipeTableMappingType.from_details(t) for t in s.table_mappings
            ],
            reverse_private_endpoint_ids=list(s.reverse_private_endpoint_ids),
            details=JSON(s.details),
        )


@strawberry.type(name="ClickHousePipeColumn", description="A column of a pipe's target table")
class ClickHousePipeColumnType:
    name: str | None = strawberry.field(description="Column name")
    type: str | None = strawberry.field(description="ClickHouse type, e.g. String")


@strawberry.type(name="ClickHousePipeDestination", description="Where a pipe writes to")
class ClickHousePipeDestinationType:
    database: str | None = strawberry.field(description="ClickHouse database")
    table: str | None = strawberry.field(description="Table (streaming and object storage pipes)")
    managed_table: bool | None = strawberry.field(description="Whether ClickPipes manages it")
    engine: str | None = strawberry.field(
        description="MergeTree, ReplacingMergeTree, SummingMergeTree or Null"
    )
    sorting_key: list[str] = strawberry.field(description="Sorting key columns")
    partition_by: str | None = strawberry.field(description="Partition key expression")
    primary_key: str | None = strawberry.field(description="Primary key expression")
    columns: list[ClickHousePipeColumnType] = strawberry.field(description="Its columns")

    @classmethod
    def from_details(cls, d: PipeDestination) -> ClickHousePipeDestinationType:
        return cls(
            database=d.database,
            table=d.table,
            managed_table=d.managed_table,
            engine=d.engine,
            sorting_key=list(d.sorting_key),
            partition_by=d.partition_by,
            primary_key=d.primary_key,
            columns=[ClickHousePipeColumnType(name=c.name, type=c.type) for c in d.columns],
        )


@strawberry.type(name="ClickHousePipeFieldMapping", description="A source field -> a column")
class ClickHousePipeFieldMappingType:
    source_field: str | None = strawberry.field(description="Field of the source's records")
    destination_field: str | None = strawberry.field(description="Column it is written to")


@strawberry.type(name="ClickHousePipe", description="A ClickPipe: continuous ingestion")
class ClickHousePipeType:
    native_id: str = strawberry.field(description="The vendor's pipe ID (a UUID)")
    name: str | None = strawberry.field(description="Pipe name")
    state: str | None = strawberry.field(
        description="The vendor's state: Provisioning, Running, Stopped, Paused, Failed, "
        "Snapshot, Resync, ... (as the vendor names it)"
    )
    scaling: ClickHousePipeScalingType | None = strawberry.field(
        description="Its compute; null for database pipes (see clickPipesCdcScaling)"
    )
    source: ClickHousePipeSourceType | None = strawberry.field(description="Where it reads from")
    destination: ClickHousePipeDestinationType | None = strawberry.field(
        description="Where it writes to"
    )
    field_mappings: list[ClickHousePipeFieldMappingType] = strawberry.field(
        description="Source fields to columns"
    )
    created_at: datetime | None = strawberry.field(description="When it was created")
    updated_at: datetime | None = strawberry.field(description="When it last changed")
    raw: JSON = strawberry.field(description="The vendor's answer, secrets removed")
    details: strawberry.Private[ClickPipe]
    connection: strawberry.Private[str]
    database: strawberry.Private[Key]

    @strawberry.field(
        description="Its settings: from its own answer, or one call where that has none"
    )
    async def settings(self, info: Info) -> ClickHousePipeSettingsType | None:
        values = self.details.settings
        if values is None:
            key = (*self.database, self.details.native_id)
            values = (
                await context_of(info)
                .loaders.single(CLICKPIPE_SETTINGS)
                .load((self.connection, key))
            )
        return ClickHousePipeSettingsType.from_details(values) if values is not None else None

    @classmethod
    def of(cls, p: ClickPipe, connection: str, database: Key) -> ClickHousePipeType:
        return cls(
            native_id=p.native_id,
            name=p.name,
            state=p.state,
            scaling=ClickHousePipeScalingType.from_details(p.scaling) if p.scaling else None,
            source=ClickHousePipeSourceType.from_details(p.source) if p.source else None,
            destination=(
                ClickHousePipeDestinationType.from_details(p.destination) if p.destination else None
            ),
            field_mappings=[
                ClickHousePipeFieldMappingType(
                    source_field=f.source_field, destination_field=f.destination_field
                )
                for f in p.field_mappings
            ],
            created_at=p.created_at,
            updated_at=p.updated_at,
            raw=JSON(p.raw),
            details=p,
            connection=connection,
            database=database,
        )


@strawberry.type(
    name="ClickHousePipesCdcScaling",
    description="The compute a service's database (CDC) pipes share",
)
class ClickHousePipesCdcScalingType:
    replica_cpu_millicores: int | None = strawberry.field(
        description="CPU, 1000-32000 millicores in steps of 1000"
    )
    replica_memory_gb: float | None = strawberry.field(
        description="Memory, 4-128 GiB: 4 GiB per CPU core"
    )

    @classmethod
    def from_details(cls, c: CdcScaling) -> ClickHousePipesCdcScalingType:
        return cls(
            replica_cpu_millicores=c.replica_cpu_millicores, replica_memory_gb=c.replica_memory_gb
        )


@strawberry.type(
    name="ClickHouseReversePrivateEndpoint",
    description="A private connection from ClickPipes into the customer's network",
)
class ClickHouseReversePrivateEndpointType:
    native_id: str = strawberry.field(description="The vendor's endpoint ID (a UUID)")
    description: str | None = strawberry.field(description="Its description")
    type: str | None = strawberry.field(
        description="VPC_ENDPOINT_SERVICE, VPC_RESOURCE, MSK_MULTI_VPC or "
        "GCP_PSC_SERVICE_ATTACHMENT"
    )
    status: str | None = strawberry.field(
        description="Provisioning, Ready, PendingAcceptance, Failed, ... (the vendor's word)"
    )
    endpoint_id: str | None = strawberry.field(description="The cloud's endpoint ID")
    vpc_endpoint_service_name: str | None = strawberry.field(
        description="VPC endpoint service name (VPC_ENDPOINT_SERVICE)"
    )
    vpc_resource_configuration_id: str | None = strawberry.field(
        description="VPC resource configuration ID (VPC_RESOURCE)"
    )
    vpc_resource_share_arn: str | None = strawberry.field(
        description="VPC resource share ARN (VPC_RESOURCE)"
    )
    msk_cluster_arn: str | None = strawberry.field(description="MSK cluster ARN (MSK_MULTI_VPC)")
    msk_authentication: str | None = strawberry.field(
        description="SASL_IAM or SASL_SCRAM (MSK_MULTI_VPC)"
    )
    gcp_service_attachment: str | None = strawberry.field(
        description="GCP PSC service attachment URI (GCP_PSC_SERVICE_ATTACHMENT)"
    )
    dns_names: list[str] = strawberry.field(description="Internal DNS names")
    private_dns_names: list[str] = strawberry.field(description="Private DNS names")
    custom_private_dns_names: list[str] = strawberry.field(
        description="Private DNS names asked for, usable as pipe source hosts"
    )

    @classmethod
    def from_details(cls, e: ReversePrivateEndpoint) -> ClickHouseReversePrivateEndpointType:
        return cls(
            native_id=e.native_id,
            description=e.description,
            type=e.type,
            status=e.status,
            endpoint_id=e.endpoint_id,
            vpc_endpoint_service_name=e.vpc_endpoint_service_name,
            vpc_resource_configuration_id=e.vpc_resource_configuration_id,
            vpc_resource_share_arn=e.vpc_resource_share_arn,
            msk_cluster_arn=e.msk_cluster_arn,
            msk_authentication=e.msk_authentication,
            gcp_service_attachment=e.gcp_service_attachment,
            dns_names=list(e.dns_names),
            private_dns_names=list(e.private_dns_names),
            custom_private_dns_names=list(e.custom_private_dns_names),
        )


# -- the fields of ClickHouseDatabase (resolved against its connection and key) -----------


async def clickpipes_page(
    info: Info, connection: str, database: Key, args: PageArgs
) -> Connection[ClickHousePipeType]:
    found = await context_of(info).loaders.single(CLICKPIPES).load((connection, database))
    return page_of(
        found, PIPE_ORDER, args, lambda p: ClickHousePipeType.of(p, connection, database)
    )


async def clickpipe(
    info: Info, connection: str, database: Key, pipe_id: str
) -> ClickHousePipeType | None:
    loader = context_of(info).loaders.single(CLICKPIPE)
    found = await loader.load((connection, (*database, pipe_id)))
    return ClickHousePipeType.of(found, connection, database) if found else None


async def cdc_scaling(
    info: Info, connection: str, database: Key
) -> ClickHousePipesCdcScalingType | None:
    found = await context_of(info).loaders.single(CDC_SCALING).load((connection, database))
    return ClickHousePipesCdcScalingType.from_details(found) if found else None


async def reverse_endpoints(
    info: Info, connection: str, database: Key
) -> list[ClickHouseReversePrivateEndpointType]:
    found = await context_of(info).loaders.single(REVERSE_ENDPOINTS).load((connection, database))
    return [ClickHouseReversePrivateEndpointType.from_details(e) for e in found]


async def reverse_endpoint(
    info: Info, connection: str, database: Key, endpoint_id: str
) -> ClickHouseReversePrivateEndpointType | None:
    loader = context_of(info).loaders.single(REVERSE_ENDPOINT)
    found = await loader.load((connection, (*database, endpoint_id)))
    return ClickHouseReversePrivateEndpointType.from_details(found) if found else None
