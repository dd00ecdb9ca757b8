"""A ClickHouse service's ClickStack (2026-06 spec) as types: ``Database.clickhouse.clickStack``
with its ``dashboards`` and ``alerts`` (connections over one list call each),
``dashboard(dashboardId)`` and ``alert(alertId)`` (one call), ``sources`` and ``webhooks``
(connections over one list call each), read through the ``ClickHouseClickStack`` protocol.

Each read is one call per service per request (a loader keyed by the service). None of them
is kept across requests (the vendor's cache table: ``clickstack``). A tile's chart
definition is the vendor's JSON, redacted; a webhook shows its URL's host only.

The field lives on a base type that ``ClickHouseDatabase`` inherits.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, TypeVar

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.base import Adapter
from adapters.clickstack_details import (
    Alert,
    ClickHouseClickStack,
    Dashboard,
    DashboardContainer,
    DashboardTile,
    HighlightedAttribute,
    MaterializedView,
    Source,
    StackFilter,
    Webhook,
)
from adapters.model import Key
from schema.connection import After, Before, Connection, First, Last, Order, PageArgs, page_of
from schema.connection import text as text_key
from schema.context import context_of
from schema.kinds import PerRecord, not_offered

N = TypeVar("N")

if TYPE_CHECKING:
    from adapters.model import DatabaseRecord


def stack_of(adapter: Adapter) -> ClickHouseClickStack:
    if isinstance(adapter, ClickHouseClickStack):
        return adapter
    raise not_offered(adapter, "ClickStack")


DASHBOARDS: Final = PerRecord[list[Dashboard]](
    lambda a, db: stack_of(a).list_clickstack_dashboards(db)
)
#: keyed by the service's key and the dashboard's ID
DASHBOARD: Final = PerRecord[Dashboard | None](
    lambda a, k: stack_of(a).get_clickstack_dashboard(k[:-1], k[-1])
)
ALERTS: Final = PerRecord[list[Alert]](lambda a, db: stack_of(a).list_clickstack_alerts(db))
ALERT: Final = PerRecord[Alert | None](lambda a, k: stack_of(a).get_clickstack_alert(k[:-1], k[-1]))
SOURCES: Final = PerRecord[list[Source]](lambda a, db: stack_of(a).list_clickstack_sources(db))
WEBHOOKS: Final = PerRecord[list[Webhook]](lambda a, db: stack_of(a).list_clickstack_webhooks(db))
DASHBOARD_ORDER: Final = Order[Dashboard](lambda d: (text_key(d.name), d.native_id))
ALERT_ORDER: Final = Order[Alert](lambda a: (text_key(a.name), a.native_id))
SOURCE_ORDER: Final = Order[Source](lambda s: (text_key(s.name), s.native_id))
WEBHOOK_ORDER: Final = Order[Webhook](lambda w: (text_key(w.name), w.native_id))


# -- dashboards -----------------------------------------------------------------------------


@strawberry.type(description="A dashboard filter key, applied across its tiles")
class ClickHouseClickStackFilter:
    id: str | None = strawberry.field(description="The filter key's ID")
    type: str | None = strawberry.field(description="QUERY_EXPRESSION (the only kind)")
    name: str | None = strawberry.field(description="Its display name")
    expression: str | None = strawberry.field(description="The key expression it filters on")
    source_id: str | None = strawberry.field(description="The source it applies to")
    source_metric_type: str | None = strawberry.field(
        description="sum, gauge, histogram, summary or exponential histogram (metric sources)"
    )
    where: str | None = strawberry.field(description="Which rows it reads values from")
    where_language: str | None = strawberry.field(description="sql or lucene")

    @classmethod
    def from_details(cls, f: StackFilter) -> ClickHouseClickStackFilter:
        return cls(
            id=f.id,
            type=f.type,
            name=f.name,
            expression=f.expression,
            source_id=f.source_id,
            source_metric_type=f.source_metric_type,
            where=f.where,
            where_language=f.where_language,
        )


@strawberry.type(description="A tab of a dashboard container")
class ClickHouseClickStackContainerTab:
    id: str | None = strawberry.field(description="Its ID within the container")
    title: str | None = strawberry.field(description="Its title")


@strawberry.type(description="A group of a dashboard's tiles")
class ClickHouseClickStackContainer:
    id: str | None = strawberry.field(description="Its ID within the dashboard")
    title: str | None = strawberry.field(description="Its title")
    collapsed: bool | None = strawberry.field(description="Collapsed by default")
    collapsible: bool | None = strawberry.field(description="Whether viewers may collapse it")
    bordered: bool | None = strawberry.field(description="Whether it has a border")
    tabs: list[ClickHouseClickStackContainerTab] = strawberry.field(
        description="Its tabs (two or more show a tab bar)"
    )

    @classmethod
    def from_details(cls, c: DashboardContainer) -> ClickHouseClickStackContainer:
        return cls(
            id=c.id,
            title=c.title,
            collapsed=c.collapsed,
            collapsible=c.collapsible,
            bordered=c.bordered,
            tabs=[ClickHouseClickStackContainerTab(id=t.id, title=t.title) for t in c.tabs],
        )


@strawberry.type(description="A chart (or search, or markdown) tile of a dashboard")
class ClickHouseClickStackTile:
    id: str | None = strawberry.field(description="The tile's ID")
    name: str | None = strawberry.field(description="Its display name")
    x: int | None = strawberry.field(description="Column in the grid (0-based)")
    y: int | None = strawberry.field(description="Row in the grid (0-based)")
    w: int | None = strawberry.field(description="Width in grid units")
    h: int | None = strawberry.field(description="Height in grid units")
    container_id: str | None = strawberry.field(description="The container it is in, if any")
    tab_id: str | None = strawberry.field(description="The container tab it is on, if any")
    display_type: str | None = strawberry.field(
        description="line, stacked_bar, table, number, pie, heatmap, search or markdown"
    )
    config: JSON | None = strawberry.field(
        description="The chart definition in the vendor's shape (open-ended: builder or raw "
        "SQL variants of each chart), secrets removed"
    )

    @classmethod
    def from_details(cls, t: DashboardTile) -> ClickHouseClickStackTile:
        return cls(
            id=t.id,
            name=t.name,
            x=t.x,
            y=t.y,
            w=t.w,
            h=t.h,
            container_id=t.container_id,
            tab_id=t.tab_id,
            display_type=t.display_type,
            config=JSON(t.config) if t.config is not None else None,
        )


@strawberry.type(description="A ClickStack dashboard of a ClickHouse service")
class ClickHouseClickStackDashboard:
    native_id: str = strawberry.field(description="The vendor's dashboard ID")
    name: str | None = strawberry.field(description="Dashboard name")
    tags: list[str] = strawberry.field(description="Its tags")
    tiles: list[ClickHouseClickStackTile] = strawberry.field(description="Its tiles")
    filters: list[ClickHouseClickStackFilter] = strawberry.field(description="Its filter keys")
    saved_query: str | None = strawberry.field(description="Default query restored on load")
    saved_query_language: str | None = strawberry.field(
        description="sql or lucene (savedQuery's language)"
    )
    saved_filter_values: list[str] = strawberry.field(
        description="Default filter values restored on load (SQL conditions)"
    )
    containers: list[ClickHouseClickStackContainer] = strawberry.field(
        description="Groups of its tiles"
    )

    @classmethod
    def from_details(cls, d: Dashboard) -> ClickHouseClickStackDashboard:
        return cls(
            native_id=d.native_id,
            name=d.name,
            tags=list(d.tags),
            tiles=[ClickHouseClickStackTile.from_details(t) for t in d.tiles],
            filters=[ClickHouseClickStackFilter.from_details(f) for f in d.filters],
            saved_query=d.saved_query,
            saved_query_language=d.saved_query_language,
            saved_filter_values=list(d.saved_filter_values),
            containers=[ClickHouseClickStackContainer.from_details(c) for c in d.containers],
        )


# -- alerts ---------------------------------------------------------------------------------


@strawberry.type(description="Where an alert notifies: email recipients or a webhook")
class ClickHouseClickStackAlertChannel:
    type: str | None = strawberry.field(description="email or webhook")
    email_recipients: list[str] = strawberry.field(description="Recipients of an email alert")
    webhook_id: str | None = strawberry.field(description="The webhook of a webhook alert")
    webhook_service: str | None = strawberry.field(description="The webhook's service type")
    slack_channel_id: str | None = strawberry.field(description="Slack channel (Slack API)")
    severity: str | None = strawberry.field(
        description="critical, error, warning or info (PagerDuty API webhooks)"
    )


@strawberry.type(description="An alert's silence")
class ClickHouseClickStackAlertSilence:
    by: str | None = strawberry.field(description="The user who silenced it")
    at: datetime | None = strawberry.field(description="When the silence began")
    until: datetime | None = strawberry.field(description="When the silence ends")


@strawberry.type(description="An error of an alert's latest evaluation")
class ClickHouseClickStackAlertError:
    timestamp: datetime | None = strawberry.field(description="When it happened")
    type: str | None = strawberry.field(
        description="QUERY_ERROR, WEBHOOK_ERROR, INVALID_ALERT or UNKNOWN"
    )
    message: str | None = strawberry.field(description="What went wrong")


@strawberry.type(description="A ClickStack alert of a ClickHouse service")
class ClickHouseClickStackAlert:
    native_id: str = strawberry.field(description="The vendor's alert ID")
    name: str | None = strawberry.field(description="Alert name")
    message: str | None = strawberry.field(description="Its message template")
    note: str | None = strawberry.field(description="Its note (markdown)")
    state: str | None = strawberry.field(description="ALERT, OK, INSUFFICIENT_DATA or DISABLED")
    source: str | None = strawberry.field(description="tile or saved_search")
    threshold_type: str | None = strawberry.field(
        description="above, below, above_exclusive, below_or_equal, equal, not_equal, "
        "between or not_between"
    )
    threshold: float | None = strawberry.field(description="Threshold (lower bound of a range)")
    threshold_max: float | None = strawberry.field(description="Upper bound of a range")
    interval: str | None = strawberry.field(description="Evaluation interval: 1m ... 1d")
    schedule_offset_minutes: int | None = strawberry.field(
        description="Minutes after each interval boundary it is evaluated"
    )
    schedule_start_at: datetime | None = strawberry.field(
        description="When its evaluation windows start"
    )
    dashboard_id: str | None = strawberry.field(description="A tile alert's dashboard")
    tile_id: str | None = strawberry.field(description="A tile alert's tile")
    saved_search_id: str | None = strawberry.field(description="A saved_search alert's search")
    group_by: str | None = strawberry.field(description="A saved_search alert's group-by key")
    team_id: str | None = strawberry.field(description="The vendor's team ID")
    channel: ClickHouseClickStackAlertChannel | None = strawberry.field(
        description="Where it notifies"
    )
    silenced: ClickHouseClickStackAlertSilence | None = strawberry.field(
        description="Its silence; null when not silenced"
    )
    execution_errors: list[ClickHouseClickStackAlertError] = strawberry.field(
        description="Errors of its latest evaluation"
    )
    created_at: datetime | None = strawberry.field(description="When it was created")
    updated_at: datetime | None = strawberry.field(description="When it last changed")

    @classmethod
    def from_details(cls, a: Alert) -> ClickHouseClickStackAlert:
        c = a.channel
        s = a.silenced
        return cls(
            native_id=a.native_id,
            name=a.name,
            message=a.message,
            note=a.note,
            state=a.state,
            source=a.source,
            threshold_type=a.threshold_type,
            threshold=a.threshold,
            threshold_max=a.threshold_max,
            interval=a.interval,
            schedule_offset_minutes=a.schedule_offset_minutes,
            schedule_start_at=a.schedule_start_at,
            dashboard_id=a.dashboard_id,
            tile_id=a.tile_id,
            saved_search_id=a.saved_search_id,
            group_by=a.group_by,
            team_id=a.team_id,
            channel=None
            if c is None
            else ClickHouseClickStackAlertChannel(
                type=c.type,
                email_recipients=list(c.email_recipients),
                webhook_id=c.webhook_id,
                webhook_service=c.webhook_service,
                slack_channel_id=c.slack_channel_id,
                severity=c.severity,
            ),
            silenced=None
            if s is None
            else ClickHouseClickStackAlertSilence(by=s.by, at=s.at, until=s.until),
            execution_errors=[
                ClickHouseClickStackAlertError(
                    timestamp=e.timestamp, type=e.type, message=e.message
                )
                for e in a.execution_errors
            ],
            created_at=a.created_at,
            updated_at=a.updated_at,
        )


# -- sources --------------------------------------------------------------------------------


@strawberry.type(description="A ClickHouse setting applied when a source is queried")
class ClickHouseClickStackQuerySetting:
    setting: str = strawberry.field(description="Setting name")
    value: str = strawberry.field(description="Its value")


@strawberry.type(description="A column expression of a source")
class ClickHouseClickStackExpression:
    name: str = strawberry.field(
        description="The vendor's field name, e.g. bodyExpression, traceIdExpression"
    )
    expression: str = strawberry.field(description="The column or expression")


@strawberry.type(description="An attribute a source highlights in its trace or row view")
class ClickHouseClickStackHighlightedAttribute:
    sql_expression: str | None = strawberry.field(description="Its SQL expression")
    lucene_expression: str | None = strawberry.field(description="Its Lucene expression")
    alias: str | None = strawberry.field(description="Its alias")

    @classmethod
    def of(cls, a: HighlightedAttribute) -> ClickHouseClickStackHighlightedAttribute:
        return cls(
            sql_expression=a.sql_expression, lucene_expression=a.lucene_expression, alias=a.alias
        )


@strawberry.type(description="A pre-aggregated column of a materialized view")
class ClickHouseClickStackAggregatedColumn:
    source_column: str | None = strawberry.field(description="Source column")
    agg_fn: str | None = strawberry.field(description="Aggregation function, e.g. sum")
    mv_column: str | None = strawberry.field(description="The view's column")


@strawberry.type(description="A materialized view a source's aggregations may read")
class ClickHouseClickStackMaterializedView:
    database: str | None = strawberry.field(description="Its database")
    table: str | None = strawberry.field(description="Its table")
    dimension_columns: str | None = strawberry.field(description="Columns not pre-aggregated")
    min_granularity: str | None = strawberry.field(description="Its time granularity, 1s ... 30d")
    min_date: datetime | None = strawberry.field(description="Earliest time it has data for")
    timestamp_column: str | None = strawberry.field(description="Its timestamp column")
    aggregated_columns: list[ClickHouseClickStackAggregatedColumn] = strawberry.field(
        description="Its pre-aggregated columns"
    )

    @classmethod
    def of(cls, v: MaterializedView) -> ClickHouseClickStackMaterializedView:
        return cls(
            database=v.database,
            table=v.table,
            dimension_columns=v.dimension_columns,
            min_granularity=v.min_granularity,
            min_date=v.min_date,
            timestamp_column=v.timestamp_column,
            aggregated_columns=[
                ClickHouseClickStackAggregatedColumn(
                    source_column=c.source_column, agg_fn=c.agg_fn, mv_column=c.mv_column
                )
                for c in v.aggregated_columns
            ],
        )


@strawberry.type(description="A column a source offers as a filter")
class ClickHouseClickStackFilterColumn:
    name: str = strawberry.field(description="Column name")
    label: str | None = strawberry.field(description="Its label")


@strawberry.type(description="Where a source loads its filters from")
class ClickHouseClickStackFilterSettings:
    database: str | None = strawberry.field(description="ClickHouse database")
    table: str | None = strawberry.field(description="ClickHouse table")
    columns: list[ClickHouseClickStackFilterColumn] = strawberry.field(
        description="Columns offered as filters"
    )


@strawberry.type(description="A metric source's table of one metric type")
class ClickHouseClickStackMetricTable:
    metric_type: str = strawberry.field(
        description="gauge, histogram, sum, summary or exponential histogram"
    )
    table: str = strawberry.field(description="The table")


@strawberry.type(description="Rollup tables a source's field discovery reads")
class ClickHouseClickStackMetadataViews:
    key_rollup_table: str | None = strawberry.field(description="Key rollup table")
    kv_rollup_table: str | None = strawberry.field(description="Key-value rollup table")
    granularity: str | None = strawberry.field(description="Their granularity, e.g. 15m")


@strawberry.type(description="A ClickStack source: a log, trace, metric or session table")
class ClickHouseClickStackSource:
    native_id: str = strawberry.field(description="The vendor's source ID")
    name: str | None = strawberry.field(description="Source name")
    kind: str | None = strawberry.field(description="log, trace, metric or session")
    connection_id: str | None = strawberry.field(description="The ClickHouse connection it uses")
    database: str | None = strawberry.field(description="ClickHouse database")
    table: str | None = strawberry.field(description="ClickHouse table (null for metrics)")
    query_settings: list[ClickHouseClickStackQuerySetting] = strawberry.field(
        description="Settings applied to its queries"
    )
    timestamp_value_expression: str | None = strawberry.field(
        description="Its timestamp column or expression"
    )
    default_table_select_expression: str | None = strawberry.field(
        description="Columns its searches show by default"
    )
    expressions: list[ClickHouseClickStackExpression] = strawberry.field(
        description="Its other column expressions (body, severity, trace and span IDs, ...)"
    )
    duration_precision: int | None = strawberry.field(
        description="Decimal digits of a trace source's durations (3: ms, 9: ns)"
    )
    log_source_id: str | None = strawberry.field(description="Its related log source")
    trace_source_id: str | None = strawberry.field(description="Its related trace source")
    metric_source_id: str | None = strawberry.field(description="Its related metric source")
    session_source_id: str | None = strawberry.field(description="Its related session source")
    metric_tables: list[ClickHouseClickStackMetricTable] = strawberry.field(
        description="A metric source's tables by metric type"
    )
    filter_settings: ClickHouseClickStackFilterSettings | None = strawberry.field(
        description="Where its filters come from"
    )
    highlighted_trace_attributes: list[ClickHouseClickStackHighlightedAttribute] = strawberry.field(
        description="Attributes shown in its trace view"
    )
    highlighted_row_attributes: list[ClickHouseClickStackHighlightedAttribute] = strawberry.field(
        description="Attributes shown in its row panel"
    )
    materialized_views: list[ClickHouseClickStackMaterializedView] = strawberry.field(
        description="Materialized views that speed up its aggregations"
    )
    metadata_materialized_views: ClickHouseClickStackMetadataViews | None = strawberry.field(
        description="Its field discovery rollup tables"
    )

    @classmethod
    def from_details(cls, s: Source) -> ClickHouseClickStackSource:
        f = s.filter_settings
        mv = s.metadata_materialized_views
        return cls(
            native_id=s.native_id,
            name=s.name,
            kind=s.kind,
            connection_id=s.connection_id,
            database=s.database,
            table=s.table,
            query_settings=[
                ClickHouseClickStackQuerySetting(setting=k, value=v) for k, v in s.query_settings
            ],
            timestamp_value_expression=s.timestamp_value_expression,
            default_table_select_expression=s.default_table_select_expression,
            expressions=[
                ClickHouseClickStackExpression(name=k, expression=v) for k, v in s.expressions
            ],
            duration_precision=s.duration_precision,
            log_source_id=s.log_source_id,
            trace_source_id=s.trace_source_id,
            metric_source_id=s.metric_source_id,
            session_source_id=s.session_source_id,
            metric_tables=[
                ClickHouseClickStackMetricTable(metric_type=k, table=t) for k, t in s.metric_tables
            ],
            filter_settings=None
            if f is None
            else ClickHouseClickStackFilterSettings(
                database=f.database,
                table=f.table,
                columns=[
                    ClickHouseClickStackFilterColumn(name=n, label=label) for n, label in f.columns
                ],
            ),
            highlighted_trace_attributes=[
                ClickHouseClickStackHighlightedAttribute.of(a)
                for a in s.highlighted_trace_attributes
            ],
            highlighted_row_attributes=[
                ClickHouseClickStackHighlightedAttribute.of(a) for a in s.highlighted_row_attributes
            ],
            materialized_views=[
                ClickHouseClickStackMaterializedView.of(v) for v in s.materialized_views
            ],
            metadata_materialized_views=None
            if mv is None
            else ClickHouseClickStackMetadataViews(
                key_rollup_table=mv.key_rollup_table,
                kv_rollup_table=mv.kv_rollup_table,
                granularity=mv.granularity,
            ),
        )


# -- webhooks -------------------------------------------------------------------------------


@strawberry.type(
    description="A ClickStack webhook (an alert destination); its URL and body template are "
    "never answered (they carry its token)"
)
class ClickHouseClickStackWebhook:
    native_id: str = strawberry.field(description="The vendor's webhook ID")
    name: str | None = strawberry.field(description="Webhook name")
    service: str | None = strawberry.field(
        description="slack, incidentio, generic, slack_api or pagerduty_api"
    )
    description: str | None = strawberry.field(description="Its description")
    url_host: str | None = strawberry.field(
        description="The host its URL points at (the rest of the URL is a secret)"
    )
    has_body_template: bool = strawberry.field(
        description="Whether it has a request body template (never answered)"
    )
    created_at: datetime | None = strawberry.field(description="When it was created")
    updated_at: datetime | None = strawberry.field(description="When it last changed")

    @classmethod
    def from_details(cls, w: Webhook) -> ClickHouseClickStackWebhook:
        return cls(
            native_id=w.native_id,
            name=w.name,
            service=w.service,
            description=w.description,
            url_host=w.url_host,
            has_body_template=w.has_body_template,
            created_at=w.created_at,
            updated_at=w.updated_at,
        )


# -- the service's ClickStack ----------------------------------------------------------------


@strawberry.type(
    name="ClickHouseClickStack",
    description="ClickStack (observability) on a ClickHouse service: each field is one call",
)
class ClickHouseClickStackType:
    connection: strawberry.Private[str]
    database: strawberry.Private[Key]

    async def _page(
        self, info: Info, listing: Any, order: Order[Any], args: PageArgs, node: Callable[[Any], N]
    ) -> Connection[N]:
        """A page of one of the service's ClickStack lists (one call for the whole list)."""
        found = (
            await context_of(info).loaders.single(listing).load((self.connection, self.database))
        )
        return page_of(found, order, args, node)

    async def _one(
        self, info: Info, single: Any, native_id: str, node: Callable[[Any], N]
    ) -> N | None:
        """One of the service's ClickStack objects; None where it has no such object."""
        loader = context_of(info).loaders.single(single)
        found = await loader.load((self.connection, (*self.database, native_id)))
        return node(found) if found else None

    @strawberry.field(description="Its dashboards, by name (one call for all of them)")
    async def dashboards(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ClickHouseClickStackDashboard]:
        args = PageArgs(first, after, last, before)
        return await self._page(
            info, DASHBOARDS, DASHBOARD_ORDER, args, ClickHouseClickStackDashboard.from_details
        )

    @strawberry.field(description="One dashboard; null if it has no such dashboard (one call)")
    async def dashboard(
        self,
        info: Info,
        dashboard_id: Annotated[str, strawberry.argument(description="The dashboard's nativeId")],
    ) -> ClickHouseClickStackDashboard | None:
        return await self._one(
            info, DASHBOARD, dashboard_id, ClickHouseClickStackDashboard.from_details
        )

    @strawberry.field(description="Its alerts, by name (one call for all of them)")
    async def alerts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ClickHouseClickStackAlert]:
        args = PageArgs(first, after, last, before)
        return await self._page(
            info, ALERTS, ALERT_ORDER, args, ClickHouseClickStackAlert.from_details
        )

    @strawberry.field(description="One alert; null if it has no such alert (one call)")
    async def alert(
        self,
        info: Info,
        alert_id: Annotated[str, strawberry.argument(description="The alert's nativeId")],
    ) -> ClickHouseClickStackAlert | None:
        return await self._one(info, ALERT, alert_id, ClickHouseClickStackAlert.from_details)

    @strawberry.field(description="Its sources (log, trace, metric, session), by name (one call)")
    async def sources(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ClickHouseClickStackSource]:
        args = PageArgs(first, after, last, before)
        return await self._page(
            info, SOURCES, SOURCE_ORDER, args, ClickHouseClickStackSource.from_details
        )

    @strawberry.field(
        description="Its webhooks (alert destinations), by name (one call); URLs never answered"
    )
    async def webhooks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ClickHouseClickStackWebhook]:
        args = PageArgs(first, after, last, before)
        return await self._page(
            info, WEBHOOKS, WEBHOOK_ORDER, args, ClickHouseClickStackWebhook.from_details
        )


@strawberry.type(description="The ClickStack field of a ClickHouse service")
class ClickHouseClickStackFields:
    if TYPE_CHECKING:
        record: DatabaseRecord

    @strawberry.field(
        description="Its ClickStack dashboards, alerts, sources and webhooks (no call itself)"
    )
    def click_stack(self) -> ClickHouseClickStackType:
        return ClickHouseClickStackType(
            connection=self.record.connection.name, database=self.record.key
        )
