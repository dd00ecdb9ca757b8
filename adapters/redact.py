"""Remove secrets from vendor records before they leave the adapter as ``raw``."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(
    r"(password|secret|token|encryptionkey|private_?key|credential_?value|apikey)$",
    re.IGNORECASE,
)
#: the password part of ``scheme://user:password@host`` in any string (DBaaS endpoints)
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:)(?P<pw>[^@/\s]+)@")
#: what vendors put where the password goes (DBaaS: ``<user>:<password>``); not a secret
_PLACEHOLDERS = frozenset({"<password>", "********", REDACTED})


def redact_url_password(text: str) -> str:
    """``text`` with real passwords in URL user info replaced; placeholders stay."""

    def replace(match: re.Match[str]) -> str:
        if match["pw"] in _PLACEHOLDERS:
            return match[0]
        return f"{match['head']}{REDACTED}@"

    return _URL_PASSWORD.sub(replace, text)


def public_url(url: str) -> str:
    """``url`` as callers may see it: scheme, host, port and path, never user info, query
    or fragment (where a credential could sit). The configuration refuses those in a
    base URL already; this is the second lock."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return REDACTED
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def redact(value: Any) -> Any:
    """A copy of ``value`` with every secret-named field's value replaced."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if _SECRET_KEY.search(str(k)) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, str) and "://" in value:
        return redact_url_password(value)
    return value
