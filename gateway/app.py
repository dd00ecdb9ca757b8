"""The ASGI application: GraphQL (with GraphiQL) at /graphql, /healthz, /readyz, /metrics,
GraphiQL's own files at /graphiql/assets/ (gateway.graphiql)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import time
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from adapters.base import Adapter, request_prefetches
from adapters.upstream.http import current_request_id
from adapters.upstream.read_log import ReadLog, current_reads
from adapters.upstream.resilience import current_deadline
from gateway import graphql_http, tracing
from gateway.answers import AnswerCache, KeptJSON, encode_answer
from gateway.auth import CALLER_SCOPE_KEY, current_caller
from gateway.auth_gate import Gate, asks_for_ide, caller_label, peer_of
from gateway.config import GatewayConfig
from gateway.graphiql import ROUTE, local_assets, missing_assets_page
from gateway.limits_graphql import coded_parse_error, schema_for
from gateway.limits_http import (
    Refusal,
    bad_request,
    check_operation_size,
    decode_request_json,
    decode_websocket_message,
    is_subscription,
    mutation_over_get,
    operation_problem,
    request_error,
    subscription_over_http,
)
from gateway.metrics import GatewayMetrics, SubscriptionCollector
from gateway.observability import RequestIdMiddleware
from gateway.persisted import PersistedDocuments
from gateway.runtime import Runtime, settle_heap
from gateway.tenant_gate import (
    TENANTS_SCOPE_KEY,
    WANTED_SCOPE_KEY,
    body_first,
    header_pairs,
    lease_wanted,
    payload_pairs,
    release_tenants,
    wanted_tenants,
)
from gateway.websocket import GatewayTransportWS, SocketCounts
from schema.context import GatewayContext
from schema.errors import code_of, coded
from schema.idempotency import IdempotencyStore
from schema.permissions import Caller, Role
from schema.polling import PollerHub, PollSettings

#: the caller of a request that names none (GraphiQL's page): sees no connection
#: the peer a socket without a caller yet counts against (``SocketCounts.unidentified``)
UNIDENTIFIED_SCOPE_KEY = "dbaas_gateway.unidentified"
log = logging.getLogger("dbaas_gateway.auth")
NOBODY = Caller("nobody", Role.VIEWER, frozenset(), via="anonymous")
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


class GatewayGraphQL(GraphQL[GatewayContext, None]):
    """Strawberry's ASGI view behind the gateway's door: content type, caller, rate and
    size checks come first (``_admit``); then our context, limits and error codes.
    WebSocket operations pass the same checks (``gateway.websocket``)."""

    graphql_transport_ws_handler_class = GatewayTransportWS

    def __init__(
        self, runtime: Runtime, metrics: GatewayMetrics, graphiql_page: str | None = None
    ) -> None:
        config = runtime.config
        super().__init__(
            schema_for(config.limits, config.server.introspection_enabled),
            graphql_ide="graphiql" if config.server.graphiql_enabled else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # pages on these origins may open subscriptions (same-origin always may)
            allowed_origins=config.server.cors_origins,
            # a socket that does not say who it is is closed soon (4408)
            connection_init_wait_timeout=timedelta(
                seconds=config.limits.websocket_init_timeout_seconds
            ),
            # subscriptions are capped per caller, operations per socket (gateway.websocket)
            max_subscriptions_per_connection=None,
        )
        # None only where GraphiQL is off (create_app picks the page)
        self.graphiql_page = graphiql_page
        self.runtime = runtime
        self.metrics = metrics
        self.request_timeout = config.server.request_timeout
        self.production = config.server.production
        self.introspection = config.server.introspection_enabled
        self.limits = config.limits
        # with Redis, every instance counts a caller's requests in one bucket
        self.gate = Gate(
            config.auth,
            config.limits,
            backend=lambda: runtime.backend,
            key=runtime.fingerprint_key,
        )
        # idempotency keys live where the cache does: in Redis, every instance sees them
        self.idempotency = IdempotencyStore(
            backend=lambda: runtime.backend,
            key=runtime.fingerprint_key,
            # a create's call ends by its request's deadline (a margin for the clocks)
            attempt_seconds=self.request_timeout + 1.0,
        )
        subscriptions = runtime.config.subscriptions
        # with Redis, one instance polls each watched resource for all of them
        self.pollers = PollerHub(
            PollSettings(
                interval=subscriptions.poll_interval,
                max_backoff=subscriptions.max_backoff,
                timeout=self.request_timeout,
                max_polled_per_connection=subscriptions.max_polled_per_connection,
            ),
            backend=lambda: runtime.backend,
            key=runtime.fingerprint_key,
        )
        self.sockets = SocketCounts(
            config.limits.max_websocket_connections,
            subscriptions.max_per_caller,
            config.limits.max_unidentified_websockets_per_peer,
        )
        # registered documents live where the cache does: with Redis, on every instance
        self.persisted = PersistedDocuments(config.persisted, backend=lambda: runtime.backend)
        self.answers: AnswerCache | None = None
        if config.cache.answers and config.cache.policy.enabled:
            self.answers = AnswerCache(
                self.schema._schema,  # type: ignore[attr-defined]
                config.cache.answers_max_bytes,
                stats=lambda: runtime.backend.stats if runtime.backend is not None else None,
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            try:
                scope[CALLER_SCOPE_KEY] = await self.gate.admit_websocket(scope)
            except Refusal:
                # before the handshake is accepted: the server answers the upgrade with 403
                await send({"type": "websocket.close", "code": 1008})
                return
            if scope[CALLER_SCOPE_KEY] is None:
                scope[UNIDENTIFIED_SCOPE_KEY] = self._unidentified_peer(scope)
            try:
                self.sockets.open_socket(scope.get(UNIDENTIFIED_SCOPE_KEY))
            except Refusal as refusal:
                await _deny_upgrade(refusal, scope, receive, send)
                return
            try:
                await super().__call__(scope, receive, send)
            finally:
                self.sockets.close_socket(scope.pop(UNIDENTIFIED_SCOPE_KEY, None))
            return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if scope["method"] not in ("GET", "POST"):
            # before authentication: a CORS preflight carries no token
            await request_error(405, "GraphQL is served over GET and POST")(scope, receive, send)
            return
        try:
            caller, receive = await self.gate.admit_http(scope, receive)
        except Refusal as refusal:
            await self._refuse(refusal, scope, receive, send)
            return
        scope[CALLER_SCOPE_KEY] = caller  # for the access log line
        if caller is not None:
            try:
                wanted = wanted_tenants(self.runtime, caller, header_pairs(scope))
                if wanted:
                    # the body first: a client trickling it holds no per-caller client
                    receive = await body_first(receive)
                    scope[TENANTS_SCOPE_KEY] = await lease_wanted(self.runtime, wanted)
            except Refusal as refusal:
                refusal.caller = caller
                await self._refuse(refusal, scope, receive, send)
                return
        token = current_caller.set(caller)
        try:
            await self._serve_http(scope, receive, send)
            if caller is not None:
                self.metrics.observe_caller(caller_label(caller), "admitted")
        except Refusal as refusal:  # raised while reading or checking the request
            refusal.caller = caller
            await self._refuse(refusal, scope, receive, send)
        finally:
            current_caller.reset(token)
            release_tenants(self.runtime, scope.get(TENANTS_SCOPE_KEY, {}))

    async def _serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        # strawberry's own __call__, with its refusals as JSON errors instead of plain text
        media_type = scope[graphql_http.SCOPE_KEY] = _accepted(scope)
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as exc:
            response = request_error(exc.status_code, exc.reason, media_type)
        if response.media_type == graphql_http.JSON:
            # strawberry answers every result as application/json with 200
            response.headers["content-type"] = media_type
            if media_type == graphql_http.GRAPHQL_RESPONSE_JSON and scope.get(
                graphql_http.REQUEST_ERROR_KEY
            ):
                response.status_code = 400
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> object:
        # HTTP bodies and parameters (WebSocket messages go through decode_json)
        return decode_request_json(data)

    def encode_json(self, data: object) -> str:
        """Strict JSON, over HTTP and WebSocket alike: a non-finite number (which vendors'
        bodies are cleaned of, but a resolver could still compute) becomes null rather
        than ``NaN``, which no browser parses."""
        if type(data) is dict and len(data) == 1 and type(data.get("data")) is KeptJSON:
            return '{"data":' + data["data"] + "}"  # a kept answer, encoded when kept
        return encode_answer(data)

    def decode_json(self, data: str | bytes) -> object:
        return decode_websocket_message(data)

    def shown_message(self, message: str) -> str:
        """An error message as this profile shows it: in production without "Did you
        mean ...?" (with introspection off, field names stay unlisted)."""
        return _SUGGESTION.sub("", message) if self.production else message

    async def _refuse(self, refusal: Refusal, scope: Scope, receive: Receive, send: Send) -> None:
        self.metrics.observe_caller(caller_label(refusal.caller), refusal.code.value)
        await refusal.response(_accepted(scope))(scope, receive, send)

    def _unidentified_peer(self, scope: Scope) -> str:
        """The address a socket without a caller counts against: its peer, or "" for a
        trusted proxy's (many clients behind one address, each named by the proxy)."""
        peer = peer_of(scope) or ""
        proxy = self.gate.authenticator.settings.trusted_proxy
        return "" if proxy is not None and proxy.trusts(peer) else peer

    async def on_ws_connect(self, context: GatewayContext) -> UnsetType | dict[str, object] | None:
        """``connection_init``: the caller named on the upgrade, else in its payload."""
        scope = context.request.scope
        caller = scope.get(CALLER_SCOPE_KEY)
        if caller is None:
            try:
                caller = await self.gate.admit_connection_init(context.connection_params, scope)
            except Refusal as refusal:
                log.info("subscription connection refused: %s", refusal.message)
                raise ConnectionRejectionError({"code": refusal.code.value}) from None
            scope[CALLER_SCOPE_KEY] = caller
            peer = scope.pop(UNIDENTIFIED_SCOPE_KEY, None)
            if peer is not None:
                self.sockets.identify(peer)
        # vendor credentials: in the payload (browsers), or on the upgrade request;
        # checked now, leased by each operation while it runs (gateway.websocket)
        pairs = payload_pairs(context.connection_params) + header_pairs(scope)
        try:
            scope[WANTED_SCOPE_KEY] = wanted_tenants(self.runtime, caller, pairs)
        except Refusal as refusal:
            log.info("subscription connection refused: %s", refusal.code.value)
            raise ConnectionRejectionError({"code": refusal.code.value}) from None
        context.caller = caller
        context.adapters = self._visible(caller, scope)
        current_caller.set(caller)
        return UNSET

    def should_render_graphql_ide(self, request: Any) -> bool:
        # the gate's rule, which let the request in without a caller: one rule for both
        accept = request.headers.get("accept", "")
        return request.method == "GET" and asks_for_ide(request.query_params, accept)

    async def render_graphql_ide(self, request: Request) -> Response:
        if self.graphiql_page is None:
            return await super().render_graphql_ide(request)
        return HTMLResponse(self.graphiql_page)

    async def execute_single(self, **kwargs: Any) -> ExecutionResult:  # type: ignore[override]
        """Every GraphQL operation, timed and counted by name, outcome and error codes."""
        request_data: GraphQLRequestData = kwargs["request_data"]
        check_operation_size(self.limits, request_data.query, request_data.variables)
        # a name that is not a string is refused before anything reads it as one
        problem = operation_problem(None, request_data.operation_name)
        if problem is not None:
            raise bad_request(problem)
        resolved = await self.persisted.resolve(request_data.query, request_data.extensions)
        if isinstance(resolved, GraphQLError):  # nothing runs: a request error
            label = self.metrics.operation_label(request_data.operation_name, None)
            self.metrics.observe_operation(label, 0.0, False, [code_of(resolved)])
            return ExecutionResult(data=None, errors=[resolved])
        if resolved.document != request_data.query:
            request_data = dataclasses.replace(request_data, query=resolved.document)
            kwargs["request_data"] = request_data
        # which operation of the document runs (a persisted one too) is never guessed:
        # strawberry's view does not check it
        problem = operation_problem(request_data.query, request_data.operation_name)
        if problem is not None:
            raise bad_request(problem)
        operation = self.metrics.operation_label(request_data.operation_name, request_data.query)
        tracing.name_operation(operation)
        if request_data.query and is_subscription(request_data.query, request_data.operation_name):
            raise subscription_over_http()
        started = time.perf_counter()
        context: GatewayContext = kwargs["context"]
        key = None
        if self.answers is not None and request_data.query:
            key = self.answers.key(
                context.caller,
                context.adapters,
                request_data.query,
                request_data.operation_name,
                request_data.variables,
            )
        kept = None
        if self.answers is not None and key is not None and not _no_cache(context.request):
            kept = await self.answers.get(key)
        if kept is not None:
            result = ExecutionResult(data=kept, errors=None)  # type: ignore[arg-type]
        else:
            result = await self._execute(kwargs, key)
        if resolved.register and not graphql_http.is_request_error(result.data, result.errors):
            # a document that validated: the client may send its hash alone from now on
            await self.persisted.register(resolved.register, request_data.query or "")
        codes = [code_of(e) for e in result.errors or []]
        self.metrics.observe_operation(
            operation,
            time.perf_counter() - started,
            result.data is not None,
            codes,
        )
        return result

    async def _execute(self, kwargs: dict[str, Any], key: bytes | None) -> ExecutionResult:
        """Execute the operation; with ``key``, keep its answer if it may be kept."""
        log = ReadLog() if key is not None else None
        token = current_reads.set(log)
        try:
            result = await super().execute_single(**kwargs)
        except HTTPException as exc:
            if isinstance(exc.__cause__, InvalidOperationTypeError):
                raise mutation_over_get() from None
            raise
        finally:
            current_reads.reset(token)
            if log is not None:
                log.closed = True
            # the answer is complete: the request's loaders go now, freed as they are let
            # go of rather than left to the garbage collector
            kwargs["context"].reset_loaders()
        if self.answers is not None and key is not None and log is not None:
            request_data: GraphQLRequestData = kwargs["request_data"]
            errors = result.errors or kwargs["context"].partial_errors or None
            if not result.extensions:
                kept = self.answers.keep(
                    key,
                    log,
                    result.data,
                    errors,
                    request_data.query or "",
                    request_data.operation_name,
                )
                if kept is not None:
                    return ExecutionResult(data=kept, errors=None)  # type: ignore[arg-type]
        return result

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> GatewayContext:
        # set by RequestIdMiddleware for every request
        request_id = current_request_id.get() or ""
        # every upstream call of this request, retries included, ends by then (each
        # operation over a WebSocket sets its own: gateway.websocket)
        current_deadline.set(time.monotonic() + self.request_timeout)
        # a WebSocket's caller is known at connection_init (on_ws_connect)
        caller = current_caller.get() if request.scope["type"] == "http" else None
        caller = caller or NOBODY
        if request.scope["type"] == "http":
            # calls adapters start ahead for this request's lists (schema.prefetch)
            request_prefetches.set({})
        return GatewayContext(
            adapters=self._visible(caller, request.scope),
            request_id=request_id,
            request=request,
            response=response,
            idempotency=self.idempotency,
            caller=caller,
            pollers=self.pollers,
            introspection=self.introspection,
        )

    def _visible(self, caller: Caller, scope: Mapping[str, Any]) -> Mapping[str, Adapter]:
        """The adapters of the connections ``caller`` may see, a template's being the
        caller's own (leased for this request, ``gateway.tenant_gate``); the rest do not
        exist for it (lists skip them, their IDs are NOT_FOUND)."""
        adapters = self.runtime.adapters
        tenants = scope.get(TENANTS_SCOPE_KEY)
        if caller.connections is None and not tenants:
            return adapters
        return {n: (tenants or {}).get(n, a) for n, a in adapters.items() if caller.may_see(n)}

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if graphql_http.is_request_error(result.data, result.errors):
            request.scope[graphql_http.REQUEST_ERROR_KEY] = True
            if request.scope.get(graphql_http.SCOPE_KEY) == graphql_http.GRAPHQL_RESPONSE_JSON:
                # nothing executed: no data entry at all (application/json keeps its null)
                del data["data"]
        if result.errors:
            # parse/validation errors never reach the execution extension
            errors = [coded(coded_parse_error(e)) for e in _as_graphql_errors(result.errors)]
            if self.production:
                errors = [_without_suggestions(e) for e in errors]
            data["errors"] = [e.formatted for e in errors]
        if result.extensions:
            data["extensions"] = result.extensions
        return data


