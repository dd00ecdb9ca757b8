"""Datetime leaves: their ``isoformat`` remembered per object, never per value."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from strawberry.schema.types import base_scalars

from schema.build import build_schema
from schema.execution import DATETIME_TEXTS, _coercion, _datetime_text


def counting() -> tuple[list[Any], Any]:
    seen: list[Any] = []

    def coerce(value: Any) -> Any:
        seen.append(value)
        return base_scalars.isoformat(value)

    return seen, coerce


def test_the_same_object_is_written_once() -> None:
    seen, coerce = counting()
    text = _datetime_text(coerce)
    when = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    assert [text(when) for _ in range(3)] == [when.isoformat()] * 3
    assert seen == [when]


def test_equal_instants_in_other_zones_keep_their_own_text() -> None:
    _, coerce = counting()
    text = _datetime_text(coerce)
    utc = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    paris = utc.astimezone(timezone(timedelta(hours=1)))
    assert utc == paris and hash(utc) == hash(paris)  # one key, were the memo by value
    assert text(utc) == "2026-12-07T02:00:00+00:00"
    assert text(paris) == "2026-12-07T03:00:00+01:00"
    assert text(utc) == "2026-12-07T02:00:00+00:00"


def test_objects_made_and_dropped_in_turn_each_get_their_own_text() -> None:
    _, coerce = counting()
    text = _datetime_text(coerce)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for minute in range(3 * DATETIME_TEXTS):  # ids of dropped objects come back
        when = start + timedelta(minutes=minute)
        assert text(when) == when.isoformat()


def test_dates_times_and_subclasses_are_written_each_time() -> None:
    class Stamp(datetime):
        def isoformat(self, *args: Any, **kwargs: Any) -> str:
            return "stamp"

    seen, coerce = counting()
    text = _datetime_text(coerce)
    day, hour = date(2026, 12, 7), time(2, 0)
    stamp = Stamp(2026, 12, 7)
    for value in (day, hour, stamp) * 2:
        text(value)
    assert seen == [day, hour, stamp] * 2
    assert text(stamp) == "stamp"


def test_strawberry_datetime_leaves_use_it_and_others_do_not() -> None:
    types = build_schema()._schema.type_map
    remembered = _coercion(types["DateTime"])  # type: ignore[arg-type]
    assert remembered.__qualname__ == "_datetime_text.<locals>.remembered"
    assert _coercion(types["String"]) is types["String"].coerce_output_value  # type: ignore[arg-type, union-attr]
