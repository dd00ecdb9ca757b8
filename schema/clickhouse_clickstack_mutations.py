"""Writes of a ClickHouse service's ClickStack (2026-06 spec): dashboards and alerts created,
replaced or changed, and deleted. Each is an update of the database (``UPDATE_DATABASE``)
through the ``ClickHouseClickStack`` protocol; another vendor's database is NOT_SUPPORTED
before any call, and the spec's rules are the adapter's to check before its call. The
mutations live on a base type that ``Mutation`` inherits.

A dashboard is an operator's day-to-day work (it reads what the service already holds);
an alert is an admin's (it sends query results to email recipients or a webhook), as are
deletes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.base import Adapter
from adapters.clickstack_details import (
    Alert,
    AlertWrite,
    ChannelWrite,
    ClickHouseClickStack,
    ContainerWrite,
    Dashboard,
    DashboardWrite,
    FilterWrite,
    TileWrite,
)
from adapters.errors import InvalidInputError
from adapters.model import Key, Operation
from schema.enum_descriptions import describe
from schema.kinds import DATABASE
from schema.mutation_runner import Target, created_once, run, target
from schema.permissions import admin, operator
from schema.reconcile import CREATIONS, Creation, Kept, only, since_ok
from schema.vendor_types.clickhouse_clickstack import (
    ClickHouseClickStackAlert,
    ClickHouseClickStackDashboard,
    stack_of,
)

DATABASE_ID = "The Database (a ClickHouse service)"
DASHBOARD_ID = "The dashboard's nativeId"
ALERT_ID = "The alert's nativeId"

# -- enums ----------------------------------------------------------------------------------


class ClickHouseClickStackLanguage(Enum):
    SQL = "sql"
    LUCENE = "lucene"


ClickHouseClickStackLanguageEnum = describe(
    strawberry.enum(ClickHouseClickStackLanguage, description="A ClickStack query language"),
    {"SQL": "A SQL condition", "LUCENE": "A Lucene search"},
)


class ClickHouseClickStackMetricType(Enum):
    SUM = "sum"
    GAUGE = "gauge"
    HISTOGRAM = "histogram"
    SUMMARY = "summary"
    EXPONENTIAL_HISTOGRAM = "exponential histogram"


ClickHouseClickStackMetricTypeEnum = describe(
    strawberry.enum(ClickHouseClickStackMetricType, description="An OpenTelemetry metric type"),
    {
        "SUM": "Sums (counters)",
        "GAUGE": "Gauges",
        "HISTOGRAM": "Histograms",
        "SUMMARY": "Summaries",
        "EXPONENTIAL_HISTOGRAM": "Exponential histograms",
    },
)


class ClickHouseClickStackAlertSource(Enum):
    TILE = "tile"
    SAVED_SEARCH = "saved_search"


ClickHouseClickStackAlertSourceEnum = describe(
    strawberry.enum(ClickHouseClickStackAlertSource, description="What an alert watches"),
    {
        "TILE": "A line, stacked bar or number tile of a dashboard",
        "SAVED_SEARCH": "A saved search",
    },
)


class ClickHouseClickStackThresholdType(Enum):
    ABOVE = "above"
    BELOW = "below"
    ABOVE_EXCLUSIVE = "above_exclusive"
    BELOW_OR_EQUAL = "below_or_equal"
    EQUAL = "equal"
    NOT_EQUAL = "not_equal"
    BETWEEN = "between"
    NOT_BETWEEN = "not_between"


ClickHouseClickStackThresholdTypeEnum = describe(
    strawberry.enum(ClickHouseClickStackThresholdType, description="How a value is compared"),
    {
        "ABOVE": "At least the threshold",
        "BELOW": "Below the threshold",
        "ABOVE_EXCLUSIVE": "Strictly above the threshold",
        "BELOW_OR_EQUAL": "At most the threshold",
        "EQUAL": "Equal to the threshold",
        "NOT_EQUAL": "Not equal to the threshold",
        "BETWEEN": "From threshold to thresholdMax",
        "NOT_BETWEEN": "Outside threshold to thresholdMax",
    },
)


class ClickHouseClickStackAlertInterval(Enum):
    ONE_MINUTE = "1m"
    FIVE_MINUTES = "5m"
    FIFTEEN_MINUTES = "15m"
    THIRTY_MINUTES = "30m"
    ONE_HOUR = "1h"
    SIX_HOURS = "6h"
    TWELVE_HOURS = "12h"
    ONE_DAY = "1d"


ClickHouseClickStackAlertIntervalEnum = describe(
    strawberry.enum(ClickHouseClickStackAlertInterval, description="How often an alert runs"),
    {
        "ONE_MINUTE": "Every minute (1m)",
        "FIVE_MINUTES": "Every 5 minutes (5m)",
        "FIFTEEN_MINUTES": "Every 15 minutes (15m)",
        "THIRTY_MINUTES": "Every 30 minutes (30m)",
        "ONE_HOUR": "Every hour (1h)",
        "SIX_HOURS": "Every 6 hours (6h)",
        "TWELVE_HOURS": "Every 12 hours (12h)",
        "ONE_DAY": "Every day (1d)",
    },
)


class ClickHouseClickStackChannelType(Enum):
    EMAIL = "email"
    WEBHOOK = "webhook"


ClickHouseClickStackChannelTypeEnum = describe(
    strawberry.enum(ClickHouseClickStackChannelType, description="How an alert notifies"),
    {"EMAIL": "By email", "WEBHOOK": "Through one of the service's webhooks"},
)


class ClickHouseClickStackSeverity(Enum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


ClickHouseClickStackSeverityEnum = describe(
    strawberry.enum(ClickHouseClickStackSeverity, description="A PagerDuty severity"),
    {"CRITICAL": "critical", "ERROR": "error", "WARNING": "warning", "INFO": "info"},
)


def _value(e: Enum | None) -> Any:
    return None if e is None else e.value


# -- dashboard inputs -------------------------------------------------------------------------


@strawberry.input(description="A dashboard tile")
class ClickHouseClickStackTileInput:
    name: str = strawberry.field(description="Its display name")
    x: int = strawberry.field(description="Column in the grid (0-based)")
    y: int = strawberry.field(description="Row in the grid (0-based)")
    w: int = strawberry.field(description="Width in grid units (at least 1)")
    h: int = strawberry.field(description="Height in grid units (at least 1)")
    config: JSON | None = strawberry.field(
        default=None,
        description="The chart definition in the ClickHouse Cloud API's shape "
        "(ClickStackTileConfig): an object whose displayType is line, stacked_bar, table, "
        "number, pie, heatmap, search or markdown, at most 64 KiB",
    )
    id: str | None = strawberry.field(
        default=None, description="Its ID, to keep an existing tile (omit for a new one)"
    )
    container_id: str | None = strawberry.field(
        default=None, description="The container it is in (one of the dashboard's)"
    )
    tab_id: str | None = strawberry.field(
        default=None, description="The tab of its container it is on"
    )


@strawberry.input(description="A dashboard filter key")
class ClickHouseClickStackFilterInput:
    name: str = strawberry.field(description="Its display name")
    expression: str = strawberry.field(description="The key expression it filters on")
    source_id: str = strawberry.field(description="The source it applies to")
    source_metric_type: ClickHouseClickStackMetricType | None = strawberry.field(
        default=None, description="Metric type, for a metric source"
    )
    where: str | None = strawberry.field(
        default=None, description="Which rows it reads values from"
    )
    where_language: ClickHouseClickStackLanguage | None = strawberry.field(
        default=None, description="The language of where"
    )
    id: str | None = strawberry.field(
        default=None,
        description="Its ID: required when replacing a dashboard, never given for a new one",
    )


@strawberry.input(description="A tab of a dashboard container")
class ClickHouseClickStackContainerTabInput:
    id: str = strawberry.field(description="Its ID within the container")
    title: str = strawberry.field(description="Its title")


@strawberry.input(description="A group of a dashboard's tiles")
class ClickHouseClickStackContainerInput:
    id: str = strawberry.field(description="Its ID within the dashboard")
    title: str = strawberry.field(description="Its title")
    collapsed: bool = strawberry.field(description="Collapsed by default")
    collapsible: bool | None = strawberry.field(
        default=None, description="Whether viewers may collapse it"
    )
    bordered: bool | None = strawberry.field(default=None, description="Whether it has a border")
    tabs: list[ClickHouseClickStackContainerTabInput] | None = strawberry.field(
        default=None, description="Its tabs (two or more show a tab bar)"
    )


TILES = "Its tiles (at most 200)"
TAGS = "Its tags"
FILTERS = "Its filter keys"
SAVED_QUERY = "Default query restored on load"
SAVED_LANGUAGE = "savedQuery's language"
SAVED_VALUES = "Default filter values restored on load (SQL conditions)"
CONTAINERS = "Groups of its tiles"


@strawberry.input(description="A new ClickStack dashboard")
class CreateClickHouseClickStackDashboardInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    name: str = strawberry.field(description="Dashboard name")
    tiles: list[ClickHouseClickStackTileInput] = strawberry.field(description=TILES)
    tags: list[str] | None = strawberry.field(default=None, description=TAGS)
    filters: list[ClickHouseClickStackFilterInput] | None = strawberry.field(
        default=None, description=FILTERS
    )
    saved_query: str | None = strawberry.field(default=None, description=SAVED_QUERY)
    saved_query_language: ClickHouseClickStackLanguage | None = strawberry.field(
        default=None, description=SAVED_LANGUAGE
    )
    saved_filter_values: list[str] | None = strawberry.field(default=None, description=SAVED_VALUES)
    containers: list[ClickHouseClickStackContainerInput] | None = strawberry.field(
        default=None, description=CONTAINERS
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key within 10 minutes returns the first result",
    )


@strawberry.input(description="A ClickStack dashboard, whole, replacing what it was")
class UpdateClickHouseClickStackDashboardInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    dashboard_id: str = strawberry.field(description=DASHBOARD_ID)
    name: str = strawberry.field(description="Dashboard name")
    tiles: list[ClickHouseClickStackTileInput] = strawberry.field(
        description=TILES + "; existing ones matched by id, the others new"
    )
    tags: list[str] | None = strawberry.field(default=None, description=TAGS)
    filters: list[ClickHouseClickStackFilterInput] | None = strawberry.field(
        default=None, description=FILTERS + ", each with its id"
    )
    saved_query: str | None = strawberry.field(default=None, description=SAVED_QUERY)
    saved_query_language: ClickHouseClickStackLanguage | None = strawberry.field(
        default=None, description=SAVED_LANGUAGE
    )
    saved_filter_values: list[str] | None = strawberry.field(default=None, description=SAVED_VALUES)
    containers: list[ClickHouseClickStackContainerInput] | None = strawberry.field(
        default=None, description=CONTAINERS
    )


@strawberry.input(description="A ClickStack dashboard to delete")
class ClickHouseClickStackDashboardRefInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    dashboard_id: str = strawberry.field(description=DASHBOARD_ID)


# -- alert inputs -----------------------------------------------------------------------------


@strawberry.input(description="Where an alert notifies")
class ClickHouseClickStackAlertChannelInput:
    type: ClickHouseClickStackChannelType = strawberry.field(description="Email or webhook")
    email_recipients: list[str] | None = strawberry.field(
        default=None, description="Recipients; required for EMAIL"
    )
    webhook_id: str | None = strawberry.field(
        default=None, description="One of the service's webhooks; required for WEBHOOK"
    )
    webhook_service: str | None = strawberry.field(
        default=None, description="The webhook's service type, e.g. slack_api"
    )
    slack_channel_id: str | None = strawberry.field(
        default=None, description="Slack channel (Slack API webhooks)"
    )
    severity: ClickHouseClickStackSeverity | None = strawberry.field(
        default=None, description="Severity (PagerDuty API webhooks)"
    )


THRESHOLD_MAX = "Upper bound, at least threshold; required for BETWEEN and NOT_BETWEEN"
OFFSET = "Minutes after each interval boundary to evaluate, less than the interval"
START_AT = "When its evaluation windows start"
DASHBOARD_OF = "A TILE alert's dashboard (required for TILE)"
TILE_OF = "A TILE alert's tile: a line, stacked bar or number tile (required for TILE)"
SEARCH_OF = "A SAVED_SEARCH alert's saved search (required for SAVED_SEARCH)"
GROUP_BY = "A SAVED_SEARCH alert's group-by key"


@strawberry.input(description="A new ClickStack alert")
class CreateClickHouseClickStackAlertInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    source: ClickHouseClickStackAlertSource = strawberry.field(description="What it watches")
    threshold: float = strawberry.field(description="Threshold (lower bound of a range)")
    threshold_type: ClickHouseClickStackThresholdType = strawberry.field(
        description="How the value is compared"
    )
    interval: ClickHouseClickStackAlertInterval = strawberry.field(description="How often")
    channel: ClickHouseClickStackAlertChannelInput = strawberry.field(
        description="Where it notifies"
    )
    threshold_max: float | None = strawberry.field(default=None, description=THRESHOLD_MAX)
    schedule_offset_minutes: int | None = strawberry.field(default=None, description=OFFSET)
    schedule_start_at: datetime | None = strawberry.field(default=None, description=START_AT)
    dashboard_id: str | None = strawberry.field(default=None, description=DASHBOARD_OF)
    tile_id: str | None = strawberry.field(default=None, description=TILE_OF)
    saved_search_id: str | None = strawberry.field(default=None, description=SEARCH_OF)
    group_by: str | None = strawberry.field(default=None, description=GROUP_BY)
    name: str | None = strawberry.field(default=None, description="Alert name")
    message: str | None = strawberry.field(default=None, description="Its message template")
    note: str | None = strawberry.field(default=None, description="Its note (markdown)")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key within 10 minutes returns the first result",
    )


@strawberry.input(description="Changes to a ClickStack alert (unset fields stay)")
class UpdateClickHouseClickStackAlertInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    alert_id: str = strawberry.field(description=ALERT_ID)
    source: ClickHouseClickStackAlertSource | None = strawberry.field(
        default=None, description="What it watches"
    )
    threshold: float | None = strawberry.field(
        default=None, description="Threshold (lower bound of a range)"
    )
    threshold_type: ClickHouseClickStackThresholdType | None = strawberry.field(
        default=None, description="How the value is compared"
    )
    interval: ClickHouseClickStackAlertInterval | None = strawberry.field(
        default=None, description="How often"
    )
    channel: ClickHouseClickStackAlertChannelInput | None = strawberry.field(
        default=None, description="Where it notifies (whole)"
    )
    threshold_max: float | None = strawberry.field(default=None, description=THRESHOLD_MAX)
    schedule_offset_minutes: int | None = strawberry.field(default=None, description=OFFSET)
    schedule_start_at: datetime | None = strawberry.field(default=None, description=START_AT)
    dashboard_id: str | None = strawberry.field(default=None, description=DASHBOARD_OF)
    tile_id: str | None = strawberry.field(default=None, description=TILE_OF)
    saved_search_id: str | None = strawberry.field(default=None, description=SEARCH_OF)
    group_by: str | None = strawberry.field(default=None, description=GROUP_BY)
    name: str | None = strawberry.field(default=None, description="Alert name")
    message: str | None = strawberry.field(default=None, description="Its message template")
    note: str | None = strawberry.field(default=None, description="Its note (markdown)")


@strawberry.input(description="A ClickStack alert to delete")
class ClickHouseClickStackAlertRefInput:
    id: strawberry.ID = strawberry.field(description=DATABASE_ID)
    alert_id: str = strawberry.field(description=ALERT_ID)


# -- payloads -------------------------------------------------------------------------------


@strawberry.type(description="A ClickStack dashboard after a change")
class ClickHouseClickStackDashboardPayload:
    dashboard: ClickHouseClickStackDashboard = strawberry.field(
        description="The dashboard as the vendor answers it"
    )


@strawberry.type(description="A new ClickStack dashboard")
class CreateClickHouseClickStackDashboardPayload:
    dashboard: ClickHouseClickStackDashboard = strawberry.field(
        description="The dashboard as the vendor answers it"
    )
    replayed: bool = strawberry.field(
        description="True when this answer repeats an earlier call with the same idempotencyKey"
    )


@strawberry.type(description="A deleted ClickStack dashboard")
class DeleteClickHouseClickStackDashboardPayload:
    deleted_dashboard_id: str = strawberry.field(description="The deleted dashboard's nativeId")


@strawberry.type(description="A ClickStack alert after a change")
class ClickHouseClickStackAlertPayload:
    alert: ClickHouseClickStackAlert = strawberry.field(
        description="The alert as the vendor answers it"
    )


@strawberry.type(description="A new ClickStack alert")
class CreateClickHouseClickStackAlertPayload:
    alert: ClickHouseClickStackAlert = strawberry.field(
        description="The alert as the vendor answers it"
    )
    replayed: bool = strawberry.field(
        description="True when this answer repeats an earlier call with the same idempotencyKey"
    )


@strawberry.type(description="A deleted ClickStack alert")
class DeleteClickHouseClickStackAlertPayload:
    deleted_alert_id: str = strawberry.field(description="The deleted alert's nativeId")


# -- resolvers ------------------------------------------------------------------------------


def _service(info: Info, database_id: str) -> tuple[Target, ClickHouseClickStack]:
    t = target(info, database_id, DATABASE, Operation.UPDATE_DATABASE)
    return t, stack_of(t.adapter)


def _config(value: Any, index: int) -> Any:
    if value is not None and not isinstance(value, dict):
        raise InvalidInputError(("input", "tiles", str(index), "config"), "must be an object")
    return value


def _dashboard(
    input: CreateClickHouseClickStackDashboardInput | UpdateClickHouseClickStackDashboardInput,
) -> DashboardWrite:
    return DashboardWrite(
        name=input.name,
        tiles=tuple(
            TileWrite(
                name=t.name,
                x=t.x,
                y=t.y,
                w=t.w,
                h=t.h,
                config=_config(t.config, i),
                id=t.id,
                container_id=t.container_id,
                tab_id=t.tab_id,
            )
            for i, t in enumerate(input.tiles)
        ),
        tags=None if input.tags is None else tuple(input.tags),
        filters=None
        if input.filters is None
        else tuple(
            FilterWrite(
                name=f.name,
                expression=f.expression,
                source_id=f.source_id,
                source_metric_type=_value(f.source_metric_type),
                where=f.where,
                where_language=_value(f.where_language),
                id=f.id,
            )
            for f in input.filters
        ),
        saved_query=input.saved_query,
        saved_query_language=_value(input.saved_query_language),
        saved_filter_values=None
        if input.saved_filter_values is None
        else tuple(input.saved_filter_values),
        containers=None
        if input.containers is None
        else tuple(
            ContainerWrite(
                id=c.id,
                title=c.title,
                collapsed=c.collapsed,
                collapsible=c.collapsible,
                bordered=c.bordered,
                tabs=None if c.tabs is None else tuple((tab.id, tab.title) for tab in c.tabs),
            )
            for c in input.containers
        ),
    )


def _alert(
    input: CreateClickHouseClickStackAlertInput | UpdateClickHouseClickStackAlertInput,
) -> AlertWrite:
    c = input.channel
    return AlertWrite(
        source=_value(input.source),
        threshold=input.threshold,
        threshold_type=_value(input.threshold_type),
        interval=_value(input.interval),
        channel=None
        if c is None
        else ChannelWrite(
            type=c.type.value,
            email_recipients=None if c.email_recipients is None else tuple(c.email_recipients),
            webhook_id=c.webhook_id,
            webhook_service=c.webhook_service,
            slack_channel_id=c.slack_channel_id,
            severity=_value(c.severity),
        ),
        threshold_max=input.threshold_max,
        schedule_offset_minutes=input.schedule_offset_minutes,
        schedule_start_at=input.schedule_start_at,
        dashboard_id=input.dashboard_id,
        tile_id=input.tile_id,
        saved_search_id=input.saved_search_id,
        group_by=input.group_by,
        name=input.name,
        message=input.message,
        note=input.note,
    )


@dataclass(frozen=True)
class CreateDashboard:
    """What an idempotent dashboard create is known by: a retry finds it by its name, tags
    and tiles (the spec answers no creation time for a dashboard)."""

    database: Key
    write: DashboardWrite


@dataclass(frozen=True)
class CreateAlert:
    """What an idempotent alert create is known by: a retry finds it by what it watches,
    its threshold and interval, its name, and its creation time."""

    database: Key
    write: AlertWrite


def _keep_dashboard(created: Dashboard) -> Kept:
    return {"dashboard": [created.native_id]}


def _keep_alert(created: Alert) -> Kept:
    return {"alert": [created.native_id]}


async def _find_dashboard(adapter: Adapter, command: CreateDashboard, since: float) -> Kept | None:
    listed = await stack_of(adapter).list_clickstack_dashboards(command.database)
    candidates = [d for d in listed if _same_dashboard(d, command.write)]
    found = only(candidates, f"ClickStack dashboards named '{command.write.name}'", adapter)
    return None if found is None else {"dashboard": [found.native_id]}


def _same_dashboard(d: Dashboard, w: DashboardWrite) -> bool:
    """Its name, tags and tiles (by name and place) are the write's: a dashboard that was
    there before with only the same name is not taken for the attempt's."""
    return (
        d.name == w.name
        and d.tags == (w.tags or ())
        and [(t.name, t.x, t.y, t.w, t.h) for t in d.tiles]
        == [(t.name, t.x, t.y, t.w, t.h) for t in w.tiles]
    )


