"""ClickStack (the observability stack on a ClickHouse Cloud service, 2026-06 spec) as the
schema sees it: dashboards, alerts, sources and webhooks, and the ``ClickHouseClickStack``
protocol that reads and writes them.

Outside the vendor package so the schema can type them without importing a vendor. A
dashboard tile's chart definition is open-ended (sixteen chart shapes, raw SQL among them)
and is kept as the vendor's object, redacted; everything else is typed. A webhook's URL
holds its token (a Slack incoming webhook is its URL) and its body template may hold a
credential: neither is ever read into a ``Webhook``, only the URL's host is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from adapters.frozen import record
from adapters.model import Key

#: ``ClickStackTileConfig``: the chart kinds a tile's config names by ``displayType``
DISPLAY_TYPES = ("line", "stacked_bar", "table", "number", "pie", "heatmap", "search", "markdown")


@record
class StackFilter:
    """A dashboard filter key (``ClickStackFilter``)."""

    id: str | None
    type: str | None
    name: str | None
    expression: str | None
    source_id: str | None
    source_metric_type: str | None
    where: str | None
    where_language: str | None


@record
class ContainerTab:
    id: str | None
    title: str | None


@record
class DashboardContainer:
    id: str | None
    title: str | None
    collapsed: bool | None
    collapsible: bool | None
    bordered: bool | None
    tabs: tuple[ContainerTab, ...]


@record
class DashboardTile:
    id: str | None
    name: str | None
    x: int | None
    y: int | None
    w: int | None
    h: int | None
    container_id: str | None
    tab_id: str | None
    #: the config's ``displayType``: line, stacked_bar, table, number, pie, heatmap, ...
    display_type: str | None
    #: the chart definition as the vendor answers it, redacted; None where it has none
    config: dict[str, Any] | None


@record
class Dashboard:
    native_id: str
    name: str | None
    tags: tuple[str, ...]
    tiles: tuple[DashboardTile, ...]
    filters: tuple[StackFilter, ...]
    saved_query: str | None
    saved_query_language: str | None
    #: the SQL conditions of its default filter values
    saved_filter_values: tuple[str, ...]
    containers: tuple[DashboardContainer, ...]


@record
class AlertChannel:
    type: str | None
    email_recipients: tuple[str, ...]
    webhook_id: str | None
    webhook_service: str | None
    slack_channel_id: str | None
    severity: str | None


@record
class AlertSilence:
    by: str | None
    at: datetime | None
    until: datetime | None


@record
class AlertError:
    timestamp: datetime | None
    type: str | None
    message: str | None


@record
class Alert:
    native_id: str
    name: str | None
    message: str | None
    note: str | None
    state: str | None
    source: str | None
    threshold_type: str | None
    threshold: float | None
    threshold_max: float | None
    interval: str | None
    schedule_offset_minutes: int | None
    schedule_start_at: datetime | None
    dashboard_id: str | None
    tile_id: str | None
    saved_search_id: str | None
    group_by: str | None
    team_id: str | None
    channel: AlertChannel | None
    silenced: AlertSilence | None
    execution_errors: tuple[AlertError, ...]
    created_at: datetime | None
    updated_at: datetime | None


@record
class HighlightedAttribute:
    sql_expression: str | None
    lucene_expression: str | None
    alias: str | None


@record
class AggregatedColumn:
    source_column: str | None
    agg_fn: str | None
    mv_column: str | None


@record
class MaterializedView:
    database: str | None
    table: str | None
    dimension_columns: str | None
    min_granularity: str | None
    min_date: datetime | None
    timestamp_column: str | None
    aggregated_columns: tuple[AggregatedColumn, ...]


@record
class SourceFilterSettings:
    database: str | None
    table: str | None
    #: (column name, label)
    columns: tuple[tuple[str, str | None], ...]


@record
class MetadataViews:
    key_rollup_table: str | None
    kv_rollup_table: str | None
    granularity: str | None


@record
class Source:
    """A log, trace, metric or session source (``ClickStackSource``)."""

    native_id: str
    name: str | None
    kind: str | None
    connection_id: str | None
    database: str | None
    table: str | None
    #: (setting, value)
    query_settings: tuple[tuple[str, str], ...]
    timestamp_value_expression: str | None
    default_table_select_expression: str | None
    #: every other ``...Expression`` field the kind has, (spec field name, expression)
    expressions: tuple[tuple[str, str], ...]
    duration_precision: int | None
    log_source_id: str | None
    trace_source_id: str | None
    metric_source_id: str | None
    session_source_id: str | None
    #: a metric source's tables, (metric type, table)
    metric_tables: tuple[tuple[str, str], ...]
    filter_settings: SourceFilterSettings | None
    highlighted_trace_attributes: tuple[HighlightedAttribute, ...]
    highlighted_row_attributes: tuple[HighlightedAttribute, ...]
    materialized_views: tuple[MaterializedView, ...]
    metadata_materialized_views: MetadataViews | None


@record
class Webhook:
    """An alert destination. Its URL and body template are never read (they hold tokens)."""

    native_id: str
    name: str | None
    service: str | None
    description: str | None
    #: the URL's host only (e.g. hooks.slack.com)
    url_host: str | None
    has_body_template: bool
    created_at: datetime | None
    updated_at: datetime | None


# --- writes -------------------------------------------------------------------------------


@record
class TileWrite:
    name: str
    x: int
    y: int
    w: int
    h: int
    #: the chart definition, in the vendor's shape (``ClickStackTileConfig``)
    config: Mapping[str, Any] | None = None
    id: str | None = None
    container_id: str | None = None
    tab_id: str | None = None


@record
class FilterWrite:
    name: str
    expression: str
    source_id: str
    source_metric_type: str | None = None
    where: str | None = None
    where_language: str | None = None
    #: an update's existing filter keys keep their ID (the spec requires it there)
    id: str | None = None


@record
class ContainerWrite:
    id: str
    title: str
    collapsed: bool
    collapsible: bool | None = None
    bordered: bool | None = None
    #: (id, title)
    tabs: tuple[tuple[str, str], ...] | None = None


@record
class DashboardWrite:
    """A dashboard, whole: created, or replacing one (the spec's PUT)."""

    name: str
    tiles: tuple[TileWrite, ...]
    tags: tuple[str, ...] | None = None
    filters: tuple[FilterWrite, ...] | None = None
    saved_query: str | None = None
    saved_query_language: str | None = None
    saved_filter_values: tuple[str, ...] | None = None
    containers: tuple[ContainerWrite, ...] | None = None


@record
class ChannelWrite:
    type: str
    email_recipients: tuple[str, ...] | None = None
    webhook_id: str | None = None
    webhook_service: str | None = None
    slack_channel_id: str | None = None
    severity: str | None = None


@record
class AlertWrite:
    """A new alert, or the parts of one to change (None: unchanged)."""

    source: str | None = None
    threshold: float | None = None
    threshold_type: str | None = None
    interval: str | None = None
    channel: ChannelWrite | None = None
    threshold_max: float | None = None
    schedule_offset_minutes: int | None = None
    schedule_start_at: datetime | None = None
    dashboard_id: str | None = None
    tile_id: str | None = None
    saved_search_id: str | None = None
    group_by: str | None = None
    name: str | None = None
    message: str | None = None
    note: str | None = None


@runtime_checkable
class ClickHouseClickStack(Protocol):
    """A ClickHouse service's ClickStack dashboards, alerts, sources and webhooks."""

    async def list_clickstack_dashboards(self, database: Key) -> list[Dashboard]: ...
    async def get_clickstack_dashboard(self, database: Key, dashboard: str) -> Dashboard | None: ...
    async def create_clickstack_dashboard(
        self, database: Key, dashboard: DashboardWrite
    ) -> Dashboard: ...
    async def update_clickstack_dashboard(
        self, database: Key, dashboard: str, change: DashboardWrite
    ) -> Dashboard: ...
    async def delete_clickstack_dashboard(self, database: Key, dashboard: str) -> None: ...
    async def list_clickstack_alerts(self, database: Key) -> list[Alert]: ...
    async def get_clickstack_alert(self, database: Key, alert: str) -> Alert | None: ...
    async def create_clickstack_alert(self, database: Key, alert: AlertWrite) -> Alert: ...
    async def update_clickstack_alert(
        self, database: Key, alert: str, change: AlertWrite
    ) -> Alert: ...
    async def delete_clickstack_alert(self, database: Key, alert: str) -> None: ...
    async def list_clickstack_sources(self, database: Key) -> list[Source]: ...
    async def list_clickstack_webhooks(self, database: Key) -> list[Webhook]: ...
