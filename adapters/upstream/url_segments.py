"""One path segment of an upstream URL, from a value a caller chose.

Vendor keys come out of callers' global IDs, which anyone can forge. A key part becomes
exactly one path segment, percent-encoded, or the call is refused before it is sent:

- ``.`` and ``..`` are refused: HTTP clients (httpx included) and servers remove dot
  segments, so ``services/..`` would ask for the parent collection instead;
- ``/`` and ``\\`` are refused although they could be encoded: many servers and proxies
  decode ``%2F`` before routing, and no vendor ID contains one;
- control characters (NUL, CR, LF, DEL, C1) and lone surrogates are refused: they have no
  place in an ID, httpx rejects some, and a surrogate cannot be encoded at all;
- a value whose compatibility form (NFKC) is a dot segment or holds a slash (fullwidth
  U+FF0E, U+FF0F) is refused, for servers that normalize Unicode before routing;
- anything longer than ``MAX_SEGMENT`` characters is refused;
- everything else is percent-encoded with nothing left safe, so ``?``, ``#``, ``%`` and
  ``;`` stay inside the segment.

Vendors whose IDs have a documented shape (ClickHouse UUIDs, DBaaS digits) check that shape
in their own client as well.

A caller's string that becomes a query parameter value (ClickHouse's cloud provider and
region) is encoded by ``urlencode``, so ``&``, ``=`` and ``#`` stay inside it; it is
refused only when it is empty, too long, or holds a control character or a lone surrogate
(``query_value``).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from adapters.errors import ErrorCode, UpstreamError

#: far beyond any vendor ID (a UUID is 36 characters, a name at most a few dozen)
MAX_SEGMENT = 256
_SLASHES = frozenset("/\\")
#: ASCII letters, digits, "-", "_", "~" and ".": no control character, no slash, the same
#: once normalized. Nearly every vendor key is one (UUIDs, digits, names): it skips the
#: walk over each character's Unicode category that the rest needs
_PLAIN = re.compile(r"[A-Za-z0-9._~-]+").fullmatch


def _characters(value: str) -> str | None:
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc":
            return "contains a control character"
        if category == "Cs":
            return "contains a lone surrogate"
    return None


def problem(value: str) -> str | None:
    """Why ``value`` cannot be one path segment, or None when it can."""
    if not value:
        return "is empty"
    if len(value) > MAX_SEGMENT:
        return f"is longer than {MAX_SEGMENT} characters"
    if value in (".", ".."):
        return "is a dot segment"
    if _PLAIN(value):
        return None
    if any(char in _SLASHES for char in value):
        return "contains a slash"
    characters = _characters(value)
    if characters is not None:
        return characters
    folded = unicodedata.normalize("NFKC", value)
    if folded in (".", "..") or any(char in _SLASHES for char in folded):
        return "reads as a dot segment or a slash once normalized"
    return None


def shown(value: str, limit: int = 40) -> str:
    """``value`` fit for an error message: bounded, control characters escaped."""
    text = value if len(value) <= limit else value[: limit - 3] + "..."
    return text.encode("unicode_escape", "backslashreplace").decode("ascii")


def _refuse(value: str, why: str, what: str, connection: str, vendor: str) -> UpstreamError:
    return UpstreamError(
        ErrorCode.BAD_USER_INPUT,
        f"{vendor} connection '{connection}': '{shown(value)}' is not a valid {what} (it {why})",
        connection=connection,
        vendor=vendor,
    )


def segment(value: str, *, connection: str, vendor: str) -> str:
    """``value`` as one percent-encoded path segment; BAD_USER_INPUT when it cannot be one."""
    if len(value) <= MAX_SEGMENT and _PLAIN(value) and value not in (".", ".."):
        # what ``quote`` never encodes: nearly every vendor ID (0.84 -> 0.27 us a segment)
        return value
    why = problem(value)
    if why is not None:
        raise _refuse(value, why, "identifier", connection, vendor)
    return quote(value, safe="")


def query_value(value: str, *, connection: str, vendor: str, what: str = "value") -> str:
    """``value`` unchanged, for ``urlencode`` to encode; BAD_USER_INPUT when it cannot be
    sent as a query parameter value."""
    if not value.strip():
        raise _refuse(value, "is blank", what, connection, vendor)
    if len(value) > MAX_SEGMENT:
        raise _refuse(value, f"is longer than {MAX_SEGMENT} characters", what, connection, vendor)
    why = _characters(value)
    if why is not None:
        raise _refuse(value, why, what, connection, vendor)
    return value
