"""ClickStack answers (2026-06 spec) -> ``adapters.clickstack_details``.

Wrong shapes read as null, never as an error: one odd dashboard must not hide the others.
A tile's chart definition is the one open-ended part and is kept as sent, after the shared
``redact`` (by field name, URI passwords included). A webhook's URL (its token: a Slack
incoming webhook's URL is the credential) and its body template (a header or token may be
written into it) are never read: only the URL's host is, and whether it has a template;
a vendor answering headers or anything else undocumented is not read either.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from adapters.clickstack_details import (
    AggregatedColumn,
    Alert,
    AlertChannel,
    AlertError,
    AlertSilence,
    ContainerTab,
    Dashboard,
    DashboardContainer,
    DashboardTile,
    HighlightedAttribute,
    MaterializedView,
    MetadataViews,
    Source,
    SourceFilterSettings,
    StackFilter,
    Webhook,
)
from adapters.coerce import as_bool, as_float, as_int, as_str
from adapters.timeparse import parse_datetime
from adapters.upstream.redact import redact

#: the fields ``Source`` types on their own; every other string ``...Expression`` of a
#: source is one of its ``expressions``
_OWN_EXPRESSIONS = frozenset({"timestampValueExpression", "defaultTableSelectExpression"})
METRIC_TYPES = ("gauge", "histogram", "sum", "summary", "exponential histogram")


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _objects(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _filter(f: dict[str, Any]) -> StackFilter:
    return StackFilter(
        id=as_str(f.get("id")),
        type=as_str(f.get("type")),
        name=as_str(f.get("name")),
        expression=as_str(f.get("expression")),
        source_id=as_str(f.get("sourceId")),
        source_metric_type=as_str(f.get("sourceMetricType")),
        where=as_str(f.get("where")),
        where_language=as_str(f.get("whereLanguage")),
    )


def _container(c: dict[str, Any]) -> DashboardContainer:
    return DashboardContainer(
        id=as_str(c.get("id")),
        title=as_str(c.get("title")),
        collapsed=as_bool(c.get("collapsed")),
        collapsible=as_bool(c.get("collapsible")),
        bordered=as_bool(c.get("bordered")),
        tabs=tuple(
            ContainerTab(as_str(t.get("id")), as_str(t.get("title")))
            for t in _objects(c.get("tabs"))
        ),
    )


def _tile(t: dict[str, Any]) -> DashboardTile:
    config = t.get("config")
    shown = redact(config) if isinstance(config, dict) else None
    return DashboardTile(
        id=as_str(t.get("id")),
        name=as_str(t.get("name")),
        x=as_int(t.get("x")),
        y=as_int(t.get("y")),
        w=as_int(t.get("w")),
        h=as_int(t.get("h")),
        container_id=as_str(t.get("containerId")),
        tab_id=as_str(t.get("tabId")),
        display_type=as_str(shown.get("displayType")) if isinstance(shown, dict) else None,
        config=shown if isinstance(shown, dict) else None,
    )


def dashboard(answer: Any) -> Dashboard | None:
    """A dashboard from the vendor's answer; None where it has no ID."""
    body = _obj(answer)
    native_id = as_str(body.get("id"))
    if not native_id:
        return None
    return Dashboard(
        native_id=native_id,
        name=as_str(body.get("name")),
        tags=_strings(body.get("tags")),
        tiles=tuple(_tile(t) for t in _objects(body.get("tiles"))),
        filters=tuple(_filter(f) for f in _objects(body.get("filters"))),
        saved_query=as_str(body.get("savedQuery")),
        saved_query_language=as_str(body.get("savedQueryLanguage")),
        saved_filter_values=tuple(
            c
            for c in (as_str(v.get("condition")) for v in _objects(body.get("savedFilterValues")))
            if c is not None
        ),
        containers=tuple(_container(c) for c in _objects(body.get("containers"))),
    )


def _channel(value: Any) -> AlertChannel | None:
    if not isinstance(value, dict):
        return None
    return AlertChannel(
        type=as_str(value.get("type")),
        email_recipients=_strings(value.get("emailRecipients")),
        webhook_id=as_str(value.get("webhookId")),
        webhook_service=as_str(value.get("webhookService")),
        slack_channel_id=as_str(value.get("slackChannelId")),
        severity=as_str(value.get("severity")),
    )


def _silence(value: Any) -> AlertSilence | None:
    if not isinstance(value, dict):
        return None
    return AlertSilence(
        by=as_str(value.get("by")),
        at=parse_datetime(value.get("at")),
        until=parse_datetime(value.get("until")),
    )


