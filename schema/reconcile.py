"""What an idempotent create keeps, and how a retry finds what an earlier attempt created.

A create with an ``idempotencyKey`` keeps the created object's key (connection + vendor
key: what a replay re-reads it by). When the first attempt's outcome is unknown (it may
have reached the vendor; ``schema.idempotency``), a retry reconciles: it looks for the
object that attempt would have created, reading the vendor's current state (never the
cache), and replays it, or creates once when there is none.

How an object is found, per create:

- a database: by the tag the create stored with it, where the vendor keeps tags
  (``Adapter.find_tagged_databases``: exact); else by name, created at or after the
  first attempt started (less ``CLOCK_SKEW``) where the vendor reports creation times;
- an API key: by name (and owner, when one was given), created since the first attempt;
- an invitation: by email (case-insensitive), created since the first attempt;
- a backup: by name and kind, started since the first attempt.

Exactly one match is the object; none means the first attempt created nothing; several
(same-named objects made within the skew) leave the outcome unknown. The vendor pages
(docs/vendors/*.md, "Reconciliation") say where a vendor makes this exact or impossible.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from adapters.base import Adapter
from adapters.commands import (
    CreateApiKey,
    CreateBackup,
    CreatedApiKey,
    CreateDatabase,
    CreatedDatabase,
    InviteMember,
)
from adapters.errors import ErrorCode, GatewayError, UpstreamError
from adapters.model import BackupRecord, InvitationRecord, Key

#: seconds of clock difference tolerated between the gateway (or Redis) and the vendor
CLOCK_SKEW = 60.0

C = TypeVar("C")
R = TypeVar("R")

#: what a create keeps: the created objects' vendor keys, as JSON
Kept = dict[str, list[str] | None]


@dataclass(frozen=True)
class Creation(Generic[C, R]):
    """One kind of create: what it keeps of its result, how a retry finds what it made."""

    keep: Callable[[R], Kept]
    find: Callable[[Adapter, C, float], Awaitable[Kept | None]]


def _key(value: Key | None) -> list[str] | None:
    return None if value is None else list(value)


def since_ok(when: datetime | None, since: float) -> bool:
    """Whether an object the vendor says was created ``when`` may be the attempt's (a
    vendor that does not say: it may)."""
    return when is None or when.timestamp() >= since - CLOCK_SKEW


def only(candidates: Sequence[R], what: str, adapter: Adapter) -> R | None:
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    raise outcome_unknown(
        adapter,
        f"{len(candidates)} {what} match what an earlier call with this idempotencyKey "
        "created; the gateway cannot tell which is its own: check, then use a new key",
    )


def outcome_unknown(adapter: Adapter, message: str) -> UpstreamError:
    connection = adapter.connection
    return UpstreamError(
        ErrorCode.UPSTREAM_OUTCOME_UNKNOWN,
        f"{connection.vendor.value} connection '{connection.name}': {message}",
        connection=connection.name,
        vendor=connection.vendor.value,
        retryable=False,
    )


# -- databases --------------------------------------------------------------------------


def _keep_database(created: CreatedDatabase) -> Kept:
    credential = created.credential
    return {
        "database": _key(created.database.key),
        "credential": _key(credential.key if credential else None),
    }


async def _find_database(adapter: Adapter, command: CreateDatabase, since: float) -> Kept | None:
    tagged = (
        await adapter.find_tagged_databases(command.organization, command.tag)
        if command.tag
        else None
    )
    if tagged is not None:
        candidates = tagged
    else:
        listed = await adapter.list_databases(command.organization)
        candidates = [d for d in listed if d.name == command.name and since_ok(d.created_at, since)]
    database = only(candidates, f"databases named '{command.name}'", adapter)
    if database is None:
        return None
    credential = None
    if adapter.capabilities.credentials:
        # the user the vendor creates with every database: the one it lists first
        credentials = await adapter.list_credentials(database.key)
        credential = credentials[0] if credentials else None
    return {
        "database": _key(database.key),
        "credential": _key(credential.key if credential else None),
    }


# -- API keys, invitations, backups -------------------------------------------------------


def _keep_api_key(created: CreatedApiKey) -> Kept:
    return {"api_key": _key(created.api_key.key)}


async def _find_api_key(adapter: Adapter, command: CreateApiKey, since: float) -> Kept | None:
    candidates = [
        k
        for k in await adapter.list_api_keys(command.organization)
        if k.name == command.name
        and (command.owner is None or k.owner_key == command.owner)
        and since_ok(k.created_at, since)
    ]
    found = only(candidates, f"API keys named '{command.name}'", adapter)
    return None if found is None else {"api_key": _key(found.key)}


def _keep_invitation(created: InvitationRecord) -> Kept:
    return {"invitation": _key(created.key)}


async def _find_invitation(adapter: Adapter, command: InviteMember, since: float) -> Kept | None:
    email = command.email.casefold()
    candidates = [
        i
        for i in await adapter.list_invitations(command.organization)
        if (i.email or "").casefold() == email and since_ok(i.created_at, since)
    ]
    found = only(candidates, f"invitations of '{command.email}'", adapter)
    return None if found is None else {"invitation": _key(found.key)}


def _keep_backup(created: BackupRecord) -> Kept:
    return {"backup": _key(created.key)}


async def _find_backup(adapter: Adapter, command: CreateBackup, since: float) -> Kept | None:
    candidates = [
        b
        for b in await adapter.list_backups(command.database)
        if b.name == command.name and b.kind == command.kind and since_ok(b.started_at, since)
    ]
    found = only(candidates, f"backups named '{command.name}'", adapter)
    return None if found is None else {"backup": _key(found.key)}


CREATIONS: dict[type, Creation[Any, Any]] = {
    CreateDatabase: Creation(_keep_database, _find_database),
    CreateApiKey: Creation(_keep_api_key, _find_api_key),
    InviteMember: Creation(_keep_invitation, _find_invitation),
    CreateBackup: Creation(_keep_backup, _find_backup),
}


def tagged(command: C, tag: str) -> C:
    """The command carrying ``tag`` where it has a place for one (a database create)."""
    if isinstance(command, CreateDatabase):
        return replace(command, tag=tag)  # type: ignore[return-value]
    return command


def key_of(kept: Kept, name: str) -> Key | None:
    value = kept.get(name)
    return None if value is None else tuple(value)


def gone(what: str) -> GatewayError:
    return GatewayError(
        ErrorCode.NOT_FOUND,
        f"the {what} an earlier call with this idempotencyKey created no longer exists",
    )
