"""What a ClickHouse service has beside its record (2026-06 spec), as types:
``Database.clickhouse.upgradeWindow``, ``.clickhouseSettings``, ``.queryEndpoint``, read
through the ``ClickHouseServiceExtras`` protocol of ``adapters.base`` (one call each)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from adapters.base import Adapter, ClickHouseServiceExtras
from adapters.details import ClickHouseSetting, QueryEndpoint, UpgradeWindow
from schema.context import context_of
from schema.kinds import not_offered


@strawberry.type(name="ClickHouseUpgradeWindow", description="When a service may be upgraded")
class ClickHouseUpgradeWindowType:
    weekday: int | None = strawberry.field(description="0 Sunday ... 6 Saturday")
    start_hour_utc: int | None = strawberry.field(description="0, 6, 12 or 18 (UTC)")
    duration_hours: int | None = strawberry.field(description="Its length (6 hours today)")

    @classmethod
    def from_details(cls, w: UpgradeWindow) -> ClickHouseUpgradeWindowType:
        return cls(
            weekday=w.weekday, start_hour_utc=w.start_hour_utc, duration_hours=w.duration_hours
        )


@strawberry.type(name="ClickHouseSetting", description="A ClickHouse setting of a service")
class ClickHouseSettingType:
    name: str = strawberry.field(description="Setting name, e.g. compatibility")
    value: str | None = strawberry.field(description="Its value, as text")
    warning: str | None = strawberry.field(
        description="After a change: the vendor's warning about it, if any"
    )

    @classmethod
    def from_details(cls, s: ClickHouseSetting) -> ClickHouseSettingType:
        return cls(name=s.name, value=s.value, warning=s.warning)


@strawberry.type(name="ClickHouseQueryEndpoint", description="A service's query API endpoint")
class ClickHouseQueryEndpointType:
    id: str | None = strawberry.field(description="The vendor's endpoint ID")
    api_key_ids: list[str] = strawberry.field(
        description="Native IDs of the API keys that may use it"
    )
    roles: list[str] = strawberry.field(
        description="sql_console_read_only and/or sql_console_admin"
    )
    allowed_origins: str | None = strawberry.field(description="Allowed origins, comma-separated")

    @classmethod
    def from_details(cls, e: QueryEndpoint) -> ClickHouseQueryEndpointType:
        return cls(
            id=e.id,
            api_key_ids=list(e.api_key_ids),
            roles=list(e.roles),
            allowed_origins=e.allowed_origins,
        )


def extras_of(adapter: Adapter) -> ClickHouseServiceExtras:
    if isinstance(adapter, ClickHouseServiceExtras):
        return adapter
    raise not_offered(adapter, "ClickHouse service settings")


def extras(info: Info, connection: str) -> ClickHouseServiceExtras:
    return extras_of(context_of(info).loaders.adapter(connection))
