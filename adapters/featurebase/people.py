"""FeatureBase Cloud people beyond the normalized model (issue 21 item 8): a user created
(``POST /v2/users``) and changed (``PATCH /v2/users/{id}``), one user's keys
(``GET /v2/users/{id}/keys``), one role by name (``GET /v2/roles/{name}``) and an invite
accepted (``PATCH /v2/invites/{id}`` ``{accepted: true}``, the one change the seed shows).

Every rule is checked before the first call; the vendor decides who may (the seed: only
an org owner changes others, their ACL or their status).
"""

from __future__ import annotations

from adapters.base import HttpAdapter
from adapters.details import FeatureBaseRole, FeatureBaseUserChange
from adapters.errors import ErrorCode, GatewayError, UpstreamError
from adapters.featurebase import mapping
from adapters.featurebase.client import FeatureBaseClient, Json
from adapters.model import ApiKeyRecord, InvitationRecord, Key, MemberRecord

#: the seed bounds no name; ours keeps a name a name
MAX_PERSON_NAME = 100
#: a user ``status`` as the seed spells it (``Active``): a word
MAX_STATUS = 32


class FeatureBasePeople(HttpAdapter):
    """Mixed into ``FeatureBaseAdapter``, which defines the org checks used here."""

    client: FeatureBaseClient

    async def _org(self, key: Key) -> str:
        raise NotImplementedError

    async def _pair(self, key: Key, what: str) -> tuple[str, str]:
        raise NotImplementedError

    async def _member(self, key: Key) -> MemberRecord | None:
        raise NotImplementedError

    def _not_found(self, what: str) -> GatewayError:
        raise NotImplementedError

    # reads -------------------------------------------------------------------------------
    async def get_role(self, organization: Key, name: str) -> FeatureBaseRole | None:
        """One role; null when the org has none of that name (the vendor's 404)."""
        if not name.strip():
            return None
        try:
            await self._org(organization)
        except GatewayError as exc:
            if isinstance(exc, UpstreamError) or exc.code is not ErrorCode.NOT_FOUND:
                raise
            return None  # a forged organization ID names nothing, at no call
        body = await self._get_or_none(self.client.role(name))
        if body is None:
            return None
        try:
            return mapping.role(body)
        except (KeyError, TypeError) as exc:
            raise self.http.bad_response("unreadable role record") from exc

    async def list_user_api_keys(self, member: Key) -> list[ApiKeyRecord]:
        """The keys the user owns (``Member.featurebase.apiKeys``): one call; its 422 is
        the seed's "no such user" here, so it answers no keys."""
        org, user_id = member
        try:
            bodies = await self.client.user_keys(user_id)
        except UpstreamError as exc:
            if exc.upstream_status in (404, 422):
                return []
            raise
        return [
            self._map(mapping.api_key, org, b) for b in bodies if b.get("org_id") in (None, org)
        ]

    # writes ------------------------------------------------------------------------------
    def _name(self, value: str | None, field: str) -> str | None:
        if value is None:
            return None
        if not value.strip() or len(value) > MAX_PERSON_NAME:
            raise self.invalid((field,), f"must be 1 to {MAX_PERSON_NAME} characters, not blank")
        return value

    async def create_user(self, organization: Key, first_name: str, last_name: str) -> MemberRecord:
        """``POST /v2/users`` ``{firstname, lastname}``, the seed's whole body."""
        first = self._name(first_name, "first_name")
        last = self._name(last_name, "last_name")
        org = await self._org(organization)
        body = await self.client.create_user({"firstname": first, "lastname": last})
        return self._map(mapping.member, org, body)

    async def update_user(self, member: Key, change: FeatureBaseUserChange) -> MemberRecord:
        """``PATCH /v2/users/{id}`` with the fields given (the seed: 202 and the user)."""
        patch: Json = {}
        if (first := self._name(change.first_name, "first_name")) is not None:
            patch["firstname"] = first
        if (last := self._name(change.last_name, "last_name")) is not None:
            patch["lastname"] = last
        if change.acl is not None:
            if not all(a.strip() for a in change.acl):
                raise self.invalid(("acl",), "no permission may be blank")
            patch["acl"] = list(change.acl)
        if change.status is not None:
            status = change.status
            if not status.strip() or len(status) > MAX_STATUS or not status.isalpha():
                raise self.invalid(("status",), "must be a status word as FeatureBase spells it")
            patch["status"] = status
        if not patch:
            raise self.invalid(
                ("input",), "change at least one of firstName, lastName, acl, status"
            )
        org, user_id = await self._pair(member, "member")
        return self._map(mapping.member, org, await self.client.patch_user(user_id, patch))

    async def accept_invitation(self, invitation: Key) -> InvitationRecord:
        """``PATCH /v2/invites/{id}`` ``{accepted: true}``: the invite becomes history
        (``acceptedInvitations``); an invite accepted already is the vendor's to refuse."""
        org, invite_id = await self._pair(invitation, "invitation")
        body = await self.client.patch_invite(invite_id, {"accepted": True})
        return self._map(mapping.invitation, org, body)
