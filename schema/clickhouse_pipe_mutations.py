"""Writes of a ClickHouse service's ClickPipes (2026-06 spec): pipes, their settings,
scaling and state, the service's CDC scaling and its reverse private endpoints. Each is an
update of the database (``UPDATE_DATABASE``) through the ``ClickHousePipes`` protocol;
another vendor's database is NOT_SUPPORTED before any call, and the spec's rules are the
adapter's to check before its call. A pipe's source (credentials included) goes to the
vendor and is never answered: the payload's pipe is what the vendor answers, redacted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.base import Adapter, redact
from adapters.clickpipe_details import (
    PIPE_SETTINGS,
    ClickHousePipes,
    ClickPipe,
    DestinationWrite,
    NewReverseEndpoint,
    PipeScaling,
    PipeWrite,
    SettingValue,
)
from adapters.errors import InvalidInputError
from adapters.model import Key, Operation
from schema.enum_descriptions import describe
from schema.kinds import DATABASE
from schema.mutation_runner import Target, created_once, run, target
from schema.reconcile import CREATIONS, Creation, Kept, only, since_ok
from schema.vendor_types.clickhouse_pipes import (
    ClickHousePipesCdcScalingType,
    ClickHousePipeSettingsType,
    ClickHousePipeType,
    ClickHouseReversePrivateEndpointType,
    pipes_of,
)

DATABASE_ID = "The Database (a ClickHouse service)"
PIPE_ID = "The pipe's nativeId (a UUID)"
ENDPOINT_ID = "The reverse private endpoint's nativeId (a UUID)"


class ClickHousePipeCommand(Enum):
    START = "start"
    STOP = "stop"
    RESYNC = "resync"


ClickHousePipeCommandEnum = describe(
    strawberry.enum(ClickHousePipeCommand, description="What to do with a pipe"),
    {
        "START": "Start (or resume) it",
        "STOP": "Stop it (a database pipe pauses)",
        "RESYNC": "Copy a database pipe's tables again from the start",
    },
)


@strawberry.input(description="A column of a pipe's target table")
class ClickHousePipeColumnInput:
    name: str = strawberry.field(description="Column name")
    type: str = strawberry.field(description="ClickHouse type, e.g. String, DateTime64(3)")


@strawberry.input(description="A source field written to a column")
class ClickHousePipeFieldMappingInput:
    source_field: str = strawberry.field(description="Field of the source's records")
    destination_field: str = strawberry.field(description="Column it is written to")


@strawberry.input(description="Where a new pipe writes to")
class ClickHousePipeDestinationInput:
    database: str = strawberry.field(description="ClickHouse database, e.g. default")
    table: str | None = strawberry.field(
        default=None, description="Table; required unless the source is a database"
    )
    managed_table: bool | None = strawberry.field(
        default=None, description="Whether ClickPipes creates and manages it (default true)"
    )
    engine: str | None = strawberry.field(
        default=None, description="MergeTree, ReplacingMergeTree, SummingMergeTree or Null"
    )
    version_column: str | None = strawberry.field(
        default=None, description="ReplacingMergeTree's version column"
    )
    sum_columns: list[str] | None = strawberry.field(
        default=None, description="SummingMergeTree's columns to sum"
    )
    sorting_key: list[str] | None = strawberry.field(default=None, description="Sorting key")
    partition_by: str | None = strawberry.field(
        default=None, description="Partition key expression"
    )
    primary_key: str | None = strawberry.field(default=None, description="Primary key expression")
    columns: list[ClickHousePipeColumnInput] | None = strawberry.field(
        default=None, description="The table's columns; required unless the source is a database"
    )
    roles: list[str] | None = strawberry.field(
        default=None, description="Roles for the ClickHouse user the pipe creates"
    )


@strawberry.input(description="Compute of a streaming pipe (at least one value to scale)")
class ClickHousePipeScalingInput:
    replicas: int | None = strawberry.field(default=None, description="Replicas, 1 to 40")
    replica_cpu_millicores: int | None = strawberry.field(
        default=None, description="CPU per replica, 125-2000 millicores"
    )
    replica_memory_gb: float | None = strawberry.field(
        default=None, description="Memory per replica, 0.5-8 GB"
    )


@strawberry.input(description="Ingestion settings of a pipe; unset ones are left out")
class ClickHousePipeSettingsInput:
    streaming_max_insert_wait_ms: int | None = strawberry.field(
        default=None, description="Longest wait before a streaming insert, 500-60000 ms"
    )
    object_storage_concurrency: int | None = strawberry.field(
        default=None, description="Files processed at once, 1-35"
    )
    object_storage_polling_interval_ms: int | None = strawberry.field(
        default=None, description="New-file polling interval, 100-3600000 ms"
    )
    object_storage_max_insert_bytes: float | None = strawberry.field(
        default=None, description="Bytes per insert batch, 10485760-53687091200, whole"
    )
    object_storage_max_file_count: int | None = strawberry.field(
        default=None, description="Files per insert batch, 1-10000"
    )
    clickhouse_max_threads: int | None = strawberry.field(
        default=None, description="Max threads, 0-64"
    )
    clickhouse_max_insert_threads: int | None = strawberry.field(
        default=None, description="Max insert threads, 0-16"
    )
    clickhouse_min_insert_block_size_bytes: float | None = strawberry.field(
        default=None, description="Min insert block size, 0-10737418240 bytes, whole"
    )
    clickhouse_max_download_threads: int | None = strawberry.field(
        default=None, description="Max download threads, 0-32"
    )
    clickhouse_parallel_distributed_insert_select: int | None = strawberry.field(
        default=None, description="parallel_distributed_insert_select, 0-2"
    )
    object_storage_use_cluster_function: bool | None = strawberry.field(
        default=None, description="Whether object storage reads use the cluster function"
    )
    clickhouse_parallel_view_processing: bool | None = strawberry.field(
        default=None, description="Whether attached views are pushed to concurrently"
    )

    def values(self) -> dict[str, SettingValue]:
        found: dict[str, SettingValue] = {}
        given = vars(self)
        for name in PIPE_SETTINGS:
            value: Any = given[name]
            if isinstance(value, float):
                if not value.is_integer():
                    head, *rest = name.split("_")
                    field = head + "".join(part.title() for part in rest)
                    raise InvalidInputError(("input", "settings", field), "must be a whole number")
                value = int(value)
            if value is not None:
                found[name] = value
        return found


SOURCE_TEXT = (
    "The vendor's source object: exactly one of kafka, objectStorage, kinesis, pubsub, "
    "postgres, mysql, bigquery, mongodb, with its fields as the ClickHouse Cloud API names "
    "them (credentials included); credentials are sent to the vendor, never answered"
)


@strawberry.input(description="A new ClickPipe")
class CreateClickHousePipeInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    name: str = strawberry.field(description="Pipe name, 1-255 characters")
    source: JSON = strawberry.field(description=SOURCE_TEXT)
    destination: ClickHousePipeDestinationInput = strawberry.field(description="Where it writes to")
    field_mappings: list[ClickHousePipeFieldMappingInput] | None = strawberry.field(
        default=None, description="Source fields to columns (every column named)"
    )
    scaling: ClickHousePipeScalingInput | None = strawberry.field(
        default=None, description="Its compute (streaming pipes)"
    )
    settings: ClickHousePipeSettingsInput | None = strawberry.field(
        default=None, description="Its ingestion settings"
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key within 10 minutes returns the first result",
    )


@strawberry.input(description="Changes to a ClickPipe (unset fields stay)")
class UpdateClickHousePipeInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    pipe_id: str = strawberry.field(description=PIPE_ID)
    name: str | None = strawberry.field(default=None, description="New name")
    source: JSON | None = strawberry.field(
        default=None,
        description="Source changes, in the vendor's shape for its kind (credentials, "
        "tableMappingsToAdd, ...)",
    )
    destination_columns: list[ClickHousePipeColumnInput] | None = strawberry.field(
        default=None, description="The target table's columns as the pipe sees them"
    )
    field_mappings: list[ClickHousePipeFieldMappingInput] | None = strawberry.field(
        default=None, description="Source fields to columns (replacing them)"
    )
    settings: ClickHousePipeSettingsInput | None = strawberry.field(
        default=None, description="Settings to change"
    )


@strawberry.input(description="A ClickPipe to act on")
class ClickHousePipeRefInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    pipe_id: str = strawberry.field(description=PIPE_ID)


@strawberry.input(description="A pipe's settings, all of them (unset: the default)")
class SetClickHousePipeSettingsInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    pipe_id: str = strawberry.field(description=PIPE_ID)
    settings: ClickHousePipeSettingsInput = strawberry.field(
        description="The settings; at least one"
    )


@strawberry.input(description="A streaming pipe's new compute")
class ScaleClickHousePipeInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    pipe_id: str = strawberry.field(description=PIPE_ID)
    scaling: ClickHousePipeScalingInput = strawberry.field(
        description="What to change; at least one value"
    )


@strawberry.input(description="A command for a pipe")
class ChangeClickHousePipeStateInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    pipe_id: str = strawberry.field(description=PIPE_ID)
    command: ClickHousePipeCommand = strawberry.field(description="Start, stop or resync")


@strawberry.input(description="The compute a service's database (CDC) pipes share")
class SetClickHousePipesCdcScalingInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    replica_cpu_millicores: int = strawberry.field(
        description="CPU, 1000-32000 millicores in steps of 1000"
    )
    replica_memory_gb: float = strawberry.field(description="Memory: 4 GiB per CPU core")


@strawberry.input(description="A new reverse private endpoint")
class CreateClickHouseReversePrivateEndpointInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    type: str = strawberry.field(
        description="VPC_ENDPOINT_SERVICE, VPC_RESOURCE, MSK_MULTI_VPC or "
        "GCP_PSC_SERVICE_ATTACHMENT"
    )
    description: str | None = strawberry.field(
        default=None, description="Its description, up to 255 characters"
    )
    vpc_endpoint_service_name: str | None = strawberry.field(
        default=None, description="Required for VPC_ENDPOINT_SERVICE"
    )
    vpc_resource_configuration_id: str | None = strawberry.field(
        default=None, description="Required for VPC_RESOURCE"
    )
    vpc_resource_share_arn: str | None = strawberry.field(
        default=None, description="Required for VPC_RESOURCE"
    )
    msk_cluster_arn: str | None = strawberry.field(
        default=None, description="Required for MSK_MULTI_VPC"
    )
    msk_authentication: str | None = strawberry.field(
        default=None, description="SASL_IAM or SASL_SCRAM; required for MSK_MULTI_VPC"
    )
    gcp_service_attachment: str | None = strawberry.field(
        default=None, description="Required for GCP_PSC_SERVICE_ATTACHMENT"
    )
    custom_private_dns_names: list[str] | None = strawberry.field(
        default=None, description="Private DNS names to usable as pipe source hosts"
    )


@strawberry.input(description="A reverse private endpoint's private DNS names")
class UpdateClickHouseReversePrivateEndpointInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    endpoint_id: str = strawberry.field(description=ENDPOINT_ID)
    custom_private_dns_names: list[str] = strawberry.field(
        description="Its private DNS names from now on"
    )


@strawberry.input(description="A reverse private endpoint to delete")
class ClickHouseReversePrivateEndpointRefInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    endpoint_id: str = strawberry.field(description=ENDPOINT_ID)


@strawberry.type(description="A pipe after a change")
class ClickHousePipePayload:
    pipe: ClickHousePipeType = strawberry.field(
        description="The pipe as the vendor answers it, credentials never included"
    )


@strawberry.type(description="A new pipe")
class CreateClickHousePipePayload:
    pipe: ClickHousePipeType = strawberry.field(
        description="The pipe as the vendor answers it, credentials never included"
    )
    replayed: bool = strawberry.field(
        description="True when this answer repeats an earlier call with the same idempotencyKey"
    )


@strawberry.type(description="A deleted pipe")
class DeleteClickHousePipePayload:
    deleted_pipe_id: str = strawberry.field(description="The deleted pipe's nativeId")


@strawberry.type(description="A pipe's settings after a change")
class ClickHousePipeSettingsPayload:
    settings: ClickHousePipeSettingsType = strawberry.field(description="Its settings now")


@strawberry.type(description="CDC scaling after a change")
class ClickHousePipesCdcScalingPayload:
    cdc_scaling: ClickHousePipesCdcScalingType = strawberry.field(description="It now")


@strawberry.type(description="A reverse private endpoint after a change")
class ClickHouseReversePrivateEndpointPayload:
    reverse_private_endpoint: ClickHouseReversePrivateEndpointType = strawberry.field(
        description="The endpoint as the vendor has it now"
    )


@strawberry.type(description="A deleted reverse private endpoint")
class DeleteClickHouseReversePrivateEndpointPayload:
    deleted_endpoint_id: str = strawberry.field(description="The deleted endpoint's nativeId")


def _service(info: Info, database_id: str) -> tuple[Target, ClickHousePipes]:
    t = target(info, database_id, DATABASE, Operation.UPDATE_DATABASE)
    return t, pipes_of(t.adapter)


def _source(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInputError(("input", "source"), "must be an object")
    return value


def _columns(given: list[ClickHousePipeColumnInput] | None) -> tuple[tuple[str, str], ...] | None:
    return None if given is None else tuple((c.name, c.type) for c in given)


def _mappings(
    given: list[ClickHousePipeFieldMappingInput] | None,
) -> tuple[tuple[str, str], ...] | None:
    return None if given is None else tuple((m.source_field, m.destination_field) for m in given)


def _scaling(given: ClickHousePipeScalingInput) -> PipeScaling:
    return PipeScaling(
        replicas=given.replicas,
        replica_cpu_millicores=given.replica_cpu_millicores,
        replica_memory_gb=given.replica_memory_gb,
    )


def _pipe(t: Target, found: Any) -> ClickHousePipePayload:
    return ClickHousePipePayload(pipe=ClickHousePipeType.of(found, t.connection, t.key))


@dataclass(frozen=True)
class CreatePipe:
    """What an idempotent pipe create is known by: a retry finds the pipe by name."""

    database: Key
    name: str
    #: the input as the key's fingerprint digests it: a source's credentials are blanked,
    #: so the idempotency table never holds an unkeyed digest of one
    shown: Any


def _keep_pipe(created: ClickPipe) -> Kept:
    return {"pipe": [created.native_id]}


async def _find_pipe(adapter: Adapter, command: CreatePipe, since: float) -> Kept | None:
    candidates = [
        p
        for p in await pipes_of(adapter).list_clickpipes(command.database)
        if p.name == command.name and since_ok(p.created_at, since)
    ]
    found = only(candidates, f"ClickPipes named '{command.name}'", adapter)
    return None if found is None else {"pipe": [found.native_id]}


# registered here, beside the only mutation that makes one, rather than in schema.reconcile
CREATIONS[CreatePipe] = Creation(_keep_pipe, _find_pipe)


def _blanked(value: Any, depth: int = 0) -> Any:
    if depth > 32:  # deeper than the adapter lets through anyway; never a RecursionError
        return "..."
    if isinstance(value, dict):
        return {
            k: "*"
            if str(k).lower() in ("credentials", "serviceaccountkey")
            else _blanked(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_blanked(v, depth + 1) for v in value]
    return value


async def create_pipe(
    info: Info,
    input: Annotated[CreateClickHousePipeInput, strawberry.argument(description="The new pipe")],
) -> CreateClickHousePipePayload:
    t, pipes = _service(info, input.id)
    d = input.destination
    write = PipeWrite(
        name=input.name,
        source=_source(input.source),
        destination=DestinationWrite(
            database=d.database,
            table=d.table,
            managed_table=d.managed_table,
            engine=d.engine,
            version_column=d.version_column,
            sum_columns=None if d.sum_columns is None else tuple(d.sum_columns),
            sorting_key=None if d.sorting_key is None else tuple(d.sorting_key),
            partition_by=d.partition_by,
            primary_key=d.primary_key,
            columns=_columns(d.columns),
            roles=None if d.roles is None else tuple(d.roles),
        ),
        field_mappings=_mappings(input.field_mappings),
        scaling=_scaling(input.scaling) if input.scaling else None,
        settings=input.settings.values() if input.settings else None,
    )
    shown = redact(_blanked(json.loads(json.dumps(_blanked(write.__dict__), default=vars))))
    command = CreatePipe(t.key, input.name, shown)

    async def create(_: CreatePipe) -> ClickPipe:
        return await pipes.create_clickpipe(t.key, write)

    pipe, replayed = await created_once(
        t,
        Operation.UPDATE_DATABASE,
        input.idempotency_key,
        command,
        create,
        "pipe",
        lambda native_id: pipes.get_clickpipe(t.key, native_id),
    )
    return CreateClickHousePipePayload(
        pipe=ClickHousePipeType.of(pipe, t.connection, t.key), replayed=replayed
    )


async def update_pipe(
    info: Info,
    input: Annotated[
        UpdateClickHousePipeInput, strawberry.argument(description="The pipe and its changes")
    ],
) -> ClickHousePipePayload:
    t, pipes = _service(info, input.id)
    columns = _columns(input.destination_columns)
    change = PipeWrite(
        name=input.name,
        source=None if input.source is None else _source(input.source),
        destination=None if columns is None else DestinationWrite(columns=columns),
        field_mappings=_mappings(input.field_mappings),
        settings=input.settings.values() if input.settings else None,
    )
    return _pipe(t, await run(t, lambda: pipes.update_clickpipe(t.key, input.pipe_id, change)))


async def delete_pipe(
    info: Info,
    input: Annotated[ClickHousePipeRefInput, strawberry.argument(description="The pipe")],
) -> DeleteClickHousePipePayload:
    t, pipes = _service(info, input.id)
    await run(t, lambda: pipes.delete_clickpipe(t.key, input.pipe_id))
    return DeleteClickHousePipePayload(deleted_pipe_id=input.pipe_id)


async def set_pipe_settings(
    info: Info,
    input: Annotated[
        SetClickHousePipeSettingsInput,
        strawberry.argument(description="The pipe and its settings"),
    ],
) -> ClickHousePipeSettingsPayload:
    t, pipes = _service(info, input.id)
    values = input.settings.values()
    found = await run(t, lambda: pipes.set_clickpipe_settings(t.key, input.pipe_id, values))
    return ClickHousePipeSettingsPayload(settings=ClickHousePipeSettingsType.from_details(found))


async def scale_pipe(
    info: Info,
    input: Annotated[
        ScaleClickHousePipeInput, strawberry.argument(description="The pipe and its compute")
    ],
) -> ClickHousePipePayload:
    t, pipes = _service(info, input.id)
    scaling = _scaling(input.scaling)
    return _pipe(t, await run(t, lambda: pipes.scale_clickpipe(t.key, input.pipe_id, scaling)))


async def change_pipe_state(
    info: Info,
    input: Annotated[
        ChangeClickHousePipeStateInput, strawberry.argument(description="The pipe and command")
    ],
) -> ClickHousePipePayload:
    t, pipes = _service(info, input.id)
    command = input.command.value
    found = await run(t, lambda: pipes.change_clickpipe_state(t.key, input.pipe_id, command))
    return _pipe(t, found)


async def set_cdc_scaling(
    info: Info,
    input: Annotated[
        SetClickHousePipesCdcScalingInput,
        strawberry.argument(description="The service and the compute of its CDC pipes"),
    ],
) -> ClickHousePipesCdcScalingPayload:
    t, pipes = _service(info, input.id)
    found = await run(
        t,
        lambda: pipes.set_cdc_scaling(t.key, input.replica_cpu_millicores, input.replica_memory_gb),
    )
    return ClickHousePipesCdcScalingPayload(
        cdc_scaling=ClickHousePipesCdcScalingType.from_details(found)
    )


def _endpoint(found: Any) -> ClickHouseReversePrivateEndpointPayload:
    return ClickHouseReversePrivateEndpointPayload(
        reverse_private_endpoint=ClickHouseReversePrivateEndpointType.from_details(found)
    )


async def create_reverse_endpoint(
    info: Info,
    input: Annotated[
        CreateClickHouseReversePrivateEndpointInput,
        strawberry.argument(description="The service and the new endpoint"),
    ],
) -> ClickHouseReversePrivateEndpointPayload:
    t, pipes = _service(info, input.id)
    endpoint = NewReverseEndpoint(
        type=input.type,
        description=input.description,
        vpc_endpoint_service_name=input.vpc_endpoint_service_name,
        vpc_resource_configuration_id=input.vpc_resource_configuration_id,
        vpc_resource_share_arn=input.vpc_resource_share_arn,
        msk_cluster_arn=input.msk_cluster_arn,
        msk_authentication=input.msk_authentication,
        gcp_service_attachment=input.gcp_service_attachment,
        custom_private_dns_names=(
            None
            if input.custom_private_dns_names is None
            else tuple(input.custom_private_dns_names)
        ),
    )
    return _endpoint(await run(t, lambda: pipes.create_reverse_private_endpoint(t.key, endpoint)))


async def update_reverse_endpoint(
    info: Info,
    input: Annotated[
        UpdateClickHouseReversePrivateEndpointInput,
        strawberry.argument(description="The endpoint and its private DNS names"),
    ],
) -> ClickHouseReversePrivateEndpointPayload:
    t, pipes = _service(info, input.id)
    names = tuple(input.custom_private_dns_names)
    return _endpoint(
        await run(t, lambda: pipes.update_reverse_private_endpoint(t.key, input.endpoint_id, names))
    )


async def delete_reverse_endpoint(
    info: Info,
    input: Annotated[
        ClickHouseReversePrivateEndpointRefInput, strawberry.argument(description="The endpoint")
    ],
) -> DeleteClickHouseReversePrivateEndpointPayload:
    t, pipes = _service(info, input.id)
    await run(t, lambda: pipes.delete_reverse_private_endpoint(t.key, input.endpoint_id))
    return DeleteClickHouseReversePrivateEndpointPayload(deleted_endpoint_id=input.endpoint_id)
