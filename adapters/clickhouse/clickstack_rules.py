"""ClickStack writes -> checked request bodies (2026-06 spec), before any upstream call.

The spec's enums, required fields and the rules its descriptions state (a tile's tab needs
its container, and the container that tab; ``between`` thresholds need an upper bound at
least the lower one; a schedule offset within the interval) are checked here, naming the
input field. A tile's chart definition is taken in the spec's own shape (sixteen variants):
its kind (``displayType``) and size are checked, its fields are the vendor's to refuse.
Bounds the spec does not give are marked "our reading". The tables below are transcribed
from the spec; ``tests/clickhouse/test_clickstack_spec.py`` holds them to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from adapters.clickhouse.validation import Invalid
from adapters.clickstack_details import (
    DISPLAY_TYPES,
    AlertWrite,
    ChannelWrite,
    ContainerWrite,
    DashboardWrite,
    FilterWrite,
    TileWrite,
)
from adapters.timeparse import iso

#: our reading: the vendor's IDs are 24 hex digits (MongoDB ObjectIds) in every example;
#: the spec types them as strings, so any short URL-safe token is let through
NATIVE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
LANGUAGES = ("sql", "lucene")
METRIC_TYPES = ("sum", "gauge", "histogram", "summary", "exponential histogram")
INTERVALS = ("1m", "5m", "15m", "30m", "1h", "6h", "12h", "1d")
INTERVAL_MINUTES = {
    "1m": 1,
    "5m": 5,
    "15m": 15,
    "30m": 30,
    "1h": 60,
    "6h": 360,
    "12h": 720,
    "1d": 1440,
}
SOURCES = ("saved_search", "tile")
THRESHOLD_TYPES = (
    "above",
    "below",
    "above_exclusive",
    "below_or_equal",
    "equal",
    "not_equal",
    "between",
    "not_between",
)
RANGED = ("between", "not_between")
CHANNEL_TYPES = ("webhook", "email")
SEVERITIES = ("critical", "error", "warning", "info")
#: our reading: the spec bounds none of these
MAX_NAME = 1024
MAX_TEXT = 16 * 1024
MAX_CONFIG_BYTES = 64 * 1024
MAX_CONFIG_DEPTH = 8
MAX_TILES = 200
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}")


def native_id(value: str, field: str | tuple[str, ...], invalid: Invalid) -> str:
    if not NATIVE_ID.fullmatch(value):
        raise invalid(
            (field,) if isinstance(field, str) else field,
            "must be the vendor's ID (letters, digits, - and _)",
        )
    return value


def _text(value: str | None, field: tuple[str, ...], invalid: Invalid, limit: int) -> str | None:
    if value is not None and (not value.strip() or len(value) > limit):
        raise invalid(field, f"must be 1 to {limit} characters, not blank")
    return value


def _one_of(
    value: str | None, allowed: tuple[str, ...], field: tuple[str, ...], invalid: Invalid
) -> None:
    if value is not None and value not in allowed:
        raise invalid(field, f"must be one of {', '.join(allowed)}")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_CONFIG_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def tile_config(
    config: Mapping[str, Any], field: tuple[str, ...], invalid: Invalid
) -> dict[str, Any]:
    try:
        size = len(json.dumps(config))
    except (TypeError, ValueError, RecursionError):
        raise invalid(field, "must be a JSON object") from None
    if size > MAX_CONFIG_BYTES or _depth(config) > MAX_CONFIG_DEPTH:
        raise invalid(field, f"must be at most {MAX_CONFIG_BYTES} bytes, nested 8 deep")
    if config.get("displayType") not in DISPLAY_TYPES:
        raise invalid(field, f"needs a displayType, one of {', '.join(DISPLAY_TYPES)}")
    return dict(config)


def _containers(
    given: tuple[ContainerWrite, ...], invalid: Invalid
) -> tuple[list[dict[str, Any]], dict[str, set[str]]]:
    body: list[dict[str, Any]] = []
    tabs_of: dict[str, set[str]] = {}
    for i, c in enumerate(given):
        field = ("containers", str(i))
        _text(c.id, (*field, "id"), invalid, MAX_NAME)
        _text(c.title, (*field, "title"), invalid, MAX_NAME)
        if c.id in tabs_of:
            raise invalid((*field, "id"), "is another container's too")
        item: dict[str, Any] = {"id": c.id, "title": c.title, "collapsed": c.collapsed}
        if c.collapsible is not None:
            item["collapsible"] = c.collapsible
        if c.bordered is not None:
            item["bordered"] = c.bordered
        tabs: set[str] = set()
        if c.tabs is not None:
            for j, (tab, title) in enumerate(c.tabs):
                _text(tab, (*field, "tabs", str(j), "id"), invalid, MAX_NAME)
                _text(title, (*field, "tabs", str(j), "title"), invalid, MAX_NAME)
                if tab in tabs:
                    raise invalid((*field, "tabs", str(j), "id"), "is another tab's too")
                tabs.add(tab)
            item["tabs"] = [{"id": t, "title": title} for t, title in c.tabs]
        tabs_of[c.id] = tabs
        body.append(item)
    return body, tabs_of


def _tiles(
    given: tuple[TileWrite, ...], tabs_of: dict[str, set[str]], invalid: Invalid
) -> list[dict[str, Any]]:
    if len(given) > MAX_TILES:
        raise invalid(("tiles",), f"must be at most {MAX_TILES}")
    body: list[dict[str, Any]] = []
    ids: set[str] = set()
    for i, t in enumerate(given):
        field = ("tiles", str(i))
        _text(t.name, (*field, "name"), invalid, MAX_NAME)
        for name, value, low in (("x", t.x, 0), ("y", t.y, 0), ("w", t.w, 1), ("h", t.h, 1)):
            # our reading: a grid position is 0-based, a size at least one unit
            if value < low:
                raise invalid((*field, name), f"must be at least {low}")
        item: dict[str, Any] = {"name": t.name, "x": t.x, "y": t.y, "w": t.w, "h": t.h}
        if t.id is not None:
            native_id(t.id, (*field, "id"), invalid)
            if t.id in ids:
                raise invalid((*field, "id"), "is another tile's too")
            ids.add(t.id)
            item["id"] = t.id
        if t.container_id is not None:
            if t.container_id not in tabs_of:
                raise invalid((*field, "container_id"), "names no container of the dashboard")
            item["containerId"] = t.container_id
        if t.tab_id is not None:
            if t.container_id is None or t.tab_id not in tabs_of[t.container_id]:
                raise invalid((*field, "tab_id"), "names no tab of the tile's container")
            item["tabId"] = t.tab_id
        if t.config is not None:
            item["config"] = tile_config(t.config, (*field, "config"), invalid)
        body.append(item)
    return body


def _filters(
    given: tuple[FilterWrite, ...], update: bool, invalid: Invalid
) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    for i, f in enumerate(given):
        field = ("filters", str(i))
        _text(f.name, (*field, "name"), invalid, MAX_NAME)
        _text(f.expression, (*field, "expression"), invalid, MAX_TEXT)
        _text(f.source_id, (*field, "source_id"), invalid, MAX_NAME)
        _text(f.where, (*field, "where"), invalid, MAX_TEXT)
        _one_of(f.source_metric_type, METRIC_TYPES, (*field, "source_metric_type"), invalid)
        _one_of(f.where_language, LANGUAGES, (*field, "where_language"), invalid)
        item: dict[str, Any] = {
            "type": "QUERY_EXPRESSION",
            "name": f.name,
            "expression": f.expression,
            "sourceId": f.source_id,
        }
        for key, value in (
            ("sourceMetricType", f.source_metric_type),
            ("where", f.where),
            ("whereLanguage", f.where_language),
        ):
            if value is not None:
                item[key] = value
        if update:
            # ``ClickStackFilter`` (the PUT's) requires each key's ID
            if f.id is None:
                raise invalid((*field, "id"), "is required when replacing a dashboard")
            item["id"] = native_id(f.id, (*field, "id"), invalid)
        elif f.id is not None:
            raise invalid((*field, "id"), "is given by the vendor to a new filter key")
        body.append(item)
    return body


def dashboard_body(d: DashboardWrite, invalid: Invalid, *, update: bool) -> dict[str, Any]:
    _text(d.name, ("name",), invalid, MAX_NAME)
    containers, tabs_of = _containers(d.containers or (), invalid)
    body: dict[str, Any] = {"name": d.name, "tiles": _tiles(d.tiles, tabs_of, invalid)}
    if d.tags is not None:
        for i, tag in enumerate(d.tags):
            _text(tag, ("tags", str(i)), invalid, MAX_NAME)
        body["tags"] = list(d.tags)
    if d.filters is not None:
        body["filters"] = _filters(d.filters, update, invalid)
    if d.saved_query is not None:
        _text(d.saved_query, ("saved_query",), invalid, MAX_TEXT)
        body["savedQuery"] = d.saved_query
    _one_of(d.saved_query_language, LANGUAGES, ("saved_query_language",), invalid)
    if d.saved_query_language is not None:
        body["savedQueryLanguage"] = d.saved_query_language
    if d.saved_filter_values is not None:
        for i, condition in enumerate(d.saved_filter_values):
            _text(condition, ("saved_filter_values", str(i)), invalid, MAX_TEXT)
        body["savedFilterValues"] = [{"type": "sql", "condition": c} for c in d.saved_filter_values]
    if d.containers is not None:
        body["containers"] = containers
    return body


def _channel(c: ChannelWrite, invalid: Invalid) -> dict[str, Any]:
    field = ("channel",)
    _one_of(c.type, CHANNEL_TYPES, (*field, "type"), invalid)
    _one_of(c.severity, SEVERITIES, (*field, "severity"), invalid)
    if c.type == "email":
        if not c.email_recipients:
            raise invalid((*field, "email_recipients"), "is required for an email channel")
        for i, address in enumerate(c.email_recipients):
            if not EMAIL.fullmatch(address):
                raise invalid((*field, "email_recipients", str(i)), "must be an email address")
        for name in ("webhook_id", "webhook_service", "slack_channel_id", "severity"):
            if getattr(c, name) is not None:
                raise invalid((*field, name), "is for a webhook channel")
        return {"type": "email", "emailRecipients": list(c.email_recipients)}
    if c.email_recipients is not None:
        raise invalid((*field, "email_recipients"), "is for an email channel")
    if c.webhook_id is None:
        raise invalid((*field, "webhook_id"), "is required for a webhook channel")
    native_id(c.webhook_id, (*field, "webhook_id"), invalid)
    body: dict[str, Any] = {"type": "webhook", "webhookId": c.webhook_id}
    _text(c.webhook_service, (*field, "webhook_service"), invalid, MAX_NAME)
    _text(c.slack_channel_id, (*field, "slack_channel_id"), invalid, MAX_NAME)
    for key, value in (
        ("webhookService", c.webhook_service),
        ("slackChannelId", c.slack_channel_id),
        ("severity", c.severity),
    ):
        if value is not None:
            body[key] = value
    return body


def alert_body(a: AlertWrite, invalid: Invalid, *, create: bool) -> dict[str, Any]:
    if create:
        for name in ("source", "threshold", "threshold_type", "interval", "channel"):
            if getattr(a, name) is None:
                raise invalid((name,), "is required")
    _one_of(a.source, SOURCES, ("source",), invalid)
    _one_of(a.threshold_type, THRESHOLD_TYPES, ("threshold_type",), invalid)
    _one_of(a.interval, INTERVALS, ("interval",), invalid)
    for name in ("dashboard_id", "tile_id", "saved_search_id"):
        value = getattr(a, name)
        if value is not None:
            native_id(value, name, invalid)
    if a.source == "tile":
        for name in ("dashboard_id", "tile_id"):
            if create and getattr(a, name) is None:
                raise invalid((name,), "is required for a tile alert")
        if a.saved_search_id is not None:
            raise invalid(("saved_search_id",), "is for a saved_search alert")
    if a.source == "saved_search":
        if create and a.saved_search_id is None:
            raise invalid(("saved_search_id",), "is required for a saved_search alert")
        for name in ("dashboard_id", "tile_id"):
            if getattr(a, name) is not None:
                raise invalid((name,), "is for a tile alert")
    if a.threshold_type in RANGED and create and a.threshold_max is None:
        raise invalid(("threshold_max",), f"is required for {a.threshold_type}")
    if a.threshold_max is not None and a.threshold is not None and a.threshold_max < a.threshold:
        raise invalid(("threshold_max",), "must be at least threshold")
    if a.schedule_offset_minutes is not None:
        if a.schedule_offset_minutes < 0:
            raise invalid(("schedule_offset_minutes",), "must be at least 0")
        if a.interval is not None and a.schedule_offset_minutes >= INTERVAL_MINUTES[a.interval]:
            raise invalid(("schedule_offset_minutes",), "must be less than the interval")
    _text(a.group_by, ("group_by",), invalid, MAX_NAME)
    _text(a.name, ("name",), invalid, MAX_NAME)
    _text(a.message, ("message",), invalid, MAX_TEXT)
    _text(a.note, ("note",), invalid, MAX_TEXT)
    body: dict[str, Any] = {}
    for key, value in (
        ("source", a.source),
        ("threshold", a.threshold),
        ("thresholdType", a.threshold_type),
        ("interval", a.interval),
        ("thresholdMax", a.threshold_max),
        ("scheduleOffsetMinutes", a.schedule_offset_minutes),
        ("scheduleStartAt", iso(a.schedule_start_at) if a.schedule_start_at else None),
        ("dashboardId", a.dashboard_id),
        ("tileId", a.tile_id),
        ("savedSearchId", a.saved_search_id),
        ("groupBy", a.group_by),
        ("name", a.name),
        ("message", a.message),
        ("note", a.note),
    ):
        if value is not None:
            body[key] = value
    if a.channel is not None:
        body["channel"] = _channel(a.channel, invalid)
    if not body:
        raise invalid(("name",), "give at least one of name, threshold, channel, ...")
    return body
