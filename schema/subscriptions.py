"""Subscriptions: status changes of one database and the events of one organization.

Both are upstream polls shared by every subscriber of the same resource, on every
instance (``schema.polling``: one instance polls, the others hear what it saw); only
changes are pushed. The first poll is the baseline: a
subscriber hears about what changes after it subscribed, not about the current state
(query it alongside). Polls read through the cross-request cache, so a change shows
within the poll interval plus the kind's cache TTL, and many subscribers or instances
cost the vendor one read per interval.

A subscription lives as long as its socket: each event is resolved like a new request,
with its own deadline and its own loaders (``_as_new_request``). Everything a subscription
reads upstream (its first read, its polls, the fields of its events) is background work
(``adapters.upstream.priority``): a connection serves the requests callers wait for first, so one
caller opening many subscriptions cannot hold back another caller's queries.
"""

from __future__ import annotations

import enum
import hashlib
import json
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic

import strawberry
from strawberry.types import Info

from adapters.base import Adapter, current_deadline, start_background
from adapters.errors import ErrorCode, GatewayError
from adapters.model import (
    ApiKeyRecord,
    DatabaseRecord,
    DatabaseStatus,
    Key,
    MemberRecord,
)
from schema.common import DatabaseStatusEnum
from schema.context import GatewayContext, context_of
from schema.enum_descriptions import ORGANIZATION_EVENT_KIND, describe
from schema.ids import GlobalId, decode_id, global_id
from schema.kinds import API_KEY, DATABASE, MEMBER, ORGANIZATION, L, NodeKind
from schema.nodes import ApiKey, Database, Member
from schema.polling import Finished


@strawberry.type(description="A database's normalized status changed")
class DatabaseStatusChange:
    database: Database | None = strawberry.field(
        description="The database now; null once it is gone"
    )
    previous_status: DatabaseStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Status at the previous poll"
    )
    status: DatabaseStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Status now (DELETED once the vendor no longer has it)"
    )
    at: datetime = strawberry.field(description="When the gateway saw the change")


@strawberry.enum(description="What happened in an organization")
class OrganizationEventKind(enum.Enum):
    DATABASE_CREATED = "DATABASE_CREATED"
    DATABASE_DELETED = "DATABASE_DELETED"
    DATABASE_STATUS_CHANGED = "DATABASE_STATUS_CHANGED"
    MEMBER_ADDED = "MEMBER_ADDED"
    MEMBER_REMOVED = "MEMBER_REMOVED"
    MEMBER_ROLE_CHANGED = "MEMBER_ROLE_CHANGED"
    API_KEY_CREATED = "API_KEY_CREATED"
    API_KEY_REMOVED = "API_KEY_REMOVED"
    API_KEY_STATE_CHANGED = "API_KEY_STATE_CHANGED"


describe(OrganizationEventKind, ORGANIZATION_EVENT_KIND)


@strawberry.type(description="One change in an organization's databases, members or API keys")
class OrganizationEvent:
    kind: OrganizationEventKind = strawberry.field(description="What happened")
    object_id: strawberry.ID = strawberry.field(description="Global ID of what changed")
    database: Database | None = strawberry.field(description="For database events, now")
    member: Member | None = strawberry.field(description="For member events, now")
    api_key: ApiKey | None = strawberry.field(description="For API key events, now")
    previous: str | None = strawberry.field(
        description="The status, role or state before a *_CHANGED event"
    )
    at: datetime = strawberry.field(description="When the gateway saw the change")


def _now() -> datetime:
    return datetime.now(UTC)


def _as_new_request(ctx: GatewayContext) -> None:
    """Resolve the event about to be yielded like a new request: its fields read upstream
    with a deadline of their own and fresh loaders, however long after the subscription
    started it comes."""
    current_deadline.set(time.monotonic() + ctx.pollers.settings.timeout)
    ctx.reset_loaders()


def _target(
    info: Info, value: str, kind: NodeKind[Any]
) -> tuple[GatewayContext, GlobalId, Adapter]:
    gid = decode_id(value, kind)
    ctx = context_of(info)
    adapter = ctx.adapters.get(gid.connection)
    if adapter is None:
        raise GatewayError(ErrorCode.NOT_FOUND, f"{kind.type_name} '{value}' does not exist")
    return ctx, gid, adapter


# -- databaseStatusChanged -----------------------------------------------------------------


def _status_diff(before: DatabaseRecord, now: DatabaseRecord) -> list[DatabaseStatusChange]:
    if before.status == now.status:
        return []
    return [
        DatabaseStatusChange(
            database=Database.from_record(now),
            previous_status=before.status,
            status=now.status,
            at=_now(),
        )
    ]


def _status_digest(record: DatabaseRecord) -> str:
    return record.status.value


async def database_status_changed(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="The database's global ID")],
) -> AsyncGenerator[DatabaseStatusChange, None]:
    ctx, gid, adapter = _target(info, id, DATABASE)
    start_background()
    last: list[DatabaseRecord] = []

    async def fetch() -> DatabaseRecord:
        (record,) = await adapter.get_databases([gid.key])
        if record is None:
            if not last:
                raise GatewayError(ErrorCode.NOT_FOUND, f"Database '{id}' does not exist")
            gone = DatabaseStatusChange(
                database=None,
                previous_status=last[-1].status,
                status=DatabaseStatus.DELETED,
                at=_now(),
            )
            raise Finished(gone)
        last[:] = [record]
        return record

    # a template connection's callers each have their own poller (their own credential)
    key = (DATABASE, gid.connection, adapter.connection.tenant, gid.key)
    ctx.pollers.check_room(key, gid.connection)
    if not ctx.pollers.polling(key):
        # the first read happens before the stream starts, so an unknown ID is an error
        # now; a database already polled exists, and its poll serves this subscriber too
        await fetch()
    poller = ctx.pollers.poller(key, gid.connection, fetch, _status_diff, _status_digest)
    async for change in poller.subscribe():
        _as_new_request(ctx)
        yield change


