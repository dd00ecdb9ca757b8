"""FeatureBase database mutations over GraphQL: create, update, start, stop, delete.

Each behaviour goes through the real app (GraphQL over HTTP) into the simulator; the
simulator's log shows which upstream calls were made, so a rule the gateway checks itself
is seen to cost no upstream write.
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.featurebase.sim.seed_data import BILL, PETER
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from tests.featurebase.conftest import LOGIN_TOML, FakeClock, gateway_over
from tests.featurebase.helpers import (
    database_gid,
    database_native_id,
    gid,
    member_gid,
    only_error,
    org_gid,
    upstream_writes,
)
from tests.gateway_client import GatewayClient

CREATE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) {
    database { id nativeId name status vendorStatus canQuery raw
               featurebase { shape ownerId } }
    password credential { id } replayed
  }
}
"""

UPDATE = """
mutation($input: UpdateDatabaseInput!) {
  updateDatabase(input: $input) {
    database { id name featurebase { ownerId owner { name } updatedById } }
  }
}
"""

START = (
    "mutation($id: ID!) { startDatabase(input: {id: $id}) { database { status vendorStatus } } }"
)
STOP = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { status vendorStatus } } }"

DELETE = """
mutation($id: ID!) {
  deleteDatabase(input: {id: $id}) { deletedId outcome database { id status vendorStatus } }
}
"""

DATABASE = """
query($id: ID!) {
  database(id: $id) { name status vendorStatus canQuery featurebase { shape owner { name } } }
}
"""


async def _status(gw: GatewayClient, database_id: str) -> tuple[str, str]:
    db = (await gw.data(DATABASE, {"id": database_id}))["database"]
    return db["status"], db["vendorStatus"]


def _create_input(**fields: Any) -> dict[str, Any]:
    return {"organizationId": org_gid(), "name": "events", "featurebase": {"shape": "8GB"}} | fields


# -- createDatabase ------------------------------------------------------------------------


