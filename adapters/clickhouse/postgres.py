"""ClickHouse-managed Postgres services: what is theirs alone (``Database.clickhousePostgres``),
read through the ``ClickHousePostgresReads`` protocol of ``adapters.base``.

The services themselves are Databases: ``ClickHouseAdapter`` lists and fetches them beside
the ClickHouse services. Their key is ``(organization, "postgres", id)``; any other key
names nothing here. A service's own answer carries its superuser password: the mapping
drops it, and the connection never caches that answer (``secret_items`` in ``spec.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.base import HttpAdapter
from adapters.clickhouse import mapping
from adapters.clickhouse.client import ClickHouseClient
from adapters.coerce import as_float, as_int, as_str
from adapters.details import (
    MetricPoint,
    MetricSeries,
    MetricsWindow,
    PostgresConfig,
    PostgresMetric,
    SlowQueryPattern,
    SlowQueryQuery,
)
from adapters.errors import ErrorCode, GatewayError
from adapters.model import DatabaseRecord, Key
from adapters.timeparse import iso
from adapters.upstream.url_segments import query_value

#: the spec's ``sort_by`` values of slow query patterns
SLOW_QUERY_SORTS = (
    "total_duration",
    "avg_duration",
    "call_count",
    "total_blks_read",
    "total_cpu_time",
    "error_count",
    "max_duration",
    "p50_duration",
    "p95_duration",
    "p99_duration",
    "total_rows",
    "total_shared_blks_hit",
    "total_wal_bytes",
)
#: ``limit`` of a slow query patterns page: 1..500 (the spec)
MAX_SLOW_QUERIES = 500


class PostgresReads(HttpAdapter):
    """The Postgres half of ``ClickHouseAdapter``'s reads."""

    client: ClickHouseClient

    def _postgres(self, database: Key) -> tuple[str, str]:
        if len(database) != 3 or database[1] != mapping.POSTGRES:
            raise GatewayError(
                ErrorCode.NOT_FOUND,
                f"clickhouse connection '{self.connection.name}': not a Postgres service",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        return database[0], database[2]

    async def get_postgres_service(self, database: Key) -> DatabaseRecord:
        """The service's own answer: what its list leaves out (hostname, user, storage)."""
        org, postgres = self._postgres(database)
        return self._map(mapping.postgres, org, await self.client.postgres_service(org, postgres))

    async def get_postgres_config(self, database: Key) -> PostgresConfig:
        return _config(await self.client.postgres_config(*self._postgres(database)))

    async def get_postgres_ca_certificates(self, database: Key) -> str:
        return await self.client.postgres_ca_certificates(*self._postgres(database))

    async def get_postgres_metrics(
        self, database: Key, window: MetricsWindow
    ) -> list[PostgresMetric]:
        self._check_window(window.from_date, window.to_date)
        if window.bucket_size_seconds is not None and window.bucket_size_seconds < 1:
            raise self.invalid(("bucketSizeSeconds",), "must be at least 1")
        params = {"from_date": iso(window.from_date), "to_date": iso(window.to_date)}
        if window.bucket_size_seconds is not None:
            params["bucket_size_seconds"] = str(window.bucket_size_seconds)
        body = await self.client.postgres_metrics(*self._postgres(database), params)
        metrics = body.get("metrics")
        return (
            [_metric(m) for m in metrics if isinstance(m, dict)]
            if isinstance(metrics, list)
            else []
        )

    async def list_postgres_slow_query_patterns(
        self, database: Key, query: SlowQueryQuery
    ) -> list[SlowQueryPattern]:
        # the field's argument names: these reads are no mutation with an input object
        self._check_window(query.from_date, query.to_date)
        if query.sort_by is not None and query.sort_by not in SLOW_QUERY_SORTS:
            raise self.invalid(("sortBy",), "is not a documented sort")
        if query.limit is not None and not 1 <= query.limit <= MAX_SLOW_QUERIES:
            raise self.invalid(("first",), f"must be 1..{MAX_SLOW_QUERIES}")
        if query.offset is not None and query.offset < 0:
            raise self.invalid(("offset",), "must not be negative")
        params = {"from_date": iso(query.from_date), "to_date": iso(query.to_date)}
        conn = self.connection.name
        for name, given in (
            ("db_name", query.db_name),
            ("db_user", query.db_user),
            ("db_operation", query.db_operation),
            ("app", query.app),
        ):
            # a caller's text as a query value: refused blank, too long or with controls
            if given is not None:
                params[name] = query_value(given, connection=conn, vendor="clickhouse", what=name)
        for name, value in (
            ("sort_by", query.sort_by),
            ("limit", None if query.limit is None else str(query.limit)),
            ("offset", None if query.offset is None else str(query.offset)),
        ):
            if value is not None:
                params[name] = value
        if query.descending is not None:
            params["sort_order"] = "desc" if query.descending else "asc"
        listed = await self.client.postgres_slow_query_patterns(*self._postgres(database), params)
        return [_pattern(p) for p in listed if isinstance(p, dict) and "queryId" in p]

    async def get_organization_postgres_metrics(self, organization: Key) -> str:
        if len(organization) != 1:
            raise self.not_supported("Postgres metrics of a malformed organization")
        return await self.client.postgres_prometheus(organization[0])

    def _check_window(self, start: datetime, end: datetime) -> None:
        # the spec requires both bounds; a window that ends before it starts asks nothing
        if end <= start:
            raise self.invalid(("toDate",), "must be after fromDate")


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str | int | float)}