def _same_alert(a: Alert, w: AlertWrite) -> bool:
    return (
        a.name == w.name
        and a.source == w.source
        and a.threshold == w.threshold
        and a.threshold_type == w.threshold_type
        and a.interval == w.interval
        and a.dashboard_id == w.dashboard_id
        and a.tile_id == w.tile_id
        and a.saved_search_id == w.saved_search_id
    )


async def _find_alert(adapter: Adapter, command: CreateAlert, since: float) -> Kept | None:
    listed = await stack_of(adapter).list_clickstack_alerts(command.database)
    candidates = [
        a for a in listed if _same_alert(a, command.write) and since_ok(a.created_at, since)
    ]
    found = only(candidates, "ClickStack alerts", adapter)
    return None if found is None else {"alert": [found.native_id]}


# registered here, beside the only mutations that make them, rather than in schema.reconcile
CREATIONS[CreateDashboard] = Creation(_keep_dashboard, _find_dashboard)
CREATIONS[CreateAlert] = Creation(_keep_alert, _find_alert)


async def create_dashboard(
    info: Info,
    input: Annotated[
        CreateClickHouseClickStackDashboardInput,
        strawberry.argument(description="The service and the new dashboard"),
    ],
) -> CreateClickHouseClickStackDashboardPayload:
    t, stack = _service(info, input.id)
    command = CreateDashboard(t.key, _dashboard(input))

    async def create(c: CreateDashboard) -> Dashboard:
        return await stack.create_clickstack_dashboard(c.database, c.write)

    dashboard, replayed = await created_once(
        t,
        Operation.UPDATE_DATABASE,
        input.idempotency_key,
        command,
        create,
        "dashboard",
        lambda native_id: stack.get_clickstack_dashboard(t.key, native_id),
    )
    return CreateClickHouseClickStackDashboardPayload(
        dashboard=ClickHouseClickStackDashboard.from_details(dashboard), replayed=replayed
    )


