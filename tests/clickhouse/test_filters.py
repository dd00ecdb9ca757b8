"""ClickHouse service tags are filtered by the vendor (``filter=tag:K=V`` and ``tag:K`` on
the services list), in the calls an unfiltered list makes."""

from __future__ import annotations

from urllib.parse import parse_qs

from tests.contract.support import demo_gateway, requests
from tests.gateway_client import error_codes

TAGGED = """
query($tags: [TagFilter!]) {
  databases(first: 200, filter: {tags: $tags}) { totalCount nodes { name } }
}
"""
SERVICES = r"/v1/organizations/[^/]+/services"


async def test_tag_filters_go_to_the_services_list_in_its_own_calls() -> None:
    async with demo_gateway("clickhouse") as gw:
        everything = await gw.data(TAGGED, {"tags": None})
        unfiltered = [r for r in requests(gw, "clickhouse") if r.method == "GET"]
    tags = [{"key": "Environment", "value": "Production"}, {"key": "Environment"}]
    async with demo_gateway("clickhouse") as gw:
        production = await gw.data(TAGGED, {"tags": tags[:1]})
        production_calls = gw.simulator("clickhouse").log.matching("GET", SERVICES)
    async with demo_gateway("clickhouse") as gw:
        any_value = await gw.data(TAGGED, {"tags": tags})
        both = gw.simulator("clickhouse").log.matching("GET", SERVICES)

    # the seed tags three services Production and one Staging, and one Postgres service
    # Production (the Postgres list takes no filter: its items' tags are matched)
    assert production["databases"]["totalCount"] == 4
    assert any_value["databases"]["totalCount"] == 4  # Production and any Environment
    assert everything["databases"]["totalCount"] > 4
    assert {parse_qs(r.query)["filter"][0] for r in production_calls} == {
        "tag:Environment=Production"
    }
    assert {tuple(parse_qs(r.query)["filter"]) for r in both} == {
        ("tag:Environment=Production", "tag:Environment")
    }
    listed = [r for r in unfiltered if r.path.endswith("/services")]
    assert len(production_calls) == len(both) == len(listed)


async def test_any_value_of_a_tag_key_is_the_vendors_tag_key_filter() -> None:
    async with demo_gateway("clickhouse") as gw:
        data = await gw.data(TAGGED, {"tags": [{"key": "Environment"}]})

    # services: three Production, one Staging; a Postgres service: Production
    assert data["databases"]["totalCount"] == 5


async def test_a_tag_key_with_an_equals_sign_is_bad_input_before_any_call() -> None:
    async with demo_gateway("clickhouse") as gw:
        body = await gw.post(TAGGED, {"tags": [{"key": "a=b", "value": "c"}]})
        calls = gw.simulator("clickhouse").log.count("GET", SERVICES)

    assert set(error_codes(body)) == {"BAD_USER_INPUT"}, body
    assert calls == 0
