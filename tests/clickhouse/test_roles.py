"""ClickHouse Cloud RBAC roles (2026-06 spec) end to end: listed in one call, written with
bodies the simulator validates against the spec, refused before any call where a rule is
broken, and system roles left alone (the vendor's 409)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clickhouse.writes import simulator
from tests.gateway_client import GatewayClient, error_codes

ROLES = r"/v1/organizations/[0-9a-f-]{36}/roles"
PEOPLE = """{ organizations(connection: "ch-acme") { id
    members { id email } apiKeys { id name }
    clickhouse { roles { nativeId name type actors
      policies { allow permissions resources sqlConsoleRole } } } } }"""
WRITE = """
mutation($input: ClickHouseRoleInput!) { writeClickHouseRole(input: $input) {
  role { nativeId name type actors policies { allow permissions resources } } } }
"""
DELETE = """
mutation($input: DeleteClickHouseRoleInput!) { deleteClickHouseRole(input: $input) {
  deletedRoleId } }
"""
POLICY = {
    "allow": True,
    "permissions": ["sql-console:database:access"],
    "resources": ["instance/*"],
}


async def _org(gw: GatewayClient) -> dict[str, Any]:
    org: dict[str, Any] = (await gw.data(PEOPLE))["organizations"][0]
    return org


async def test_roles_are_listed_in_one_call(clickhouse: GatewayClient) -> None:
    org = await _org(clickhouse)

    roles = {r["name"]: r for r in org["clickhouse"]["roles"]}
    assert {n: r["type"] for n, r in roles.items()} == {
        "Admin": "system",
        "Developer": "system",
        "Analysts": "custom",
    }
    assert roles["Analysts"]["policies"][0]["sqlConsoleRole"] == "sql-console-readonly"
    assert all(a.startswith("user/") for a in roles["Developer"]["actors"])
    assert simulator(clickhouse).log.count("GET", ROLES) == 1


async def test_a_custom_role_is_created_changed_and_deleted(clickhouse: GatewayClient) -> None:
    org = await _org(clickhouse)
    member, key = org["members"][0], org["apiKeys"][0]

    created = await clickhouse.data(
        WRITE,
        {
            "input": {
                "organizationId": org["id"],
                "name": "Auditors",
                "memberIds": [member["id"]],
                "apiKeyIds": [key["id"]],
                "policies": [POLICY],
            }
        },
    )
    role = created["writeClickHouseRole"]["role"]
    assert (role["name"], role["type"]) == ("Auditors", "custom")
    assert [a.split("/")[0] for a in role["actors"]] == ["user", "apiKey"]
    changed = await clickhouse.data(
        WRITE, {"input": {"organizationId": org["id"], "roleId": role["nativeId"], "name": "Audit"}}
    )
    deleted = await clickhouse.data(
        DELETE, {"input": {"organizationId": org["id"], "roleId": role["nativeId"]}}
    )

    assert changed["writeClickHouseRole"]["role"]["name"] == "Audit"
    assert changed["writeClickHouseRole"]["role"]["actors"] == role["actors"]
    assert deleted["deleteClickHouseRole"]["deletedRoleId"] == role["nativeId"]
    log = simulator(clickhouse).log
    assert (
        log.count("POST", ROLES),
        log.count("PATCH", ROLES + "/.*"),
        log.count("DELETE", ROLES + "/.*"),
    ) == (1, 1, 1)
    remaining = {r["name"] for r in (await _org(clickhouse))["clickhouse"]["roles"]}
    assert "Audit" not in remaining


async def test_a_system_role_stays_as_it_is(clickhouse: GatewayClient) -> None:
    org = await _org(clickhouse)
    admin = next(r for r in org["clickhouse"]["roles"] if r["name"] == "Admin")

    body = await clickhouse.post(
        DELETE, {"input": {"organizationId": org["id"], "roleId": admin["nativeId"]}}
    )

    assert error_codes(body) == ["CONFLICT"]
    assert "system role" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"name": "No Policies"}, "policies: required"),
        ({"name": " ", "policies": [POLICY]}, "name: must be"),
        ({"name": "Empty", "policies": [POLICY | {"permissions": []}]}, "permissions"),
        ({"roleId": "not-a-uuid", "name": "X"}, "not a UUID"),
    ],
)
async def test_a_broken_rule_is_refused_before_any_call(
    clickhouse: GatewayClient, change: dict[str, Any], problem: str
) -> None:
    org = await _org(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(WRITE, {"input": {"organizationId": org["id"], **change}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert problem in body["errors"][0]["message"]
    assert simulator(clickhouse).log.entries == []


async def test_another_vendors_organization_has_no_clickhouse_roles(demo: GatewayClient) -> None:
    (org,) = (await demo.data("{ organizations(vendor: DBAAS) { id } }"))["organizations"]

    body = await demo.post(WRITE, {"input": {"organizationId": org["id"], "name": "X"}})

    assert error_codes(body) == ["NOT_SUPPORTED"]


HOLDERS = """{ organizations(connection: "ch-acme") {
    members { id email assignedRoles { nativeId name type } }
    apiKeys { id name assignedRoles { name } }
    invitations { assignedRoles { name } }
    clickhouse { roles { nativeId name } } } }"""
ASSIGN = """
mutation($input: AssignClickHouseRolesInput!) { assignClickHouseRoles(input: $input) {
  member { assignedRoles { name } } apiKey { assignedRoles { name } } } }
