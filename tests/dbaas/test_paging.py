"""DBaaS plans page by HAL ``next`` links: a page of the gateway reads only the upstream
pages it needs, totalCount is the server's ``count``, and a cursor whose link leaves the
listing is refused before any call."""

from __future__ import annotations

import base64
import json

from tests.dbaas.conftest import bulk_simulator, gateway_over
from tests.gateway_client import error_codes

PLANS = """
query($first: Int, $after: String, $last: Int) {
  organizationsConnection { nodes { plansConnection(first: $first, after: $after, last: $last) {
    totalCount pageInfo { hasNextPage endCursor } nodes { nativeId } } } }
}
"""


def cursor(link: str, index: int = -1) -> str:
    position = json.dumps([link, index])
    return base64.urlsafe_b64encode(json.dumps(["@", position]).encode()).decode()


async def test_a_page_of_plans_reads_only_the_upstream_pages_it_needs() -> None:
    sim = bulk_simulator(databases=1, plans=250)
    async with gateway_over(sim) as gw:
        first = await gw.data(PLANS, {"first": 100})
        one_page = [p.query for p in sim.log.matching("GET", "/api/plan/")]
        sim.log.clear()
        gw.expire_cache()  # each page counted alone, as on a gateway that cached nothing
        (org,) = first["organizationsConnection"]["nodes"]
        after = org["plansConnection"]["pageInfo"]["endCursor"]
        second = await gw.data(PLANS, {"first": 100, "after": after})
        second_page = [p.query for p in sim.log.matching("GET", "/api/plan/")]
        sim.log.clear()
        gw.expire_cache()
        await gw.data(PLANS, {"last": 1})
        every_page = [p.query for p in sim.log.matching("GET", "/api/plan/")]

    assert one_page == ["page_size=100"]
    assert second_page == ["page=2&page_size=100"]  # not the first page again
    assert every_page == ["page_size=100", "page=2&page_size=100", "page=3&page_size=100"]
    (org,) = second["organizationsConnection"]["nodes"]
    assert org["plansConnection"]["totalCount"] == 250  # the server's count, no more calls
    assert len(org["plansConnection"]["nodes"]) == 100
    assert org["plansConnection"]["pageInfo"]["hasNextPage"] is True


async def test_a_cursor_whose_link_leaves_the_plan_listing_is_refused_without_a_call() -> None:
    sim = bulk_simulator(databases=1, plans=3)
    async with gateway_over(sim) as gw:
        for link in ("http://elsewhere.example/api/database/?page=2", "/api/credential/?page=2"):
            sim.log.clear()
            body = await gw.post(PLANS, {"first": 1, "after": cursor(link)})

            assert error_codes(body) == ["BAD_USER_INPUT"], body
            assert sim.log.count("GET", r"/api/.*") == 0
