"""GraphQL-level limits: tokens, depth, aliases and cost, each refusal with its own code.

Tokens, depth and aliases use strawberry's limiters (``MaxTokensLimiter`` and the
validators behind ``QueryDepthLimiter`` and ``MaxAliasesLimiter``); their validators are
built once per limit settings, so the validation cache keeps working (strawberry's
extension classes build a new validator class per request). Their errors carry no code,
so each validator reports through a context that adds one.

Cost needs the request's variables (``first: $n``), so it is computed before execution,
not at validation: every selected field costs 1, times the number of items of each list
around it. A list's size is the ``first`` of the page it belongs to (the field's default
page size without one), the length of an ``ids`` argument, the number of the caller's
connections for ``organizations`` and ``connections``, or ``default_list_size``.
Introspection fields cost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, cast

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    value_from_ast_untyped,
)
from graphql.utilities import get_operation_ast
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from gateway.limits import LimitCode, LimitSettings
from schema.build import GatewaySchema, make_schema
from schema.common import DEFAULT_PAGE_SIZE

#: graphql-core's parser messages for its token limit and its own nesting guard
_TOO_MANY_TOKENS = re.compile(r"Document contains more than \d+ tokens")
_NESTED_TOO_DEEPLY = re.compile(r"Document is nested too deeply")


class _CodedContext:
    """A validation context whose reported errors carry ``extensions.code``."""

    def __init__(self, context: ValidationContext, code: LimitCode) -> None:
        self._context = context
        self._code = code

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(
            GraphQLError(error.message, error.nodes, extensions={"code": self._code.value})
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _coded(rule: type[ValidationRule], code: LimitCode) -> type[ValidationRule]:
    class Coded(rule):  # type: ignore[valid-type, misc]
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(cast(ValidationContext, _CodedContext(context, code)))

    Coded.__name__ = f"{code.value.title().replace('_', '')}Rule"
    return Coded


def coded_parse_error(error: GraphQLError) -> GraphQLError:
    """The token limit's and the parser's nesting errors, with their codes."""
    if error.extensions and "code" in error.extensions:
        return error
    code: LimitCode | None = None
    message = error.message
    if _TOO_MANY_TOKENS.search(message):
        code = LimitCode.QUERY_TOO_LARGE
    elif _NESTED_TOO_DEEPLY.search(message) or isinstance(error.original_error, RecursionError):
        # nesting too deep for the parser itself, long before the depth rule could count
        code, message = LimitCode.QUERY_TOO_DEEP, "the document is nested too deeply to parse"
    if code is None:
        return error
    return GraphQLError(message, extensions={"code": code.value})


class CostLimit(SchemaExtension):
    """Refuses, before execution, an operation whose estimated cost is over the limit."""

    def __init__(self, max_cost: int, default_list_size: int) -> None:
        self.max_cost = max_cost
        self.default_list_size = default_list_size

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            # one organization per connection (a vendor key belongs to one), so the
            # cross-connection lists are as long as the caller's connections
            connections = len(getattr(context.context, "adapters", ()) or ())
            cost = operation_cost(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables or {},
                self.default_list_size,
                {"Query.organizations": connections, "Query.connections": connections},
            )
            if cost > self.max_cost:
                error = GraphQLError(
                    f"the query would resolve about {cost} fields; the limit is "
                    f"{self.max_cost} (ask for fewer items with first, or fewer nested lists)",
                    extensions={
                        "code": LimitCode.QUERY_TOO_COMPLEX.value,
                        "cost": cost,
                        "maxCost": self.max_cost,
                    },
                )
                context.result = ExecutionResult(data=None, errors=[error])
        yield


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
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _CostWalker(schema, fragments, variables, default_list_size, list_sizes or {})
    return walker.selections(root, operation.selection_set, None, frozenset())


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
        self.fragments = fragments
        self.variables = variables
        self.default_list_size = default_list_size
        self.list_sizes = list_sizes

    def selections(
        self,
        parent: GraphQLNamedType,
        selection_set: SelectionSetNode,
        page: int | None,
        seen: frozenset[str],
    ) -> int:
        """Cost of a selection set on ``parent``; ``page``: the page size when ``parent``
        is a page (it had ``first``), which sizes its list fields."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, page, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(target or parent, selection.selection_set, page, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # validation reports unknown and cyclic fragments
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                total += self.selections(target, fragment.selection_set, page, seen | {name})
        return total

    def field(
        self, parent: GraphQLNamedType, node: FieldNode, page: int | None, seen: frozenset[str]
    ) -> int:
        name = node.name.value
        if name.startswith("__") or node.selection_set is None:
            return 0 if name.startswith("__") else 1
        if not isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            return 1
        definition = parent.fields.get(name)
        if definition is None:
            return 1  # validation reports it
        arguments = self.arguments(node)
        field_type = definition.type
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        items = 1
        if isinstance(field_type, GraphQLList):
            ids = arguments.get("ids")
            known = self.list_sizes.get(f"{parent.name}.{name}")
            if page is not None:
                items = page
            elif isinstance(ids, list):
                items = len(ids)
            else:
                items = self.default_list_size if known is None else known
        child_page = None
        if "first" in definition.args:
            first = arguments.get("first")
            child_page = first if isinstance(first, int) and first >= 0 else DEFAULT_PAGE_SIZE
        named = _named(field_type)
        return 1 + items * self.selections(named, node.selection_set, child_page, seen)

    def arguments(self, node: FieldNode) -> dict[str, Any]:
        return {
            a.name.value: value_from_ast_untyped(a.value, dict(self.variables))
            for a in node.arguments or ()
        }


def _named(field_type: Any) -> GraphQLNamedType:
    while isinstance(field_type, (GraphQLList, GraphQLNonNull)):
        field_type = field_type.of_type
    return cast(GraphQLNamedType, field_type)


@cache
def schema_for(limits: LimitSettings, introspection: bool) -> GatewaySchema:
    """The schema with these limits (built once per distinct settings)."""
    rules: list[type[ValidationRule]] = [
        _coded(depth_validator(limits.max_depth, None, None), LimitCode.QUERY_TOO_DEEP),
        _coded(aliases_validator(limits.max_aliases), LimitCode.TOO_MANY_ALIASES),
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return make_schema(
        [
            lambda: MaxTokensLimiter(limits.max_tokens),
            lambda: AddValidationRules(list(rules)),
            lambda: CostLimit(limits.max_cost, limits.default_list_size),
        ]
    )
