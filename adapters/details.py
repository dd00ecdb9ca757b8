"""Vendor-specific typed details of normalized records (``Database.clickhouse`` etc.).

They live outside the vendor packages so the schema can type them without importing a
vendor; a record's ``details`` holds one of these, or None.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    protocol: str | None
    host: str | None
    port: int | None


@dataclass(frozen=True)
class IpAccessEntry:
    source: str | None
    description: str | None


@dataclass(frozen=True)
class PrivateEndpoint:
    id: str | None
    description: str | None
    cloud_provider: str | None
    region: str | None


@dataclass(frozen=True)
class ClickHouseServiceDetails:
    """The typed ClickHouse part of a Database (``Database.clickhouse``)."""

    tier: str | None
    provider: str | None
    region: str | None
    endpoints: tuple[Endpoint, ...]
    min_total_memory_gb: float | None
    max_total_memory_gb: float | None
    min_replica_memory_gb: float | None
    max_replica_memory_gb: float | None
    num_replicas: int | None
    idle_scaling: bool | None
    idle_timeout_minutes: int | None
    ip_access_list: tuple[IpAccessEntry, ...]
    iam_role: str | None
    private_endpoint_ids: tuple[str, ...]
    data_warehouse_id: str | None
    is_primary: bool | None


@dataclass(frozen=True)
class ClickHouseOrganizationDetails:
    private_endpoints: tuple[PrivateEndpoint, ...]
