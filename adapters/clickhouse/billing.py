"""ClickHouse Cloud billing (2026-06 spec): an organization's daily cost per entity over at
most 31 days, in ClickHouse Credits (``Organization.usageCost``, through the ``UsageCosts``
protocol of ``adapters.base``). The spec's rules are checked before the call: both days
given, the last not before the first nor more than 30 days after it, tag filters of the
``ResourceTagsV1`` alphabet."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from adapters.base import HttpAdapter
from adapters.clickhouse.client import ClickHouseClient
from adapters.coerce import as_bool, as_float, as_str
from adapters.details import UsageCost, UsageCostQuery, UsageCostRecord
from adapters.model import Key

MAX_DAYS = 31
_TAG_TEXT = re.compile(r"[a-zA-Z0-9._-]+")


class BillingReads(HttpAdapter):
    client: ClickHouseClient

    async def get_organization_metrics(self, organization: Key, filtered: bool | None) -> str:
        """Every service's Prometheus metrics in one text (``GET .../prometheus``)."""
        if len(organization) != 1:
            raise self.not_supported("metrics of a malformed organization")
        return await self.client.organization_prometheus(organization[0], filtered)

    async def get_usage_cost(self, organization: Key, query: UsageCostQuery) -> UsageCost:
        if len(organization) != 1:
            raise self.not_supported("usage costs of a malformed organization")
        if query.to_date < query.from_date:
            raise self.invalid(("to",), "must not be before from")
        if (query.to_date - query.from_date).days >= MAX_DAYS:
            raise self.invalid(("to",), "must be at most 30 days after from (31 days in all)")
        filters = []
        for key, value in query.tags:
            if len(key) > 128 or not _TAG_TEXT.fullmatch(key):
                raise self.invalid(("filter", "tags", "key"), "1-128 letters, digits, . _ -")
            if value is not None and (len(value) > 256 or not _TAG_TEXT.fullmatch(value)):
                raise self.invalid(("filter", "tags", "value"), "up to 256 letters, digits, . _ -")
            filters.append(f"tag:{key}" if value is None else f"tag:{key}={value}")
        dates = {"from_date": query.from_date.isoformat(), "to_date": query.to_date.isoformat()}
        body = await self.client.usage_cost(organization[0], dates, filters)
        costs = body.get("costs")
        return UsageCost(
            grand_total=as_float(body.get("grandTotalCHC")),
            records=tuple(
                _record(c)
                for c in (costs if isinstance(costs, list) else [])
                if isinstance(c, dict)
            ),
        )


def _record(body: dict[str, Any]) -> UsageCostRecord:
    text = as_str(body.get("date"))
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        day = None
    metrics = body.get("metrics")
    return UsageCostRecord(
        date=day,
        entity_type=as_str(body.get("entityType")),
        entity_id=as_str(body.get("entityId")),
        entity_name=as_str(body.get("entityName")),
        service_id=as_str(body.get("serviceId")),
        data_warehouse_id=as_str(body.get("dataWarehouseId")),
        total=as_float(body.get("totalCHC")),
        metrics={
            str(k): float(v)
            for k, v in (metrics.items() if isinstance(metrics, dict) else [])
            if as_float(v) is not None
        },
        locked=as_bool(body.get("locked")),
    )
