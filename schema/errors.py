"""GraphQL errors with stable codes: GatewayErrors keep theirs, everything else is masked.

Unexpected exceptions become INTERNAL with an error ID; the traceback goes to the log
under the same ID, never to the caller. Errors of the document itself (syntax, validation)
get GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED; a variable value the schema cannot
take (``"ten"`` for an Int, an unknown enum value, null for a non-null) is BAD_USER_INPUT:
graphql-core reports those as GraphQL errors wrapping another GraphQL error, which is input
to fix, not an internal failure. Such a message says where the value is wrong and why, but
not graphql-core's ``found: <the whole input object>``: an object can carry a credential
(a backup bucket's secret), and the caller has it already.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from adapters.errors import ErrorCode, GatewayError
from schema.context import GatewayContext

log = logging.getLogger("dbaas_gateway.errors")
#: graphql-core's echo of the value it could not take, to the end of its message
_FOUND = re.compile(r",? found: .*\Z", re.S)


def code_of(error: GraphQLError) -> str:
    """The code ``coded`` gives (or gave) this error, without masking or logging it."""
    if error.extensions and "code" in error.extensions:
        return str(error.extensions["code"])
    original = error.original_error
    if isinstance(original, GatewayError):
        return original.code.value
    if isinstance(original, GraphQLError):
        return ErrorCode.BAD_USER_INPUT.value
    if original is None:
        syntax = error.message.startswith("Syntax Error")
        return "GRAPHQL_PARSE_FAILED" if syntax else "GRAPHQL_VALIDATION_FAILED"
    return ErrorCode.INTERNAL.value


def coded(error: GraphQLError, request_id: str | None = None) -> GraphQLError:
    """The same error with ``extensions.code`` set, masked when it is unexpected."""
    original = error.original_error
    if isinstance(original, GatewayError):
        return GraphQLError(
            original.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=original,
            extensions=original.extensions(),
        )
    if isinstance(original, GraphQLError):  # a variable's value the schema cannot coerce
        return GraphQLError(
            _FOUND.sub(".", error.message),
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={**(error.extensions or {}), "code": ErrorCode.BAD_USER_INPUT.value},
        )
    if original is None:
        if error.extensions and "code" in error.extensions:
            return error
        code = (
            "GRAPHQL_PARSE_FAILED"
            if error.message.startswith("Syntax Error")
            else "GRAPHQL_VALIDATION_FAILED"
        )
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={**(error.extensions or {}), "code": code},
        )
    error_id = uuid.uuid4().hex[:12]
    log.error(
        "internal error %s in request %s at %s",
        error_id,
        request_id,
        error.path,
        exc_info=original,
    )
    return GraphQLError(
        f"Internal error (id {error_id})",
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": ErrorCode.INTERNAL.value, "errorId": error_id, "requestId": request_id},
    )


class ErrorCodes(SchemaExtension):
    """Adds the partial-result errors and gives every error its stable code."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        ctx = self.execution_context.context
        if result is None or not isinstance(ctx, GatewayContext):
            return
        errors = list(result.errors or []) + ctx.partial_errors
        result.errors = [coded(e, ctx.request_id) for e in errors] or None

    def on_stream_result(self, result: Any) -> Iterator[None]:
        # each result of a subscription: the same codes as over HTTP
        ctx = self.execution_context.context
        request_id = ctx.request_id if isinstance(ctx, GatewayContext) else None
        if getattr(result, "errors", None):
            result.errors = [coded(e, request_id) for e in result.errors]
        yield