async def test_create_answers_the_new_database_creating_and_no_password(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(CREATE, {"input": _create_input()})

    created = data["createDatabase"]
    database = created["database"]
    assert (database["name"], database["status"], database["vendorStatus"]) == (
        "events",
        "PROVISIONING",
        "CREATING",
    )
    assert database["canQuery"] is False
    assert database["featurebase"] == {"shape": "8GB", "ownerId": PETER}
    assert created["password"] is None and created["credential"] is None
    assert sim.log.count("POST", "/v2/databases") == 1
    assert sim.state.databases[database["nativeId"]]["database_options"] == {"shape": "8GB"}


async def test_a_created_database_is_read_back_at_once_and_runs_once_settled(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    created = (await fb_key.data(CREATE, {"input": _create_input()}))["createDatabase"]

    first = await _status(fb_key, created["database"]["id"])
    sim.settle()
    fb_key.expire_cache()  # the vendor moved on: let cached reads expire
    second = await _status(fb_key, created["database"]["id"])

    assert first == ("PROVISIONING", "CREATING")
    assert second == ("RUNNING", "RUNNING")


async def test_create_works_through_a_login_too(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock)
    async with gateway_over(sim, LOGIN_TOML) as gw:
        data = await gw.data(CREATE, {"input": _create_input(organizationId=org_gid("fb-login"))})

    assert data["createDatabase"]["database"]["featurebase"]["ownerId"] == PETER
    assert sim.identity_log.count("POST", "/") == 1
    (post,) = sim.log.matching("POST", "/v2/databases")
    assert post.identity == PETER and post.status == 201


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"featurebase": None}, "input.featurebase", "required for a featurebase connection"),
        ({"featurebase": {}}, "input.featurebase.shape", "required"),
        ({"featurebase": {"shape": "  "}}, "input.featurebase.shape", "required"),
        ({"name": " "}, "input.name", "must not be empty"),
    ],
)
async def test_create_input_the_docs_require_is_checked_before_any_call(
    fb_key: GatewayClient,
    sim: FeatureBaseSimulator,
    fields: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    body = await fb_key.post(CREATE, {"input": _create_input(**fields)})

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert problem in error["message"]
    assert upstream_writes(sim) == 0


async def test_a_shape_the_vendor_does_not_know_is_its_400_as_bad_user_input(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    # which shapes exist is the vendor's to say: the gateway does not spend a call on it
    body = await fb_key.post(CREATE, {"input": _create_input(featurebase={"shape": "4GB"})})

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["upstreamStatus"] == 400
    assert error["extensions"]["vendorCode"] == "RelatedResourceNotFound"
    assert "Shape '4GB' not found." in error["message"]
    assert sim.log.count("POST", "/v2/databases") == 1


async def test_a_taken_name_is_a_conflict_with_the_vendor_message(
    fb_key: GatewayClient,
) -> None:
    body = await fb_key.post(CREATE, {"input": _create_input(name="analytics-prod")})

    error = only_error(body)
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["vendorCode"] == "ResourceAlreadyExists"
    assert "Database 'analytics-prod' already exists." in error["message"]


# -- the whole life, on the simulator's clock ------------------------------------------------


async def test_create_run_stop_start_delete_on_the_clock(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, transition_seconds=60)
    async with gateway_over(sim) as gw:
        created = (await gw.data(CREATE, {"input": _create_input()}))["createDatabase"]
        db = created["database"]["id"]
        seen = [(created["database"]["status"], created["database"]["vendorStatus"])]
        clock.advance(30)
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        seen.append(await _status(gw, db))
        clock.advance(30)
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        seen.append(await _status(gw, db))

        stopping = (await gw.data(STOP, {"id": db}))["stopDatabase"]["database"]
        clock.advance(60)
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        stopped = await _status(gw, db)
        starting = (await gw.data(START, {"id": db}))["startDatabase"]["database"]
        clock.advance(60)
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        started = await _status(gw, db)

        deleted = (await gw.data(DELETE, {"id": db}))["deleteDatabase"]
        clock.advance(30)
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        deprovisioning = await _status(gw, db)
        clock.advance(30)
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        gone = await _status(gw, db)

    assert seen == [
        ("PROVISIONING", "CREATING"),
        ("PROVISIONING", "PROVISIONING"),
        ("RUNNING", "RUNNING"),
    ]
    assert (stopping["status"], stopping["vendorStatus"]) == ("UPDATING", "UPDATING")
    assert stopped == ("STOPPED", "STOPPED")
    assert (starting["status"], starting["vendorStatus"]) == ("UPDATING", "UPDATING")
    assert started == ("RUNNING", "RUNNING")
    assert deleted["outcome"] == "DELETING"
    assert deleted["database"]["id"] == deleted["deletedId"] == db
    assert deleted["database"]["vendorStatus"] == "DELETING"
    assert deprovisioning == ("DELETING", "DEPROVISIONING")
    assert gone == ("DELETED", "DELETED")


# -- updateDatabase --------------------------------------------------------------------------


async def test_update_renames_and_hands_over_and_a_later_read_agrees(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    db = database_gid("analytics-prod")

    data = await fb_key.data(
        UPDATE,
        {"input": {"id": db, "name": "analytics", "featurebase": {"ownerId": member_gid(BILL)}}},
    )
    later = (await fb_key.data(DATABASE, {"id": db}))["database"]

    database = data["updateDatabase"]["database"]
    assert database["name"] == "analytics"
    assert database["featurebase"] == {
        "ownerId": BILL,
        "owner": {"name": "Bill Lumbergh"},
        "updatedById": PETER,
    }
    assert (later["name"], later["featurebase"]["owner"]) == (
        "analytics",
        {"name": "Bill Lumbergh"},
    )
    assert sim.log.count("PATCH", f"/v2/databases/{database_native_id('analytics-prod')}") == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "input.name"),  # nothing to change
        ({"name": ""}, "input.name"),
        ({"featurebase": {"ownerId": member_gid(BILL)}, "name": "  "}, "input.name"),
        # a member ID of this connection, but of an org the database is not in
        (
            {"featurebase": {"ownerId": gid("Member", "another-org", BILL)}},
            "input.featurebase.ownerId",
        ),
    ],
)
async def test_update_input_is_checked_before_any_call(
    fb_key: GatewayClient, sim: FeatureBaseSimulator, fields: dict[str, Any], field: str
) -> None:
    body = await fb_key.post(UPDATE, {"input": {"id": database_gid("tps-reports"), **fields}})

    error = only_error(body)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    assert upstream_writes(sim) == 0


async def test_a_name_another_database_has_is_a_conflict(fb_key: GatewayClient) -> None:
    body = await fb_key.post(
        UPDATE, {"input": {"id": database_gid("tps-reports"), "name": "analytics-prod"}}
    )

    error = only_error(body)
    assert error["extensions"]["code"] == "CONFLICT"
    assert "Database 'analytics-prod' already exists." in error["message"]


