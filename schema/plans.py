"""Plan: what a database can be created as.

A Node that links to no other, so the vendor types that name one (``DBaaSDatabase.plan``,
``FeatureBaseDatabase.plan``) import it without importing the node graph.
"""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from adapters.model import PlanRecord
from schema.common import RAW, Node, VendorConnection
from schema.ids import global_id
from schema.kinds import PLAN
from schema.navigation import connection_of


@strawberry.type(
    description="What a database can be created as (ClickHouse tier, FeatureBase shape, ...)"
)
class Plan(Node):
    native_id: str = strawberry.field(description="The vendor's own ID or name")
    name: str = strawberry.field(description="Name")
    description: str | None = strawberry.field(description="What it offers")
    cloud_provider: str | None = strawberry.field(
        description="Cloud provider (aws, gcp, azure), where the plan is tied to one"
    )
    region: str | None = strawberry.field(description="Cloud region, where the plan is tied to one")
    node_count: int | None = strawberry.field(description="Nodes a database of this plan runs on")
    instance_type: str | None = strawberry.field(description="Cloud instance type of each node")
    hourly_rate: float | None = strawberry.field(
        description="Price per hour as the vendor states it (currency as the vendor bills)"
    )
    raw: JSON = RAW
    record: strawberry.Private[PlanRecord]
    KIND = PLAN

    @classmethod
    def from_record(cls, r: PlanRecord) -> Plan:
        return cls(
            id=global_id(cls.KIND, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            description=r.description,
            cloud_provider=r.cloud_provider,
            region=r.region,
            node_count=r.node_count,
            instance_type=r.instance_type,
            hourly_rate=r.hourly_rate,
            record=r,
        )

    @strawberry.field(description="The connection this plan was read through")
    def connection(self, info: Info) -> VendorConnection:
        return connection_of(info, self.record.connection.name)
