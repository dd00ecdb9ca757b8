"""GraphQL-level limits: tokens, depth, aliases and cost, each refusal with its own code.

Tokens use strawberry's ``MaxTokensLimiter`` (the parser stops there). Depth and aliases
are one validation rule (``gateway.limits_document``), built once per limit settings so
the validation cache keeps working, and measuring each fragment once: strawberry's own
depth and alias validators expand every spread again, exponential in the document.

Cost needs the request's variables (``first: $n``), so it is computed before execution,
not at validation (``gateway.limits_cost``, the rules of the estimate).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema, ValidationRule
from graphql.validation import NoSchemaIntrospectionCustomRule
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension

from gateway.limits import LimitCode, LimitSettings
from gateway.limits_cost import operation_cost
from gateway.limits_document import CAP, amount, shape_rule
from gateway.limits_overlap import OverlapLimit
from schema.build import GatewaySchema, make_schema

#: graphql-core's parser messages for its token limit and its own nesting guard
_TOO_MANY_TOKENS = re.compile(r"Document contains more than \d+ tokens")
_NESTED_TOO_DEEPLY = re.compile(r"Document is nested too deeply")
#: graphql-core's whole message when fragments nest past its parser's depth limit
_ABORTED = "Validation aborted."


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
    elif isinstance(error, ValidationAbortedError) and message == _ABORTED:
        # graphql-core stops validating fragments nested deeper than its parser allows
        code, message = LimitCode.QUERY_TOO_DEEP, "the document nests fragments too deeply"
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
            error = self._refusal(context.graphql_document)
            if error is not None:
                context.result = ExecutionResult(data=None, errors=[error])
        yield

    def _refusal(self, document: DocumentNode) -> GraphQLError | None:
        context = self.execution_context
        # not an object: only over WebSocket, where execution refuses it next
        variables = context.variables if isinstance(context.variables, dict) else {}
        return cost_refusal(
            context.schema._schema,
            document,
            context.operation_name,
            variables,
            self.max_cost,
            self.default_list_size,
            len(getattr(context.context, "adapters", ()) or ()),
        )


def cost_refusal(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any],
    max_cost: int,
    default_list_size: int,
    connections: int,
) -> GraphQLError | None:
    """The QUERY_TOO_COMPLEX (or QUERY_TOO_DEEP) error for an operation over the limit,
    else None. ``connections``: the caller's, which size the cross-connection lists (one
    organization per connection: a vendor key belongs to one)."""
    try:
        cost = operation_cost(
            schema,
            document,
            operation_name,
            variables,
            default_list_size,
            {
                "Query.organizations": connections,
                "Query.organizationsConnection": connections,
                "Query.connections": connections,
            },
        )
    except RecursionError:  # validation refuses deeper nesting long before
        message = "the document is nested too deeply"
        return GraphQLError(message, extensions={"code": LimitCode.QUERY_TOO_DEEP.value})
    # a saturated cost is over any limit, even one configured above CAP
    if cost <= max_cost and cost < CAP:
        return None
    return GraphQLError(
        f"the query would resolve about {amount(cost)} fields; the limit is "
        f"{max_cost} (ask for fewer items with first, or fewer nested lists)",
        extensions={
            "code": LimitCode.QUERY_TOO_COMPLEX.value,
            "cost": cost,
            "maxCost": max_cost,
        },
    )


@cache
def schema_for(limits: LimitSettings, introspection: bool) -> GatewaySchema:
    """The schema with these limits (built once per distinct settings)."""
    rules: list[type[ValidationRule]] = [shape_rule(limits.max_depth, limits.max_aliases)]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return make_schema(
        [
            lambda: MaxTokensLimiter(limits.max_tokens),
            lambda: AddValidationRules(list(rules)),
            lambda: CostLimit(limits.max_cost, limits.default_list_size),
        ],
        first=[OverlapLimit],
    )
