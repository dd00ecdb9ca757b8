"""NetApp Astra Control adapter: the protocol over AstraClient, with batch strategies.

A connection is one account, so the organization list is that account. Members are users
joined with role bindings (two lists fetched together); API tokens exist only per user,
so listing an account's keys is one users list and then every user's tokens list at once,
which the upstream policy bounds to the connection's ``max_concurrency``. The writes
live in ``writes.AstraWrites``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from adapters.astra import mapping
from adapters.astra.account_access import AstraAccountAccess
from adapters.astra.client import AstraClient, filter_value
from adapters.astra.writes import AstraWrites
from adapters.details import AstraCredential
from adapters.errors import ErrorCode, UpstreamError
from adapters.model import (
    ApiKeyRecord,
    BackupRecord,
    Capabilities,
    DatabaseQuery,
    DatabaseRecord,
    FeatureFlagRecord,
    InvitationRecord,
    Key,
    MemberRecord,
    Operation,
    OrganizationRecord,
)
from adapters.paging import PageRequest, VendorPage
from adapters.together import both
from adapters.upstream.http import UpstreamHttp

T = TypeVar("T")

#: the resource fields a ListOrder field sorts by (metadata.creationTimestamp: created)
Sorts = Mapping[str, tuple[str, ...]]
USER_FIELDS: Sorts = {
    "name": ("firstName", "lastName"),
    "created_at": ("metadata.creationTimestamp",),
}
INVITATION_FIELDS: Sorts = {"name": ("email",), "created_at": ("metadata.creationTimestamp",)}
FEATURE_FIELDS: Sorts = {"name": ("name",), "created_at": ("metadata.creationTimestamp",)}


def _sorted(request: PageRequest, fields: Sorts) -> dict[str, str]:
    """The ``orderBy`` parameter of ``request``'s order, by these resource fields."""
    if request.order is None:
        return {}
    direction = "desc" if request.order.descending else "asc"
    return {"orderBy": ",".join(f"{f} {direction}" for f in fields[request.order.field])}


CAPABILITIES = Capabilities(
    organizations=True,
    databases=True,
    backups=True,
    api_keys=True,
    members=True,
    invitations=True,
    feature_flags=True,
    # collections page with limit and continue; members and invitations are users (a
    # page of them reads the role bindings whole: a user's binding may be on any page)
    vendor_paged=frozenset({"members", "invitations", "feature_flags"}),
    # invitations are users filtered by the vendor (filter=state eq 'pending')
    vendor_filters=frozenset({"invitations.state", "databases.name"}),
    # collections take orderBy=<field> asc|desc
    vendor_orders=frozenset(
        f"{kind}.{field}"
        for kind in ("members", "invitations", "feature_flags")
        for field in ("name", "created_at")
    ),
    operations=frozenset(
        {
            Operation.CREATE_DATABASE,
            Operation.RESTORE_DATABASE,
            Operation.UPDATE_DATABASE,
            Operation.DELETE_DATABASE,
            Operation.CREATE_BACKUP,
            Operation.DELETE_BACKUP,
            Operation.CREATE_API_KEY,
            Operation.UPDATE_API_KEY,
            Operation.REVOKE_API_KEY,
            Operation.INVITE_MEMBER,
            Operation.CANCEL_INVITATION,
            Operation.UPDATE_MEMBER_ROLE,
            Operation.REMOVE_MEMBER,
            Operation.UPDATE_ORGANIZATION,
        }
    ),
)


