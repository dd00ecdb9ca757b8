"""HTTP-level refusals of /graphql: the answer shape, content types, body size.

Every refusal is a GraphQL-shaped JSON body with a stable ``extensions.code`` and the
HTTP status that says the same (401, 405, 408, 413, 415, 429, 503), so a client that reads
only the status and one that reads only the body both understand it. Over WebSocket the
same error is the payload of an ``error`` message (``Refusal.formatted``).
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Mapping

from cross_web import HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.responses import Response
from starlette.types import Message, Receive

from gateway.limits import LimitCode, LimitSettings
from schema.permissions import Caller

#: the request content type a POST must have (GraphQL over HTTP); anything else is refused
#: with 415, above all form posts and text/plain, which a browser sends cross-site without
#: a CORS preflight. application/graphql-response+json is a response type (Accept), and
#: strawberry parses only JSON bodies
JSON_TYPES = ("application/json",)


class Refusal(Exception):
    """A request refused before (or instead of) GraphQL execution."""

    def __init__(
        self,
        status: int,
        code: LimitCode,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.extensions = dict(extensions or {})
        #: who was refused, when known by then (for the metrics)
        self.caller: Caller | None = None

    def formatted(self) -> dict[str, object]:
        """The refusal as one GraphQL error."""
        return {"message": self.message, "extensions": {"code": self.code, **self.extensions}}

    def response(self, media_type: str = "application/json") -> Response:
        """The refusal's answer, as ``media_type`` (the one the client accepts)."""
        body = {"errors": [self.formatted()]}
        return Response(
            json.dumps(body),
            status_code=self.status,
            headers=self.headers,
            media_type=media_type,
        )


def unauthenticated(message: str, token_presented: bool) -> Refusal:
    # RFC 6750: a bad token says invalid_token; a missing one just names the scheme
    challenge = 'Bearer realm="dbaas-gateway"'
    if token_presented:
        challenge += ', error="invalid_token"'
    return Refusal(401, LimitCode.UNAUTHENTICATED, message, headers={"WWW-Authenticate": challenge})


def rate_limited(retry_after: int) -> Refusal:
    return Refusal(
        429,
        LimitCode.RATE_LIMITED,
        f"too many requests from this caller; retry after {retry_after} s",
        headers={"Retry-After": str(retry_after)},
        extensions={"retryAfter": retry_after},
    )


def too_large(what: str, limit: int) -> Refusal:
    return Refusal(
        413,
        LimitCode.PAYLOAD_TOO_LARGE,
        f"{what} is larger than {limit} bytes",
        extensions={"limit": limit},
    )


def check_operation_size(limits: LimitSettings, query: object, variables: object) -> None:
    """The document and the variables of one operation, over HTTP or WebSocket (413)."""
    if isinstance(query, str):
        try:
            encoded = query.encode()
        except UnicodeEncodeError:  # a lone surrogate, which JSON's \ud800 escape allows
            raise bad_request("the GraphQL document is not valid Unicode") from None
        if len(encoded) > limits.max_document_bytes:
            raise too_large("the GraphQL document", limits.max_document_bytes)
    if variables:
        try:
            size = len(json.dumps(variables).encode())
        except (TypeError, ValueError):
            return  # not JSON: GraphQL refuses it as input
        if size > limits.max_variables_bytes:
            raise too_large("the variables object", limits.max_variables_bytes)


def body_too_slow(seconds: float) -> Refusal:
    # the client is still sending: answer and close, its connection cannot be reused
    return Refusal(
        408,
        LimitCode.REQUEST_TIMEOUT,
        f"the request body did not arrive within {seconds:g} s",
        headers={"Connection": "close"},
    )


def too_many_connections(limit: int, what: str = "WebSocket connections") -> Refusal:
    return Refusal(
        503,
        LimitCode.TOO_MANY_CONNECTIONS,
        f"this instance has {limit} {what} open, its limit; try again later",
        headers={"Retry-After": "1"},
        extensions={"limit": limit},
    )


_CODE_BY_STATUS = {
    404: LimitCode.NOT_FOUND,
    405: LimitCode.METHOD_NOT_ALLOWED,
    413: LimitCode.PAYLOAD_TOO_LARGE,
    415: LimitCode.UNSUPPORTED_MEDIA_TYPE,
}


def request_error(status: int, reason: str, media_type: str = "application/json") -> Response:
    """Strawberry's own request-level refusals (it answers them as plain text) in the
    gateway's JSON error shape, with a code."""
    code = _CODE_BY_STATUS.get(status, LimitCode.BAD_REQUEST)
    headers = {"Allow": "GET, POST"} if status == 405 else None
    return Refusal(status, code, reason, headers=headers).response(media_type)


