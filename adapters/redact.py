"""Remove secrets from vendor records before they leave the adapter as ``raw``."""

from __future__ import annotations

import re
from typing import Any

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
