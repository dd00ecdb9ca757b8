"""ClickHouse Cloud RBAC roles (2026-06 spec): ``Organization.clickhouse.roles``, read
through the ``ClickHouseRoles`` protocol of ``adapters.base`` (one call)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from adapters.base import Adapter, ClickHouseRoles
from adapters.clickhouse_ops import ClickHouseRoleLookup
from adapters.details import ClickHouseRole, RolePolicy
from adapters.model import OrganizationRecord
from schema.context import context_of
from schema.kinds import Kind, not_offered


def _lookup(adapter: Adapter) -> ClickHouseRoleLookup:
    if isinstance(adapter, ClickHouseRoleLookup):
        return adapter
    raise not_offered(adapter, "ClickHouse roles")


#: roles by (organization, role ID): ``Organization.clickhouse.role``, primed by ``.roles``
CLICKHOUSE_ROLE = Kind[ClickHouseRole]("ClickHouseRole", lambda a, keys: _lookup(a).get_roles(keys))


@strawberry.type(name="ClickHouseRolePolicy", description="What a role allows or denies")
class ClickHouseRolePolicyType:
    allow: bool | None = strawberry.field(
        description="True: ALLOW, false: DENY, null: a value the spec does not name"
    )
    permissions: list[str] = strawberry.field(
        description="Permissions, e.g. control-plane:organization:view"
    )
    resources: list[str] = strawberry.field(description="Resources, e.g. instance/*")
    grants: list[str] = strawberry.field(description="Database grants, where the policy has any")
    sql_console_role: str | None = strawberry.field(
        description="SQL console role: sql-console-readonly or sql-console-admin"
    )

    @classmethod
    def from_details(cls, p: RolePolicy) -> ClickHouseRolePolicyType:
        return cls(
            allow=p.allow,
            permissions=list(p.permissions),
            resources=list(p.resources),
            grants=list(p.grants),
            sql_console_role=p.sql_console_role,
        )


@strawberry.type(name="ClickHouseRole", description="An RBAC role of a ClickHouse organization")
class ClickHouseRoleType:
    native_id: str = strawberry.field(description="The vendor's role ID (a UUID)")
    name: str | None = strawberry.field(description="Role name")
    type: str | None = strawberry.field(description="system (predefined) or custom")
    actors: list[str] = strawberry.field(
        description="Who holds it, as the vendor names them: user/<userId>, apiKey/<keyId>"
    )
    policies: list[ClickHouseRolePolicyType] = strawberry.field(description="Its policies")
    created_at: datetime | None = strawberry.field(description="When it was created")
    updated_at: datetime | None = strawberry.field(description="When it last changed")

    @classmethod
    def from_details(cls, r: ClickHouseRole) -> ClickHouseRoleType:
        return cls(
            native_id=r.native_id,
            name=r.name,
            type=r.type,
            actors=list(r.actors),
            policies=[ClickHouseRolePolicyType.from_details(p) for p in r.policies],
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


def roles_of(info: Info, organization: OrganizationRecord) -> ClickHouseRoles:
    adapter = context_of(info).loaders.adapter(organization.connection.name)
    if isinstance(adapter, ClickHouseRoles):
        return adapter
    raise not_offered(adapter, "ClickHouse roles")


async def list_roles(info: Info, organization: OrganizationRecord) -> list[ClickHouseRoleType]:
    found = await roles_of(info, organization).list_roles(organization.key)
    loader = context_of(info).loaders.by_key(CLICKHOUSE_ROLE)
    for role in found:
        loader.prime((organization.connection.name, role.key), role)
    return [ClickHouseRoleType.from_details(r) for r in found]
