"""The schema reference (docs/schema.md), generated from the schema itself.

``dbaas-gateway schema --format markdown`` prints it; a test keeps the committed file in
step with the code, as it does for the SDL.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    ast_from_value,
    print_ast,
)
from graphql.pyutils import Undefined

from schema.build import build_schema

_BUILTIN = {"String", "Int", "Float", "Boolean", "ID"}
_ROOTS = ("Query", "Mutation", "Subscription")
_SECTIONS: tuple[tuple[str, type], ...] = (
    ("Objects", GraphQLObjectType),
    ("Interfaces", GraphQLInterfaceType),
    ("Unions", GraphQLUnionType),
    ("Enums", GraphQLEnumType),
    ("Input objects", GraphQLInputObjectType),
    ("Scalars", GraphQLScalarType),
)


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _anchor(name: str) -> str:
    return name.lower()


def _type_link(type_: object) -> str:
    shown = str(type_)
    name = shown.strip("[]!")
    if name in _BUILTIN:
        return f"`{shown}`"
    return f"[`{shown}`](#{_anchor(name)})"


def _args(args: dict[str, GraphQLArgument]) -> str:
    if not args:
        return ""
    parts = []
    for name, arg in args.items():
        default = ""
        if arg.default_value is not Undefined:
            literal = ast_from_value(arg.default_value, arg.type)
            default = f" = `{print_ast(literal) if literal is not None else 'null'}`"
        parts.append(f"`{name}`: {_type_link(arg.type)}{default} {_cell(arg.description)}".strip())
    return "<br>".join(parts)


def _fields(fields: dict[str, GraphQLField]) -> Iterable[str]:
    yield "| field | type | arguments | description |"
    yield "|---|---|---|---|"
    for name, field in fields.items():
        if name.startswith("_"):  # federation's _entities and _service: docs/federation.md
            continue
        note = _cell(field.description)
        if field.deprecation_reason:
            note += f" **Deprecated:** {_cell(field.deprecation_reason)}"
        yield f"| `{name}` | {_type_link(field.type)} | {_args(field.args)} | {note} |"


def _input_fields(fields: dict[str, GraphQLInputField]) -> Iterable[str]:
    yield "| field | type | description |"
    yield "|---|---|---|"
    for name, field in fields.items():
        yield f"| `{name}` | {_type_link(field.type)} | {_cell(field.description)} |"


def _type(type_: GraphQLNamedType) -> Iterable[str]:
    yield f"### {type_.name}"
    yield ""
    if type_.description:
        yield _cell(type_.description)
        yield ""
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
        if type_.interfaces:
            names = ", ".join(_type_link(i) for i in type_.interfaces)
            yield f"Implements {names}."
            yield ""
        yield from _fields(type_.fields)
    elif isinstance(type_, GraphQLInputObjectType):
        yield from _input_fields(type_.fields)
    elif isinstance(type_, GraphQLEnumType):
        yield "| value | description |"
        yield "|---|---|"
        for name, value in type_.values.items():
            yield f"| `{name}` | {_cell(value.description)} |"
    elif isinstance(type_, GraphQLUnionType):
        yield "One of " + ", ".join(_type_link(t) for t in type_.types) + "."
    yield ""


def _documented(schema: GraphQLSchema) -> list[GraphQLNamedType]:
    return [
        t
        for name, t in sorted(schema.type_map.items())
        if not name.startswith("_") and name not in _BUILTIN and "__" not in name
    ]


def markdown(schema: GraphQLSchema | None = None) -> str:
    schema = schema or build_schema()._schema
    types = _documented(schema)
    lines = [
        "# Schema reference",
        "",
        "Generated from the schema by `dbaas-gateway schema --format markdown`; do not edit.",
        "The SDL itself is [schema/schema.graphql](../schema/schema.graphql); the fields and",
        "types Apollo Federation adds (`_entities`, `_service`, `_Any`, ...) are described in",
        "[federation.md](federation.md).",
        "",
        "## Operations",
        "",
    ]
    for root in _ROOTS:
        found = schema.type_map.get(root)
        if found is not None:
            lines.extend(_type(found))
    for title, kind in _SECTIONS:
        members = [t for t in types if isinstance(t, kind) and t.name not in _ROOTS]
        if members:
            lines.extend([f"## {title}", ""])
            for member in members:
                lines.extend(_type(member))
    return "\n".join(lines).rstrip() + "\n"
