"""The ASGI application: GraphQL (with GraphiQL) at /graphql, /healthz, /readyz, /metrics."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import parse_qs

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from adapters.http import current_request_id
from adapters.resilience import current_deadline
from gateway.auth import CALLER_SCOPE_KEY, Authenticator, Unauthenticated, current_caller
from gateway.config import GatewayConfig
from gateway.limits_graphql import coded_parse_error, schema_for
from gateway.limits_http import (
    Refusal,
    check_content_length,
    check_content_type,
    limited_receive,
    mutation_over_get,
    rate_limited,
    too_large,
    unauthenticated,
)
from gateway.limits_rate import RateLimiter
from gateway.metrics import GatewayMetrics
from gateway.observability import RequestIdMiddleware
from gateway.runtime import Runtime
from schema.context import GatewayContext
from schema.errors import code_of, coded
from schema.idempotency import IdempotencyStore
from schema.permissions import Caller, Role

#: the caller of a request that names none (GraphiQL's page): sees no connection
NOBODY = Caller("nobody", Role.VIEWER, frozenset(), via="anonymous")
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


class GatewayGraphQL(GraphQL[GatewayContext, None]):
    """Strawberry's ASGI view behind the gateway's door: content type, caller, rate and
    size checks come first (``_admit``); then our context, limits and error codes."""

    def __init__(self, runtime: Runtime, metrics: GatewayMetrics) -> None:
        config = runtime.config
        super().__init__(
            schema_for(config.limits, config.server.introspection_enabled),
            graphql_ide="graphiql" if config.server.graphiql_enabled else None,
            allow_queries_via_get=True,
        )
        self.runtime = runtime
        self.metrics = metrics
        self.request_timeout = config.server.request_timeout
        self.production = config.server.production
        self.limits = config.limits
        self.authenticator = Authenticator(config.auth)
        self.rate_limiter = (
            RateLimiter(config.limits.rate_limit_requests, config.limits.rate_limit_window_seconds)
            if config.limits.rate_limit_requests
            else None
        )
        self.idempotency = IdempotencyStore()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            caller, receive = self._admit(scope, receive)
        except Refusal as refusal:
            await refusal.response()(scope, receive, send)
            return
        scope[CALLER_SCOPE_KEY] = caller  # for the access log line
        token = current_caller.set(caller)
        try:
            await super().__call__(scope, receive, send)
        except Refusal as refusal:  # raised while reading or checking the request
            await refusal.response()(scope, receive, send)
        finally:
            current_caller.reset(token)

    def _admit(self, scope: Scope, receive: Receive) -> tuple[Caller | None, Receive]:
        """Who is calling and whether they may now; raises Refusal. Cheap checks first,
        and nothing reads the body before the caller is known."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        method = scope["method"]
        if method == "GET" and _asks_for_ide(scope, headers):
            return None, receive  # the same static page for everyone (404 when disabled)
        check_content_type(method, headers.get("content-type"))
        client = scope.get("client")
        peer = client[0] if client else None
        try:
            caller = self.authenticator.authenticate(headers, peer)
        except Unauthenticated as exc:
            raise unauthenticated(str(exc), "authorization" in headers) from None
        if self.rate_limiter is not None:
            key = caller.name if caller.via != "anonymous" else f"anonymous@{peer}"
            wait = self.rate_limiter.acquire(key)
            if wait is not None:
                raise rate_limited(wait)
        check_content_length(headers, self.limits.max_body_bytes)
        return caller, limited_receive(receive, self.limits.max_body_bytes)

    async def execute_single(self, **kwargs: Any) -> ExecutionResult:  # type: ignore[override]
        """Every GraphQL operation, timed and counted by name, outcome and error codes."""
        request_data: GraphQLRequestData = kwargs["request_data"]
        self._check_sizes(request_data)
        started = time.perf_counter()
        try:
            result = await super().execute_single(**kwargs)
        except HTTPException as exc:
            if isinstance(exc.__cause__, InvalidOperationTypeError):
                raise mutation_over_get() from None
            raise
        codes = [code_of(e) for e in result.errors or []]
        self.metrics.observe_operation(
            request_data.operation_name,
            request_data.query,
            time.perf_counter() - started,
            result.data is not None,
            codes,
        )
        return result

    def _check_sizes(self, request_data: GraphQLRequestData) -> None:
        limits = self.limits
        if request_data.query and len(request_data.query.encode()) > limits.max_document_bytes:
            raise too_large("the GraphQL document", limits.max_document_bytes)
        if request_data.variables:
            size = len(json.dumps(request_data.variables).encode())
            if size > limits.max_variables_bytes:
                raise too_large("the variables object", limits.max_variables_bytes)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GatewayContext:
        # set by RequestIdMiddleware for every request
        request_id = current_request_id.get() or ""
        # every upstream call of this request, retries included, ends by then
        current_deadline.set(time.monotonic() + self.request_timeout)
        caller = current_caller.get() or NOBODY
        adapters = self.runtime.adapters
        if caller.connections is not None:
            # the rest do not exist for this caller: lists skip them, their IDs are NOT_FOUND
            adapters = {n: a for n, a in adapters.items() if caller.may_see(n)}
        return GatewayContext(
            adapters=adapters,
            request_id=request_id,
            request=request,
            response=response,
            idempotency=self.idempotency,
            caller=caller,
        )

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            # parse/validation errors never reach the execution extension
            errors = [coded(coded_parse_error(e)) for e in _as_graphql_errors(result.errors)]
            if self.production:
                errors = [_without_suggestions(e) for e in errors]
            data["errors"] = [e.formatted for e in errors]
        if result.extensions:
            data["extensions"] = result.extensions
        return data