class AstraAdapter(AstraAccountAccess, AstraWrites):
    capabilities = CAPABILITIES

    def __init__(self, client: AstraClient) -> None:
        super().__init__(client.http.connection)
        self.http: UpstreamHttp = client.http
        self.client = client
        self.account_id = client.account_id

    def _ours(self, key: Key) -> bool:
        # keys come from global IDs: another account's can never be read with this token
        return bool(key) and key[0] == self.account_id

    # organization (the account) ------------------------------------------------------
    async def list_organizations(self) -> list[OrganizationRecord]:
        return [self._map(mapping.account, await self.client.account())]

    async def organization_keys(self) -> list[Key] | None:
        return [(self.account_id,)]  # configured: its children need not wait for its record

    async def get_organizations(self, keys: Sequence[Key]) -> list[OrganizationRecord | None]:
        if not any(self._ours(k) and len(k) == 1 for k in keys):
            return [None] * len(keys)
        (record,) = await self.list_organizations()
        return [record if k == record.key else None for k in keys]

    # databases (managed apps) ----------------------------------------------------------
    async def list_databases(self, organization: Key) -> list[DatabaseRecord]:
        if not self._ours(organization):
            return []
        return [self._map(mapping.app, self.account_id, a) for a in await self.client.apps()]

    async def list_databases_where(
        self, organization: Key, query: DatabaseQuery
    ) -> list[DatabaseRecord]:
        if not self._ours(organization):
            return []
        # collections take filter=<field> eq '<value>': fewer items, so fewer pages
        where = {} if query.name is None else {"filter": f"name eq {filter_value(query.name)}"}
        apps = await self.client.apps(where)
        return [self._map(mapping.app, self.account_id, a) for a in apps]

    async def get_databases(self, keys: Sequence[Key]) -> list[DatabaseRecord | None]:
        wanted = {k for k in keys if self._ours(k) and len(k) == 2}
        if len(wanted) > 1:
            # one (paged) list answers every key; N detail GETs would cost more
            listed = {d.key: d for d in await self.list_databases((self.account_id,))}
            return [listed.get(k) for k in keys]
        found: dict[Key, DatabaseRecord | None] = {}
        for key in wanted:
            body = await self._get_or_none(self.client.app(key[1]))
            found[key] = self._map(mapping.app, self.account_id, body) if body else None
        return [found.get(k) for k in keys]

    # backups (appBackups and appSnaps) -------------------------------------------------
    async def list_backups(self, database: Key) -> list[BackupRecord]:
        if not self._ours(database):
            return []
        app_id = database[1]
        backups, snapshots = mapping.COLLECTIONS
        listings = await both(
            self.client.protections(app_id, backups), self.client.protections(app_id, snapshots)
        )
        records = [
            self._map(mapping.protection, self.account_id, app_id, collection, body)
            for collection, bodies in zip(mapping.COLLECTIONS, listings, strict=True)
            for body in bodies
        ]
        # newest first, as the schema promises; undated ones last
        records.sort(key=lambda r: (r.started_at is not None, r.started_at), reverse=True)
        return records

    async def get_backups(self, keys: Sequence[Key]) -> list[BackupRecord | None]:
        async def one(key: Key) -> BackupRecord | None:
            if not (self._ours(key) and len(key) == 4 and key[2] in mapping.COLLECTIONS):
                return None
            _, app_id, collection, item_id = key
            body = await self._get_or_none(self.client.protection(app_id, collection, item_id))
            if body is None:
                return None
            return self._map(mapping.protection, self.account_id, app_id, collection, body)

        return list(await asyncio.gather(*(one(k) for k in keys)))

    # members and invitations (users + role bindings) -----------------------------------
    async def _users_with_roles(self) -> list[tuple[dict[str, Any], str | None]]:
        users, bindings = await both(self.client.users(), self.client.role_bindings())
        return [(u, mapping.user_role(str(u.get("id")), bindings)) for u in users]

    async def list_credentials_metadata(self, organization: Key) -> list[AstraCredential]:
        """``GET .../core/v1/credentials``: names, kinds and validity, never the secrets."""
        if not self._ours(organization):
            return []
        found = []
        for body in await self.client.credentials():
            try:
                found.append(mapping.credential(body))
            except (KeyError, TypeError) as exc:
                raise self.http.bad_response("unreadable credential record") from exc
        return found

    async def list_members(self, organization: Key) -> list[MemberRecord]:
        if not self._ours(organization):
            return []
        return [
            self._map(mapping.member, self.account_id, user, role)
            for user, role in await self._users_with_roles()
        ]

    async def page_members(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[MemberRecord] | None:
        if not self._ours(organization):
            return VendorPage([], False, 0)
        query = _sorted(request, USER_FIELDS)
        page, bindings = await asyncio.gather(
            self.client.users_page(request, query), self.client.role_bindings()
        )
        return page.map(
            lambda user: self._map(
                mapping.member,
                self.account_id,
                user,
                mapping.user_role(str(user.get("id")), bindings),
            )
        )

    async def page_invitations(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[InvitationRecord] | None:
        if not self._ours(organization):
            return VendorPage([], False, 0)
        pending = {
            "filter": f"state eq '{mapping.PENDING_USER}'",
            **_sorted(request, INVITATION_FIELDS),
        }
        page, bindings = await asyncio.gather(
            self.client.users_page(request, pending), self.client.role_bindings()
        )
        return page.map(
            lambda user: self._map(
                mapping.invitation,
                self.account_id,
                user,
                mapping.user_role(str(user.get("id")), bindings),
            )
        )

    async def list_invitations(self, organization: Key) -> list[InvitationRecord]:
        if not self._ours(organization):
            return []
        return [
            self._map(mapping.invitation, self.account_id, user, role)
            for user, role in await self._users_with_roles()
            if user.get("state") == mapping.PENDING_USER
        ]

    # API tokens (per user) ---------------------------------------------------------------
    async def list_api_keys(self, organization: Key) -> list[ApiKeyRecord]:
        if not self._ours(organization):
            return []
        user_ids = [str(u["id"]) for u in await self.client.users() if "id" in u]
        # all at once: UpstreamHttp's semaphore is the one bound on concurrent requests
        listings = await asyncio.gather(*(self._visible_tokens(u) for u in user_ids))
        hidden = [t for t in listings if isinstance(t, UpstreamError)]
        if hidden and len(hidden) == len(listings):
            raise hidden[0]  # not even its own user's tokens: the caller should know
        return [
            self._map(mapping.api_key, self.account_id, user_id, token)
            for user_id, tokens in zip(user_ids, listings, strict=True)
            if not isinstance(tokens, UpstreamError)
            for token in tokens
        ]

    async def _visible_tokens(self, user_id: str) -> list[dict[str, Any]] | UpstreamError:
        """A user's tokens, or the 403 that hides them: a token of a viewer or member may
        list its own user's tokens only, and that is still a useful answer."""
        try:
            return await self.client.tokens(user_id)
        except UpstreamError as exc:
            if exc.code is ErrorCode.FORBIDDEN:
                return exc
            raise

    async def get_api_keys(self, keys: Sequence[Key]) -> list[ApiKeyRecord | None]:
        async def one(key: Key) -> ApiKeyRecord | None:
            if not (self._ours(key) and len(key) == 3):
                return None
            _, user_id, token_id = key
            body = await self._get_or_none(self.client.token(user_id, token_id))
            return self._map(mapping.api_key, self.account_id, user_id, body) if body else None

        return list(await asyncio.gather(*(one(k) for k in keys)))

    # feature flags ----------------------------------------------------------------------
    async def list_feature_flags(self, organization: Key) -> list[FeatureFlagRecord]:
        if not self._ours(organization):
            return []
        return [
            self._map(mapping.feature, self.account_id, f) for f in await self.client.features()
        ]

    async def page_feature_flags(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[FeatureFlagRecord] | None:
        if not self._ours(organization):
            return VendorPage([], False, 0)
        page = await self.client.features_page(request, _sorted(request, FEATURE_FIELDS))
        return page.map(lambda f: self._map(mapping.feature, self.account_id, f))

    async def get_feature_flags(self, keys: Sequence[Key]) -> list[FeatureFlagRecord | None]:
        async def one(key: Key) -> FeatureFlagRecord | None:
            if not (self._ours(key) and len(key) == 2):
                return None
            body = await self._get_or_none(self.client.feature(key[1]))
            return self._map(mapping.feature, self.account_id, body) if body else None

        return list(await asyncio.gather(*(one(k) for k in keys)))