async def update_dashboard(
    info: Info,
    input: Annotated[
        UpdateClickHouseClickStackDashboardInput,
        strawberry.argument(description="The dashboard and what it is now"),
    ],
) -> ClickHouseClickStackDashboardPayload:
    t, stack = _service(info, input.id)
    write = _dashboard(input)
    found = await run(
        t, lambda: stack.update_clickstack_dashboard(t.key, input.dashboard_id, write)
    )
    return ClickHouseClickStackDashboardPayload(
        dashboard=ClickHouseClickStackDashboard.from_details(found)
    )


async def delete_dashboard(
    info: Info,
    input: Annotated[
        ClickHouseClickStackDashboardRefInput, strawberry.argument(description="The dashboard")
    ],
) -> DeleteClickHouseClickStackDashboardPayload:
    t, stack = _service(info, input.id)
    await run(t, lambda: stack.delete_clickstack_dashboard(t.key, input.dashboard_id))
    return DeleteClickHouseClickStackDashboardPayload(deleted_dashboard_id=input.dashboard_id)


async def create_alert(
    info: Info,
    input: Annotated[
        CreateClickHouseClickStackAlertInput,
        strawberry.argument(description="The service and the new alert"),
    ],
) -> CreateClickHouseClickStackAlertPayload:
    t, stack = _service(info, input.id)
    command = CreateAlert(t.key, _alert(input))

    async def create(c: CreateAlert) -> Alert:
        return await stack.create_clickstack_alert(c.database, c.write)

    alert, replayed = await created_once(
        t,
        Operation.UPDATE_DATABASE,
        input.idempotency_key,
        command,
        create,
        "alert",
        lambda native_id: stack.get_clickstack_alert(t.key, native_id),
    )
    return CreateClickHouseClickStackAlertPayload(
        alert=ClickHouseClickStackAlert.from_details(alert), replayed=replayed
    )


