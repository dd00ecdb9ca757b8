"""Vendor timestamps (ISO-8601 in several dialects) to aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

# Listings repeat timestamps (backups share their schedule's times, each refresh maps the
# same records again), and a remembered answer costs a third of a parse. Datetimes are
# immutable, so records may share one. Bounded: longer text is never kept (no timestamp
# is that long), and a full memo starts over rather than keeping an LRU order up to date.
_MEMO: dict[str, datetime | None] = {}
_MEMO_MAX_ENTRIES = 4096
_MEMO_MAX_CHARS = 64


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime, or None for a missing or unreadable value (never an exception)."""
    # only plain strings: a str subclass may hash or compare unlike its text
    if type(value) is not str or len(value) > _MEMO_MAX_CHARS:
        return _parse(value)
    try:
        return _MEMO[value]
    except KeyError:
        pass
    parsed = _parse(value)
    if len(_MEMO) >= _MEMO_MAX_ENTRIES:
        _MEMO.clear()
    _MEMO[value] = parsed
    return parsed


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
