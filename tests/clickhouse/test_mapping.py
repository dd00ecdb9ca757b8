"""State tables walked value by value against the vendor's documented enums."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.clickhouse import mapping
from adapters.model import BackupStatus, ConnectionInfo, DatabaseStatus, Vendor

SPEC = json.loads(
    (Path(__file__).parent / "data" / "clickhouse-cloud-openapi.json").read_text(encoding="utf-8")
)
SCHEMAS = SPEC["components"]["schemas"]
CONN = ConnectionInfo("ch", Vendor("clickhouse"), "https://api.clickhouse.cloud")

EXPECTED_SERVICE_STATES = {
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


def test_the_table_covers_exactly_the_documented_service_states() -> None:
    documented = SCHEMAS["Service"]["properties"]["state"]["enum"]

    assert sorted(documented) == sorted(mapping.SERVICE_STATES) == sorted(EXPECTED_SERVICE_STATES)


@pytest.mark.parametrize(("state", "expected"), EXPECTED_SERVICE_STATES.items())
def test_each_service_state_maps(state: str, expected: DatabaseStatus) -> None:
    record = mapping.service(CONN, "org", {"id": "svc", "name": "s", "state": state})

    assert record.status is expected
    assert record.vendor_status == state


@pytest.mark.parametrize("state", ["hibernating", "", None, 42])
def test_an_unknown_service_state_is_unknown_not_an_error(state: object) -> None:
    record = mapping.service(CONN, "org", {"id": "svc", "state": state})

    assert record.status is DatabaseStatus.UNKNOWN


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("done", BackupStatus.COMPLETED),
        ("error", BackupStatus.FAILED),
        ("in_progress", BackupStatus.IN_PROGRESS),
        ("queued", BackupStatus.UNKNOWN),
    ],
)
def test_each_backup_status_maps(status: str, expected: BackupStatus) -> None:
    record = mapping.backup(CONN, "org", "svc", {"id": "b", "status": status})

    assert record.status is expected


def test_the_backup_table_covers_the_documented_statuses() -> None:
    assert sorted(SCHEMAS["Backup"]["properties"]["status"]["enum"]) == sorted(
        mapping.BACKUP_STATES
    )


def test_the_key_and_role_tables_cover_the_documented_values() -> None:
    assert sorted(SCHEMAS["ApiKey"]["properties"]["state"]["enum"]) == sorted(mapping.KEY_STATES)
    assert sorted(SCHEMAS["Member"]["properties"]["role"]["enum"]) == sorted(mapping.ROLES)


def test_a_sparse_service_maps_without_errors() -> None:
    record = mapping.service(CONN, "org", {"id": "svc"})

    assert record.name == "svc"
    assert record.details.endpoints == ()
    assert record.details.is_primary is None


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ([{"key": "env", "value": "prod"}, {"key": "solo"}], [("env", "prod"), ("solo", None)]),
        ([{"value": "no key"}, "text", {"key": 7}], []),
        ("not a list", []),
        (None, []),
    ],
)
def test_tags_keep_what_has_a_key_and_drop_the_rest(sent: object, read: list[object]) -> None:
    assert [(t.key, t.value) for t in mapping.tags(sent)] == read
