"""The Astra simulator's POST handlers, one per kind, and the work writes start.

Each ``create_<kind>`` validates what the envelope check (``AstraSimulator._body``) does not,
then builds the resource with the simulator's builders and returns the 201 body. Work that
Astra finishes later (an app becoming ready, a backup completing, a deleted backup going
away) is queued on ``sim.transitions``. Part of the simulator (written from the docs),
not of the adapter; choices the docs leave open are marked "Reading:".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from adapters.astra.sim.query import get_path
from adapters.astra.sim.transitions import Step
from adapters.astra.sim.vocabulary import NIL_UUID, ROLES, UUID_RE, Problem, invalid

if TYPE_CHECKING:
    from adapters.astra.sim.simulator import AstraSimulator

Resource = dict[str, Any]
Creator = Callable[["AstraSimulator", Resource, str, int, "str | None"], Resource]

#: a Kubernetes namespace name (an RFC 1123 label)
NAMESPACE_RE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+")
#: Reading: what a finished backup reports; the docs give no sizes
COMPLETED_BYTES = 1 << 30


def guard_owner(role: int, *roles: str | None) -> None:
    # Reading: only an owner may grant, change or take away the owner role.
    if "owner" in roles and role < ROLES.index("owner"):
        raise Problem(11, "Only an owner may grant or revoke the owner role.")


def create_user(
    sim: AstraSimulator, body: Resource, caller: str, role: int, _: str | None
) -> Resource:
    email = str(body["email"])
    if not EMAIL_RE.fullmatch(email):
        raise invalid("email", "Not an email address.")
    if any(u["email"].lower() == email.lower() for u in sim.state.users.values()):
        raise Problem(19, f"A user with email {email} already exists.")
    # A new user is an invitation until they sign in: state pending.
    return sim.add_user(
        str(body.get("firstName") or ""),
        str(body.get("lastName") or ""),
        email,
        state="pending",
        is_enabled=body.get("isEnabled", "true") == "true",
        auth_provider=str(body.get("authProvider", "local")),
        created_by=caller,
        labels=get_path(body, "metadata.labels"),
    )


def create_role_binding(
    sim: AstraSimulator, body: Resource, caller: str, role: int, _: str | None
) -> Resource:
    principal = body.get("principalType", "user")
    key = {"user": "userID", "group": "groupID"}.get(principal)
    if key is None:
        raise invalid("principalType", "Must be user or group.")
    principal_id = str(body.get(key, ""))
    if (
        not UUID_RE.fullmatch(principal_id)
        or principal_id == NIL_UUID
        or (principal == "user" and principal_id not in sim.state.users)
    ):
        raise invalid(key, f"Must be the ID of an existing {principal}.")
    if body.get("accountID", sim.state.account["id"]) != sim.state.account["id"]:
        raise invalid("accountID", "Must be this account's ID.")
    if body["role"] not in ROLES:
        raise invalid("role", f"Must be one of {', '.join(ROLES)}.")
    guard_owner(role, body["role"])
    if any(b[key] == principal_id for b in sim.state.role_bindings.values()):
        raise Problem(10, f"That {principal} already has a role binding in this account.")
    return sim.add_role_binding(
        principal_id if principal == "user" else None,
        body["role"],
        group_id=principal_id if principal == "group" else None,
        role_constraints=body.get("roleConstraints"),
        created_by=caller,
    )


def create_token(
    sim: AstraSimulator, body: Resource, caller: str, role: int, user_id: str | None
) -> Resource:
    assert user_id is not None
    return sim.add_token(user_id, str(body.get("name") or "API token"), created_by=caller)


def create_credential(
    sim: AstraSimulator, body: Resource, caller: str, role: int, _: str | None
) -> Resource:
    return sim.add_credential(
        str(body["name"]), str(body["keyType"]), body["keyStore"], created_by=caller
    )


def _namespaces(body: Resource) -> list[str]:
    resources = body["namespaceScopedResources"]
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and isinstance(r.get("namespace"), str) for r in resources
    ):
        raise invalid("namespaceScopedResources", "Must be a list of {namespace}.")
    names = [r["namespace"] for r in resources]
    for name in names:
        if not NAMESPACE_RE.fullmatch(name):
            raise invalid("namespaceScopedResources", f"'{name}' isn't a namespace name.")
    return names


def _restore_source(sim: AstraSimulator, body: Resource) -> Resource | None:
    """The completed backup or snapshot a POST restores from, if it names one."""
    given = [f for f in ("backupID", "snapshotID") if body.get(f) is not None]
    if not given:
        return None
    if len(given) == 2:
        raise invalid("snapshotID", "Give backupID or snapshotID, not both.")
    field = given[0]
    stores = sim.state.app_backups if field == "backupID" else sim.state.app_snaps
    source = next(
        (items[str(body[field])] for items in stores.values() if str(body[field]) in items), None
    )
    if source is None:
        raise invalid(field, f"No {'backup' if field == 'backupID' else 'snapshot'} has this ID.")
    if source["state"] != "completed":
        raise Problem(10, f"The {field[:-2]} is {source['state']}, not completed: can't restore.")
    return source


def create_app(
    sim: AstraSimulator, body: Resource, caller: str, role: int, _: str | None
) -> Resource:
    namespaces = _namespaces(body)
    cluster = sim.state.clusters.get(str(body["clusterID"]))
    if cluster is None:
        raise invalid("clusterID", "No managed cluster has this ID.")
    source = _restore_source(sim, body)
    if any(
        a["name"] == body["name"] and a["clusterID"] == body["clusterID"]
        for a in sim.state.apps.values()
    ):
        raise Problem(10, "An app with this name is already managed on this cluster.")
    # Reading: a newly managed app starts pending with no protection yet; an app restored
    # from a backup or snapshot is provisioned first. Either way it becomes ready.
    app = sim.add_app(
        str(body["name"]),
        namespaces=namespaces,
        state="pending" if source is None else "provisioning",
        cluster=(str(body["clusterID"]), *cluster),
        created_by=caller,
        labels=get_path(body, "metadata.labels"),
    )
    sim.transitions.start(sim.state.apps[app["id"]], Step({"state": "ready"}))
    return app


def _ready_app(sim: AstraSimulator, app_id: str | None) -> str:
    assert app_id is not None
    # Reading: only a ready app can be protected; anything else conflicts (409).
    if sim.state.apps[app_id]["state"] != "ready":
        raise Problem(10, "The app isn't ready, so it can't be protected now.")
    return app_id


def create_app_backup(
    sim: AstraSimulator, body: Resource, caller: str, role: int, app_id: str | None
) -> Resource:
    bucket = body.get("bucketID")
    if bucket is not None and not UUID_RE.fullmatch(str(bucket)):
        raise invalid("bucketID", "Must be a bucket ID (a UUID).")
    backup = sim.add_backup(
        _ready_app(sim, app_id),
        str(body["name"]),
        state="pending",
        bucket_id=bucket,
        created_by=caller,
    )
    stored = sim.state.app_backups[str(app_id)][backup["id"]]

    def started(resource: Resource) -> None:
        resource["backupCreationTimestamp"] = sim.now()

    sim.transitions.start(
        stored,
        Step({"state": "running", "percentDone": "50"}, then=started),
        Step({"state": "completed", "percentDone": "100", "totalBytes": str(COMPLETED_BYTES)}),
    )
    return backup


def create_app_snap(
    sim: AstraSimulator, body: Resource, caller: str, role: int, app_id: str | None
) -> Resource:
    snap = sim.add_snapshot(
        _ready_app(sim, app_id), str(body["name"]), state="pending", created_by=caller
    )
    stored = sim.state.app_snaps[str(app_id)][snap["id"]]
    sim.transitions.start(stored, Step({"state": "running"}), Step({"state": "completed"}))
    return snap


def delete_protection(sim: AstraSimulator, store: dict[str, Resource], resource: Resource) -> None:
    """DELETE of a backup or snapshot: 204 now, ``deleting`` until it is gone."""
    if resource["state"] == "deleting":
        raise Problem(10, "The resource is already being deleted.")
    resource["state"] = "deleting"
    rid = resource["id"]
    sim.transitions.start(resource, Step(remove=lambda: store.pop(rid, None)))


CREATORS: dict[str, Creator] = {
    "user": create_user,
    "roleBinding": create_role_binding,
    "token": create_token,
    "credential": create_credential,
    "app": create_app,
    "appBackup": create_app_backup,
    "appSnap": create_app_snap,
}