def decode_request_json(data: str | bytes) -> object:
    """A request body or ``variables`` parameter as JSON: an object (or a list, which
    strawberry refuses as a batch); anything else is a 400, never a crash."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        # ValueError covers bad JSON and bytes that are not UTF-8
        raise HTTPException(400, "the body is not valid UTF-8 JSON") from None
    if not isinstance(value, dict | list):
        raise HTTPException(400, "the body must be a JSON object with a 'query'")
    return value


def decode_websocket_message(data: str | bytes) -> object:
    """A graphql-transport-ws message: a JSON object, else JSONDecodeError (strawberry
    then closes the socket with 4400), never a crash."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    if not isinstance(value, dict):
        raise json.JSONDecodeError("not a JSON object", "", 0)
    return value


@functools.lru_cache(maxsize=256)
def _operations(document: str) -> tuple[tuple[str | None, OperationType], ...] | None:
    """The (name, type) of each operation of a document; None when it does not parse
    (GraphQL's own errors say why)."""
    try:
        parsed = parse(document, no_location=True, max_tokens=100_000)
    except (GraphQLError, RecursionError):
        return None
    return tuple(
        (d.name.value if d.name else None, d.operation)
        for d in parsed.definitions
        if isinstance(d, OperationDefinitionNode)
    )


def is_subscription(document: str, operation_name: str | None) -> bool:
    """Whether the operation a request runs is a subscription (documents that do not
    parse are left to GraphQL's own errors)."""
    operations = _operations(document) or ()
    if operation_name is not None:
        operations = tuple(o for o in operations if o[0] == operation_name)
    return len(operations) == 1 and operations[0][1] == OperationType.SUBSCRIPTION


def operation_problem(document: object, operation_name: object) -> str | None:
    """What is wrong with the choice of the operation to run, over any transport: an
    ``operationName`` that is not a string (strawberry crashed on it), one the document
    does not have, or none for a document of several operations (strawberry ran the
    first; GraphQL over HTTP requires an error). Documents that do not parse are left
    to GraphQL's own errors."""
    if operation_name is not None and not isinstance(operation_name, str):
        return "operationName must be a string or null"
    operations = _operations(document) if isinstance(document, str) else None
    if operations is None:
        return None
    if operation_name is None and len(operations) > 1:
        return (
            f"the document has {len(operations)} operations: name the one to run in operationName"
        )
    if operation_name is not None and operation_name not in (o[0] for o in operations):
        return f'Unknown operation named "{operation_name[:100]}".'
    return None


def bad_request(message: str) -> Refusal:
    return Refusal(400, LimitCode.BAD_REQUEST, message)


def subscription_over_http() -> Refusal:
    # strawberry would run it as a query over plain POST (its multipart transport is off)
    return Refusal(
        400,
        LimitCode.BAD_REQUEST,
        "subscriptions are served over WebSocket (graphql-transport-ws) at this path",
    )


def mutation_over_get() -> Refusal:
    # GraphQL over HTTP: a mutation over GET is 405, with the method that would work
    return Refusal(
        405,
        LimitCode.METHOD_NOT_ALLOWED,
        "mutations are only accepted over POST",
        headers={"Allow": "POST"},
    )


def check_content_type(method: str, content_type: str | None) -> None:
    """A POST must carry JSON; GET carries no body."""
    if method != "POST":
        return
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in JSON_TYPES:
        raise Refusal(
            415,
            LimitCode.UNSUPPORTED_MEDIA_TYPE,
            f"POST /graphql needs Content-Type: application/json, not '{media_type or 'none'}'",
            headers={"Accept-Post": ", ".join(JSON_TYPES)},
        )


def check_content_length(headers: Mapping[str, str], limit: int) -> None:
    raw = headers.get("content-length", "")
    if not raw.isdigit():
        return  # chunked (or garbled): counted as it arrives (limited_receive)
    length = int(raw)
    if length > limit:
        raise too_large("the request body", limit)


def limited_receive(receive: Receive, limit: int, timeout: float) -> Receive:
    """``receive`` that refuses once more than ``limit`` body bytes arrived, whatever
    Content-Length said (chunked bodies have none; a lying one is cut off too), and once
    the body has taken more than ``timeout`` seconds from now (a client trickling it)."""
    seen = 0
    complete = False
    deadline = asyncio.get_running_loop().time() + timeout

    async def wrapped() -> Message:
        nonlocal seen, complete
        if complete:  # after the body: waiting for a disconnect is not bounded here
            return await receive()
        try:
            async with asyncio.timeout_at(deadline):
                message = await receive()
        except TimeoutError:
            raise body_too_slow(timeout) from None
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise too_large("the request body", limit)
            complete = not message.get("more_body", False)
        return message

    return wrapped
