"""Astra Control API key, member and invitation mutations, end to end over GraphQL.

An API key is a user's token (POST, PUT, DELETE under users/{id}/tokens; the secret comes
once, in the POST answer). An invitation is a new user, pending until they sign in, plus
a role binding; a member's role is their role binding; removing a member deletes the user.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from adapters.astra.sim import seed_data as sd
from adapters.astra.sim.simulator import AstraSimulator
from schema.ids import encode_id
from tests.astra.conftest import (
    ACCOUNT,
    ACCOUNT_ID,
    assert_bad_input,
    astra_gateway,
    upstream_writes,
)
from tests.gateway_client import GatewayClient, error_codes

PEOPLE = """
{ organizations(vendor: ASTRA) { id
    members { id nativeId email role vendorRole }
    invitations { id nativeId email role vendorRole }
    apiKeys { id nativeId name raw owner { nativeId } } } }
"""

CREATE_API_KEY = """
mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    apiKey { id nativeId name state raw owner { nativeId email } } secret replayed
  }
}
"""

UPDATE_API_KEY = """
mutation($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { apiKey { id name state } } }
"""

REVOKE_API_KEY = """
mutation($id: ID!) { revokeApiKey(input: {id: $id}) { revokedId apiKey { id } } }
"""

INVITE_MEMBER = """
mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { invitation { id nativeId email role vendorRole } replayed }
}
"""

CANCEL_INVITATION = """
mutation($id: ID!) { cancelInvitation(input: {id: $id}) { cancelledId } }
"""

UPDATE_MEMBER_ROLE = """
mutation($id: ID!, $role: MemberRole!) {
  updateMemberRole(input: {id: $id, role: $role}) { member { id email role vendorRole } }
}
"""

REMOVE_MEMBER = "mutation($id: ID!) { removeMember(input: {id: $id}) { removedId } }"

CI_TOKEN = "70c00000-0000-4000-8000-000000000002"  # Bruce's seeded "ci-pipeline" token


def member_id(user_id: str) -> str:
    return encode_id("Member", "astra", (ACCOUNT_ID, user_id))


def invitation_id(user_id: str) -> str:
    return encode_id("Invitation", "astra", (ACCOUNT_ID, user_id))


def api_key_id(user_id: str, token_id: str) -> str:
    return encode_id("ApiKey", "astra", (ACCOUNT_ID, user_id, token_id))


async def people(gw: GatewayClient) -> dict[str, Any]:
    (org,) = (await gw.data(PEOPLE))["organizations"]
    return org  # type: ignore[no-any-return]


# -- createApiKey -------------------------------------------------------------------------


async def test_create_api_key_shows_the_secret_once_and_never_again(
    astra: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    org = await people(astra)
    sim = astra.simulator("astra")

    payload = await astra.data(
        CREATE_API_KEY,
        {"input": {"organizationId": org["id"], "name": "laptop", "ownerId": member_id(sd.BRUCE)}},
    )

    created = payload["createApiKey"]
    key, secret = created["apiKey"], created["secret"]
    assert secret and sim.state.token_secrets[secret] == key["nativeId"]  # the real secret
    assert (key["name"], key["state"], key["owner"]["nativeId"]) == ("laptop", "ENABLED", sd.BRUCE)
    assert secret not in str(key["raw"])
    assert sim.log.count("POST", f"{ACCOUNT}/core/v1/users/{sd.BRUCE}/tokens") == 1
    later = await people(astra)
    assert key["id"] in {k["id"] for k in later["apiKeys"]}
    assert secret not in str(later)
    assert secret not in caplog.text


INVALID_KEYS = [
    pytest.param({"ownerId": None}, "input.ownerId", ["required"], id="no-owner"),
    pytest.param({"role": "ADMIN"}, "input.role", ["no role"], id="role"),
    pytest.param({"expiresAt": "2027-01-01T00:00:00Z"}, "input.expiresAt", ["never"], id="expiry"),
    pytest.param({"name": "k" * 64}, "input.name", ["1 to 63"], id="name"),
    pytest.param(
        {"ownerId": encode_id("Member", "astra", ("another-account", sd.BRUCE))},
        "input.ownerId",
        ["member"],
        id="foreign-owner",
    ),
]


@pytest.mark.parametrize(("given", "field", "words"), INVALID_KEYS)
async def test_create_api_key_checks_astras_token_rules_before_any_call(
    astra: GatewayClient, given: dict[str, Any], field: str, words: list[str]
) -> None:
    org = await people(astra)
    base = {"organizationId": org["id"], "name": "k", "ownerId": member_id(sd.BRUCE)}

    body = await astra.post(CREATE_API_KEY, {"input": base | given})

    assert_bad_input(body, field, *words)
    assert upstream_writes(astra.simulator("astra")) == 0


async def test_a_token_for_someone_else_is_refused_by_astra(astra: GatewayClient) -> None:
    org = await people(astra)

    body = await astra.post(
        CREATE_API_KEY,
        {"input": {"organizationId": org["id"], "name": "k", "ownerId": member_id(sd.LUCIUS)}},
    )

    assert error_codes(body) == ["FORBIDDEN"]
    assert "Only the token's user may do this." in body["errors"][0]["message"]


# -- updateApiKey / revokeApiKey ----------------------------------------------------------


async def test_update_api_key_renames_the_token(astra: GatewayClient) -> None:
    key = api_key_id(sd.BRUCE, CI_TOKEN)

    payload = await astra.data(UPDATE_API_KEY, {"input": {"id": key, "name": "ci-v2"}})

    assert payload["updateApiKey"]["apiKey"] == {"id": key, "name": "ci-v2", "state": "ENABLED"}
    sim = astra.simulator("astra")
    assert sim.log.count("PUT", f"{ACCOUNT}/core/v1/users/{sd.BRUCE}/tokens/{CI_TOKEN}") == 1
    names = {k["id"]: k["name"] for k in (await people(astra))["apiKeys"]}
    assert names[key] == "ci-v2"


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"role": "VIEWER"}, "input.role"),
        ({"expiresAt": "2027-01-01T00:00:00Z"}, "input.expiresAt"),
        ({"state": "DISABLED"}, "input.state"),
        ({}, "input.name"),
        ({"name": ""}, "input.name"),
    ],
    ids=["role", "expiry", "state", "no-name", "empty-name"],
)
async def test_update_api_key_checks_its_input_before_any_call(
    astra: GatewayClient, given: dict[str, Any], field: str
) -> None:
    body = await astra.post(
        UPDATE_API_KEY, {"input": {"id": api_key_id(sd.BRUCE, CI_TOKEN)} | given}
    )

    assert_bad_input(body, field)
    assert astra.simulator("astra").log.entries == []


async def test_revoke_api_key_deletes_the_token(astra: GatewayClient) -> None:
    key = api_key_id(sd.BRUCE, CI_TOKEN)
    sim = astra.simulator("astra")

    payload = await astra.data(REVOKE_API_KEY, {"id": key})

    assert payload["revokeApiKey"] == {"revokedId": key, "apiKey": None}
    assert sim.log.count("DELETE", f"{ACCOUNT}/core/v1/users/{sd.BRUCE}/tokens/{CI_TOKEN}") == 1
    assert key not in {k["id"] for k in (await people(astra))["apiKeys"]}
    assert sd.TOKENS["owner-ci"] not in sim.state.token_secrets  # it no longer authenticates


# -- inviteMember / cancelInvitation ------------------------------------------------------


async def test_invite_member_creates_a_pending_user_with_a_role_binding(
    astra: GatewayClient,
) -> None:
    org = await people(astra)
    sim = astra.simulator("astra")

    payload = await astra.data(
        INVITE_MEMBER,
        {"input": {"organizationId": org["id"], "email": "alfred@wayne.example", "role": "ADMIN"}},
    )

    invitation = payload["inviteMember"]["invitation"]
    assert (invitation["email"], invitation["role"], invitation["vendorRole"]) == (
        "alfred@wayne.example",
        "ADMIN",
        "admin",
    )
    assert sim.log.count("POST", f"{ACCOUNT}/core/v1/users") == 1
    assert sim.log.count("POST", f"{ACCOUNT}/core/v1/roleBindings") == 1
    later = await people(astra)
    assert invitation in later["invitations"]
    member = next(m for m in later["members"] if m["nativeId"] == invitation["nativeId"])
    assert member["role"] == "ADMIN"


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        ({"email": "alfred"}, "input.email", ["email address"]),
        ({"email": "alfred@wayne"}, "input.email", ["email address"]),
        ({"role": "DEVELOPER"}, "input.role", ["DEVELOPER", "OWNER, ADMIN, MEMBER, VIEWER"]),
    ],
    ids=["no-at", "no-domain", "developer"],
)
async def test_invite_member_checks_email_and_role_before_any_call(
    astra: GatewayClient, given: dict[str, Any], field: str, words: list[str]
) -> None:
    org = await people(astra)
    base = {"organizationId": org["id"], "email": "alfred@wayne.example", "role": "VIEWER"}

    body = await astra.post(INVITE_MEMBER, {"input": base | given})

    assert_bad_input(body, field, *words)
    assert upstream_writes(astra.simulator("astra")) == 0


async def test_inviting_an_existing_user_is_astras_conflict(astra: GatewayClient) -> None:
    org = await people(astra)

    body = await astra.post(
        INVITE_MEMBER,
        {
            "input": {
                "organizationId": org["id"],
                "email": "lucius.fox@wayne-enterprises.example",
                "role": "VIEWER",
            }
        },
    )

    assert error_codes(body) == ["CONFLICT"]
    error = body["errors"][0]
    assert "User already exists" in error["message"]
    assert error["extensions"]["vendorCode"] == "19"


async def test_an_invitation_whose_role_binding_fails_leaves_no_user_behind() -> None:
    sim = AstraSimulator()
    sim.faults.add(503, path=r".*/core/v1/roleBindings", method="POST")
    invite = {"email": "alfred@wayne.example", "role": "MEMBER"}
    async with astra_gateway(sim) as gw:
        org = await people(gw)
        failed = await gw.post(INVITE_MEMBER, {"input": {"organizationId": org["id"]} | invite})
        retried = await gw.post(INVITE_MEMBER, {"input": {"organizationId": org["id"]} | invite})

    assert error_codes(failed) == ["UPSTREAM_UNAVAILABLE"]
    assert "errors" not in retried
    assert retried["data"]["inviteMember"]["invitation"]["role"] == "MEMBER"
    assert sim.log.count("DELETE", f"{ACCOUNT}/core/v1/users/.*") == 1


async def test_cancel_invitation_deletes_the_pending_user(astra: GatewayClient) -> None:
    invitation = invitation_id(sd.DICK)

    payload = await astra.data(CANCEL_INVITATION, {"id": invitation})

    assert payload["cancelInvitation"]["cancelledId"] == invitation
    assert astra.simulator("astra").log.count("DELETE", f"{ACCOUNT}/core/v1/users/{sd.DICK}") == 1
    later = await people(astra)
    assert sd.DICK not in {i["nativeId"] for i in later["invitations"]}
    assert sd.DICK not in {m["nativeId"] for m in later["members"]}


async def test_an_accepted_invitation_cannot_be_cancelled(astra: GatewayClient) -> None:
    body = await astra.post(CANCEL_INVITATION, {"id": invitation_id(sd.LUCIUS)})

    assert error_codes(body) == ["CONFLICT"]
    assert "active, no longer an invitation" in body["errors"][0]["message"]
    assert upstream_writes(astra.simulator("astra")) == 0


# -- updateMemberRole / removeMember ------------------------------------------------------


async def test_update_member_role_replaces_the_role_binding(astra: GatewayClient) -> None:
    barbara_binding = "b1d00000-0000-4000-8000-000000000003"

    payload = await astra.data(UPDATE_MEMBER_ROLE, {"id": member_id(sd.BARBARA), "role": "ADMIN"})

    member = payload["updateMemberRole"]["member"]
    assert (member["role"], member["vendorRole"]) == ("ADMIN", "admin")
    sim = astra.simulator("astra")
    assert sim.log.count("PUT", f"{ACCOUNT}/core/v1/roleBindings/{barbara_binding}") == 1
    assert sim.state.role_bindings[barbara_binding]["roleConstraints"] == ["*"]
    roles = {m["nativeId"]: m["role"] for m in (await people(astra))["members"]}
    assert roles[sd.BARBARA] == "ADMIN"


async def test_a_member_without_a_binding_gets_one() -> None:
    sim = AstraSimulator(seed=False)
    alfred = sim.add_user("Alfred", "Pennyworth", "alfred@wayne.example")["id"]
    async with astra_gateway(sim) as gw:
        payload = await gw.data(UPDATE_MEMBER_ROLE, {"id": member_id(alfred), "role": "VIEWER"})

    assert payload["updateMemberRole"]["member"]["role"] == "VIEWER"
    assert sim.log.count("POST", f"{ACCOUNT}/core/v1/roleBindings") == 1


@pytest.mark.parametrize("role", ["DEVELOPER", "UNKNOWN"])
async def test_a_role_astra_cannot_express_is_refused_before_any_call(
    astra: GatewayClient, role: str
) -> None:
    body = await astra.post(UPDATE_MEMBER_ROLE, {"id": member_id(sd.BARBARA), "role": role})

    assert_bad_input(body, "input.role", "OWNER, ADMIN, MEMBER, VIEWER")
    assert astra.simulator("astra").log.entries == []


async def test_remove_member_deletes_the_user_with_its_tokens(astra: GatewayClient) -> None:
    payload = await astra.data(REMOVE_MEMBER, {"id": member_id(sd.BARBARA)})

    assert payload["removeMember"]["removedId"] == member_id(sd.BARBARA)
    later = await people(astra)
    assert sd.BARBARA not in {m["nativeId"] for m in later["members"]}
    assert sd.BARBARA not in {k["owner"]["nativeId"] for k in later["apiKeys"]}


async def test_removing_yourself_is_refused_by_astra(astra: GatewayClient) -> None:
    body = await astra.post(REMOVE_MEMBER, {"id": member_id(sd.BRUCE)})

    assert error_codes(body) == ["FORBIDDEN"]
    assert "Users can't delete themselves." in body["errors"][0]["message"]
