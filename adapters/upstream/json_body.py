"""Reading a vendor's JSON body: orjson where it reads the body exactly as the reference
reader does, the standard library's reader (with the gateway's number rules) where not.

Every upstream answer is read here, so its cost is per call: orjson reads the cold
dashboard's 240 bodies in about a quarter of the standard reader's time (docs/performance.md).
The two readers differ on a few inputs, and for each of them orjson fails or is sent past:
- ``NaN``, ``Infinity`` and numbers past a double's range: orjson refuses them; the
  reference reads them as null.
- UTF-16/32 bodies, a byte-order mark, an escaped lone surrogate: orjson refuses them; the
  reference reads them.
- An integer past 64 bits: orjson reads it as a float, the reference as an int (up to 300
  digits) or null. Bodies that may hold one (a run of 20 digits where a value starts) go
  to the reference; a 20-digit run inside a string only costs the slower read. A negative
  integer past -2**63 has 19 digits: a run of 19 after a minus sign goes there too.

One bound differs and is kept: orjson reads nesting up to 1,024 deep, where Python's
reader gives up near its recursion limit (about 990, less on a deep stack). A record that
deep is read, and ``raw`` cuts it where the schema shows it.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

# every digit as "0", every other byte as " ": a run of 20 digits is a run of 20 zeros
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19  # 2**63 has 19 digits: every integer orjson reads as a float has as many
_MINUS = 0x2D
_BEFORE_VALUE = frozenset(b":[, \t\r\n")


def read_json(content: bytes) -> Any:
    """The body's JSON value. Raises ``ValueError`` (not JSON, not UTF-8/16/32, an integer
    past Python's digit limit) or ``RecursionError`` (nested past both readers' bounds)."""
    if not _may_hold_long_integer(content):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass  # read by the reference, which accepts more or refuses the same
    return _REFERENCE.decode(content.decode(json.detect_encoding(content), "surrogatepass"))


def _may_hold_long_integer(content: bytes) -> bool:
    digits = content.translate(_DIGITS_ONLY)
    at = digits.find(_LONG_RUN)
    while at != -1:
        negative = at > 0 and content[at - 1] == _MINUS
        start = at - 1 if negative else at
        # 19 digits after a minus may pass -2**63; without one, 20 are needed to pass 2**64-1
        long_enough = negative or digits[at + 19 : at + 20] == b"0"
        if long_enough and (start == 0 or content[start - 1] in _BEFORE_VALUE):
            return True
        end = digits.find(b" ", at)
        if end == -1:
            return False
        at = digits.find(_LONG_RUN, end)
    return False


def _null(constant: str) -> None:
    # NaN, Infinity, -Infinity: Python's json reads them, no browser does
    return None


def _sane_int(text: str) -> int | None:
    # an integer no float can hold ends as null, as an infinite float does: mappings turn
    # numbers into floats, and 400 digits would raise there
    return int(text) if len(text) <= 300 else None


def _finite_float(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


_REFERENCE = json.JSONDecoder(parse_constant=_null, parse_float=_finite_float, parse_int=_sane_int)
