"""The estimated cost of an operation: fields resolved, list sizes multiplied.

Every selected field costs 1, times the number of items of each list around it. A
list's size is the ``first`` or ``last`` of the page it belongs to (the field's default
page size without either), the length of an ``ids`` or ``representations`` argument (``nodes``,
federation's ``_entities``), the number of the caller's connections for
``organizations`` and ``connections`` (and at most that for a page of
``organizationsConnection``), or ``default_list_size``. Introspection fields
cost nothing.

Each fragment is costed once per operation (``FragmentMemo``), however often it is
spread: a fragment's cost depends on the page size around its spread only through the
list fields directly in it, so it is kept as ``fixed + page x per_item`` (inside a page)
and ``fixed + unpaged`` (elsewhere), and a spread costs an addition. The walk is linear
in the document's size, and its number is the one of the fully expanded operation,
saturated at ``CAP``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    value_from_ast_untyped,
)
from graphql.utilities import get_operation_ast

from gateway.limits_document import FragmentMemo, fragments_of, saturated
from schema.common import DEFAULT_PAGE_SIZE

#: arguments whose length is the length of the list field's answer: one item per element
LENGTH_ARGUMENTS = ("ids", "representations")


@dataclass(frozen=True, slots=True)
class _Cost:
    """A selection set's cost as a function of the page size around it: ``fixed + page
    x per_item`` in a page (its field had ``first``), ``fixed + unpaged`` elsewhere."""

    fixed: int
    per_item: int
    unpaged: int

    def __add__(self, other: _Cost) -> _Cost:
        return _Cost(
            saturated(self.fixed + other.fixed),
            saturated(self.per_item + other.per_item),
            saturated(self.unpaged + other.unpaged),
        )

    def at(self, page: int | None) -> int:
        items = self.unpaged if page is None else saturated(page * self.per_item)
        return saturated(self.fixed + items)


_FREE = _Cost(0, 0, 0)
_ONE = _Cost(1, 0, 0)


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any],
    default_list_size: int,
    list_sizes: Mapping[str, int] | None = None,
) -> int:
    """``list_sizes``: known lengths of some lists, by ``Type.field``."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return 0  # execution reports the missing operation
    # a variable the request leaves out takes its default, as execution will give it
    defaults = {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }
    walker = _CostWalker(
        schema,
        fragments_of(document),
        {**defaults, **variables},
        default_list_size,
        list_sizes or {},
    )
    return walker.selections(root, operation.selection_set).at(None)


class _CostWalker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        default_list_size: int,
        list_sizes: Mapping[str, int],
    ) -> None:
        self.schema = schema
        self.variables = dict(variables)
        self.default_list_size = default_list_size
        self.list_sizes = list_sizes
        self.fragment = FragmentMemo(fragments, self._fragment, _FREE)

    def selections(self, parent: GraphQLNamedType, selection_set: SelectionSetNode) -> _Cost:
        total = _FREE
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(target or parent, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def _fragment(self, fragment: FragmentDefinitionNode) -> _Cost:
        target = self.schema.get_type(fragment.type_condition.name.value)
        if target is None:
            return _FREE  # validation reports unknown types
        return self.selections(target, fragment.selection_set)

    def field(self, parent: GraphQLNamedType, node: FieldNode) -> _Cost:
        name = node.name.value
        if name.startswith("__"):
            return _FREE
        if node.selection_set is None or not isinstance(
            parent, (GraphQLObjectType, GraphQLInterfaceType)
        ):
            return _ONE
        definition = parent.fields.get(name)
        if definition is None:
            return _ONE  # validation reports it
        arguments = self.arguments(node)
        field_type = definition.type
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        child_page = None
        if "first" in definition.args:
            # a page holds first or last items; both together are refused at execution,
            # but costed as the larger
            sizes = [
                saturated(size)
                for size in (arguments.get("first"), arguments.get("last"))
                if isinstance(size, int) and not isinstance(size, bool) and size >= 0
            ]
            child_page = max(sizes, default=DEFAULT_PAGE_SIZE)
            known = self.list_sizes.get(f"{parent.name}.{name}")
            if known is not None:  # a page holds no more than the list (organizations)
                child_page = min(child_page, known)
        inner = self.selections(_named(field_type), node.selection_set).at(child_page)
        if not isinstance(field_type, GraphQLList):
            return _Cost(saturated(1 + inner), 0, 0)
        # in a page its items are the page's; elsewhere the list's own size
        items = self.list_size(f"{parent.name}.{name}", arguments)
        return _Cost(1, inner, saturated(items * inner))

    def list_size(self, field: str, arguments: Mapping[str, Any]) -> int:
        for argument in LENGTH_ARGUMENTS:
            value = arguments.get(argument, Undefined)
            if value is not None and value is not Undefined:  # Undefined: a missing variable
                # a single value where a list is expected is coerced to a list of one
                return len(value) if isinstance(value, list) else 1
        known = self.list_sizes.get(field)
        return self.default_list_size if known is None else known

    def arguments(self, node: FieldNode) -> dict[str, Any]:
        return {
            a.name.value: value_from_ast_untyped(a.value, self.variables)
            for a in node.arguments or ()
        }


def _named(field_type: Any) -> GraphQLNamedType:
    while isinstance(field_type, (GraphQLList, GraphQLNonNull)):
        field_type = field_type.of_type
    return cast(GraphQLNamedType, field_type)
