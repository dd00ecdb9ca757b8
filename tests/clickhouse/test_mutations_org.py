"""ClickHouse Cloud organization mutations: API keys, invitations, members and the organization,
GraphQL over HTTP -> gateway -> adapter -> simulator; and the declared operations."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from adapters.clickhouse.sim.seed_data import SEED_CREDENTIALS
from tests.clickhouse.writes import at_now, simulator, upstream_writes
from tests.gateway_client import GatewayClient, error_codes

ORGANIZATION = """
query($connection: String!) {
  organizations(connection: $connection) {
    id name
    apiKeys { id name state vendorState roles keySuffix expiresAt raw }
    members { id name email role vendorRole }
    invitations { id email role vendorRole }
  }
}
"""

CAPABILITIES = "{ connections { name capabilities { operations } } }"

CREATE_API_KEY = """
mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    apiKey { id name state vendorState roles keySuffix expiresAt raw } secret replayed
  }
}
"""

UPDATE_API_KEY = """
mutation($input: UpdateApiKeyInput!) {
  updateApiKey(input: $input) { apiKey { id name state vendorState roles expiresAt } }
}
"""

REVOKE_API_KEY = """
mutation($id: ID!) { revokeApiKey(input: {id: $id}) { revokedId apiKey { id } } }
"""

INVITE_MEMBER = """
mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { invitation { id email role vendorRole expiresAt } replayed }
}
"""

CANCEL_INVITATION = """
mutation($id: ID!) { cancelInvitation(input: {id: $id}) { cancelledId } }
"""

UPDATE_MEMBER_ROLE = """
mutation($id: ID!, $role: MemberRole!) {
  updateMemberRole(input: {id: $id, role: $role}) { member { id name role vendorRole } }
}
"""

REMOVE_MEMBER = """mutation($id: ID!) { removeMember(input: {id: $id}) { removedId } }"""

UPDATE_ORGANIZATION = """
mutation($id: ID!, $name: String) {
  updateOrganization(input: {id: $id, name: $name}) { organization { id name } }
}
"""


@pytest.fixture
async def gw(clickhouse: GatewayClient) -> GatewayClient:
    return await at_now(clickhouse)


async def acme(gw: GatewayClient) -> dict[str, Any]:
    (org,) = (await gw.data(ORGANIZATION, {"connection": "ch-acme"}))["organizations"]
    found: dict[str, Any] = org
    return found


def named(records: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in records if name in (r.get("name"), r.get("email")))


def the_error(body: dict[str, Any], code: str) -> dict[str, Any]:
    assert error_codes(body) == [code], body.get("errors")
    error: dict[str, Any] = body["errors"][0]
    return error


# --- declared operations ----------------------------------------------------------------------


async def test_connections_list_the_clickhouse_operations(gw: GatewayClient) -> None:
    connections = (await gw.data(CAPABILITIES))["connections"]

    for connection in connections:
        operations = set(connection["capabilities"]["operations"])
        assert {"CREATE_DATABASE", "RESTORE_DATABASE", "SCALE_DATABASE"} <= operations
        assert operations.isdisjoint({"CREATE_BACKUP", "DELETE_BACKUP"})


# --- createApiKey -----------------------------------------------------------------------------


async def test_create_api_key_shows_a_working_secret_once(gw: GatewayClient) -> None:
    org = await acme(gw)
    variables = {
        "input": {
            "organizationId": org["id"],
            "name": "deploy bot",
            "role": "DEVELOPER",
            "expiresAt": "2027-06-01T00:00:00Z",
        }
    }

    created = (await gw.data(CREATE_API_KEY, variables))["createApiKey"]

    key, secret = created["apiKey"], created["secret"]
    assert (key["name"], key["state"], key["roles"]) == ("deploy bot", "ENABLED", ["developer"])
    assert key["expiresAt"].startswith("2027-06-01")
    key_id, key_secret = secret.split(":")
    assert key_id.endswith(key["keySuffix"])
    assert key_secret not in str(key["raw"])
    sim = simulator(gw)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url="https://api.clickhouse.cloud",
        auth=(key_id, key_secret),
    ) as as_new_key:
        assert (await as_new_key.get("/v1/organizations")).status_code == 200
    later = await acme(gw)
    assert key["id"] in {k["id"] for k in later["apiKeys"]}
    assert key_secret not in str(later) and key_id not in str(later)


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"role": None}, "input.role", "ADMIN, DEVELOPER"),
        ({"role": "VIEWER"}, "input.role", "ClickHouse roles are ADMIN, DEVELOPER"),
        ({"role": "OWNER"}, "input.role", "ClickHouse roles are ADMIN, DEVELOPER"),
        ({"name": "  "}, "input.name", "must not be empty"),
        ({"ownerId": "member"}, "input.ownerId", "belong to the organization"),
    ],
)
async def test_create_api_key_checks_role_name_and_owner_before_any_write(
    gw: GatewayClient, changes: dict[str, Any], field: str, text: str
) -> None:
    org = await acme(gw)
    if changes.get("ownerId") == "member":
        changes = {"ownerId": org["members"][0]["id"]}
    variables = {"input": {"organizationId": org["id"], "name": "k", "role": "ADMIN"} | changes}

    body = await gw.post(CREATE_API_KEY, variables)

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == field
    assert text in error["message"]
    assert upstream_writes(gw) == 0


# --- updateApiKey, revokeApiKey ------------------------------------------------------------------


async def test_update_api_key_renames_re_roles_re_dates_and_disables(gw: GatewayClient) -> None:
    key = named((await acme(gw))["apiKeys"], "acme ci")
    variables = {
        "input": {
            "id": key["id"],
            "name": "acme ci 2",
            "role": "ADMIN",
            "expiresAt": "2027-01-01T00:00:00Z",
            "state": "DISABLED",
        }
    }

    updated = (await gw.data(UPDATE_API_KEY, variables))["updateApiKey"]["apiKey"]

    assert (updated["name"], updated["roles"]) == ("acme ci 2", ["admin"])
    assert (updated["state"], updated["vendorState"]) == ("DISABLED", "disabled")
    assert updated["expiresAt"].startswith("2027-01-01")
    later = named((await acme(gw))["apiKeys"], "acme ci 2")
    assert later["state"] == "DISABLED"


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"state": "REVOKED"}, "input.state", "revokeApiKey deletes it"),
        ({"state": "EXPIRED"}, "input.state", "ENABLED, DISABLED"),
        ({"role": "MEMBER"}, "input.role", "ADMIN, DEVELOPER"),
        ({"name": ""}, "input.name", "must not be empty"),
    ],
)
async def test_update_api_key_checks_state_role_and_name(
    gw: GatewayClient, changes: dict[str, Any], field: str, text: str
) -> None:
    key = named((await acme(gw))["apiKeys"], "acme ci")

    body = await gw.post(UPDATE_API_KEY, {"input": {"id": key["id"]} | changes})

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == field
    assert text in error["message"]
    assert upstream_writes(gw) == 0


async def test_revoke_api_key_deletes_it(gw: GatewayClient) -> None:
    key = named((await acme(gw))["apiKeys"], "acme legacy")

    revoked = (await gw.data(REVOKE_API_KEY, {"id": key["id"]}))["revokeApiKey"]

    assert revoked == {"revokedId": key["id"], "apiKey": None}
    assert "acme legacy" not in {k["name"] for k in (await acme(gw))["apiKeys"]}


async def test_revoking_the_connections_own_key_is_the_vendors_conflict(
    gw: GatewayClient,
) -> None:
    own = named((await acme(gw))["apiKeys"], "acme admin")

    body = await gw.post(REVOKE_API_KEY, {"id": own["id"]})

    error = the_error(body, "CONFLICT")
    assert "cannot delete itself" in error["message"]
    assert "acme admin" in {k["name"] for k in (await acme(gw))["apiKeys"]}


# --- inviteMember, cancelInvitation -----------------------------------------------------------


async def test_invite_member_creates_a_lowercase_invitation(gw: GatewayClient) -> None:
    org = await acme(gw)
    variables = {
        "input": {"organizationId": org["id"], "email": "New.Person@Example.COM", "role": "ADMIN"}
    }

    invited = (await gw.data(INVITE_MEMBER, variables))["inviteMember"]

    invitation = invited["invitation"]
    assert (invitation["email"], invitation["role"], invitation["vendorRole"]) == (
        "new.person@example.com",
        "ADMIN",
        "admin",
    )
    assert invited["replayed"] is False
    later = (await acme(gw))["invitations"]
    assert invitation["id"] in {i["id"] for i in later}


@pytest.mark.parametrize(
    ("email", "role", "field", "text"),
    [
        ("not-an-email", "DEVELOPER", "input.email", "email address"),
        ("two@@example.com", "DEVELOPER", "input.email", "email address"),
        ("someone@example", "DEVELOPER", "input.email", "email address"),
        ("someone@example.com", "VIEWER", "input.role", "ClickHouse roles are ADMIN, DEVELOPER"),
    ],
)
async def test_invite_member_checks_email_and_role_before_any_write(
    gw: GatewayClient, email: str, role: str, field: str, text: str
) -> None:
    org = await acme(gw)
    variables = {"input": {"organizationId": org["id"], "email": email, "role": role}}

    body = await gw.post(INVITE_MEMBER, variables)

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == field
    assert text in error["message"]
    assert upstream_writes(gw) == 0


@pytest.mark.parametrize(
    ("email", "text"),
    [
        ("Alice@Acme-Analytics.example", "already a member"),
        ("dave@acme-analytics.example", "already has a pending invitation"),
    ],
)
async def test_inviting_a_member_or_an_invitee_again_is_the_vendors_conflict(
    gw: GatewayClient, email: str, text: str
) -> None:
    org = await acme(gw)
    variables = {"input": {"organizationId": org["id"], "email": email, "role": "DEVELOPER"}}

    body = await gw.post(INVITE_MEMBER, variables)

    error = the_error(body, "CONFLICT")
    assert text in error["message"]
    assert error["extensions"]["upstreamStatus"] == 409


async def test_cancel_invitation_deletes_it(gw: GatewayClient) -> None:
    invitation = named((await acme(gw))["invitations"], "dave@acme-analytics.example")

    cancelled = await gw.data(CANCEL_INVITATION, {"id": invitation["id"]})

    assert cancelled["cancelInvitation"]["cancelledId"] == invitation["id"]
    later = (await acme(gw))["invitations"]
    assert invitation["id"] not in {i["id"] for i in later}


# --- updateMemberRole, removeMember --------------------------------------------------------------


async def test_update_member_role_promotes_a_developer(gw: GatewayClient) -> None:
    bob = named((await acme(gw))["members"], "Bob Builder")

    updated = await gw.data(UPDATE_MEMBER_ROLE, {"id": bob["id"], "role": "ADMIN"})

    member = updated["updateMemberRole"]["member"]
    assert (member["id"], member["role"], member["vendorRole"]) == (bob["id"], "ADMIN", "admin")
    assert named((await acme(gw))["members"], "Bob Builder")["role"] == "ADMIN"


@pytest.mark.parametrize("role", ["OWNER", "MEMBER", "VIEWER"])
async def test_update_member_role_refuses_roles_clickhouse_lacks(
    gw: GatewayClient, role: str
) -> None:
    bob = named((await acme(gw))["members"], "Bob Builder")

    body = await gw.post(UPDATE_MEMBER_ROLE, {"id": bob["id"], "role": role})

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == "input.role"
    assert f"ClickHouse roles are ADMIN, DEVELOPER (got {role})" in error["message"]
    assert upstream_writes(gw) == 0


async def test_remove_member_takes_them_out_of_the_organization(gw: GatewayClient) -> None:
    carol = named((await acme(gw))["members"], "Carol Query")

    removed = await gw.data(REMOVE_MEMBER, {"id": carol["id"]})

    assert removed["removeMember"]["removedId"] == carol["id"]
    assert "Carol Query" not in {m["name"] for m in (await acme(gw))["members"]}


# --- updateOrganization -------------------------------------------------------------------------


async def test_update_organization_renames_it(gw: GatewayClient) -> None:
    org = await acme(gw)

    updated = await gw.data(UPDATE_ORGANIZATION, {"id": org["id"], "name": "Acme Labs"})

    assert updated["updateOrganization"]["organization"] == {"id": org["id"], "name": "Acme Labs"}
    assert (await acme(gw))["name"] == "Acme Labs"


async def test_update_organization_refuses_an_empty_name(gw: GatewayClient) -> None:
    org = await acme(gw)

    body = await gw.post(UPDATE_ORGANIZATION, {"id": org["id"], "name": " "})

    assert the_error(body, "BAD_USER_INPUT")["extensions"]["field"] == "input.name"
    assert upstream_writes(gw) == 0


async def test_an_organization_write_with_a_developer_key_is_forbidden() -> None:
    toml = """
[[connections]]
name = "ch-ci"
vendor = "clickhouse"
simulated = true
key_id_env = "K"
key_secret_env = "S"
"""
    ci = SEED_CREDENTIALS["acme ci"]  # a developer key: PATCH organization needs ADMIN
    async with GatewayClient.from_toml(toml, {"K": ci["key_id"], "S": ci["key_secret"]}) as gw:
        org = await acme_on(gw, "ch-ci")
        body = await gw.post(UPDATE_ORGANIZATION, {"id": org, "name": "Mine Now"})

    error = the_error(body, "FORBIDDEN")
    assert "ADMIN role" in error["message"]


async def acme_on(gw: GatewayClient, connection: str) -> str:
    (org,) = (await gw.data(ORGANIZATION, {"connection": connection}))["organizations"]
    org_id: str = org["id"]
    return org_id