async def update_alert(
    info: Info,
    input: Annotated[
        UpdateClickHouseClickStackAlertInput,
        strawberry.argument(description="The alert and its changes"),
    ],
) -> ClickHouseClickStackAlertPayload:
    t, stack = _service(info, input.id)
    write = _alert(input)
    found = await run(t, lambda: stack.update_clickstack_alert(t.key, input.alert_id, write))
    return ClickHouseClickStackAlertPayload(alert=ClickHouseClickStackAlert.from_details(found))


async def delete_alert(
    info: Info,
    input: Annotated[
        ClickHouseClickStackAlertRefInput, strawberry.argument(description="The alert")
    ],
) -> DeleteClickHouseClickStackAlertPayload:
    t, stack = _service(info, input.id)
    await run(t, lambda: stack.delete_clickstack_alert(t.key, input.alert_id))
    return DeleteClickHouseClickStackAlertPayload(deleted_alert_id=input.alert_id)


@strawberry.type(description="The ClickStack writes of a ClickHouse service")
class ClickHouseClickStackMutations:
    create_clickhouse_clickstack_dashboard = strawberry.mutation(
        resolver=create_dashboard,
        name="createClickHouseClickStackDashboard",
        description="Create a ClickStack dashboard on a ClickHouse service",
        extensions=operator("day-to-day observability: it reads what the service holds"),
    )
    update_clickhouse_clickstack_dashboard = strawberry.mutation(
        resolver=update_dashboard,
        name="updateClickHouseClickStackDashboard",
        description="Replace a ClickStack dashboard (name, tiles, filters, containers, ...)",
        extensions=operator("day-to-day observability: it reads what the service holds"),
    )
    delete_clickhouse_clickstack_dashboard = strawberry.mutation(
        resolver=delete_dashboard,
        name="deleteClickHouseClickStackDashboard",
        description="Delete a ClickStack dashboard",
        extensions=admin("a delete; alerts on its tiles stop watching anything"),
    )
    create_clickhouse_clickstack_alert = strawberry.mutation(
        resolver=create_alert,
        name="createClickHouseClickStackAlert",
        description="Create a ClickStack alert on a dashboard tile or saved search",
        extensions=admin("sends query results to email recipients or a webhook"),
    )
    update_clickhouse_clickstack_alert = strawberry.mutation(
        resolver=update_alert,
        name="updateClickHouseClickStackAlert",
        description="Change a ClickStack alert: its threshold, schedule, channel or text",
        extensions=admin("sends query results to email recipients or a webhook"),
    )
    delete_clickhouse_clickstack_alert = strawberry.mutation(
        resolver=delete_alert,
        name="deleteClickHouseClickStackAlert",
        description="Delete a ClickStack alert",
        extensions=admin("a delete: the monitoring it did stops"),
    )
