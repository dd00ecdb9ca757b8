"""Astra Control JSON -> normalized records. State tables are data, walked by tests.

Keys: the account is ``(account_id,)``; an app ``(account_id, app_id)``; a backup or
snapshot ``(account_id, app_id, collection, id)`` where ``collection`` is the vendor's path
segment (``appBackups`` / ``appSnaps``), so a key names its own detail URL; a user (member
or invitation) ``(account_id, user_id)``; a token ``(account_id, user_id, token_id)``; a
feature ``(account_id, feature_id)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from adapters.coerce import as_bool as _bool
from adapters.coerce import as_float as _number
from adapters.coerce import as_int as _int
from adapters.coerce import as_nonempty_str as _str
from adapters.details import AstraAppDetails, AstraCredential, AstraRoleBinding
from adapters.model import (
    ApiKeyRecord,
    ApiKeyState,
    BackupKind,
    BackupRecord,
    BackupStatus,
    ConnectionInfo,
    DatabaseRecord,
    DatabaseStatus,
    FeatureFlagRecord,
    InvitationRecord,
    MemberRecord,
    MemberRole,
    MemberState,
    OrganizationRecord,
)
from adapters.timeparse import parse_datetime

#: every app ``state`` of the API (24.02)
APP_STATES: dict[str, DatabaseStatus] = {
    "pending": DatabaseStatus.PROVISIONING,
    "discovering": DatabaseStatus.PROVISIONING,
    "provisioning": DatabaseStatus.PROVISIONING,
    "ready": DatabaseStatus.RUNNING,
    "failed": DatabaseStatus.FAILED,
    "restoring": DatabaseStatus.RESTORING,
    # the app exists but Astra cannot reach it (cluster gone or unreachable)
    "unavailable": DatabaseStatus.DEGRADED,
    "unknown": DatabaseStatus.UNKNOWN,
    # DELETE on an app unmanages it; the workload itself keeps running in its cluster
    "deleting": DatabaseStatus.DELETING,
}

#: every appBackup / appSnap ``state`` of the API (the two share one list)
PROTECTION_STATES: dict[str, BackupStatus] = {
    "pending": BackupStatus.PENDING,
    "discovering": BackupStatus.PENDING,
    "running": BackupStatus.IN_PROGRESS,
    "completed": BackupStatus.COMPLETED,
    "failed": BackupStatus.FAILED,
    "removed": BackupStatus.DELETED,
    "unknown": BackupStatus.UNKNOWN,
    "deleting": BackupStatus.DELETING,
}

#: the vendor path segment of each protection kind
COLLECTIONS: dict[str, BackupKind] = {
    "appBackups": BackupKind.BACKUP,
    "appSnaps": BackupKind.SNAPSHOT,
}

#: roleBinding ``role`` values, lowest first: a user with several bindings has the highest
ROLES: dict[str, MemberRole] = {
    "viewer": MemberRole.VIEWER,
    "member": MemberRole.MEMBER,
    "admin": MemberRole.ADMIN,
    "owner": MemberRole.OWNER,
}
_RANK = {role: rank for rank, role in enumerate(ROLES)}

#: a user in this state has been invited and has not signed in yet
PENDING_USER = "pending"

#: clusterType -> the cloud it implies; other types (openshift, rke, ...) say nothing
CLUSTER_PROVIDERS: dict[str, str] = {"gke": "gcp", "eks": "aws", "aks": "azure"}


def _created(body: dict[str, Any]) -> Any:
    metadata = body.get("metadata")
    return parse_datetime(metadata.get("creationTimestamp")) if isinstance(metadata, dict) else None


def _namespaces(value: Any) -> tuple[str, ...]:
    # a list of names; tolerate objects naming one (``{"namespace": ...}``) as well
    names: list[str] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            name = _str(item.get("namespace")) or _str(item.get("name"))
            if name:
                names.append(name)
    return tuple(names)


def account(conn: ConnectionInfo, body: dict[str, Any]) -> OrganizationRecord:
    account_id = str(body["id"])
    return OrganizationRecord(
        connection=conn,
        key=(account_id,),
        native_id=account_id,
        name=_str(body.get("name")) or account_id,
        created_at=_created(body),
        raw=body,
    )


def credential(body: dict[str, Any]) -> AstraCredential:
    """A stored credential's metadata; its ``keyStore`` (the secret) is never read."""
    return AstraCredential(
        native_id=str(body["id"]),
        name=_str(body.get("name")),
        key_type=_str(body.get("keyType")),
        valid=_bool(body.get("valid")),
        valid_until=parse_datetime(body.get("validUntilTimestamp")),
        created_at=_created(body),
    )


