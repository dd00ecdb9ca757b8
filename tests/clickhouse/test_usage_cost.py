"""Organization.usageCost: ClickHouse Cloud's billing report (2026-06 spec), one call with
the window and the tag filters pushed down; other vendors answer null at no call."""

from __future__ import annotations

import json

import httpx
import pytest
from jsonschema import Draft202012Validator

from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from tests.clickhouse.current_spec import CURRENT_SPEC
from tests.clickhouse.test_current_spec_simulator import _closed
from tests.clickhouse.test_simulator import ACME_ORG, client
from tests.clickhouse.writes import at_now
from tests.gateway_client import GatewayClient, error_codes

USAGE = r"/v1/organizations/[0-9a-f-]{36}/usageCost"
QUERY = """
query($from: Date!, $to: Date!, $filter: UsageCostFilter) {
  organizations(connection: "ch-acme") {
    usageCost(from: $from, to: $to, filter: $filter) {
      unit grandTotal entries { date entityType entityName total metrics locked } } } }
"""


async def test_daily_costs_per_service_come_in_one_call(clickhouse: GatewayClient) -> None:
    gw = await at_now(clickhouse)
    sim = gw.simulator("clickhouse")

    data = await gw.data(QUERY, {"from": "2026-11-01", "to": "2026-11-03"})

    report = data["organizations"][0]["usageCost"]
    assert report["unit"] == "CHC"
    entries = report["entries"]
    assert {e["date"] for e in entries} == {"2026-11-01", "2026-11-02", "2026-11-03"}
    assert {e["entityType"] for e in entries} == {"service"}
    assert "Acme Production" in {e["entityName"] for e in entries}
    assert report["grandTotal"] == pytest.approx(sum(e["total"] for e in entries), abs=0.05)
    assert all("computeCHC" in e["metrics"] and e["locked"] for e in entries)
    (sent,) = sim.log.matching("GET", USAGE)
    assert "from_date=2026-11-01" in sent.query and "to_date=2026-11-03" in sent.query


async def test_a_tag_filter_is_pushed_down(clickhouse: GatewayClient) -> None:
    sim = clickhouse.simulator("clickhouse")
    tags = {"tags": [{"key": "Environment", "value": "Production"}]}

    data = await clickhouse.data(QUERY, {"from": "2026-11-01", "to": "2026-11-01", "filter": tags})

    names = {e["entityName"] for e in data["organizations"][0]["usageCost"]["entries"]}
    tagged = {
        s["name"]
        for org in sim.state.organizations.values()
        if org.organization["name"] == "Acme Analytics"
        for s in org.services.values()
        if org.service_tags[s["id"]].get("Environment") == "Production"
        and s["createdAt"][:10] <= "2026-11-01"
    }
    assert names == tagged and "Acme Production" in names and "Acme Staging" not in names
    (sent,) = sim.log.matching("GET", USAGE)
    assert "filter=tag%3AEnvironment%3DProduction" in sent.query


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"from": "2026-11-10", "to": "2026-11-01"}, "to: must not be before from"),
        ({"from": "2026-10-01", "to": "2026-11-01"}, "to: must be at most 30 days"),
        (
            {"from": "2026-11-01", "to": "2026-11-01", "filter": {"tags": [{"key": "a b"}]}},
            "filter.tags.key",
        ),
    ],
)
async def test_the_specs_rules_are_checked_before_the_call(
    clickhouse: GatewayClient, variables: dict[str, object], problem: str
) -> None:
    sim = clickhouse.simulator("clickhouse")

    body = await clickhouse.post(QUERY, variables)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert problem in body["errors"][0]["message"]
    assert sim.log.count("GET", USAGE) == 0


async def test_a_vendor_without_billing_answers_null_at_no_call(demo: GatewayClient) -> None:
    query = """{ organizations(vendor: DBAAS) { usageCost(from: "2026-11-01", to: "2026-11-02") {
        grandTotal } } }"""
    sim = demo.simulator("dbaas")
    sim.log.clear()

    data = await demo.data(query)

    assert [o["usageCost"] for o in data["organizations"]] == [None]
    assert sim.log.entries == []


async def test_the_simulators_report_is_the_specs_shape() -> None:
    spec = json.loads(CURRENT_SPEC.read_text())
    answer = spec["paths"]["/v1/organizations/{organizationId}/usageCost"]["get"]["responses"]
    schema = _closed(answer["200"]["content"]["application/json"]["schema"])
    schema["components"] = _closed(spec["components"])
    async with client(ClickHouseSimulator()) as http:
        response: httpx.Response = await http.get(
            f"{ACME_ORG}/usageCost",
            params=[
                ("from_date", "2026-11-01"),
                ("to_date", "2026-11-02"),
                ("filter", "tag:Environment"),
            ],
        )
    assert response.status_code == 200, response.text
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(response.json())]
    assert not errors
    assert response.json()["result"]["costs"]