# -- organizationEvents --------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    databases: dict[Key, DatabaseRecord]
    members: dict[Key, MemberRecord]
    api_keys: dict[Key, ApiKeyRecord]


#: an event's node, in the field of its kind: (database, member, api_key)
_Nodes = tuple[Database | None, Member | None, ApiKey | None]


@dataclass(frozen=True)
class _Watched(Generic[L]):
    """One kind of object organizationEvents reports on, and the events it reports."""

    kind: NodeKind[L]
    #: the field whose change is a *_CHANGED event
    value: Callable[[L], enum.Enum]
    created: OrganizationEventKind
    changed: OrganizationEventKind
    removed: OrganizationEventKind
    nodes: Callable[[L], _Nodes]


_DATABASES: _Watched[DatabaseRecord] = _Watched(
    DATABASE,
    lambda record: record.status,
    OrganizationEventKind.DATABASE_CREATED,
    OrganizationEventKind.DATABASE_STATUS_CHANGED,
    OrganizationEventKind.DATABASE_DELETED,
    lambda record: (Database.from_record(record), None, None),
)
_MEMBERS: _Watched[MemberRecord] = _Watched(
    MEMBER,
    lambda record: record.role,
    OrganizationEventKind.MEMBER_ADDED,
    OrganizationEventKind.MEMBER_ROLE_CHANGED,
    OrganizationEventKind.MEMBER_REMOVED,
    lambda record: (None, Member.from_record(record), None),
)
_API_KEYS: _Watched[ApiKeyRecord] = _Watched(
    API_KEY,
    lambda record: record.state,
    OrganizationEventKind.API_KEY_CREATED,
    OrganizationEventKind.API_KEY_STATE_CHANGED,
    OrganizationEventKind.API_KEY_REMOVED,
    lambda record: (None, None, ApiKey.from_record(record)),
)


def _events(
    before: dict[Key, L], now: dict[Key, L], watched: _Watched[L]
) -> list[OrganizationEvent]:
    found: list[OrganizationEvent] = []

    def event(
        kind: OrganizationEventKind, key: Key, record: L | None, previous: enum.Enum | None
    ) -> None:
        database, member, api_key = (
            watched.nodes(record) if record is not None else (None, None, None)
        )
        connection = (record if record is not None else before[key]).connection.name
        found.append(
            OrganizationEvent(
                kind=kind,
                object_id=global_id(watched.kind, connection, key),
                database=database,
                member=member,
                api_key=api_key,
                previous=None if previous is None else str(previous.value),
                at=_now(),
            )
        )

    for key, record in now.items():
        if key not in before:
            event(watched.created, key, record, None)
        elif watched.value(before[key]) != watched.value(record):
            event(watched.changed, key, record, watched.value(before[key]))
    for key in before.keys() - now.keys():
        event(watched.removed, key, None, None)
    return found


def _organization_diff(before: _Snapshot, now: _Snapshot) -> list[OrganizationEvent]:
    return [
        *_events(before.databases, now.databases, _DATABASES),
        *_events(before.members, now.members, _MEMBERS),
        *_events(before.api_keys, now.api_keys, _API_KEYS),
    ]


def _organization_digest(snapshot: _Snapshot) -> str:
    """What ``_organization_diff`` compares, as one string: equal when no event differs."""
    state = [[list(key), record.status.value] for key, record in sorted(snapshot.databases.items())]
    state += [[list(key), record.role.value] for key, record in sorted(snapshot.members.items())]
    state += [[list(key), record.state.value] for key, record in sorted(snapshot.api_keys.items())]
    text = json.dumps(state, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


async def organization_events(
    info: Info,
    organization_id: Annotated[
        strawberry.ID, strawberry.argument(description="The organization's global ID")
    ],
) -> AsyncGenerator[OrganizationEvent, None]:
    ctx, gid, adapter = _target(info, organization_id, ORGANIZATION)
    start_background()
    caps = adapter.capabilities

    async def fetch() -> _Snapshot:
        databases = await adapter.list_databases(gid.key) if caps.databases else []
        members = await adapter.list_members(gid.key) if caps.members else []
        api_keys = await adapter.list_api_keys(gid.key) if caps.api_keys else []
        return _Snapshot(
            {r.key: r for r in databases},
            {r.key: r for r in members},
            {r.key: r for r in api_keys},
        )

    # a template connection's callers each have their own poller (their own credential)
    key = (ORGANIZATION, gid.connection, adapter.connection.tenant, gid.key)
    ctx.pollers.check_room(key, gid.connection)
    if not ctx.pollers.polling(key):
        (org,) = await adapter.get_organizations([gid.key])
        if org is None:
            message = f"Organization '{organization_id}' does not exist"
            raise GatewayError(ErrorCode.NOT_FOUND, message)
    poller = ctx.pollers.poller(
        key, gid.connection, fetch, _organization_diff, _organization_digest
    )
    async for event in poller.subscribe():
        _as_new_request(ctx)
        yield event


@strawberry.type(description="Changes pushed over WebSocket (graphql-transport-ws)")
class Subscription:
    database_status_changed: AsyncGenerator[DatabaseStatusChange, None] = strawberry.subscription(
        resolver=database_status_changed,
        description="Status changes of one database, pushed as the gateway's poll sees them",
    )
    organization_events: AsyncGenerator[OrganizationEvent, None] = strawberry.subscription(
        resolver=organization_events,
        description="Databases, members and API keys of one organization appearing, changing "
        "or going away",
    )
