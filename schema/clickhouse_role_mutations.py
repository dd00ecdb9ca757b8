"""Writes of ClickHouse Cloud RBAC roles (2026-06 spec): create, change, delete a custom
role of an organization. Each is an organization-wide change (``UPDATE_ORGANIZATION`` in
capabilities, admin), through the ``ClickHouseRoles`` protocol; another vendor's
organization is NOT_SUPPORTED before any call. Actors are Member and ApiKey IDs of the
organization's connection."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.base import ClickHouseRoles
from adapters.commands import RolePolicyInput, WriteRole
from adapters.errors import NotSupportedError
from adapters.model import Key, Operation
from schema.ids import decode_id
from schema.kinds import API_KEY, MEMBER, ORGANIZATION
from schema.mutation_inputs import key_in
from schema.mutation_runner import Target, run, target
from schema.nodes import ApiKey, Member
from schema.vendor_types.clickhouse_roles import ClickHouseRoleType


@strawberry.input(description="A policy of a role")
class ClickHouseRolePolicyInput:
    allow: bool = strawberry.field(description="True: ALLOW, false: DENY")
    permissions: list[str] = strawberry.field(
        description="Permissions, e.g. control-plane:organization:view; at least one"
    )
    resources: list[str] = strawberry.field(description="Resources, e.g. instance/*; at least one")


@strawberry.input(description="A new custom role, or changes to one (unset fields stay)")
class ClickHouseRoleInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    role_id: str | None = strawberry.field(
        default=None, description="The role's nativeId (a UUID); unset to create one"
    )
    name: str | None = strawberry.field(default=None, description="Role name; required new")
    member_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Members who hold it (replaces the actors with apiKeyIds)"
    )
    api_key_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="API keys that hold it (replaces the actors with memberIds)"
    )
    policies: list[ClickHouseRolePolicyInput] | None = strawberry.field(
        default=None, description="Its policies (replace the old ones); required new"
    )


@strawberry.input(description="A custom role to delete")
class DeleteClickHouseRoleInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    role_id: str = strawberry.field(description="The role's nativeId (a UUID)")


@strawberry.type(description="A role after a change")
class ClickHouseRolePayload:
    role: ClickHouseRoleType = strawberry.field(description="The role as the vendor has it now")


@strawberry.input(description="The roles a member or API key holds, all of them")
class AssignClickHouseRolesInput:
    id: strawberry.ID = strawberry.field(description="A Member or an ApiKey")
    role_ids: list[str] = strawberry.field(
        description="nativeIds of the roles it holds from now on (replacing the others)"
    )


@strawberry.type(description="A member or API key with its roles")
class AssignClickHouseRolesPayload:
    member: Member | None = strawberry.field(description="The member, when one was named")
    api_key: ApiKey | None = strawberry.field(description="The API key, when one was named")


@strawberry.type(description="A deleted role")
class DeleteClickHouseRolePayload:
    deleted_role_id: str = strawberry.field(description="The deleted role's nativeId")


def _roles(t: Target) -> ClickHouseRoles:
    if isinstance(t.adapter, ClickHouseRoles):
        return t.adapter
    info = t.adapter.connection
    raise NotSupportedError("ClickHouse roles", connection=info.name, vendor=info.vendor.value)


def _keys(t: Target, ids: list[strawberry.ID] | None, kind: str) -> tuple[Key, ...] | None:
    if ids is None:
        return None
    node = MEMBER if kind == "member_ids" else API_KEY
    return tuple(k for k in (key_in(t.connection, i, node, kind) for i in ids) if k is not None)


def _command(t: Target, input: ClickHouseRoleInput) -> WriteRole:
    return WriteRole(
        organization=t.key,
        name=input.name,
        members=_keys(t, input.member_ids, "member_ids"),
        api_keys=_keys(t, input.api_key_ids, "api_key_ids"),
        policies=None
        if input.policies is None
        else tuple(
            RolePolicyInput(p.allow, tuple(p.permissions), tuple(p.resources))
            for p in input.policies
        ),
    )


async def write_clickhouse_role(
    info: Info,
    input: Annotated[
        ClickHouseRoleInput,
        strawberry.argument(
            description="The role: without roleId a new one, with it the one to change"
        ),
    ],
) -> ClickHouseRolePayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
    roles = _roles(t)
    command = _command(t, input)
    role_id = input.role_id
    if role_id is None:
        role = await run(t, lambda: roles.create_role(command))
    else:
        role = await run(t, lambda: roles.update_role(role_id, command))
    return ClickHouseRolePayload(role=ClickHouseRoleType.from_details(role))


async def assign_clickhouse_roles(
    info: Info,
    input: Annotated[
        AssignClickHouseRolesInput,
        strawberry.argument(description="The members or API keys and the roles they are to have"),
    ],
) -> AssignClickHouseRolesPayload:
    gid = decode_id(input.id)
    role_ids = tuple(input.role_ids)
    if gid.type_name == MEMBER.type_name:
        t = target(info, input.id, MEMBER, Operation.UPDATE_MEMBER_ROLE)
        roles = _roles(t)
        member = await run(t, lambda: roles.assign_member_roles(t.key, role_ids))
        return AssignClickHouseRolesPayload(member=Member.from_record(member), api_key=None)
    t = target(info, input.id, API_KEY, Operation.UPDATE_API_KEY)
    roles = _roles(t)
    key = await run(t, lambda: roles.assign_key_roles(t.key, role_ids))
    return AssignClickHouseRolesPayload(member=None, api_key=ApiKey.from_record(key))


async def delete_clickhouse_role(
    info: Info,
    input: Annotated[
        DeleteClickHouseRoleInput, strawberry.argument(description="The role to delete")
    ],
) -> DeleteClickHouseRolePayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
    roles = _roles(t)
    await run(t, lambda: roles.delete_role(t.key, input.role_id))
    return DeleteClickHouseRolePayload(deleted_role_id=input.role_id)
