"""The writes a ClickHouse-managed Postgres service has alone (2026-06 spec), beside the
ordinary database mutations it answers too: a state command (restart, promote a replica,
switch over to a standby) and its Postgres / PgBouncer configuration. Both are updates of
the database (``UPDATE_DATABASE`` in capabilities), through the ``ClickHousePostgresWrites``
protocol of ``adapters.base``; any other database is NOT_SUPPORTED before any call."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.base import ClickHousePostgresWrites
from adapters.details import PostgresConfig
from adapters.errors import InvalidInputError, NotSupportedError
from adapters.model import Operation
from schema.common import describe_values
from schema.kinds import DATABASE
from schema.mutation_runner import Target, run, target
from schema.nodes import Database
from schema.payloads import DatabasePayload
from schema.vendor_types.clickhouse_postgres import ClickHousePostgresConfig


@strawberry.enum(description="A state command of a ClickHouse Postgres service")
class ClickHousePostgresCommand(Enum):
    RESTART = "restart"
    PROMOTE = "promote"
    SWITCHOVER = "switchover"


describe_values(
    ClickHousePostgresCommand,
    {
        ClickHousePostgresCommand.RESTART: "Restart the server (applies a configuration change)",
        ClickHousePostgresCommand.PROMOTE: "Make a read replica a primary of its own",
        ClickHousePostgresCommand.SWITCHOVER: "Hand the primary role to a standby",
    },
)


@strawberry.input(description="A state command for a ClickHouse Postgres service")
class ChangeClickHousePostgresStateInput:
    id: strawberry.ID = strawberry.field(description="The Database (a Postgres service)")
    command: ClickHousePostgresCommand = strawberry.field(description="What to do")


@strawberry.input(description="New Postgres and PgBouncer settings of a Postgres service")
class UpdateClickHousePostgresConfigInput:
    id: strawberry.ID = strawberry.field(description="The Database (a Postgres service)")
    pg_config: JSON = strawberry.field(description="Postgres settings by name (pgConfig)")
    pg_bouncer_config: JSON = strawberry.field(
        description="PgBouncer settings by name (pgBouncerConfig), 1 to 64"
    )
    replace: bool = strawberry.field(
        default=False,
        description="Replace every setting (POST config) instead of merging (PATCH config)",
    )


@strawberry.type(description="A Postgres service's settings after a change")
class ClickHousePostgresConfigPayload:
    config: ClickHousePostgresConfig = strawberry.field(description="The settings as now set")


def _writer(t: Target) -> ClickHousePostgresWrites:
    if isinstance(t.adapter, ClickHousePostgresWrites):
        return t.adapter
    info = t.adapter.connection
    raise NotSupportedError(
        "ClickHouse Postgres service writes", connection=info.name, vendor=info.vendor.value
    )


def _settings(value: object, field: str) -> dict[str, str]:
    """Setting values are strings or numbers, sent as the vendor's own JSON."""
    if not isinstance(value, dict) or not all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value.values()
    ):
        raise InvalidInputError(("input", field), "must map setting names to strings or numbers")
    return {str(k): v for k, v in value.items()}  # type: ignore[misc]


async def change_clickhouse_postgres_state(
    info: Info,
    input: Annotated[
        ChangeClickHousePostgresStateInput,
        strawberry.argument(description="The Postgres service and the state change to make"),
    ],
) -> DatabasePayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    writer = _writer(t)
    record = await run(t, lambda: writer.change_postgres_state(t.key, input.command.value))
    return DatabasePayload(database=Database.from_record(record))


async def update_clickhouse_postgres_config(
    info: Info,
    input: Annotated[
        UpdateClickHousePostgresConfigInput,
        strawberry.argument(
            description="The Postgres service and the settings to merge or replace"
        ),
    ],
) -> ClickHousePostgresConfigPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    writer = _writer(t)
    config = PostgresConfig(
        pg_config=_settings(input.pg_config, "pgConfig"),
        pg_bouncer_config=_settings(input.pg_bouncer_config, "pgBouncerConfig"),
    )
    answer = await run(
        t, lambda: writer.write_postgres_config(t.key, config, replace=input.replace)
    )
    return ClickHousePostgresConfigPayload(config=ClickHousePostgresConfig.from_details(answer))
