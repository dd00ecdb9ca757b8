"""Route handlers of the ClickHouse Cloud simulator for a service's scaling as the 2026-06
spec has it: per-replica scaling with its horizontal fields (``replicaScaling``) and the
weekly scaling schedule (``scalingSchedule``). Bodies are validated against the spec's own
schemas (``current_spec``).

Our reading where the spec is silent: the organization has scheduled autoscaling; a
horizontal change (minReplicas/maxReplicas/replicaMemoryGb) needs a production service and
switches it to horizontal autoscaling; a vertical one is the seed's ``replicaScaling``
(``ServiceRoutes._scale_per_replica``); a window is active when the simulator's wall clock
is inside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.clickhouse.sim import current_spec as spec
from adapters.clickhouse.sim.state import Ctx, SimulatorBase
from adapters.clickhouse.sim.validation import JSON, ApiError, _fail

SVC = "/v1/organizations/{organizationId}/services/{serviceId}"
_HORIZONTAL = ("minReplicas", "maxReplicas", "replicaMemoryGb")


class ScalingRoutes(SimulatorBase):
    def scaling_routes(self) -> list[tuple[str, str, Any, bool]]:
        return [
            ("PATCH", SVC + "/replicaScaling", self._replica_scaling, False),
            ("GET", SVC + "/scalingSchedule", self._get_schedule, False),
            ("POST", SVC + "/scalingSchedule", self._post_schedule, False),
            ("DELETE", SVC + "/scalingSchedule", self._delete_schedule, False),
        ]

    if TYPE_CHECKING:  # ServiceRoutes: the seed's vertical replicaScaling

        async def _scale_per_replica(self, ctx: Ctx) -> Any: ...

    # --- replica scaling ------------------------------------------------------------------

    async def _replica_scaling(self, ctx: Ctx) -> Any:
        body = await spec.body(ctx, "PATCH", SVC + "/replicaScaling")
        if not set(_HORIZONTAL) & set(body):
            return await self._scale_per_replica(ctx)
        service = self._service(ctx, live=True)
        if ("minReplicas" in body) != ("maxReplicas" in body):
            raise _fail("minReplicas and maxReplicas must be provided together")
        if "numReplicas" in body:
            raise _fail("numReplicas is mutually exclusive with minReplicas/maxReplicas")
        if "replicaMemoryGb" in body and {"minReplicaMemoryGb", "maxReplicaMemoryGb"} & set(body):
            raise _fail("replicaMemoryGb is mutually exclusive with min/maxReplicaMemoryGb")
        if service["tier"] != "production":
            raise _fail("Horizontal autoscaling is available only for 'production' services")
        low: int = (
            int(body["minReplicas"]) if "minReplicas" in body else service.get("minReplicas", 1)
        )
        high: int = (
            int(body["maxReplicas"]) if "maxReplicas" in body else service.get("maxReplicas", low)
        )
        if low > high:
            raise _fail(f"minReplicas ({low}) must not exceed maxReplicas ({high})")
        memory = body.get("replicaMemoryGb", service.get("replicaMemoryGb", 16))
        service.update(
            {k: v for k, v in body.items() if k in ("idleScaling", "idleTimeoutMinutes")}
            | {"minReplicas": low, "maxReplicas": high, "replicaMemoryGb": memory}
        )
        service["currentScaling"] = {
            "effectiveAutoscalingMode": "horizontal",
            "effectiveMinReplicaMemoryGb": memory,
            "effectiveMaxReplicaMemoryGb": memory,
            "effectiveMinReplicas": low,
            "effectiveMaxReplicas": high,
        }
        self._audit(ctx, "service_update_autoscaling_memory", service["id"])
        return service

    # --- scaling schedule -----------------------------------------------------------------

    def _stored_schedule(self, ctx: Ctx) -> JSON:
        service = self._service(ctx)
        extras = ctx.org.service_extras.setdefault(service["id"], {"settings": {}})
        schedule: JSON | None = extras.get("scalingSchedule")
        if not schedule:
            raise ApiError(404, "No scaling schedule is configured for this service")
        return schedule

    def _shown_schedule(self, ctx: Ctx, entries: list[JSON]) -> JSON:
        service = self._service(ctx)
        now = self.wall_clock()
        weekday, hour = (now.weekday() + 1) % 7, now.hour  # the spec's 0 is Sunday
        shown = [e | {"isActiveNow": _active(e, weekday, hour)} for e in entries]
        active = next((e["id"] for e in shown if e["isActiveNow"]), None)
        per_replica = 3  # the simulator's services keep total memory over three replicas
        base = {
            "minReplicaMemoryGb": service["minTotalMemoryGb"] // per_replica,
            "maxReplicaMemoryGb": service["maxTotalMemoryGb"] // per_replica,
            "minReplicas": service.get("minReplicas", service.get("numReplicas", 3)),
            "maxReplicas": service.get("maxReplicas", service.get("numReplicas", 3)),
            "idleScaling": service.get("idleScaling", True),
            "idleTimeoutMinutes": service.get("idleTimeoutMinutes", 15),
        }
        answer: JSON = {"entries": shown, "baseConfig": base}
        return answer | ({"activeEntryId": active} if active else {})

    async def _get_schedule(self, ctx: Ctx) -> Any:
        return self._shown_schedule(ctx, self._stored_schedule(ctx)["entries"])

    async def _post_schedule(self, ctx: Ctx) -> Any:
        service = self._service(ctx, live=True)
        body = await spec.body(ctx, "POST", SVC + "/scalingSchedule")
        entries = []
        for n, entry in enumerate(body["entries"]):
            if entry["startHourUtc"] == entry["endHourUtc"]:
                raise _fail(f"entries[{n}]: endHourUtc must differ from startHourUtc")
            if entry.get("minReplicas") != entry.get("maxReplicas"):
                raise _fail(f"entries[{n}]: minReplicas must equal maxReplicas")
            if any(not 0 <= d <= 6 for d in entry["weekdays"]):
                raise _fail(f"entries[{n}]: weekdays are 0 (Sunday) to 6")
            entries.append({"id": self._new_id("scalingEntry")} | entry)
        extras = ctx.org.service_extras.setdefault(service["id"], {"settings": {}})
        if not entries:  # "a subsequent GET will return 404 ... an empty baseConfig"
            extras.pop("scalingSchedule", None)
            return {"entries": [], "baseConfig": {}}
        extras["scalingSchedule"] = {"entries": entries}
        self._audit(ctx, "service_update_autoscaling_memory", service["id"])
        return self._shown_schedule(ctx, entries)

    async def _delete_schedule(self, ctx: Ctx) -> Any:
        self._stored_schedule(ctx)
        ctx.org.service_extras[ctx.params["serviceId"]].pop("scalingSchedule", None)
        return None


def _active(entry: JSON, weekday: int, hour: int) -> bool:
    start, end = entry["startHourUtc"], entry["endHourUtc"]
    if start < end:
        return weekday in entry["weekdays"] and start <= hour < end
    # overnight: from start on a listed day to end the next morning
    return (weekday in entry["weekdays"] and hour >= start) or (
        (weekday - 1) % 7 in entry["weekdays"] and hour < end
    )
