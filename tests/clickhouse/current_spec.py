"""The 2026-06 spec's operations the simulator implements beyond the seed (Postgres
services, roles) as it loads them (``adapters/clickhouse/sim/current_spec.json``): each
operation's request body and query parameter schemas, and every component schema they and
its answers reach. Extracted, not transcribed, so the simulator validates against the
vendor's own schemas; ``tests/clickhouse/test_current_spec_simulator.py`` checks the file is
current. Regenerate with ``python -m tests.clickhouse.current_spec``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: what ``adapters/clickhouse/sim/current_spec.py`` loads (not imported: it needs the file)
SPEC_FILE = Path(__file__).parents[2] / "adapters" / "clickhouse" / "sim" / "current_spec.json"
CURRENT_SPEC = Path(__file__).parent / "data" / "clickhouse-cloud-openapi-2026-06.json"
_METHODS = ("get", "post", "patch", "put", "delete")
#: the path parts of the operations the simulator takes from this spec
IMPLEMENTED = (
    "/postgres",
    "/roles",
    "/upgradeWindow",
    "/clickhouseSettings",
    "/serviceQueryEndpoint",
    "/clickpipes",
    "/replicaScaling",
    "/scalingSchedule",
    "/privateEndpoint",
    "/backupBucket",
    "/byocInfrastructure",
    "/clickstack",
)


def _implemented(path: str) -> bool:
    return any(part in path for part in IMPLEMENTED)


def _refs(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = set()
        ref = value.get("$ref")
        if isinstance(ref, str):
            found.add(ref.removeprefix("#/components/schemas/"))
        for item in value.values():
            found |= _refs(item)
        return found
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value)) if value else set()
    return set()


def extract(spec: dict[str, Any]) -> dict[str, Any]:
    operations: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        if not _implemented(path):
            continue
        for method in _METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations[f"{method.upper()} {path}"] = {
                "body": body.get("schema"),
                "query": {
                    p["name"]: {"required": bool(p.get("required")), "schema": p["schema"]}
                    for p in op.get("parameters", [])
                    if p.get("in") == "query"
                },
            }
    schemas = spec["components"]["schemas"]
    reached: set[str] = set()
    todo = _refs(operations)
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo |= _refs(schemas[name])
    # the answers' schemas too: the tests check the simulator's answers against them
    for path, item in spec["paths"].items():
        if _implemented(path):
            todo |= _refs(item)
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo |= _refs(schemas[name])
    return {
        "source": "clickhouse-cloud-openapi-2026-06.json",
        "operations": operations,
        "components": {name: schemas[name] for name in sorted(reached)},
    }


def render() -> str:
    return json.dumps(extract(json.loads(CURRENT_SPEC.read_text())), indent=1) + "\n"


if __name__ == "__main__":
    SPEC_FILE.write_text(render(), encoding="utf-8")
    print(f"wrote {SPEC_FILE}")