def _asks_for_ide(scope: Scope, headers: dict[str, str]) -> bool:
    """What strawberry answers with GraphiQL: a browser's GET without a query."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    accept = headers.get("accept", "")
    return "query" not in query and ("text/html" in accept or "*/*" in accept)


def _without_suggestions(error: GraphQLError) -> GraphQLError:
    """No "Did you mean ...?": with introspection off, field names stay unlisted."""
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(message, error.nodes, extensions=error.extensions)


def _as_graphql_errors(errors: list[Any]) -> list[GraphQLError]:
    return [e if isinstance(e, GraphQLError) else GraphQLError(str(e)) for e in errors]


def create_app(
    config: GatewayConfig, *, simulator_options: Mapping[str, Any] | None = None
) -> Starlette:
    """The app; ``simulator_options`` go to every simulator (``transition_seconds``)."""
    runtime = Runtime(config, simulator_options=dict(simulator_options or {}))

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        # an open breaker degrades one vendor, not this instance: still ready (200), so a
        # load balancer does not drain every instance when one vendor is down
        health = runtime.health()
        degraded = any(h["state"] != "CLOSED" for h in health.values())
        status = "starting" if not runtime.ready else "degraded" if degraded else "ready"
        body = {
            "status": status,
            "connections": dict(runtime.connection_summary),
            "health": health,
        }
        return JSONResponse(body, status_code=200 if runtime.ready else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime.start()
        try:
            yield
        finally:
            await runtime.close()

    metrics = GatewayMetrics(runtime)
    runtime.upstream_observer = metrics.observe_upstream
    graphql = GatewayGraphQL(runtime, metrics)
    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics.endpoint(), methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ],
        middleware=_middleware(config),
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app


def _middleware(config: GatewayConfig) -> list[Middleware]:
    """Request IDs outermost (every answer has one, CORS refusals too); CORS only when
    origins are configured: without it browsers on other origins cannot read answers."""
    middleware = [Middleware(RequestIdMiddleware)]
    origins = config.server.cors_origins
    if origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
                expose_headers=["X-Request-ID", "Retry-After"],
                # bearer tokens, never cookies: browsers need not send credentials
                allow_credentials=False,
                max_age=600,
            )
        )
    return middleware
