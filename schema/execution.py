"""Execution with a short way for plain leaf fields.

Most of an answer is plain leaf fields: an attribute of a record, a scalar or an enum
(a database's name, a backup's status). graphql-core executes each one like any field:
it builds a resolve info, calls strawberry's resolver, checks the result for an
awaitable and dispatches on the type to complete it, about a quarter of executing a
dashboard answer. Here a field strawberry marks basic (no resolver, no extension: its
value is the attribute) whose type is a leaf is read and coerced directly, as
``complete_leaf_value`` does. Anything else, and any value the short way cannot complete
(null for a non-null field, a value the type refuses, an attribute that raises), goes the
whole way, which reports it as it always did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
#: the name of strawberry's resolver of a basic field; another name (a later strawberry)
#: takes every field the whole way, never a field the short way should not take
BASIC_RESOLVER = "_get_basic_result"


#: field name -> (how strawberry reads it, the attribute, how its type coerces a value
#: for output, whether null is refused)
PlainLeaves = dict[str, tuple[Callable[[Any, str], Any], str, Callable[[Any], Any], bool]]


def plain_leaves(parent_type: GraphQLObjectType) -> PlainLeaves:
    """The fields of ``parent_type`` whose value is an attribute of a leaf type."""
    found: PlainLeaves | None = parent_type.__dict__.get("_dbaas_plain_leaves")
    if found is not None:
        return found
    found = {}
    for name, field in parent_type.fields.items():
        definition = (field.extensions or {}).get(DEFINITION_BACKREF)
        # basic: no resolver and no field extension (a role check is one), and strawberry
        # gave it its resolver for basic fields, which reads the attribute and nothing else
        # (schema_converter.from_resolver); a field with an extension keeps its own
        if (
            definition is None
            or not definition.is_basic_field
            or getattr(field.resolve, "__name__", "") != BASIC_RESOLVER
            or field.args
        ):
            continue
        field_type = field.type
        refuses_null = isinstance(field_type, GraphQLNonNull)
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        if is_leaf_type(field_type):
            read = definition.default_resolver
            found[name] = (read, definition.python_name, _coercion(field_type), refuses_null)
    parent_type._dbaas_plain_leaves = found  # type: ignore[attr-defined]
    return found


class PlainLeafExecution(StrawberryGraphQLCoreExecutionContext):
    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:
            # resolve hooks (tracing) see every field: the whole way for all
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plain = plain_leaves(parent_type)
        if not plain:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        rest: dict[str, Any] = {}
        done: dict[str, Any] = {}
        for response_name, field_details_list in grouped_field_set.items():
            known = plain.get(field_details_list[0].node.name.value)
            if known is not None:
                value = _leaf(source_value, *known)
                if value is not Undefined:
                    done[response_name] = value
                    continue
            rest[response_name] = field_details_list
        if not rest:
            return done
        executed = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(executed):
            return _merged_later(grouped_field_set, done, executed)
        return _merged(grouped_field_set, done, executed)  # type: ignore[arg-type]


def _coercion(leaf_type: GraphQLLeafType) -> Callable[[Any], Any]:
    """``leaf_type.coerce_output_value``; for a strawberry enum, by one lookup of the
    member (strawberry compares it with every value in turn), the same name."""
    coerce = leaf_type.coerce_output_value
    wrapped = getattr(leaf_type, "wrapped_cls", None)
    if not isinstance(leaf_type, GraphQLEnumType) or wrapped is None:
        return coerce
    names: dict[Any, str] = {}
    for member in wrapped:
        for name, value in leaf_type.values.items():
            if member.value == value.value:
                names.setdefault(member, name)
                break

    def by_member(value: Any) -> Any:
        if type(value) is wrapped:
            found = names.get(value)
            if found is not None:
                return found
        return coerce(value)

    return by_member


def _leaf(
    source: Any,
    read: Callable[[Any, str], Any],
    attribute: str,
    coerce: Callable[[Any], Any],
    refuses_null: bool,
) -> Any:
    """The completed value, or Undefined where the whole way must report something."""
    try:
        value = read(source, attribute)
    except Exception:
        return Undefined
    if value is None:
        return Undefined if refuses_null else None
    try:
        coerced = coerce(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced


def _merged(order: Any, done: dict[str, Any], executed: dict[str, Any]) -> dict[str, Any]:
    """Both parts in the document's order (the answer's keys keep it)."""
    merged: dict[str, Any] = {}
    for name in order:
        if name in done:
            merged[name] = done[name]
        elif name in executed:
            merged[name] = executed[name]
    return merged


async def _merged_later(order: Any, done: dict[str, Any], executed: Any) -> dict[str, Any]:
    return _merged(order, done, await executed)
