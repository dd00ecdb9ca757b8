"""DBaaS adapter: the protocol over DBaaSClient, with batch strategies.

One object by key costs its detail GET; two or more of one kind cost one walk through
the kind's list, so 20 databases on 2 plans resolve their plans with one plan listing.
Credentials are always read from the list, which never carries passwords: the detail
endpoint (which does) is called only for ``get_credential_password``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from adapters.base import HttpAdapter
from adapters.dbaas import mapping
from adapters.dbaas.client import MAX_PAGE_SIZE, DBaaSClient
from adapters.details import DBaaSEnvironment, DBaaSProject
from adapters.errors import ErrorCode, UpstreamError
from adapters.http import UpstreamHttp
from adapters.model import (
    Capabilities,
    ConnectionInfo,
    CredentialRecord,
    DatabaseRecord,
    Key,
    OrganizationRecord,
    PlanRecord,
)

T = TypeVar("T")

#: the API has databases, credentials, plans, environments and projects; nothing else
CAPABILITIES = Capabilities(
    organizations=True,  # one synthetic organization per connection
    databases=True,
    backups=False,
    backup_configuration=False,
    api_keys=False,
    members=False,
    invitations=False,
    activities=False,
    plans=True,
    credentials=True,
    private_endpoints=False,
    metrics=False,
)


class DBaaSAdapter(HttpAdapter):
    capabilities = CAPABILITIES

    def __init__(
        self, http: UpstreamHttp, *, organization_name: str, page_size: int = MAX_PAGE_SIZE
    ) -> None:
        super().__init__(http.connection)
        self.http = http
        self.client = DBaaSClient(http, page_size=page_size)
        self.organization_name = organization_name

    async def _lookup(
        self,
        resource: str,
        keys: Sequence[Key],
        fn: Callable[[ConnectionInfo, dict[str, Any]], T],
    ) -> list[T | None]:
        """Objects of one kind by key: one detail GET for one key, one listing for more."""
        distinct = set(keys)
        if not distinct:
            return []
        if len(distinct) > 1:
            items = await self.client.list_all(resource)
            listed = {(str(b["id"]),): b for b in items if "id" in b}
            return [self._map(fn, listed[k]) if k in listed else None for k in keys]
        (key,) = distinct
        if len(key) != 1:
            return [None] * len(keys)
        try:
            body = await self.client.get(resource, key[0])
        except UpstreamError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                return [None] * len(keys)
            raise
        return [self._map(fn, body)] * len(keys)

    # organization (synthetic: no upstream call) ----------------------------------------
    async def list_organizations(self) -> list[OrganizationRecord]:
        return [mapping.organization(self.connection, self.organization_name)]

    async def get_organizations(self, keys: Sequence[Key]) -> list[OrganizationRecord | None]:
        (org,) = await self.list_organizations()
        return [org if k == org.key else None for k in keys]

    # databases -------------------------------------------------------------------------
    async def list_databases(self, organization: Key) -> list[DatabaseRecord]:
        if organization != mapping.ORGANIZATION_KEY:
            return []
        return [self._map(mapping.database, b) for b in await self.client.list_all("database")]

    async def get_databases(self, keys: Sequence[Key]) -> list[DatabaseRecord | None]:
        return await self._lookup("database", keys, mapping.database)

    # plans, environments, projects -----------------------------------------------------
    async def list_plans(self, organization: Key) -> list[PlanRecord]:
        if organization != mapping.ORGANIZATION_KEY:
            return []
        return [self._map(mapping.plan, b) for b in await self.client.list_all("plan")]

    async def get_plans(self, keys: Sequence[Key]) -> list[PlanRecord | None]:
        return await self._lookup("plan", keys, mapping.plan)

    async def get_dbaas_environments(self, keys: Sequence[Key]) -> list[DBaaSEnvironment | None]:
        """Environments a database links to (``DBaaSDatabaseDetails.environment_key``)."""
        return await self._lookup("environment", keys, mapping.environment)

    async def get_dbaas_projects(self, keys: Sequence[Key]) -> list[DBaaSProject | None]:
        """Projects a database links to (``DBaaSDatabaseDetails.project_key``)."""
        return await self._lookup("project", keys, mapping.project)

    # credentials -----------------------------------------------------------------------
    async def _all_credentials(self) -> list[CredentialRecord]:
        # concurrent callers (every database of a page) share one walk of the listing
        return [self._map(mapping.credential, b) for b in await self.client.list_all("credential")]

    async def list_credentials(self, database: Key) -> list[CredentialRecord]:
        return [c for c in await self._all_credentials() if c.database_key == database]

    async def get_credentials(self, keys: Sequence[Key]) -> list[CredentialRecord | None]:
        # never the detail endpoint: it answers the password, which a lookup must not fetch
        found = {c.key: c for c in await self._all_credentials()}
        return [found.get(k) for k in keys]

    async def get_credential_password(self, key: Key) -> str | None:
        """Fetched on every call, never cached, never logged; None when the credential
        is gone."""
        if len(key) != 1:
            return None
        try:
            body = await self.client.credential_with_password(key[0])
        except UpstreamError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                return None
            raise
        return mapping.password(body)
