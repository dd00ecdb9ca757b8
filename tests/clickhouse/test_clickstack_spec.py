"""ClickStack against the 2026-06 spec: the simulator answers each of the 12 operations with
its documented schema (closed to undocumented fields) and refuses bodies the spec refuses;
the adapter's rule tables are the spec's own."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.clickhouse import clickstack_mapping as mapping
from adapters.clickhouse import clickstack_rules as rules
from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.clickstack_details import DISPLAY_TYPES
from tests.clickhouse.test_current_spec_simulator import SPEC, Checked
from tests.clickhouse.test_simulator import PROD, client

SCHEMAS = SPEC["components"]["schemas"]
CS = f"{PROD}/clickstack"
LINE = {
    "displayType": "line",
    "sourceId": "65f5e4a3b9e77c001a111111",
    "select": [{"aggFn": "count"}],
}
DASHBOARD = {
    "name": "Health",
    "tags": ["prod"],
    "tiles": [
        {"name": "Requests", "x": 0, "y": 0, "w": 6, "h": 3, "config": LINE},
        {
            "name": "Notes",
            "x": 6,
            "y": 0,
            "w": 6,
            "h": 3,
            "containerId": "c",
            "tabId": "t",
            "config": {"displayType": "markdown", "markdown": "# hi"},
        },
    ],
    "filters": [
        {
            "type": "QUERY_EXPRESSION",
            "name": "Service",
            "expression": "ServiceName",
            "sourceId": "65f5e4a3b9e77c001a111111",
        }
    ],
    "savedQuery": "x = 1",
    "savedQueryLanguage": "sql",
    "savedFilterValues": [{"type": "sql", "condition": "x IN (1)"}],
    "containers": [
        {"id": "c", "title": "C", "collapsed": False, "tabs": [{"id": "t", "title": "T"}]}
    ],
}


async def test_every_clickstack_operation_answers_with_its_documented_schema() -> None:
    sim = ClickHouseSimulator()
    async with client(sim) as http:
        call = Checked(http)
        made = await call("POST", f"{CS}/dashboards", json=DASHBOARD)
        one = f"{CS}/dashboards/{made['id']}"
        await call("GET", f"{CS}/dashboards")
        await call("GET", one)
        hooks = await call("GET", f"{CS}/webhooks")
        sources = await call("GET", f"{CS}/sources")
        alert = await call(
            "POST",
            f"{CS}/alerts",
            json={
                "source": "tile",
                "dashboardId": made["id"],
                "tileId": made["tiles"][0]["id"],
                "threshold": 1,
                "thresholdType": "above",
                "interval": "5m",
                "channel": {"type": "webhook", "webhookId": hooks[0]["id"]},
                "name": "A",
            },
        )
        await call("GET", f"{CS}/alerts")
        await call("GET", f"{CS}/alerts/{alert['id']}")
        await call(
            "PUT",
            f"{CS}/alerts/{alert['id']}",
            json={"thresholdType": "between", "threshold": 1, "thresholdMax": 2},
        )
        await call("DELETE", f"{CS}/alerts/{alert['id']}")
        await call("PUT", one, json={"name": "Health 2", "tiles": made["tiles"][:1]})
        await call("DELETE", one)
        sim.settle()

    assert {s["kind"] for s in sources} == {"log", "trace", "metric", "session"}
    assert {h["service"] for h in hooks} == {"slack", "generic"}
    documented = {
        (method.upper(), path)
        for path, item in SPEC["paths"].items()
        if "/clickstack" in path
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    assert len(documented) == 12
    assert call.covered == documented


@pytest.mark.parametrize(
    ("method", "path", "body", "text"),
    [
        ("POST", f"{CS}/dashboards", {"name": "x"}, "tiles"),
        ("POST", f"{CS}/dashboards", {"name": "x", "tiles": [], "colour": "red"}, "colour"),
        ("POST", f"{CS}/dashboards", {"name": "x", "tiles": [{"name": "t"}]}, "x"),
        (
            "POST",
            f"{CS}/dashboards",
            {"name": "x", "tiles": [{"name": "t", "x": 0, "y": 0, "w": 1, "h": 1, "tabId": "z"}]},
            "tabId",
        ),
        ("POST", f"{CS}/alerts", {"interval": "2m"}, "interval"),
        (
            "POST",
            f"{CS}/alerts",
            {
                "source": "saved_search",
                "savedSearchId": "s",
                "threshold": 5,
                "thresholdType": "between",
                "thresholdMax": 1,
                "interval": "1h",
                "channel": {"type": "email", "emailRecipients": ["a@b.c"]},
            },
            "thresholdMax",
        ),
    ],
)
async def test_bodies_the_spec_refuses_are_400s(
    method: str, path: str, body: dict[str, Any], text: str
) -> None:
    async with client(ClickHouseSimulator()) as http:
        response = await http.request(method, path, json=body)
    assert response.status_code == 400, response.text
    assert text in response.json()["error"]


def _enum(schema: str, field: str) -> tuple[str, ...]:
    return tuple(v for v in SCHEMAS[schema]["properties"][field]["enum"] if v is not None)


def test_the_adapters_rules_are_the_specs() -> None:
    assert _enum("ClickStackCreateAlertRequest", "interval") == rules.INTERVALS
    assert set(rules.INTERVAL_MINUTES) == set(rules.INTERVALS)
    assert _enum("ClickStackCreateAlertRequest", "source") == rules.SOURCES
    assert _enum("ClickStackCreateAlertRequest", "thresholdType") == rules.THRESHOLD_TYPES
    assert _enum("ClickStackAlertChannelEmail", "type") == rules.CHANNEL_TYPES
    assert _enum("ClickStackAlertChannelWebhook", "severity") == rules.SEVERITIES
    assert _enum("ClickStackCreateDashboardRequest", "savedQueryLanguage") == rules.LANGUAGES
    assert _enum("ClickStackFilterInput", "whereLanguage") == rules.LANGUAGES
    assert _enum("ClickStackFilterInput", "sourceMetricType") == rules.METRIC_TYPES
    assert set(SCHEMAS["ClickStackMetricTables"]["properties"]) == set(mapping.METRIC_TYPES)
    displays = set()
    for variant in SCHEMAS["ClickStackTileConfig"]["oneOf"]:
        target = SCHEMAS[variant["$ref"].rsplit("/", 1)[1]]
        for inner in target.get("oneOf", [{"$ref": variant["$ref"]}]):
            props = SCHEMAS[inner["$ref"].rsplit("/", 1)[1]]["properties"]
            displays |= set(props["displayType"]["enum"])
    assert displays == set(DISPLAY_TYPES)
    # the filter keys an update sends carry their IDs, a create's never
    assert "id" in SCHEMAS["ClickStackFilter"]["required"]
    assert "id" not in SCHEMAS["ClickStackFilterInput"]["properties"]
    # every expression of every source kind is a string ``...Expression`` the mapping reads
    for kind in ("Log", "Trace", "Metric", "Session"):
        props = SCHEMAS[f"ClickStack{kind}Source"]["properties"]
        for name, prop in props.items():
            if name.endswith("Expression"):
                assert "string" in prop["type"], name
