"""Route handlers of the ClickHouse Cloud simulator for the organization and what hangs off it
directly: API keys, members, invitations and the activity (audit) log.
"""

from __future__ import annotations

import re
from typing import Any

from adapters.clickhouse.sim import seed_data as sd
from adapters.clickhouse.sim.state import Ctx, SimulatorBase
from adapters.clickhouse.sim.validation import (
    JSON,
    ApiError,
    _add_remove,
    _body,
    _enum,
    _expiry,
    _fail,
    _merge,
    _object,
    _parse_time,
    _private_endpoints,
    _roles,
    _str,
    _strings,
)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_KEYS_PER_ORGANIZATION = 100  # vendor notes: at most 100 keys per organization
_KEY_FIELDS = ("name", "roles", "expireAt", "state", "assignedRoleIds")


class OrgRoutes(SimulatorBase):
    """Handlers for organizations, keys, members, invitations and activities."""

    # --- organizations -------------------------------------------------------------------

    async def _list_organizations(self, ctx: Ctx) -> Any:
        return [ctx.org.organization]  # "a list with a single organization"

    async def _get_organization(self, ctx: Ctx) -> Any:
        return ctx.org.organization

    async def _patch_organization(self, ctx: Ctx) -> Any:
        body = await _body(ctx.request, ("name", "privateEndpoints"))
        name = _str(body.get("name"), "name")
        if name is not None and not name.strip():
            raise _fail("name must not be empty")
        change = _add_remove(
            body,
            "privateEndpoints",
            lambda v, label: _private_endpoints(v, label, full="add" in label),
        )
        organization = ctx.org.organization
        if change:
            organization["privateEndpoints"] = _merge(
                organization["privateEndpoints"], change, lambda e: e["id"]
            )
        if name is not None and name != organization["name"]:
            organization["name"] = name
            self._audit(ctx, "organization_update_name")
        return organization

    async def _org_private_endpoint_config(self, ctx: Ctx) -> Any:
        # Our reading: the docs name the query parameters only by their titles; we accept
        # those and snake_case names in the style of from_date/to_date.
        query = ctx.request.query_params
        provider = (
            _enum(
                query.get("cloud_provider", query.get("Cloud provider identifier")),
                "cloud_provider",
                sd.PROVIDER_REGIONS,
                required=True,
            )
            or ""
        )
        region = (
            _str(
                query.get("region_id", query.get("Cloud provider region")),
                "region_id",
                required=True,
            )
            or ""
        )
        if region not in sd.PROVIDER_REGIONS[provider] + sd.PRIVATE_ENDPOINT_REGIONS[provider]:
            raise _fail(f"region_id '{region}' is not a {provider} region")
        return {"endpointServiceId": sd.endpoint_service_id(provider, region)}

    # --- keys, members, invitations, activities --------------------------------------------

    async def _create_key(self, ctx: Ctx) -> Any:
        body = await _body(ctx.request, (*_KEY_FIELDS, "hashData"))
        name = _str(body.get("name"), "name", required=True) or ""
        roles = _roles(body.get("roles"))
        state = _enum(body.get("state"), "state", ("enabled", "disabled")) or "enabled"
        expire_at = _expiry(body.get("expireAt"))
        hash_data = None
        if body.get("hashData") is not None:
            hash_data = _object(
                body["hashData"], "hashData", ("keyIdHash", "keyIdSuffix", "keySecretHash")
            )
            for part in ("keyIdHash", "keyIdSuffix", "keySecretHash"):
                _str(hash_data.get(part), f"hashData.{part}", required=True)
        if len(ctx.org.keys) >= MAX_KEYS_PER_ORGANIZATION:
            raise _fail(f"An organization can have at most {MAX_KEYS_PER_ORGANIZATION} keys")
        created = self.add_key(
            ctx.org.organization["id"],
            name,
            hash_data=hash_data,
            roles=roles,
            state=state,
            expireAt=expire_at,
        )
        if "assignedRoleIds" in body:
            assigned = _strings(body["assignedRoleIds"], "assignedRoleIds")
            self._assign(ctx.org, f"apiKey/{created['key']['id']}", assigned)
        self._audit(ctx, "key_create")
        return created | {"key": self._shown(ctx.org, "keys", created["key"])}

    async def _patch_key(self, ctx: Ctx) -> Any:
        key = self._find(ctx.org.keys, ctx.params["keyId"], "API key")
        body = await _body(ctx.request, _KEY_FIELDS)
        changes: JSON = {
            "name": _str(body.get("name"), "name", required="name" in body),
            "roles": _roles(body["roles"]) if "roles" in body else None,
            "state": _enum(body.get("state"), "state", ("enabled", "disabled")),
        }
        # Our reading: an absent expireAt leaves it alone; "" or null removes the expiry.
        if "expireAt" in body:
            expire_at = _expiry(body["expireAt"])
            key.pop("expireAt", None)
            if expire_at:
                key["expireAt"] = expire_at
        key.update({k: v for k, v in changes.items() if v is not None})
        if "assignedRoleIds" in body:
            assigned = _strings(body["assignedRoleIds"], "assignedRoleIds")
            self._assign(ctx.org, f"apiKey/{key['id']}", assigned)
        return self._shown(ctx.org, "keys", key)

    async def _delete_key(self, ctx: Ctx) -> Any:
        key = self._find(ctx.org.keys, ctx.params["keyId"], "API key")
        if key["id"] == ctx.key["id"]:  # "Only a key not used to authenticate ... can be deleted"
            raise ApiError(409, "A key cannot delete itself: authenticate with another key")
        del ctx.org.keys[key["id"]], ctx.org.credentials[key["id"]]
        self._audit(ctx, "key_delete")
        return None

    async def _patch_member(self, ctx: Ctx) -> Any:
        member = self._find(ctx.org.members, ctx.params["userId"], "Member")
        body = await _body(ctx.request, ("role", "assignedRoleIds"))
        # the 2026-06 spec: a member's role, or the roles it holds, or both
        role = _enum(body.get("role"), "role", sd.ROLES, required="assignedRoleIds" not in body)
        if role is not None:
            member["role"] = role
        if "assignedRoleIds" in body:
            assigned = _strings(body["assignedRoleIds"], "assignedRoleIds")
            self._assign(ctx.org, f"user/{member['userId']}", assigned)
        self._audit(ctx, "organization_member_update_role")
        return self._shown(ctx.org, "members", member)

    async def _delete_member(self, ctx: Ctx) -> Any:
        member = self._find(ctx.org.members, ctx.params["userId"], "Member")
        del ctx.org.members[member["userId"]]
        self._audit(ctx, "organization_member_delete")
        return None

    async def _create_invitation(self, ctx: Ctx) -> Any:
        body = await _body(ctx.request, ("email", "role", "assignedRoleIds"))
        email = _str(body.get("email"), "email", required=True) or ""
        if not _EMAIL.fullmatch(email):
            raise _fail(f"email '{email}' is not a valid email address")
        role = _enum(body.get("role"), "role", sd.ROLES, required=True) or ""
        self._check_not_invited(ctx, email.lower())
        invitation = self.add_invitation(ctx.org.organization["id"], email, role=role)
        if "assignedRoleIds" in body:
            assigned = _strings(body["assignedRoleIds"], "assignedRoleIds")
            unknown = [r for r in assigned if r not in ctx.org.roles]
            if unknown:
                raise _fail(f"assignedRoleIds: no role {unknown[0]} in this organization")
            invitation["assignedRoleIds"] = assigned
        self._audit(ctx, "organization_invite_create")
        return self._shown(ctx.org, "invitations", invitation)

    def _check_not_invited(self, ctx: Ctx, email: str) -> None:
        # Our reading: the docs list no answer for these; 409 is the status real clients see
        # for a request that clashes with the current state.
        if any(str(m.get("email", "")).lower() == email for m in ctx.org.members.values()):
            raise ApiError(409, f"User {email} is already a member of this organization")
        now = self.wall_clock()
        for invitation in ctx.org.invitations.values():
            expired = _parse_time(invitation["expireAt"], "expireAt") <= now
            if invitation.get("email") == email and not expired:
                raise ApiError(409, f"User {email} already has a pending invitation")

    async def _delete_invitation(self, ctx: Ctx) -> Any:
        invitation = self._find(ctx.org.invitations, ctx.params["invitationId"], "Invitation")
        del ctx.org.invitations[invitation["id"]]
        self._audit(ctx, "organization_invite_delete")
        return None

    async def _list_activities(self, ctx: Ctx) -> Any:
        query = ctx.request.query_params
        since = _parse_time(query["from_date"], "from_date") if "from_date" in query else None
        until = _parse_time(query["to_date"], "to_date") if "to_date" in query else None
        activities = sorted(ctx.org.activities.values(), key=lambda a: a["createdAt"])
        return [
            a
            for a in activities  # our reading: both bounds inclusive, oldest first
            if (since is None or _parse_time(a["createdAt"], "createdAt") >= since)
            and (until is None or _parse_time(a["createdAt"], "createdAt") <= until)
        ]
