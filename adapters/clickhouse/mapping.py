"""ClickHouse Cloud JSON -> normalized records. State tables are data, walked by tests."""

from __future__ import annotations

from typing import Any

from adapters.coerce import as_bool as _bool
from adapters.coerce import as_float as _num
from adapters.coerce import as_int as _int
from adapters.coerce import as_str as _str
from adapters.details import (
    ClickHouseOrganizationDetails,
    ClickHousePostgresDetails,
    ClickHouseServiceDetails,
    Endpoint,
    IpAccessEntry,
    PrivateEndpoint,
    ResourceTag,
)
from adapters.model import (
    ActivityRecord,
    ApiKeyRecord,
    ApiKeyState,
    AssignedRole,
    BackupConfigurationRecord,
    BackupRecord,
    BackupStatus,
    ConnectionInfo,
    DatabaseRecord,
    DatabaseStatus,
    InvitationRecord,
    Key,
    MemberRecord,
    MemberRole,
    OrganizationRecord,
    PlanRecord,
    PrivateEndpointConfigRecord,
)
from adapters.timeparse import parse_datetime
from adapters.upstream.redact import redact, redact_url_password

#: every ``Service.state`` of the OpenAPI spec
SERVICE_STATES: dict[str, DatabaseStatus] = {
    "starting": DatabaseStatus.STARTING,
    "stopping": DatabaseStatus.STOPPING,
    "terminating": DatabaseStatus.DELETING,
    "awaking": DatabaseStatus.STARTING,
    "provisioning": DatabaseStatus.PROVISIONING,
    "running": DatabaseStatus.RUNNING,
    "stopped": DatabaseStatus.STOPPED,
    "terminated": DatabaseStatus.DELETED,
    "degraded": DatabaseStatus.DEGRADED,
    "failed": DatabaseStatus.FAILED,
    "idle": DatabaseStatus.IDLE,
}

#: every ``Backup.status`` of the OpenAPI spec
BACKUP_STATES: dict[str, BackupStatus] = {
    "done": BackupStatus.COMPLETED,
    "error": BackupStatus.FAILED,
    "in_progress": BackupStatus.IN_PROGRESS,
}

KEY_STATES: dict[str, ApiKeyState] = {
    "enabled": ApiKeyState.ENABLED,
    "disabled": ApiKeyState.DISABLED,
}

ROLES: dict[str, MemberRole] = {
    "admin": MemberRole.ADMIN,
    "developer": MemberRole.DEVELOPER,
}

# The other way, for writes: the normalized values a ClickHouse role or key state can take.
ROLE_NAMES: dict[MemberRole, str] = {role: name for name, role in ROLES.items()}
KEY_STATE_NAMES: dict[ApiKeyState, str] = {state: name for name, state in KEY_STATES.items()}

#: the tiers a service can be created as (the rendered docs' enum, newer than the OpenAPI's)
TIERS: dict[str, str] = {
    "development": "Fixed-size service for development; scales to zero when idle",
    "production": "Autoscaling service for production workloads",
    "dedicated_high_mem": "Dedicated compute, memory-optimized",
    "dedicated_high_cpu": "Dedicated compute, CPU-optimized",
    "dedicated_standard": "Dedicated compute, balanced",
    "dedicated_standard_n2d_standard_4": "Dedicated compute, n2d-standard-4 nodes",
    "dedicated_standard_n2d_standard_8": "Dedicated compute, n2d-standard-8 nodes",
    "dedicated_standard_n2d_standard_32": "Dedicated compute, n2d-standard-32 nodes",
    "dedicated_standard_n2d_standard_128": "Dedicated compute, n2d-standard-128 nodes",
}


def organization(conn: ConnectionInfo, body: dict[str, Any]) -> OrganizationRecord:
    org_id = str(body["id"])
    endpoints = tuple(
        PrivateEndpoint(
            _str(p.get("id")),
            _str(p.get("description")),
            _str(p.get("cloudProvider")),
            _str(p.get("region")),
        )
        for p in body.get("privateEndpoints") or []
        if isinstance(p, dict)
    )
    return OrganizationRecord(
        connection=conn,
        key=(org_id,),
        native_id=org_id,
        name=_str(body.get("name")) or org_id,
        created_at=parse_datetime(body.get("createdAt")),
        raw=body,
        details=ClickHouseOrganizationDetails(endpoints),
    )


