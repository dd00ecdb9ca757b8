"""The ASGI application: GraphQL (with GraphiQL) at /graphql, /healthz and /readyz."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from adapters.http import current_request_id
from adapters.resilience import current_deadline
from gateway.config import GatewayConfig
from gateway.runtime import Runtime
from schema.build import build_schema
from schema.context import GatewayContext
from schema.errors import coded
from schema.idempotency import IdempotencyStore


class GatewayGraphQL(GraphQL[GatewayContext, None]):
    """Strawberry's ASGI view with our context and error codes on every error."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(build_schema(), graphql_ide="graphiql", allow_queries_via_get=True)
        self.runtime = runtime
        self.request_timeout = runtime.config.server.request_timeout
        self.idempotency = IdempotencyStore()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GatewayContext:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        # a caller's request id is only echoed into logs and upstream headers: cap it
        request_id = request_id[:64]
        current_request_id.set(request_id)
        # every upstream call of this request, retries included, ends by then
        current_deadline.set(time.monotonic() + self.request_timeout)
        return GatewayContext(
            adapters=self.runtime.adapters,
            request_id=request_id,
            request=request,
            response=response,
            idempotency=self.idempotency,
        )

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            # parse/validation errors never reach the execution extension
            data["errors"] = [coded(e).formatted for e in _as_graphql_errors(result.errors)]
        if result.extensions:
            data["extensions"] = result.extensions
        return data


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
        if runtime.backend is not None:
            backend = runtime.backend
            body["cache"] = {"backend": backend.status(), **backend.stats.as_dict()}
        return JSONResponse(body, status_code=200 if runtime.ready else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime.start()
        try:
            yield
        finally:
            await runtime.close()

    graphql = GatewayGraphQL(runtime)
    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