async def test_a_vendor_400_in_its_own_shape_is_bad_user_input(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    sim.faults.add(400, method="PATCH", path="/v2/databases/.*", message="owned_by is invalid.")

    body = await fb_key.post(UPDATE, {"input": {"id": database_gid("tps-reports"), "name": "tps"}})

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["vendorCode"] == "InvalidParameter"
    assert "owned_by is invalid." in error["message"]


# -- startDatabase / stopDatabase --------------------------------------------------------------


async def test_stop_answers_updating_then_reads_stopped(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    db = database_gid("analytics-prod")

    stopping = (await fb_key.data(STOP, {"id": db}))["stopDatabase"]["database"]
    sim.settle()
    stopped = (await fb_key.data(DATABASE, {"id": db}))["database"]

    assert (stopping["status"], stopping["vendorStatus"]) == ("UPDATING", "UPDATING")
    assert (stopped["status"], stopped["vendorStatus"], stopped["canQuery"]) == (
        "STOPPED",
        "STOPPED",
        False,
    )
    path = f"/v2/databases/{database_native_id('analytics-prod')}/action/stop"
    assert sim.log.count("PUT", path) == 1


async def test_start_brings_a_stopped_database_back_through_a_login(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock)
    sim.set_database_status(database_native_id("tps-reports"), "STOPPED")
    async with gateway_over(sim, LOGIN_TOML) as gw:
        db = database_gid("tps-reports", "fb-login")
        starting = (await gw.data(START, {"id": db}))["startDatabase"]["database"]
        sim.settle()
        running = await _status(gw, db)

    assert starting["status"] == "UPDATING"
    assert running == ("RUNNING", "RUNNING")
    (put,) = sim.log.matching("PUT", ".*/action/start")
    assert put.identity == PETER  # the login's user, not a key


@pytest.mark.parametrize(
    ("mutation", "message"),
    [(STOP, "Database is STOPPED."), (START, "Database is RUNNING.")],
)
async def test_stopping_a_stopped_or_starting_a_running_database_is_a_conflict(
    fb_key: GatewayClient, sim: FeatureBaseSimulator, mutation: str, message: str
) -> None:
    db = database_gid("analytics-prod")
    if mutation == STOP:
        await fb_key.data(STOP, {"id": db})
        sim.settle()

    body = await fb_key.post(mutation, {"id": db})

    error = only_error(body)
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["vendorCode"] == "IncorrectState"
    assert message in error["message"]


async def test_start_and_stop_of_a_non_aws_database_are_not_supported(
    fb_key: GatewayClient,
) -> None:
    body = await fb_key.post(STOP, {"id": database_gid("gcp-experiment")})

    error = only_error(body)
    assert error["extensions"]["code"] == "NOT_SUPPORTED"
    assert error["extensions"]["upstreamStatus"] == 501
    assert "Only available for AWS databases." in error["message"]
    assert "stopDatabase" in error["message"]


# -- deleteDatabase -------------------------------------------------------------------------


async def test_delete_is_accepted_as_deleting_and_ends_deleted(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    db = database_gid("tps-reports")

    deleted = (await fb_key.data(DELETE, {"id": db}))["deleteDatabase"]
    deleting = await _status(fb_key, db)
    sim.settle()
    fb_key.expire_cache()  # the vendor moved on: let cached reads expire
    gone = await _status(fb_key, db)

    assert (deleted["outcome"], deleted["database"]["status"]) == ("DELETING", "DELETING")
    assert deleting == ("DELETING", "DELETING")
    assert gone == ("DELETED", "DELETED")


async def test_a_database_the_api_no_longer_finds_after_delete_is_deleted(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    path = f"/v2/databases/{database_native_id('tps-reports')}"
    sim.faults.add(404, method="GET", path=path, message="Database not found.")

    deleted = (await fb_key.data(DELETE, {"id": database_gid("tps-reports")}))["deleteDatabase"]

    assert (deleted["outcome"], deleted["database"]) == ("DELETED", None)
    assert sim.log.count("DELETE", path) == 1


async def test_a_stopped_database_can_be_deleted(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    sim.set_database_status(database_native_id("tps-reports"), "STOPPED")

    deleted = (await fb_key.data(DELETE, {"id": database_gid("tps-reports")}))["deleteDatabase"]

    assert deleted["outcome"] == "DELETING"


async def test_deleting_a_database_still_being_created_is_a_conflict(
    fb_key: GatewayClient,
) -> None:
    body = await fb_key.post(DELETE, {"id": database_gid("new-ingest")})

    error = only_error(body)
    assert error["extensions"]["code"] == "CONFLICT"
    assert "Database cannot be deleted while CREATING." in error["message"]


async def test_a_database_id_of_the_wrong_shape_names_nothing(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    body = await fb_key.post(DELETE, {"id": gid("Database", "only-one-part")})

    assert only_error(body)["extensions"]["code"] == "NOT_FOUND"
    assert upstream_writes(sim) == 0
