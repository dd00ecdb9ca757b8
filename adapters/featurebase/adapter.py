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

from adapters.base import by_parent
from adapters.commands import (
    CreateApiKey,
    CreatedApiKey,
    CreateDatabase,
    CreatedDatabase,
    DeletedDatabase,
    InviteMember,
    RevokedApiKey,
    UpdateApiKey,
    UpdateDatabase,
    UpdateOrganization,
)
from adapters.details import FeatureBaseRole
from adapters.errors import ErrorCode, GatewayError, UpstreamError
from adapters.featurebase import mapping, validation
from adapters.featurebase.auth import LoginSession
from adapters.featurebase.client import FeatureBaseClient, Json
from adapters.featurebase.people import FeatureBasePeople
from adapters.featurebase.query_host import FeatureBaseQueryHost
from adapters.model import (
    ApiKeyRecord,
    ApiKeyState,
    BackupRecord,
    Capabilities,
    DatabaseRecord,
    InvitationRecord,
    Key,
    MemberRecord,
    MemberRole,
    Operation,
    OrganizationRecord,
    PlanRecord,
)
from adapters.paging import PageRequest, VendorPage
from adapters.upstream.http import UpstreamHttp

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
    # the normalized Database.metrics series are not what the query host serves: its
    # OpenMetrics samples are Database.featurebase.metrics
    metrics=False,
    feature_flags=False,  # none in the API
    # every list answers a page and a "next" cursor (backups: "continuation")
    vendor_paged=frozenset({"members", "api_keys", "invitations", "plans", "backups"}),
    # not offered: scaling, passwords, backups and their schedule, restores (no endpoints);
    # removing members and cancelling invites (no documented call does either)
    operations=frozenset(
        {
            Operation.CREATE_DATABASE,
            Operation.UPDATE_DATABASE,
            Operation.START_DATABASE,
            Operation.STOP_DATABASE,
            Operation.DELETE_DATABASE,
            Operation.CREATE_API_KEY,
            Operation.UPDATE_API_KEY,
            Operation.REVOKE_API_KEY,
            Operation.INVITE_MEMBER,
            Operation.UPDATE_MEMBER_ROLE,
            Operation.UPDATE_ORGANIZATION,
        }
    ),
)


