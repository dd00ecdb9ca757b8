"""The upstream JSON reader reads every body as the standard library's reader with the
gateway's number rules does, whichever of its two readers reads it."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from adapters.upstream import json_body
from adapters.upstream.json_body import read_json


def reference(content: bytes) -> Any:
    def finite(text: str) -> float | None:
        value = float(text)
        return value if math.isfinite(value) else None

    return json.loads(
        content,
        parse_constant=lambda _: None,
        parse_float=finite,
        parse_int=lambda text: int(text) if len(text) <= 300 else None,
    )


def outcome(read: Any, content: bytes) -> tuple[str, Any]:
    try:
        return "value", read(content)
    except (ValueError, RecursionError) as exc:
        return "refused", type(exc)


BODIES = [
    b'{"a": 1, "b": [true, false, null], "c": "x"}',
    b'{"n": 1.5, "e": 1E5, "z": -0, "f": -0.0, "small": 1.5e-400}',
    b'{"inf": 1e999, "ninf": -1e999}',
    b'{"nan": NaN, "i": Infinity, "m": -Infinity}',
    b'{"id": 123456789012345678901234567890}',
    b'{"id": -123456789012345678901234567890}',
    b"[18446744073709551615, 18446744073709551616, -9223372036854775809]",
    b'{"n": ' + b"7" * 400 + b"}",
    b'{"n": ' + b"7" * 5000 + b"}",
    b'{"url": "s3://backups-20230117171601968300000001/x", "n": 20230117171601968300000001}',
    b'{"url": "s3://backups-20230117171601968300000001/x"}',
    b'{"a": 1, "a": 2}',
    b'"\\ud800"',
    b'"\\u0041\\u00e9"',
    '{"t": "caf\u00e9"}'.encode(),
    '{"t": "caf\u00e9"}'.encode("utf-16"),
    '{"t": "caf\u00e9"}'.encode("utf-32-le"),
    b'\xef\xbb\xbf{"bom": 1}',
    b"\xff\xfe\x00",
    b'{"bad": "\xc3\x28"}',
    b'{"ctl": "a\x01b"}',
    b"  [1, 2]  ",
    b"[1, 2] x",
    b"[01]",
    b"[1.]",
    b"[.5]",
    b"",
    b"<html>bad gateway</html>",
    b"[" * 1100 + b"]" * 1100,
    b"[" * 200 + b"]" * 200,
    b'{"deep": ' + b'{"d": ' * 900 + b"1" + b"}" * 900 + b"}",
    # 19 digits past -2**63: orjson reads them as floats
    b"-9223372036854775809",
    b"[-9999999999999999999]",
    b'{"a": -9223372036854775809, "b": 9999999999999999999}',
]


@pytest.mark.parametrize("content", BODIES, ids=range(len(BODIES)))
def test_every_body_reads_as_the_reference_reads_it(content: bytes) -> None:
    assert outcome(read_json, content) == outcome(reference, content)


def test_integers_past_64_bits_stay_exact_integers() -> None:
    body = read_json(b'{"id": 123456789012345678901234567890, "n": [-98765432109876543210]}')

    assert body == {"id": 123456789012345678901234567890, "n": [-98765432109876543210]}
    assert type(body["id"]) is int


@pytest.mark.parametrize(
    ("content", "held"),
    [
        (b'{"n": 12345678901234567890}', True),
        (b'{"n":-12345678901234567890}', True),
        (b"[1,\n12345678901234567890]", True),
        (b"12345678901234567890", True),
        (b'{"n": 1234567890123456789}', False),  # 19 digits: orjson reads it exactly
        (b'{"url": "s3://b-12345678901234567890/x"}', False),
        (b'{"url": "v12345678901234567890"}', False),
        (b'{"t": "1.12345678901234567890"}', False),
    ],
)
def test_only_bodies_that_may_hold_a_long_integer_go_to_the_slower_reader(
    content: bytes, held: bool
) -> None:
    assert json_body._may_hold_long_integer(content) is held
