"""Types every part of the schema shares: enums, Node, connections, pages, filters."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

import strawberry
from strawberry.scalars import JSON

from adapters.base import Adapter, BreakerState, public_url, redact
from adapters.model import (
    ApiKeyState,
    AssignedRole,
    BackupKind,
    BackupStatus,
    DatabaseStatus,
    MemberRole,
    MemberState,
    Operation,
)
from adapters.model import Capabilities as AdapterCapabilities
from adapters.registry import builtin_names
from schema import enum_descriptions as text
from schema.enum_descriptions import describe, vendor_descriptions
from schema.kinds import NodeKind


#: the product's vendors as a GraphQL enum, one value per line of the registry (names only:
#: the schema loads no vendor package); a vendor only a test registers has no value here.
#: A StrEnum, so a member equals the plain name records carry. (mypy cannot type an enum
#: whose members are computed, hence the ignore.)
def _raw(root: Any) -> JSON:
    # redacted where it is shown, not when mapped: most queries never ask for ``raw``, and
    # copying every record's body to redact it was a fifth of a cold dashboard's CPU
    return JSON(redact(root.record.raw))


#: a node's ``raw`` field: the vendor's record (``record.raw``), secret-named fields removed
RAW: Any = strawberry.field(resolver=_raw, description="The vendor's record, secrets removed")


VendorName = StrEnum(  # type: ignore[misc]
    "VendorName", [(name.upper(), name) for name in builtin_names()]
)
VendorEnum = describe(
    strawberry.enum(VendorName, name="Vendor", description="A DBaaS vendor the gateway speaks to"),
    vendor_descriptions(list(builtin_names())),
)
DatabaseStatusEnum = describe(
    strawberry.enum(
        DatabaseStatus,
        name="DatabaseStatus",
        description="Normalized database state; the vendor's own value is in vendorStatus",
    ),
    text.DATABASE_STATUS,
)
BackupStatusEnum = describe(
    strawberry.enum(BackupStatus, name="BackupStatus", description="Normalized backup state"),
    text.BACKUP_STATUS,
)
BackupKindEnum = describe(
    strawberry.enum(BackupKind, name="BackupKind", description="Full backup or snapshot"),
    text.BACKUP_KIND,
)
MemberRoleEnum = describe(
    strawberry.enum(MemberRole, name="MemberRole", description="Normalized role of a member"),
    text.MEMBER_ROLE,
)
ApiKeyStateEnum = describe(
    strawberry.enum(ApiKeyState, name="ApiKeyState", description="Normalized API key state"),
    text.API_KEY_STATE,
)

MemberStateEnum = describe(
    strawberry.enum(
        MemberState,
        name="MemberState",
        description="Whether a member can act in the organization",
    ),
    text.MEMBER_STATE,
)
OperationEnum = describe(
    strawberry.enum(
        Operation,
        name="Operation",
        description="A mutation; a connection lists the ones its vendor supports",
    ),
    text.OPERATION,
)


def describe_values(enum: Any, descriptions: Mapping[Any, str]) -> None:
    """Give values of an enum wrapped from ``adapters`` (which cannot import strawberry)
    their GraphQL descriptions."""
    by_name = {member.name: text for member, text in descriptions.items()}
    for value in enum.__strawberry_definition__.values:
        value.description = by_name.get(value.name, value.description)


describe_values(
    MemberStateEnum,
    {
        MemberState.ACTIVE: "Can sign in and act",
        MemberState.PENDING: "Invited, has not signed in yet",
        MemberState.SUSPENDED: "Suspended by an administrator: cannot sign in",
        MemberState.DISABLED: "Disabled: cannot sign in",
        MemberState.UNKNOWN: "A state the gateway does not know; vendorState has it",
    },
)
describe_values(
    OperationEnum,
    {
        Operation.RESTORE_DATABASE: "createDatabase with fromBackupId: restoring is no "
        "mutation of its own",
    },
)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@strawberry.interface(description="An object with a global ID, fetchable with Query.node")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID")
    #: the kind of the type's objects (each Node type sets its own; ``schema.kinds``)
    KIND: ClassVar[NodeKind[Any]]


@strawberry.type(
    name="AssignedRole",
    description="A role of the vendor's RBAC (ClickHouse's system and custom roles)",
)
class AssignedRoleType:
    native_id: str = strawberry.field(description="The vendor's role ID")
    name: str | None = strawberry.field(description="Role name")
    type: str | None = strawberry.field(description="system (predefined) or custom")

    @classmethod
    def many(cls, roles: Sequence[AssignedRole]) -> list[AssignedRoleType]:
        return [cls(native_id=r.native_id, name=r.name, type=r.type) for r in roles]


@strawberry.type(description="What a vendor connection offers; absent resources resolve to null")
class Capabilities:
    organizations: bool = strawberry.field(description="Organizations can be listed")
    databases: bool = strawberry.field(description="Databases can be listed")
    backups: bool = strawberry.field(description="Backups can be listed")
    backup_configuration: bool = strawberry.field(description="Backup schedule can be read")
    api_keys: bool = strawberry.field(description="API keys can be listed")
    members: bool = strawberry.field(description="Members can be listed")
    invitations: bool = strawberry.field(description="Invitations can be listed")
    activities: bool = strawberry.field(description="The audit log can be read")
    plans: bool = strawberry.field(description="Plans a database can be created as are listed")
    credentials: bool = strawberry.field(description="Database credentials can be listed")
    private_endpoints: bool = strawberry.field(description="Private endpoint setup can be read")
    metrics: bool = strawberry.field(description="Database metrics can be read")
    feature_flags: bool = strawberry.field(description="Feature flags can be listed")
    operations: list[OperationEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Mutations this connection supports; others fail with NOT_SUPPORTED"
    )


BreakerStateEnum = describe(
    strawberry.enum(
        BreakerState,
        name="BreakerState",
        description="CLOSED: calls flow; OPEN: failing fast after repeated failures; "
        "HALF_OPEN: one probe call decides",
    ),
    text.BREAKER_STATE,
)


@strawberry.type(description="How the gateway sees a connection's vendor right now")
class ConnectionHealth:
    state: BreakerStateEnum = strawberry.field(  # type: ignore[valid-type]
        description="The circuit breaker's state"
    )
    consecutive_failures: int = strawberry.field(description="Failures since the last success")
    last_error: str | None = strawberry.field(description="The most recent failure")
    latency_ms: float | None = strawberry.field(description="Latency of the last good call")
    retry_in_seconds: float | None = strawberry.field(
        description="When OPEN: seconds until a probe call is let through"
    )


#: the parts of adapters' Capabilities that are no yes-or-no field here
_NOT_FLAGS = frozenset({"operations", "vendor_paged", "vendor_filters", "vendor_orders"})


@strawberry.type(description="One configured account at one vendor")
class VendorConnection:
    name: str = strawberry.field(description="Unique name from the configuration")
    vendor: VendorEnum = strawberry.field(description="The vendor")  # type: ignore[valid-type]
    base_url: str = strawberry.field(description="The vendor API base URL")
    simulated: bool = strawberry.field(description="True when it talks to the built-in simulator")
    capabilities: Capabilities = strawberry.field(description="What this vendor offers")
    adapter: strawberry.Private[Adapter]

    @strawberry.field(description="Circuit breaker state, last error and latency; no call made")
    def health(self) -> ConnectionHealth | None:
        snapshot = self.adapter.health()
        if snapshot is None:
            return None
        return ConnectionHealth(
            state=snapshot.state,
            consecutive_failures=snapshot.consecutive_failures,
            last_error=snapshot.last_error,
            latency_ms=snapshot.latency_ms,
            retry_in_seconds=snapshot.retry_in,
        )

    @classmethod
    def from_adapter(cls, adapter: Adapter) -> VendorConnection:
        info, caps = adapter.connection, adapter.capabilities
        return cls(
            name=info.name,
            vendor=info.vendor,
            base_url=public_url(info.base_url),
            simulated=info.simulated,
            capabilities=_shown(caps),
            adapter=adapter,
        )


@functools.lru_cache(maxsize=64)
def _shown(caps: AdapterCapabilities) -> Capabilities:
    # once per vendor, not once per organization of a listing (asdict deep-copies)
    return Capabilities(
        **{k: v for k, v in dataclasses.asdict(caps).items() if k not in _NOT_FLAGS},
        operations=sorted(caps.operations, key=list(Operation).index),
    )


@strawberry.type(description="Relay page information")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page")
    has_previous_page: bool = strawberry.field(description="Items precede this page")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; pass as after")


N = TypeVar("N")


@strawberry.type(description="One item of a page and its cursor")
class Edge(Generic[N]):
    cursor: str = strawberry.field(description="Pass as after to continue after this item")
    node: N = strawberry.field(description="The item")


def as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}
