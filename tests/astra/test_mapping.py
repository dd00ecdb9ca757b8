"""Astra wire details and mapping tables, value by value against the vendor docs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.astra import mapping
from adapters.astra.client import AstraClient, BearerToken, decode_booleans, read_error
from adapters.errors import ErrorCode, UpstreamError
from adapters.model import (
    BackupKind,
    BackupStatus,
    ConnectionInfo,
    DatabaseStatus,
    MemberRole,
    Vendor,
)
from adapters.upstream.http import UpstreamHttp

CONN = ConnectionInfo("astra", Vendor("astra"), "https://astra.netapp.io")
ACCOUNT = "6a9a4b5e-0000-4000-8000-000000000001"

#: the values the vendor notes list (Astra API 24.02)
DOCUMENTED_APP_STATES = (
    "pending",
    "discovering",
    "provisioning",
    "ready",
    "failed",
    "restoring",
    "unavailable",
    "unknown",
    "deleting",
)
DOCUMENTED_PROTECTION_STATES = (
    "pending",
    "discovering",
    "running",
    "completed",
    "failed",
    "removed",
    "unknown",
    "deleting",
)
DOCUMENTED_ROLES = ("viewer", "member", "admin", "owner")


# -- tables ---------------------------------------------------------------------------


def test_the_app_state_table_has_exactly_the_documented_values() -> None:
    assert tuple(mapping.APP_STATES) == DOCUMENTED_APP_STATES
    # only the vendor's own "unknown" is UNKNOWN
    assert [s for s, v in mapping.APP_STATES.items() if v is DatabaseStatus.UNKNOWN] == ["unknown"]


def test_the_backup_state_table_has_exactly_the_documented_values() -> None:
    assert tuple(mapping.PROTECTION_STATES) == DOCUMENTED_PROTECTION_STATES
    unknown = [s for s, v in mapping.PROTECTION_STATES.items() if v is BackupStatus.UNKNOWN]
    assert unknown == ["unknown"]


def test_the_role_table_has_exactly_the_documented_roles_lowest_first() -> None:
    assert tuple(mapping.ROLES) == DOCUMENTED_ROLES
    assert MemberRole.UNKNOWN not in mapping.ROLES.values()


def test_every_role_a_write_sends_is_a_documented_role_read_back_the_same() -> None:
    assert set(mapping.VENDOR_ROLES.values()) == set(DOCUMENTED_ROLES)
    for normalized, vendor_role in mapping.VENDOR_ROLES.items():
        assert mapping.ROLES[vendor_role] is normalized
    # what Astra cannot express is refused by the adapter, never sent
    assert MemberRole.DEVELOPER not in mapping.VENDOR_ROLES
    assert MemberRole.UNKNOWN not in mapping.VENDOR_ROLES


def test_each_backup_kind_writes_to_the_collection_it_is_read_from() -> None:
    assert {mapping.COLLECTIONS[c] for c in mapping.COLLECTION_OF.values()} == set(BackupKind)
    assert all(mapping.COLLECTIONS[c] is k for k, c in mapping.COLLECTION_OF.items())


@pytest.mark.parametrize("state", DOCUMENTED_APP_STATES)
def test_every_app_state_maps_through_the_table(state: str) -> None:
    record = mapping.app(CONN, ACCOUNT, {"id": "a1", "name": "pg", "state": state})

    assert (record.status, record.vendor_status) == (mapping.APP_STATES[state], state)


def test_an_undocumented_app_state_is_unknown_never_an_error() -> None:
    record = mapping.app(CONN, ACCOUNT, {"id": "a1", "state": "hibernating"})

    assert (record.status, record.vendor_status, record.name) == (
        DatabaseStatus.UNKNOWN,
        "hibernating",
        "a1",
    )


# -- records --------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "done"), [("1073741824", "55"), (1073741824, 55)])
def test_backup_size_and_progress_may_be_strings_or_numbers(total: Any, done: Any) -> None:
    body = {
        "id": "b1",
        "name": "nightly",
        "state": "running",
        "totalBytes": total,
        "percentDone": done,
        "bucketID": "bk",
        "backupCreationTimestamp": "2026-01-02T03:04:05Z",
    }

    record = mapping.protection(CONN, ACCOUNT, "a1", "appBackups", body)

    assert (record.size_bytes, record.progress_percent, record.bucket) == (1073741824, 55.0, "bk")
    assert (record.kind, record.status) == (BackupKind.BACKUP, BackupStatus.IN_PROGRESS)
    assert record.key == (ACCOUNT, "a1", "appBackups", "b1")
    assert record.started_at is not None and record.started_at.year == 2026


def test_a_snapshot_is_dated_by_its_metadata() -> None:
    body = {
        "id": "s1",
        "name": "hourly",
        "state": "completed",
        "metadata": {"creationTimestamp": "2026-01-05T09:39:00.000000Z"},
    }

    record = mapping.protection(CONN, ACCOUNT, "a1", "appSnaps", body)

    assert record.kind is BackupKind.SNAPSHOT
    assert record.started_at is not None and record.started_at.hour == 9
    assert (record.size_bytes, record.progress_percent, record.bucket) == (None, None, None)


def test_a_user_has_the_highest_role_of_its_own_bindings_only() -> None:
    bindings = [
        {"principalType": "user", "userID": "u1", "role": "viewer"},
        {"principalType": "user", "userID": "u1", "role": "admin"},
        {"principalType": "group", "groupID": "g1", "userID": "u1", "role": "owner"},
        {"principalType": "user", "userID": "u2", "role": "owner"},
    ]

    assert mapping.user_role("u1", bindings) == "admin"
    assert mapping.user_role("u3", bindings) is None


def test_a_token_record_drops_the_secret_and_points_at_its_user() -> None:
    body = {"id": "t1", "name": "ci", "userID": "u1", "token": "s3cr3t"}

    record = mapping.api_key(CONN, ACCOUNT, "u1", body)

    assert record.owner_key == (ACCOUNT, "u1")
    assert "s3cr3t" not in str(record.raw)


def test_string_booleans_become_booleans_only_where_the_docs_define_them() -> None:
    decoded = decode_booleans({"isEnabled": "false", "valid": "true", "name": "true"})

    assert decoded == {"isEnabled": False, "valid": True, "name": "true"}


def test_decoding_copies_only_an_item_with_a_string_boolean() -> None:
    with_one = {"isEnabled": "true", "name": "u"}
    without = {"name": "true", "state": "completed"}

    assert decode_booleans(with_one) is not with_one  # the parsed item is left as read
    assert with_one == {"isEnabled": "true", "name": "u"}
    assert decode_booleans(without) is without


# -- problem bodies -------------------------------------------------------------------


def test_a_body_problem_names_its_invalid_fields() -> None:
    body = {
        "type": "https://astra.netapp.io/problems/9",
        "title": "Invalid JSON resource",
        "detail": "The supplied JSON resource is invalid.",
        "status": "400",
        "invalidFields": [{"name": "clusterID", "reason": "No managed cluster has this ID."}],
    }

    read = read_error(body)

    assert read.vendor_code == "9"
    assert read.message == (
        "Invalid JSON resource: The supplied JSON resource is invalid. "
        "[clusterID (No managed cluster has this ID.)]"
    )


def test_a_problem_body_gives_number_correlation_id_and_invalid_params() -> None:
    body = {
        "type": "https://astra.netapp.io/problems/5",
        "title": "Invalid query parameters",
        "detail": "The supplied query parameters are invalid.",
        "status": "400",
        "correlationID": "5e1b1b8c-corr",
        "invalidParams": [{"name": "limit", "reason": "must be an integer"}],
    }

    read = read_error(body)

    assert read.vendor_code == "5"
    assert read.request_id == "5e1b1b8c-corr"
    assert read.message is not None
    assert read.message.startswith("Invalid query parameters: The supplied")
    assert "limit (must be an integer)" in read.message


def test_a_problem_without_correlation_id_or_number_keeps_its_title() -> None:
    body = {"type": "about:blank", "title": "Missing bearer token", "detail": "d", "status": "401"}

    read = read_error(body)

    assert (read.vendor_code, read.request_id) == ("Missing bearer token", None)


def test_the_bearer_token_never_shows_in_its_repr() -> None:
    assert "abc" not in repr(BearerToken("abc"))


# -- collections (the include form) ---------------------------------------------------


async def test_the_include_form_gives_objects_and_is_followed_across_pages() -> None:
    pages = {
        None: {"items": [["u1", "active", "true"]], "metadata": {"continue": "p2"}},
        "p2": {"items": [["u2", "pending", "false"]], "metadata": {}},
    }
    seen: list[httpx.QueryParams] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params)
        assert request.headers["Authorization"] == "Bearer tok"
        return httpx.Response(200, json=pages[request.url.params.get("continue")])

    http = UpstreamHttp(
        CONN,
        base_url="https://astra.netapp.io",
        read_error=read_error,
        auth=BearerToken("tok"),
        transport=httpx.MockTransport(handler),
    )
    client = AstraClient(http, ACCOUNT, page_size=1)

    users = await client.users(include=["id", "state", "isEnabled"])
    await http.aclose()

    assert users == [
        {"id": "u1", "state": "active", "isEnabled": True},
        {"id": "u2", "state": "pending", "isEnabled": False},
    ]
    assert [p.get("limit") for p in seen] == ["1", "1"]
    assert [p.get("include") for p in seen] == ["id,state,isEnabled"] * 2


async def test_a_repeated_continue_token_is_a_bad_response_not_a_loop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": [], "metadata": {"continue": "same"}})

    http = UpstreamHttp(
        CONN,
        base_url="https://astra.netapp.io",
        read_error=read_error,
        transport=httpx.MockTransport(handler),
    )

    with pytest.raises(UpstreamError) as raised:
        await AstraClient(http, ACCOUNT).apps()
    await http.aclose()

    assert raised.value.code is ErrorCode.UPSTREAM_BAD_RESPONSE


async def test_the_simulator_answers_the_include_form_the_same_way() -> None:
    from adapters.astra.sim.simulator import DEMO_ACCOUNTS, AstraSimulator

    sim = AstraSimulator(max_page_size=2)
    account = DEMO_ACCOUNTS["demo"]
    http = UpstreamHttp(
        CONN,
        base_url="https://astra.netapp.io",
        read_error=read_error,
        auth=BearerToken(account["token"]),
        transport=httpx.ASGITransport(app=sim.app),
    )

    users = await AstraClient(http, account["account_id"]).users(include=["id", "isEnabled"])
    await http.aclose()

    assert {u["id"] for u in users} == set(sim.state.users)
    assert all(isinstance(u["isEnabled"], bool) for u in users)
