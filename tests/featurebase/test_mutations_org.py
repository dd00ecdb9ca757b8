"""FeatureBase org mutations over GraphQL: invites, member roles, the org itself, and the
mutations a connection lists (what it lacks is the contract suite's)."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.featurebase.sim.seed_data import MILTON, ORG_ID
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from tests.featurebase.conftest import FakeClock, gateway_over
from tests.featurebase.helpers import (
    VIEWER_ENV,
    VIEWER_TOML,
    member_gid,
    only_error,
    org_gid,
    upstream_writes,
)
from tests.gateway_client import GatewayClient

INVITE = """
mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) {
    invitation { id nativeId email role vendorRole expiresAt organization { name } }
    replayed
  }
}
"""

UPDATE_ROLE = """
mutation($id: ID!, $role: MemberRole!) {
  updateMemberRole(input: {id: $id, role: $role}) {
    member { id name role vendorRole featurebase { roles acl } }
  }
}
"""

UPDATE_ORG = """
mutation($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) { organization { id name featurebase { companyName } } }
}
"""

ORG = """
query($id: ID!) {
  organization(id: $id) {
    name invitations { email } members { nativeId role vendorRole }
  }
}
"""

OPERATIONS = "{ connections { name capabilities { operations } } }"
ORG_NAME = "Initech FeatureBase"


async def _org(gw: GatewayClient) -> dict[str, Any]:
    org: dict[str, Any] = (await gw.data(ORG, {"id": org_gid()}))["organization"]
    return org


def _invite(email: str, role: str = "MEMBER") -> dict[str, Any]:
    return {"input": {"organizationId": org_gid(), "email": email, "role": role}}


# -- inviteMember ------------------------------------------------------------------------


async def test_invite_answers_the_pending_invite_and_a_later_read_lists_it(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(INVITE, _invite("nina@initech.example"))

    invitation = data["inviteMember"]["invitation"]
    assert invitation["email"] == "nina@initech.example"
    # an invite names no role upstream: what it reads back as, like every invite
    assert (invitation["role"], invitation["vendorRole"]) == ("UNKNOWN", None)
    assert invitation["expiresAt"] and invitation["organization"]["name"] == ORG_NAME
    assert "nina@initech.example" in [i["email"] for i in (await _org(fb_key))["invitations"]]
    assert sim.log.count("POST", "/v2/invites") == 1


@pytest.mark.parametrize(
    ("email", "role", "field", "problem"),
    [
        ("nina@initech.example", "OWNER", "input.role", "accepted roles are MEMBER"),
        ("nina@initech.example", "VIEWER", "input.role", "accepted roles are MEMBER"),
        ("nina.initech.example", "MEMBER", "input.email", "not an email address"),
        ("nina@localhost", "MEMBER", "input.email", "not an email address"),
        ("nina @initech.example", "MEMBER", "input.email", "not an email address"),
    ],
)
async def test_invite_input_is_checked_before_any_call(
    fb_key: GatewayClient,
    sim: FeatureBaseSimulator,
    email: str,
    role: str,
    field: str,
    problem: str,
) -> None:
    body = await fb_key.post(INVITE, _invite(email, role))

    error = only_error(body)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    assert problem in error["message"]
    assert upstream_writes(sim) == 0


@pytest.mark.parametrize(
    "email",
    [
        "milton.waddams@initech.example",  # a member already
        "joanna@chotchkies.example",  # invited already (pending)
    ],
)
async def test_inviting_a_member_or_an_invitee_again_is_the_vendors_conflict(
    fb_key: GatewayClient, email: str
) -> None:
    body = await fb_key.post(INVITE, _invite(email))

    error = only_error(body)
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["vendorCode"] == "ResourceAlreadyExists"
    assert f"'{email}' is already a member or invited." in error["message"]


async def test_only_org_owners_may_invite(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock)
    async with gateway_over(sim, VIEWER_TOML, VIEWER_ENV) as gw:
        body = await gw.post(
            INVITE,
            {
                "input": {
                    "organizationId": org_gid("fb-viewer"),
                    "email": "nina@initech.example",
                    "role": "MEMBER",
                }
            },
        )

    assert only_error(body)["extensions"]["code"] == "FORBIDDEN"


# -- updateMemberRole ----------------------------------------------------------------------


async def test_making_a_member_org_owner_adds_the_role_and_keeps_the_others(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(UPDATE_ROLE, {"id": member_gid(MILTON), "role": "OWNER"})

    member = data["updateMemberRole"]["member"]
    assert (member["name"], member["role"], member["vendorRole"]) == (
        "Milton Waddams",
        "OWNER",
        "Org Owner",
    )
    assert member["featurebase"]["roles"] == ["Viewer", "Org Owner"]  # added, not replaced
    assert "MANAGE_ORG:*" in member["featurebase"]["acl"]
    later = {m["nativeId"]: m for m in (await _org(fb_key))["members"]}[MILTON]
    assert (later["role"], later["vendorRole"]) == ("OWNER", "Org Owner")
    assert sim.log.count("POST", f"/v2/users/{MILTON}/roles") == 1


@pytest.mark.parametrize("role", ["ADMIN", "DEVELOPER", "MEMBER", "VIEWER"])
async def test_roles_featurebase_does_not_document_are_refused_before_any_call(
    fb_key: GatewayClient, sim: FeatureBaseSimulator, role: str
) -> None:
    body = await fb_key.post(UPDATE_ROLE, {"id": member_gid(MILTON), "role": role})

    error = only_error(body)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (
        "BAD_USER_INPUT",
        "input.role",
    )
    assert "accepted roles are OWNER" in error["message"]
    assert upstream_writes(sim) == 0


# -- updateOrganization --------------------------------------------------------------------


async def test_rename_the_org_and_a_later_read_agrees(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(UPDATE_ORG, {"input": {"id": org_gid(), "name": "Initech Analytics"}})

    organization = data["updateOrganization"]["organization"]
    assert (organization["name"], organization["featurebase"]["companyName"]) == (
        "Initech Analytics",
        "Initech",
    )
    assert (await _org(fb_key))["name"] == "Initech Analytics"
    assert sim.log.count("PATCH", f"/v2/orgs/{ORG_ID}") == 1


@pytest.mark.parametrize(("name", "problem"), [(None, "nothing to change"), (" ", "empty")])
async def test_org_input_is_checked_before_any_call(
    fb_key: GatewayClient, sim: FeatureBaseSimulator, name: str | None, problem: str
) -> None:
    body = await fb_key.post(UPDATE_ORG, {"input": {"id": org_gid(), "name": name}})

    error = only_error(body)
    assert (error["extensions"]["field"], error["extensions"]["code"]) == (
        "input.name",
        "BAD_USER_INPUT",
    )
    assert problem in error["message"]
    assert upstream_writes(sim) == 0


async def test_only_org_admins_may_rename_the_org(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock)
    async with gateway_over(sim, VIEWER_TOML, VIEWER_ENV) as gw:
        body = await gw.post(UPDATE_ORG, {"input": {"id": org_gid("fb-viewer"), "name": "Mine"}})

    error = only_error(body)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "User does not have the access to perform this action." in error["message"]


# -- what FeatureBase offers --------------------------------------------------------------

DECLARED = {
    "CREATE_DATABASE",
    "UPDATE_DATABASE",
    "START_DATABASE",
    "STOP_DATABASE",
    "DELETE_DATABASE",
    "CREATE_API_KEY",
    "UPDATE_API_KEY",
    "REVOKE_API_KEY",
    "INVITE_MEMBER",
    "UPDATE_MEMBER_ROLE",
    "UPDATE_ORGANIZATION",
}


async def test_the_connection_lists_exactly_the_supported_mutations(
    fb_key: GatewayClient,
) -> None:
    (connection,) = (await fb_key.data(OPERATIONS))["connections"]

    assert connection["name"] == "fb-key"
    assert set(connection["capabilities"]["operations"]) == DECLARED
