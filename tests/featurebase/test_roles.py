"""FeatureBase role writes (issue 21 item 8) end to end: created, changed, deleted with
the calls the seed documents; blank names and empty permission lists refused first."""

from __future__ import annotations

import pytest

from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from tests.gateway_client import GatewayClient, error_codes

ORG = '{ organizations(connection: "fb-login") { id featurebase { roles { name acl } } } }'
CREATE = """mutation($input: FeatureBaseRoleInput!) {
  createFeatureBaseRole(input: $input) { role { name acl } } }"""
UPDATE = """mutation($input: FeatureBaseRoleInput!) {
  updateFeatureBaseRole(input: $input) { role { name acl } } }"""
DELETE = """mutation($input: DeleteFeatureBaseRoleInput!) {
  deleteFeatureBaseRole(input: $input) { role { name } } }"""


async def test_a_role_is_created_changed_and_deleted(fb_login: GatewayClient) -> None:
    (org,) = (await fb_login.data(ORG))["organizations"]
    role = {"organizationId": org["id"], "name": "Analyst"}

    made = await fb_login.data(CREATE, {"input": role | {"acl": ["READ_DB:*"]}})
    changed = await fb_login.data(UPDATE, {"input": role | {"acl": ["READ_DB:*", "QUERY:*"]}})
    gone = await fb_login.data(DELETE, {"input": role})

    assert made["createFeatureBaseRole"]["role"] == {"name": "Analyst", "acl": ["READ_DB:*"]}
    assert changed["updateFeatureBaseRole"]["role"]["acl"] == ["READ_DB:*", "QUERY:*"]
    assert gone["deleteFeatureBaseRole"]["role"] is None
    names = {
        r["name"] for r in (await fb_login.data(ORG))["organizations"][0]["featurebase"]["roles"]
    }
    assert "Analyst" not in names


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": " ", "acl": ["A"]}, "input.name"), ({"name": "R", "acl": []}, "input.acl")],
)
async def test_a_blank_name_or_no_permission_is_refused_first(
    fb_login: GatewayClient, sim: FeatureBaseSimulator, change: dict[str, object], field: str
) -> None:
    (org,) = (await fb_login.data(ORG))["organizations"]
    sim.log.clear()

    body = await fb_login.post(CREATE, {"input": {"organizationId": org["id"], **change}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert sim.log.count("POST", "/v2/roles") == 0
