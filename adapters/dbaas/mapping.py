"""DBaaS JSON -> normalized records. State tables are data, walked by tests.

The API has no organizations, so each connection gets one synthetic organization that
owns every database and plan it can see. Objects refer to each other by links; records
keep only the IDs in them (``client.link_id``), never the links' hosts.
"""

from __future__ import annotations

from typing import Any

from adapters.coerce import as_bool as _bool
from adapters.coerce import as_int as _int
from adapters.coerce import as_str as _str
from adapters.dbaas.client import link_id
from adapters.details import DBaaSDatabaseDetails, DBaaSEnvironment, DBaaSProject
from adapters.model import (
    ConnectionInfo,
    CredentialRecord,
    DatabaseRecord,
    DatabaseStatus,
    Key,
    OrganizationRecord,
    PlanRecord,
)
from adapters.timeparse import parse_datetime
from adapters.upstream.redact import redact_url_password

#: the synthetic organization's key and native ID: one per connection, so a constant
ORGANIZATION_ID = "default"
ORGANIZATION_KEY: Key = (ORGANIZATION_ID,)

#: the optional ``status`` of a database (vendor notes): code -> the notes' name for it
STATUS_NAMES: dict[int, str] = {0: "dead", 1: "alive", 2: "initializing", 3: "alert"}

#: code -> normalized state. "dead" is down without anyone stopping it, so FAILED, not
#: STOPPED; "alert" is alive with a warning, so DEGRADED; "initializing" is being created.
STATUS_CODES: dict[int, DatabaseStatus] = {
    0: DatabaseStatus.FAILED,
    1: DatabaseStatus.RUNNING,
    2: DatabaseStatus.PROVISIONING,
    3: DatabaseStatus.DEGRADED,
}

#: code -> whether clients can connect and query
CAN_QUERY: dict[int, bool] = {0: False, 1: True, 2: False, 3: True}

#: the vendor status shown for a quarantined database: the seed's own word for it
QUARANTINED = "quarantined"


def _key(link: Any, resource: str) -> Key | None:
    found = link_id(link, resource)
    return (found,) if found else None


def _status_code(value: Any) -> int | None:
    # an exact integer (or its digits): 1.5 is not "alive", and True is not 1
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def database_state(body: dict[str, Any]) -> tuple[DatabaseStatus, str | None, bool | None]:
    """(normalized status, vendor status, can query) of a database body.

    Quarantine wins: a quarantined database has had its passwords reset so nobody can
    connect, whatever its health says. Without quarantine the optional ``status`` code
    decides; a body without one is RUNNING (the seed's databases have no state field and
    exist to be used). An undocumented code is UNKNOWN, never an error.
    """
    if body.get("quarantine_dt"):
        return DatabaseStatus.QUARANTINED, QUARANTINED, False
    raw_status = body.get("status")
    if raw_status is None:
        return DatabaseStatus.RUNNING, None, None
    code = _status_code(raw_status)
    if code is None or code not in STATUS_CODES:
        return DatabaseStatus.UNKNOWN, str(raw_status), None
    return STATUS_CODES[code], STATUS_NAMES[code], CAN_QUERY[code]


def organization(conn: ConnectionInfo, name: str) -> OrganizationRecord:
    return OrganizationRecord(
        connection=conn,
        key=ORGANIZATION_KEY,
        native_id=ORGANIZATION_ID,
        name=name,
        raw={},
    )


def database(conn: ConnectionInfo, body: dict[str, Any]) -> DatabaseRecord:
    database_id = str(body["id"])
    status, vendor_status, can_query = database_state(body)
    endpoint = _str(body.get("endpoint"))
    details = DBaaSDatabaseDetails(
        # the API shows placeholders here; a real password would be removed all the same
        endpoint=redact_url_password(endpoint) if endpoint else None,
        plan_key=_key(body.get("plan"), "plan"),
        environment_key=_key(body.get("environment"), "environment"),
        project_key=_key(body.get("project"), "project"),
        total_size_bytes=_int(body.get("total_size_in_bytes")),
        used_size_bytes=_int(body.get("used_size_in_bytes")),
        quarantined_at=parse_datetime(body.get("quarantine_dt")),
        description=_str(body.get("description")),
        team=_str(body.get("team")),
        is_locked=_bool(body.get("is_locked")),
        engine=_str(body.get("engine")),
    )
    return DatabaseRecord(
        connection=conn,
        key=(database_id,),
        native_id=database_id,
        organization_key=ORGANIZATION_KEY,
        name=_str(body.get("name")) or database_id,
        status=status,
        vendor_status=vendor_status,
        can_query=can_query,
        created_at=parse_datetime(body.get("created_at")),
        raw=body,
        details=details,
        engine=engine_family(details.engine),
    )


def engine_family(engine: str | None) -> str | None:
    """The engine's name without its version: ``mysql 8.0`` -> ``mysql``."""
    name = engine.split()[0].lower() if engine and engine.strip() else None
    return name or None


def credential(conn: ConnectionInfo, body: dict[str, Any]) -> CredentialRecord:
    credential_id = str(body["id"])
    return CredentialRecord(
        connection=conn,
        key=(credential_id,),
        native_id=credential_id,
        database_key=_key(body.get("database"), "database"),
        user=_str(body.get("user")) or "",
        # list bodies have no password; a detail, create or reset body's is dropped, so
        # every credential's raw has the list's shape and never holds a secret
        raw={k: v for k, v in body.items() if k != "password"},
    )


def plan(conn: ConnectionInfo, body: dict[str, Any]) -> PlanRecord:
    plan_id = str(body["id"])
    return PlanRecord(
        connection=conn,
        key=(plan_id,),
        native_id=plan_id,
        organization_key=ORGANIZATION_KEY,
        name=_str(body.get("name")) or plan_id,
        description=_str(body.get("description")),
        raw=body,
        engine=engine_family(_str(body.get("engine"))),
    )


def environment(conn: ConnectionInfo, body: dict[str, Any]) -> DBaaSEnvironment:
    environment_id = str(body["id"])
    return DBaaSEnvironment(
        key=(environment_id,),
        native_id=environment_id,
        name=_str(body.get("name")),
        stage=_int(body.get("stage")),
        provisioner=_passed_through(body.get("provisioner")),
    )


def _passed_through(value: Any) -> str | None:
    """An undocumented code as text: a string as sent, an integer in decimal; anything else
    (a float, an object, a boolean) is no code the docs know of."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def project(conn: ConnectionInfo, body: dict[str, Any]) -> DBaaSProject:
    project_id = str(body["id"])
    return DBaaSProject(key=(project_id,), native_id=project_id, name=_str(body.get("name")))


def password(body: dict[str, Any]) -> str | None:
    return _str(body.get("password"))


def plan_environments(body: dict[str, Any]) -> dict[str, str | None] | None:
    """ID -> name of the environments a plan is offered in; None when the plan does not say."""
    listed = body.get("environments")
    if not isinstance(listed, list):
        return None
    found: dict[str, str | None] = {}
    for env in listed:
        if not isinstance(env, dict):
            continue
        raw_id = env.get("id")
        env_id = (
            str(raw_id)
            if isinstance(raw_id, int) and not isinstance(raw_id, bool)
            else link_id(env.get("url"), "environment")
        )
        if env_id:
            found[env_id] = _str(env.get("name"))
    return found


def new_database_body(
    name: str, plan: str, environment: str, project: str | None
) -> dict[str, Any]:
    """POST /api/database/: related objects as relative links, as the seed's example sends."""
    body: dict[str, Any] = {"name": name, "plan": plan, "environment": environment}
    if project is not None:
        body["project"] = project
    return body
