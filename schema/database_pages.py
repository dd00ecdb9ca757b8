"""The databases a filtered list reads: through the vendor's own filter where it has one
for a part of the filter (``DatabaseFilter.pushed``), else the organization's whole list,
shared by every field of the request that reads it; then the gateway's part of the filter.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from adapters.model import DatabaseRecord, Key
from schema.context import context_of
from schema.database_filter import DatabaseFilter, DatabaseOrder
from schema.kinds import DATABASES

Filter = Annotated[
    DatabaseFilter | None,
    strawberry.argument(description="Which databases; every given condition must hold"),
]
OrderBy = Annotated[
    DatabaseOrder | None,
    strawberry.argument(description="The order; without it, by connection, organization and name"),
]


async def _matching(info: Info, conn: str, organization: Key, f: DatabaseFilter) -> Any:
    loaders = context_of(info).loaders
    pushed = f.pushed(loaders.adapter(conn).capabilities)
    if pushed:
        records = await loaders.databases_where().load((conn, organization, pushed))
    else:
        records = await loaders.listing(DATABASES).load((conn, organization))
    return [r for r in records if f.matches(r, pushed)]


async def load_many_settled_databases(
    info: Info, conn: str, organizations: list[Key], f: DatabaseFilter
) -> list[list[DatabaseRecord] | BaseException]:
    """Each organization's matching databases, or the exception its list failed with."""
    return list(
        await asyncio.gather(
            *(_matching(info, conn, key, f) for key in organizations), return_exceptions=True
        )
    )


async def databases_under(
    info: Info, conn: str, organization: Key, f: DatabaseFilter
) -> list[DatabaseRecord]:
    """One organization's matching databases."""
    matching: list[DatabaseRecord] = await _matching(info, conn, organization, f)
    return matching
