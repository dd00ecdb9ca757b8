"""Recent executions of a Postgres slow query pattern (``PostgresQueryExecution``, 2026-06
spec), derived from the pattern so that two simulators agree: three, a minute apart,
newest first. Our reading: ``timestamp`` picks the one execution at that time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

#: when the simulator's executions ran (its patterns have no clock either)
LAST_RUN = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
_COUNTERS = (
    "sharedBlksWritten",
    "sharedBlksDirtied",
    "sharedBlkReadTimeUs",
    "sharedBlkWriteTimeUs",
    "localBlksHit",
    "localBlksRead",
    "localBlksWritten",
    "localBlksDirtied",
    "tempBlksRead",
    "tempBlkReadTimeUs",
    "tempBlkWriteTimeUs",
    "walRecords",
    "walFpi",
    "cpuSysTimeUs",
    "jitFunctions",
    "jitGenerationTimeUs",
    "jitInliningTimeUs",
    "jitOptimizationTimeUs",
    "jitEmissionTimeUs",
    "jitDeformTimeUs",
    "parallelWorkersPlanned",
    "parallelWorkersLaunched",
)


def executions(pattern: dict[str, Any], at: str | None = None) -> list[dict[str, Any]]:
    found = []
    for n in range(3):
        when = LAST_RUN - timedelta(minutes=n)
        duration = pattern["avgDurationUs"] * (n + 1)
        found.append(
            {
                "timestamp": when.isoformat().replace("+00:00", "Z"),
                "queryId": pattern["queryId"],
                "dbName": pattern["dbName"],
                "dbUser": pattern["dbUser"],
                "dbOperation": pattern["dbOperation"],
                "app": pattern["app"],
                "queryText": pattern["queryText"],
                "pid": str(4100 + n),
                "durationUs": duration,
                "rows": n + 1,
                "sharedBlksHit": 40 + n,
                "sharedBlksRead": 3,
                "tempBlksWritten": 0,
                "walBytes": 128 * n,
                "cpuUserTimeUs": duration // 2,
                "serverRole": "primary",
            }
            | dict.fromkeys(_COUNTERS, 0)
        )
    if at is not None:
        wanted = datetime.fromisoformat(at.replace("Z", "+00:00"))
        found = [e for e in found if datetime.fromisoformat(e["timestamp"]) == wanted]
    return found
