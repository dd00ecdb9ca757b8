"""Relay global IDs: opaque strings naming a type, a connection and the vendor key.

The encoding is base64url of ``Type/connection/part/part`` with each part percent-quoted,
so an ID carries everything needed to fetch the object again and nothing the caller may
rely on. A malformed ID is BAD_USER_INPUT; a well-formed one for an unknown connection is
NOT_FOUND (as a deleted object would be).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import quote, unquote

from adapters.errors import ErrorCode, GatewayError
from adapters.model import Key

NODE_TYPES = frozenset(
    {
        "Organization",
        "Database",
        "Backup",
        "ApiKey",
        "Member",
        "Invitation",
        "Activity",
        "Plan",
        "FeatureFlag",
        "DatabaseCredential",
    }
)


@dataclass(frozen=True)
class GlobalId:
    type_name: str
    connection: str
    key: Key


def encode_id(type_name: str, connection: str, key: Key) -> str:
    text = "/".join(quote(part, safe="") for part in (type_name, connection, *key))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_id(value: str, expected: str | None = None) -> GlobalId:
    """Decode an ID; with ``expected``, an ID of another type is BAD_USER_INPUT too."""
    try:
        padded = value + "=" * (-len(value) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise _bad(value) from None
    parts = [unquote(p) for p in text.split("/")]
    if len(parts) < 3 or parts[0] not in NODE_TYPES or not all(parts[1:]):
        raise _bad(value)
    gid = GlobalId(parts[0], parts[1], tuple(parts[2:]))
    if expected is not None and gid.type_name != expected:
        raise GatewayError(
            ErrorCode.BAD_USER_INPUT, f"ID '{value}' is of type {gid.type_name}, not {expected}"
        )
    return gid


def _bad(value: str) -> GatewayError:
    shown = value if len(value) <= 80 else value[:77] + "..."
    return GatewayError(ErrorCode.BAD_USER_INPUT, f"'{shown}' is not a valid ID")
