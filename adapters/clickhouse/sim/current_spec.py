"""The 2026-06 spec's schemas for the operations the simulator implements beyond the seed
(Postgres services, roles): each operation's request body and query parameter schemas and
every component schema they reach, as extracted from the spec (``current_spec.json``, by
``python -m tests.clickhouse.current_spec``; a test keeps it current). Handlers check
requests with them, through the shared ``adapters.simulation.json_schema``.

Our reading where the spec is silent: unknown top-level body fields are refused, as for
every other body of this simulator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adapters.clickhouse.sim.state import Ctx
from adapters.clickhouse.sim.validation import JSON, _fail
from adapters.simulation.json_schema import SchemaViolation, check_supported, validate

SPEC_FILE = Path(__file__).with_name("current_spec.json")
SPEC: JSON = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
COMPONENTS: JSON = SPEC["components"]
for _name, _schema in COMPONENTS.items():
    check_supported(_schema, f"#/components/schemas/{_name}")


def operation(method: str, path: str) -> JSON:
    found: JSON = SPEC["operations"][f"{method} {path}"]
    return found


async def body(ctx: Ctx, method: str, path: str) -> JSON:
    """The request's JSON body, valid against the operation's schema, or a 400."""
    schema = operation(method, path)["body"]
    raw = await ctx.request.body()
    try:
        value = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise _fail("Request body is not valid JSON") from None
    if not isinstance(value, dict):
        raise _fail("request body must be an object")
    target = COMPONENTS[schema["$ref"].removeprefix("#/components/schemas/")]
    unknown = sorted(set(value) - set(target.get("properties", {})))
    if unknown:
        raise _fail(f"Unknown field(s) in request body: {', '.join(unknown)}")
    try:
        validate(value, schema, COMPONENTS)
    except SchemaViolation as exc:
        raise _fail(str(exc)) from None
    return value


def query(ctx: Ctx, method: str, path: str) -> dict[str, Any]:
    """The request's query parameters, valid against the operation's, defaults filled in."""
    declared = operation(method, path)["query"]
    given = ctx.request.query_params
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise _fail(f"Unknown query parameter(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name not in given:
            if spec["required"]:
                raise _fail(f"{name} is required")
            if "default" in spec["schema"]:
                values[name] = spec["schema"]["default"]
            continue
        value: Any = given[name]
        if spec["schema"].get("type") == "integer":
            try:
                value = int(value)
            except ValueError:
                raise _fail(f"{name} must be an integer") from None
        try:
            validate(value, spec["schema"], COMPONENTS)
        except SchemaViolation as exc:
            raise _fail(f"{name}: {str(exc).removeprefix('body: ')}") from None
        values[name] = value
    return values
