"""Lenient readers of vendor JSON values: a wrong type becomes None, never an exception.

Vendors send numbers as strings (Astra's ``totalBytes``) and booleans as strings
(``"true"``); one set of readers keeps every mapping tolerant in the same way.
"""

from __future__ import annotations

import math
from typing import Any


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_nonempty_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


#: above this an int may not survive the trip through float, so as_int takes the long way
_EXACT_INT = 2**53


def as_float(value: Any) -> float | None:
    """A finite number sent as a JSON number or a numeric string."""
    # a plain JSON int or null skips the isinstance checks, which cost more than the
    # conversion (a union isinstance most of all); anything else is read the general way
    kind = type(value)
    if kind is int:
        return float(value)  # always finite; too big an int raises as float() always did
    if value is None:
        return None
    return _read_float(value)


def _read_float(value: Any) -> float | None:
    """``as_float`` for any value: bools, enums and other subclasses, numeric strings."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def as_int(value: Any) -> int | None:
    if type(value) is int and -_EXACT_INT <= value <= _EXACT_INT:
        return value  # what int(float(value)) gives: every int this small is a float
    number = _read_float(value)
    return int(number) if number is not None else None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None
