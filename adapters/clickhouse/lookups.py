"""Single reads of the 2026-06 spec that sit beside a list the gateway already reads: a
role by ID (``ClickHouseRoleLookup``) and one Postgres slow query pattern with its recent
executions (``ClickHouseSlowQueryDetail``), of ``adapters.clickhouse_ops``.

Roles come in batches, like every ``get_*``: one role of an organization is its detail
GET; two or more are the roles list, one call for all of them."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from adapters.clickhouse.postgres import PostgresReads, _pattern
from adapters.clickhouse.roles import RoleAccess, _role
from adapters.clickhouse_ops import (
    QueryExecution,
    SlowQueryPatternDetail,
    SlowQueryPatternQuery,
)
from adapters.coerce import as_int, as_str
from adapters.details import ClickHouseRole
from adapters.model import Key
from adapters.timeparse import iso, parse_datetime
from adapters.upstream.url_segments import query_value


class Lookups(RoleAccess, PostgresReads):
    async def get_roles(self, keys: Sequence[Key]) -> list[ClickHouseRole | None]:
        wanted: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            # a forged key of any other shape names nothing
            if len(key) == 2 and key[1] not in wanted[key[0]]:
                wanted[key[0]].append(key[1])

        async def of(org: str, ids: list[str]) -> dict[str, ClickHouseRole]:
            if len(ids) == 1:
                body = await self._get_or_none(self.client.role(org, ids[0]))
                return {ids[0]: _role(org, body)} if body and "id" in body else {}
            for role in ids:
                self.client.check_id(role)  # malformed: refused, not a list read
            listed = [_role(org, r) for r in await self.client.roles(org) if "id" in r]
            return {r.native_id.lower(): r for r in listed}

        orgs = [org for org, ids in wanted.items() if ids]
        answers = await asyncio.gather(*(of(org, wanted[org]) for org in orgs))
        found = dict(zip(orgs, answers, strict=True))
        return [
            found.get(k[0], {}).get(k[1]) or found.get(k[0], {}).get(k[1].lower())
            if len(k) == 2
            else None
            for k in keys
        ]

    async def get_postgres_slow_query_pattern(
        self, database: Key, query: SlowQueryPatternQuery
    ) -> SlowQueryPatternDetail | None:
        org, postgres = self._postgres(database)
        conn = self.connection.name
        # the spec requires the three filters: a pattern is one query of one user's
        # operation in one database
        params = {
            wire: query_value(value or "", connection=conn, vendor="clickhouse", what=wire)
            for wire, value in (
                ("db_name", query.db_name),
                ("db_user", query.db_user),
                ("db_operation", query.db_operation),
            )
        }
        if query.app is not None:
            params["app"] = query_value(query.app, connection=conn, vendor="clickhouse", what="app")
        if query.timestamp is not None:
            params["timestamp"] = iso(query.timestamp)
        body = await self._get_or_none(
            self.client.postgres_slow_query_pattern(org, postgres, query.query_id, params)
        )
        if body is None:
            return None
        aggregate = body.get("aggregate")
        executions = body.get("recentExecutions")
        return SlowQueryPatternDetail(
            aggregate=_pattern(aggregate)
            if isinstance(aggregate, dict) and "queryId" in aggregate
            else None,
            recent_executions=tuple(_execution(e) for e in executions if isinstance(e, dict))
            if isinstance(executions, list)
            else (),
        )


def _execution(body: dict[str, Any]) -> QueryExecution:
    return QueryExecution(
        timestamp=parse_datetime(body.get("timestamp")),
        db_name=as_str(body.get("dbName")),
        db_user=as_str(body.get("dbUser")),
        app=as_str(body.get("app")),
        query_text=as_str(body.get("queryText")),
        pid=as_str(body.get("pid")),
        duration_us=as_int(body.get("durationUs")),
        rows=as_int(body.get("rows")),
        shared_blocks_hit=as_int(body.get("sharedBlksHit")),
        shared_blocks_read=as_int(body.get("sharedBlksRead")),
        temp_blocks_written=as_int(body.get("tempBlksWritten")),
        wal_bytes=as_int(body.get("walBytes")),
    )
