"""ClickHouse Cloud RBAC roles (2026-06 spec): listed (``Organization.clickhouse.roles``),
created, changed and deleted (``Mutation.createClickHouseRole`` ...), through the
``ClickHouseRoles`` protocol of ``adapters.base``. A role's actors are the organization's
members (``user/<userId>``) and API keys (``apiKey/<keyId>``); the spec's rules are checked
before any call: a name, at least one permission and resource per policy."""

from __future__ import annotations

from typing import Any

from adapters.base import HttpAdapter
from adapters.clickhouse import mapping
from adapters.clickhouse.client import ClickHouseClient
from adapters.coerce import as_str
from adapters.commands import WriteRole
from adapters.details import ClickHouseRole, RolePolicy
from adapters.model import ApiKeyRecord, Key, MemberRecord
from adapters.timeparse import parse_datetime

MAX_NAME = 100  # our reading: the spec gives no bound; the console stops at 100


class RoleAccess(HttpAdapter):
    client: ClickHouseClient

    def _org_of(self, organization: Key) -> str:
        if len(organization) != 1:
            raise self.not_supported("roles of a malformed organization")
        return self.client.check_id(organization[0])

    async def list_roles(self, organization: Key) -> list[ClickHouseRole]:
        org = self._org_of(organization)
        return [_role(org, r) for r in await self.client.roles(org) if "id" in r]

    def _body(self, command: WriteRole, org: str, *, creating: bool) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if command.name is not None:
            if not command.name.strip() or len(command.name) > MAX_NAME:
                raise self.invalid(("name",), f"must be 1 to {MAX_NAME} characters")
            body["name"] = command.name
        if command.members is not None or command.api_keys is not None:
            actors = []
            for field, kind, keys in (
                ("members", "user", command.members or ()),
                ("api_keys", "apiKey", command.api_keys or ()),
            ):
                for key in keys:
                    if len(key) != 2 or key[0] != org:
                        raise self.invalid((field,), "must name this organization's own")
                    actors.append(f"{kind}/{key[1]}")
            body["actors"] = actors
        if command.policies is not None:
            policies = []
            for n, p in enumerate(command.policies):
                if not p.permissions or not all(s.strip() for s in p.permissions):
                    raise self.invalid(("policies", str(n), "permissions"), "name at least one")
                if not p.resources or not all(s.strip() for s in p.resources):
                    raise self.invalid(("policies", str(n), "resources"), "name at least one")
                policies.append(
                    {
                        "allowDeny": "ALLOW" if p.allow else "DENY",
                        "permissions": list(p.permissions),
                        "resources": list(p.resources),
                    }
                )
            body["policies"] = policies
        if creating:
            for required in ("name", "policies"):
                if required not in body:
                    raise self.invalid((required,), "required for a new role")
            body.setdefault("actors", [])
        elif not body:
            raise self.invalid(("name",), "nothing to change")
        return body

    async def create_role(self, command: WriteRole) -> ClickHouseRole:
        org = self._org_of(command.organization)
        body = self._body(command, org, creating=True)
        return _role(org, await self.client.create_role(org, body))

    async def update_role(self, role: str, command: WriteRole) -> ClickHouseRole:
        org = self._org_of(command.organization)
        body = self._body(command, org, creating=False)
        return _role(org, await self.client.patch_role(org, role, body))

    async def assign_member_roles(self, member: Key, role_ids: tuple[str, ...]) -> MemberRecord:
        """``PATCH .../members/{id}`` with ``assignedRoleIds``: exactly these roles."""
        org, user = self._holder(member)
        body = {"assignedRoleIds": [self.client.check_id(r) for r in role_ids]}
        return self._map(mapping.member, org, await self.client.patch_member(org, user, body))

    async def assign_key_roles(self, api_key: Key, role_ids: tuple[str, ...]) -> ApiKeyRecord:
        """``PATCH .../keys/{id}`` with ``assignedRoleIds``: exactly these roles."""
        org, key = self._holder(api_key)
        body = {"assignedRoleIds": [self.client.check_id(r) for r in role_ids]}
        return self._map(mapping.api_key, org, await self.client.patch_key(org, key, body))

    def _holder(self, key: Key) -> tuple[str, str]:
        if len(key) != 2:
            raise self.invalid(("id",), "names no member or API key of this connection")
        return key[0], key[1]

    async def delete_role(self, organization: Key, role: str) -> None:
        org = self._org_of(organization)
        await self.client.delete_role(org, role)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _policy(body: dict[str, Any]) -> RolePolicy:
    allow = as_str(body.get("allowDeny"))
    found = body.get("tags")
    tags: dict[str, Any] = found if isinstance(found, dict) else {}
    return RolePolicy(
        allow={"ALLOW": True, "DENY": False}.get(allow or ""),
        permissions=_strings(body.get("permissions")),
        resources=_strings(body.get("resources")),
        grants=_strings(tags.get("grants")),
        sql_console_role=as_str(tags.get("roleV2")),
    )


def _role(org: str, body: dict[str, Any]) -> ClickHouseRole:
    role_id = str(body["id"])
    policies = body.get("policies")
    return ClickHouseRole(
        key=(org, role_id),
        native_id=role_id,
        name=as_str(body.get("name")),
        type=as_str(body.get("type")),
        actors=_strings(body.get("actors")),
        policies=tuple(_policy(p) for p in policies if isinstance(p, dict))
        if isinstance(policies, list)
        else (),
        created_at=parse_datetime(body.get("createdAt")),
        updated_at=parse_datetime(body.get("updatedAt")),
    )
