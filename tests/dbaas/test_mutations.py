"""DBaaS writes that succeed, end to end: GraphQL over HTTP -> gateway -> adapter -> simulator.

createDatabase (its u_<name> credential and one-time password), updateDatabase (project),
deleteDatabase (quarantine, then delete), resetDatabasePassword (per credential), the
new database's lifecycle, and read-after-write. Refusals are in test_mutation_errors.py.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.dbaas.sim.simulator import DBaaSSimulator
from tests.dbaas.conftest import ORGANIZATION_ID, gateway_over, gid, writes
from tests.gateway_client import GatewayClient

CREATE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) {
    database {
      id nativeId name status vendorStatus canQuery raw
      dbaas { plan { name } environment { nativeId name } project { nativeId name } }
    }
    password
    credential { id nativeId user raw database { name } }
    replayed
  }
}
"""

UPDATE = """
mutation($input: UpdateDatabaseInput!) {
  updateDatabase(input: $input) {
    database { id name status dbaas { project { nativeId name } } }
  }
}
"""

DELETE = """
mutation($id: ID!) {
  deleteDatabase(input: {id: $id}) {
    deletedId outcome database { id status vendorStatus canQuery dbaas { quarantinedAt } }
  }
}
"""

RESET = """
mutation($id: ID!) {
  resetDatabasePassword(input: {id: $id}) {
    password database { id } credential { id nativeId user raw database { name } }
  }
}
"""

STATUS = """
query($id: ID!) { node(id: $id) { ... on Database { status vendorStatus canQuery } } }
"""

DATABASE = """
query($id: ID!) {
  node(id: $id) {
    ... on Database { name status raw dbaas { project { name } } credentials { user raw } }
  }
}
"""

OPERATIONS = "{ connections { name capabilities { operations } } }"

START = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


