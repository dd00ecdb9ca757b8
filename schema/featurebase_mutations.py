"""FeatureBase Cloud's role writes (issue 21 item 8): create a role of the org, change its
permissions, delete it. Organization-wide changes (``UPDATE_ORGANIZATION``, admin), through
the ``FeatureBaseRoles`` protocol; another vendor is NOT_SUPPORTED before any call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from adapters.base import FeatureBaseRoles
from adapters.errors import NotSupportedError
from adapters.model import Key, Operation
from schema.kinds import ORGANIZATION
from schema.mutation_runner import Target, run, target
from schema.vendor_types.featurebase import FeatureBaseRoleType


@strawberry.input(description="A FeatureBase role and its permissions")
class FeatureBaseRoleInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    name: str = strawberry.field(description="Role name (rolename)")
    acl: list[str] = strawberry.field(description="Permissions it grants, e.g. MANAGE_ORG:*")


@strawberry.input(description="A FeatureBase role to delete")
class DeleteFeatureBaseRoleInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    name: str = strawberry.field(description="Role name (rolename)")


@strawberry.type(description="A FeatureBase role after a change")
class FeatureBaseRolePayload:
    role: FeatureBaseRoleType | None = strawberry.field(
        description="The role now; null once deleted"
    )


def _roles(t: Target) -> FeatureBaseRoles:
    if isinstance(t.adapter, FeatureBaseRoles):
        return t.adapter
    info = t.adapter.connection
    raise NotSupportedError("FeatureBase roles", connection=info.name, vendor=info.vendor.value)


RoleArgument = Annotated[
    FeatureBaseRoleInput, strawberry.argument(description="The role: its name and permissions")
]
#: a role write of the adapter: (org, name, acl) -> the role as the vendor has it now
RoleWrite = Callable[[FeatureBaseRoles], Callable[[Key, str, tuple[str, ...]], Awaitable[Any]]]


async def _write(
    info: Info, input: FeatureBaseRoleInput, write: RoleWrite
) -> FeatureBaseRolePayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
    how = write(_roles(t))
    role = await run(t, lambda: how(t.key, input.name, tuple(input.acl)))
    return FeatureBaseRolePayload(role=FeatureBaseRoleType.from_details(role))


async def create_role(info: Info, input: RoleArgument) -> FeatureBaseRolePayload:
    return await _write(info, input, lambda roles: roles.create_role)


async def update_role(info: Info, input: RoleArgument) -> FeatureBaseRolePayload:
    return await _write(info, input, lambda roles: roles.update_role)


async def delete_role(
    info: Info,
    input: Annotated[
        DeleteFeatureBaseRoleInput, strawberry.argument(description="The role to delete")
    ],
) -> FeatureBaseRolePayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
    roles = _roles(t)
    await run(t, lambda: roles.delete_role(t.key, input.name))
    return FeatureBaseRolePayload(role=None)
