"""Route handlers of the ClickHouse Cloud simulator for ClickStack (the 2026-06 spec): a
service's dashboards and alerts (CRUD), its sources and webhooks (lists). Bodies are
validated against the spec's schemas (``current_spec``); answers are the stored objects
projected onto the spec's answer schemas.

Our reading where the spec is silent: IDs are 24 hex digits (the spec's examples); every
service has ClickStack's four default sources (logs, traces, metrics, sessions) and two
webhooks, a Slack incoming webhook and a generic one, whose URLs carry their tokens (the
gateway must never answer them); a new tile gets an ID unless it names one; a new filter key
gets an ID; a tile's tab must be one of its container's (the spec's description says so); a
``between`` alert needs ``thresholdMax`` at least ``threshold``; a tile alert names a
dashboard and tile of this service, a webhook alert one of its webhooks; a new alert is
``INSUFFICIENT_DATA`` until ``settle()``, then ``OK``; an alert not silenced has no
``silenced`` (the spec's ``oneOf`` of an open object and null takes no null), nor a
dashboard without a saved query ``savedQuery``/``savedQueryLanguage`` (its enum has no
null); a PUT of an alert changes the fields it gives; deleting a dashboard deletes the
alerts on its tiles.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from adapters.clickhouse.sim import current_spec as spec
from adapters.clickhouse.sim.clickpipe_routes import project
from adapters.clickhouse.sim.state import Ctx, SimulatorBase
from adapters.clickhouse.sim.validation import JSON, ApiError, _fail, _iso

SVC = "/v1/organizations/{organizationId}/services/{serviceId}/clickstack"
DASHBOARDS = SVC + "/dashboards"
DASHBOARD = DASHBOARDS + "/{clickStackDashboardId}"
ALERTS = SVC + "/alerts"
ALERT = ALERTS + "/{clickStackAlertId}"
SEEDED_AT = "2026-05-01T09:00:00.000Z"


def _answer(component: str, value: JSON) -> JSON:
    return project(value, spec.COMPONENTS[component])  # type: ignore[no-any-return]


def _hex(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:24]


def _sources(service: str) -> list[JSON]:
    ids = {k: _hex("source", service, k) for k in ("log", "trace", "metric", "session")}
    connection = _hex("connection", service)
    return [
        {
            "id": ids["log"],
            "name": "Logs",
            "kind": "log",
            "connection": connection,
            "from": {"databaseName": "default", "tableName": "otel_logs"},
            "defaultTableSelectExpression": "Timestamp, ServiceName, SeverityText, Body",
            "timestampValueExpression": "TimestampTime",
            "serviceNameExpression": "ServiceName",
            "severityTextExpression": "SeverityText",
            "bodyExpression": "Body",
            "traceSourceId": ids["trace"],
            "metricSourceId": ids["metric"],
            "querySettings": [{"setting": "max_threads", "value": "8"}],
            "filterSettings": {
                "databaseName": "default",
                "tableName": "otel_logs",
                "columns": [{"name": "ServiceName", "label": "Service"}],
            },
            "highlightedRowAttributeExpressions": [
                {"sqlExpression": "LogAttributes['user']", "alias": "user"}
            ],
            "metadataMaterializedViews": {
                "keyRollupTable": "otel_logs_key_rollup_15m",
                "kvRollupTable": "otel_logs_kv_rollup_15m",
                "granularity": "15m",
            },
        },
        {
            "id": ids["trace"],
            "name": "Traces",
            "kind": "trace",
            "connection": connection,
            "from": {"databaseName": "default", "tableName": "otel_traces"},
            "timestampValueExpression": "Timestamp",
            "durationExpression": "Duration",
            "durationPrecision": 9,
            "traceIdExpression": "TraceId",
            "spanIdExpression": "SpanId",
            "parentSpanIdExpression": "ParentSpanId",
            "spanNameExpression": "SpanName",
            "spanKindExpression": "SpanKind",
            "logSourceId": ids["log"],
            "sessionSourceId": ids["session"],
            "materializedViews": [
                {
                    "databaseName": "default",
                    "tableName": "otel_traces_1m",
                    "dimensionColumns": "ServiceName, SpanName",
                    "minGranularity": "1m",
                    "timestampColumn": "Timestamp",
                    "aggregatedColumns": [
                        {"sourceColumn": "Duration", "aggFn": "sum", "mvColumn": "sum__Duration"},
                        {"sourceColumn": None, "aggFn": "count", "mvColumn": "count"},
                    ],
                }
            ],
        },
        {
            "id": ids["metric"],
            "name": "Metrics",
            "kind": "metric",
            "connection": connection,
            "from": {"databaseName": "default", "tableName": None},
            "metricTables": {
                "gauge": "otel_metrics_gauge",
                "sum": "otel_metrics_sum",
                "histogram": "otel_metrics_histogram",
            },
            "timestampValueExpression": "TimeUnix",
            "resourceAttributesExpression": "ResourceAttributes",
            "logSourceId": ids["log"],
        },
        {
            "id": ids["session"],
            "name": "Sessions",
            "kind": "session",
            "connection": connection,
            "from": {"databaseName": "default", "tableName": "hyperdx_sessions"},
            "traceSourceId": ids["trace"],
        },
    ]


def _webhooks(service: str) -> list[JSON]:
    return [
        {
            "id": _hex("webhook", service, "slack"),
            "name": "On-call Slack",
            "service": "slack",
            "url": "https://hooks.slack.com/services/T0001/B0002/slack-s3cret-token",
            "description": "#oncall",
            "createdAt": SEEDED_AT,
            "updatedAt": SEEDED_AT,
        },
        {
            "id": _hex("webhook", service, "generic"),
            "name": "Incident bridge",
            "service": "generic",
            "url": "https://alerts.example.com/hook?token=generic-s3cret-token",
            "body": '{"auth": "Bearer generic-s3cret-bearer", "text": "{{title}}"}',
            "createdAt": SEEDED_AT,
            "updatedAt": SEEDED_AT,
        },
    ]


class ClickStackRoutes(SimulatorBase):
    def clickstack_routes(self) -> list[tuple[str, str, Any, bool]]:
        return [
            ("GET", DASHBOARDS, self._list_dashboards, False),
            ("POST", DASHBOARDS, self._create_dashboard, False),
            ("GET", DASHBOARD, self._get_dashboard, False),
            ("PUT", DASHBOARD, self._put_dashboard, False),
            ("DELETE", DASHBOARD, self._delete_dashboard, False),
            ("GET", ALERTS, self._list_alerts, False),
            ("POST", ALERTS, self._create_alert, False),
            ("GET", ALERT, self._get_alert, False),
            ("PUT", ALERT, self._put_alert, False),
            ("DELETE", ALERT, self._delete_alert, False),
            ("GET", SVC + "/sources", self._list_sources, False),
            ("GET", SVC + "/webhooks", self._list_webhooks, False),
        ]

    def _held_stack(self, org: Any, service: str) -> JSON:
        held: JSON = org.clickstack.setdefault(
            service,
            {
                "dashboards": {},
                "alerts": {},
                "sources": _sources(service),
                "webhooks": _webhooks(service),
            },
        )
        return held

    def _stack_of(self, ctx: Ctx) -> JSON:
        return self._held_stack(ctx.org, self._service(ctx)["id"])

    def add_clickstack_webhook(self, organization_id: str, service_id: str, hook: JSON) -> JSON:
        """Store a webhook answered exactly as given, undocumented fields and all (tests: a
        vendor that answers headers with secrets)."""
        held = self._held_stack(self.state.organizations[organization_id], service_id)
        held["webhooks"].append(hook)
        self._verbatim_hooks.add(hook["id"])
        return hook

    @property
    def _verbatim_hooks(self) -> set[str]:
        found: set[str] = self.__dict__.setdefault("_verbatim_clickstack", set())
        return found

    def _stack_id(self, kind: str) -> str:
        return _hex(self._new_id(kind))

    def settle(self) -> None:
        """Every transition finished: new alerts have been evaluated."""
        super().settle()
        for org in self.state.organizations.values():
            for held in org.clickstack.values():
                for alert in held["alerts"].values():
                    if alert["state"] == "INSUFFICIENT_DATA":
                        alert["state"] = "OK"

    # --- dashboards -------------------------------------------------------------------------

    def _held_dashboard(self, ctx: Ctx) -> JSON:
        found: JSON | None = self._stack_of(ctx)["dashboards"].get(
            ctx.params["clickStackDashboardId"]
        )
        if found is None:
            raise ApiError(404, f"Dashboard {ctx.params['clickStackDashboardId']} not found")
        return found

    def _dashboard_from(self, body: JSON, current: JSON | None) -> JSON:
        containers = body.get("containers") or []
        tabs = {c["id"]: {t["id"] for t in c.get("tabs") or []} for c in containers}
        old_tiles = {t["id"] for t in (current or {}).get("tiles", [])}
        tiles = []
        for tile in body["tiles"]:
            if "series" in tile and "config" in tile:
                raise _fail("tiles: give config or series, not both")
            if tile.get("containerId") is not None and tile["containerId"] not in tabs:
                raise _fail(f"tiles: containerId {tile['containerId']} is not a container")
            if tile.get("tabId") is not None and tile["tabId"] not in tabs.get(
                tile.get("containerId"), set()
            ):
                raise _fail(f"tiles: tabId {tile['tabId']} is not a tab of its container")
            made = copy.deepcopy(tile)
            # a new dashboard keeps a tile's given ID; a PUT only an existing tile's
            if not made.get("id") or (current is not None and made["id"] not in old_tiles):
                made["id"] = self._stack_id("tile")
            tiles.append(made)
        filters = []
        for f in body.get("filters") or []:
            made = copy.deepcopy(f)
            made.setdefault("id", self._stack_id("filter"))
            filters.append(made)
        dashboard: JSON = {
            "id": (current or {}).get("id") or self._stack_id("dashboard"),
            "name": body["name"],
            "tiles": tiles,
            "tags": list(body.get("tags") or []),
            "filters": filters,
            "savedFilterValues": copy.deepcopy(body.get("savedFilterValues") or []),
            "containers": copy.deepcopy(containers),
        }
        # unset, not null: the spec's language enum has no null
        for name in ("savedQuery", "savedQueryLanguage"):
            if body.get(name) is not None:
                dashboard[name] = body[name]
        return dashboard

    async def _list_dashboards(self, ctx: Ctx) -> Any:
        held = self._stack_of(ctx)["dashboards"].values()
        return [_answer("ClickStackDashboardResponse", d) for d in held]

    async def _create_dashboard(self, ctx: Ctx) -> Any:
        held = self._stack_of(ctx)
        body = await spec.body(ctx, "POST", DASHBOARDS)
        for name in ("name", "tiles"):
            if name not in body:
                raise _fail(f"{name} is required")
        made = self._dashboard_from(body, None)
        held["dashboards"][made["id"]] = made
        return _answer("ClickStackDashboardResponse", made)

    async def _get_dashboard(self, ctx: Ctx) -> Any:
        return _answer("ClickStackDashboardResponse", self._held_dashboard(ctx))

    async def _put_dashboard(self, ctx: Ctx) -> Any:
        current = self._held_dashboard(ctx)
        body = await spec.body(ctx, "PUT", DASHBOARD)
        for name in ("name", "tiles"):
            if name not in body:
                raise _fail(f"{name} is required")
        made = self._dashboard_from(body, current)
        self._stack_of(ctx)["dashboards"][made["id"]] = made
        return _answer("ClickStackDashboardResponse", made)

    async def _delete_dashboard(self, ctx: Ctx) -> Any:
        dashboard = self._held_dashboard(ctx)
        held = self._stack_of(ctx)
        del held["dashboards"][dashboard["id"]]
        held["alerts"] = {
            k: a for k, a in held["alerts"].items() if a.get("dashboardId") != dashboard["id"]
        }
        return None

    # --- alerts -----------------------------------------------------------------------------

    def _held_alert(self, ctx: Ctx) -> JSON:
        found: JSON | None = self._stack_of(ctx)["alerts"].get(ctx.params["clickStackAlertId"])
        if found is None:
            raise ApiError(404, f"Alert {ctx.params['clickStackAlertId']} not found")
        return found

    def _check_alert(self, ctx: Ctx, alert: JSON) -> None:
        held = self._stack_of(ctx)
        for name in ("source", "threshold", "thresholdType", "interval", "channel"):
            if alert.get(name) is None:
                raise _fail(f"{name} is required")
        if alert["source"] == "tile":
            dashboard = held["dashboards"].get(alert.get("dashboardId"))
            if dashboard is None:
                raise _fail("dashboardId: no such dashboard")
            tile = next((t for t in dashboard["tiles"] if t["id"] == alert.get("tileId")), None)
            if tile is None:
                raise _fail("tileId: no such tile on the dashboard")
            shown = (tile.get("config") or {}).get("displayType")
            if shown not in ("line", "stacked_bar", "number"):
                raise _fail("tileId: must be a line, stacked bar, or number type tile")
        elif not alert.get("savedSearchId"):
            raise _fail("savedSearchId is required for saved_search alerts")
        if alert["thresholdType"] in ("between", "not_between"):
            high = alert.get("thresholdMax")
            if high is None or high < alert["threshold"]:
                raise _fail("thresholdMax must be >= threshold for between thresholds")
        channel = alert["channel"]
        if channel["type"] == "webhook":
            hooks = {h["id"] for h in held["webhooks"]}
            if channel.get("webhookId") not in hooks:
                raise _fail("channel.webhookId: no such webhook")
        elif not channel.get("emailRecipients"):
            raise _fail("channel.emailRecipients is required for email alerts")

    async def _list_alerts(self, ctx: Ctx) -> Any:
        held = self._stack_of(ctx)["alerts"].values()
        return [_answer("ClickStackAlertResponse", a) for a in held]

    async def _create_alert(self, ctx: Ctx) -> Any:
        held = self._stack_of(ctx)
        body = await spec.body(ctx, "POST", ALERTS)
        now = _iso(self.wall_clock())
        alert: JSON = {
            **copy.deepcopy(body),
            "id": self._stack_id("alert"),
            "state": "INSUFFICIENT_DATA",
            "teamId": _hex("team", ctx.params["organizationId"]),
            "executionErrors": [],
            "createdAt": now,
            "updatedAt": now,
        }
        self._check_alert(ctx, alert)
        held["alerts"][alert["id"]] = alert
        return _answer("ClickStackAlertResponse", alert)

    async def _get_alert(self, ctx: Ctx) -> Any:
        return _answer("ClickStackAlertResponse", self._held_alert(ctx))

    async def _put_alert(self, ctx: Ctx) -> Any:
        current = self._held_alert(ctx)
        body = await spec.body(ctx, "PUT", ALERT)
        changed = {**current, **copy.deepcopy(body), "updatedAt": _iso(self.wall_clock())}
        self._check_alert(ctx, changed)
        current.clear()
        current.update(changed)
        return _answer("ClickStackAlertResponse", current)

    async def _delete_alert(self, ctx: Ctx) -> Any:
        alert = self._held_alert(ctx)
        del self._stack_of(ctx)["alerts"][alert["id"]]
        return None

    # --- sources and webhooks ----------------------------------------------------------------

    async def _list_sources(self, ctx: Ctx) -> Any:
        return [_answer("ClickStackSource", s) for s in self._stack_of(ctx)["sources"]]

    async def _list_webhooks(self, ctx: Ctx) -> Any:
        hooks = self._stack_of(ctx)["webhooks"]
        return [
            h if h["id"] in self._verbatim_hooks else _answer("ClickStackWebhook", h) for h in hooks
        ]
