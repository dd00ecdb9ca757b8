"""The DBaaS API's remaining operations (issue 21 item 10) end to end: environments and
projects listed whether or not a database references them, credentials created (the
password shown once) and deleted, projects created, renamed and deleted."""

from __future__ import annotations

from adapters.dbaas.sim.simulator import DBaaSSimulator
from tests.gateway_client import GatewayClient, error_codes

LISTS = (
    "{ organizations { id dbaas { environments { nativeId name } projects { nativeId name } } } }"
)
DATABASE = '{ databases(first: 50, filter: { nameContains: "orders" }) { nodes { id } } }'
CREATE_CREDENTIAL = """
mutation($input: CreateDBaaSCredentialInput!) { createDBaaSCredential(input: $input) {
  password credential { id user database { name } } } }
"""
DELETE_CREDENTIAL = """
mutation($id: ID!) { deleteDBaaSCredential(input: { id: $id }) { deletedId } }
"""
PROJECT = """
mutation($input: DBaaSProjectInput!) { writeDBaaSProject(input: $input) {
  project { nativeId name } } }
"""
DELETE_PROJECT = """
mutation($input: DBaaSProjectInput!) { deleteDBaaSProject(input: $input) { project { name } } }
"""


def _sim(gw: GatewayClient) -> DBaaSSimulator:
    sim: DBaaSSimulator = gw.simulator("dbaas")
    return sim


async def test_environments_and_projects_are_listed_even_when_unreferenced(
    dbaas: GatewayClient,
) -> None:
    sim = _sim(dbaas)
    sim.add_environment("qa")
    sim.add_project("archive")
    sim.log.clear()

    (org,) = (await dbaas.data(LISTS))["organizations"]

    assert "qa" in {e["name"] for e in org["dbaas"]["environments"]}
    assert "archive" in {p["name"] for p in org["dbaas"]["projects"]}
    assert sim.log.count("GET", "/api/environment/") == 1
    assert sim.log.count("GET", "/api/project/") == 1


async def test_a_credential_is_created_with_its_password_once_and_deleted(
    dbaas: GatewayClient,
) -> None:
    (db,) = (await dbaas.data(DATABASE))["databases"]["nodes"]

    created = await dbaas.data(
        CREATE_CREDENTIAL, {"input": {"databaseId": db["id"], "user": "u_reports"}}
    )
    credential = created["createDBaaSCredential"]
    deleted = await dbaas.data(DELETE_CREDENTIAL, {"id": credential["credential"]["id"]})

    assert credential["password"]
    assert credential["credential"]["user"] == "u_reports"
    assert credential["credential"]["database"] == {"name": "orders"}
    assert deleted["deleteDBaaSCredential"]["deletedId"] == credential["credential"]["id"]
    assert all(c["user"] != "u_reports" for c in _sim(dbaas).state.credentials.values())


async def test_a_blank_user_is_refused_before_any_call(dbaas: GatewayClient) -> None:
    (db,) = (await dbaas.data(DATABASE))["databases"]["nodes"]
    _sim(dbaas).log.clear()

    body = await dbaas.post(CREATE_CREDENTIAL, {"input": {"databaseId": db["id"], "user": " "}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "input.user"
    assert _sim(dbaas).log.entries == []


async def test_a_project_is_created_renamed_and_deleted(dbaas: GatewayClient) -> None:
    (org,) = (await dbaas.data(LISTS))["organizations"]

    made = await dbaas.data(PROJECT, {"input": {"organizationId": org["id"], "name": "growth"}})
    project_id = made["writeDBaaSProject"]["project"]["nativeId"]
    renamed = await dbaas.data(
        PROJECT,
        {"input": {"organizationId": org["id"], "projectId": project_id, "name": "expansion"}},
    )
    gone = await dbaas.data(
        DELETE_PROJECT, {"input": {"organizationId": org["id"], "projectId": project_id}}
    )

    assert renamed["writeDBaaSProject"]["project"] == {"nativeId": project_id, "name": "expansion"}
    assert gone["deleteDBaaSProject"]["project"] is None
    assert int(project_id) not in _sim(dbaas).state.projects


async def test_a_duplicate_project_name_is_a_conflict(dbaas: GatewayClient) -> None:
    (org,) = (await dbaas.data(LISTS))["organizations"]

    body = await dbaas.post(PROJECT, {"input": {"organizationId": org["id"], "name": "checkout"}})

    # the vendor's 400 naming a unique field that is taken: CONFLICT, as for databases
    assert error_codes(body) == ["CONFLICT"]
    assert "already exists" in body["errors"][0]["message"]