def role_binding(body: dict[str, Any]) -> AstraRoleBinding:
    constraints = body.get("roleConstraints")
    return AstraRoleBinding(
        native_id=str(body["id"]),
        principal_type=_str(body.get("principalType")),
        user_id=_str(body.get("userID")),
        group_id=_str(body.get("groupID")),
        role=_str(body.get("role")),
        role_constraints=tuple(
            str(c) for c in (constraints if isinstance(constraints, list) else ())
        ),
        created_at=_created(body),
    )


def app(conn: ConnectionInfo, account_id: str, body: dict[str, Any]) -> DatabaseRecord:
    app_id = str(body["id"])
    state = _str(body.get("state"))
    details = AstraAppDetails(
        protection_state=_str(body.get("protectionState")),
        namespaces=_namespaces(body.get("namespaces")),
        cluster_id=_str(body.get("clusterID")),
        cluster_name=_str(body.get("clusterName")),
        cluster_type=_str(body.get("clusterType")),
    )
    return DatabaseRecord(
        connection=conn,
        key=(account_id, app_id),
        native_id=app_id,
        organization_key=(account_id,),
        name=_str(body.get("name")) or app_id,
        status=APP_STATES.get(state or "", DatabaseStatus.UNKNOWN),
        vendor_status=state,
        created_at=_created(body),
        cloud_provider=CLUSTER_PROVIDERS.get(details.cluster_type or ""),
        raw=body,
        details=details,
    )


def protection(
    conn: ConnectionInfo, account_id: str, app_id: str, collection: str, body: dict[str, Any]
) -> BackupRecord:
    """An appBackup or appSnap; ``collection`` says which."""
    item_id = str(body["id"])
    state = _str(body.get("state"))
    # a backup says when its data was captured; a snapshot only when it was created
    started = parse_datetime(body.get("backupCreationTimestamp")) or _created(body)
    return BackupRecord(
        connection=conn,
        key=(account_id, app_id, collection, item_id),
        native_id=item_id,
        database_key=(account_id, app_id),
        status=PROTECTION_STATES.get(state or "", BackupStatus.UNKNOWN),
        vendor_status=state,
        kind=COLLECTIONS[collection],
        started_at=started,
        size_bytes=_int(body.get("totalBytes")),
        raw=body,
        name=_str(body.get("name")),
        progress_percent=_number(body.get("percentDone")),
        bucket=_str(body.get("bucketID")),
    )


def user_role(user_id: str, bindings: Iterable[dict[str, Any]]) -> str | None:
    """The highest role any of the user's own bindings grants (group bindings cannot be
    resolved to users with the documented API, so they are not counted)."""
    roles = [str(b.get("role")) for b in own_bindings(user_id, bindings)]
    known = [r for r in roles if r in _RANK]
    if known:
        return max(known, key=_RANK.__getitem__)
    return roles[0] if roles else None


def _full_name(body: dict[str, Any]) -> str | None:
    parts = [p for p in (_str(body.get("firstName")), _str(body.get("lastName"))) if p]
    return " ".join(parts) or None


def member(
    conn: ConnectionInfo, account_id: str, body: dict[str, Any], role: str | None
) -> MemberRecord:
    user_id = str(body["id"])
    return MemberRecord(
        connection=conn,
        key=(account_id, user_id),
        native_id=user_id,
        organization_key=(account_id,),
        name=_full_name(body),
        email=_str(body.get("email")),
        role=ROLES.get(role or "", MemberRole.UNKNOWN),
        vendor_role=role,
        joined_at=_created(body),
        raw=body,
        state=user_state(body),
        vendor_state=_str(body.get("state")),
    )


#: every user ``state`` of the API
USER_STATES: dict[str, MemberState] = {
    "active": MemberState.ACTIVE,
    "pending": MemberState.PENDING,
    "suspended": MemberState.SUSPENDED,
}


def user_state(body: dict[str, Any]) -> MemberState:
    """The user's state; an active user whose ``isEnabled`` is false cannot sign in."""
    state = USER_STATES.get(_str(body.get("state")) or "", MemberState.UNKNOWN)
    if state is MemberState.ACTIVE and body.get("isEnabled") is False:
        return MemberState.DISABLED
    return state


