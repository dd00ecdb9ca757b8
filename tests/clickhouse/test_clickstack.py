"""A ClickHouse service's ClickStack (2026-06 spec) end to end: GraphQL over HTTP into the
gateway, the adapter over HTTP to the simulator. Dashboards and alerts are created, read,
replaced and deleted; sources and webhooks read; a webhook's URL and body template (its
token) are never answered, nor cached; rules are checked before any call; reads cost one
call per service per request."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.auth_fixtures import ADMIN, OPERATOR, VIEWER, answer, secured
from tests.clickhouse.writes import simulator, upstream_writes
from tests.gateway_client import GatewayClient, error_codes

SVC = r"/v1/organizations/[0-9a-f-]{36}/services/[0-9a-f-]{36}/clickstack"
SECRETS = (
    "slack-s3cret-token",
    "generic-s3cret-token",
    "generic-s3cret-bearer",
    "hook-header-s3cret",
    "tile-pw-s3cret",
)
DASHBOARD_FIELDS = """nativeId name tags savedQuery savedQueryLanguage savedFilterValues
  tiles { id name x y w h containerId tabId displayType config }
  filters { id type name expression sourceId whereLanguage }
  containers { id title collapsed tabs { id title } }"""
ALERT_FIELDS = """nativeId name message state source thresholdType threshold thresholdMax
  interval scheduleOffsetMinutes dashboardId tileId savedSearchId teamId
  channel { type emailRecipients webhookId severity } silenced { by }
  executionErrors { type } createdAt"""
CREATE_DASHBOARD = """mutation($input: CreateClickHouseClickStackDashboardInput!) {
  createClickHouseClickStackDashboard(input: $input) { dashboard { FIELDS } } }""".replace(
    "FIELDS", DASHBOARD_FIELDS
)
UPDATE_DASHBOARD = """mutation($input: UpdateClickHouseClickStackDashboardInput!) {
  updateClickHouseClickStackDashboard(input: $input) { dashboard { FIELDS } } }""".replace(
    "FIELDS", DASHBOARD_FIELDS
)
DELETE_DASHBOARD = """mutation($input: ClickHouseClickStackDashboardRefInput!) {
  deleteClickHouseClickStackDashboard(input: $input) { deletedDashboardId } }"""
CREATE_ALERT = """mutation($input: CreateClickHouseClickStackAlertInput!) {
  createClickHouseClickStackAlert(input: $input) { alert { FIELDS } } }""".replace(
    "FIELDS", ALERT_FIELDS
)
UPDATE_ALERT = """mutation($input: UpdateClickHouseClickStackAlertInput!) {
  updateClickHouseClickStackAlert(input: $input) { alert { FIELDS } } }""".replace(
    "FIELDS", ALERT_FIELDS
)
DELETE_ALERT = """mutation($input: ClickHouseClickStackAlertRefInput!) {
  deleteClickHouseClickStackAlert(input: $input) { deletedAlertId } }"""
READ = """query($id: ID!, $d: String!, $a: String!) { database(id: $id) { clickhouse {
  clickStack {
    dashboards(first: 10) { totalCount nodes { nativeId name } }
    dashboard(dashboardId: $d) { name tiles { name } }
    alerts { totalCount nodes { nativeId name state } }
    alert(alertId: $a) { name channel { type } }
  } } } }"""
SOURCES = """query($id: ID!) { database(id: $id) { clickhouse { clickStack {
  sources { totalCount nodes { nativeId name kind connectionId database table
    timestampValueExpression defaultTableSelectExpression durationPrecision
    expressions { name expression } querySettings { setting value }
    logSourceId traceSourceId metricSourceId sessionSourceId
    metricTables { metricType table }
    filterSettings { database table columns { name label } }
    highlightedRowAttributes { sqlExpression alias }
    materializedViews { table minGranularity aggregatedColumns { sourceColumn aggFn mvColumn } }
    metadataMaterializedViews { keyRollupTable granularity } } } } } } }"""
WEBHOOKS = """query($id: ID!) { database(id: $id) { clickhouse { clickStack {
  webhooks { totalCount nodes { nativeId name service description urlHost hasBodyTemplate
    createdAt } } } } } }"""

LINE = {
    "displayType": "line",
    "sourceId": "65f5e4a3b9e77c001a111111",
    "select": [{"aggFn": "count", "where": "", "whereLanguage": "lucene"}],
}


async def _production(gw: GatewayClient) -> str:
    data = await gw.data(
        '{ databases(first: 1, filter: { nameContains: "Acme Production" }) { nodes { id } } }'
    )
    return str(data["databases"]["nodes"][0]["id"])


def _new_dashboard(db: str, **change: Any) -> dict[str, Any]:
    return {
        "input": {
            "id": db,
            "name": "Service health",
            "tags": ["prod"],
            "containers": [
                {
                    "id": "errors",
                    "title": "Errors",
                    "collapsed": False,
                    "tabs": [{"id": "logs", "title": "Logs"}, {"id": "traces", "title": "Traces"}],
                }
            ],
            "tiles": [
                {"name": "Requests", "x": 0, "y": 0, "w": 6, "h": 3, "config": LINE},
                {
                    "name": "Notes",
                    "x": 6,
                    "y": 0,
                    "w": 6,
                    "h": 3,
                    "containerId": "errors",
                    "tabId": "logs",
                    "config": {"displayType": "markdown", "markdown": "# Runbook"},
                },
            ],
            "filters": [
                {
                    "name": "Service",
                    "expression": "ServiceName",
                    "sourceId": "65f5e4a3b9e77c001a111111",
                    "whereLanguage": "SQL",
                }
            ],
            "savedQuery": "ServiceName = 'api'",
            "savedQueryLanguage": "SQL",
            "savedFilterValues": ["ServiceName IN ('api')"],
            **change,
        }
    }


def _no_secret(value: Any) -> None:
    text = json.dumps(value)
    for secret in SECRETS:
        assert secret not in text, secret


async def _webhook_id(gw: GatewayClient, db: str) -> str:
    hooks = await gw.data(WEBHOOKS, {"id": db})
    nodes = hooks["database"]["clickhouse"]["clickStack"]["webhooks"]["nodes"]
    return str(next(h["nativeId"] for h in nodes if h["service"] == "slack"))


async def test_a_dashboard_is_created_read_replaced_and_deleted(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)

    made = await clickhouse.data(CREATE_DASHBOARD, _new_dashboard(db))
    dashboard = made["createClickHouseClickStackDashboard"]["dashboard"]
    requests, notes = dashboard["tiles"]
    filter_id = dashboard["filters"][0]["id"]
    simulator(clickhouse).log.clear()
    read = await clickhouse.data(READ, {"id": db, "d": dashboard["nativeId"], "a": "none"})
    log = simulator(clickhouse).log
    listed, one = (
        log.count("GET", SVC + "/dashboards$"),
        log.count("GET", SVC + "/dashboards/[0-9a-f]{24}"),
    )
    replaced = await clickhouse.data(
        UPDATE_DASHBOARD,
        {
            "input": {
                "id": db,
                "dashboardId": dashboard["nativeId"],
                "name": "Service health v2",
                "tiles": [
                    {"id": requests["id"], "name": "Requests", "x": 0, "y": 0, "w": 12, "h": 3}
                ],
                "filters": [
                    {
                        "id": filter_id,
                        "name": "Service",
                        "expression": "ServiceName",
                        "sourceId": "65f5e4a3b9e77c001a111111",
                    }
                ],
            }
        },
    )
    deleted = await clickhouse.data(
        DELETE_DASHBOARD, {"input": {"id": db, "dashboardId": dashboard["nativeId"]}}
    )
    gone = await clickhouse.data(READ, {"id": db, "d": dashboard["nativeId"], "a": "none"})

    assert dashboard["name"] == "Service health" and dashboard["tags"] == ["prod"]
    assert requests["displayType"] == "line" and requests["config"] == LINE
    assert requests["id"] and (requests["w"], requests["h"]) == (6, 3)
    assert (notes["containerId"], notes["tabId"], notes["displayType"]) == (
        "errors",
        "logs",
        "markdown",
    )
    assert dashboard["filters"][0]["type"] == "QUERY_EXPRESSION" and filter_id
    assert dashboard["filters"][0]["whereLanguage"] == "sql"
    assert dashboard["containers"][0]["tabs"] == [
        {"id": "logs", "title": "Logs"},
        {"id": "traces", "title": "Traces"},
    ]
    assert dashboard["savedQueryLanguage"] == "sql"
    assert dashboard["savedFilterValues"] == ["ServiceName IN ('api')"]
    stack = read["database"]["clickhouse"]["clickStack"]
    assert stack["dashboards"]["totalCount"] == 1
    assert stack["dashboard"] == {
        "name": "Service health",
        "tiles": [{"name": "Requests"}, {"name": "Notes"}],
    }
    assert stack["alert"] is None
    assert (listed, one) == (1, 1)
    new = replaced["updateClickHouseClickStackDashboard"]["dashboard"]
    assert new["name"] == "Service health v2" and new["tiles"][0]["id"] == requests["id"]
    assert new["tiles"][0]["w"] == 12 and new["containers"] == [] and new["tags"] == []
    assert (
        deleted["deleteClickHouseClickStackDashboard"]["deletedDashboardId"]
        == (dashboard["nativeId"])
    )
    assert gone["database"]["clickhouse"]["clickStack"]["dashboard"] is None
    assert gone["database"]["clickhouse"]["clickStack"]["dashboards"]["totalCount"] == 0


async def test_an_alert_is_created_on_a_tile_changed_and_deleted(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)
    made = await clickhouse.data(CREATE_DASHBOARD, _new_dashboard(db))
    dashboard = made["createClickHouseClickStackDashboard"]["dashboard"]
    hook = await _webhook_id(clickhouse, db)

    created = await clickhouse.data(
        CREATE_ALERT,
        {
            "input": {
                "id": db,
                "name": "Too many requests",
                "source": "TILE",
                "dashboardId": dashboard["nativeId"],
                "tileId": dashboard["tiles"][0]["id"],
                "threshold": 100,
                "thresholdType": "ABOVE",
                "interval": "FIVE_MINUTES",
                "scheduleOffsetMinutes": 2,
                "channel": {"type": "WEBHOOK", "webhookId": hook},
            }
        },
    )
    alert = created["createClickHouseClickStackAlert"]["alert"]
    changed = await clickhouse.data(
        UPDATE_ALERT,
        {
            "input": {
                "id": db,
                "alertId": alert["nativeId"],
                "thresholdType": "BETWEEN",
                "threshold": 10,
                "thresholdMax": 50,
                "channel": {"type": "EMAIL", "emailRecipients": ["oncall@example.com"]},
            }
        },
    )
    simulator(clickhouse).settle()
    read = await clickhouse.data(READ, {"id": db, "d": "none", "a": alert["nativeId"]})
    deleted = await clickhouse.data(
        DELETE_ALERT, {"input": {"id": db, "alertId": alert["nativeId"]}}
    )
    after = await clickhouse.data(READ, {"id": db, "d": "none", "a": alert["nativeId"]})

    assert alert["state"] == "INSUFFICIENT_DATA" and alert["source"] == "tile"
    assert (alert["threshold"], alert["thresholdType"], alert["interval"]) == (100, "above", "5m")
    assert alert["scheduleOffsetMinutes"] == 2 and alert["teamId"]
    assert alert["channel"] == {
        "type": "webhook",
        "emailRecipients": [],
        "webhookId": hook,
        "severity": None,
    }
    assert alert["silenced"] is None and alert["executionErrors"] == []
    now = changed["updateClickHouseClickStackAlert"]["alert"]
    assert (now["thresholdType"], now["threshold"], now["thresholdMax"]) == ("between", 10, 50)
    assert now["channel"]["emailRecipients"] == ["oncall@example.com"]
    assert now["name"] == "Too many requests"  # unset fields stay
    stack = read["database"]["clickhouse"]["clickStack"]
    assert stack["alerts"]["nodes"] == [
        {"nativeId": alert["nativeId"], "name": "Too many requests", "state": "OK"}
    ]
    assert stack["alert"] == {"name": "Too many requests", "channel": {"type": "email"}}
    assert deleted["deleteClickHouseClickStackAlert"]["deletedAlertId"] == alert["nativeId"]
    assert after["database"]["clickhouse"]["clickStack"]["alert"] is None


async def test_sources_are_typed(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)

    read = await clickhouse.data(SOURCES, {"id": db})

    sources = read["database"]["clickhouse"]["clickStack"]["sources"]
    by_kind = {s["kind"]: s for s in sources["nodes"]}
    assert sources["totalCount"] == 4 and set(by_kind) == {"log", "trace", "metric", "session"}
    logs, traces, metrics = by_kind["log"], by_kind["trace"], by_kind["metric"]
    assert (logs["database"], logs["table"]) == ("default", "otel_logs")
    assert {"name": "bodyExpression", "expression": "Body"} in logs["expressions"]
    assert logs["querySettings"] == [{"setting": "max_threads", "value": "8"}]
    assert logs["traceSourceId"] == traces["nativeId"]
    assert logs["filterSettings"]["columns"] == [{"name": "ServiceName", "label": "Service"}]
    assert logs["highlightedRowAttributes"] == [
        {"sqlExpression": "LogAttributes['user']", "alias": "user"}
    ]
    assert logs["metadataMaterializedViews"]["granularity"] == "15m"
    assert traces["durationPrecision"] == 9
    assert {"name": "spanKindExpression", "expression": "SpanKind"} in traces["expressions"]
    view = traces["materializedViews"][0]
    assert view["minGranularity"] == "1m" and view["aggregatedColumns"][1] == {
        "sourceColumn": None,
        "aggFn": "count",
        "mvColumn": "count",
    }
    assert metrics["table"] is None
    assert {"metricType": "gauge", "table": "otel_metrics_gauge"} in metrics["metricTables"]


async def test_webhooks_never_answer_their_url_or_body_and_are_never_cached(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)
    sim = simulator(clickhouse)
    org, service = next(
        (o, s["id"])
        for o, held in sim.state.organizations.items()
        for s in held.services.values()
        if s["name"] == "Acme Production"
    )
    # a vendor that answers more than the spec: headers with a secret, a URL with userinfo
    sim.add_clickstack_webhook(
        org,
        service,
        {
            "id": "65f5e4a3b9e77c001a999999",
            "name": "Hostile",
            "service": "generic",
            "url": "https://user:hook-header-s3cret@hooks.example.net/x?token=generic-s3cret-token",
            "headers": {"Authorization": "Bearer hook-header-s3cret"},
            "body": "generic-s3cret-bearer",
            "createdAt": "2026-05-01T09:00:00Z",
            "updatedAt": "2026-05-01T09:00:00Z",
        },
    )
    sim.log.clear()

    first = await clickhouse.post(WEBHOOKS, {"id": db})
    second = await clickhouse.post(WEBHOOKS, {"id": db})

    hooks = first["data"]["database"]["clickhouse"]["clickStack"]["webhooks"]
    by_name = {h["name"]: h for h in hooks["nodes"]}
    assert hooks["totalCount"] == 3
    assert by_name["On-call Slack"]["urlHost"] == "hooks.slack.com"
    assert by_name["On-call Slack"]["hasBodyTemplate"] is False
    assert by_name["Incident bridge"]["hasBodyTemplate"] is True
    assert by_name["Hostile"]["urlHost"] == "hooks.example.net"
    _no_secret(first)
    assert second == first
    # never kept: each request asks the vendor again
    assert sim.log.count("GET", SVC + "/webhooks") == 2


async def test_reads_of_many_services_cost_one_call_each(clickhouse: GatewayClient) -> None:
    query = """{ databases(filter: { connection: "ch-acme" }) { nodes { clickhouse { clickStack {
      a: dashboards { totalCount } b: dashboards(first: 1) { nodes { name } }
      alerts { totalCount } sources { totalCount } webhooks { totalCount } } } } } }"""
    simulator(clickhouse).log.clear()

    data = await clickhouse.data(query)

    services = [n for n in data["databases"]["nodes"] if n["clickhouse"] is not None]
    assert len(services) > 1
    log = simulator(clickhouse).log
    for part in ("dashboards", "alerts", "sources", "webhooks"):
        assert log.count("GET", f"{SVC}/{part}$") == len(services), part


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"name": " "}, "input.name"),
        ({"tiles": [{"name": "t", "x": -1, "y": 0, "w": 1, "h": 1}]}, "input.tiles.0.x"),
        ({"tiles": [{"name": "t", "x": 0, "y": 0, "w": 0, "h": 1}]}, "input.tiles.0.w"),
        (
            {"tiles": [{"name": "t", "x": 0, "y": 0, "w": 1, "h": 1, "config": {"a": 1}}]},
            "input.tiles.0.config",
        ),
        (
            {"tiles": [{"name": "t", "x": 0, "y": 0, "w": 1, "h": 1, "config": [1]}]},
            "input.tiles.0.config",
        ),
        (
            {"tiles": [{"name": "t", "x": 0, "y": 0, "w": 1, "h": 1, "containerId": "nope"}]},
            "input.tiles.0.containerId",
        ),
        (
            {
                "tiles": [
                    {
                        "name": "t",
                        "x": 0,
                        "y": 0,
                        "w": 1,
                        "h": 1,
                        "containerId": "errors",
                        "tabId": "nope",
                    }
                ]
            },
            "input.tiles.0.tabId",
        ),
        (
            {"filters": [{"name": "f", "expression": "e", "sourceId": "s", "id": "abc"}]},
            "input.filters.0.id",
        ),
        ({"tags": [""]}, "input.tags.0"),
        ({"savedFilterValues": [" "]}, "input.savedFilterValues.0"),
        (
            {"containers": [{"id": "a", "title": "A", "collapsed": False}] * 2},
            "input.containers.1.id",
        ),
    ],
)
async def test_a_bad_dashboard_is_refused_before_any_call(
    clickhouse: GatewayClient, given: dict[str, Any], field: str
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(CREATE_DASHBOARD, _new_dashboard(db, **given))

    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["field"] == field
    assert simulator(clickhouse).log.entries == []


def _new_alert(db: str, **change: Any) -> dict[str, Any]:
    return {
        "input": {
            "id": db,
            "source": "SAVED_SEARCH",
            "savedSearchId": "65f5e4a3b9e77c001a345678",
            "threshold": 1,
            "thresholdType": "ABOVE",
            "interval": "ONE_HOUR",
            "channel": {"type": "EMAIL", "emailRecipients": ["a@example.com"]},
            **change,
        }
    }


@pytest.mark.parametrize(
    ("mutation", "given", "field"),
    [
        (CREATE_ALERT, {"savedSearchId": None}, "input.savedSearchId"),
        (CREATE_ALERT, {"source": "TILE", "savedSearchId": None}, "input.dashboardId"),
        (CREATE_ALERT, {"dashboardId": "65f5e4a3b9e77c001a345678"}, "input.dashboardId"),
        (CREATE_ALERT, {"thresholdType": "BETWEEN"}, "input.thresholdMax"),
        (
            CREATE_ALERT,
            {"thresholdType": "NOT_BETWEEN", "threshold": 5, "thresholdMax": 4},
            "input.thresholdMax",
        ),
        (CREATE_ALERT, {"scheduleOffsetMinutes": 60}, "input.scheduleOffsetMinutes"),
        (CREATE_ALERT, {"scheduleOffsetMinutes": -1}, "input.scheduleOffsetMinutes"),
        (CREATE_ALERT, {"channel": {"type": "EMAIL"}}, "input.channel.emailRecipients"),
        (
            CREATE_ALERT,
            {"channel": {"type": "EMAIL", "emailRecipients": ["not-an-address"]}},
            "input.channel.emailRecipients.0",
        ),
        (CREATE_ALERT, {"channel": {"type": "WEBHOOK"}}, "input.channel.webhookId"),
        (
            CREATE_ALERT,
            {"channel": {"type": "WEBHOOK", "webhookId": "../../keys"}},
            "input.channel.webhookId",
        ),
        (
            CREATE_ALERT,
            {
                "channel": {
                    "type": "EMAIL",
                    "emailRecipients": ["a@example.com"],
                    "severity": "CRITICAL",
                }
            },
            "input.channel.severity",
        ),
        (CREATE_ALERT, {"name": " "}, "input.name"),
        (UPDATE_ALERT, {"alertId": "../x"}, "input.alertId"),
        (UPDATE_ALERT, {"alertId": "65f5e4a3b9e77c001a345678"}, "input.name"),
        (DELETE_ALERT, {"alertId": "a/b"}, "input.alertId"),
        (DELETE_DASHBOARD, {"dashboardId": "a?b"}, "input.dashboardId"),
    ],
)
async def test_a_bad_alert_is_refused_before_any_call(
    clickhouse: GatewayClient, mutation: str, given: dict[str, Any], field: str
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()
    if mutation == CREATE_ALERT:
        variables = _new_alert(db, **given)
    else:
        variables = {"input": {"id": db, **given}}

    body = await clickhouse.post(mutation, variables)

    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["field"] == field
    assert simulator(clickhouse).log.entries == []


async def test_vendor_refusals_are_mapped(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)

    no_tile = await clickhouse.post(
        CREATE_ALERT,
        _new_alert(
            db,
            source="TILE",
            savedSearchId=None,
            dashboardId="65f5e4a3b9e77c001a000000",
            tileId="65f5e4a3b9e77c001a000001",
        ),
    )
    no_hook = await clickhouse.post(
        CREATE_ALERT, _new_alert(db, channel={"type": "WEBHOOK", "webhookId": "nope"})
    )
    missing = await clickhouse.post(
        DELETE_DASHBOARD, {"input": {"id": db, "dashboardId": "65f5e4a3b9e77c001a000000"}}
    )
    bad_chart = await clickhouse.post(
        CREATE_DASHBOARD,
        _new_dashboard(
            db,
            tiles=[
                {"name": "t", "x": 0, "y": 0, "w": 1, "h": 1, "config": {"displayType": "line"}}
            ],
        ),
    )

    assert error_codes(no_tile) == ["BAD_USER_INPUT"]
    assert "dashboardId" in no_tile["errors"][0]["message"]
    assert error_codes(no_hook) == ["BAD_USER_INPUT"]
    assert error_codes(missing) == ["NOT_FOUND"]
    assert error_codes(bad_chart) == ["BAD_USER_INPUT"]  # the spec's chart shape, the vendor's 400


async def test_clickstack_writes_need_their_role() -> None:
    async with secured() as gw:
        found = await answer(
            gw,
            VIEWER,
            '{ databases(first: 1, filter: { nameContains: "Acme Production" }) { nodes { id } } }',
        )
        db = found["data"]["databases"]["nodes"][0]["id"]

        viewer = await answer(gw, VIEWER, CREATE_DASHBOARD, _new_dashboard(db))
        operator = await answer(gw, OPERATOR, CREATE_DASHBOARD, _new_dashboard(db))
        dashboard = operator["data"]["createClickHouseClickStackDashboard"]["dashboard"]
        ref = {"input": {"id": db, "dashboardId": dashboard["nativeId"]}}
        operator_alert = await answer(gw, OPERATOR, CREATE_ALERT, _new_alert(db))
        admin_alert = await answer(gw, ADMIN, CREATE_ALERT, _new_alert(db))
        operator_delete = await answer(gw, OPERATOR, DELETE_DASHBOARD, ref)
        viewer_read = await answer(gw, VIEWER, WEBHOOKS, {"id": db})

        assert error_codes(viewer) == ["FORBIDDEN"]
        assert error_codes(operator_alert) == ["FORBIDDEN"]
        assert error_codes(operator_delete) == ["FORBIDDEN"]
        assert admin_alert["data"]["createClickHouseClickStackAlert"]["alert"]["nativeId"]
        hooks = viewer_read["data"]["database"]["clickhouse"]["clickStack"]["webhooks"]
        assert hooks["totalCount"] == 2
        _no_secret(viewer_read)
        assert upstream_writes(gw) == 2  # the operator's dashboard and the admin's alert


async def test_another_vendors_database_has_no_clickstack(demo: GatewayClient) -> None:
    found = await demo.data("{ databases(first: 1, filter: { vendor: DBAAS }) { nodes { id } } }")
    db = found["databases"]["nodes"][0]["id"]
    writes = upstream_writes(demo)

    body = await demo.post(CREATE_DASHBOARD, _new_dashboard(db))

    assert error_codes(body) == ["NOT_SUPPORTED"]
    assert upstream_writes(demo) == writes


async def test_a_postgres_service_has_no_clickstack(clickhouse: GatewayClient) -> None:
    found = await clickhouse.data(
        '{ databases(first: 1, filter: { nameContains: "Acme Orders" }) { nodes { id } } }'
    )
    db = found["databases"]["nodes"][0]["id"]
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(DELETE_ALERT, {"input": {"id": db, "alertId": "abc"}})

    assert error_codes(body) == ["NOT_FOUND"]
    assert simulator(clickhouse).log.entries == []


async def test_odd_and_hostile_vendor_dashboards_read_as_null_and_redacted(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)
    sim = simulator(clickhouse)
    org, service = next(
        (o, s["id"])
        for o, held in sim.state.organizations.items()
        for s in held.services.values()
        if s["name"] == "Acme Production"
    )
    held = sim._held_stack(sim.state.organizations[org], service)
    held["dashboards"] = {
        "a": {
            "id": "65f5e4a3b9e77c001a000001",
            "name": "Hostile",
            "tiles": [
                {
                    "id": "t1",
                    "name": "Raw SQL",
                    "x": "left",
                    "config": {
                        "displayType": "line",
                        "configType": "sql",
                        "sqlTemplate": "SELECT 1",
                        "password": "tile-pw-s3cret",
                        "url": "https://reader:tile-pw-s3cret@ch.example.com",
                    },
                },
                "not a tile",
            ],
            "tags": "prod",
            "filters": [{"name": 7}],
            "containers": None,
        },
        "b": {"name": "No ID"},
    }

    read = await clickhouse.data(
        """query($id: ID!) { database(id: $id) { clickhouse { clickStack {
          dashboards { totalCount nodes { name tags filters { name } containers { id }
            tiles { id name x displayType config } } } } } } }""",
        {"id": db},
    )

    dashboards = read["database"]["clickhouse"]["clickStack"]["dashboards"]
    assert dashboards["totalCount"] == 1
    (hostile,) = dashboards["nodes"]
    assert hostile["tags"] == [] and hostile["containers"] == []
    assert hostile["filters"] == [{"name": None}]
    (tile,) = hostile["tiles"]
    assert tile["x"] is None and tile["displayType"] == "line"
    assert tile["config"]["sqlTemplate"] == "SELECT 1"
    _no_secret(read)


CREATE_ONCE = """mutation($input: CreateClickHouseClickStackDashboardInput!) {
  createClickHouseClickStackDashboard(input: $input) { dashboard { nativeId name } replayed } }"""
ALERT_ONCE = """mutation($input: CreateClickHouseClickStackAlertInput!) {
  createClickHouseClickStackAlert(input: $input) { alert { nativeId name } replayed } }"""


async def test_a_create_with_a_key_makes_one_dashboard_and_one_alert(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)
    keyed = _new_dashboard(db, idempotencyKey="dash-1")
    alert = _new_alert(db, idempotencyKey="alert-1", name="A")

    first = (await clickhouse.data(CREATE_ONCE, keyed))["createClickHouseClickStackDashboard"]
    again = (await clickhouse.data(CREATE_ONCE, keyed))["createClickHouseClickStackDashboard"]
    other = await clickhouse.post(
        CREATE_ONCE, _new_dashboard(db, idempotencyKey="dash-1", name="B")
    )
    made = (await clickhouse.data(ALERT_ONCE, alert))["createClickHouseClickStackAlert"]
    replay = (await clickhouse.data(ALERT_ONCE, alert))["createClickHouseClickStackAlert"]

    assert first["replayed"] is False and again["replayed"] is True
    assert again["dashboard"] == first["dashboard"]
    assert error_codes(other) == ["CONFLICT"]
    assert made["replayed"] is False and replay == made | {"replayed": True}
    log = simulator(clickhouse).log
    assert log.count("POST", SVC + "/dashboards") == 1
    assert log.count("POST", SVC + "/alerts") == 1


async def test_a_lost_answer_is_reconciled_on_retry(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)
    sim = simulator(clickhouse)
    # an older dashboard of the same name (other tiles) is not taken for the attempt's
    await clickhouse.data(CREATE_DASHBOARD, _new_dashboard(db, tiles=[]))
    # the vendor makes the dashboard and the alert, then the connection drops before answering
    sim.faults.add_drop(method="POST", path=SVC + "/dashboards", processed=True)
    sim.faults.add_drop(method="POST", path=SVC + "/alerts", processed=True)
    keyed = _new_dashboard(db, idempotencyKey="dash-lost")
    alert = _new_alert(db, idempotencyKey="alert-lost", name="Lost")

    lost = await clickhouse.post(CREATE_ONCE, keyed)
    retry = (await clickhouse.data(CREATE_ONCE, keyed))["createClickHouseClickStackDashboard"]
    lost_alert = await clickhouse.post(ALERT_ONCE, alert)
    retry_alert = (await clickhouse.data(ALERT_ONCE, alert))["createClickHouseClickStackAlert"]
    read = await clickhouse.data(READ, {"id": db, "d": "none", "a": "none"})

    assert error_codes(lost) == ["UPSTREAM_OUTCOME_UNKNOWN"]
    assert error_codes(lost_alert) == ["UPSTREAM_OUTCOME_UNKNOWN"]
    assert retry["replayed"] is True and retry["dashboard"]["name"] == "Service health"
    assert retry_alert["replayed"] is True and retry_alert["alert"]["name"] == "Lost"
    stack = read["database"]["clickhouse"]["clickStack"]
    assert stack["dashboards"]["totalCount"] == 2 and stack["alerts"]["totalCount"] == 1
    assert sim.log.count("POST", SVC + "/dashboards") == 2  # the older one and the lost one
    assert sim.log.count("POST", SVC + "/alerts") == 1
