"""FeatureBase cursors inside the gateway's: a caller may choose a page of the list it
reads, never another path or host for the connection's credentials."""

from __future__ import annotations

import base64
import json

import pytest

from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from tests.gateway_client import GatewayClient, error_codes

MEMBERS = """
query($after: String) { organizationsConnection { nodes {
  membersConnection(first: 1, after: $after) { nodes { id } } } } }
"""


def cursor(token: str, index: int = -1) -> str:
    position = json.dumps([token, index])
    return base64.urlsafe_b64encode(json.dumps(["@", position]).encode()).decode()


@pytest.mark.parametrize(
    "token",
    [
        "/v2/users/current",  # another path of the same host
        "/v2/databases?next=x",
        "https://elsewhere.example/v2/users",  # another host
    ],
)
async def test_a_cursor_naming_another_path_or_host_is_refused_without_a_call(
    fb: GatewayClient, sim: FeatureBaseSimulator, token: str
) -> None:
    await fb.data("{ organizationsConnection { nodes { id } } }")  # the org is known
    sim.log.clear()

    body = await fb.post(MEMBERS, {"after": cursor(token)})

    assert set(error_codes(body)) == {"BAD_USER_INPUT"}, body
    assert sim.log.count("GET", r"/v2/(users|databases)(/current)?") == 0


async def test_a_token_the_vendor_never_issued_is_its_to_refuse(
    fb: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    body = await fb.post(MEMBERS, {"after": cursor("bm90LWEtdG9rZW4", 0)})

    assert set(error_codes(body)) == {"BAD_USER_INPUT"}, body  # the vendor 400, bad input
    assert sim.log.count("GET", "/v2/users") == len(
        body["data"]["organizationsConnection"]["nodes"]
    )


async def test_the_orgs_roles_page_by_name(fb: GatewayClient) -> None:
    query = """
    query($after: String) { organizationsConnection(first: 1) { nodes { featurebase {
      roles { name }
      rolesConnection(first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { name } } } } } }
    """
    seen: list[str] = []
    after = None
    while True:
        (org,) = (await fb.data(query, {"after": after}))["organizationsConnection"]["nodes"]
        page = org["featurebase"]["rolesConnection"]
        seen += [role["name"] for role in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    names = [role["name"] for role in org["featurebase"]["roles"]]
    assert len(names) > 1
    assert seen == sorted(names, key=str.casefold)
    assert page["totalCount"] == len(names)