def _config(body: dict[str, Any]) -> PostgresConfig:
    return PostgresConfig(
        pg_config=_strings(body.get("pgConfig")),
        pg_bouncer_config=_strings(body.get("pgBouncerConfig")),
        message=as_str(body.get("message")),
    )


def config_of(body: dict[str, Any]) -> PostgresConfig:
    """A config write's answer (``postgresInstanceUpdateConfigResponse``)."""
    return _config(body)


def _metric(body: dict[str, Any]) -> PostgresMetric:
    series = []
    for s in body.get("series") or []:
        if not isinstance(s, dict):
            continue
        points = []
        for p in s.get("dataPoints") or []:
            seconds = as_int(p.get("timestamp")) if isinstance(p, dict) else None
            if seconds is None or not 0 <= seconds < 2**37:
                continue  # no time, or none a calendar holds: not a point
            points.append(
                MetricPoint(datetime.fromtimestamp(seconds, tz=UTC), as_float(p.get("value")))
            )
        series.append(MetricSeries(as_str(s.get("label")), tuple(points)))
    return PostgresMetric(
        key=as_str(body.get("key")) or "",
        name=as_str(body.get("name")),
        unit=as_str(body.get("unit")),
        description=as_str(body.get("description")),
        series=tuple(series),
    )


def _pattern(body: dict[str, Any]) -> SlowQueryPattern:
    return SlowQueryPattern(
        query_id=str(body["queryId"]),
        query_text=as_str(body.get("queryText")),
        db_name=as_str(body.get("dbName")),
        db_user=as_str(body.get("dbUser")),
        db_operation=as_str(body.get("dbOperation")),
        app=as_str(body.get("app")),
        call_count=as_int(body.get("callCount")),
        error_count=as_int(body.get("errorCount")),
        total_duration_us=as_int(body.get("totalDurationUs")),
        avg_duration_us=as_int(body.get("avgDurationUs")),
        max_duration_us=as_int(body.get("maxDurationUs")),
        p50_duration_us=as_int(body.get("p50DurationUs")),
        p95_duration_us=as_int(body.get("p95DurationUs")),
        p99_duration_us=as_int(body.get("p99DurationUs")),
        total_rows=as_int(body.get("totalRows")),
        total_shared_blocks_read=as_int(body.get("totalSharedBlksRead")),
        total_shared_blocks_hit=as_int(body.get("totalSharedBlksHit")),
        total_cpu_time_us=as_int(body.get("totalCpuTimeUs")),
        total_wal_bytes=as_int(body.get("totalWalBytes")),
    )
