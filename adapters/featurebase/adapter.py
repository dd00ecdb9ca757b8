"""FeatureBase Cloud adapter: the protocol over FeatureBaseClient, with batch strategies.

A connection's credentials belong to one user of one org, and every list endpoint answers
for that org, so the org is found once per request (``/v2/users/current`` ->
``/v2/orgs/{id}``) and the lists take no org parameter. Batches of one kind and org ask
the list endpoint when they want several records (50 API keys owned by 5 users cost one
users list) and the detail endpoint when they want one.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from adapters.base import HttpAdapter, by_parent
from adapters.details import FeatureBaseRole
from adapters.featurebase import mapping
from adapters.featurebase.auth import LoginSession
from adapters.featurebase.client import FeatureBaseClient, Json
from adapters.http import UpstreamHttp
from adapters.model import (
    ApiKeyRecord,
    BackupRecord,
    Capabilities,
    DatabaseRecord,
    InvitationRecord,
    Key,
    MemberRecord,
    OrganizationRecord,
    PlanRecord,
)

T = TypeVar("T")
R = TypeVar("R")

CAPABILITIES = Capabilities(
    organizations=True,
    databases=True,
    backups=True,
    backup_configuration=False,  # no schedule endpoint
    api_keys=True,
    members=True,
    invitations=True,
    activities=False,  # no audit log endpoint
    plans=True,
    credentials=False,  # API credentials only; databases have none of their own
    private_endpoints=False,  # not in the API
    metrics=False,  # served by query.featurebase.com, a host this adapter does not call yet
    feature_flags=False,  # none in the API
)


class FeatureBaseAdapter(HttpAdapter):
    capabilities = CAPABILITIES

    def __init__(self, http: UpstreamHttp, login: LoginSession | None = None) -> None:
        super().__init__(http.connection)
        self.http = http
        self.login = login
        self.client = FeatureBaseClient(http)

    async def aclose(self) -> None:
        if self.login is not None:
            await self.login.aclose()
        await self.http.aclose()

    async def _lookup(
        self,
        keys: Sequence[Key],
        listing: Callable[[Key], Awaitable[Sequence[R]]],
        detail: Callable[[Key], Awaitable[R | None]],
        size: int = 2,
    ) -> list[R | None]:
        """Per parent: one list call for several wanted keys, one detail call for one.

        A key of the wrong length (a hand-made global ID) finds nothing, at no cost.
        """
        by_parent: dict[Key, list[Key]] = defaultdict(list)
        for key in keys:
            if len(key) == size:
                by_parent[key[:-1]].append(key)

        async def answer(parent: Key, wanted: list[Key]) -> dict[Key, R | None]:
            if len(set(wanted)) > 1:
                listed: dict[Key, R] = {r.key: r for r in await listing(parent)}  # type: ignore[attr-defined]
                return {k: listed.get(k) for k in wanted}
            return {wanted[0]: await detail(wanted[0])}

        answers = await asyncio.gather(*(answer(p, w) for p, w in by_parent.items()))
        found = {k: r for part in answers for k, r in part.items()}
        return [found.get(k) for k in keys]

    @staticmethod
    async def _by_parent(
        keys: Sequence[Key], size: int, listing: Callable[[Key], Awaitable[Sequence[R]]]
    ) -> list[R | None]:
        """``by_parent`` for the keys of the right length; the others find nothing."""
        valid = [k for k in keys if len(k) == size]
        found = dict(zip(valid, await by_parent(valid, listing), strict=True))
        return [found.get(k) for k in keys]

    @staticmethod
    def _same_org(org: str, body: Json | None) -> Json | None:
        # detail endpoints take no org: a key naming another org must not find this org's record
        if body is None or body.get("org_id") not in (None, org):
            return None
        return body

    # organizations -------------------------------------------------------------------
    async def list_organizations(self) -> list[OrganizationRecord]:
        user = await self.client.current_user()
        org_id = user.get("org_id")
        if not isinstance(org_id, str) or not org_id:
            raise self.http.bad_response("current user answered without an org_id")
        return [self._map(mapping.organization, await self.client.org(org_id))]

    async def get_organizations(self, keys: Sequence[Key]) -> list[OrganizationRecord | None]:
        async def one(key: Key) -> OrganizationRecord | None:
            body = await self._get_or_none(self.client.org(key[0])) if len(key) == 1 else None
            return self._map(mapping.organization, body) if body else None

        return list(await asyncio.gather(*(one(k) for k in keys)))

    async def get_roles(self, organization: Key) -> list[FeatureBaseRole]:
        """The org's roles (``Organization.featurebase.roles``); not part of the protocol."""
        roles = await self.client.roles()
        try:
            return [mapping.role(r) for r in roles]
        except (KeyError, TypeError) as exc:
            raise self.http.bad_response("unreadable role record") from exc

    # databases -----------------------------------------------------------------------
    async def list_databases(self, organization: Key) -> list[DatabaseRecord]:
        org = organization[0]
        return [self._map(mapping.database, org, d) for d in await self.client.databases()]

    async def _database(self, key: Key) -> DatabaseRecord | None:
        org, database_id = key
        body = self._same_org(org, await self._get_or_none(self.client.database(database_id)))
        return self._map(mapping.database, org, body) if body else None

    async def get_databases(self, keys: Sequence[Key]) -> list[DatabaseRecord | None]:
        return await self._lookup(keys, self.list_databases, self._database)

    # backups (no detail endpoint: lookups are answered from one list per database) ----
    async def list_backups(self, database: Key) -> list[BackupRecord]:
        org, database_id = database
        records = [
            self._map(mapping.backup, org, database_id, b)
            for b in await self.client.backups(database_id)
        ]
        # newest first, as Database.backups promises; undated ones last
        records.sort(
            key=lambda r: r.started_at.timestamp() if r.started_at else float("-inf"), reverse=True
        )
        return records

    async def get_backups(self, keys: Sequence[Key]) -> list[BackupRecord | None]:
        return await self._by_parent(keys, 3, self.list_backups)

    # members (users) -----------------------------------------------------------------
    async def list_members(self, organization: Key) -> list[MemberRecord]:
        org = organization[0]
        return [self._map(mapping.member, org, u) for u in await self.client.users()]

    async def _member(self, key: Key) -> MemberRecord | None:
        org, user_id = key
        body = self._same_org(org, await self._get_or_none(self.client.user(user_id)))
        return self._map(mapping.member, org, body) if body else None

    async def get_members(self, keys: Sequence[Key]) -> list[MemberRecord | None]:
        return await self._lookup(keys, self.list_members, self._member)

    # API keys (org keys; no org-level detail endpoint, so lookups use the list) -------
    async def list_api_keys(self, organization: Key) -> list[ApiKeyRecord]:
        org = organization[0]
        return [self._map(mapping.api_key, org, k) for k in await self.client.org_keys(org)]

    async def get_api_keys(self, keys: Sequence[Key]) -> list[ApiKeyRecord | None]:
        return await self._by_parent(keys, 2, self.list_api_keys)

    # invitations (pending ones) ------------------------------------------------------
    async def list_invitations(self, organization: Key) -> list[InvitationRecord]:
        org = organization[0]
        return [
            self._map(mapping.invitation, org, i)
            for i in await self.client.invites()
            if mapping.is_pending(i)
        ]

    async def _invitation(self, key: Key) -> InvitationRecord | None:
        org, invite_id = key
        body = self._same_org(org, await self._get_or_none(self.client.invite(invite_id)))
        if body is None or not mapping.is_pending(body):
            return None
        return self._map(mapping.invitation, org, body)

    async def get_invitations(self, keys: Sequence[Key]) -> list[InvitationRecord | None]:
        return await self._lookup(keys, self.list_invitations, self._invitation)

    # plans (shapes) ------------------------------------------------------------------
    async def list_plans(self, organization: Key) -> list[PlanRecord]:
        org = organization[0]
        return [self._map(mapping.plan, org, s) for s in await self.client.shapes()]

    async def _plan(self, key: Key) -> PlanRecord | None:
        org, name = key
        body = self._same_org(org, await self._get_or_none(self.client.shape(name)))
        return self._map(mapping.plan, org, body) if body else None

    async def get_plans(self, keys: Sequence[Key]) -> list[PlanRecord | None]:
        return await self._lookup(keys, self.list_plans, self._plan)