def alert(answer: Any) -> Alert | None:
    """An alert from the vendor's answer; None where it has no ID."""
    body = _obj(answer)
    native_id = as_str(body.get("id"))
    if not native_id:
        return None
    return Alert(
        native_id=native_id,
        name=as_str(body.get("name")),
        message=as_str(body.get("message")),
        note=as_str(body.get("note")),
        state=as_str(body.get("state")),
        source=as_str(body.get("source")),
        threshold_type=as_str(body.get("thresholdType")),
        threshold=as_float(body.get("threshold")),
        threshold_max=as_float(body.get("thresholdMax")),
        interval=as_str(body.get("interval")),
        schedule_offset_minutes=as_int(body.get("scheduleOffsetMinutes")),
        schedule_start_at=parse_datetime(body.get("scheduleStartAt")),
        dashboard_id=as_str(body.get("dashboardId")),
        tile_id=as_str(body.get("tileId")),
        saved_search_id=as_str(body.get("savedSearchId")),
        group_by=as_str(body.get("groupBy")),
        team_id=as_str(body.get("teamId")),
        channel=_channel(body.get("channel")),
        silenced=_silence(body.get("silenced")),
        execution_errors=tuple(
            AlertError(
                timestamp=parse_datetime(e.get("timestamp")),
                type=as_str(e.get("type")),
                message=as_str(e.get("message")),
            )
            for e in _objects(body.get("executionErrors"))
        ),
        created_at=parse_datetime(body.get("createdAt")),
        updated_at=parse_datetime(body.get("updatedAt")),
    )


def _highlighted(value: Any) -> tuple[HighlightedAttribute, ...]:
    return tuple(
        HighlightedAttribute(
            sql_expression=as_str(a.get("sqlExpression")),
            lucene_expression=as_str(a.get("luceneExpression")),
            alias=as_str(a.get("alias")),
        )
        for a in _objects(value)
    )


def _view(v: dict[str, Any]) -> MaterializedView:
    return MaterializedView(
        database=as_str(v.get("databaseName")),
        table=as_str(v.get("tableName")),
        dimension_columns=as_str(v.get("dimensionColumns")),
        min_granularity=as_str(v.get("minGranularity")),
        min_date=parse_datetime(v.get("minDate")),
        timestamp_column=as_str(v.get("timestampColumn")),
        aggregated_columns=tuple(
            AggregatedColumn(
                source_column=as_str(c.get("sourceColumn")),
                agg_fn=as_str(c.get("aggFn")),
                mv_column=as_str(c.get("mvColumn")),
            )
            for c in _objects(v.get("aggregatedColumns"))
        ),
    )


def _filter_settings(value: Any) -> SourceFilterSettings | None:
    if not isinstance(value, dict):
        return None
    return SourceFilterSettings(
        database=as_str(value.get("databaseName")),
        table=as_str(value.get("tableName")),
        columns=tuple(
            (name, as_str(c.get("label")))
            for c in _objects(value.get("columns"))
            if (name := as_str(c.get("name"))) is not None
        ),
    )


def _metadata_views(value: Any) -> MetadataViews | None:
    if not isinstance(value, dict):
        return None
    return MetadataViews(
        key_rollup_table=as_str(value.get("keyRollupTable")),
        kv_rollup_table=as_str(value.get("kvRollupTable")),
        granularity=as_str(value.get("granularity")),
    )


def source(answer: Any) -> Source | None:
    """A source from the vendor's answer; None where it has no ID."""
    body = _obj(answer)
    native_id = as_str(body.get("id"))
    if not native_id:
        return None
    origin = _obj(body.get("from"))
    tables = _obj(body.get("metricTables"))
    return Source(
        native_id=native_id,
        name=as_str(body.get("name")),
        kind=as_str(body.get("kind")),
        connection_id=as_str(body.get("connection")),
        database=as_str(origin.get("databaseName")),
        table=as_str(origin.get("tableName")),
        query_settings=tuple(
            (setting, as_str(s.get("value")) or "")
            for s in _objects(body.get("querySettings"))
            if (setting := as_str(s.get("setting"))) is not None
        ),
        timestamp_value_expression=as_str(body.get("timestampValueExpression")),
        default_table_select_expression=as_str(body.get("defaultTableSelectExpression")),
        expressions=tuple(
            (name, value)
            for name, value in body.items()
            if name.endswith("Expression")
            and name not in _OWN_EXPRESSIONS
            and isinstance(value, str)
        ),
        duration_precision=as_int(body.get("durationPrecision")),
        log_source_id=as_str(body.get("logSourceId")),
        trace_source_id=as_str(body.get("traceSourceId")),
        metric_source_id=as_str(body.get("metricSourceId")),
        session_source_id=as_str(body.get("sessionSourceId")),
        metric_tables=tuple(
            (kind, table) for kind in METRIC_TYPES if (table := as_str(tables.get(kind)))
        ),
        filter_settings=_filter_settings(body.get("filterSettings")),
        highlighted_trace_attributes=_highlighted(body.get("highlightedTraceAttributeExpressions")),
        highlighted_row_attributes=_highlighted(body.get("highlightedRowAttributeExpressions")),
        materialized_views=tuple(_view(v) for v in _objects(body.get("materializedViews"))),
        metadata_materialized_views=_metadata_views(body.get("metadataMaterializedViews")),
    )


def _host(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host or None


def webhook(answer: Any) -> Webhook | None:
    """A webhook without its URL's path and query, nor its body template."""
    body = _obj(answer)
    native_id = as_str(body.get("id"))
    if not native_id:
        return None
    return Webhook(
        native_id=native_id,
        name=as_str(body.get("name")),
        service=as_str(body.get("service")),
        description=as_str(body.get("description")),
        url_host=_host(body.get("url")),
        has_body_template=bool(as_str(body.get("body"))),
        created_at=parse_datetime(body.get("createdAt")),
        updated_at=parse_datetime(body.get("updatedAt")),
    )
