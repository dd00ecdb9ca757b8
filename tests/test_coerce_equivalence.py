"""as_float and as_int take shortcuts for plain JSON values; every input, hostile ones
included, must read exactly as the general reading (``coerce._read_float``) reads it.
"""

from __future__ import annotations

import enum
import fractions
import math
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from adapters import coerce
from adapters.coerce import as_float, as_int

#: the general reading, which every value took before the shortcuts
reference_as_float = coerce._read_float


def reference_as_int(value: Any) -> int | None:
    number = reference_as_float(value)
    return int(number) if number is not None else None


class _Flag(enum.IntEnum):
    ON = 7


class _Int(int):
    pass


class _Float(float):
    def __float__(self) -> float:
        return 2.5  # float() of a subclass asks it, so the shortcut must not skip that


class _Str(str):
    pass


_EDGES: list[Any] = [
    None, True, False, 0, -0, 1, -1, 2**53 - 1, 2**53, 2**53 + 1, -(2**53) - 1, -(2**53),
    2**63, 10**308, 10**309, 10**400, -(10**400), 0.0, -0.0, 0.5, -1.5, 1e308,
    1.7976931348623157e308, 5e-324, math.nan, math.inf, -math.inf, 2.0**53 + 2, 1e20,
    "", " ", "0", "-0", "12", " 12 ", "\t5\n", "+3", "--3", "1_000", "1e5", "1E400", "-1e400",
    "0x10", "NaN", "nan", "-nan", "Infinity", "-Infinity", "inf", "INF", "1.5", ".5", "5.",
    "\u0661\u0662", "\uff11", "1,5", "true", "None", "null", "9007199254740993", "1e-400",
    b"12", bytearray(b"3"), [], [1], {}, {"a": 1}, (1,), {1}, object(), Decimal("1.5"),
    Decimal("NaN"), fractions.Fraction(1, 3), complex(1, 0), _Flag.ON, _Int(5), _Int(2**60),
    _Float(1.0), _Float(math.nan), _Str("4"), _Str("x"),
]  # fmt: skip


def _generated(count: int) -> list[Any]:
    rng = random.Random(16)
    values: list[Any] = []
    for _ in range(count):
        bits = rng.randrange(1, 1100)
        whole = rng.getrandbits(bits) * rng.choice((1, -1))
        real = rng.uniform(-1e6, 1e6) * 10 ** rng.randrange(-320, 300)
        text = rng.choice((str(whole), repr(real), f"{real:e}", f" {whole} ", f"{real:.3f}x"))
        power = math.ldexp(1, min(bits, 1023))
        values += [whole, real, text, rng.choice((True, False, None)), power]
    return values


def _outcome(read: Callable[[Any], Any], value: Any) -> tuple[Any, ...]:
    try:
        result = read(value)
    except Exception as exc:  # what the reference raises (OverflowError), the reader must too
        return ("raised", type(exc))
    return ("read", type(result), repr(result))


@pytest.mark.parametrize(
    ("read", "reference"), [(as_float, reference_as_float), (as_int, reference_as_int)]
)
def test_a_reader_reads_every_value_as_the_general_code_does(
    read: Callable[[Any], Any], reference: Callable[[Any], Any]
) -> None:
    values = _EDGES + _generated(2000)
    differing = [v for v in values if _outcome(read, v) != _outcome(reference, v)]
    assert differing == []
