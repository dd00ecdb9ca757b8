"""The ASGI application: GraphQL (with GraphiQL) at /graphql, /healthz, /readyz, /metrics,
GraphiQL's own files at /graphiql/assets/ (gateway.graphiql)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from adapters.http import current_request_id
from adapters.resilience import current_deadline
from gateway import tracing
from gateway.config import GatewayConfig
from gateway.graphiql import ROUTE, local_assets
from gateway.metrics import GatewayMetrics
from gateway.observability import RequestIdMiddleware
from gateway.runtime import Runtime
from schema.build import build_schema
from schema.context import GatewayContext
from schema.errors import code_of, coded
from schema.idempotency import IdempotencyStore
from schema.polling import PollerHub, PollSettings


class GatewayGraphQL(GraphQL[GatewayContext, None]):
    """Strawberry's ASGI view with our context and error codes on every error."""

    def __init__(
        self, runtime: Runtime, metrics: GatewayMetrics, graphiql_page: str | None = None
    ) -> None:
        super().__init__(
            build_schema(),
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        # None: strawberry's page, its assets from the CDN
        self.graphiql_page = graphiql_page
        self.runtime = runtime
        self.metrics = metrics
        self.request_timeout = runtime.config.server.request_timeout
        self.idempotency = IdempotencyStore()
        subscriptions = runtime.config.subscriptions
        self.pollers = PollerHub(
            PollSettings(
                interval=subscriptions.poll_interval,
                max_backoff=subscriptions.max_backoff,
                timeout=self.request_timeout,
            )
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        if self.graphiql_page is None:
            return await super().render_graphql_ide(request)
        return HTMLResponse(self.graphiql_page)

    async def execute_single(self, **kwargs: Any) -> ExecutionResult:  # type: ignore[override]
        """Every GraphQL operation, timed and counted by name, outcome and error codes."""
        request_data: GraphQLRequestData = kwargs["request_data"]
        operation = self.metrics.operation_label(request_data.operation_name, request_data.query)
        tracing.name_operation(operation)
        started = time.perf_counter()
        result = await super().execute_single(**kwargs)
        codes = [code_of(e) for e in result.errors or []]
        self.metrics.observe_operation(
            operation,
            time.perf_counter() - started,
            result.data is not None,
            codes,
        )
        return result

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GatewayContext:
        # set by RequestIdMiddleware for every request
        request_id = current_request_id.get() or ""
        # every upstream call of this request, retries included, ends by then
        current_deadline.set(time.monotonic() + self.request_timeout)
        return GatewayContext(
            adapters=self.runtime.adapters,
            request_id=request_id,
            request=request,
            response=response,
            idempotency=self.idempotency,
            pollers=self.pollers,
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


def _middleware(tracer_provider: Any) -> list[Middleware]:
    middleware = [Middleware(RequestIdMiddleware)]
    traced = tracing.server_middleware(tracer_provider)
    if traced is not None:
        cls, options = traced
        # outermost: the span covers everything the request does
        middleware.insert(0, Middleware(cls, **options))  # type: ignore[arg-type]
    return middleware


def create_app(
    config: GatewayConfig,
    *,
    simulator_options: Mapping[str, Any] | None = None,
    tracer_provider: Any = None,
) -> Starlette:
    """The app; ``simulator_options`` go to every simulator (``transition_seconds``);
    ``tracer_provider`` receives the spans when OpenTelemetry is installed (default: the
    global provider)."""
    runtime = Runtime(
        config,
        simulator_options=dict(simulator_options or {}),
        tracer_provider=tracer_provider,
    )

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
            graphql.pollers.close()
            await runtime.close()

    metrics = GatewayMetrics(runtime)
    runtime.upstream_observer = metrics.observe_upstream
    assets = local_assets(config.server.graphiql_assets)
    graphql = GatewayGraphQL(runtime, metrics, assets.page if assets else None)
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics.endpoint(), methods=["GET"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
    ]
    if assets is not None:
        routes.append(Route(ROUTE, assets.endpoint, methods=["GET"]))  # HEAD too
    app = Starlette(
        routes=routes,
        middleware=_middleware(tracer_provider),
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
