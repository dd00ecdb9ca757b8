"""DBaaS writes the gateway or the vendor refuses, end to end over GraphQL.

Every documented rule is checked before any upstream write and names its input field;
the vendor's own refusals (400 field errors, "already exists", 403, 404) keep its message.
Operations DBaaS lacks are the contract suite's (tests/contract/test_capabilities.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.dbaas.sim.simulator import DBaaSSimulator
from tests.dbaas.conftest import DBAAS_TOML, ORGANIZATION_ID, gateway_over, gid, writes
from tests.gateway_client import GatewayClient

CREATE = """
mutation($input: CreateDatabaseInput!) { createDatabase(input: $input) { database { id } } }
"""
UPDATE = """
mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id } } }
"""
DELETE = "mutation($id: ID!) { deleteDatabase(input: {id: $id}) { outcome } }"
RESET = "mutation($id: ID!) { resetDatabasePassword(input: {id: $id}) { password } }"

DEV_PLAN = gid("Plan", "1")  # mongodb_small: dev and prod
REDIS_PLAN = gid("Plan", "3")  # redis_cache: dev (1) only
RETIRED_PLAN = gid("Plan", "4")  # mongodb_legacy: not active


def create(name: str = "new_db", dbaas: dict[str, Any] | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"organizationId": ORGANIZATION_ID, "name": name}
    if dbaas is not None:
        fields["dbaas"] = dbaas
    return {"input": fields}


def the_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body["data"]
    (error,) = body["errors"]
    return dict(error)


# ----- createDatabase: the rules, checked before any write ------------------------------


@pytest.mark.parametrize(
    ("variables", "field", "problem"),
    [
        (create("   ", {"planId": DEV_PLAN, "environment": "1"}), "input.name", "blank"),
        (create("x"), "input.dbaas", "required for a dbaas connection: plan and environment"),
        (create("x", {"environment": "1"}), "input.dbaas.planId", "required"),
        (create("x", {"planId": DEV_PLAN}), "input.dbaas.environment", "required"),
        (
            create("x", {"planId": DEV_PLAN, "environment": " "}),
            "input.dbaas.environment",
            "required",
        ),
        (
            create("x", {"planId": DEV_PLAN, "environment": "1", "project": "checkout"}),
            "input.dbaas.project",
            "must be a DBaaS project ID (digits), got 'checkout'",
        ),
        (
            create("x", {"planId": RETIRED_PLAN, "environment": "2"}),
            "input.dbaas.planId",
            "plan 'mongodb_legacy' is not active",
        ),
        (
            create("x", {"planId": gid("Plan", "99"), "environment": "1"}),
            "input.dbaas.planId",
            "no such plan",
        ),
        (
            create("x", {"planId": REDIS_PLAN, "environment": "prod"}),
            "input.dbaas.environment",
            "plan 'redis_cache' is not offered in environment 'prod' (offered in: dev (1))",
        ),
        (
            create("x", {"planId": REDIS_PLAN, "environment": "2"}),
            "input.dbaas.environment",
            "not offered in environment '2'",
        ),
        (
            create("x", {"planId": DEV_PLAN, "environment": "staging"}),
            "input.dbaas.environment",
            "not offered in environment 'staging' (offered in: dev (1), prod (2))",
        ),
    ],
    ids=[
        "blank-name",
        "no-options",
        "no-plan",
        "no-environment",
        "blank-environment",
        "project-not-an-id",
        "inactive-plan",
        "unknown-plan",
        "environment-name-not-offered",
        "environment-id-not-offered",
        "unknown-environment",
    ],
)
async def test_a_create_breaking_a_rule_names_the_field_and_writes_nothing(
    dbaas: GatewayClient, variables: dict[str, Any], field: str, problem: str
) -> None:
    sim = dbaas.simulator("dbaas")

    error = the_error(await dbaas.post(CREATE, variables))

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert problem in error["message"]
    assert writes(sim) == 0


async def test_a_duplicate_name_is_a_conflict_with_the_vendors_message(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    # the vendor turns the space into "_": this is my_first_database again, in dev
    variables = create("my first database", {"planId": DEV_PLAN, "environment": "dev"})

    error = the_error(await dbaas.post(CREATE, variables))

    ext = error["extensions"]
    assert (ext["code"], ext["upstreamStatus"], ext["vendorCode"]) == (
        "CONFLICT",
        400,
        "unique_together",
    )
    assert error["message"].endswith("Database with this Name and Environment already exists.")
    assert len(sim.state.databases) == 6


async def test_an_upstream_field_error_is_bad_user_input_with_the_vendors_words(
    dbaas: GatewayClient,
) -> None:
    # project 99 has the shape of an ID; only the vendor knows it does not exist
    variables = create("x", {"planId": DEV_PLAN, "environment": "1", "project": "99"})

    error = the_error(await dbaas.post(CREATE, variables))

    assert (error["extensions"]["code"], error["extensions"]["upstreamStatus"]) == (
        "BAD_USER_INPUT",
        400,
    )
    assert error["message"].endswith("project: Invalid hyperlink - Object does not exist.")


async def test_a_read_only_account_is_forbidden_with_the_vendors_message() -> None:
    sim = DBaaSSimulator()
    sim.state.accounts["viewer"] = {"username": "viewer", "password": "pw", "role": "read_only"}
    toml = DBAAS_TOML + 'username_env = "U"\npassword_env = "P"\n'
    async with gateway_over(sim, toml, {"U": "viewer", "P": "pw"}) as gw:
        body = await gw.post(CREATE, create("x", {"planId": DEV_PLAN, "environment": "1"}))

    error = the_error(body)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "You do not have permission to perform this action." in error["message"]
    assert [(e.identity, e.status) for e in sim.log.matching("POST")] == [("viewer", 403)]
    assert len(sim.state.databases) == 6


# ----- updateDatabase ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"name": "renamed"}, "input.name", "cannot be changed after creation"),
        ({}, "input.dbaas", "nothing to change"),
        ({"dbaas": {}}, "input.dbaas", "nothing to change"),
        ({"dbaas": {"project": "analytics"}}, "input.dbaas.project", "project ID"),
    ],
    ids=["rename", "no-options", "no-project", "project-not-an-id"],
)
async def test_an_update_breaking_a_rule_names_the_field_and_writes_nothing(
    dbaas: GatewayClient, fields: dict[str, Any], field: str, problem: str
) -> None:
    sim = dbaas.simulator("dbaas")
    variables = {"input": {"id": gid("Database", "1"), **fields}}

    error = the_error(await dbaas.post(UPDATE, variables))

    assert (error["extensions"]["code"], error["extensions"]["field"]) == (
        "BAD_USER_INPUT",
        field,
    )
    assert problem in error["message"]
    assert sim.log.entries == []


async def test_an_update_to_a_project_the_vendor_lacks_keeps_the_vendors_400(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    variables = {"input": {"id": gid("Database", "2"), "dbaas": {"project": "99"}}}

    error = the_error(await dbaas.post(UPDATE, variables))

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].endswith("project: Invalid hyperlink - Object does not exist.")
    assert sim.state.databases[2]["project"] == 1


# ----- resetDatabasePassword --------------------------------------------------------------


async def test_a_password_reset_on_a_database_asks_for_one_of_its_credentials(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")

    error = the_error(await dbaas.post(RESET, {"id": gid("Database", "1")}))

    assert (error["extensions"]["code"], error["extensions"]["field"]) == (
        "BAD_USER_INPUT",
        "input.id",
    )
    assert "credentials" in error["message"]
    assert sim.log.entries == []


async def test_an_injected_upstream_400_on_a_reset_is_bad_user_input(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    sim.faults.add(400, path=r"/api/credential/1/reset_password/", message="Try again later.")

    error = the_error(await dbaas.post(RESET, {"id": gid("DatabaseCredential", "1")}))

    assert (error["extensions"]["code"], error["extensions"]["upstreamStatus"]) == (
        "BAD_USER_INPUT",
        400,
    )
    assert error["message"].endswith("Try again later.")
    assert sim.state.credentials[1]["password"] == "26WcA33q6F"


# ----- objects that do not exist ----------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (DELETE, {"id": gid("Database", "99")}),
        (RESET, {"id": gid("DatabaseCredential", "99")}),
        (UPDATE, {"input": {"id": gid("Database", "99"), "dbaas": {"project": "1"}}}),
    ],
    ids=["delete", "reset", "update"],
)
async def test_a_write_to_a_missing_object_is_not_found(
    dbaas: GatewayClient, document: str, variables: dict[str, Any]
) -> None:
    error = the_error(await dbaas.post(document, variables))

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["message"].endswith("Not found")
