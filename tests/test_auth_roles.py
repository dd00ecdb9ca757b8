"""Roles over HTTP: a role too low fails that field alone with FORBIDDEN, the rest of the
document answered; mutations need operator or admin; secrets need admin. The table in
docs/security.md is the schema's own declaration."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from schema.build import build_schema
from schema.permissions import Role, role_table
from tests.auth_fixtures import ADMIN, OPERATOR, VIEWER, answer, secured, upstream_writes
from tests.gateway_client import GatewayClient, error_codes

SECURITY_DOC = Path(__file__).parents[1] / "docs" / "security.md"

ORGANIZATIONS = "{ organizations { id name connection { name } } }"
RUNNING_DATABASE = """
{ databases(filter: {connection: "ch-acme", status: [RUNNING]}, first: 1) { nodes { id } } }
"""
STOP = """
mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { id status } } }
"""
DELETE = """
mutation($id: ID!) { deleteDatabase(input: {id: $id}) { deletedId } }
"""
CREATE_DATABASE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) { database { id name } password replayed }
}
"""
CREATE_API_KEY = """
mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { name } secret } }
"""
PASSWORDS = """
{ databases(filter: {connection: "dbaas"}, first: 2) {
    nodes { name credentials { user password } } } }
"""
CLICKHOUSE_OPTIONS = {"provider": "aws", "region": "us-east-1", "tier": "production"}


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with secured() as client:
        yield client


async def acme_org(gw: GatewayClient) -> str:
    orgs = (await answer(gw, VIEWER, ORGANIZATIONS))["data"]["organizations"]
    return str(next(o["id"] for o in orgs if o["connection"]["name"] == "ch-acme"))


async def running_database(gw: GatewayClient) -> str:
    body = await answer(gw, VIEWER, RUNNING_DATABASE)
    return str(body["data"]["databases"]["nodes"][0]["id"])


def forbidden_paths(body: dict[str, Any]) -> list[list[Any]]:
    return [e["path"] for e in body.get("errors", []) if e["extensions"]["code"] == "FORBIDDEN"]


async def test_a_viewer_reads_but_cannot_write(gw: GatewayClient) -> None:
    database = await running_database(gw)

    body = await answer(gw, VIEWER, STOP, {"id": database})

    assert forbidden_paths(body) == [["stopDatabase"]]
    assert "needs the operator role; this caller is viewer" in body["errors"][0]["message"]
    assert body["data"] is None  # the mutation field is non-null
    assert upstream_writes(gw, "clickhouse") == 0


async def test_an_operator_stops_a_database_but_cannot_delete_one(gw: GatewayClient) -> None:
    database = await running_database(gw)

    stopped = await answer(gw, OPERATOR, STOP, {"id": database})
    deleted = await answer(gw, OPERATOR, DELETE, {"id": database})

    assert "errors" not in stopped
    assert stopped["data"]["stopDatabase"]["database"]["status"] == "STOPPING"
    assert forbidden_paths(deleted) == [["deleteDatabase"]]
    assert upstream_writes(gw, "clickhouse") == 1  # the stop, not the delete


async def test_the_role_is_checked_before_the_input(gw: GatewayClient) -> None:
    # a viewer learns nothing about IDs from a mutation it may not send
    body = await answer(gw, VIEWER, DELETE, {"id": "not-an-id"})

    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_secret_field_fails_alone_and_the_rest_is_answered(gw: GatewayClient) -> None:
    body = await answer(gw, OPERATOR, PASSWORDS)

    nodes = body["data"]["databases"]["nodes"]
    credentials = [c for n in nodes for c in n["credentials"]]
    assert nodes and credentials
    assert all(c["user"] and c["password"] is None for c in credentials)
    assert set(error_codes(body)) == {"FORBIDDEN"}
    assert len(forbidden_paths(body)) == len(credentials)
    assert forbidden_paths(body)[0][-1] == "password"


async def test_an_admin_reads_secret_fields(gw: GatewayClient) -> None:
    body = await answer(gw, ADMIN, PASSWORDS)

    assert "errors" not in body
    credentials = [c for n in body["data"]["databases"]["nodes"] for c in n["credentials"]]
    assert credentials and all(c["password"] for c in credentials)


async def test_an_operator_creates_a_database_without_seeing_its_password(
    gw: GatewayClient,
) -> None:
    org = await acme_org(gw)
    variables = {
        "input": {"organizationId": org, "name": "ops made", "clickhouse": CLICKHOUSE_OPTIONS}
    }

    body = await answer(gw, OPERATOR, CREATE_DATABASE, variables)

    created = body["data"]["createDatabase"]
    assert created["database"]["name"] == "ops made" and created["replayed"] is False
    assert created["password"] is None
    assert forbidden_paths(body) == [["createDatabase", "password"]]


async def test_key_creation_is_for_admins_and_shows_them_the_secret(gw: GatewayClient) -> None:
    org = await acme_org(gw)
    variables = {"input": {"organizationId": org, "name": "bot", "role": "DEVELOPER"}}

    refused = await answer(gw, OPERATOR, CREATE_API_KEY, variables)
    created = await answer(gw, ADMIN, CREATE_API_KEY, variables)

    assert forbidden_paths(refused) == [["createApiKey"]]
    assert "errors" not in created and created["data"]["createApiKey"]["secret"]
    assert upstream_writes(gw, "clickhouse") == 1


def test_every_mutation_declares_the_role_it_needs() -> None:
    schema = build_schema()
    mutations = set(schema._schema.mutation_type.fields)  # type: ignore[union-attr]
    declared = {r.field_name: r.role for r in role_table(schema) if r.type_name == "Mutation"}

    assert set(declared) == mutations
    assert all(role >= Role.OPERATOR for role in declared.values())


def test_every_secret_bearing_field_needs_admin() -> None:
    secrets = {
        (r.type_name, r.field_name)
        for r in role_table(build_schema())
        if r.type_name != "Mutation" and r.role is Role.ADMIN
    }

    assert secrets == {
        ("DatabaseCredential", "password"),
        ("CreateDatabasePayload", "password"),
        ("ResetDatabasePasswordPayload", "password"),
        ("CreateApiKeyPayload", "secret"),
        ("CreateDBaaSCredentialPayload", "password"),
    }


def test_the_roles_table_in_docs_is_the_schemas() -> None:
    documented = re.findall(
        r"^\| `(\w+)\.(\w+)` \| (viewer|operator|admin) \|", SECURITY_DOC.read_text(), re.M
    )
    declared = [(r.type_name, r.field_name, r.role.label) for r in role_table(build_schema())]

    assert sorted(documented) == sorted(declared)
