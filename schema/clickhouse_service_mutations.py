"""Writes of what a ClickHouse service has beside its record (2026-06 spec): its upgrade
window, its ClickHouse settings and its query API endpoint. Each is an update of the
database (``UPDATE_DATABASE``), through the ``ClickHouseServiceExtras`` protocol; another
vendor's database is NOT_SUPPORTED before any call."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.details import ClickHouseSetting
from adapters.errors import InvalidInputError
from adapters.model import Operation
from schema.kinds import API_KEY, DATABASE
from schema.mutation_inputs import key_in
from schema.mutation_runner import run, target
from schema.vendor_types.clickhouse_extras import (
    ClickHouseQueryEndpointType,
    ClickHouseSettingType,
    ClickHouseUpgradeWindowType,
    extras_of,
)


@strawberry.input(description="A service's weekly upgrade window")
class SetClickHouseUpgradeWindowInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")
    weekday: int = strawberry.field(description="0 Sunday ... 6 Saturday")
    start_hour_utc: int = strawberry.field(description="0, 6, 12 or 18 (UTC); 6 hours long")


@strawberry.input(description="ClickHouse settings to change on a service")
class ChangeClickHouseSettingsInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")
    settings: JSON = strawberry.field(
        description="Setting names to values (strings or numbers), e.g. {compatibility: 24.8}"
    )


@strawberry.input(description="A ClickHouse setting to return to its default")
class ResetClickHouseSettingInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")
    name: str = strawberry.field(description="The setting's name")


@strawberry.input(description="A service's query API endpoint, created or replaced")
class SetClickHouseQueryEndpointInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")
    api_key_ids: list[strawberry.ID] = strawberry.field(
        description="ApiKeys of the organization that may use it"
    )
    roles: list[str] = strawberry.field(
        description="sql_console_read_only and/or sql_console_admin"
    )
    allowed_origins: str | None = strawberry.field(
        default=None, description="Allowed origins, comma-separated"
    )


@strawberry.input(description="A ClickHouse service to act on")
class ClickHouseServiceInput:
    id: strawberry.ID = strawberry.field(description="The Database (a ClickHouse service)")


@strawberry.type(description="A service's upgrade window after a change")
class ClickHouseUpgradeWindowPayload:
    upgrade_window: ClickHouseUpgradeWindowType | None = strawberry.field(
        description="The window now; null once deleted"
    )


@strawberry.type(description="ClickHouse settings after a change")
class ClickHouseSettingsPayload:
    settings: list[ClickHouseSettingType] = strawberry.field(
        description="The settings the vendor applied, with its warnings"
    )


@strawberry.type(description="A service's query endpoint after a change")
class ClickHouseQueryEndpointPayload:
    query_endpoint: ClickHouseQueryEndpointType | None = strawberry.field(
        description="The endpoint now; null once deleted"
    )


def _settings(found: list[ClickHouseSetting]) -> ClickHouseSettingsPayload:
    return ClickHouseSettingsPayload(
        settings=[ClickHouseSettingType.from_details(s) for s in found]
    )


async def set_upgrade_window(
    info: Info,
    input: Annotated[
        SetClickHouseUpgradeWindowInput,
        strawberry.argument(description="The service and its upgrade window"),
    ],
) -> ClickHouseUpgradeWindowPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    adapter = extras_of(t.adapter)
    found = await run(
        t, lambda: adapter.set_upgrade_window(t.key, input.weekday, input.start_hour_utc)
    )
    return ClickHouseUpgradeWindowPayload(
        upgrade_window=ClickHouseUpgradeWindowType.from_details(found)
    )


async def delete_upgrade_window(
    info: Info,
    input: Annotated[ClickHouseServiceInput, strawberry.argument(description="The service")],
) -> ClickHouseUpgradeWindowPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    adapter = extras_of(t.adapter)
    await run(t, lambda: adapter.delete_upgrade_window(t.key))
    return ClickHouseUpgradeWindowPayload(upgrade_window=None)


async def change_settings(
    info: Info,
    input: Annotated[
        ChangeClickHouseSettingsInput,
        strawberry.argument(description="The service and the settings to change"),
    ],
) -> ClickHouseSettingsPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    adapter = extras_of(t.adapter)
    given = input.settings
    if not isinstance(given, dict) or not all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in given.values()
    ):
        raise InvalidInputError(("input", "settings"), "must map names to strings or numbers")
    values = {str(k): str(v) for k, v in given.items()}
    found = await run(t, lambda: adapter.change_clickhouse_settings(t.key, values))
    return ClickHouseSettingsPayload(
        settings=[ClickHouseSettingType.from_details(s) for s in found]
    )


async def reset_setting(
    info: Info,
    input: Annotated[
        ResetClickHouseSettingInput,
        strawberry.argument(description="The service and the setting to reset to its default"),
    ],
) -> ClickHouseSettingsPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    adapter = extras_of(t.adapter)
    await run(t, lambda: adapter.reset_clickhouse_setting(t.key, input.name))
    found = await run(t, lambda: adapter.list_clickhouse_settings(t.key))
    return ClickHouseSettingsPayload(
        settings=[ClickHouseSettingType.from_details(s) for s in found]
    )


async def set_query_endpoint(
    info: Info,
    input: Annotated[
        SetClickHouseQueryEndpointInput,
        strawberry.argument(description="The service and its query API endpoint"),
    ],
) -> ClickHouseQueryEndpointPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    adapter = extras_of(t.adapter)
    keys = tuple(
        k for k in (key_in(t.connection, i, API_KEY, "api_key_ids") for i in input.api_key_ids) if k
    )
    found = await run(
        t,
        lambda: adapter.set_query_endpoint(t.key, keys, tuple(input.roles), input.allowed_origins),
    )
    return ClickHouseQueryEndpointPayload(
        query_endpoint=ClickHouseQueryEndpointType.from_details(found)
    )


async def delete_query_endpoint(
    info: Info,
    input: Annotated[ClickHouseServiceInput, strawberry.argument(description="The service")],
) -> ClickHouseQueryEndpointPayload:
    t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
    adapter = extras_of(t.adapter)
    await run(t, lambda: adapter.delete_query_endpoint(t.key))
    return ClickHouseQueryEndpointPayload(query_endpoint=None)
