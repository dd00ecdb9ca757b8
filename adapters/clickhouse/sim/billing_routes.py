"""Route handler of the ClickHouse Cloud simulator for the organization's usage costs
(``GET .../usageCost``, the 2026-06 spec): one record per day and service, in ClickHouse
Credits, derived from the service's ID and the day so two simulators answer alike.

Our reading where the spec is silent: a day's cost is the service's only while it
existed; days before today are ``locked``; ``filter=tag:K=V`` (or ``tag:K``) keeps the
services carrying that tag, several filters all of them.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from typing import Any

from adapters.clickhouse.sim.state import Ctx, SimulatorBase
from adapters.clickhouse.sim.validation import _fail

MAX_DAYS = 31  # "cannot be more than 30 days after from_date"
_TAG = re.compile(r"tag:([a-zA-Z0-9._-]+)(?:=([a-zA-Z0-9._-]*))?")


def _day(text: str | None, name: str) -> date:
    if text is None:
        raise _fail(f"{name} is required")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{name} '{text}' is not an ISO-8601 date") from None


def _cost(*parts: str) -> float:
    digest = int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:6], 16)
    return round(digest % 4000 / 100, 2)


class BillingRoutes(SimulatorBase):
    """The ``usageCost`` report."""

    async def _usage_cost(self, ctx: Ctx) -> Any:
        query = ctx.request.query_params
        unknown = sorted(set(query) - {"from_date", "to_date", "filter"})
        if unknown:
            raise _fail(f"Unknown query parameter(s): {', '.join(unknown)}")
        start, end = (
            _day(query.get("from_date"), "from_date"),
            _day(query.get("to_date"), "to_date"),
        )
        if end < start:
            raise _fail("to_date is before from_date")
        if (end - start).days >= MAX_DAYS:
            raise _fail("to_date cannot be more than 30 days after from_date")
        wanted = []
        for expression in query.getlist("filter"):
            match = _TAG.fullmatch(expression)
            if not match:
                raise _fail(f"Unsupported filter '{expression}': expected tag:<key>[=<value>]")
            wanted.append((match[1], match[2]))
        records = []
        today = self.wall_clock().date()
        for service in ctx.org.services.values():
            tags = ctx.org.service_tags.get(service["id"], {})
            if not all(k in tags and (v is None or tags[k] == v) for k, v in wanted):
                continue
            created = date.fromisoformat(service["createdAt"][:10])
            day = max(start, created)
            while day <= end:
                compute = _cost(service["id"], day.isoformat(), "compute")
                transfer = _cost(service["id"], day.isoformat(), "transfer") / 10
                records.append(
                    {
                        "dataWarehouseId": service.get("dataWarehouseId", service["id"]),
                        "serviceId": service["id"],
                        "date": day.isoformat(),
                        "entityType": "service",
                        "entityId": service["id"],
                        "entityName": service["name"],
                        "metrics": {
                            "computeCHC": compute,
                            "publicDataTransferCHC": transfer,
                        },
                        "totalCHC": round(compute + transfer, 2),
                        "locked": day < today,
                    }
                )
                day += timedelta(days=1)
        total = round(sum(r["totalCHC"] for r in records), 2)
        return {"grandTotalCHC": total, "costs": records}
