"""One slow query pattern of a ClickHouse-managed Postgres service with its recent
executions (``Database.clickhousePostgres.slowQuery``, 2026-06 spec), through the
``ClickHouseSlowQueryDetail`` protocol of ``adapters.clickhouse_ops``; and the pattern's
type, which the list (``.slowQueries``) answers too. The field lives on a base type that
``ClickHousePostgres`` inherits."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from adapters.clickhouse_ops import (
    ClickHouseSlowQueryDetail,
    QueryExecution,
    SlowQueryPatternQuery,
)
from adapters.details import SlowQueryPattern
from schema.context import context_of
from schema.kinds import not_offered

if TYPE_CHECKING:
    from adapters.model import DatabaseRecord


@strawberry.type(description="A normalized query and what it cost over a window")
class ClickHousePostgresSlowQuery:
    query_id: str = strawberry.field(description="Stable ID of the pattern")
    query_text: str | None = strawberry.field(description="The query, literals as placeholders")
    db_name: str | None = strawberry.field(description="Database it ran in")
    db_user: str | None = strawberry.field(description="User that ran it")
    db_operation: str | None = strawberry.field(description="SELECT, INSERT, UPDATE...")
    app: str | None = strawberry.field(description="The client's application_name")
    call_count: int | None = strawberry.field(description="Calls in the window")
    error_count: int | None = strawberry.field(description="Calls that raised an error")
    total_duration_us: float | None = strawberry.field(description="Time of all calls, in us")
    avg_duration_us: float | None = strawberry.field(description="Average call time, in us")
    max_duration_us: float | None = strawberry.field(description="Slowest call, in us")
    p95_duration_us: float | None = strawberry.field(description="95th percentile, in us")
    total_rows: float | None = strawberry.field(description="Rows returned or affected")
    total_cpu_time_us: float | None = strawberry.field(description="CPU time, in us")
    total_wal_bytes: float | None = strawberry.field(description="WAL bytes written")

    @classmethod
    def from_details(cls, p: SlowQueryPattern) -> ClickHousePostgresSlowQuery:
        return cls(
            query_id=p.query_id,
            query_text=p.query_text,
            db_name=p.db_name,
            db_user=p.db_user,
            db_operation=p.db_operation,
            app=p.app,
            call_count=p.call_count,
            error_count=p.error_count,
            total_duration_us=p.total_duration_us,
            avg_duration_us=p.avg_duration_us,
            max_duration_us=p.max_duration_us,
            p95_duration_us=p.p95_duration_us,
            total_rows=p.total_rows,
            total_cpu_time_us=p.total_cpu_time_us,
            total_wal_bytes=p.total_wal_bytes,
        )


@strawberry.type(description="One execution of a slow query pattern")
class ClickHousePostgresQueryExecution:
    timestamp: datetime | None = strawberry.field(description="When it ran")
    db_name: str | None = strawberry.field(description="Database it ran in")
    db_user: str | None = strawberry.field(description="User that ran it")
    app: str | None = strawberry.field(description="The client's application_name")
    query_text: str | None = strawberry.field(description="The query, literals as placeholders")
    pid: str | None = strawberry.field(description="Backend process ID that ran it")
    duration_us: float | None = strawberry.field(description="How long it took, in us")
    rows: float | None = strawberry.field(description="Rows returned or affected")
    shared_blocks_hit: float | None = strawberry.field(description="Shared blocks in the cache")
    shared_blocks_read: float | None = strawberry.field(description="Shared blocks read from disk")
    temp_blocks_written: float | None = strawberry.field(
        description="Temp blocks written (a spill to disk)"
    )
    wal_bytes: float | None = strawberry.field(description="WAL bytes written")

    @classmethod
    def from_details(cls, e: QueryExecution) -> ClickHousePostgresQueryExecution:
        return cls(
            timestamp=e.timestamp,
            db_name=e.db_name,
            db_user=e.db_user,
            app=e.app,
            query_text=e.query_text,
            pid=e.pid,
            duration_us=e.duration_us,
            rows=e.rows,
            shared_blocks_hit=e.shared_blocks_hit,
            shared_blocks_read=e.shared_blocks_read,
            temp_blocks_written=e.temp_blocks_written,
            wal_bytes=e.wal_bytes,
        )


@strawberry.type(description="One slow query pattern: its aggregate and its recent executions")
class ClickHousePostgresSlowQueryDetail:
    aggregate: ClickHousePostgresSlowQuery | None = strawberry.field(
        description="What the pattern cost over the vendor's window"
    )
    recent_executions: list[ClickHousePostgresQueryExecution] = strawberry.field(
        description="Its latest executions, newest first"
    )


@strawberry.type(description="The 2026-06 spec's further fields of a Postgres service")
class ClickHousePostgresOpsFields:
    if TYPE_CHECKING:
        record: DatabaseRecord

    @strawberry.field(
        description="One slow query pattern with its recent executions, as the vendor keys "
        "it: by queryId, database, user and operation (one call); null if there is none"
    )
    async def slow_query(
        self,
        info: Info,
        query_id: Annotated[str, strawberry.argument(description="The pattern's queryId")],
        db_name: Annotated[str, strawberry.argument(description="Database it ran in")],
        db_user: Annotated[str, strawberry.argument(description="User that ran it")],
        db_operation: Annotated[str, strawberry.argument(description="Its operation, e.g. SELECT")],
        app: Annotated[
            str | None, strawberry.argument(description="Only executions of this application")
        ] = None,
        at: Annotated[
            datetime | None,
            strawberry.argument(description="Only the execution at this time"),
        ] = None,
    ) -> ClickHousePostgresSlowQueryDetail | None:
        adapter = context_of(info).loaders.adapter(self.record.connection.name)
        if not isinstance(adapter, ClickHouseSlowQueryDetail):
            raise not_offered(adapter, "ClickHouse Postgres slow query patterns")
        query = SlowQueryPatternQuery(query_id, db_name, db_user, db_operation, app, at)
        found = await adapter.get_postgres_slow_query_pattern(self.record.key, query)
        if found is None:
            return None
        return ClickHousePostgresSlowQueryDetail(
            aggregate=ClickHousePostgresSlowQuery.from_details(found.aggregate)
            if found.aggregate
            else None,
            recent_executions=[
                ClickHousePostgresQueryExecution.from_details(e) for e in found.recent_executions
            ],
        )
