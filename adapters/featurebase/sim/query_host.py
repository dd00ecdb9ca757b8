"""The simulated query host, ``https://query.featurebase.com/v2``: database metrics only.

From the seed: "Read metrics from a database, metrics are exposed in OpenMetrics
(Prometheus) format"; answers Success, Unauthorized, Not Found, Internal Server Error.
Its example shows three families (``pilosa_key_translation_total_writes`` of TYPE
unknown, ``go_memstats_gc_sys_bytes`` and ``go_memstats_last_gc_time_seconds`` gauges),
each sample labelled with the ``fb_node_id`` of the node it came from.

Reading: the server is ``https://query.featurebase.com/v2`` and the path
``/databases/{database_id}/metrics``, so requests arrive at ``/v2/databases/{id}/metrics``.
Only a database whose status "can query data" (the seed's table: RUNNING, BACKUP) has
nodes to read; any other, and an unknown one, is Not Found. SQL and PQL are not served.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse, PlainTextResponse, Response

#: the seed's table: the statuses in which a database "can query data"
QUERYABLE = frozenset({"RUNNING", "BACKUP"})
_NODES = uuid.UUID("0b5e7c1a-4f2e-4d8a-9c6b-3e1f0a2d4c8b")
#: the seed's example families: (name, TYPE, HELP)
FAMILIES = (
    (
        "pilosa_key_translation_total_writes",
        "unknown",
        "total writes (add/delete) to key translation stores",
    ),
    (
        "go_memstats_gc_sys_bytes",
        "gauge",
        "Number of bytes used for garbage collection system metadata.",
    ),
    (
        "go_memstats_last_gc_time_seconds",
        "gauge",
        "Number of seconds since 1970 of last garbage collection.",
    ),
)


def node_count(shape: dict[str, Any] | None) -> int:
    """``properties.node_count`` of the database's shape; one node when it is unknown."""
    properties = shape.get("properties") if shape else None
    count = properties.get("node_count") if isinstance(properties, dict) else None
    return count if isinstance(count, int) and count > 0 else 1


def metrics_text(database_id: str, nodes: int, now: float) -> str:
    lines = []
    ids = [str(uuid.uuid5(_NODES, f"{database_id}/{n}")) for n in range(nodes)]
    for index, (name, kind, help_text) in enumerate(FAMILIES):
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
        for n, node in enumerate(ids):
            value = (now if "time" in name else 1.5e7) + 1000 * n + index
            lines.append(f'{name}{{fb_node_id="{node}"}} {value:e}')
    return "\n".join(lines) + "\n"


def metrics_answer(
    database: dict[str, Any] | None, shape: dict[str, Any] | None, now: float
) -> Response:
    if database is None or database.get("database_status") not in QUERYABLE:
        return JSONResponse(
            {"code": "ResourceNotFound", "message": "Database not found or not running."},
            status_code=404,
        )
    text = metrics_text(str(database["id"]), node_count(shape), now)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4")
