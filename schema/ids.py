"""Relay global IDs: opaque strings naming a type, a connection and the vendor key.

The encoding is base64url of ``Type/connection/part/part`` with each part percent-quoted,
so an ID carries everything needed to fetch the object again and nothing the caller may
rely on. A malformed ID is BAD_USER_INPUT; a well-formed one for an unknown connection is
NOT_FOUND (as a deleted object would be).

An ID is checked before it is decoded: only the base64url alphabet (with optional
padding) and at most ``MAX_ID_LENGTH`` characters, so one ID has one spelling and a
megabyte of garbage is refused without work. The decoded key parts may still hold
anything (``..``, ``?``, NUL): each adapter's client turns a part into one encoded URL
segment or refuses it (``adapters.upstream.url_segments``).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import strawberry

from adapters.base import shown
from adapters.errors import ErrorCode, GatewayError
from adapters.model import Key
from schema.kinds import Kind, NodeKind, node_kind

#: far beyond any real ID (a type, a connection name and a few UUIDs, base64url-encoded)
MAX_ID_LENGTH = 1024
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+={0,2}")


@dataclass(frozen=True)
class GlobalId:
    kind: NodeKind[Any]
    connection: str
    key: Key

    @property
    def type_name(self) -> str:
        return self.kind.type_name


def global_id(kind: Kind[Any], connection: str, key: Key) -> strawberry.ID:
    """The ID of an object of ``kind``."""
    # each listed object's ID passes here (about 700 a cold dashboard): the ID type is
    # given once per encoding, in the cache, not by calling strawberry.ID (130 ns) each time
    return encode_id(kind.type_name, connection, key)


@functools.lru_cache(maxsize=65536)
def encode_id(type_name: str, connection: str, key: Key) -> strawberry.ID:
    """The encoding itself (``global_id`` is the schema's way in; tests forge IDs here)."""
    # the same objects are answered request after request: each ID is encoded once
    text = "/".join(quote(part, safe="") for part in (type_name, connection, *key))
    return strawberry.ID(base64.urlsafe_b64encode(text.encode()).decode().rstrip("="))


def decode_id(value: str, expected: NodeKind[Any] | None = None) -> GlobalId:
    """Decode an ID; with ``expected``, an ID of another kind is BAD_USER_INPUT too."""
    if len(value) > MAX_ID_LENGTH or not _ALPHABET.fullmatch(value):
        raise _bad(value)
    try:
        value = value.rstrip("=")
        padded = value + "=" * (-len(value) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise _bad(value) from None
    parts = [unquote(p) for p in text.split("/")]
    kind = node_kind(parts[0]) if len(parts) >= 3 else None
    if kind is None or not all(parts[1:]):
        raise _bad(value)
    gid = GlobalId(kind, parts[1], tuple(parts[2:]))
    if expected is not None and gid.kind is not expected:
        raise GatewayError(
            ErrorCode.BAD_USER_INPUT,
            f"ID '{value}' is of type {gid.type_name}, not {expected.type_name}",
        )
    return gid


def _bad(value: str) -> GatewayError:
    return GatewayError(ErrorCode.BAD_USER_INPUT, f"'{shown(value, 80)}' is not a valid ID")