def _no_cache(request: Any) -> bool:
    """``Cache-Control: no-cache`` (or ``no-store``): the client wants the operation
    executed, not a kept answer (the upstream cache still answers what it holds)."""
    value = request.headers.get("cache-control", "") if request is not None else ""
    return "no-cache" in value.lower() or "no-store" in value.lower()


def _accepted(scope: Scope) -> str:
    """The answer's media type, from the request's ``Accept`` header."""
    accept = Headers(scope=scope).get("accept")
    return graphql_http.response_media_type(accept)


async def _deny_upgrade(refusal: Refusal, scope: Scope, receive: Receive, send: Send) -> None:
    """Refuse a WebSocket upgrade with the refusal's status and JSON body where the server
    can send an HTTP answer to an upgrade (the ASGI denial response), else with a plain
    close (the server answers 403)."""
    if "websocket.http.response" in scope.get("extensions", {}):
        await refusal.response()(scope, receive, send)
    else:
        await send({"type": "websocket.close", "code": 1013})


def _without_suggestions(error: GraphQLError) -> GraphQLError:
    """No "Did you mean ...?": with introspection off, field names stay unlisted."""
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(message, error.nodes, extensions=error.extensions)


def _as_graphql_errors(errors: list[Any]) -> list[GraphQLError]:
    return [e if isinstance(e, GraphQLError) else GraphQLError(str(e)) for e in errors]


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
        degraded = any(h["state"] not in ("CLOSED", "TEMPLATE") for h in health.values())
        status = "starting" if not runtime.ready else "degraded" if degraded else "ready"
        body = {
            "status": status,
            "connections": dict(runtime.connection_summary),
            "health": health,
        }
        if runtime.backend is not None:
            backend = runtime.backend
            body["cache"] = {"backend": backend.status(), **backend.stats.as_dict()}
        body["subscriptions"] = graphql.pollers.summary()
        return JSONResponse(body, status_code=200 if runtime.ready else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime.start()
        settle_heap()  # a served gateway: started once per process
        try:
            yield
        finally:
            graphql.pollers.close()
            await runtime.close()

    metrics = GatewayMetrics(runtime)
    runtime.upstream_observer = metrics.observe_upstream
    # production turns GraphiQL off: its page and files are not served at all
    page: str | None = None
    assets = None
    if config.server.graphiql_enabled:
        assets = local_assets(config.server.graphiql_assets)
        # without them, the CDN's page that says what is missing until GraphiQL renders
        page = assets.page if assets is not None else missing_assets_page()
    graphql = GatewayGraphQL(runtime, metrics, page)
    metrics.registry.register(SubscriptionCollector(graphql.pollers, graphql.sockets))
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics.endpoint(), methods=["GET"]),
        # every method: strawberry answers the others with a JSON 405, not Starlette's text
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),
    ]
    if assets is not None:
        routes.append(Route(ROUTE, assets.endpoint, methods=["GET"]))  # HEAD too
    app = Starlette(
        routes=routes,
        middleware=_middleware(config, tracer_provider),
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app


def _middleware(config: GatewayConfig, tracer_provider: Any) -> list[Middleware]:
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
    traced = tracing.server_middleware(tracer_provider)
    if traced is not None:
        cls, options = traced
        # outermost: the span covers everything the request does
        middleware.insert(0, Middleware(cls, **options))  # type: ignore[arg-type]
    return middleware