def invitation(
    conn: ConnectionInfo, account_id: str, body: dict[str, Any], role: str | None
) -> InvitationRecord:
    user_id = str(body["id"])
    return InvitationRecord(
        connection=conn,
        key=(account_id, user_id),
        native_id=user_id,
        organization_key=(account_id,),
        email=_str(body.get("email")),
        role=ROLES.get(role or "", MemberRole.UNKNOWN),
        vendor_role=role,
        created_at=_created(body),
        raw=body,
        # a pending user: one who signs in is a member and no longer an invitation
        accepted=False,
    )


def api_key(
    conn: ConnectionInfo, account_id: str, user_id: str, body: dict[str, Any]
) -> ApiKeyRecord:
    token_id = str(body["id"])
    # the secret exists only in the create response; drop it should one ever appear
    safe = {k: v for k, v in body.items() if k != "token"}
    return ApiKeyRecord(
        connection=conn,
        key=(account_id, user_id, token_id),
        native_id=token_id,
        organization_key=(account_id,),
        name=_str(body.get("name")),
        # tokens never expire and a revoked one is gone, so a listed token is usable
        state=ApiKeyState.ENABLED,
        vendor_state=None,
        created_at=_created(body),
        owner_key=(account_id, _str(body.get("userID")) or user_id),
        raw=safe,
    )


def feature(conn: ConnectionInfo, account_id: str, body: dict[str, Any]) -> FeatureFlagRecord:
    feature_id = str(body["id"])
    return FeatureFlagRecord(
        connection=conn,
        key=(account_id, feature_id),
        native_id=feature_id,
        organization_key=(account_id,),
        name=_str(body.get("name")) or feature_id,
        enabled=_bool(body.get("isEnabled")),
        created_at=_created(body),
        raw=body,
    )


# -- request bodies of writes (shapes of the public OpenAPI) -------------------------------

#: MemberRole -> roleBinding ``role``; a role missing here has no Astra equivalent
VENDOR_ROLES: dict[MemberRole, str] = {normalized: role for role, normalized in ROLES.items()}

#: BackupKind -> the collection that holds it
COLLECTION_OF: dict[BackupKind, str] = {kind: name for name, kind in COLLECTIONS.items()}

#: restore source field of an app POST, by the collection of the Backup key
RESTORE_FIELDS: dict[str, str] = {"appBackups": "backupID", "appSnaps": "snapshotID"}

#: media type name and version of each body the gateway sends
_ENVELOPES: dict[str, tuple[str, str]] = {
    "app": ("application/astra-app", "2.0"),
    "appBackups": ("application/astra-appBackup", "1.1"),
    "appSnaps": ("application/astra-appSnap", "1.1"),
    "user": ("application/astra-user", "1.2"),
    "roleBinding": ("application/astra-roleBinding", "1.1"),
    "token": ("application/astra-apiToken", "1.1"),
    "credential": ("application/astra-credential", "1.1"),
}


def _envelope(kind: str, **fields: Any) -> dict[str, Any]:
    media, version = _ENVELOPES[kind]
    return {"type": media, "version": version, **fields}


def app_body(
    name: str, cluster_id: str, namespace: str, restore_from: tuple[str, str] | None = None
) -> dict[str, Any]:
    """Manage ``namespace`` of a cluster as an app; ``restore_from`` is (collection, id)
    of a backup or snapshot whose data the new app starts from."""
    body = _envelope(
        "app", name=name, namespaceScopedResources=[{"namespace": namespace}], clusterID=cluster_id
    )
    if restore_from is not None:
        collection, item_id = restore_from
        body[RESTORE_FIELDS[collection]] = item_id
    return body


def protection_body(collection: str, name: str) -> dict[str, Any]:
    return _envelope(collection, name=name)


def user_body(email: str) -> dict[str, Any]:
    return _envelope("user", email=email)


def role_binding_body(user_id: str, role: str) -> dict[str, Any]:
    return _envelope(
        "roleBinding", principalType="user", userID=user_id, role=role, roleConstraints=["*"]
    )


def token_body(name: str) -> dict[str, Any]:
    return _envelope("token", name=name)


def credential_body(
    name: str, key_type: str, key_store: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    return _envelope("credential", name=name, keyType=key_type, keyStore=dict(key_store))


#: user ``state`` values an admin may set (pending is Astra's own until the first sign-in)
SUSPENDED_USER = "suspended"
ACTIVE_USER = "active"


def own_bindings(user_id: str, bindings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bindings that give this user a role (the ones ``user_role`` counts)."""
    return [
        b
        for b in bindings
        if b.get("userID") == user_id and b.get("principalType", "user") == "user"
    ]
