"""Vendor-specific typed details of normalized records (``Database.clickhouse`` etc.).

They live outside the vendor packages so the schema can type them without importing a
vendor; a record's ``details`` holds one of these, or None.
"""

from __future__ import annotations

from datetime import date, datetime

from adapters.frozen import record


@record
class Endpoint:
    protocol: str | None
    host: str | None
    port: int | None


@record
class IpAccessEntry:
    source: str | None
    description: str | None


@record
class PrivateEndpoint:
    id: str | None
    description: str | None
    cloud_provider: str | None
    region: str | None


@record
class ResourceTag:
    """A key and optional value a ClickHouse resource is tagged with (``ResourceTagsV1``)."""

    key: str
    value: str | None


@record
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
    clickhouse_version: str | None = None
    #: ``slow``, ``default`` or ``fast`` (2026-06 spec); passed through as sent
    release_channel: str | None = None
    tags: tuple[ResourceTag, ...] = ()
    # the 2026-06 spec's newer fields; None where the vendor does not send them
    is_readonly: bool | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    replica_memory_gb: float | None = None
    has_transparent_data_encryption: bool | None = None
    transparent_data_encryption_key_id: str | None = None
    encryption_role_id: str | None = None
    compliance_type: str | None = None
    profile: str | None = None
    #: the autoscaling in effect now (``currentScaling``): mode, min and max per replica
    effective_autoscaling_mode: str | None = None
    effective_min_replica_memory_gb: float | None = None
    effective_max_replica_memory_gb: float | None = None


@record
class ClickHousePostgresDetails:
    """The typed part of a ClickHouse-managed Postgres service (``Database.clickhousePostgres``).

    A service read from the list lacks what only its own answer has (hostname, user,
    storage size): ``detailed`` says which it is."""

    postgres_version: str | None
    size: str | None
    ha_type: str | None
    is_primary: bool | None
    tags: tuple[ResourceTag, ...]
    storage_size_gb: int | None
    hostname: str | None
    username: str | None
    #: the connection string with its password removed
    connection_string: str | None
    detailed: bool


@record
class ClickHouseOrganizationDetails:
    private_endpoints: tuple[PrivateEndpoint, ...]


@record
class FeatureBaseDatabaseDetails:
    """The typed FeatureBase part of a Database (``Database.featurebase``)."""

    #: ``database_options.shape``: a shape name, or the short form the docs show ("8GB")
    shape: str | None
    owner_id: str | None
    created_by_id: str | None
    updated_at: datetime | None
    updated_by_id: str | None


@record
class FeatureBaseRole:
    """A role of a FeatureBase org (``/v2/roles``)."""

    name: str
    acl: tuple[str, ...]


@record
class FeatureBaseOrganizationDetails:
    company_name: str | None
    address: str | None
    tech_contact_email: str | None
    billing_contact_email: str | None
    org_type: str | None


@record
class FeatureBaseBackupDetails:
    url: str | None
    storage_class: str | None
    timestamp: datetime | None


@record
class FeatureBaseMemberDetails:
    first_name: str | None
    last_name: str | None
    username: str | None
    status: str | None
    roles: tuple[str, ...]
    acl: tuple[str, ...]


@record
class DBaaSDatabaseDetails:
    """The typed DBaaS part of a Database (``Database.dbaas``).

    Plan, environment and project come as links; only their keys are kept here, and the
    schema resolves them through per-request loaders (``get_plans``,
    ``get_dbaas_environments``, ``get_dbaas_projects`` of the DBaaS adapter).
    """

    #: as the API gives it, with its ``<user>:<password>`` placeholders
    endpoint: str | None
    plan_key: tuple[str, ...] | None
    environment_key: tuple[str, ...] | None
    project_key: tuple[str, ...] | None
    total_size_bytes: int | None
    used_size_bytes: int | None
    quarantined_at: datetime | None
    #: optional fields a real server may add (vendor notes); None when absent
    description: str | None = None
    team: str | None = None
    is_locked: bool | None = None
    #: as sent, version included (``mysql 8.0``); ``Database.engine`` has its name alone
    engine: str | None = None


@record
class DBaaSEnvironment:
    """Where a DBaaS database runs (read-only in the API)."""

    key: tuple[str, ...]
    native_id: str
    name: str | None
    #: 1 dev, 2 prod
    stage: int | None
    #: undocumented codes, passed through as text (the vendor may send a number or a name)
    provisioner: str | None


@record
class DBaaSProject:
    """A DBaaS project databases may belong to."""

    key: tuple[str, ...]
    native_id: str
    name: str | None


@record
class AstraAppDetails:
    """The typed Astra Control part of a Database (``Database.astra``): a managed app."""

    #: protected, partial, none or atRisk
    protection_state: str | None
    namespaces: tuple[str, ...]
    cluster_id: str | None
    cluster_name: str | None
    cluster_type: str | None


@record
class PostgresConfig:
    """A ClickHouse Postgres service's settings: Postgres's and PgBouncer's, by name."""

    pg_config: dict[str, str]
    pg_bouncer_config: dict[str, str]
    #: what the vendor says about applying a change (restart needed...), after a write
    message: str | None = None


@record
class MetricPoint:
    timestamp: datetime
    value: float | None


@record
class MetricSeries:
    label: str | None
    points: tuple[MetricPoint, ...]


@record
class PostgresMetric:
    """One time series metric of a Postgres service (``PostgresMetric``)."""

    key: str
    name: str | None
    unit: str | None
    description: str | None
    series: tuple[MetricSeries, ...]


