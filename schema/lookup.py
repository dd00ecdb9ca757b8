"""One object by its global ID, through the request's by-key loaders.

``node(id:)``, ``nodes(ids:)``, the typed lookups and federation's ``_entities`` all come
here, so they share one batch per connection per tick: a hundred IDs of one kind cost
one adapter batch call per connection (which picks N detail GETs or one list call).
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from adapters.errors import ErrorCode, GatewayError
from schema.context import context_of
from schema.ids import decode_id
from schema.kinds import NodeKind


async def load_record(
    info: Info, value: str, expected: NodeKind[Any] | None = None
) -> tuple[NodeKind[Any], Any]:
    """(kind, record) of the object an ID names.

    A malformed ID (or one of another kind than ``expected``) is BAD_USER_INPUT; an ID of
    a connection this gateway does not have, or of an object that is gone, is NOT_FOUND.
    """
    gid = decode_id(value, expected)
    ctx = context_of(info)
    if gid.connection not in ctx.adapters:
        raise GatewayError(
            ErrorCode.NOT_FOUND, f"ID '{value}' names a connection this gateway does not have"
        )
    record = await ctx.loaders.by_key(gid.kind).load((gid.connection, gid.key))
    if record is None:
        raise GatewayError(ErrorCode.NOT_FOUND, f"{gid.type_name} '{value}' does not exist")
    return gid.kind, record