class FeatureBaseAdapter(FeatureBasePeople, FeatureBaseQueryHost):
    capabilities = CAPABILITIES

    def __init__(
        self,
        http: UpstreamHttp,
        login: LoginSession | None = None,
        query_http: UpstreamHttp | None = None,
    ) -> None:
        super().__init__(http.connection)
        self.http = http
        self.login = login
        #: the query host (metrics), with the same credentials and policy as ``http``
        self.query_http = query_http
        self.client = FeatureBaseClient(http)
        #: the org of this connection's user, once known: a key or a login never moves
        self._org_id: str | None = None

    async def aclose(self) -> None:
        if self.login is not None:
            await self.login.aclose()
        if self.query_http is not None:
            await self.query_http.aclose()
        await self.http.aclose()

    def upstreams(self) -> Sequence[UpstreamHttp]:
        hosts = [self.http]
        if self.login is not None:
            hosts.append(self.login.identity)
        if self.query_http is not None:
            hosts.append(self.query_http)
        return tuple(hosts)

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
        org_id = self._org_of(await self.client.current_user())
        return [self._map(mapping.organization, await self.client.org(org_id))]

    def _org_of(self, user: Json) -> str:
        org_id = user.get("org_id")
        if not isinstance(org_id, str) or not org_id:
            raise self.http.bad_response("current user answered without an org_id")
        self._org_id = org_id
        return org_id

    async def _own_org(self) -> str:
        return self._org_id or self._org_of(await self.client.current_user())

    async def organization_keys(self) -> list[Key] | None:
        # the user's org ID is known from /v2/users/current; the org's record is one more
        # call that its children need not wait for
        return [(await self._own_org(),)]

    def prefetch(self, kinds: frozenset[str]) -> None:
        # the databases and users lists take no org: they start with /v2/users/current
        if "databases" in kinds:
            self._prefetch("databases", self.client.databases)
        if "members" in kinds:
            self._prefetch("users", self.client.users)

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
        bodies = await self._taken("databases", self.client.databases)
        return [self._map(mapping.database, org, d) for d in bodies]

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

    async def page_backups(self, database: Key, request: PageRequest) -> VendorPage[BackupRecord]:
        # in the vendor's order (a page cannot be sorted without reading every page)
        org, database_id = database
        page = await self.client.backups_page(database_id, request)
        return page.map(lambda b: self._map(mapping.backup, org, database_id, b))

    async def get_backups(self, keys: Sequence[Key]) -> list[BackupRecord | None]:
        return await self._by_parent(keys, 3, self._backups_in_org)

    async def _backups_in_org(self, database: Key) -> list[BackupRecord]:
        # the backup list takes no org: a key naming another org (a forged ID) must not
        # find this database's backups under it
        if await self._database(database) is None:
            return []
        return await self.list_backups(database)

    # members (users) -----------------------------------------------------------------
    async def list_members(self, organization: Key) -> list[MemberRecord]:
        org = organization[0]
        return [
            self._map(mapping.member, org, u) for u in await self._taken("users", self.client.users)
        ]

    async def _member(self, key: Key) -> MemberRecord | None:
        org, user_id = key
        body = self._same_org(org, await self._get_or_none(self.client.user(user_id)))
        return self._map(mapping.member, org, body) if body else None

    async def get_members(self, keys: Sequence[Key]) -> list[MemberRecord | None]:
        return await self._lookup(keys, self.list_members, self._member)

    async def page_members(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[MemberRecord]:
        org = organization[0]
        page = await self.client.users_page(request)
        return page.map(lambda u: self._map(mapping.member, org, u))

    # API keys (org keys; no org-level detail endpoint, so lookups use the list) -------
    async def list_api_keys(self, organization: Key) -> list[ApiKeyRecord]:
        org = organization[0]
        return [self._map(mapping.api_key, org, k) for k in await self.client.org_keys(org)]

    async def page_api_keys(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[ApiKeyRecord]:
        org = organization[0]
        page = await self.client.org_keys_page(org, request)
        return page.map(lambda k: self._map(mapping.api_key, org, k))

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

    async def page_invitations(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[InvitationRecord]:
        org = organization[0]
        # the list holds answered invites too: only pending ones count towards the page
        page = await self.client.invites_page(request, keep=mapping.is_pending)
        return page.map(lambda i: self._map(mapping.invitation, org, i))

    async def list_accepted_invitations(self, organization: Key) -> list[InvitationRecord]:
        """Invites already accepted (``Organization.featurebase.acceptedInvitations``): the
        same invites list as ``list_invitations``, the other half of it."""
        org = organization[0]
        return [
            self._map(mapping.invitation, org, i)
            for i in await self.client.invites()
            if not mapping.is_pending(i)
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

    async def page_plans(self, organization: Key, request: PageRequest) -> VendorPage[PlanRecord]:
        org = organization[0]
        page = await self.client.shapes_page(request)
        return page.map(lambda shape: self._map(mapping.plan, org, shape))

    async def _plan(self, key: Key) -> PlanRecord | None:
        org, name = key
        body = self._same_org(org, await self._get_or_none(self.client.shape(name)))
        return self._map(mapping.plan, org, body) if body else None

    async def get_plans(self, keys: Sequence[Key]) -> list[PlanRecord | None]:
        return await self._lookup(keys, self.list_plans, self._plan)

    # -- writes ------------------------------------------------------------------------
    def _not_found(self, what: str) -> GatewayError:
        return GatewayError(
            ErrorCode.NOT_FOUND,
            f"featurebase connection '{self.connection.name}' has no {what}",
            connection=self.connection.name,
            vendor=self.connection.vendor.value,
        )

    # Most write paths take no org (a key acts in its user's org), so a write checks the
    # org of its key itself: a forged ID naming another org must not act on this one's.
    async def _org(self, key: Key) -> str:
        if len(key) != 1 or key[0] != await self._own_org():
            raise self._not_found("such organization")
        return key[0]

    async def _pair(self, key: Key, what: str) -> tuple[str, str]:
        """(org, id) of a two-part key of this org; any other key (a hand-made ID) names
        nothing."""
        if len(key) != 2 or key[0] != await self._own_org():
            raise self._not_found(f"such {what}")
        return key[0], key[1]

    async def create_database(self, command: CreateDatabase) -> CreatedDatabase:
        shape = validation.create_database(command, self.invalid)
        org = await self._org(command.organization)
        body = await self.client.create_database(mapping.create_database_body(command.name, shape))
        # the 201 answers the whole database (CREATING); there is no password to pass on
        return CreatedDatabase(self._map(mapping.database, org, body))

    async def update_database(self, command: UpdateDatabase) -> DatabaseRecord:
        owner_id = validation.update_database(command, self.invalid)
        org, database_id = await self._pair(command.database, "database")
        patch = mapping.update_database_body(command.name, owner_id)
        return self._map(
            mapping.database, org, await self.client.patch_database(database_id, patch)
        )

    async def start_database(self, database: Key) -> DatabaseRecord:
        return await self._power(database, "start", Operation.START_DATABASE)

    async def stop_database(self, database: Key) -> DatabaseRecord:
        return await self._power(database, "stop", Operation.STOP_DATABASE)

    async def _power(self, database: Key, action: str, operation: Operation) -> DatabaseRecord:
        org, database_id = await self._pair(database, "database")
        try:
            body = await self.client.database_action(database_id, action)
        except UpstreamError as exc:
            # 501: "only available for AWS databases": this database cannot, not "try later"
            if exc.upstream_status != 501:
                raise
            raise UpstreamError(
                ErrorCode.NOT_SUPPORTED,
                f"{exc.message} ({operation.value} is not supported for this database)",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
                upstream_status=exc.upstream_status,
                vendor_code=exc.vendor_code,
            ) from exc
        return self._map(mapping.database, org, body)

    async def delete_database(self, database: Key) -> DeletedDatabase:
        _, database_id = await self._pair(database, "database")
        await self.client.delete_database(database_id)
        record = await self._database(database)  # 202 has no body: read what it did
        return DeletedDatabase(mapping.delete_outcome(record), record)

    async def create_api_key(self, command: CreateApiKey) -> CreatedApiKey:
        owner_id = validation.create_api_key(command, self.invalid)
        org = await self._org(command.organization)
        if owner_id is None:
            owner_id = (await self.client.current_user()).get("id")
            if not isinstance(owner_id, str) or not owner_id:
                raise self.http.bad_response("current user answered without an id")
        created = await self.client.create_user_key(owner_id, mapping.create_key_body(command.name))
        key_id, secret = created.get("id"), created.get("secret")
        if not isinstance(key_id, str) or not isinstance(secret, str):
            raise self.http.bad_response("key creation answered without an id and a secret")
        # the answer is only {id, secret}: the key itself is read again, without its secret
        body = await self.client.user_key(owner_id, key_id)
        return CreatedApiKey(self._map(mapping.api_key, org, body), secret)

    async def _key_owner(self, org: str, key_id: str) -> str:
        """The user a key belongs to: its path is ``/v2/users/{owner}/keys/{id}``, and only
        the org's key list says who that is (the same list every ApiKey lookup reads)."""
        for body in await self.client.org_keys(org):
            if body.get("id") == key_id and isinstance(body.get("owned_by"), str):
                return str(body["owned_by"])
        raise self._not_found(f"API key '{key_id}'")

    async def _patch_key(self, key: Key, patch: Json) -> ApiKeyRecord:
        org, key_id = await self._pair(key, "API key")
        owner_id = await self._key_owner(org, key_id)
        return self._map(
            mapping.api_key, org, await self.client.patch_user_key(owner_id, key_id, patch)
        )

    async def update_api_key(self, command: UpdateApiKey) -> ApiKeyRecord:
        validation.update_api_key(command, self.invalid)
        return await self._patch_key(
            command.api_key, mapping.update_key_body(command.name, command.state)
        )

    async def revoke_api_key(self, api_key: Key) -> RevokedApiKey:
        # revoked keys stay listed ("they cannot be deleted"), so the payload shows it REVOKED
        patch = mapping.update_key_body(None, ApiKeyState.REVOKED)
        return RevokedApiKey(await self._patch_key(api_key, patch))

    async def invite_member(self, command: InviteMember) -> InvitationRecord:
        validation.invite_member(command, self.invalid)
        org = await self._org(command.organization)
        body = await self.client.create_invite(mapping.invite_body(command.email))
        return self._map(mapping.invitation, org, body)

    async def update_member_role(self, member: Key, role: MemberRole) -> MemberRecord:
        rolename = validation.member_role(role, self.invalid)
        _, user_id = await self._pair(member, "member")
        # roles can only be added: the user keeps the others, and the most privileged one
        # decides Member.role; the answer is {user_id, org_id, rolenames}, so read the user
        await self.client.add_user_roles(user_id, [rolename])
        record = await self._member(member)
        if record is None:
            raise self._not_found(f"member '{user_id}'")
        return record

    # roles (org owners only) -----------------------------------------------------------
    def _role_parts(self, name: str, acl: tuple[str, ...] | None) -> None:
        if not name.strip():
            raise self.invalid(("name",), "may not be blank")
        if acl is not None and (not acl or not all(a.strip() for a in acl)):
            raise self.invalid(("acl",), "name at least one permission, none blank")

    async def create_role(
        self, organization: Key, name: str, acl: tuple[str, ...]
    ) -> FeatureBaseRole:
        """``POST /v2/roles`` ``{rolename, acl}``."""
        self._role_parts(name, acl)
        await self._org(organization)
        body = await self.client.create_role({"rolename": name, "acl": list(acl)})
        return mapping.role(body)

    async def update_role(
        self, organization: Key, name: str, acl: tuple[str, ...]
    ) -> FeatureBaseRole:
        """``PATCH /v2/roles/{name}`` ``{acl}``: the one field a role changes."""
        self._role_parts(name, acl)
        await self._org(organization)
        return mapping.role(await self.client.patch_role(name, {"acl": list(acl)}))

    async def delete_role(self, organization: Key, name: str) -> None:
        self._role_parts(name, None)
        await self._org(organization)
        await self.client.delete_role(name)

    async def update_organization(self, command: UpdateOrganization) -> OrganizationRecord:
        validation.update_organization(command, self.invalid)
        org = await self._org(command.organization)
        body = await self.client.patch_org(org, mapping.update_org_body(command.name))
        return self._map(mapping.organization, body)
