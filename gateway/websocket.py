"""GraphQL over WebSocket (graphql-transport-ws) behind the same door as HTTP.

A socket is no side door:

- **Sockets per process.** At most ``[limits] max_websocket_connections`` are open at
  once; one more upgrade is refused with HTTP 503 ``TOO_MANY_CONNECTIONS``.
- **The wait for connection_init.** A socket has ``websocket_init_timeout_seconds`` to
  send ``connection_init`` (with its token when the upgrade had none), else it is closed
  with 4408: an upgrade that never says who it is holds a file descriptor that long.
- **Sockets that have not said who they are** are capped twice, so that unidentified
  upgrades cannot fill the process: at ``[limits] max_unidentified_websockets_per_peer``
  from one peer address (a trusted proxy's address excepted: its clients are many), and
  at half of ``max_websocket_connections`` in all; identified callers keep the rest.
- **Every operation is admitted like an HTTP request**, in the same order and with the
  same codes: the caller's rate (``RATE_LIMITED`` with ``retryAfter``), the document and
  variables sizes (``PAYLOAD_TOO_LARGE``), then, for a subscription, the caller's open
  subscriptions on this instance (``[subscriptions] max_per_caller``,
  ``SUBSCRIPTION_LIMIT``). A refusal is an ``error`` message for that operation; the
  socket stays open.
- **Every operation is a request of its own**: its own context (loaders, partial errors)
  and its own deadline (``request_timeout_seconds``), however old the socket
  (``OperationScoped``); a subscription's events get theirs in ``schema.subscriptions``.
- **Its errors read as over HTTP**: a document that does not parse is a coded ``error``
  message (GRAPHQL_PARSE_FAILED, QUERY_TOO_LARGE, QUERY_TOO_DEEP), not a logged crash;
  in production no error suggests field names.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    Message,
    SubscribeMessage,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError

from adapters.upstream.resilience import current_deadline
from gateway.auth_gate import caller_key, caller_label, peer_of
from gateway.limits import LimitCode
from gateway.limits_graphql import coded_parse_error, cost_refusal
from gateway.limits_http import (
    Refusal,
    check_operation_size,
    is_subscription,
    operation_problem,
    too_many_connections,
)
from gateway.runtime import Runtime
from gateway.tenant_gate import WANTED_SCOPE_KEY, lease_wanted, release_tenants
from schema.context import GatewayContext
from schema.errors import coded

if TYPE_CHECKING:
    from gateway.app import GatewayGraphQL

#: operations in flight at once on one socket (strawberry's own default); queries and
#: mutations end quickly, subscriptions are capped per caller before this
MAX_OPERATIONS_PER_SOCKET = 100


class SocketCounts:
    """This process's open WebSocket connections and each caller's open subscriptions."""

    def __init__(
        self,
        max_sockets: int,
        max_subscriptions_per_caller: int,
        max_unidentified_per_peer: int | None = None,
    ) -> None:
        self.max_sockets = max_sockets
        self.max_subscriptions_per_caller = max_subscriptions_per_caller
        self.max_unidentified_per_peer = max_unidentified_per_peer or max_sockets
        self.max_unidentified = max(1, max_sockets // 2)
        self.sockets = 0
        self.subscriptions: Counter[str] = Counter()
        #: sockets open without a caller yet, by peer address ("" for a trusted proxy's)
        self.unidentified: Counter[str] = Counter()

    def open_socket(self, unidentified_from: str | None = None) -> None:
        """Count one more socket; raises TOO_MANY_CONNECTIONS at a limit.
        ``unidentified_from``: the peer of a socket that has not said who it is yet ("" for
        one through a trusted proxy), None for an identified one."""
        if self.sockets >= self.max_sockets:
            raise too_many_connections(self.max_sockets)
        if unidentified_from is not None:
            if sum(self.unidentified.values()) >= self.max_unidentified:
                raise too_many_connections(
                    self.max_unidentified, "WebSocket connections that have not sent a token"
                )
            limit = self.max_unidentified_per_peer
            if unidentified_from and self.unidentified[unidentified_from] >= limit:
                raise too_many_connections(
                    limit, "WebSocket connections without a token from this address"
                )
            self.unidentified[unidentified_from] += 1
        self.sockets += 1

    def identify(self, peer: str) -> None:
        """A socket counted as unidentified from ``peer`` said who it is."""
        self.unidentified[peer] -= 1
        if self.unidentified[peer] <= 0:
            del self.unidentified[peer]

    def close_socket(self, unidentified_from: str | None = None) -> None:
        if unidentified_from is not None:
            self.identify(unidentified_from)
        self.sockets -= 1

    def start_subscription(self, caller: str) -> None:
        """Count one more subscription of ``caller``; raises SUBSCRIPTION_LIMIT at the limit."""
        limit = self.max_subscriptions_per_caller
        if self.subscriptions[caller] >= limit:
            raise Refusal(
                200,
                LimitCode.SUBSCRIPTION_LIMIT,
                f"this caller has {limit} subscriptions open on this instance, its limit "
                "([subscriptions] max_per_caller); complete one before starting another",
                extensions={"limit": limit},
            )
        self.subscriptions[caller] += 1

    def end_subscription(self, caller: str) -> None:
        self.subscriptions[caller] -= 1
        if self.subscriptions[caller] <= 0:
            del self.subscriptions[caller]


class OperationScoped:
    """The schema as one socket's handler sees it: each operation streams with a context
    and a deadline of its own (strawberry hands every operation the socket's context),
    and holds the per-caller clients of the socket's vendor credentials while it runs:
    an idle socket holds none, so it cannot keep a template's ``max_tenants`` slots."""

    def __init__(self, schema: Any, request_timeout: float, runtime: Runtime) -> None:
        self._schema = schema
        self._request_timeout = request_timeout
        self._runtime = runtime

    def __getattr__(self, name: str) -> Any:
        return getattr(self._schema, name)

    async def stream(self, query: str | None, **kwargs: Any) -> Any:
        # runs in the operation's own task: the deadline is this operation's alone
        current_deadline.set(time.monotonic() + self._request_timeout)
        context = kwargs.get("context_value")
        leased: dict[str, Any] = {}
        if isinstance(context, GatewayContext):
            context = context.for_operation()
            kwargs["context_value"] = context
            wanted = context.request.scope.get(WANTED_SCOPE_KEY)
            if wanted:
                try:
                    leased = await lease_wanted(self._runtime, wanted)
                except Refusal as refusal:
                    # TOO_MANY_TENANTS now, or a credential the vendor's client refuses
                    return _one(PreExecutionError(data=None, errors=[_refusal_error(refusal)]))
                context.adapters = {**context.adapters, **leased}
        try:
            stream = await self._schema.stream(query, **kwargs)
        except BaseException:
            release_tenants(self._runtime, leased)
            raise
        return _parse_errors_coded(stream, lambda: release_tenants(self._runtime, leased))


def _refusal_error(refusal: Refusal) -> GraphQLError:
    return GraphQLError(refusal.message, extensions={"code": refusal.code.value})


async def _one(result: Any) -> AsyncIterator[Any]:
    yield result


async def _parse_errors_coded(
    stream: Any, done: Callable[[], None] = lambda: None
) -> AsyncIterator[Any]:
    """``stream``, except that a document that does not parse (the token limit included),
    which strawberry raises while streaming, is one coded error as over HTTP. Not a
    GraphQLSyntaxError any more, so strawberry answers it with an ``error`` message
    instead of closing the socket (or logging a crash). ``done`` runs when it ends."""
    try:
        try:
            first = await anext(stream)
        except StopAsyncIteration:
            return
        except GraphQLError as error:
            yield _refused(error)
            return
        except RecursionError as error:  # too deep for the parser itself
            yield _refused(GraphQLError(str(error), original_error=error))
            return
        yield first
        async for item in stream:
            yield item
    finally:
        try:
            await stream.aclose()
        finally:
            done()


def _refused(error: GraphQLError) -> ExecutionResult:
    parsed = coded(coded_parse_error(error))
    plain = GraphQLError(parsed.message, source=parsed.source, positions=parsed.positions)
    plain.extensions = parsed.extensions
    return PreExecutionError(data=None, errors=[plain])


class GatewayTransportWS(BaseGraphQLTransportWSHandler[GatewayContext, None]):
    """strawberry's graphql-transport-ws handler with the gateway's admission per
    operation and a context and deadline per operation."""

    def __init__(self, *, view: GatewayGraphQL, schema: Any, **options: Any) -> None:
        scoped: Any = OperationScoped(schema, view.request_timeout, view.runtime)
        super().__init__(view=view, schema=scoped, **options)
        self.gateway = view

    async def handle_complete(self, message: Any) -> None:
        if not isinstance(message.get("id"), str):  # a list or object id is unhashable
            await self.handle_invalid_message("a complete message needs a string id")
            return
        await super().handle_complete(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if not isinstance(message.get("id"), str):  # a list or object id is unhashable
            await self.handle_invalid_message("a subscribe message needs a string id")
            return
        if not self.connection_acknowledged or message["id"] in self.operations:
            await super().handle_subscribe(message)  # closes the socket (4401, 4409)
            return
        payload: Any = message["payload"]
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            await self.handle_invalid_message("a subscribe message needs a payload.query")
            return
        query, operation_name = payload["query"], payload.get("operationName")
        caller = self.context.caller
        key = caller_key(caller, peer_of(self.context.request.scope))
        try:
            # which operation runs is never guessed, as over HTTP: a non-string name, a
            # name the document lacks, several operations and no name are refused
            problem = operation_problem(query, operation_name)
            if problem is not None:
                raise Refusal(200, LimitCode.BAD_REQUEST, problem)
            # a WebSocket carries the document itself: trusted documents hold here too
            self.gateway.persisted.check_trusted(query)
            subscription = is_subscription(query, operation_name)
            await self._admit(payload, key, subscription)
        except Refusal as refusal:
            self.gateway.metrics.observe_caller(caller_label(caller), refusal.code.value)
            error: Any = {"id": message["id"], "type": "error", "payload": [refusal.formatted()]}
            await self.send_message(error)
            return
        self.gateway.metrics.observe_caller(caller_label(caller), "admitted")
        await super().handle_subscribe(message)
        if subscription:
            operation = self.operations.get(message["id"])
            if operation is None or operation.task is None:
                self.gateway.sockets.end_subscription(key)
            else:
                operation.task.add_done_callback(
                    lambda _: self.gateway.sockets.end_subscription(key)
                )

    async def send_message(self, message: Message) -> None:
        """Every message as the profile shows errors (no field suggestions in production)."""
        shown: Any = message
        if shown.get("type") == "error":
            shown = {**shown, "payload": [self._shown(e) for e in shown["payload"]]}
        elif shown.get("type") == "next" and shown["payload"].get("errors"):
            errors = [self._shown(e) for e in shown["payload"]["errors"]]
            shown = {**shown, "payload": {**shown["payload"], "errors": errors}}
        await super().send_message(shown)

    def _shown(self, error: Any) -> Any:
        if not isinstance(error, dict) or not isinstance(error.get("message"), str):
            return error
        return {**error, "message": self.gateway.shown_message(error["message"])}

    def _check_cost(self, payload: Any) -> None:
        limits = self.gateway.limits
        try:
            document = parse(payload["query"], max_tokens=limits.max_tokens)
        except GraphQLError:
            return  # strawberry answers the parse error itself
        variables = payload.get("variables")
        error = cost_refusal(
            self.gateway.schema._schema,  # type: ignore[attr-defined]
            document,
            payload.get("operationName"),
            variables if isinstance(variables, dict) else {},
            limits.max_cost,
            limits.default_list_size,
            len(self.context.adapters or ()),
        )
        if error is not None:
            extensions = dict(error.extensions or {})
            code = LimitCode(extensions.pop("code"))
            raise Refusal(200, code, error.message, extensions=extensions)

    async def _admit(self, payload: Any, key: str, subscription: bool) -> None:
        """What an HTTP request passes, in the same order; raises Refusal."""
        view = self.gateway
        await view.gate.take_turn(self.context.caller, peer_of(self.context.request.scope))
        check_operation_size(view.limits, payload["query"], payload.get("variables"))
        if len(self.operations) >= MAX_OPERATIONS_PER_SOCKET:
            raise Refusal(
                200,
                LimitCode.RATE_LIMITED,
                f"{MAX_OPERATIONS_PER_SOCKET} operations are in flight on this socket; "
                "wait for one to complete",
                extensions={"limit": MAX_OPERATIONS_PER_SOCKET},
            )
        if subscription:
            # strawberry's subscribe path ignores the cost extension's refusal: checked here
            self._check_cost(payload)
            view.sockets.start_subscription(key)
