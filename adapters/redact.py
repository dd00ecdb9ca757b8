"""Remove secrets from vendor records before they leave the adapter as ``raw``."""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(
    r"(password|secret|token|encryptionkey|private_?key|credential_?value|apikey)$",
    re.IGNORECASE,
)


def redact(value: Any) -> Any:
    """A copy of ``value`` with every secret-named field's value replaced."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if _SECRET_KEY.search(str(k)) and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value
