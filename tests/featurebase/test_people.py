"""FeatureBase people beyond the normalized model (issue 21 item 8), end to end: one role
by name, one user's keys, a user created and changed, an invite accepted. Bad input is
refused before any upstream call; the vendor's refusals keep their codes; only admins of
the gateway write."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.featurebase.sim.seed_data import MILTON, ORG_ID, PETER, SAMIR
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from tests.auth_fixtures import ADMIN, OPERATOR, VIEWER, answer, token_table
from tests.featurebase.conftest import KEY_TOML, gateway_over
from tests.featurebase.helpers import (
    VIEWER_ENV,
    VIEWER_TOML,
    gid,
    member_gid,
    org_gid,
    upstream_writes,
)
from tests.gateway_client import GatewayClient, error_codes

PENDING_INVITE = "1a000000-0000-4000-8000-000000000002"  # joanna@chotchkies.example

ROLE = """query($name: String!) { organizations { featurebase {
  role(name: $name) { name acl } } } }"""
USER_KEYS = """query($id: ID!) { node(id: $id) { ... on Member { featurebase {
  apiKeys { id nativeId name state vendorState lastUsedAt } } } } }"""
CREATE_USER = """mutation($input: CreateFeatureBaseUserInput!) {
  createFeatureBaseUser(input: $input) { member { id nativeId name role featurebase {
    firstName lastName status } } } }"""
UPDATE_USER = """mutation($input: UpdateFeatureBaseUserInput!) {
  updateFeatureBaseUser(input: $input) { member { name state vendorState featurebase {
    firstName acl status } } } }"""
ACCEPT = """mutation($id: ID!) { acceptFeatureBaseInvitation(input: {id: $id}) {
  invite { nativeId email acceptedAt } } }"""
INVITES = """{ organizations { invitations { nativeId }
  featurebase { acceptedInvitations { nativeId } } } }"""


# -- reads -----------------------------------------------------------------------------


async def test_one_role_is_read_by_name(fb_key: GatewayClient, sim: FeatureBaseSimulator) -> None:
    sim.log.clear()

    found = await fb_key.data(ROLE, {"name": "Database Admin"})
    missing = await fb_key.data(ROLE, {"name": "Janitor"})

    assert found["organizations"][0]["featurebase"]["role"] == {
        "name": "Database Admin",
        "acl": ["MANAGE_DATABASE:*"],
    }
    assert missing["organizations"][0]["featurebase"]["role"] is None
    assert sim.log.count("GET", "/v2/roles/Database Admin") == 1
    assert sim.log.count("GET", "/v2/roles") == 0  # not the whole list


async def test_a_users_keys_are_its_own_list(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    sim.log.clear()

    data = await fb_key.data(USER_KEYS, {"id": member_gid(PETER)})

    keys = data["node"]["featurebase"]["apiKeys"]
    assert {k["name"]: k["state"] for k in keys} == {
        "gateway demo key": "ENABLED",
        "old laptop": "REVOKED",
    }
    assert keys[0]["id"] == gid("ApiKey", ORG_ID, keys[0]["nativeId"])
    assert sim.log.count("GET", f"/v2/users/{PETER}/keys") == 1
    assert "secret" not in str(data)


# -- users -----------------------------------------------------------------------------


async def test_a_user_is_created_with_the_seeds_body(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(
        CREATE_USER,
        {"input": {"organizationId": org_gid(), "firstName": "Joanna", "lastName": "Doe"}},
    )

    member = data["createFeatureBaseUser"]["member"]
    assert member["name"] == "Joanna Doe"
    assert member["featurebase"]["firstName"] == "Joanna"
    assert member["nativeId"] in sim.state.users
    # only the seed's body was sent: the simulator made up the login name itself
    assert sim.state.users[member["nativeId"]]["username"] == "joanna.doe@initech.example"
    assert sim.log.count("POST", "/v2/users") == 1


async def test_a_user_is_renamed_given_permissions_and_deactivated(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    samir = member_gid(SAMIR)

    renamed = await fb_key.data(UPDATE_USER, {"input": {"id": samir, "firstName": "Sam"}})
    acl = await fb_key.data(UPDATE_USER, {"input": {"id": samir, "acl": ["VIEW_ORG:*"]}})
    off = await fb_key.data(UPDATE_USER, {"input": {"id": samir, "status": "Inactive"}})

    assert renamed["updateFeatureBaseUser"]["member"]["name"] == "Sam Nagheenanajar"
    assert acl["updateFeatureBaseUser"]["member"]["featurebase"]["acl"] == ["VIEW_ORG:*"]
    assert off["updateFeatureBaseUser"]["member"]["state"] == "DISABLED"
    assert off["updateFeatureBaseUser"]["member"]["vendorState"] == "Inactive"
    assert sim.log.count("PATCH", f"/v2/users/{SAMIR}") == 3


@pytest.mark.parametrize(
    ("document", "input", "field"),
    [
        (CREATE_USER, {"firstName": " ", "lastName": "Doe"}, "input.firstName"),
        (CREATE_USER, {"firstName": "Jo", "lastName": "x" * 101}, "input.lastName"),
        (UPDATE_USER, {}, "input"),
        (UPDATE_USER, {"acl": ["A", " "]}, "input.acl"),
        (UPDATE_USER, {"status": "Not Active"}, "input.status"),
    ],
)
async def test_bad_user_input_is_refused_before_any_call(
    fb_key: GatewayClient,
    sim: FeatureBaseSimulator,
    document: str,
    input: dict[str, Any],
    field: str,
) -> None:
    target = {"organizationId": org_gid()} if document is CREATE_USER else {"id": member_gid(SAMIR)}
    sim.log.clear()

    body = await fb_key.post(document, {"input": {**target, **input}})

    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["field"] == field
    assert sim.log.count() == 0


async def test_a_viewer_key_changing_another_user_is_the_vendors_forbidden(
    sim: FeatureBaseSimulator,
) -> None:
    async with gateway_over(sim, VIEWER_TOML, VIEWER_ENV) as gw:
        body = await gw.post(
            UPDATE_USER, {"input": {"id": member_gid(SAMIR, "fb-viewer"), "firstName": "S"}}
        )

    assert error_codes(body) == ["FORBIDDEN"]
    assert sim.log.count("PATCH", f"/v2/users/{SAMIR}") == 1
    assert sim.state.users[SAMIR]["firstname"] == "Samir"


async def test_a_user_of_another_org_names_nothing_and_costs_no_write(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    forged = gid("Member", "0e9a0000-0000-4000-8000-0000000000ff", SAMIR)

    body = await fb_key.post(UPDATE_USER, {"input": {"id": forged, "firstName": "S"}})

    assert error_codes(body) == ["NOT_FOUND"]
    assert upstream_writes(sim) == 0


# -- invites ---------------------------------------------------------------------------


async def test_an_invite_is_accepted_and_becomes_history(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    invite = gid("Invitation", ORG_ID, PENDING_INVITE)

    data = await fb_key.data(ACCEPT, {"id": invite})
    (org,) = (await fb_key.data(INVITES))["organizations"]

    accepted = data["acceptFeatureBaseInvitation"]["invite"]
    assert accepted["email"] == "joanna@chotchkies.example" and accepted["acceptedAt"]
    assert PENDING_INVITE not in {i["nativeId"] for i in org["invitations"]}
    assert PENDING_INVITE in {i["nativeId"] for i in org["featurebase"]["acceptedInvitations"]}
    assert sim.log.count("PATCH", f"/v2/invites/{PENDING_INVITE}") == 1


# -- who may ---------------------------------------------------------------------------

SECURED = (
    KEY_TOML
    + token_table("dashboard", VIEWER, "viewer")
    + token_table("ops", OPERATOR, "operator")
    + token_table("root", ADMIN, "admin")
)


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (CREATE_USER, {"input": {"organizationId": org_gid(), "firstName": "A", "lastName": "B"}}),
        (UPDATE_USER, {"input": {"id": member_gid(MILTON), "firstName": "M"}}),
        (ACCEPT, {"id": gid("Invitation", ORG_ID, PENDING_INVITE)}),
    ],
)
async def test_only_admins_write(
    sim: FeatureBaseSimulator, document: str, variables: dict[str, Any]
) -> None:
    async with gateway_over(sim, SECURED) as gw:
        for token in (VIEWER, OPERATOR):
            body = await answer(gw, token, document, variables)
            assert error_codes(body) == ["FORBIDDEN"], body
        assert upstream_writes(sim) == 0
        done = await answer(gw, ADMIN, document, variables)
    assert "errors" not in done, done
    assert upstream_writes(sim) == 1
