"""Reference vendor bodies -> records."""

from __future__ import annotations

from typing import Any

from adapters.model import ConnectionInfo, DatabaseRecord, DatabaseStatus, OrganizationRecord
from adapters.timeparse import parse_datetime

#: every documented state; anything else is UNKNOWN with its own text as vendorStatus
STATES: dict[str, DatabaseStatus] = {
    "running": DatabaseStatus.RUNNING,
    "stopped": DatabaseStatus.STOPPED,
    "starting": DatabaseStatus.STARTING,
    "stopping": DatabaseStatus.STOPPING,
    "failed": DatabaseStatus.FAILED,
}


def organization(connection: ConnectionInfo, body: dict[str, Any]) -> OrganizationRecord:
    return OrganizationRecord(
        connection=connection,
        key=(str(body["id"]),),
        native_id=str(body["id"]),
        name=str(body["name"]),
        created_at=parse_datetime(body.get("created_at")),
        raw=body,
    )


def database(connection: ConnectionInfo, org: str, body: dict[str, Any]) -> DatabaseRecord:
    state = body.get("state")
    return DatabaseRecord(
        connection=connection,
        key=(org, str(body["id"])),
        native_id=str(body["id"]),
        organization_key=(org,),
        name=str(body["name"]),
        status=STATES.get(str(state), DatabaseStatus.UNKNOWN),
        vendor_status=None if state is None else str(state),
        can_query=state == "running" if state is not None else None,
        created_at=parse_datetime(body.get("created_at")),
        raw=body,
    )