def service(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> DatabaseRecord:
    service_id = str(body["id"])
    state = _str(body.get("state"))
    scaling = body.get("currentScaling")
    current: dict[str, Any] = scaling if isinstance(scaling, dict) else {}
    details = ClickHouseServiceDetails(
        tier=_str(body.get("tier")),
        provider=_str(body.get("provider")),
        region=_str(body.get("region")),
        endpoints=tuple(
            Endpoint(_str(e.get("protocol")), _str(e.get("host")), _int(e.get("port")))
            for e in body.get("endpoints") or []
            if isinstance(e, dict)
        ),
        min_total_memory_gb=_num(body.get("minTotalMemoryGb")),
        max_total_memory_gb=_num(body.get("maxTotalMemoryGb")),
        min_replica_memory_gb=_num(body.get("minReplicaMemoryGb")),
        max_replica_memory_gb=_num(body.get("maxReplicaMemoryGb")),
        num_replicas=_int(body.get("numReplicas")),
        idle_scaling=_bool(body.get("idleScaling")),
        idle_timeout_minutes=_int(body.get("idleTimeoutMinutes")),
        ip_access_list=tuple(
            IpAccessEntry(_str(e.get("source")), _str(e.get("description")))
            for e in body.get("ipAccessList") or []
            if isinstance(e, dict)
        ),
        iam_role=_str(body.get("iamRole")),
        private_endpoint_ids=tuple(str(p) for p in body.get("privateEndpointIds") or []),
        data_warehouse_id=_str(body.get("dataWarehouseId")),
        is_primary=_bool(body.get("isPrimary")),
        clickhouse_version=_str(body.get("clickhouseVersion")),
        release_channel=_str(body.get("releaseChannel")),
        tags=tags(body.get("tags")),
        is_readonly=_bool(body.get("isReadonly")),
        min_replicas=_int(body.get("minReplicas")),
        max_replicas=_int(body.get("maxReplicas")),
        replica_memory_gb=_num(body.get("replicaMemoryGb")),
        has_transparent_data_encryption=_bool(body.get("hasTransparentDataEncryption")),
        transparent_data_encryption_key_id=_str(body.get("transparentDataEncryptionKeyId")),
        encryption_role_id=_str(body.get("encryptionRoleId")),
        compliance_type=_str(body.get("complianceType")),
        profile=_str(body.get("profile")),
        effective_autoscaling_mode=_str(current.get("effectiveAutoscalingMode")),
        effective_min_replica_memory_gb=_num(current.get("effectiveMinReplicaMemoryGb")),
        effective_max_replica_memory_gb=_num(current.get("effectiveMaxReplicaMemoryGb")),
    )
    return DatabaseRecord(
        connection=conn,
        key=(org_id, service_id),
        native_id=service_id,
        organization_key=(org_id,),
        name=_str(body.get("name")) or service_id,
        status=SERVICE_STATES.get(state or "", DatabaseStatus.UNKNOWN),
        vendor_status=state,
        created_at=parse_datetime(body.get("createdAt")),
        region=details.region,
        cloud_provider=details.provider,
        raw=body,
        details=details,
        engine="clickhouse",
    )


#: every ``pgStateProperty`` of the 2026-06 spec
POSTGRES_STATES: dict[str, DatabaseStatus] = {
    "creating": DatabaseStatus.PROVISIONING,
    "restarting": DatabaseStatus.STARTING,
    "running": DatabaseStatus.RUNNING,
    "replaying_wal": DatabaseStatus.RESTORING,
    "restoring_backup": DatabaseStatus.RESTORING,
    "finalizing_restore": DatabaseStatus.RESTORING,
    # our reading: not reachable now, not known to be lost
    "unavailable": DatabaseStatus.DEGRADED,
    "deleting": DatabaseStatus.DELETING,
}
#: the middle part of a Postgres service's key: ``(organization, POSTGRES, id)``
POSTGRES = "postgres"


def postgres(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> DatabaseRecord:
    """A ``PostgresService`` (its own answer) or ``PostgresServiceListItem`` (the list's)."""
    postgres_id = str(body["id"])
    state = _str(body.get("state"))
    uri = _str(body.get("connectionString"))
    details = ClickHousePostgresDetails(
        postgres_version=_str(body.get("postgresVersion")),
        size=_str(body.get("size")),
        ha_type=_str(body.get("haType")),
        is_primary=_bool(body.get("isPrimary")),
        tags=tags(body.get("tags")),
        storage_size_gb=_int(body.get("storageSize")),
        hostname=_str(body.get("hostname")),
        username=_str(body.get("username")),
        connection_string=redact_url_password(uri) if uri else None,
        detailed=any(k in body for k in ("hostname", "username", "connectionString")),
    )
    return DatabaseRecord(
        connection=conn,
        key=(org_id, POSTGRES, postgres_id),
        native_id=postgres_id,
        organization_key=(org_id,),
        name=_str(body.get("name")) or postgres_id,
        status=POSTGRES_STATES.get(state or "", DatabaseStatus.UNKNOWN),
        vendor_status=state,
        can_query=None if state is None else state == "running",
        created_at=parse_datetime(body.get("createdAt")),
        region=_str(body.get("region")),
        cloud_provider=_str(body.get("provider")),
        # the superuser password is a secret-named field: redact() replaces it
        raw=redact(body),
        details=details,
        engine="postgres",
    )


def tags(value: Any) -> tuple[ResourceTag, ...]:
    """``ResourceTagsV1`` items; an item without a string key is no tag."""
    return tuple(
        ResourceTag(str(t["key"]), _str(t.get("value")))
        for t in (value if isinstance(value, list) else [])
        if isinstance(t, dict) and isinstance(t.get("key"), str)
    )


def backup(
    conn: ConnectionInfo, org_id: str, service_id: str, body: dict[str, Any]
) -> BackupRecord:
    backup_id = str(body["id"])
    status = _str(body.get("status"))
    return BackupRecord(
        connection=conn,
        key=(org_id, service_id, backup_id),
        native_id=backup_id,
        database_key=(org_id, service_id),
        status=BACKUP_STATES.get(status or "", BackupStatus.UNKNOWN),
        vendor_status=status,
        backup_type=_str(body.get("type")),
        started_at=parse_datetime(body.get("startedAt")),
        finished_at=parse_datetime(body.get("finishedAt")),
        size_bytes=_int(body.get("sizeInBytes")),
        duration_seconds=_num(body.get("durationInSeconds")),
        raw=body,
    )


def api_key(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> ApiKeyRecord:
    key_id = str(body["id"])
    state = _str(body.get("state"))
    return ApiKeyRecord(
        connection=conn,
        key=(org_id, key_id),
        native_id=key_id,
        organization_key=(org_id,),
        name=_str(body.get("name")),
        state=KEY_STATES.get(state or "", ApiKeyState.UNKNOWN),
        vendor_state=state,
        roles=tuple(str(r) for r in body.get("roles") or []),
        key_suffix=_str(body.get("keySuffix")),
        created_at=parse_datetime(body.get("createdAt")),
        expires_at=parse_datetime(body.get("expireAt")),
        last_used_at=parse_datetime(body.get("usedAt")),
        raw=body,
        assigned_roles=assigned_roles(body.get("assignedRoles")),
    )


def member(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> MemberRecord:
    user_id = str(body["userId"])
    role = _str(body.get("role"))
    return MemberRecord(
        connection=conn,
        key=(org_id, user_id),
        native_id=user_id,
        organization_key=(org_id,),
        name=_str(body.get("name")),
        email=_str(body.get("email")),
        role=ROLES.get(role or "", MemberRole.UNKNOWN),
        vendor_role=role,
        joined_at=parse_datetime(body.get("joinedAt")),
        raw=body,
        assigned_roles=assigned_roles(body.get("assignedRoles")),
    )


def invitation(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> InvitationRecord:
    invitation_id = str(body["id"])
    role = _str(body.get("role"))
    return InvitationRecord(
        connection=conn,
        key=(org_id, invitation_id),
        native_id=invitation_id,
        organization_key=(org_id,),
        email=_str(body.get("email")),
        role=ROLES.get(role or "", MemberRole.UNKNOWN),
        vendor_role=role,
        created_at=parse_datetime(body.get("createdAt")),
        expires_at=parse_datetime(body.get("expireAt")),
        raw=body,
        # an accepted invitation becomes a member and leaves the list
        accepted=False,
        assigned_roles=assigned_roles(body.get("assignedRoles")),
    )


def assigned_roles(value: Any) -> tuple[AssignedRole, ...]:
    """``AssignedRole`` items (2026-06 spec); an item without a string ``roleId`` is none."""
    return tuple(
        AssignedRole(str(r["roleId"]), _str(r.get("roleName")), _str(r.get("roleType")))
        for r in (value if isinstance(value, list) else [])
        if isinstance(r, dict) and isinstance(r.get("roleId"), str)
    )


def activity(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> ActivityRecord:
    activity_id = str(body["id"])
    service_id = _str(body.get("serviceId"))
    return ActivityRecord(
        connection=conn,
        key=(org_id, activity_id),
        native_id=activity_id,
        organization_key=(org_id,),
        type=_str(body.get("type")) or "unknown",
        created_at=parse_datetime(body.get("createdAt")),
        actor_type=_str(body.get("actorType")),
        actor_id=_str(body.get("actorId")),
        actor_details=_str(body.get("actorDetails")),
        actor_ip_address=_str(body.get("actorIpAddress")),
        database_key=(org_id, service_id) if service_id else None,
        raw=body,
    )


def plans(conn: ConnectionInfo, org_key: Key) -> list[PlanRecord]:
    return [
        PlanRecord(
            connection=conn,
            key=(*org_key, tier),
            native_id=tier,
            organization_key=org_key,
            name=tier,
            description=description,
            raw={"tier": tier},
        )
        for tier, description in TIERS.items()
    ]


def backup_configuration(body: dict[str, Any]) -> BackupConfigurationRecord:
    return BackupConfigurationRecord(
        period_hours=_num(body.get("backupPeriodInHours")),
        retention_period_hours=_num(body.get("backupRetentionPeriodInHours")),
        start_time=_str(body.get("backupStartTime")),
        raw=body,
    )


def private_endpoint_config(body: dict[str, Any]) -> PrivateEndpointConfigRecord:
    return PrivateEndpointConfigRecord(
        endpoint_service_id=_str(body.get("endpointServiceId")),
        private_dns_hostname=_str(body.get("privateDnsHostname")),
        raw=body,
    )
