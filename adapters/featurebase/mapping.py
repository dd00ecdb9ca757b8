"""FeatureBase Cloud JSON -> normalized records. State tables are data, walked by tests.

Every record of a connection belongs to the org of its credentials, so keys start with the
org ID: ``(org, database)``, ``(org, database, backup)``, ``(org, user)``, ``(org, key)``,
``(org, invite)``, ``(org, shape name)``.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from typing import Any

from adapters.coerce import as_bool as _bool
from adapters.coerce import as_float as _float
from adapters.coerce import as_int as _int
from adapters.coerce import as_nonempty_str as _str
from adapters.commands import DeleteOutcome
from adapters.details import (
    FeatureBaseBackupDetails,
    FeatureBaseDatabaseDetails,
    FeatureBaseMemberDetails,
    FeatureBaseOrganizationDetails,
    FeatureBaseRole,
)
from adapters.model import (
    ApiKeyRecord,
    ApiKeyState,
    BackupRecord,
    BackupStatus,
    ConnectionInfo,
    DatabaseRecord,
    DatabaseStatus,
    InvitationRecord,
    MemberRecord,
    MemberRole,
    MemberState,
    OrganizationRecord,
    PlanRecord,
)
from adapters.timeparse import parse_datetime

#: every ``database_status`` of the seed's "Database Status" table
DATABASE_STATUSES: dict[str, DatabaseStatus] = {
    "CREATING": DatabaseStatus.PROVISIONING,  # the signal to provision has arrived
    "PROVISIONING": DatabaseStatus.PROVISIONING,
    "RUNNING": DatabaseStatus.RUNNING,
    "RESTORING": DatabaseStatus.RESTORING,
    "BACKUP": DatabaseStatus.BACKING_UP,
    "DELETING": DatabaseStatus.DELETING,  # the signal to deprovision has arrived
    "DEPROVISIONING": DatabaseStatus.DELETING,
    "DELETED": DatabaseStatus.DELETED,
    "FAILED": DatabaseStatus.FAILED,
    "FROZEN": DatabaseStatus.FROZEN,
    "UPDATING": DatabaseStatus.UPDATING,
}

#: the same table's "Can query data" column
CAN_QUERY: dict[str, bool] = {
    "CREATING": False,
    "PROVISIONING": False,
    "RUNNING": True,
    "RESTORING": False,
    "BACKUP": True,
    "DELETING": False,
    "DEPROVISIONING": False,
    "DELETED": False,
    "FAILED": False,
    "FROZEN": False,
    "UPDATING": True,
}

#: Values outside the docs' table. Databases can be stopped (``/action/stop``, "stops
#: all compute resources"; AWS only, documented after the table), but no status says so:
#: the project assumes a stopped database reports STOPPED (no compute: no queries). Any
#: other unlisted value stays UNKNOWN with its text in vendorStatus.
ASSUMED_STATUSES: dict[str, tuple[DatabaseStatus, bool]] = {
    "STOPPED": (DatabaseStatus.STOPPED, False),
}
_STATUSES = DATABASE_STATUSES | {v: s for v, (s, _) in ASSUMED_STATUSES.items()}
_CAN_QUERY = CAN_QUERY | {v: q for v, (_, q) in ASSUMED_STATUSES.items()}

#: key ``status`` values: the docs show ACTIVE and say a key can be revoked, never expire
KEY_STATES: dict[str, ApiKeyState] = {
    "ACTIVE": ApiKeyState.ENABLED,
    "REVOKED": ApiKeyState.REVOKED,
}

#: what a write sends for a normalized key state: the inverse of KEY_STATES
KEY_STATUS_VALUES: dict[ApiKeyState, str] = {
    ApiKeyState.ENABLED: "ACTIVE",
    ApiKeyState.REVOKED: "REVOKED",
}

#: role names are an org's own (``/v2/roles``); the docs name only "Org Owner"
ROLES: dict[str, MemberRole] = {
    "org owner": MemberRole.OWNER,
}
#: the role name a write sends for a normalized role; only the one the docs name
ROLE_NAMES: dict[MemberRole, str] = {
    MemberRole.OWNER: "Org Owner",
}
_ROLE_RANK = (
    MemberRole.OWNER,
    MemberRole.ADMIN,
    MemberRole.DEVELOPER,
    MemberRole.MEMBER,
    MemberRole.VIEWER,
)

#: what a DELETE did, by the status the database reads afterwards (DELETE answers 202 with
#: no body); a database the API no longer finds is DELETED, any other status DELETING
DELETE_OUTCOMES: dict[DatabaseStatus, DeleteOutcome] = {
    DatabaseStatus.DELETED: DeleteOutcome.DELETED,
}

#: backups carry no ID; their URL is unique and stable, so the ID is a name-based UUID of it
BACKUP_ID_NAMESPACE = uuid.NAMESPACE_URL
_NAMESPACE_BYTES = BACKUP_ID_NAMESPACE.bytes
#: a hex digit with its top two bits set to the RFC 4122 variant (binary 10)
_VARIANT = {d: "89ab"[int(d, 16) & 0b11] for d in "0123456789abcdef"}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def organization(conn: ConnectionInfo, body: dict[str, Any]) -> OrganizationRecord:
    org_id = str(body["id"])
    return OrganizationRecord(
        connection=conn,
        key=(org_id,),
        native_id=org_id,
        name=_str(body.get("name")) or org_id,
        created_at=parse_datetime(body.get("created_at")),
        raw=body,
        details=FeatureBaseOrganizationDetails(
            company_name=_str(body.get("company_name")),
            address=_str(body.get("address")),
            # the docs spell these "..._emali"; accept the corrected spelling too
            tech_contact_email=_str(
                body.get("tech_contact_emali") or body.get("tech_contact_email")
            ),
            billing_contact_email=_str(
                body.get("billing_contact_emali") or body.get("billing_contact_email")
            ),
            org_type=_str(body.get("org_type")),
        ),
    )


def database(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> DatabaseRecord:
    database_id = str(body["id"])
    status = _str(body.get("database_status"))
    return DatabaseRecord(
        connection=conn,
        key=(org_id, database_id),
        native_id=database_id,
        organization_key=(org_id,),
        name=_str(body.get("name")) or database_id,
        status=_STATUSES.get(status or "", DatabaseStatus.UNKNOWN),
        vendor_status=status,
        can_query=_CAN_QUERY.get(status or ""),
        created_at=parse_datetime(body.get("created_at")),
        raw=body,
        details=FeatureBaseDatabaseDetails(
            shape=_str(_dict(body.get("database_options")).get("shape")),
            owner_id=_str(body.get("owned_by")),
            created_by_id=_str(body.get("created_by")),
            updated_at=parse_datetime(body.get("updated_at")),
            updated_by_id=_str(body.get("updated_by")),
        ),
        engine="featurebase",
    )


#: backup IDs remembered (a listing's backups are the same request after request, and
#: each derivation hashes, about 1 us), for ASCII names up to REMEMBERED_NAME characters:
#: a vendor's URL of megabytes is hashed each time, never kept (at most ~3 MB in all). A
#: name with a wider character is not kept either: CPython stores each of its characters
#: in 2 or 4 bytes, and 4,096 names of 512 emoji held 9.4 MB (``isascii`` costs nothing)
BACKUP_IDS = 4096
REMEMBERED_NAME = 512


def _backup_uuid(name: str) -> str:
    if len(name) <= REMEMBERED_NAME and name.isascii():
        return _remembered_uuid5(name)
    return _uuid5(name)


def _uuid5(name: str) -> str:
    """``str(uuid.uuid5(BACKUP_ID_NAMESPACE, name))`` without the UUID object: every
    backup of a listing gets one, and the object's checks cost twice the hash. The version
    and variant bits are set in the hex text, which costs less than editing the bytes."""
    h = hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).hexdigest()
    # "5": version 5 (the whole nibble); the variant keeps the nibble's low two bits
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


_remembered_uuid5 = functools.lru_cache(maxsize=BACKUP_IDS)(_uuid5)


def backup_id(database_id: str, body: dict[str, Any]) -> str:
    url = _str(body.get("url"))
    # without a URL (never seen), the fields that tell backups apart stand in for it
    basis = (
        url
        or "|".join(str(body.get(k)) for k in ("timestamp", "size", "storage_class"))
        + f"|{database_id}"
    )
    return _backup_uuid(basis)


def backup(
    conn: ConnectionInfo, org_id: str, database_id: str, body: dict[str, Any]
) -> BackupRecord:
    native_id = backup_id(database_id, body)
    timestamp = parse_datetime(body.get("timestamp"))
    return BackupRecord(
        connection=conn,
        key=(org_id, database_id, native_id),
        native_id=native_id,
        database_key=(org_id, database_id),
        # the API lists archives already in storage (URL, size); it has no backup state
        status=BackupStatus.COMPLETED,
        vendor_status=None,
        started_at=timestamp,
        size_bytes=_int(body.get("size")),
        raw=body,
        details=FeatureBaseBackupDetails(
            url=_str(body.get("url")),
            storage_class=_str(body.get("storage_class")),
            timestamp=timestamp,
        ),
    )


def member_role(roles: tuple[str, ...]) -> tuple[MemberRole, str | None]:
    """The most privileged normalized role, and the vendor role it came from."""
    mapped = [(ROLES[r.casefold()], r) for r in roles if r.casefold() in ROLES]
    if mapped:
        return min(mapped, key=lambda m: _ROLE_RANK.index(m[0]))
    return MemberRole.UNKNOWN, (roles[0] if roles else None)


def member(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> MemberRecord:
    user_id = str(body["id"])
    roles = _strings(body.get("roles"))
    role, vendor_role = member_role(roles)
    first, last = _str(body.get("firstname")), _str(body.get("lastname"))
    return MemberRecord(
        connection=conn,
        key=(org_id, user_id),
        native_id=user_id,
        organization_key=(org_id,),
        name=" ".join(n for n in (first, last) if n) or None,
        email=_str(body.get("primary_email")) or _str(body.get("username")),
        role=role,
        vendor_role=vendor_role,
        joined_at=parse_datetime(body.get("created_at")),
        raw=body,
        details=FeatureBaseMemberDetails(
            first_name=first,
            last_name=last,
            username=_str(body.get("username")),
            status=_str(body.get("status")),
            roles=roles,
            acl=_strings(body.get("acl")),
        ),
        state=USER_STATES.get((_str(body.get("status")) or "").lower(), MemberState.UNKNOWN),
        vendor_state=_str(body.get("status")),
    )


#: user ``status`` values: the docs show only ``Active``; the others are our reading of
#: what a disabled or not yet joined account would say (case as the docs vary it)
USER_STATES: dict[str, MemberState] = {
    "active": MemberState.ACTIVE,
    "pending": MemberState.PENDING,
    "suspended": MemberState.SUSPENDED,
    "disabled": MemberState.DISABLED,
    "inactive": MemberState.DISABLED,
}


def api_key(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> ApiKeyRecord:
    key_id = str(body["id"])
    status = _str(body.get("status"))
    owner = _str(body.get("owned_by"))
    return ApiKeyRecord(
        connection=conn,
        key=(org_id, key_id),
        native_id=key_id,
        organization_key=(org_id,),
        name=_str(body.get("description")),
        state=KEY_STATES.get((status or "").upper(), ApiKeyState.UNKNOWN),
        vendor_state=status,
        created_at=parse_datetime(body.get("created_at")),
        expires_at=None,  # "Keys will never expire"
        last_used_at=parse_datetime(body.get("used_at")),
        owner_key=(org_id, owner) if owner else None,
        raw=body,
    )


def is_pending(body: dict[str, Any]) -> bool:
    """An invite not yet accepted; accepted ones stay listed upstream as history."""
    return body.get("accepted") is not True


def invitation(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> InvitationRecord:
    invite_id = str(body["id"])
    is_accepted = not is_pending(body)
    return InvitationRecord(
        connection=conn,
        key=(org_id, invite_id),
        native_id=invite_id,
        organization_key=(org_id,),
        email=_str(body.get("email")),
        # an invite names no role: the invitee gets roles after joining
        role=MemberRole.UNKNOWN,
        vendor_role=None,
        created_at=parse_datetime(body.get("created_at")),
        expires_at=parse_datetime(body.get("date_expiry")),
        raw=body,
        accepted=_bool(body.get("accepted")),
        # an accepted invite changes no more: its last update is its acceptance
        accepted_at=parse_datetime(body.get("updated_at")) if is_accepted else None,
    )


def plan(conn: ConnectionInfo, org_id: str, body: dict[str, Any]) -> PlanRecord:
    name = str(body["name"])
    metadata, properties = _dict(body.get("metadata")), _dict(body.get("properties"))
    compute = _dict(properties.get("compute"))
    provider = _str(body.get("vendor"))
    region = _str(body.get("region"))
    nodes = _int(properties.get("node_count"))
    instance = _str(compute.get("instance_type"))
    return PlanRecord(
        connection=conn,
        key=(org_id, name),
        native_id=name,
        organization_key=(org_id,),
        name=name,
        description=_str(metadata.get("short_description"))
        or _describe(nodes, instance, _str(compute.get("arch")), provider, region),
        cloud_provider=provider.lower() if provider else None,
        region=region,
        node_count=nodes,
        instance_type=instance,
        hourly_rate=_float(metadata.get("hourly_rate_info")),
        raw=body,
    )


def _describe(
    nodes: int | None,
    instance: str | None,
    arch: str | None,
    provider: str | None,
    region: str | None,
) -> str | None:
    """'3 x r7g.large (arm64), AWS us-east-2' from the parts known (storage sizes are left
    out: the docs give no unit)."""
    parts = []
    if instance:
        parts.append(f"{nodes} x {instance}" if nodes else instance)
        if arch:
            parts[-1] += f" ({arch})"
    where = " ".join(p for p in (provider, region) if p)
    if where:
        parts.append(where)
    return ", ".join(parts) or None


def role(body: dict[str, Any]) -> FeatureBaseRole:
    return FeatureBaseRole(name=str(body["rolename"]), acl=_strings(body.get("acl")))


def delete_outcome(record: DatabaseRecord | None) -> DeleteOutcome:
    if record is None:
        return DeleteOutcome.DELETED
    return DELETE_OUTCOMES.get(record.status, DeleteOutcome.DELETING)


# -- request bodies (from values the adapter has validated) -----------------------------


def _present(**fields: Any) -> dict[str, Any]:
    """Only the fields given: a PATCH changes what it names and nothing else."""
    return {name: value for name, value in fields.items() if value is not None}


def create_database_body(name: str, shape: str) -> dict[str, Any]:
    return {"name": name, "database_options": {"shape": shape}}


def update_database_body(name: str | None, owner_id: str | None) -> dict[str, Any]:
    return _present(name=name, owned_by=owner_id)


def create_key_body(name: str) -> dict[str, Any]:
    return {"description": name}


def update_key_body(name: str | None, state: ApiKeyState | None) -> dict[str, Any]:
    return _present(description=name, status=KEY_STATUS_VALUES[state] if state else None)


def invite_body(email: str) -> dict[str, Any]:
    return {"email": email}  # an invite names no role (see validation.INVITE_ROLES)


def update_org_body(name: str | None) -> dict[str, Any]:
    return _present(name=name)
