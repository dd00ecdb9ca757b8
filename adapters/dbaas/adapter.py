"""DBaaS adapter: the protocol over DBaaSClient, with batch strategies.

One object by key costs its detail GET; two or more of one kind cost one walk through
the kind's list, so 20 databases on 2 plans resolve their plans with one plan listing.
Credentials are always read from the list, which never carries passwords: the detail
endpoint (which does) is called only for ``get_credential_password`` and, once, for a new
database's initial password.

Writes: create, update (project only), delete (quarantine, then delete) and a
credential's password reset; ``validation`` checks their rules before any write.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from adapters.commands import (
    CreateDatabase,
    CreatedDatabase,
    DeletedDatabase,
    DeleteOutcome,
    PasswordReset,
    UpdateDatabase,
)
from adapters.dbaas import mapping, validation
from adapters.dbaas.client import MAX_PAGE_SIZE, DBaaSClient, is_id, link_id
from adapters.dbaas.management import DBaaSManagement
from adapters.details import DBaaSEnvironment, DBaaSProject
from adapters.errors import ErrorCode, GatewayError, UpstreamError
from adapters.model import (
    Capabilities,
    ConnectionInfo,
    CredentialRecord,
    DatabaseRecord,
    DatabaseStatus,
    Key,
    Operation,
    OrganizationRecord,
    PlanRecord,
)
from adapters.paging import PageRequest, VendorPage
from adapters.upstream.http import UpstreamHttp

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
    # lists page by HAL next links; credentials are not read a page at a time: they come
    # from one list for every database, which a page of databases walks once, together
    vendor_paged=frozenset({"plans"}),
    # no start/stop/scale, no keys, members or backups; passwords reset per credential
    operations=frozenset(
        {
            Operation.CREATE_DATABASE,
            Operation.UPDATE_DATABASE,
            Operation.DELETE_DATABASE,
            Operation.RESET_DATABASE_PASSWORD,
        }
    ),
)


class DBaaSAdapter(DBaaSManagement):
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

    async def page_plans(self, organization: Key, request: PageRequest) -> VendorPage[PlanRecord]:
        if organization != mapping.ORGANIZATION_KEY:
            return VendorPage([], False, 0)
        page = await self.client.read("plan", request)
        return page.map(lambda body: self._map(mapping.plan, body))

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

    # -- writes ------------------------------------------------------------------------
    def _native_id(self, key: Key, kind: str) -> str:
        if len(key) != 1:  # a forged global ID: no such object on this API
            raise GatewayError(
                ErrorCode.NOT_FOUND,
                f"dbaas connection '{self.connection.name}': no such {kind}",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        return key[0]

    async def create_database(self, command: CreateDatabase) -> CreatedDatabase:
        """Reads the plan (1 GET) to check it before the POST, then reads the new
        credential's password once: 3 calls, 4 when an environment name must be looked
        up because the plan does not list its environments."""
        new = validation.new_database(command, self.invalid)
        environment_id = await self._environment_for(new)
        body = await self.client.create(
            "database",
            mapping.new_database_body(
                new.name,
                plan=self.client.path("plan", new.plan_id),
                environment=self.client.path("environment", environment_id),
                project=self.client.path("project", new.project_id) if new.project_id else None,
            ),
        )
        database = self._map(mapping.database, body)
        credential, password = await self._initial_credential(body)
        return CreatedDatabase(database=database, password=password, credential=credential)

    async def _environment_for(self, new: validation.NewDatabase) -> str:
        try:
            plan = await self.client.get("plan", new.plan_id)
        except UpstreamError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                raise self.invalid(validation.PLAN, "no such plan on this connection") from None
            raise
        found = validation.environment_of_plan(plan, new.environment, self.invalid)
        if found is not None:
            return found
        if is_id(new.environment):
            return new.environment
        for env in await self.client.list_all("environment"):
            if env.get("name") == new.environment and "id" in env:
                return str(env["id"])
        raise self.invalid(validation.ENVIRONMENT, f"no environment named '{new.environment}'")

    async def _initial_credential(
        self, body: dict[str, Any]
    ) -> tuple[CredentialRecord | None, str | None]:
        """The ``u_<name>`` user the API creates with every database (the one credential
        a new database lists), and its password, read once from the credential's detail:
        the only place the API shows it."""
        links = body.get("credentials")
        ids = (link_id(link, "credential") for link in links or [])
        first = next((i for i in ids if i), None)
        if first is None:
            return None, None
        detail = await self._get_or_none(self.client.credential_with_password(first))
        if detail is None:  # deleted meanwhile: the database exists all the same
            return None, None
        return self._map(mapping.credential, detail), mapping.password(detail)

    async def update_database(self, command: UpdateDatabase) -> DatabaseRecord:
        """One PATCH, whose answer is the whole database."""
        project = validation.project_change(command, self.invalid)
        database_id = self._native_id(command.database, "database")
        link = self.client.path("project", project) if project is not None else None
        body = await self.client.update("database", database_id, {"project": link})
        return self._map(mapping.database, body)

    async def delete_database(self, database: Key) -> DeletedDatabase:
        """DELETE, then one GET to see what it did (both DELETEs answer 204): still there
        and quarantined is QUARANTINED, gone is DELETED. 2 calls either way."""
        database_id = self._native_id(database, "database")
        await self.client.delete("database", database_id)
        after = await self._get_or_none(self.client.get("database", database_id))
        if after is None:
            return DeletedDatabase(DeleteOutcome.DELETED)
        record = self._map(mapping.database, after)
        if record.status is DatabaseStatus.QUARANTINED:
            return DeletedDatabase(DeleteOutcome.QUARANTINED, record)
        return DeletedDatabase(DeleteOutcome.DELETING, record)

    async def reset_database_password(self, database: Key) -> PasswordReset:
        raise self.invalid(
            ("database",),
            "DBaaS passwords belong to credentials: pass the ID of one of this database's "
            "credentials (Database.credentials { id }) instead",
        )

    async def reset_credential_password(self, credential: Key) -> PasswordReset:
        """One POST, whose answer is the credential with its new password."""
        credential_id = self._native_id(credential, "credential")
        body = await self.client.reset_password(credential_id)
        password = mapping.password(body)
        if not password:
            raise self.http.bad_response("reset_password answered no password")
        return PasswordReset(password=password, credential=self._map(mapping.credential, body))
