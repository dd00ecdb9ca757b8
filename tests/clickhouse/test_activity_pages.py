"""ClickHouse reads activities by date range: a page after a cursor asks only for what
is no newer than the cursor's item (``to_date``), still one call."""

from __future__ import annotations

from urllib.parse import parse_qs

from tests.contract.support import demo_gateway

PAGE = """
query($id: ID!, $after: String, $to: DateTime) { organization(id: $id) {
  activitiesConnection(first: 2, after: $after, to: $to) {
    pageInfo { hasNextPage endCursor } nodes { id createdAt } } } }
"""
ACTIVITIES = r"/v1/organizations/[^/]+/activities"


async def test_a_page_after_a_cursor_asks_only_up_to_the_cursors_time() -> None:
    async with demo_gateway("clickhouse") as gw:
        orgs = await gw.data("{ organizationsConnection { nodes { id } } }")
        org = orgs["organizationsConnection"]["nodes"][0]["id"]
        log = gw.simulator("clickhouse").log
        everything = await gw.data(PAGE.replace("first: 2", "first: 200"), {"id": org})
        first = await gw.data(PAGE, {"id": org})
        gw.expire_cache()
        log.clear()
        page = first["organization"]["activitiesConnection"]
        second = await gw.data(PAGE, {"id": org, "after": page["pageInfo"]["endCursor"]})
        asked = log.matching("GET", ACTIVITIES)
        gw.expire_cache()
        log.clear()
        await gw.data(
            PAGE,
            {"id": org, "after": page["pageInfo"]["endCursor"], "to": "2000-01-01T00:00:00+00:00"},
        )
        earlier = log.matching("GET", ACTIVITIES)

    ordered = [n["id"] for n in everything["organization"]["activitiesConnection"]["nodes"]]
    seen = [n["id"] for n in page["nodes"]]
    seen += [n["id"] for n in second["organization"]["activitiesConnection"]["nodes"]]
    assert len(ordered) > 4
    assert seen == ordered[:4]
    (call,) = asked
    cursor_time = page["nodes"][-1]["createdAt"]
    assert parse_qs(call.query)["to_date"][0][:19] == cursor_time[:19]
    (call,) = earlier  # the caller's own bound is earlier: it stays
    assert parse_qs(call.query)["to_date"][0].startswith("2000-01-01")
