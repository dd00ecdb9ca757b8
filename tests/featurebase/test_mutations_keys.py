"""FeatureBase API key mutations over GraphQL: create (secret once), update, revoke.

The docs: "Keys can only be created by their owners, they can be revoked by org
administrators and by their owners, however they cannot be deleted. Once a key is revoked,
it cannot be unrevoked. Keys will never expire."
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from adapters.featurebase.sim.seed_data import ORG_ID, PETER, SAMIR
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from tests.featurebase.conftest import LOGIN_TOML, FakeClock, gateway_over
from tests.featurebase.helpers import (
    REVOKED_KEY_ID,
    SAMIR_KEY_ID,
    gid,
    key_gid,
    member_gid,
    only_error,
    org_gid,
    upstream_writes,
)
from tests.gateway_client import GatewayClient

CREATE = """
mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    apiKey { id nativeId name state vendorState expiresAt raw owner { name } }
    secret replayed
  }
}
"""

UPDATE = """
mutation($input: UpdateApiKeyInput!) {
  updateApiKey(input: $input) { apiKey { id name state vendorState } }
}
"""

REVOKE = """
mutation($id: ID!) {
  revokeApiKey(input: {id: $id}) { revokedId apiKey { id name state vendorState } }
}
"""

KEYS = "{ organizations { apiKeys { id name state raw } } }"
KEY = "query($id: ID!) { node(id: $id) { ... on ApiKey { name state vendorState raw } } }"


def _create_input(**fields: Any) -> dict[str, Any]:
    return {"organizationId": org_gid(), "name": "deploy bot"} | fields


async def _keys(gw: GatewayClient) -> dict[str, dict[str, Any]]:
    (org,) = (await gw.data(KEYS))["organizations"]
    return {k["id"]: k for k in org["apiKeys"]}


async def _authenticates(sim: FeatureBaseSimulator, secret: str) -> bool:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url="https://api.featurebase.com"
    ) as client:
        response = await client.get("/v2/users/current", headers={"X-API-Key": secret})
    return response.status_code == 200


# -- createApiKey ------------------------------------------------------------------------


async def test_create_shows_the_secret_once_and_never_again(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(CREATE, {"input": _create_input()})

    created = data["createApiKey"]
    key, secret = created["apiKey"], created["secret"]
    assert (key["name"], key["state"], key["vendorState"]) == ("deploy bot", "ENABLED", "ACTIVE")
    assert key["owner"] == {"name": "Peter Gibbons"}  # the caller: the key's owner
    assert key["expiresAt"] is None
    assert secret and secret not in str(key["raw"])
    assert await _authenticates(sim, secret)
    # later reads: the list and the node lookup have the key, never its secret
    listed = (await _keys(fb_key))[key["id"]]
    found = (await fb_key.data(KEY, {"id": key["id"]}))["node"]
    assert listed["name"] == found["name"] == "deploy bot"
    assert secret not in str(listed) + str(found)
    assert sim.log.count("POST", f"/v2/users/{PETER}/keys") == 1


async def test_the_secret_is_in_no_log_line(
    fb_key: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    secret = (await fb_key.data(CREATE, {"input": _create_input()}))["createApiKey"]["secret"]

    assert secret and caplog.records  # the upstream calls were logged, without it
    assert secret not in caplog.text


async def test_an_owner_may_be_named_when_it_is_the_caller(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    await fb_key.data("{ organizations { id } }")  # the adapter learns its user's org
    sim.log.clear()

    data = await fb_key.data(CREATE, {"input": _create_input(ownerId=member_gid(PETER))})

    assert data["createApiKey"]["apiKey"]["owner"] == {"name": "Peter Gibbons"}
    assert sim.log.count("GET", "/v2/users/current") == 0  # the owner was given


async def test_a_key_for_another_user_is_the_vendors_forbidden(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    body = await fb_key.post(CREATE, {"input": _create_input(ownerId=member_gid(SAMIR))})

    error = only_error(body)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "Keys can only be created by their owners." in error["message"]
    assert sim.log.count("POST", f"/v2/users/{SAMIR}/keys") == 1


async def test_a_login_creates_keys_for_its_own_user(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock)
    async with gateway_over(sim, LOGIN_TOML) as gw:
        data = await gw.data(CREATE, {"input": _create_input(organizationId=org_gid("fb-login"))})

    assert data["createApiKey"]["apiKey"]["owner"] == {"name": "Peter Gibbons"}
    assert sim.identity_log.count("POST", "/") == 1


async def test_a_replayed_create_repeats_the_key_but_not_its_secret(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    given = {"input": _create_input(idempotencyKey="key-once")}

    first = (await fb_key.data(CREATE, given))["createApiKey"]
    again = (await fb_key.data(CREATE, given))["createApiKey"]

    assert first["secret"] and again["secret"] is None
    assert (again["replayed"], again["apiKey"]["id"]) == (True, first["apiKey"]["id"])
    assert sim.log.count("POST", f"/v2/users/{PETER}/keys") == 1


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"expiresAt": "2027-01-01T00:00:00+00:00"}, "input.expiresAt", "never expire"),
        ({"role": "VIEWER"}, "input.role", "no role"),
        ({"ownerId": gid("Member", "another-org", PETER)}, "input.ownerId", "names no member"),
    ],
)
async def test_create_input_the_docs_rule_out_is_refused_before_any_call(
    fb_key: GatewayClient,
    sim: FeatureBaseSimulator,
    fields: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    body = await fb_key.post(CREATE, {"input": _create_input(**fields)})

    error = only_error(body)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    assert problem in error["message"]
    assert upstream_writes(sim) == 0


# -- updateApiKey ------------------------------------------------------------------------


async def test_update_renames_a_key_of_another_user_as_org_owner(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    key = key_gid(SAMIR_KEY_ID)

    data = await fb_key.data(UPDATE, {"input": {"id": key, "name": "ci (renamed)"}})
    later = (await fb_key.data(KEY, {"id": key}))["node"]

    assert data["updateApiKey"]["apiKey"] == {
        "id": key,
        "name": "ci (renamed)",
        "state": "ENABLED",
        "vendorState": "ACTIVE",
    }
    assert later["name"] == "ci (renamed)"
    # the path names the owner, found in the org's key list
    assert sim.log.count("PATCH", f"/v2/users/{SAMIR}/keys/{SAMIR_KEY_ID}") == 1


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"state": "DISABLED"}, "input.state", "ENABLED, REVOKED"),
        ({"expiresAt": "2027-01-01T00:00:00+00:00"}, "input.expiresAt", "never expire"),
        ({"role": "ADMIN"}, "input.role", "no role"),
        ({}, "input.name", "nothing to change"),
    ],
)
async def test_update_input_the_docs_rule_out_is_refused_before_any_call(
    fb_key: GatewayClient,
    sim: FeatureBaseSimulator,
    fields: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    body = await fb_key.post(UPDATE, {"input": {"id": key_gid(SAMIR_KEY_ID), **fields}})

    error = only_error(body)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    assert problem in error["message"]
    assert len(sim.log.entries) == 0  # not even the owner lookup


async def test_re_enabling_a_revoked_key_is_the_vendors_conflict(fb_key: GatewayClient) -> None:
    body = await fb_key.post(UPDATE, {"input": {"id": key_gid(REVOKED_KEY_ID), "state": "ENABLED"}})

    error = only_error(body)
    assert error["extensions"]["code"] == "CONFLICT"
    assert "A revoked key cannot be unrevoked." in error["message"]


async def test_an_unknown_key_is_not_found_without_a_write(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    body = await fb_key.post(REVOKE, {"id": key_gid("ae000000-0000-4000-8000-000000000099")})

    assert only_error(body)["extensions"]["code"] == "NOT_FOUND"
    assert upstream_writes(sim) == 0


# -- revokeApiKey ------------------------------------------------------------------------


async def test_revoke_answers_the_key_revoked_and_its_secret_stops_working(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    created = (await fb_key.data(CREATE, {"input": _create_input()}))["createApiKey"]
    key = created["apiKey"]["id"]

    revoked = (await fb_key.data(REVOKE, {"id": key}))["revokeApiKey"]
    later = (await fb_key.data(KEY, {"id": key}))["node"]

    assert revoked["revokedId"] == key
    assert (revoked["apiKey"]["state"], revoked["apiKey"]["vendorState"]) == (
        "REVOKED",
        "REVOKED",
    )
    assert later["state"] == "REVOKED"  # revoked keys stay: "they cannot be deleted"
    assert not await _authenticates(sim, created["secret"])
    assert sim.state.keys[created["apiKey"]["nativeId"]]["org_id"] == ORG_ID