"""


async def test_members_keys_and_invitations_show_the_roles_they_hold(
    clickhouse: GatewayClient,
) -> None:
    org = (await clickhouse.data(HOLDERS))["organizations"][0]

    held = {
        m["email"].split("@")[0]: {r["name"] for r in m["assignedRoles"]} for m in org["members"]
    }
    assert held["alice"] == {"Admin"}
    assert {"Developer", "Analysts"} in held.values()
    assert all(
        r["type"] in ("system", "custom") for m in org["members"] for r in m["assignedRoles"]
    )
    assert all(k["assignedRoles"] == [] for k in org["apiKeys"])
    assert all(i["assignedRoles"] == [] for i in org["invitations"])


async def test_roles_are_assigned_to_a_member_and_to_a_key(clickhouse: GatewayClient) -> None:
    org = (await clickhouse.data(HOLDERS))["organizations"][0]
    roles = {r["name"]: r["nativeId"] for r in org["clickhouse"]["roles"]}
    member, key = org["members"][0], org["apiKeys"][0]

    to_member = await clickhouse.data(
        ASSIGN, {"input": {"id": member["id"], "roleIds": [roles["Analysts"]]}}
    )
    to_key = await clickhouse.data(
        ASSIGN, {"input": {"id": key["id"], "roleIds": [roles["Developer"], roles["Analysts"]]}}
    )

    assert to_member["assignClickHouseRoles"]["member"]["assignedRoles"] == [{"name": "Analysts"}]
    assert {r["name"] for r in to_key["assignClickHouseRoles"]["apiKey"]["assignedRoles"]} == {
        "Developer",
        "Analysts",
    }
    log = simulator(clickhouse).log
    assert log.count("PATCH", r"/v1/organizations/[0-9a-f-]{36}/members/[0-9a-f-]{36}") == 1
    assert log.count("PATCH", r"/v1/organizations/[0-9a-f-]{36}/keys/[0-9a-f-]{36}") == 1


async def test_a_role_id_that_is_no_uuid_is_refused_before_any_call(
    clickhouse: GatewayClient,
) -> None:
    org = (await clickhouse.data(HOLDERS))["organizations"][0]
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(
        ASSIGN, {"input": {"id": org["members"][0]["id"], "roleIds": ["admin"]}}
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert simulator(clickhouse).log.entries == []
