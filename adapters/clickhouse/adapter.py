"""ClickHouse Cloud adapter: the protocol over ClickHouseClient, with batch strategies.
Writes live in ``writes.py`` (this class inherits them) and their rules in ``validation.py``.

Every call counts against the key's 10-requests-per-10-seconds budget, so batches prefer
the call that answers the most keys: two or more services of one organization come from
one services list, one service from its detail endpoint.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from typing import TypeVar

from adapters.clickhouse import mapping
from adapters.clickhouse.billing import BillingReads
from adapters.clickhouse.byoc import ByocAccess
from adapters.clickhouse.clickpipes import ClickPipeAccess
from adapters.clickhouse.clickstack import ClickStackAccess
from adapters.clickhouse.client import ClickHouseClient
from adapters.clickhouse.lookups import Lookups
from adapters.clickhouse.postgres import PostgresReads
from adapters.clickhouse.roles import RoleAccess
from adapters.clickhouse.scaling import ServiceScaling
from adapters.clickhouse.service_extras import ServiceExtras
from adapters.clickhouse.service_ops import ServiceOps
from adapters.clickhouse.validation import Rules
from adapters.clickhouse.writes import OPERATIONS, ClickHouseWrites
from adapters.errors import ErrorCode, UpstreamError
from adapters.model import (
    ActivityRange,
    ActivityRecord,
    ApiKeyRecord,
    BackupConfigurationRecord,
    BackupRecord,
    Capabilities,
    DatabaseQuery,
    DatabaseRecord,
    InvitationRecord,
    Key,
    MemberRecord,
    OrganizationRecord,
    PlanRecord,
    PrivateEndpointConfigRecord,
)
from adapters.timeparse import iso
from adapters.upstream.http import UpstreamHttp

T = TypeVar("T")

CAPABILITIES = Capabilities(
    organizations=True,
    databases=True,
    backups=True,
    backup_configuration=True,
    api_keys=True,
    members=True,
    invitations=True,
    activities=True,
    plans=True,
    credentials=False,
    private_endpoints=True,
    metrics=True,
    operations=OPERATIONS,
    # GET .../services takes filter=tag:K=V and tag:K (no list pages)
    vendor_filters=frozenset({"databases.tags"}),
)


class ClickHouseAdapter(
    ClickStackAccess,
    ClickPipeAccess,
    ServiceScaling,
    ServiceOps,
    Lookups,
    ByocAccess,
    ServiceExtras,
    RoleAccess,
    BillingReads,
    PostgresReads,
    ClickHouseWrites,
):
    capabilities = CAPABILITIES

    def __init__(self, http: UpstreamHttp) -> None:
        super().__init__(http.connection)
        self.http = http
        self.client = ClickHouseClient(http)
        self.rules = Rules(self.invalid)

    # organizations -------------------------------------------------------------------
    async def list_organizations(self) -> list[OrganizationRecord]:
        return [self._map(mapping.organization, o) for o in await self.client.organizations()]

    async def get_organizations(self, keys: Sequence[Key]) -> list[OrganizationRecord | None]:
        bodies = await asyncio.gather(
            *(
                self._get_or_none(self.client.organization(k[0])) if len(k) == 1 else _none()
                for k in keys
            )
        )
        return [self._map(mapping.organization, b) if b else None for b in bodies]

    # databases: ClickHouse services and managed Postgres services ----------------------
    async def list_databases(self, organization: Key) -> list[DatabaseRecord]:
        # two lists per organization, at once (the declared minimum counts both)
        services, postgres = await asyncio.gather(
            self._services(organization[0]), self._postgres_services(organization[0])
        )
        return services + postgres

    async def _services(self, org: str) -> list[DatabaseRecord]:
        return [self._map(mapping.service, org, s) for s in await self.client.services(org)]

    async def list_databases_where(
        self, organization: Key, query: DatabaseQuery
    ) -> list[DatabaseRecord]:
        # the services list takes tag filters (filter=tag:K=V), still one call; the
        # Postgres list takes none, but its items carry their tags: matched here
        org = organization[0]
        services, postgres = await asyncio.gather(
            self.client.services(org, query.tags), self._postgres_services(org)
        )
        tagged = [p for p in postgres if _carries(p.raw.get("tags"), query.tags)]
        return [self._map(mapping.service, org, s) for s in services] + tagged

    async def _postgres_services(self, org: str) -> list[DatabaseRecord]:
        try:
            listed = await self.client.postgres_services(org)
        except UpstreamError as exc:
            # an API without Postgres services (the seed spec's) has no such path
            if exc.code is ErrorCode.NOT_FOUND:
                return []
            raise
        return [self._map(mapping.postgres, org, p) for p in listed]

    async def get_databases(self, keys: Sequence[Key]) -> list[DatabaseRecord | None]:
        # one group per organization and kind of service: a detail GET for one, the
        # list for two or more
        groups_by: dict[tuple[str, bool], list[Key]] = defaultdict(list)
        # a forged global ID may carry any number of parts: those name nothing
        for key in keys:
            if len(key) == 2:
                groups_by[(key[0], False)].append(key)
            elif len(key) == 3 and key[1] == mapping.POSTGRES:
                groups_by[(key[0], True)].append(key)

        async def fetch(group: tuple[str, bool], wanted: list[Key]) -> list[DatabaseRecord | None]:
            org, is_postgres = group
            if len(set(wanted)) > 1:
                lister = self._postgres_services if is_postgres else self._services
                listed = {d.key: d for d in await lister(org)}
                return [listed.get(k) for k in wanted]
            if is_postgres:
                body = await self._get_or_none(self.client.postgres_service(org, wanted[0][2]))
                record = self._map(mapping.postgres, org, body) if body else None
            else:
                body = await self._get_or_none(self.client.service(org, wanted[0][1]))
                record = self._map(mapping.service, org, body) if body else None
            return [record] * len(wanted)

        groups = list(groups_by.items())
        answers = await asyncio.gather(*(fetch(group, wanted) for group, wanted in groups))
        found: dict[Key, DatabaseRecord | None] = {
            k: r
            for (_, wanted), rs in zip(groups, answers, strict=True)
            for k, r in zip(wanted, rs, strict=True)
        }
        return [found.get(k) for k in keys]

    # backups -------------------------------------------------------------------------
    async def list_backups(self, database: Key) -> list[BackupRecord]:
        if _is_postgres(database):
            return []  # a Postgres service has no backup list: it restores to a point in time
        org, svc = database
        return [self._map(mapping.backup, org, svc, b) for b in await self.client.backups(org, svc)]

    async def get_backups(self, keys: Sequence[Key]) -> list[BackupRecord | None]:
        bodies = await asyncio.gather(
            *(self._get_or_none(self.client.backup(*k)) if len(k) == 3 else _none() for k in keys)
        )
        return [
            self._map(mapping.backup, k[0], k[1], b) if b else None
            for k, b in zip(keys, bodies, strict=True)
        ]

    async def get_backup_configuration(self, database: Key) -> BackupConfigurationRecord:
        if _is_postgres(database):
            raise self.not_supported("backup configuration of a Postgres service")
        body = await self.client.backup_configuration(*database)
        return mapping.backup_configuration(body)

    async def get_private_endpoint_config(self, database: Key) -> PrivateEndpointConfigRecord:
        if _is_postgres(database):
            raise self.not_supported("private endpoint configuration of a Postgres service")
        body = await self.client.service_private_endpoint_config(*database)
        return mapping.private_endpoint_config(body)

    async def get_organization_private_endpoint_config(
        self, organization: Key, cloud_provider: str, region: str
    ) -> PrivateEndpointConfigRecord:
        body = await self.client.organization_private_endpoint_config(
            organization[0], cloud_provider, region
        )
        return mapping.private_endpoint_config(body)

    async def get_metrics(self, database: Key) -> str:
        if _is_postgres(database):
            return await self.client.postgres_prometheus(database[0], database[2])
        return await self.client.prometheus(*database)

    # organization children -----------------------------------------------------------
    async def list_api_keys(self, organization: Key) -> list[ApiKeyRecord]:
        org = organization[0]
        return [self._map(mapping.api_key, org, k) for k in await self.client.keys(org)]

    async def list_members(self, organization: Key) -> list[MemberRecord]:
        org = organization[0]
        return [self._map(mapping.member, org, m) for m in await self.client.members(org)]

    async def list_invitations(self, organization: Key) -> list[InvitationRecord]:
        org = organization[0]
        return [self._map(mapping.invitation, org, i) for i in await self.client.invitations(org)]

    async def list_activities(
        self, organization: Key, window: ActivityRange
    ) -> list[ActivityRecord]:
        org = organization[0]
        bodies = await self.client.activities(
            org,
            iso(window.from_date) if window.from_date else None,
            iso(window.to_date) if window.to_date else None,
        )
        return [self._map(mapping.activity, org, a) for a in bodies]

    async def list_plans(self, organization: Key) -> list[PlanRecord]:
        # tiers are documented constants, not an endpoint: no upstream call, but a forged
        # organization key (a malformed ID, or one part too many) still names nothing
        if len(organization) != 1:
            return []
        self.client.check_id(organization[0])
        return mapping.plans(self.connection, organization)


async def _none() -> None:
    return None


def _is_postgres(database: Key) -> bool:
    """A Postgres service's key, ``(organization, "postgres", id)``; a service's has two parts."""
    return len(database) == 3 and database[1] == mapping.POSTGRES


def _carries(tags: object, wanted: Sequence[tuple[str, str | None]]) -> bool:
    """Whether a Postgres service's ``tags`` ([{key, value}]) hold every wanted tag, as
    the services list's ``filter=tag:K=V`` (``tag:K``: the key with any value) selects."""
    held = [t for t in tags if isinstance(t, dict)] if isinstance(tags, list) else []
    return all(
        any(t.get("key") == key and (value is None or t.get("value") == value) for t in held)
        for key, value in wanted
    )
