"""``Database.clickhousePostgres``: what a ClickHouse-managed Postgres service has alone.

The service is a Database like any other (status, region, engine ``postgres``); this type
holds its Postgres settings and the reads only it has, each through the
``ClickHousePostgresReads`` protocol (``schema.kinds.clickhouse_postgres``). What its list
leaves out (hostname, user, storage) comes from the service's own answer, one call when
selected; the superuser password never reaches the schema.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.details import (
    ClickHousePostgresDetails,
    MetricsWindow,
    PostgresConfig,
    PostgresMetric,
    SlowQueryQuery,
)
from adapters.model import DatabaseRecord
from schema.common import describe_values
from schema.context import context_of
from schema.kinds import (
    CLICKHOUSE_POSTGRES_CA,
    CLICKHOUSE_POSTGRES_CONFIG,
    CLICKHOUSE_POSTGRES_SERVICE,
    METRICS,
    clickhouse_postgres,
)
from schema.vendor_types.clickhouse import ClickHouseTagType
from schema.vendor_types.clickhouse_postgres_queries import (
    ClickHousePostgresOpsFields,
    ClickHousePostgresSlowQuery,
)


@strawberry.enum(description="What slow query patterns are ordered by (the spec's sort_by)")
class PostgresSlowQuerySort(Enum):
    TOTAL_DURATION = "total_duration"
    AVG_DURATION = "avg_duration"
    CALL_COUNT = "call_count"
    TOTAL_BLOCKS_READ = "total_blks_read"
    TOTAL_CPU_TIME = "total_cpu_time"
    ERROR_COUNT = "error_count"
    MAX_DURATION = "max_duration"
    P50_DURATION = "p50_duration"
    P95_DURATION = "p95_duration"
    P99_DURATION = "p99_duration"
    TOTAL_ROWS = "total_rows"
    TOTAL_SHARED_BLOCKS_HIT = "total_shared_blks_hit"
    TOTAL_WAL_BYTES = "total_wal_bytes"


describe_values(
    PostgresSlowQuerySort,
    {
        PostgresSlowQuerySort.TOTAL_DURATION: "Time spent in all calls (the vendor's default)",
        PostgresSlowQuerySort.AVG_DURATION: "Average time per call",
        PostgresSlowQuerySort.CALL_COUNT: "Number of calls",
        PostgresSlowQuerySort.TOTAL_BLOCKS_READ: "Shared blocks read from disk",
        PostgresSlowQuerySort.TOTAL_CPU_TIME: "CPU time of all calls",
        PostgresSlowQuerySort.ERROR_COUNT: "Calls that raised an error",
        PostgresSlowQuerySort.MAX_DURATION: "Slowest call",
        PostgresSlowQuerySort.P50_DURATION: "Median call time",
        PostgresSlowQuerySort.P95_DURATION: "95th percentile call time",
        PostgresSlowQuerySort.P99_DURATION: "99th percentile call time",
        PostgresSlowQuerySort.TOTAL_ROWS: "Rows returned or affected",
        PostgresSlowQuerySort.TOTAL_SHARED_BLOCKS_HIT: "Shared blocks found in the cache",
        PostgresSlowQuerySort.TOTAL_WAL_BYTES: "WAL bytes written",
    },
)


@strawberry.type(description="A Postgres service's settings")
class ClickHousePostgresConfig:
    pg_config: JSON = strawberry.field(description="Postgres settings by name (pgConfig)")
    pg_bouncer_config: JSON = strawberry.field(
        description="PgBouncer settings by name (pgBouncerConfig)"
    )
    message: str | None = strawberry.field(
        description="What the vendor says about applying a change (after a write)"
    )

    @classmethod
    def from_details(cls, c: PostgresConfig) -> ClickHousePostgresConfig:
        return cls(
            pg_config=JSON(c.pg_config),
            pg_bouncer_config=JSON(c.pg_bouncer_config),
            message=c.message,
        )


@strawberry.type(description="Connection details of a Postgres service (its password excepted)")
class ClickHousePostgresConnection:
    hostname: str | None = strawberry.field(description="Host to connect to")
    username: str | None = strawberry.field(description="The superuser's name")
    connection_string: str | None = strawberry.field(
        description="Connection string with the password removed"
    )
    storage_size_gb: int | None = strawberry.field(description="Storage size in GiB")


@strawberry.type(description="One value of a metric series")
class ClickHousePostgresMetricPoint:
    timestamp: datetime = strawberry.field(description="Start of the bucket")
    value: float | None = strawberry.field(description="The bucket's value")


@strawberry.type(description="One series of a metric (a label dimension)")
class ClickHousePostgresMetricSeries:
    label: str | None = strawberry.field(description="What tells this series from the others")
    points: list[ClickHousePostgresMetricPoint] = strawberry.field(
        description="Time-ordered points, one per bucket"
    )


@strawberry.type(description="A time series metric of a Postgres service")
class ClickHousePostgresMetric:
    key: str = strawberry.field(description="Stable identifier, e.g. cpu_usage")
    name: str | None = strawberry.field(description="Human-readable name")
    unit: str | None = strawberry.field(description="Unit of the values, e.g. %")
    description: str | None = strawberry.field(description="What it measures")
    series: list[ClickHousePostgresMetricSeries] = strawberry.field(
        description="One series per label dimension"
    )

    @classmethod
    def from_details(cls, m: PostgresMetric) -> ClickHousePostgresMetric:
        return cls(
            key=m.key,
            name=m.name,
            unit=m.unit,
            description=m.description,
            series=[
                ClickHousePostgresMetricSeries(
                    label=s.label,
                    points=[
                        ClickHousePostgresMetricPoint(timestamp=p.timestamp, value=p.value)
                        for p in s.points
                    ],
                )
                for s in m.series
            ],
        )


@strawberry.type(description="A ClickHouse-managed Postgres service's own details")
class ClickHousePostgres(ClickHousePostgresOpsFields):
    postgres_version: str | None = strawberry.field(description="Postgres major version")
    size: str | None = strawberry.field(description="VM size, e.g. m6gd.large")
    ha_type: str | None = strawberry.field(
        description="High availability: none, async (one standby) or sync (two standbys)"
    )
    is_primary: bool | None = strawberry.field(
        description="False for a read replica of another service"
    )
    tags: list[ClickHouseTagType] = strawberry.field(description="Tags on the service")
    record: strawberry.Private[DatabaseRecord]

    @classmethod
    def from_record(cls, r: DatabaseRecord) -> ClickHousePostgres | None:
        d = r.details
        if not isinstance(d, ClickHousePostgresDetails):
            return None
        return cls(
            postgres_version=d.postgres_version,
            size=d.size,
            ha_type=d.ha_type,
            is_primary=d.is_primary,
            tags=[ClickHouseTagType.from_details(t) for t in d.tags],
            record=r,
        )

    def _key(self) -> tuple[str, tuple[str, ...]]:
        return (self.record.connection.name, self.record.key)

    @strawberry.field(
        description="Hostname, user and storage (the service's own answer: one call unless "
        "it was read by ID)"
    )
    async def connection(self, info: Info) -> ClickHousePostgresConnection:
        d = self.record.details
        if not (isinstance(d, ClickHousePostgresDetails) and d.detailed):
            own = (
                await context_of(info).loaders.single(CLICKHOUSE_POSTGRES_SERVICE).load(self._key())
            )
            d = own.details
        assert isinstance(d, ClickHousePostgresDetails)
        return ClickHousePostgresConnection(
            hostname=d.hostname,
            username=d.username,
            connection_string=d.connection_string,
            storage_size_gb=d.storage_size_gb,
        )

    @strawberry.field(description="Prometheus metrics text of the service (one call)")
    async def prometheus_metrics(self, info: Info) -> str:
        return str(await context_of(info).loaders.single(METRICS).load(self._key()))

    @strawberry.field(description="Postgres and PgBouncer settings (one call)")
    async def config(self, info: Info) -> ClickHousePostgresConfig:
        found = await context_of(info).loaders.single(CLICKHOUSE_POSTGRES_CONFIG).load(self._key())
        return ClickHousePostgresConfig.from_details(found)

    @strawberry.field(description="The CA certificates to verify the server with, PEM (one call)")
    async def ca_certificates(self, info: Info) -> str:
        return str(await context_of(info).loaders.single(CLICKHOUSE_POSTGRES_CA).load(self._key()))

    @strawberry.field(description="Time series metrics over a window (one call)")
    async def metrics(
        self,
        info: Info,
        from_date: Annotated[
            datetime, strawberry.argument(name="from", description="Start of the window")
        ],
        to_date: Annotated[
            datetime, strawberry.argument(name="to", description="End of the window, after from")
        ],
        bucket_size_seconds: Annotated[
            int | None,
            strawberry.argument(description="Seconds per point, at least 1; else the vendor's"),
        ] = None,
    ) -> list[ClickHousePostgresMetric]:
        adapter = clickhouse_postgres(context_of(info).loaders.adapter(self.record.connection.name))
        window = MetricsWindow(from_date, to_date, bucket_size_seconds)
        found = await adapter.get_postgres_metrics(self.record.key, window)
        return [ClickHousePostgresMetric.from_details(m) for m in found]

    @strawberry.field(description="Slow query patterns over a window, one page (one call)")
    async def slow_queries(
        self,
        info: Info,
        from_date: Annotated[
            datetime, strawberry.argument(name="from", description="Start of the window")
        ],
        to_date: Annotated[
            datetime, strawberry.argument(name="to", description="End of the window, after from")
        ],
        db_name: Annotated[
            str | None, strawberry.argument(description="Only queries that ran in this database")
        ] = None,
        db_user: Annotated[
            str | None, strawberry.argument(description="Only queries this user ran")
        ] = None,
        db_operation: Annotated[
            str | None, strawberry.argument(description="Only this operation, e.g. SELECT")
        ] = None,
        app: Annotated[
            str | None, strawberry.argument(description="Only queries of this application_name")
        ] = None,
        sort_by: Annotated[
            PostgresSlowQuerySort | None,
            strawberry.argument(description="What to order by; total duration if unset"),
        ] = None,
        descending: Annotated[
            bool | None,
            strawberry.argument(description="Largest first (the vendor's default) or smallest"),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size, 1..500 (the vendor's: 20)")
        ] = None,
        offset: Annotated[
            int | None, strawberry.argument(description="Patterns to skip before the page")
        ] = None,
    ) -> list[ClickHousePostgresSlowQuery]:
        adapter = clickhouse_postgres(context_of(info).loaders.adapter(self.record.connection.name))
        query = SlowQueryQuery(
            from_date=from_date,
            to_date=to_date,
            db_name=db_name,
            db_user=db_user,
            db_operation=db_operation,
            app=app,
            sort_by=sort_by.value if sort_by else None,
            descending=descending,
            limit=first,
            offset=offset,
        )
        found = await adapter.list_postgres_slow_query_patterns(self.record.key, query)
        return [ClickHousePostgresSlowQuery.from_details(p) for p in found]