@record
class MetricsWindow:
    """The time range and bucket of a metrics read."""

    from_date: datetime
    to_date: datetime
    bucket_size_seconds: int | None = None


@record
class SlowQueryQuery:
    """What a slow query patterns read asks for: the window, filters, order and page."""

    from_date: datetime
    to_date: datetime
    db_name: str | None = None
    db_user: str | None = None
    db_operation: str | None = None
    app: str | None = None
    #: one of the spec's ``sort_by`` values (``total_duration``...), None: the vendor's default
    sort_by: str | None = None
    descending: bool | None = None
    limit: int | None = None
    offset: int | None = None


@record
class SlowQueryPattern:
    """A normalized query and its aggregate cost over a window (``PostgresSlowQueryPattern``);
    durations in microseconds."""

    query_id: str
    query_text: str | None
    db_name: str | None
    db_user: str | None
    db_operation: str | None
    app: str | None
    call_count: int | None
    error_count: int | None
    total_duration_us: int | None
    avg_duration_us: int | None
    max_duration_us: int | None
    p50_duration_us: int | None
    p95_duration_us: int | None
    p99_duration_us: int | None
    total_rows: int | None
    total_shared_blocks_read: int | None
    total_shared_blocks_hit: int | None
    total_cpu_time_us: int | None
    total_wal_bytes: int | None


@record
class UsageCostRecord:
    """One entity's cost on one day, in ClickHouse Credits (``UsageCostRecord``)."""

    date: date | None
    entity_type: str | None
    entity_id: str | None
    entity_name: str | None
    service_id: str | None
    data_warehouse_id: str | None
    total: float | None
    #: cost by kind as the vendor names it (computeCHC, storageCHC...), CHC
    metrics: dict[str, float]
    locked: bool | None


@record
class UsageCost:
    """An organization's daily costs over a window (``UsageCost``)."""

    grand_total: float | None
    records: tuple[UsageCostRecord, ...]


@record
class UsageCostQuery:
    """The days (both included) and the tags every counted entity carries."""

    from_date: date
    to_date: date
    #: (key, value) pairs; a None value: the key alone
    tags: tuple[tuple[str, str | None], ...] = ()


@record
class RolePolicy:
    """What a role allows or denies, on which resources (``RBACPolicy``)."""

    #: True: ALLOW, False: DENY, None: a value the spec does not name
    allow: bool | None
    permissions: tuple[str, ...]
    resources: tuple[str, ...]
    grants: tuple[str, ...] = ()
    sql_console_role: str | None = None


@record
class ClickHouseRole:
    """An RBAC role of a ClickHouse organization (``RBACRole``, 2026-06 spec)."""

    key: tuple[str, ...]
    native_id: str
    name: str | None
    #: system or custom
    type: str | None
    #: as the vendor names them: ``user/<id>``, ``apiKey/<id>``
    actors: tuple[str, ...]
    policies: tuple[RolePolicy, ...]
    created_at: datetime | None
    updated_at: datetime | None


@record
class UpgradeWindow:
    """When a ClickHouse service may be upgraded: a weekly window (``UpgradeWindow``)."""

    #: 0 Sunday ... 6 Saturday
    weekday: int | None
    start_hour_utc: int | None
    duration_hours: int | None


@record
class ClickHouseSetting:
    name: str
    value: str | None
    #: after a change: the vendor's warning about it, if any
    warning: str | None = None


@record
class QueryEndpoint:
    """A ClickHouse service's query API endpoint (``ServiceQueryAPIEndpoint``)."""

    id: str | None
    api_key_ids: tuple[str, ...]
    roles: tuple[str, ...]
    allowed_origins: str | None


@record
class AstraCredential:
    """What names a stored Astra credential (a kubeconfig, a bucket key); never its content."""

    native_id: str
    name: str | None
    key_type: str | None
    valid: bool | None
    valid_until: datetime | None
    created_at: datetime | None


@record
class AstraRoleBinding:
    """One grant of an Astra role: to a user (``user_id``) or a group (``group_id``)."""

    native_id: str
    principal_type: str | None
    user_id: str | None
    group_id: str | None
    role: str | None
    role_constraints: tuple[str, ...]
    created_at: datetime | None


@record
class FeatureBaseMetric:
    """One sample of a FeatureBase database's OpenMetrics text (the query host)."""

    name: str
    #: the family's ``# TYPE`` (gauge, counter, unknown...), None when not declared
    type: str | None
    #: the family's ``# HELP``
    help: str | None
    labels: tuple[tuple[str, str], ...]
    #: None for NaN and infinities, which a GraphQL Float cannot carry
    value: float | None


@record
class FeatureBaseMetrics:
    """A database's metrics as read: the samples kept and whether any were left out."""

    samples: tuple[FeatureBaseMetric, ...]
    truncated: bool


@record
class FeatureBaseUserChange:
    """What ``updateFeatureBaseUser`` changes of a user (``PATCH /v2/users/{id}``); None
    keeps a field as it is."""

    first_name: str | None = None
    last_name: str | None = None
    acl: tuple[str, ...] | None = None
    status: str | None = None


@record
class AstraUserChange:
    """What ``updateAstraUser`` changes of a user; None keeps a field as it is."""

    first_name: str | None = None
    last_name: str | None = None
    enabled: bool | None = None
    #: True suspends the user (state ``suspended``), False makes them ``active`` again
    suspended: bool | None = None
