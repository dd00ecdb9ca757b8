"""The part of JSON Schema (as OpenAPI 3.1 documents use it) a simulator checks request
bodies with, so that a simulator validates against the vendor's published schemas
themselves rather than a transcription of them.

The product has no JSON Schema library (``jsonschema`` is a test dependency), and request
bodies need only these keywords: ``$ref`` (to ``#/components/schemas/...``), ``type``
(one or a list), ``enum``, ``properties``, ``required``, ``additionalProperties`` (false or
a schema), ``minProperties``/``maxProperties``, ``items``, ``minItems``/``maxItems``,
``minLength``/``maxLength``, ``pattern`` (searched, as JSON Schema does), ``minimum``/
``maximum``, ``multipleOf``, ``allOf``, ``oneOf``, ``uniqueItems`` and ``format: date-time``.
A keyword outside this list is refused when the schemas are loaded (``check_supported``),
never silently ignored.

Our reading of ``oneOf``: a value must match at least one alternative. ClickHouse's
ClickPipes credentials are a ``oneOf`` of objects none of which requires a field, so every
object matches all of them and "exactly one" would refuse every body the vendor documents.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

SUPPORTED = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "multipleOf",
        "allOf",
        "oneOf",
        "uniqueItems",
        "format",
        "default",
        # annotations: no effect on validity
        "title",
        "description",
        "example",
        "examples",
        "externalDocs",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
    "null": (type(None),),
}


class SchemaViolation(ValueError):
    """What is wrong with a value, with the path to it (``pgConfig.max_connections``)."""


def check_supported(schema: Any, where: str = "#") -> None:
    """Refuse a schema that uses a keyword this module does not check."""
    if isinstance(schema, dict):
        unknown = set(schema) - SUPPORTED
        if unknown:
            raise ValueError(f"{where}: unsupported JSON Schema keywords {sorted(unknown)}")
        for name, sub in schema.get("properties", {}).items():
            check_supported(sub, f"{where}/properties/{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                check_supported(schema[key], f"{where}/{key}")
        for key in ("allOf", "oneOf"):
            for n, sub in enumerate(schema.get(key, [])):
                check_supported(sub, f"{where}/{key}/{n}")


def validate(value: Any, schema: Mapping[str, Any], components: Mapping[str, Any]) -> None:
    """Raise SchemaViolation unless ``value`` is valid against ``schema``."""
    _check(value, schema, components, "")


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("number", "integer"):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[name])


def _fail(path: str, problem: str) -> SchemaViolation:
    return SchemaViolation(f"{path or 'body'}: {problem}")


def _check(value: Any, schema: Mapping[str, Any], components: Mapping[str, Any], path: str) -> None:
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix("#/components/schemas/")
        _check(value, components[name], components, path)
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        if not any(_is_type(value, n) for n in names):
            raise _fail(path, f"must be of type {' or '.join(names)}")
    if "enum" in schema and value not in schema["enum"]:
        raise _fail(path, f"must be one of {', '.join(map(str, schema['enum']))}")
    for sub in schema.get("allOf", []):
        _check(value, sub, components, path)
    if "oneOf" in schema:
        _check_one_of(value, schema["oneOf"], components, path)
    if isinstance(value, dict):
        _check_object(value, schema, components, path)
    elif isinstance(value, list):
        _check_array(value, schema, components, path)
    elif isinstance(value, str):
        _check_string(value, schema, path)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _check_number(value, schema, path)


def _check_one_of(
    value: Any, options: list[Mapping[str, Any]], components: Mapping[str, Any], path: str
) -> None:
    problems = []
    for sub in options:
        try:
            _check(value, sub, components, path)
        except SchemaViolation as exc:
            problems.append(str(exc))
    # at least one, not exactly one: see the module's note on oneOf
    if len(problems) == len(options):
        raise _fail(path, f"matches none of its {len(options)} forms ({'; '.join(problems)})")


def _check_object(
    value: dict[str, Any], schema: Mapping[str, Any], components: Mapping[str, Any], path: str
) -> None:
    for name in schema.get("required", []):
        if name not in value:
            raise _fail(_join(path, name), "is required")
    if len(value) < schema.get("minProperties", 0):
        raise _fail(path, f"needs at least {schema['minProperties']} properties")
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        raise _fail(path, f"allows at most {schema['maxProperties']} properties")
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            _check(item, properties[name], components, _join(path, name))
        elif extra is False:
            raise _fail(_join(path, name), "is not a known field")
        elif isinstance(extra, dict):
            _check(item, extra, components, _join(path, name))


def _check_array(
    value: list[Any], schema: Mapping[str, Any], components: Mapping[str, Any], path: str
) -> None:
    if len(value) < schema.get("minItems", 0):
        raise _fail(path, f"needs at least {schema['minItems']} items")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        raise _fail(path, f"allows at most {schema['maxItems']} items")
    if schema.get("uniqueItems") and len({repr(v) for v in value}) < len(value):
        raise _fail(path, "must not repeat an item")
    if isinstance(schema.get("items"), dict):
        for n, item in enumerate(value):
            _check(item, schema["items"], components, f"{path}[{n}]")


def _check_string(value: str, schema: Mapping[str, Any], path: str) -> None:
    if len(value) < schema.get("minLength", 0):
        raise _fail(path, f"must be at least {schema['minLength']} characters")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise _fail(path, f"must be at most {schema['maxLength']} characters")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise _fail(path, f"must match {schema['pattern']}")
    if schema.get("format") == "date-time":
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _fail(path, "must be an RFC 3339 date-time") from None
        if parsed.tzinfo is None:
            raise _fail(path, "must be an RFC 3339 date-time with an offset")


def _check_number(value: float, schema: Mapping[str, Any], path: str) -> None:
    if "minimum" in schema and value < schema["minimum"]:
        raise _fail(path, f"must be at least {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        raise _fail(path, f"must be at most {schema['maximum']}")
    if "multipleOf" in schema and value % schema["multipleOf"]:
        raise _fail(path, f"must be a multiple of {schema['multipleOf']}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
