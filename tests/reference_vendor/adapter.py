"""The reference vendor's adapter: organizations, databases (listed, by key), renames.

Databases by key: one detail GET for one database of an organization, one walk through
the organization's list for two or more (its declared minimum: ``documents.MINIMUMS``).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from adapters.base import HttpAdapter
from adapters.commands import UpdateDatabase
from adapters.model import Capabilities, DatabaseRecord, Key, Operation, OrganizationRecord
from adapters.upstream.http import UpstreamHttp
from tests.reference_vendor import mapping, validation
from tests.reference_vendor.client import ReferenceClient

CAPABILITIES = Capabilities(
    organizations=True,
    databases=True,
    operations=frozenset({Operation.UPDATE_DATABASE}),
)


class ReferenceAdapter(HttpAdapter):
    capabilities = CAPABILITIES

    def __init__(self, http: UpstreamHttp) -> None:
        super().__init__(http.connection)
        self.http = http
        self.client = ReferenceClient(http)

    async def list_organizations(self) -> list[OrganizationRecord]:
        return [self._map(mapping.organization, o) for o in await self.client.organizations()]

    async def list_databases(self, organization: Key) -> list[DatabaseRecord]:
        (org,) = organization
        return [self._map(mapping.database, org, d) for d in await self.client.databases(org)]

    async def get_databases(self, keys: Sequence[Key]) -> list[DatabaseRecord | None]:
        by_org: dict[str, set[str]] = defaultdict(set)
        for key in keys:
            if len(key) == 2:  # any other shape comes from a forged ID: not found
                by_org[key[0]].add(key[1])
        found: dict[Key, DatabaseRecord] = {}
        for records in await asyncio.gather(*(self._of(o, ids) for o, ids in by_org.items())):
            found.update((r.key, r) for r in records)
        return [found.get(k) for k in keys]

    async def _of(self, org: str, ids: set[str]) -> list[DatabaseRecord]:
        """The databases ``ids`` of ``org``: a detail GET for one, the list for more."""
        if len(ids) > 1:
            return [d for d in await self.list_databases((org,)) if d.native_id in ids]
        (database,) = ids
        body = await self._get_or_none(self.client.database(org, database))
        return [] if body is None else [self._map(mapping.database, org, body)]

    async def update_database(self, command: UpdateDatabase) -> DatabaseRecord:
        name = validation.new_name(command, self.invalid)
        if len(command.database) != 2:
            raise self.invalid(("id",), "names no database of this connection")
        org, database = command.database
        return self._map(
            mapping.database, org, await self.client.rename_database(org, database, name)
        )
