"""Remove secrets from vendor records before they leave the adapter as ``raw``: by the
field's name, and passwords inside URLs."""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REDACTED = "[redacted]"
#: field names that hold a secret, wherever the word sits in the name (``secretAccessKey``,
#: ``db_passwd``, ``connectionString``, ``headers.Authorization``); ``Key`` alone is not one:
#: ``keyId`` and ``keySuffix`` name keys rather than being them
_SECRET_KEY = re.compile(
    r"secret|passw|pwd|token|authorization|cookie|connection_?string|private_?key"
    r"|access_?key|api_?key(?!_?(id|suffix|name|prefix)$)|credential_?value|encryption_?key",
    re.IGNORECASE,
)
#: nesting deeper than any vendor record: the rest is cut, so ``raw`` stays serialisable
MAX_DEPTH = 32
TOO_DEEP = "[nested too deeply]"
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


@functools.lru_cache(maxsize=4096)
def _secret_name(name: str) -> bool:
    # vendors use a few hundred field names: each is matched once, not once per record
    return _SECRET_KEY.search(name) is not None


def redact(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with every secret-named field's value replaced and URL passwords
    removed. Known secret values are already gone: the upstream policy scrubs every body."""
    if depth > MAX_DEPTH:
        return TOO_DEEP
    if isinstance(value, dict):
        return {
            k: (
                REDACTED
                if _secret_name(str(k)) and v not in (None, "")
                else (v if v is None or type(v) in _PLAIN else redact(v, depth + 1))
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v, depth + 1) for v in value]
    if isinstance(value, str) and "://" in value:
        return redact_url_password(value)
    return value


#: values nothing inside of which is redacted
_PLAIN = frozenset({bool, int, float})
