"""A page of databases makes its cursors and nodes only when they are selected
(``DatabaseConnection.window``); each still says what it always said."""

from __future__ import annotations

from tests.gateway_client import GatewayClient

PAGE = """
query($after: String) {
  databases(first: 4, after: $after) {
    edges { cursor node { id name } }
    nodes { id name }
    pageInfo { startCursor endCursor hasNextPage }
  }
}
"""


async def test_edges_nodes_and_page_info_agree(demo: GatewayClient) -> None:
    page = (await demo.data(PAGE, {"after": None}))["databases"]
    edges = page["edges"]
    assert len(edges) == 4
    assert [e["node"] for e in edges] == page["nodes"]
    assert page["pageInfo"]["startCursor"] == edges[0]["cursor"]
    assert page["pageInfo"]["endCursor"] == edges[-1]["cursor"]
    assert len({e["cursor"] for e in edges}) == 4

    after = (await demo.data(PAGE, {"after": edges[1]["cursor"]}))["databases"]
    assert [e["node"]["id"] for e in after["edges"][:2]] == [e["node"]["id"] for e in edges[2:]]
    assert after["edges"][0]["cursor"] == edges[2]["cursor"]
