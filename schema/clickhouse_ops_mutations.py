"""The 2026-06 spec's remaining ClickHouse writes (issue 21 items 4 and 6): per-replica
scaling and its schedule, private endpoint creation, the backup bucket, BYOC
infrastructure. Each through a protocol of ``adapters.clickhouse_ops``; another vendor's
target is NOT_SUPPORTED before any call, and the spec's rules are checked before any call
too. The mutations live on a base type that ``Mutation`` inherits.

Capacity is an operator's day-to-day work (``SCALE_DATABASE``); network access, where
backups go and new cloud infrastructure are an admin's."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.clickhouse_ops import (
    BackupBucketInput,
    NewByocInfrastructure,
    ReplicaScaling,
    ScalingWindow,
)
from adapters.errors import ErrorCode, GatewayError, InvalidInputError
from adapters.model import Operation
from schema.clickhouse_service_mutations import ClickHouseServiceInput
from schema.kinds import DATABASE, ORGANIZATION
from schema.mutation_runner import run, target
from schema.nodes import Database
from schema.payloads import DatabasePayload
from schema.permissions import admin, operator
from schema.vendor_types.clickhouse import ClickHousePrivateEndpointType
from schema.vendor_types.clickhouse_ops import (
    ClickHouseBackupBucket,
    ClickHouseByocInfrastructure,
    ClickHouseScalingSchedule,
    byoc,
    scaling,
    service_ops,
)

# -- inputs ---------------------------------------------------------------------------------


@strawberry.input(description="Per-replica scaling of a ClickHouse service; unset stays as is")
class ScaleClickHouseReplicasInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")
    min_replica_memory_gb: int | None = strawberry.field(
        default=None, description="Vertical: least memory per replica, 8-356, a multiple of 4"
    )
    max_replica_memory_gb: int | None = strawberry.field(
        default=None, description="Vertical: most memory per replica, 8-356, a multiple of 4"
    )
    num_replicas: int | None = strawberry.field(
        default=None, description="Vertical: a fixed replica count, 1-20 (the vendor enables it)"
    )
    min_replicas: int | None = strawberry.field(
        default=None, description="Horizontal: fewest replicas, 1-20, with maxReplicas"
    )
    max_replicas: int | None = strawberry.field(
        default=None, description="Horizontal: most replicas, 1-20, with minReplicas"
    )
    replica_memory_gb: int | None = strawberry.field(
        default=None, description="Horizontal: fixed memory per replica, 8-356, a multiple of 4"
    )
    idle_scaling: bool | None = strawberry.field(
        default=None, description="May scale to zero when idle"
    )
    idle_timeout_minutes: int | None = strawberry.field(
        default=None, description="Idle time before scaling to zero, at least 5"
    )


@strawberry.input(description="One window of a scaling schedule")
class ClickHouseScalingWindowInput:
    name: str = strawberry.field(description="Its label, e.g. Business hours")
    weekdays: list[int] = strawberry.field(description="Days it applies: 0 Sunday ... 6 Saturday")
    start_hour_utc: int = strawberry.field(description="Hour it starts, 0-23 UTC")
    end_hour_utc: int = strawberry.field(
        description="Hour it ends, 1-24 UTC, not the start; below the start spans midnight"
    )
    min_replica_memory_gb: float | None = strawberry.field(
        default=None, description="Minimum memory per replica, 8-356, a multiple of 4"
    )
    max_replica_memory_gb: float | None = strawberry.field(
        default=None, description="Maximum memory per replica, 8-356, a multiple of 4"
    )
    replicas: int | None = strawberry.field(
        default=None, description="Replicas while it is active, 1-20"
    )
    idle_scaling: bool | None = strawberry.field(
        default=None, description="May scale to zero while active"
    )
    idle_timeout_minutes: int | None = strawberry.field(
        default=None, description="Idle time before scaling to zero, at least 5"
    )

    def to_window(self) -> ScalingWindow:
        return ScalingWindow(
            name=self.name,
            weekdays=tuple(self.weekdays),
            start_hour_utc=self.start_hour_utc,
            end_hour_utc=self.end_hour_utc,
            min_replica_memory_gb=self.min_replica_memory_gb,
            max_replica_memory_gb=self.max_replica_memory_gb,
            replicas=self.replicas,
            idle_scaling=self.idle_scaling,
            idle_timeout_minutes=self.idle_timeout_minutes,
        )


@strawberry.input(description="A service's whole scaling schedule, replacing the old one")
class SetClickHouseScalingScheduleInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")
    windows: list[ClickHouseScalingWindowInput] = strawberry.field(
        description="Its windows; none clears the schedule"
    )


@strawberry.input(description="A private endpoint to create for a ClickHouse service")
class CreateClickHousePrivateEndpointInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")
    endpoint_id: str = strawberry.field(
        description="The cloud's endpoint ID, e.g. vpce-0a1b2c3d4e5f60001 (AWS)"
    )
    description: str | None = strawberry.field(default=None, description="What it is for")


@strawberry.input(description="An AWS S3 backup bucket, reached through an IAM role")
class ClickHouseAwsBucketInput:
    bucket_path: str | None = strawberry.field(
        default=None, description="Bucket path; required new"
    )
    iam_role_arn: str | None = strawberry.field(
        default=None, description="IAM role ARN the vendor assumes; required"
    )
    iam_role_session_name: str | None = strawberry.field(
        default=None, description="Session name for the role"
    )


@strawberry.input(description="A GCS backup bucket, reached with an HMAC key")
class ClickHouseGcpBucketInput:
    bucket_path: str | None = strawberry.field(
        default=None, description="Bucket path; required new"
    )
    access_key_id: str = strawberry.field(description="HMAC access key ID")
    secret_access_key: str = strawberry.field(
        description="HMAC secret: sent to the vendor only, never shown or kept"
    )


@strawberry.input(description="An Azure Blob Storage backup container")
class ClickHouseAzureBucketInput:
    container_name: str | None = strawberry.field(
        default=None, description="Container name; required new"
    )
    connection_string: str = strawberry.field(
        description="Storage connection string: sent to the vendor only, never shown or kept"
    )


@strawberry.input(description="A service's own backup bucket: exactly one cloud's fields")
class ClickHouseBackupBucketInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")
    aws: ClickHouseAwsBucketInput | None = strawberry.field(
        default=None, description="An S3 bucket"
    )
    gcp: ClickHouseGcpBucketInput | None = strawberry.field(
        default=None, description="A GCS bucket"
    )
    azure: ClickHouseAzureBucketInput | None = strawberry.field(
        default=None, description="An Azure container"
    )

    def to_bucket(self) -> BackupBucketInput:
        given = [form for form in (self.aws, self.gcp, self.azure) if form is not None]
        if len(given) != 1:
            raise InvalidInputError(("input", "aws"), "give exactly one of aws, gcp, azure")
        if self.aws is not None:
            a = self.aws
            return BackupBucketInput(
                "AWS",
                bucket_path=a.bucket_path,
                iam_role_arn=a.iam_role_arn,
                iam_role_session_name=a.iam_role_session_name,
            )
        if self.gcp is not None:
            g = self.gcp
            return BackupBucketInput(
                "GCP",
                bucket_path=g.bucket_path,
                access_key_id=g.access_key_id,
                secret_access_key=g.secret_access_key,
            )
        assert self.azure is not None
        z = self.azure
        return BackupBucketInput(
            "AZURE", container_name=z.container_name, connection_string=z.connection_string
        )


@strawberry.input(description="New BYOC infrastructure in a cloud account of the caller's")
class CreateClickHouseByocInfrastructureInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    region: str = strawberry.field(description="Its region, e.g. us-east-1, one of the vendor's")
    account_id: str = strawberry.field(description="The cloud account ID to build it in")
    availability_zone_suffixes: list[str] = strawberry.field(
        description="Zones to use, by suffix: a to f"
    )
    vpc_cidr_range: str = strawberry.field(
        description="Private IPv4 range of its VPC, e.g. 10.0.0.0/16"
    )
    display_name: str = strawberry.field(description="Its human-readable name")


@strawberry.input(description="A BYOC infrastructure to rename")
class RenameClickHouseByocInfrastructureInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    byoc_infrastructure_id: str = strawberry.field(description="Its ID (a UUID)")
    display_name: str = strawberry.field(description="Its new name")


@strawberry.input(description="A BYOC infrastructure to remove")
class DeleteClickHouseByocInfrastructureInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    byoc_infrastructure_id: str = strawberry.field(description="Its ID (a UUID)")


# -- payloads -------------------------------------------------------------------------------


@strawberry.type(description="A service's scaling schedule after a change")
class ClickHouseScalingSchedulePayload:
    scaling_schedule: ClickHouseScalingSchedule | None = strawberry.field(
        description="The schedule now; null once cleared or deleted"
    )


@strawberry.type(description="A private endpoint just created")
class ClickHousePrivateEndpointPayload:
    private_endpoint: ClickHousePrivateEndpointType = strawberry.field(
        description="The endpoint as the vendor registered it"
    )
    database: Database = strawberry.field(description="The service it is attached to")


@strawberry.type(description="A service's backup bucket after a change (never its credential)")
class ClickHouseBackupBucketPayload:
    backup_bucket: ClickHouseBackupBucket | None = strawberry.field(
        description="The bucket now; null once deleted"
    )


@strawberry.type(description="A BYOC infrastructure after a change")
class ClickHouseByocInfrastructurePayload:
    byoc_infrastructure: ClickHouseByocInfrastructure = strawberry.field(
        description="As the vendor has it now"
    )


@strawberry.type(description="A removed BYOC infrastructure")
class DeleteClickHouseByocInfrastructurePayload:
    deleted_byoc_infrastructure_id: str = strawberry.field(description="Its ID")


# -- resolvers ------------------------------------------------------------------------------


async def scale_replicas(
    info: Info,
    input: Annotated[
        ScaleClickHouseReplicasInput,
        strawberry.argument(description="The service and its per-replica scaling"),
    ],
) -> DatabasePayload:
    t = target(info, input.id, DATABASE, Operation.SCALE_DATABASE)
    adapter = scaling(t.adapter)
    change = ReplicaScaling(
        min_replica_memory_gb=input.min_replica_memory_gb,
        max_replica_memory_gb=input.max_replica_memory_gb,
        num_replicas=input.num_replicas,
        min_replicas=input.min_replicas,
        max_replicas=input.max_replicas,
        replica_memory_gb=input.replica_memory_gb,
        idle_scaling=input.idle_scaling,
        idle_timeout_minutes=input.idle_timeout_minutes,
    )
    record = await run(t, lambda: adapter.scale_replicas(t.key, change))
    return DatabasePayload(database=Database.from_record(record))


async def set_scaling_schedule(
    info: Info,
    input: Annotated[
        SetClickHouseScalingScheduleInput,
        strawberry.argument(description="The service and its schedule"),
    ],
) -> ClickHouseScalingSchedulePayload:
    t = target(info, input.id, DATABASE, Operation.SCALE_DATABASE)
    adapter = scaling(t.adapter)
    windows = tuple(w.to_window() for w in input.windows)
    found = await run(t, lambda: adapter.set_scaling_schedule(t.key, windows))
    return ClickHouseScalingSchedulePayload(
        scaling_schedule=ClickHouseScalingSchedule.from_details(found) if found else None
    )


async def delete_scaling_schedule(
    info: Info,
    input: Annotated[ClickHouseServiceInput, strawberry.argument(description="The service")],
) -> ClickHouseScalingSchedulePayload:
    t = target(info, input.id, DATABASE, Operation.SCALE_DATABASE)
    adapter = scaling(t.adapter)
    await run(t, lambda: adapter.delete_scaling_schedule(t.key))
    return ClickHouseScalingSchedulePayload(scaling_schedule=None)


async def create_private_endpoint(
    info: Info,
    input: Annotated[
        CreateClickHousePrivateEndpointInput,
        strawberry.argument(description="The service and the endpoint to register"),
    ],
) -> ClickHousePrivateEndpointPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    ops = service_ops(t.adapter)
    endpoint = await run(
        t, lambda: ops.create_private_endpoint(t.key, input.endpoint_id, input.description)
    )
    record = await t.ctx.loaders.by_key(DATABASE).load((t.connection, t.key))
    if record is None:
        raise GatewayError(ErrorCode.NOT_FOUND, f"Database '{input.id}' does not exist")
    return ClickHousePrivateEndpointPayload(
        private_endpoint=ClickHousePrivateEndpointType.from_details(endpoint),
        database=Database.from_record(record),
    )


async def _write_bucket(
    info: Info, input: ClickHouseBackupBucketInput, *, create: bool
) -> ClickHouseBackupBucketPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_BACKUP_CONFIGURATION)
    ops = service_ops(t.adapter)
    bucket = input.to_bucket()
    found = await run(t, lambda: ops.write_backup_bucket(t.key, bucket, create=create))
    return ClickHouseBackupBucketPayload(backup_bucket=ClickHouseBackupBucket.from_details(found))


async def create_backup_bucket(
    info: Info,
    input: Annotated[
        ClickHouseBackupBucketInput,
        strawberry.argument(description="The service and its new bucket"),
    ],
) -> ClickHouseBackupBucketPayload:
    return await _write_bucket(info, input, create=True)


async def update_backup_bucket(
    info: Info,
    input: Annotated[
        ClickHouseBackupBucketInput,
        strawberry.argument(description="The service and its bucket's new settings"),
    ],
) -> ClickHouseBackupBucketPayload:
    return await _write_bucket(info, input, create=False)


async def delete_backup_bucket(
    info: Info,
    input: Annotated[ClickHouseServiceInput, strawberry.argument(description="The service")],
) -> ClickHouseBackupBucketPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_BACKUP_CONFIGURATION)
    ops = service_ops(t.adapter)
    await run(t, lambda: ops.delete_backup_bucket(t.key))
    return ClickHouseBackupBucketPayload(backup_bucket=None)


async def create_byoc(
    info: Info,
    input: Annotated[
        CreateClickHouseByocInfrastructureInput,
        strawberry.argument(description="The organization and where to build"),
    ],
) -> ClickHouseByocInfrastructurePayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
    adapter = byoc(t.adapter)
    new = NewByocInfrastructure(
        region=input.region,
        account_id=input.account_id,
        availability_zone_suffixes=tuple(input.availability_zone_suffixes),
        vpc_cidr_range=input.vpc_cidr_range,
        display_name=input.display_name,
    )
    found = await run(t, lambda: adapter.create_byoc_infrastructure(t.key, new))
    return ClickHouseByocInfrastructurePayload(
        byoc_infrastructure=ClickHouseByocInfrastructure.from_details(found)
    )


async def rename_byoc(
    info: Info,
    input: Annotated[
        RenameClickHouseByocInfrastructureInput,
        strawberry.argument(description="The infrastructure and its new name"),
    ],
) -> ClickHouseByocInfrastructurePayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
    adapter = byoc(t.adapter)
    found = await run(
        t,
        lambda: adapter.rename_byoc_infrastructure(
            t.key, input.byoc_infrastructure_id, input.display_name
        ),
    )
    return ClickHouseByocInfrastructurePayload(
        byoc_infrastructure=ClickHouseByocInfrastructure.from_details(found)
    )


async def delete_byoc(
    info: Info,
    input: Annotated[
        DeleteClickHouseByocInfrastructureInput,
        strawberry.argument(description="The infrastructure to remove"),
    ],
) -> DeleteClickHouseByocInfrastructurePayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
    adapter = byoc(t.adapter)
    await run(t, lambda: adapter.delete_byoc_infrastructure(t.key, input.byoc_infrastructure_id))
    return DeleteClickHouseByocInfrastructurePayload(
        deleted_byoc_infrastructure_id=input.byoc_infrastructure_id
    )


@strawberry.type(description="The 2026-06 spec's further ClickHouse writes")
class ClickHouseOpsMutations:
    scale_clickhouse_replicas = strawberry.mutation(
        resolver=scale_replicas,
        name="scaleClickHouseReplicas",
        description="Change a ClickHouse service's per-replica memory, replica counts "
        "(vertical or horizontal autoscaling) or idling",
        extensions=operator("day-to-day capacity"),
    )
    set_clickhouse_scaling_schedule = strawberry.mutation(
        resolver=set_scaling_schedule,
        name="setClickHouseScalingSchedule",
        description="Replace a ClickHouse service's weekly scaling schedule (no windows clear it)",
        extensions=operator("day-to-day capacity"),
    )
    delete_clickhouse_scaling_schedule = strawberry.mutation(
        resolver=delete_scaling_schedule,
        name="deleteClickHouseScalingSchedule",
        description="Remove a ClickHouse service's scaling schedule (its base scaling stays)",
        extensions=operator("day-to-day capacity"),
    )
    create_clickhouse_private_endpoint = strawberry.mutation(
        resolver=create_private_endpoint,
        name="createClickHousePrivateEndpoint",
        description="Register a private endpoint with the organization for a ClickHouse service",
        extensions=admin("opens a private network path to the service"),
    )
    create_clickhouse_backup_bucket = strawberry.mutation(
        resolver=create_backup_bucket,
        name="createClickHouseBackupBucket",
        description="Send a ClickHouse service's backups to a bucket of the caller's",
        extensions=admin("backups leave the vendor's storage, with a cloud credential"),
    )
    update_clickhouse_backup_bucket = strawberry.mutation(
        resolver=update_backup_bucket,
        name="updateClickHouseBackupBucket",
        description="Change a ClickHouse service's backup bucket (its credential always given)",
        extensions=admin("backups go elsewhere, with a cloud credential"),
    )
    delete_clickhouse_backup_bucket = strawberry.mutation(
        resolver=delete_backup_bucket,
        name="deleteClickHouseBackupBucket",
        description="Send a ClickHouse service's backups back to the vendor's storage",
        extensions=admin("changes where backups are kept"),
    )
    create_clickhouse_byoc_infrastructure = strawberry.mutation(
        resolver=create_byoc,
        name="createClickHouseByocInfrastructure",
        description="Build BYOC infrastructure in a cloud account of the organization's",
        extensions=admin("builds infrastructure in a cloud account"),
    )
    rename_clickhouse_byoc_infrastructure = strawberry.mutation(
        resolver=rename_byoc,
        name="renameClickHouseByocInfrastructure",
        description="Rename a BYOC infrastructure",
        extensions=admin("changes organization-wide infrastructure"),
    )
    delete_clickhouse_byoc_infrastructure = strawberry.mutation(
        resolver=delete_byoc,
        name="deleteClickHouseByocInfrastructure",
        description="Remove a BYOC infrastructure from the organization",
        extensions=admin("removes infrastructure services may run on"),
    )
