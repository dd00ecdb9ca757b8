"""What every mutation does around its adapter call, in one place.

1. Decode the target ID (wrong type or malformed: BAD_USER_INPUT; unknown connection:
   NOT_FOUND).
2. Refuse what the vendor cannot do (NOT_SUPPORTED naming vendor and operation) and
   options given for another vendor (BAD_USER_INPUT naming the field), before any call.
3. Run the adapter call, its reads bypassing the cross-request cache (a write decides on,
   and a full replace sends back, the vendor's current state, not a cached one); an
   ``InvalidInputError`` gets its field path rewritten into the GraphQL input path
   (``input.clickhouse.minTotalMemoryGb``).
4. On success, drop the request's loaders, so every read after the write (the payload's
   own fields included) sees the new state.

Creates with an ``idempotencyKey`` run through ``idempotent``: once per key across every
instance (``schema.idempotency``), a lost answer reconciled with the vendor on retry
(``schema.reconcile``), a replay re-read by the kept key (``reread``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.types import Info

from adapters.base import Adapter, fresh_reads
from adapters.errors import ErrorCode, GatewayError, InvalidInputError
from adapters.model import Key, Operation, Vendor
from schema.context import GatewayContext, context_of
from schema.idempotency import Replayed, fingerprint
from schema.ids import GlobalId, decode_id
from schema.kinds import Kind, NodeKind
from schema.reconcile import CREATIONS, Kept, gone, tagged

T = TypeVar("T")
C = TypeVar("C")
R = TypeVar("R")

#: command attribute names whose GraphQL input field has another name
_INPUT_NAMES = {
    "organization": "organizationId",
    "database": "id",
    "api_key": "id",
    "owner": "ownerId",
    "from_backup": "fromBackupId",
    "from_database": "fromDatabaseId",
    "read_replica_of": "readReplicaOfId",
    "plan": "planId",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def graphql_path(field: tuple[str, ...], vendor: Vendor) -> str:
    """``("options", "min_total_memory_gb")`` -> ``input.clickhouse.minTotalMemoryGb``."""
    parts = [
        vendor.value if part == "options" else _INPUT_NAMES.get(part) or _camel(part)
        for part in field
    ]
    return ".".join(["input", *parts])


@dataclass
class Target:
    """The decoded target of a mutation and the adapter that serves it."""

    gid: GlobalId
    adapter: Adapter
    ctx: GatewayContext

    @property
    def key(self) -> Key:
        return self.gid.key

    @property
    def connection(self) -> str:
        return self.gid.connection

    @property
    def vendor(self) -> Vendor:
        return self.adapter.connection.vendor


def target(info: Info, value: str, kind: NodeKind[Any], operation: Operation) -> Target:
    gid = decode_id(value, kind)
    ctx = context_of(info)
    adapter = ctx.adapters.get(gid.connection)
    if adapter is None:
        raise GatewayError(
            ErrorCode.NOT_FOUND, f"ID '{value}' names a connection this gateway does not have"
        )
    if operation not in adapter.capabilities.operations:
        raise adapter.not_supported(operation.value)  # type: ignore[attr-defined]
    return Target(gid, adapter, ctx)


def vendor_options(target: Target, given: Mapping[str, Any | None]) -> Any | None:
    """The options object for the target's vendor; options for any other vendor are an error.

    ``given`` maps each vendor's input field name to what the caller passed for it.
    """
    for name, value in given.items():
        if value is not None and name != target.vendor.value:
            raise InvalidInputError(
                ("input", name),
                f"options for {name}, but the target is on {target.vendor.value} "
                f"connection '{target.connection}'",
                connection=target.connection,
                vendor=target.vendor.value,
            )
    own = given.get(target.vendor.value)
    if own is None:
        return None
    try:
        return own.to_options(target.connection)
    except InvalidInputError as exc:
        raise _rewritten(exc, target, prefix=(target.vendor.value,)) from None


def _rewritten(exc: InvalidInputError, target: Target, prefix: tuple[str, ...] = ()) -> Exception:
    path = graphql_path(prefix + exc.field, target.vendor)
    error = InvalidInputError(
        tuple(path.split(".")),
        exc.problem,
        connection=target.connection,
        vendor=target.vendor.value,
    )
    return error


async def run(target: Target, call: Callable[[], Awaitable[T]]) -> T:
    token = fresh_reads.set(True)
    try:
        result = await call()
    except InvalidInputError as exc:
        if exc.field and exc.field[0] == "input":
            raise
        raise _rewritten(exc, target) from None
    finally:
        fresh_reads.reset(token)
    target.ctx.reset_loaders()
    return result


async def idempotent(
    t: Target,
    operation: Operation,
    idempotency_key: str | None,
    command: C,
    create: Callable[[C], Awaitable[T]],
) -> T | Replayed[Kept]:
    """``create(command)`` once per idempotency key: its result, or the kept keys of what
    an earlier call (on any instance) created."""
    if idempotency_key is None:
        return await run(t, lambda: create(command))
    # per caller: another caller's key (even the same string) never replays this one; and
    # per vendor credential on a template connection (a BFF sends many with one token)
    tenant = t.adapter.connection.tenant
    caller = t.ctx.caller.name if tenant is None else f"{t.ctx.caller.name}@{tenant}"
    scope = (t.connection, caller, operation.value, idempotency_key)
    store = t.ctx.idempotency
    creation = CREATIONS[type(command)]
    sent = tagged(command, store.tag(scope))

    async def first_call() -> T:
        return await run(t, lambda: create(sent))

    async def find(since: float) -> Kept | None:
        token = fresh_reads.set(True)  # what the vendor has now, never a cached answer
        try:
            return await creation.find(t.adapter, sent, since)
        finally:
            fresh_reads.reset(token)

    # the fingerprint is the caller's input: the tag is ours
    return await store.run(scope, fingerprint(command), first_call, creation.keep, find)


async def created_once(
    t: Target,
    operation: Operation,
    idempotency_key: str | None,
    command: C,
    create: Callable[[C], Awaitable[T]],
    name: str,
    read_again: Callable[[str], Awaitable[T | None]],
) -> tuple[T, bool]:
    """``idempotent`` for an object the vendor reads by one ID: (what ``create`` made,
    False), or (what an earlier call made under ``name``, read again now, True)."""
    first = await idempotent(t, operation, idempotency_key, command, create)
    if not isinstance(first, Replayed):
        return first, False
    kept = first.kept.get(name)
    again = await read_again(kept[0]) if kept else None
    if again is None:
        raise gone(name)
    return again, True


async def reread_optional(t: Target, kind: Kind[R], kept: Kept, name: str) -> R | None:
    """The object a replay answers, as the vendor has it now; None where the first call
    kept nothing under ``name`` (a create that made no such object)."""
    value = kept.get(name)
    if value is None:
        return None
    record = await t.ctx.loaders.by_key(kind).load((t.connection, tuple(value)))
    if record is None:
        raise gone(name.replace("_", " "))
    return record


async def reread(t: Target, kind: Kind[R], kept: Kept, name: str) -> R:
    """The object a replay answers, as the vendor has it now."""
    record = await reread_optional(t, kind, kept, name)
    if record is None:
        raise gone(name.replace("_", " "))
    return record
