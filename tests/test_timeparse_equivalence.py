"""parse_datetime remembers what a string read as; a remembered answer, a first one, and one
read after the memo starts over must all be what the parser behind the memo
(``timeparse._parse``) gives, for every dialect and hostile value."""

from __future__ import annotations

import random
from typing import Any

from adapters import timeparse
from adapters.timeparse import parse_datetime

#: the parser behind the memo, which every string went through before it
reference_parse_datetime = timeparse._parse


class _Text(str):
    def __hash__(self) -> int:
        return hash("2026-01-01T00:00:00Z")  # collides with a remembered key on purpose


_EDGES: list[Any] = [
    None, "", " ", "Z", "z", "ZZ", 0, 1.5, True, b"2026-01-01", ["2026-01-01"], {"a": 1},
    "2026-01-28T02:00:00Z", "2026-01-28T02:00:00.000000Z", "2026-01-28t02:00:00z",
    " 2026-01-28T02:00:00Z\n", "2026-01-28", "2026-01-28Z", "2026-01-28z", "20260128",
    "20260128T020000Z", "2026-W05-3", "2026-W05-3T10Z", "2026-028", "2026-01-28 02:00",
    "2026-01-28T02:00:00+01:00", "2026-01-28T02:00:00-0530", "2026-01-28T02:00:00+01",
    "2026-01-28T02:00:00+00:00:01.5", "2026-01-28T02:00:00,123Z", "2026-01-28T24:00:00Z",
    "2026-02-30T00:00:00Z", "0000-01-01", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    "2026-01-28T02:00:00ZZ", "2026-01-28TZ02:00", "2026-01-28T02:00:00Z+01:00",
    "\u0662026-01-28", "2026-01-28T02:00:00.1234567Z", "2026-01-28T02:00:00.Z",
    "2026-01-28T02:00:00Z" + " " * 60, "x" * 65, "2026-01-01T00:00:00" + "0" * 60,
    _Text("2026-01-01T00:00:00Z"), _Text("garbage"),
]  # fmt: skip


def _generated(count: int) -> list[str]:
    rng = random.Random(16)
    pick = rng.choice
    zones = ["", "Z", "z", "+00:00", "-00:00", "+01:00", "-05:30", "+0530", "+14", "+24:00",
             "-23:59:59", "+01:00:00.000001", " Z", "Zz"]  # fmt: skip
    texts = []
    for _ in range(count):
        date = pick([f"{rng.randrange(0, 10000):04d}-{rng.randrange(0, 14):02d}-"
                     f"{rng.randrange(0, 33):02d}", f"{rng.randrange(1, 9999):04d}"
                     f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}",
                     f"2026-W{rng.randrange(0, 54):02d}-{rng.randrange(0, 8)}"])  # fmt: skip
        time = pick(["", f"{rng.randrange(0, 26):02d}", f"{rng.randrange(0, 25):02d}:"
                     f"{rng.randrange(0, 61):02d}", f"{rng.randrange(0, 24):02d}:"
                     f"{rng.randrange(0, 60):02d}:{rng.randrange(0, 62):02d}"])  # fmt: skip
        if time and rng.random() < 0.4:
            time += pick(".,") + "".join(pick("0123456789") for _ in range(rng.randrange(0, 10)))
        text = date + (pick("TtT _") + time + pick(zones) if time else pick(["", "", "Z", "z"]))
        if rng.random() < 0.1:
            text = pick(["", " ", "\t", "\u3000"]) + text + pick(["", " ", "\n"])
        if rng.random() < 0.05:
            position = rng.randrange(len(text) + 1)
            text = text[:position] + pick("Zz+-:.T x\x00") + text[position:]
        texts.append(text)
    return texts


def _outcome(value: Any) -> tuple[Any, ...]:
    parsed = parse_datetime(value)
    return (type(parsed), repr(parsed), parsed.fold if parsed else None)


def _expected(value: Any) -> tuple[Any, ...]:
    parsed = reference_parse_datetime(value)
    return (type(parsed), repr(parsed), parsed.fold if parsed else None)


def test_every_value_reads_as_the_general_parser_reads_it_first_and_remembered() -> None:
    timeparse._MEMO.clear()
    # more values than the memo holds, so some are read again after it has started over
    values = _EDGES + _generated(6000)
    assert len({v for v in values if type(v) is str}) > timeparse._MEMO_MAX_ENTRIES
    for _ in range(2):
        differing = [v for v in values if _outcome(v) != _expected(v)]
        assert differing == []
    # read back to front too: what the memo kept when it started over is read again
    assert [v for v in reversed(values) if _outcome(v) != _expected(v)] == []


def test_the_memo_keeps_no_long_text_and_no_more_than_its_bound() -> None:
    timeparse._MEMO.clear()
    parse_datetime("2026-01-01T00:00:00Z" + " " * 100)
    parse_datetime(_Text("2026-01-01T00:00:00Z"))
    assert timeparse._MEMO == {}
    for text in _generated(timeparse._MEMO_MAX_ENTRIES * 2):
        parse_datetime(text)
    assert 0 < len(timeparse._MEMO) <= timeparse._MEMO_MAX_ENTRIES
