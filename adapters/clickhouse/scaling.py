"""A ClickHouse service's per-replica scaling (``PATCH .../replicaScaling``) and its
weekly scaling schedule (``.../scalingSchedule``), through the ``ClickHouseServiceScaling``
protocol of ``adapters.clickhouse_ops``. The spec's rules are checked before any call:
memory per replica a multiple of 4 from 8 to 356 GB, 1 to 20 replicas, the horizontal
and vertical fields not mixed, idle timeouts of 5 minutes or more; schedule windows name
weekdays 0-6 and hours that differ, and run a fixed replica count."""

from __future__ import annotations

from typing import Any

from adapters.clickhouse import mapping
from adapters.clickhouse.service_extras import ServiceExtras
from adapters.clickhouse_ops import (
    ReplicaScaling,
    ScalingBase,
    ScalingSchedule,
    ScalingWindow,
)
from adapters.coerce import as_bool, as_float, as_int, as_str
from adapters.model import DatabaseRecord, Key

MIN_MEMORY, MAX_MEMORY, MEMORY_STEP = 8, 356, 4
MAX_REPLICAS = 20
MIN_IDLE_TIMEOUT = 5
#: our reading: the spec bounds neither; a week of hourly windows is far more than enough
MAX_WINDOWS = 50


class ServiceScaling(ServiceExtras):
    """Beside the service extras, whose service key it shares."""

    def _memory(self, field: tuple[str, ...], value: float | None) -> None:
        if value is not None and (
            not MIN_MEMORY <= value <= MAX_MEMORY or value % MEMORY_STEP != 0
        ):
            raise self.invalid(
                field, f"must be a multiple of {MEMORY_STEP} from {MIN_MEMORY} to {MAX_MEMORY}"
            )

    def _replicas(self, field: str, value: int | None) -> None:
        if value is not None and not 1 <= value <= MAX_REPLICAS:
            raise self.invalid((field,), f"must be 1 to {MAX_REPLICAS}")

    def _idle(self, field: str, value: int | None) -> None:
        if value is not None and value < MIN_IDLE_TIMEOUT:
            raise self.invalid((field,), f"must be at least {MIN_IDLE_TIMEOUT} minutes")

    def _replica_body(self, c: ReplicaScaling) -> dict[str, Any]:
        for field in ("min_replica_memory_gb", "max_replica_memory_gb", "replica_memory_gb"):
            self._memory((field,), getattr(c, field))
        for field in ("num_replicas", "min_replicas", "max_replicas"):
            self._replicas(field, getattr(c, field))
        self._idle("idle_timeout_minutes", c.idle_timeout_minutes)
        if (c.min_replicas is None) != (c.max_replicas is None):
            raise self.invalid(("min_replicas",), "give minReplicas and maxReplicas together")
        if c.min_replicas is not None and c.max_replicas is not None:
            if c.min_replicas > c.max_replicas:
                raise self.invalid(("min_replicas",), "must not be above maxReplicas")
            if c.num_replicas is not None:
                raise self.invalid(
                    ("num_replicas",), "fixes the count: not with minReplicas/maxReplicas"
                )
        lo, hi = c.min_replica_memory_gb, c.max_replica_memory_gb
        if lo is not None and hi is not None and lo > hi:
            raise self.invalid(("min_replica_memory_gb",), "must not be above maxReplicaMemoryGb")
        if c.replica_memory_gb is not None and (lo is not None or hi is not None):
            raise self.invalid(
                ("replica_memory_gb",), "fixes the memory: not with min/maxReplicaMemoryGb"
            )
        body = {
            wire: value
            for wire, value in (
                ("minReplicaMemoryGb", lo),
                ("maxReplicaMemoryGb", hi),
                ("numReplicas", c.num_replicas),
                ("minReplicas", c.min_replicas),
                ("maxReplicas", c.max_replicas),
                ("replicaMemoryGb", c.replica_memory_gb),
                ("idleScaling", c.idle_scaling),
                ("idleTimeoutMinutes", c.idle_timeout_minutes),
            )
            if value is not None
        }
        if not body:
            raise self.invalid(("min_replica_memory_gb",), "nothing to change")
        return body

    async def scale_replicas(self, database: Key, change: ReplicaScaling) -> DatabaseRecord:
        org, service = self._service_key(database)
        body = self._replica_body(change)
        answer = await self.client.write_service_part(
            "PATCH", org, service, ("replicaScaling",), body
        )
        if not isinstance(answer, dict) or "id" not in answer:
            raise self.http.bad_response("replicaScaling answered without the service")
        return self._map(mapping.service, org, answer)

    # -- the schedule --------------------------------------------------------------------

    def _window_body(self, n: int, w: ScalingWindow) -> dict[str, Any]:
        def field(name: str) -> tuple[str, ...]:
            return ("windows", str(n), name)

        if not w.name.strip():
            raise self.invalid(field("name"), "must not be blank")
        if not w.weekdays or any(not 0 <= d <= 6 for d in w.weekdays):
            raise self.invalid(field("weekdays"), "name at least one day, 0 (Sunday) to 6")
        if len(set(w.weekdays)) != len(w.weekdays):
            raise self.invalid(field("weekdays"), "name each day once")
        if not 0 <= w.start_hour_utc <= 23:
            raise self.invalid(field("start_hour_utc"), "must be 0 to 23")
        if not 1 <= w.end_hour_utc <= 24 or w.end_hour_utc == w.start_hour_utc:
            raise self.invalid(field("end_hour_utc"), "must be 1 to 24, not the start hour")
        self._memory(field("min_replica_memory_gb"), w.min_replica_memory_gb)
        self._memory(field("max_replica_memory_gb"), w.max_replica_memory_gb)
        lo, hi = w.min_replica_memory_gb, w.max_replica_memory_gb
        if lo is not None and hi is not None and lo > hi:
            raise self.invalid(field("min_replica_memory_gb"), "must not be above the maximum")
        if w.replicas is not None and not 1 <= w.replicas <= MAX_REPLICAS:
            raise self.invalid(field("replicas"), f"must be 1 to {MAX_REPLICAS}")
        if w.idle_timeout_minutes is not None and w.idle_timeout_minutes < MIN_IDLE_TIMEOUT:
            raise self.invalid(
                field("idle_timeout_minutes"), f"must be at least {MIN_IDLE_TIMEOUT} minutes"
            )
        body: dict[str, Any] = {
            "name": w.name,
            "weekdays": list(w.weekdays),
            "startHourUtc": w.start_hour_utc,
            "endHourUtc": w.end_hour_utc,
        }
        for wire, value in (
            ("minReplicaMemoryGb", lo),
            ("maxReplicaMemoryGb", hi),
            # "must equal maxReplicas: entries specify a fixed replica count per window"
            ("minReplicas", w.replicas),
            ("maxReplicas", w.replicas),
            ("idleScaling", w.idle_scaling),
            ("idleTimeoutMinutes", w.idle_timeout_minutes),
        ):
            if value is not None:
                body[wire] = value
        return body

    async def get_scaling_schedule(self, database: Key) -> ScalingSchedule | None:
        org, service = self._service_key(database)
        body = await self._get_or_none(self.client.service_part(org, service, "scalingSchedule"))
        return _schedule(body) if body is not None else None

    async def set_scaling_schedule(
        self, database: Key, windows: tuple[ScalingWindow, ...]
    ) -> ScalingSchedule | None:
        """Replace the schedule; no windows clears it (the vendor's own reading of an empty
        ``entries``), answered as None."""
        org, service = self._service_key(database)
        if len(windows) > MAX_WINDOWS:
            raise self.invalid(("windows",), f"at most {MAX_WINDOWS}")
        body = {"entries": [self._window_body(n, w) for n, w in enumerate(windows)]}
        answer = await self.client.write_service_part(
            "POST", org, service, ("scalingSchedule",), body
        )
        if not windows:
            return None
        return _schedule(answer if isinstance(answer, dict) else {})

    async def delete_scaling_schedule(self, database: Key) -> None:
        org, service = self._service_key(database)
        await self.client.write_service_part("DELETE", org, service, ("scalingSchedule",), None)


