"""Route handlers of the ClickHouse Cloud simulator for roles (RBAC, the 2026-06 spec):
list, get, create, update, delete, bodies validated against the spec's own schemas
(``current_spec``). Our reading where the spec is silent: system roles cannot be changed or
deleted (409); role names are unique in an organization (409); an actor is
``user/<member userId>`` or ``apiKey/<key id>`` of the organization (400 otherwise); an
update replaces what it names and keeps the rest.
"""

from __future__ import annotations

from typing import Any

from adapters.clickhouse.sim import current_spec as spec
from adapters.clickhouse.sim.state import Ctx, OrgState, SimulatorBase
from adapters.clickhouse.sim.validation import JSON, ApiError, _fail, _iso

ROLES = "/v1/organizations/{organizationId}/roles"
ROLE = ROLES + "/{roleId}"


class RoleRoutes(SimulatorBase):
    def role_routes(self) -> list[tuple[str, str, Any, bool]]:
        # our reading: managing roles needs an ADMIN key, as organization writes do
        return [
            ("GET", ROLES, self._list_roles, False),
            ("POST", ROLES, self._create_role, True),
            ("GET", ROLE, self._get_role, False),
            ("PATCH", ROLE, self._patch_role, True),
            ("DELETE", ROLE, self._delete_role, True),
        ]

    def add_role(self, organization_id: str, name: str, **fields: Any) -> JSON:
        """Add a role: custom, no actors, no policies, unless ``fields`` say otherwise."""
        org = self.state.organizations[organization_id]
        role_id = fields.get("id") or self._new_id("role")
        actors: list[str] = fields.get("actors") or []
        policies: list[JSON] = fields.get("policies") or []
        now = _iso(self.wall_clock())
        role = {
            "id": role_id,
            "tenantId": f"organization/{organization_id}",
            "ownerId": f"organization/{organization_id}",
            "name": name,
            "type": fields.get("type", "custom"),
            "actors": list(actors),
            "policies": [self._policy(role_id, organization_id, p) for p in policies],
            "createdAt": now,
            "updatedAt": now,
        }
        org.roles[role_id] = role
        return role

    def _shown(self, org: OrgState, collection: str, record: JSON) -> JSON:
        """A member, key or invitation as the 2026-06 spec answers it: with the roles it
        holds (``assignedRoles``), from the roles' actors (an invitation's are kept on it)."""
        if collection == "members":
            actor = f"user/{record['userId']}"
        elif collection == "keys":
            actor = f"apiKey/{record['id']}"
        elif collection == "invitations":
            wanted = record.get("assignedRoleIds", [])
            held = [r for r in org.roles.values() if r["id"] in wanted]
            shown = {k: v for k, v in record.items() if k != "assignedRoleIds"}
            return shown | {"assignedRoles": [_assigned(r) for r in held]}
        else:
            return record
        held = [r for r in org.roles.values() if actor in r["actors"]]
        return record | {"assignedRoles": [_assigned(r) for r in held]}

    def _assign(self, org: OrgState, actor: str, role_ids: list[str]) -> None:
        """Make ``actor`` hold exactly ``role_ids`` (each a role of ``org``)."""
        unknown = [r for r in role_ids if r not in org.roles]
        if unknown:
            raise _fail(f"assignedRoleIds: no role {unknown[0]} in this organization")
        for role in org.roles.values():
            holds = actor in role["actors"]
            if role["id"] in role_ids and not holds:
                role["actors"].append(actor)
            elif role["id"] not in role_ids and holds:
                role["actors"].remove(actor)

    def _policy(self, role_id: str, organization_id: str, body: JSON) -> JSON:
        return {
            "id": self._new_id("policy"),
            "roleId": role_id,
            "tenantId": f"organization/{organization_id}",
            **body,
        }

    def _check_actors(self, org: OrgState, actors: list[str]) -> None:
        for actor in actors:
            kind, _, actor_id = actor.partition("/")
            known = org.members if kind == "user" else org.keys if kind == "apiKey" else None
            if known is None or actor_id not in known:
                raise _fail(f"actor '{actor}' is no user/<id> or apiKey/<id> of this organization")

    def _check_name(self, org: OrgState, name: str, role_id: str | None = None) -> None:
        if not name.strip():
            raise _fail("name must not be blank")
        if any(r["name"] == name and r["id"] != role_id for r in org.roles.values()):
            raise ApiError(409, f"A role named '{name}' already exists")

    def _role(self, ctx: Ctx, *, custom: bool = False) -> JSON:
        role = self._find(ctx.org.roles, ctx.params["roleId"], "Role")
        if custom and role["type"] == "system":
            raise ApiError(409, f"Role {role['name']} is a system role and cannot be changed")
        return role

    async def _list_roles(self, ctx: Ctx) -> Any:
        return list(ctx.org.roles.values())

    async def _get_role(self, ctx: Ctx) -> Any:
        return self._role(ctx)

    async def _create_role(self, ctx: Ctx) -> Any:
        body = await spec.body(ctx, "POST", ROLES)
        self._check_name(ctx.org, body["name"])
        self._check_actors(ctx.org, body["actors"])
        role = self.add_role(
            ctx.org.organization["id"],
            body["name"],
            actors=body["actors"],
            policies=body["policies"],
        )
        self._audit(ctx, "role_create")
        return role

    async def _patch_role(self, ctx: Ctx) -> Any:
        role = self._role(ctx, custom=True)
        body = await spec.body(ctx, "PATCH", ROLE)
        if "name" in body:
            self._check_name(ctx.org, body["name"], role["id"])
            role["name"] = body["name"]
        if "actors" in body:
            self._check_actors(ctx.org, body["actors"])
            role["actors"] = body["actors"]
        if "policies" in body:
            org_id = ctx.org.organization["id"]
            role["policies"] = [self._policy(role["id"], org_id, p) for p in body["policies"]]
        role["updatedAt"] = _iso(self.wall_clock())
        self._audit(ctx, "role_update")
        return role

    async def _delete_role(self, ctx: Ctx) -> Any:
        role = self._role(ctx, custom=True)
        del ctx.org.roles[role["id"]]
        self._audit(ctx, "role_delete")
        return None


def _assigned(role: JSON) -> JSON:
    """``AssignedRole``: a role as a holder lists it."""
    return {"roleId": role["id"], "roleName": role["name"], "roleType": role["type"]}