class Clock:
    """The simulator's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def create_input(name: str = "test database2", **dbaas: str) -> dict[str, object]:
    options = {"planId": gid("Plan", "1"), "environment": "1", **dbaas}
    return {"input": {"organizationId": ORGANIZATION_ID, "name": name, "dbaas": options}}


@pytest.fixture
async def timed() -> AsyncIterator[tuple[GatewayClient, DBaaSSimulator, Clock]]:
    """A gateway over a simulator whose creations take 30 s of its own clock."""
    sim = DBaaSSimulator(transition_seconds=30)
    clock = Clock()
    sim.clock = clock
    async with gateway_over(sim) as gw:
        yield gw, sim, clock


async def _status(gw: GatewayClient, database_id: str) -> str:
    data = await gw.data(STATUS, {"id": database_id})
    return str(data["node"]["status"])


# ----- what the connection offers ---------------------------------------------------------


async def test_the_connection_lists_the_four_writes_dbaas_offers(dbaas: GatewayClient) -> None:
    data = await dbaas.data(OPERATIONS)

    (connection,) = data["connections"]
    assert connection["capabilities"]["operations"] == [
        "CREATE_DATABASE",
        "UPDATE_DATABASE",
        "DELETE_DATABASE",
        "RESET_DATABASE_PASSWORD",
    ]


# ----- createDatabase ---------------------------------------------------------------------


async def test_create_returns_the_new_database_its_user_and_that_users_password_once(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")

    data = await dbaas.data(CREATE, create_input("test database2"))

    created = data["createDatabase"]
    database, credential = created["database"], created["credential"]
    # the vendor rewrites the name, as in the seed's example
    assert (database["nativeId"], database["name"]) == ("7", "test_database2")
    assert (database["status"], database["vendorStatus"], database["canQuery"]) == (
        "PROVISIONING",
        "initializing",
        False,
    )
    assert database["dbaas"] == {
        "plan": {"name": "mongodb_small"},
        "environment": {"nativeId": "1", "name": "dev"},
        "project": None,
    }
    assert (credential["nativeId"], credential["user"]) == ("11", "u_test_database2")
    assert credential["database"] == {"name": "test_database2"}
    assert created["password"] == sim.state.credentials[11]["password"]
    assert created["replayed"] is False
    assert "password" not in credential["raw"]
    assert created["password"] not in str(database["raw"]) + str(credential["raw"])
    # the plan is checked, the database posted, the password read once from the credential
    assert [(e.method, e.path) for e in sim.log.entries[:3]] == [
        ("GET", "/api/plan/1/"),
        ("POST", "/api/database/"),
        ("GET", "/api/credential/11/"),
    ]
    assert writes(sim) == 1
    assert sim.log.count("GET", r"/api/credential/\d+/") == 1


async def test_create_resolves_an_environment_name_and_links_a_project(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    options = {"planId": gid("Plan", "2"), "environment": "prod", "project": "2"}

    data = await dbaas.data(
        CREATE, {"input": {"organizationId": ORGANIZATION_ID, "name": "ledger", "dbaas": options}}
    )

    assert data["createDatabase"]["database"]["dbaas"] == {
        "plan": {"name": "mysql_ha"},
        "environment": {"nativeId": "2", "name": "prod"},
        "project": {"nativeId": "2", "name": "analytics"},
    }
    # the plan lists the environments it is offered in, names included: no lookup needed
    assert sim.log.count("GET", r"/api/environment/") == 0
    assert sim.state.databases[7]["environment"] == 2


async def test_a_new_database_is_read_back_without_its_password(
    dbaas: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    created = (await dbaas.data(CREATE, create_input("fresh")))["createDatabase"]

    data = await dbaas.data(DATABASE, {"id": created["database"]["id"]})

    node = data["node"]
    assert (node["name"], node["status"]) == ("fresh", "PROVISIONING")
    assert node["credentials"] == [{"user": "u_fresh", "raw": created["credential"]["raw"]}]
    assert created["password"] not in str(data)
    assert created["password"] not in caplog.text


async def test_a_retried_create_with_the_same_key_creates_nothing_and_shows_no_password(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    variables = create_input("once")
    variables["input"]["idempotencyKey"] = "create-once-1"  # type: ignore[index]

    first = (await dbaas.data(CREATE, variables))["createDatabase"]
    again = (await dbaas.data(CREATE, variables))["createDatabase"]

    assert sim.log.count("POST", "/api/database/") == 1
    assert again["database"]["id"] == first["database"]["id"]
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert first["password"] and again["password"] is None


# ----- the lifecycle ----------------------------------------------------------------------


async def test_a_database_lives_from_initializing_to_quarantined_to_deleted(
    timed: tuple[GatewayClient, DBaaSSimulator, Clock],
) -> None:
    gw, sim, clock = timed
    created = (await gw.data(CREATE, create_input("life")))["createDatabase"]
    database_id = created["database"]["id"]
    assert created["database"]["status"] == "PROVISIONING"

    clock.advance(29)
    gw.expire_cache()  # the vendor moved on: let cached reads expire
    assert await _status(gw, database_id) == "PROVISIONING"
    clock.advance(1)
    gw.expire_cache()  # the vendor moved on: let cached reads expire
    running = (await gw.data(STATUS, {"id": database_id}))["node"]
    assert running == {"status": "RUNNING", "vendorStatus": "alive", "canQuery": True}

    first = (await gw.data(DELETE, {"id": database_id}))["deleteDatabase"]
    assert first["outcome"] == "QUARANTINED"
    assert first["database"] == {
        "id": database_id,
        "status": "QUARANTINED",
        "vendorStatus": "quarantined",
        "canQuery": False,
        "dbaas": {"quarantinedAt": "2025-01-02T03:04:35+00:00"},
    }
    assert await _status(gw, database_id) == "QUARANTINED"

    second = (await gw.data(DELETE, {"id": database_id}))["deleteDatabase"]
    assert (second["deletedId"], second["outcome"], second["database"]) == (
        database_id,
        "DELETED",
        None,
    )
    gone = await gw.post(STATUS, {"id": database_id})
    assert gone["data"] == {"node": None}
    assert [e["extensions"]["code"] for e in gone["errors"]] == ["NOT_FOUND"]
    assert 7 not in sim.state.databases


async def test_without_a_transition_time_a_new_database_runs_once_settled(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    database_id = (await dbaas.data(CREATE, create_input("slow")))["createDatabase"]["database"][
        "id"
    ]
    sim.clock = lambda: START + timedelta(days=1)
    assert await _status(dbaas, database_id) == "PROVISIONING"

    sim.settle()
    dbaas.expire_cache()  # the vendor moved on: let cached reads expire

    assert await _status(dbaas, database_id) == "RUNNING"


# ----- updateDatabase ---------------------------------------------------------------------


async def test_update_moves_a_database_to_another_project_in_one_patch(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    database_id = gid("Database", "1")

    data = await dbaas.data(UPDATE, {"input": {"id": database_id, "dbaas": {"project": "2"}}})

    assert data["updateDatabase"]["database"]["dbaas"]["project"] == {
        "nativeId": "2",
        "name": "analytics",
    }
    assert [(e.method, e.path) for e in sim.log.matching("PATCH")] == [
        ("PATCH", "/api/database/1/")
    ]
    assert sim.log.count("GET", "/api/database/1/") == 0  # the PATCH answers the whole database
    again = await dbaas.data(DATABASE, {"id": database_id})
    assert again["node"]["dbaas"]["project"] == {"name": "analytics"}


async def test_an_empty_project_takes_the_database_out_of_its_project(
    dbaas: GatewayClient,
) -> None:
    database_id = gid("Database", "2")  # orders, in project checkout

    data = await dbaas.data(UPDATE, {"input": {"id": database_id, "dbaas": {"project": ""}}})

    assert data["updateDatabase"]["database"]["dbaas"]["project"] is None
    again = await dbaas.data(DATABASE, {"id": database_id})
    assert again["node"]["dbaas"]["project"] is None


# ----- deleteDatabase ---------------------------------------------------------------------


async def test_the_first_delete_quarantines_and_locks_every_user_out(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    before = {c: sim.state.credentials[c]["password"] for c in (1, 7)}

    data = await dbaas.data(DELETE, {"id": gid("Database", "1")})

    assert data["deleteDatabase"]["outcome"] == "QUARANTINED"
    assert data["deleteDatabase"]["database"]["status"] == "QUARANTINED"
    assert all(sim.state.credentials[c]["password"] != before[c] for c in before)
    # both DELETEs answer 204: one GET afterwards says which one this was
    assert [(e.method, e.path) for e in sim.log.entries[:2]] == [
        ("DELETE", "/api/database/1/"),
        ("GET", "/api/database/1/"),
    ]


async def test_deleting_a_quarantined_database_deletes_it_and_its_users(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    legacy = gid("Database", "6")  # seeded in quarantine

    data = await dbaas.data(DELETE, {"id": legacy})

    assert (data["deleteDatabase"]["outcome"], data["deleteDatabase"]["database"]) == (
        "DELETED",
        None,
    )
    names = await dbaas.data("{ databases(first: 50) { nodes { name } } }")
    assert "legacy_catalog" not in {n["name"] for n in names["databases"]["nodes"]}
    assert all(c["database"] != 6 for c in sim.state.credentials.values())


# ----- resetDatabasePassword --------------------------------------------------------------


async def test_resetting_a_credential_shows_its_new_password_once(
    dbaas: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim = dbaas.simulator("dbaas")
    credential_id = gid("DatabaseCredential", "7")

    data = await dbaas.data(RESET, {"id": credential_id})

    reset = data["resetDatabasePassword"]
    assert reset["password"] == sim.state.credentials[7]["password"] != "w9RXg222wK"
    assert reset["database"] is None
    assert reset["credential"]["nativeId"] == "7"
    assert reset["credential"]["user"] == "u_readonly"
    assert reset["credential"]["database"] == {"name": "my_first_database"}
    assert "password" not in reset["credential"]["raw"]
    assert [(e.method, e.path) for e in sim.log.entries[:1]] == [
        ("POST", "/api/credential/7/reset_password/")
    ]
    assert writes(sim) == 1
    later = await dbaas.data(DATABASE, {"id": gid("Database", "1")})
    assert reset["password"] not in str(later)
    assert reset["password"] not in caplog.text