def _window(body: dict[str, Any]) -> ScalingWindow:
    days = body.get("weekdays")
    low, high = as_int(body.get("minReplicas")), as_int(body.get("maxReplicas"))
    return ScalingWindow(
        name=as_str(body.get("name")) or "",
        weekdays=tuple(d for d in days if isinstance(d, int)) if isinstance(days, list) else (),
        start_hour_utc=as_int(body.get("startHourUtc")) or 0,
        end_hour_utc=as_int(body.get("endHourUtc")) or 0,
        min_replica_memory_gb=as_float(body.get("minReplicaMemoryGb")),
        max_replica_memory_gb=as_float(body.get("maxReplicaMemoryGb")),
        # equal by the spec's rule; a vendor sending two counts shows the larger
        replicas=high if high is not None else low,
        idle_scaling=as_bool(body.get("idleScaling")),
        idle_timeout_minutes=as_int(body.get("idleTimeoutMinutes")),
        id=as_str(body.get("id")),
        active_now=as_bool(body.get("isActiveNow")),
    )


def _schedule(body: dict[str, Any]) -> ScalingSchedule:
    entries = body.get("entries")
    found = body.get("baseConfig")
    base: dict[str, Any] = found if isinstance(found, dict) else {}
    return ScalingSchedule(
        windows=tuple(_window(e) for e in entries if isinstance(e, dict))
        if isinstance(entries, list)
        else (),
        base=ScalingBase(
            min_replica_memory_gb=as_float(base.get("minReplicaMemoryGb")),
            max_replica_memory_gb=as_float(base.get("maxReplicaMemoryGb")),
            min_replicas=as_int(base.get("minReplicas")),
            max_replicas=as_int(base.get("maxReplicas")),
            idle_scaling=as_bool(base.get("idleScaling")),
            idle_timeout_minutes=as_int(base.get("idleTimeoutMinutes")),
        ),
        active_window_id=as_str(body.get("activeEntryId")),
    )
