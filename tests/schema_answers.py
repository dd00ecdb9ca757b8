"""An answer of a strawberry schema as tests compare two ways of executing it: the data as
JSON text (key order counts) and each error's message, path and locations."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import strawberry


def answer(
    schema: strawberry.Schema, document: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    result = asyncio.run(schema.execute(document, variable_values=variables))
    errors = [
        {"message": e.message, "path": e.path, "locations": str(e.locations)}
        for e in result.errors or []
    ]
    return {"data": json.dumps(result.data), "errors": errors}
