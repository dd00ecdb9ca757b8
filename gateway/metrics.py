"""``/metrics`` in the Prometheus text format (prometheus-client).

GraphQL requests (by operation name and outcome), errors by code and upstream calls (by
connection, method, endpoint template and status) are counted as they happen; the cache's
counters, each breaker's state, and the open sockets, subscriptions and pollers are read
when scraped. Each app has its
own registry: two gateways in one process (tests) never mix their numbers. Label values
that callers or IDs control are bounded: operation names must be GraphQL names and at most
``MAX_OPERATIONS`` are kept (then ``other``); IDs in upstream paths become ``{id}``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from gateway.runtime import Runtime
from gateway.websocket import SocketCounts
from schema.polling import PollerHub

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_CACHE_COUNTERS = {
    "hits": "answers served fresh from the cache",
    "stale_hits": "stale answers served while a background refresh runs",
    "misses": "cacheable reads the cache could not answer",
    "stores": "upstream answers stored",
    "invalidations": "writes that invalidated cached answers",
    "refreshes": "background (stale-while-revalidate) refreshes finished",
    "shared_fetches": "answers another instance fetched while this one waited",
    "backend_errors": "failed calls to the shared cache backend (Redis)",
    "answer_hits": "whole GraphQL answers served again from the answer cache",
    "answer_misses": "keyed queries the answer cache did not hold (or held stale)",
    "answer_stores": "whole GraphQL answers kept by the answer cache",
}
_BREAKER_STATES = ("CLOSED", "OPEN", "HALF_OPEN")


class RuntimeCollector(Collector):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[Metric]:
        backend = self.runtime.backend
        if backend is not None:
            stats = backend.stats.as_dict()
            for name, help_text in _CACHE_COUNTERS.items():
                counter = CounterMetricFamily(f"dbaas_gateway_cache_{name}", help_text)
                counter.add_metric([], stats[name])
                yield counter
            status = backend.status()
            gauge = GaugeMetricFamily(
                "dbaas_gateway_cache_backend_up",
                "1 for the backend in use: memory, redis, or redis-unavailable (falling back)",
                labels=["backend"],
            )
            for name in ("memory", "redis", "redis-unavailable"):
                gauge.add_metric([name], 1.0 if status == name else 0.0)
            yield gauge
        breaker = GaugeMetricFamily(
            "dbaas_gateway_breaker_state",
            "1 for each connection's current circuit breaker state",
            labels=["connection", "state"],
        )
        for connection, health in self.runtime.health().items():
            for state in _BREAKER_STATES:
                breaker.add_metric([connection, state], 1.0 if health["state"] == state else 0.0)
        yield breaker


class SubscriptionCollector(Collector):
    """Open WebSockets and subscriptions, and what each connection polls for them: how
    close this instance is to its ``max_websocket_connections`` and
    ``max_polled_per_connection``."""

    def __init__(self, pollers: PollerHub, sockets: SocketCounts) -> None:
        self.pollers = pollers
        self.sockets = sockets

    def collect(self) -> Iterator[Metric]:
        sockets = GaugeMetricFamily(
            "dbaas_gateway_websockets", "WebSocket connections open in this process"
        )
        sockets.add_metric([], self.sockets.sockets)
        yield sockets
        subscriptions = GaugeMetricFamily(
            "dbaas_gateway_subscriptions", "subscriptions open in this process"
        )
        subscriptions.add_metric([], sum(self.sockets.subscriptions.values()))
        yield subscriptions
        polled = GaugeMetricFamily(
            "dbaas_gateway_subscription_pollers",
            "resources polled for subscriptions, by connection",
            labels=["connection"],
        )
        subscribers = GaugeMetricFamily(
            "dbaas_gateway_subscription_subscribers",
            "subscribers of those resources (each poll serves them all), by connection",
            labels=["connection"],
        )
        for connection, (count, listening) in sorted(self.pollers.by_connection().items()):
            polled.add_metric([connection], count)
            subscribers.add_metric([connection], listening)
        yield polled
        yield subscribers


MAX_OPERATIONS = 200
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
#: path segments that are identifiers, not endpoint names: UUIDs, numbers, long tokens
_ID_SEGMENT = re.compile(r"^(?:[0-9a-fA-F-]{16,}|\d+|[A-Za-z0-9_.~-]*\d[A-Za-z0-9_.~-]{11,})$")
#: the (connection, method, URL, outcome) label children remembered for upstream calls
_CHILDREN_KEPT = 4096
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def endpoint_template(url: str) -> str:
    """``/v1/organizations/<uuid>/services`` -> ``/v1/organizations/{id}/services``.
    Every upstream call is labelled, and a cold read's URL is mostly new (it names the
    records just listed): segments are judged once each, not URLs."""
    path = urlsplit(url).path if "://" in url else url.partition("?")[0].partition("#")[0]
    return "/".join("{id}" if _is_id(s) else s for s in path.split("/")) or "/"


@functools.lru_cache(maxsize=4096)
def _is_id(segment: str) -> bool:
    return _ID_SEGMENT.match(segment) is not None


class GatewayMetrics:
    """The registry of one app and the instruments the request path updates."""

    def __init__(self, runtime: Runtime) -> None:
        self._upstream_children: dict[tuple[str, str, str, str], tuple[Any, Any]] = {}
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(RuntimeCollector(runtime))
        self.requests = Counter(
            "dbaas_gateway_graphql_requests",
            "GraphQL operations by operation name and outcome (ok, partial, error)",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "dbaas_gateway_graphql_request_seconds",
            "GraphQL operation execution time",
            ["operation"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "dbaas_gateway_graphql_errors",
            "GraphQL errors by extensions.code",
            ["code"],
            registry=self.registry,
        )
        self.upstream = Counter(
            "dbaas_gateway_upstream_requests",
            "upstream attempts (retries included) by connection, method, endpoint and status",
            ["connection", "method", "endpoint", "status"],
            registry=self.registry,
        )
        self.upstream_seconds = Histogram(
            "dbaas_gateway_upstream_request_seconds",
            "upstream attempt latency",
            ["connection", "method", "endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.callers = Counter(
            "dbaas_gateway_client_requests",
            "requests to /graphql by caller (a token's name, proxy, anonymous or "
            "unauthenticated) and outcome (admitted, or the refusal's code)",
            ["caller", "outcome"],
            registry=self.registry,
        )
        self._operations: set[str] = set()

    def operation_label(self, name: str | None, document: str | None = None) -> str:
        if name is None and document:
            # a document with one named operation needs no operationName: use its name
            names = _OPERATION.findall(document)
            name = names[0] if len(names) == 1 else None
        if not name or not _NAME.match(name):
            return "anonymous"
        if name not in self._operations:
            if len(self._operations) >= MAX_OPERATIONS:
                return "other"
            self._operations.add(name)
        return name

    def observe_operation(
        self, operation: str, seconds: float, has_data: bool, codes: list[str]
    ) -> None:
        """Count one operation; ``operation`` is its ``operation_label``."""
        outcome = "ok" if not codes else "partial" if has_data else "error"
        self.requests.labels(operation, outcome).inc()
        self.request_seconds.labels(operation).observe(seconds)
        for code in codes:
            self.errors.labels(code).inc()

    def observe_caller(self, caller: str, outcome: str) -> None:
        """One request at the door; ``caller`` is bounded by the configured token names."""
        self.callers.labels(caller, outcome).inc()

    def observe_upstream(
        self, connection: str, method: str, url: str, status: str, seconds: float
    ) -> None:
        # ``labels`` locks and looks the child up on every call: every upstream call
        # passes here, so each label set's children are looked up once
        key = (connection, method, endpoint_template(url), status)
        children = self._upstream_children.get(key)
        if children is None:
            children = (
                self.upstream.labels(*key),
                self.upstream_seconds.labels(*key[:3]),
            )
            if len(self._upstream_children) >= _CHILDREN_KEPT:
                self._upstream_children.clear()
            self._upstream_children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def endpoint(self) -> Callable[[Request], Awaitable[Response]]:
        async def metrics(request: Request) -> Response:
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE)

        return metrics
