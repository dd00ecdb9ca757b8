"""``Organization.usageCost``: what an organization's usage cost, day by day and entity by
entity, where the vendor has a billing API (ClickHouse Cloud's ``usageCost``; null, at no
call, for the others). Read through the ``UsageCosts`` protocol of ``adapters.base``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.base import UsageCosts
from adapters.details import UsageCost, UsageCostQuery, UsageCostRecord
from adapters.model import OrganizationRecord
from schema.context import context_of


@strawberry.input(description="A tag every counted entity carries")
class TagFilterInput:
    key: str = strawberry.field(description="Tag key")
    value: str | None = strawberry.field(
        default=None, description="Tag value; unset: any value of the key"
    )


@strawberry.input(description="Which entities a usage cost report counts")
class UsageCostFilter:
    tags: list[TagFilterInput] | None = strawberry.field(
        default=None, description="Entities carrying every one of these tags (pushed to the vendor)"
    )


@strawberry.type(description="One entity's cost on one day")
class UsageCostEntry:
    date: date | None = strawberry.field(description="The day (UTC)")
    entity_type: str | None = strawberry.field(
        description="What the entity is: datawarehouse, service or clickpipe"
    )
    entity_id: str | None = strawberry.field(description="The entity's vendor ID")
    entity_name: str | None = strawberry.field(description="The entity's name")
    service_id: str | None = strawberry.field(description="The service it is or belongs to")
    data_warehouse_id: str | None = strawberry.field(
        description="The data warehouse it is or belongs to"
    )
    total: float | None = strawberry.field(description="Its cost that day, in the vendor's unit")
    metrics: JSON = strawberry.field(
        description="Cost by kind as the vendor names it (computeCHC, storageCHC...)"
    )
    locked: bool | None = strawberry.field(
        description="True once the vendor will not change the record any more"
    )

    @classmethod
    def from_details(cls, r: UsageCostRecord) -> UsageCostEntry:
        return cls(
            date=r.date,
            entity_type=r.entity_type,
            entity_id=r.entity_id,
            entity_name=r.entity_name,
            service_id=r.service_id,
            data_warehouse_id=r.data_warehouse_id,
            total=r.total,
            metrics=JSON(r.metrics),
            locked=r.locked,
        )


@strawberry.type(description="An organization's usage cost over a window")
class UsageCostReport:
    unit: str = strawberry.field(description="The unit of every amount (CHC: ClickHouse Credits)")
    grand_total: float | None = strawberry.field(description="The window's total")
    entries: list[UsageCostEntry] = strawberry.field(description="Daily cost per entity")

    @classmethod
    def from_details(cls, c: UsageCost, unit: str) -> UsageCostReport:
        return cls(
            unit=unit,
            grand_total=c.grand_total,
            entries=[UsageCostEntry.from_details(r) for r in c.records],
        )


async def usage_cost(
    info: Info,
    organization: OrganizationRecord,
    from_date: date,
    to_date: date,
    filter: UsageCostFilter | None,
) -> UsageCostReport | None:
    adapter = context_of(info).loaders.adapter(organization.connection.name)
    if not isinstance(adapter, UsageCosts):
        return None
    tags = tuple((t.key, t.value) for t in (filter.tags if filter and filter.tags else []))
    found = await adapter.get_usage_cost(organization.key, UsageCostQuery(from_date, to_date, tags))
    return UsageCostReport.from_details(found, unit="CHC")


FromDay = Annotated[date, strawberry.argument(name="from", description="First day (UTC)")]
ToDay = Annotated[
    date, strawberry.argument(name="to", description="Last day, included; at most 30 after from")
]
