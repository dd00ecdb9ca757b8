"""The schema's lists: every list of vendor objects is a Relay connection (or a plain list
kept only as deprecated), every connection has the same shape, and every argument of a
paged field says what it does."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
)

from schema.build import build_schema
from schema.common import Node

SCHEMA = build_schema()._schema
#: plain lists that are no list of vendor objects to page: the IDs a caller names, and
#: the gateway's own configuration
NOT_VENDOR_LISTS = {("Query", "nodes"), ("Query", "_entities"), ("Query", "connections")}


def _named(field_type: object) -> object:
    while isinstance(field_type, GraphQLNonNull | GraphQLList):
        field_type = field_type.of_type
    return field_type


def _is_list(field_type: object) -> bool:
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def _connections() -> list[GraphQLObjectType]:
    return [
        t
        for name, t in SCHEMA.type_map.items()
        if isinstance(t, GraphQLObjectType) and name.endswith("Connection") and "edges" in t.fields
    ]


def test_every_list_of_nodes_is_a_connection_or_deprecated() -> None:
    node_types = {n for n, t in SCHEMA.type_map.items() if Node.__name__ in _interfaces(t)}
    plain = []
    for name, t in SCHEMA.type_map.items():
        if not isinstance(t, GraphQLObjectType) or name.endswith(("Connection", "Edge")):
            continue
        for field_name, field in t.fields.items():
            if (name, field_name) in NOT_VENDOR_LISTS or not _is_list(field.type):
                continue
            inner = _named(field.type)
            if getattr(inner, "name", None) in node_types and not field.deprecation_reason:
                plain.append(f"{name}.{field_name}")

    assert node_types
    assert plain == []


def test_every_deprecated_list_names_its_connection_and_the_removal_date() -> None:
    deprecated = [
        (t.name, n, f.deprecation_reason)
        for t in SCHEMA.type_map.values()
        if isinstance(t, GraphQLObjectType)
        for n, f in t.fields.items()
        if f.deprecation_reason
    ]

    assert len(deprecated) == 10
    for type_name, name, reason in deprecated:
        assert f"Use {name}Connection" in reason, (type_name, name)
        assert "2027-06-30" in reason
        assert f"{name}Connection" in SCHEMA.type_map[type_name].fields  # type: ignore[attr-defined]


def test_every_connection_has_the_relay_shape() -> None:
    found = _connections()

    assert len(found) >= 10
    for connection in found:
        assert set(connection.fields) == {"edges", "pageInfo", "totalCount", "nodes"}, connection
        edge = _named(connection.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        assert set(edge.fields) == {"cursor", "node"}


def test_every_argument_of_a_paged_field_and_its_enums_is_described() -> None:
    missing = []
    for t in SCHEMA.type_map.values():
        if not isinstance(t, GraphQLObjectType):
            continue
        for name, field in t.fields.items():
            if "first" not in field.args:
                continue
            missing += [f"{t.name}.{name}({a})" for a, v in field.args.items() if not v.description]
    for enum_name in ("DatabaseOrderField", "OrderDirection", "ListOrderField"):
        enum = SCHEMA.type_map[enum_name]
        assert isinstance(enum, GraphQLEnumType)
        missing += [f"{enum_name}.{v}" for v, d in enum.values.items() if not d.description]

    assert missing == []


def _interfaces(t: object) -> list[str]:
    return [i.name for i in getattr(t, "interfaces", [])]
