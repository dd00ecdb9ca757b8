"""Typed vendor-specific parts: ``Database.clickhouse``, ``Organization.clickhouse``, ...

Each is built from a record's ``details`` and is null for records of other vendors.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.base import OrganizationMetrics
from adapters.details import (
    ClickHouseOrganizationDetails,
    ClickHouseServiceDetails,
    Endpoint,
    IpAccessEntry,
    PrivateEndpoint,
    ResourceTag,
)
from adapters.model import DatabaseRecord, OrganizationRecord
from schema.connection import After, Before, Connection, First, Last, PageArgs
from schema.context import context_of
from schema.kinds import (
    BACKUP_CONFIGURATION,
    METRICS,
    PRIVATE_ENDPOINT_CONFIG,
    clickhouse_postgres,
    not_offered,
)
from schema.vendor_types import clickhouse_pipes as pipes
from schema.vendor_types.clickhouse_clickstack import ClickHouseClickStackFields
from schema.vendor_types.clickhouse_extras import (
    ClickHouseQueryEndpointType,
    ClickHouseSettingType,
    ClickHouseUpgradeWindowType,
    extras,
)
from schema.vendor_types.clickhouse_ops import (
    ClickHouseOrganizationOpsFields,
    ClickHouseServiceOpsFields,
)
from schema.vendor_types.clickhouse_roles import ClickHouseRoleType, list_roles


@strawberry.type(name="ClickHouseEndpoint", description="A protocol endpoint of a service")
class ClickHouseEndpointType:
    protocol: str | None = strawberry.field(description="https, nativesecure, mysql, ...")
    host: str | None = strawberry.field(description="Host name")
    port: int | None = strawberry.field(description="Port")

    @classmethod
    def from_details(cls, e: Endpoint) -> ClickHouseEndpointType:
        return cls(protocol=e.protocol, host=e.host, port=e.port)


@strawberry.type(description="An IP access list entry")
class IpAccessListEntry:
    source: str | None = strawberry.field(description="IP address or CIDR")
    description: str | None = strawberry.field(description="Why it is allowed")

    @classmethod
    def from_details(cls, e: IpAccessEntry) -> IpAccessListEntry:
        return cls(source=e.source, description=e.description)


@strawberry.type(
    name="ClickHousePrivateEndpoint", description="A private endpoint of an organization"
)
class ClickHousePrivateEndpointType:
    id: str | None = strawberry.field(description="Endpoint ID")
    description: str | None = strawberry.field(description="Description")
    cloud_provider: str | None = strawberry.field(description="aws, gcp or azure")
    region: str | None = strawberry.field(description="Region")

    @classmethod
    def from_details(cls, p: PrivateEndpoint) -> ClickHousePrivateEndpointType:
        return cls(
            id=p.id, description=p.description, cloud_provider=p.cloud_provider, region=p.region
        )


@strawberry.type(description="How to set up a private endpoint")
class PrivateEndpointConfig:
    endpoint_service_id: str | None = strawberry.field(description="VPC endpoint service ID")
    private_dns_hostname: str | None = strawberry.field(description="Private DNS host name")


@strawberry.type(description="When backups run and how long they are kept")
class BackupConfiguration:
    period_hours: float | None = strawberry.field(description="Hours between backups")
    retention_period_hours: float | None = strawberry.field(description="Hours a backup is kept")
    start_time: str | None = strawberry.field(description="HH:MM (UTC) backups start at")


@strawberry.type(name="ClickHouseTag", description="A tag on a ClickHouse Cloud resource")
class ClickHouseTagType:
    key: str = strawberry.field(description="Tag key")
    value: str | None = strawberry.field(description="Tag value; null for a key-only tag")

    @classmethod
    def from_details(cls, t: ResourceTag) -> ClickHouseTagType:
        return cls(key=t.key, value=t.value)


@strawberry.type(description="ClickHouse Cloud service details")
class ClickHouseDatabase(ClickHouseServiceOpsFields, ClickHouseClickStackFields):
    tier: str | None = strawberry.field(description="development, production, dedicated_*")
    provider: str | None = strawberry.field(description="aws, gcp or azure")
    region: str | None = strawberry.field(description="Cloud region")
    endpoints: list[ClickHouseEndpointType] = strawberry.field(description="Protocol endpoints")
    min_total_memory_gb: float | None = strawberry.field(
        description="Autoscaling minimum, all replicas"
    )
    max_total_memory_gb: float | None = strawberry.field(
        description="Autoscaling maximum, all replicas"
    )
    min_replica_memory_gb: float | None = strawberry.field(
        description="Autoscaling minimum per replica"
    )
    max_replica_memory_gb: float | None = strawberry.field(
        description="Autoscaling maximum per replica"
    )
    num_replicas: int | None = strawberry.field(description="Number of replicas")
    idle_scaling: bool | None = strawberry.field(description="May scale to zero when idle")
    idle_timeout_minutes: int | None = strawberry.field(
        description="Idle time before scaling to zero"
    )
    ip_access_list: list[IpAccessListEntry] = strawberry.field(description="Who may connect")
    iam_role: str | None = strawberry.field(description="IAM role for S3 access")
    private_endpoint_ids: list[str] = strawberry.field(description="Attached private endpoints")
    data_warehouse_id: str | None = strawberry.field(description="Warehouse the service belongs to")
    is_primary: bool | None = strawberry.field(description="Primary service of its warehouse")
    clickhouse_version: str | None = strawberry.field(
        description="ClickHouse version the service runs (newer API; null where not sent)"
    )
    release_channel: str | None = strawberry.field(
        description="Release channel as the vendor names it: slow, default or fast"
    )
    tags: list[ClickHouseTagType] = strawberry.field(
        description="Tags on the service (the gateway's own idempotency tag included)"
    )
    is_readonly: bool | None = strawberry.field(
        description="Read-only (a secondary service of a warehouse), where the vendor says"
    )
    min_replicas: int | None = strawberry.field(
        description="Horizontal autoscaling: fewest replicas (null for vertical autoscaling)"
    )
    max_replicas: int | None = strawberry.field(description="Horizontal autoscaling: most replicas")
    replica_memory_gb: float | None = strawberry.field(
        description="Horizontal autoscaling: fixed memory per replica"
    )
    has_transparent_data_encryption: bool | None = strawberry.field(
        description="Transparent Data Encryption is on"
    )
    transparent_data_encryption_key_id: str | None = strawberry.field(
        description="ID of the TDE key, where TDE is on"
    )
    encryption_role_id: str | None = strawberry.field(
        description="IAM role used for encryption, where TDE is on"
    )
    compliance_type: str | None = strawberry.field(
        description="Regulatory compliance: hipaa or pci"
    )
    profile: str | None = strawberry.field(description="Custom instance profile (Enterprise)")
    effective_autoscaling_mode: str | None = strawberry.field(
        description="Autoscaling in effect now (currentScaling): vertical or horizontal"
    )
    effective_min_replica_memory_gb: float | None = strawberry.field(
        description="Minimum memory per replica in effect now (a schedule may change it)"
    )
    effective_max_replica_memory_gb: float | None = strawberry.field(
        description="Maximum memory per replica in effect now"
    )
    record: strawberry.Private[DatabaseRecord]

    @classmethod
    def from_record(cls, r: DatabaseRecord) -> ClickHouseDatabase | None:
        d = r.details
        if not isinstance(d, ClickHouseServiceDetails):
            return None
        return cls(
            tier=d.tier,
            provider=d.provider,
            region=d.region,
            endpoints=[ClickHouseEndpointType.from_details(e) for e in d.endpoints],
            min_total_memory_gb=d.min_total_memory_gb,
            max_total_memory_gb=d.max_total_memory_gb,
            min_replica_memory_gb=d.min_replica_memory_gb,
            max_replica_memory_gb=d.max_replica_memory_gb,
            num_replicas=d.num_replicas,
            idle_scaling=d.idle_scaling,
            idle_timeout_minutes=d.idle_timeout_minutes,
            ip_access_list=[IpAccessListEntry.from_details(e) for e in d.ip_access_list],
            iam_role=d.iam_role,
            private_endpoint_ids=list(d.private_endpoint_ids),
            data_warehouse_id=d.data_warehouse_id,
            is_primary=d.is_primary,
            clickhouse_version=d.clickhouse_version,
            release_channel=d.release_channel,
            tags=[ClickHouseTagType.from_details(t) for t in d.tags],
            is_readonly=d.is_readonly,
            min_replicas=d.min_replicas,
            max_replicas=d.max_replicas,
            replica_memory_gb=d.replica_memory_gb,
            has_transparent_data_encryption=d.has_transparent_data_encryption,
            transparent_data_encryption_key_id=d.transparent_data_encryption_key_id,
            encryption_role_id=d.encryption_role_id,
            compliance_type=d.compliance_type,
            profile=d.profile,
            effective_autoscaling_mode=d.effective_autoscaling_mode,
            effective_min_replica_memory_gb=d.effective_min_replica_memory_gb,
            effective_max_replica_memory_gb=d.effective_max_replica_memory_gb,
            record=r,
        )

    def _key(self) -> tuple[str, tuple[str, ...]]:
        return (self.record.connection.name, self.record.key)

    @strawberry.field(description="The backup schedule (one upstream call)")
    async def backup_configuration(self, info: Info) -> BackupConfiguration:
        r = await context_of(info).loaders.single(BACKUP_CONFIGURATION).load(self._key())
        return BackupConfiguration(
            period_hours=r.period_hours,
            retention_period_hours=r.retention_period_hours,
            start_time=r.start_time,
        )

    @strawberry.field(description="Private endpoint setup for this service (one upstream call)")
    async def private_endpoint_config(self, info: Info) -> PrivateEndpointConfig:
        r = await context_of(info).loaders.single(PRIVATE_ENDPOINT_CONFIG).load(self._key())
        return PrivateEndpointConfig(
            endpoint_service_id=r.endpoint_service_id,
            private_dns_hostname=r.private_dns_hostname,
        )

    @strawberry.field(description="Prometheus metrics text (one upstream call)")
    async def prometheus_metrics(self, info: Info) -> str:
        return str(await context_of(info).loaders.single(METRICS).load(self._key()))

    @strawberry.field(description="Its ClickPipes, by name (one call for all of them)")
    async def click_pipes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[pipes.ClickHousePipeType]:
        args = PageArgs(first, after, last, before)
        return await pipes.clickpipes_page(info, *self._key(), args)

    @strawberry.field(description="One of its ClickPipes; null if it has no such pipe (one call)")
    async def click_pipe(
        self,
        info: Info,
        pipe_id: Annotated[str, strawberry.argument(description="The pipe's nativeId (a UUID)")],
    ) -> pipes.ClickHousePipeType | None:
        return await pipes.clickpipe(info, *self._key(), pipe_id)

    @strawberry.field(description="The compute its database (CDC) ClickPipes share (one call)")
    async def click_pipes_cdc_scaling(
        self, info: Info
    ) -> pipes.ClickHousePipesCdcScalingType | None:
        return await pipes.cdc_scaling(info, *self._key())

    @strawberry.field(description="Its ClickPipes reverse private endpoints (one call)")
    async def reverse_private_endpoints(
        self, info: Info
    ) -> list[pipes.ClickHouseReversePrivateEndpointType]:
        return await pipes.reverse_endpoints(info, *self._key())

    @strawberry.field(description="One reverse private endpoint; null if none such (one call)")
    async def reverse_private_endpoint(
        self,
        info: Info,
        endpoint_id: Annotated[
            str, strawberry.argument(description="The endpoint's nativeId (a UUID)")
        ],
    ) -> pipes.ClickHouseReversePrivateEndpointType | None:
        return await pipes.reverse_endpoint(info, *self._key(), endpoint_id)

    @strawberry.field(description="When the vendor may upgrade it; null until set (one call)")
    async def upgrade_window(self, info: Info) -> ClickHouseUpgradeWindowType | None:
        found = await extras(info, self.record.connection.name).get_upgrade_window(self.record.key)
        return ClickHouseUpgradeWindowType.from_details(found) if found else None

    @strawberry.field(description="Its ClickHouse settings and their values (one call)")
    async def clickhouse_settings(self, info: Info) -> list[ClickHouseSettingType]:
        adapter = extras(info, self.record.connection.name)
        found = await adapter.list_clickhouse_settings(self.record.key)
        return [ClickHouseSettingType.from_details(s) for s in found]

    @strawberry.field(description="Its query API endpoint; null when it has none (one call)")
    async def query_endpoint(self, info: Info) -> ClickHouseQueryEndpointType | None:
        found = await extras(info, self.record.connection.name).get_query_endpoint(self.record.key)
        return ClickHouseQueryEndpointType.from_details(found) if found else None


@strawberry.type(description="ClickHouse Cloud organization details")
class ClickHouseOrganization(ClickHouseOrganizationOpsFields):
    private_endpoints: list[ClickHousePrivateEndpointType] = strawberry.field(
        description="Private endpoints registered with the organization"
    )
    record: strawberry.Private[OrganizationRecord]

    @classmethod
    def from_record(cls, r: OrganizationRecord) -> ClickHouseOrganization | None:
        d = r.details
        if not isinstance(d, ClickHouseOrganizationDetails):
            return None
        return cls(
            private_endpoints=[
                ClickHousePrivateEndpointType.from_details(p) for p in d.private_endpoints
            ],
            record=r,
        )

    @strawberry.field(description="Prometheus metrics text of every service (one call)")
    async def prometheus_metrics(
        self,
        info: Info,
        filtered: Annotated[
            bool | None,
            strawberry.argument(description="Only the vendor's filtered set; its default if unset"),
        ] = None,
    ) -> str:
        adapter = context_of(info).loaders.adapter(self.record.connection.name)
        if not isinstance(adapter, OrganizationMetrics):
            raise not_offered(adapter, "organization metrics")
        return await adapter.get_organization_metrics(self.record.key, filtered)

    @strawberry.field(description="RBAC roles, system and custom (one call)")
    async def roles(self, info: Info) -> list[ClickHouseRoleType]:
        return await list_roles(info, self.record)

    @strawberry.field(
        description="Prometheus metrics text of every managed Postgres service (one call)"
    )
    async def postgres_prometheus_metrics(self, info: Info) -> str:
        adapter = clickhouse_postgres(context_of(info).loaders.adapter(self.record.connection.name))
        return await adapter.get_organization_postgres_metrics(self.record.key)

    @strawberry.field(description="Private endpoint setup for a cloud provider and region")
    async def private_endpoint_config(
        self,
        info: Info,
        cloud_provider: Annotated[
            str, strawberry.argument(description='The cloud provider, e.g. "aws", "gcp", "azure"')
        ],
        region: Annotated[str, strawberry.argument(description='Its region, e.g. "us-east-1"')],
    ) -> PrivateEndpointConfig:
        adapter = context_of(info).loaders.adapter(self.record.connection.name)
        r = await adapter.get_organization_private_endpoint_config(
            self.record.key, cloud_provider, region
        )
        return PrivateEndpointConfig(
            endpoint_service_id=r.endpoint_service_id,
            private_dns_hostname=r.private_dns_hostname,
        )
