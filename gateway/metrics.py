"""``/metrics`` in the Prometheus text format (prometheus-client).

GraphQL requests (by operation name and outcome), errors by code and upstream calls (by
connection, method, endpoint template and status) are counted as they happen; the cache's
counters, each breaker's state, and the open sockets, subscriptions and pollers are read
when scraped. Each app has its
own registry: two gateways in one process (tests) never mix their numbers. Label values
that callers or IDs control are bounded: operation names must be GraphQL names and at most
``MAX_OPERATIONS`` are kept (then ``other``); IDs in upstream paths become ``{id}``, and at
most ``MAX_ENDPOINTS`` endpoint templates are kept (then ``other``): an ID the pattern does
not take for one (``abc``, a name) stays in the path, and a caller forges as many as it
likes (a global ID holds any key, and some vendors are asked before they refuse it).
"""

from __future__ import annotations

import math
import re
import time
from bisect import bisect_left
from collections.abc import Awaitable, Callable, Iterator
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import metrics as prometheus_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString
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
#: distinct upstream endpoint templates labelled (then ``other``)
MAX_ENDPOINTS = 1000
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
#: path segments that are identifiers, not endpoint names: UUIDs, numbers, long tokens
_ID_SEGMENT = re.compile(r"^(?:[0-9a-fA-F-]{16,}|\d+|[A-Za-z0-9_.~-]*\d[A-Za-z0-9_.~-]{11,})$")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: the URLs and the path segments whose templates are remembered (then forgotten at once)
_MEMO_SIZE = 4096


class _Segments(dict[str, str]):
    """Path segment -> itself or ``{id}``; judged once each: a cold read's URLs are mostly
    new (they name the records just listed), their segments mostly not."""

    def __missing__(self, segment: str) -> str:
        if len(self) >= _MEMO_SIZE:
            self.clear()
        label = "{id}" if _ID_SEGMENT.match(segment) is not None else segment
        self[segment] = label
        return label


_segment_label = _Segments().__getitem__
_templates: dict[str, str] = {}


def endpoint_template(url: str) -> str:
    """``/v1/organizations/<uuid>/services`` -> ``/v1/organizations/{id}/services``.

    Every upstream call is labelled and the same records are read again and again (each
    dashboard refresh): templates are remembered by whole URL, at most ``_MEMO_SIZE`` of
    them (all forgotten when full, so a stream of new URLs costs one lookup more each)."""
    template = _templates.get(url)
    if template is None:
        if "://" in url:
            path = urlsplit(url).path
        else:
            path = url.partition("?")[0] if "?" in url else url
            path = path.partition("#")[0] if "#" in path else path
        template = "/".join(map(_segment_label, path.split("/"))) or "/"
        if len(_templates) >= _MEMO_SIZE:
            _templates.clear()
        _templates[url] = template
    return template


#: the histogram's upper bounds; ``bisect_left`` finds the first one >= the value, as
#: prometheus_client does (elapsed times are never NaN, which it would leave out)
_BOUNDS = (*_LATENCY_BUCKETS, math.inf)
_LE = tuple(floatToGoString(bound) for bound in _BOUNDS)
_UPSTREAM = "dbaas_gateway_upstream_requests"
_UPSTREAM_HELP = "upstream attempts (retries included) by connection, method, endpoint and status"
_UPSTREAM_SECONDS = "dbaas_gateway_upstream_request_seconds"
_UPSTREAM_SECONDS_HELP = "upstream attempt latency"


class _Latency:
    """One (connection, method, endpoint)'s histogram; ``buckets`` are not cumulative."""

    __slots__ = ("buckets", "created", "labels", "sum")

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.buckets = [0] * len(_BOUNDS)
        self.sum = 0.0
        self.created = time.time()


class _Calls:
    """One (connection, method, endpoint, status)'s count, and its endpoint's histogram."""

    __slots__ = ("count", "created", "labels", "latency")

    def __init__(self, labels: dict[str, str], latency: _Latency) -> None:
        self.labels = labels
        self.latency = latency
        self.count = 0
        self.created = time.time()


class UpstreamCalls(Collector):
    """``dbaas_gateway_upstream_requests`` and ``_request_seconds``, exposed as a
    prometheus_client Counter and Histogram would (same samples, in the same order).

    Every upstream call is observed: a labelled Counter and Histogram cost three locks
    and a child lookup each time. Plain counts without locks are enough here: calls are
    observed and ``/metrics`` is answered (an async route, ``generate_latest`` without
    an await) on the app's event loop thread. Every label set is kept, as prometheus
    keeps every child (a series that vanished would read as a counter reset)."""

    def __init__(self) -> None:
        self._calls: dict[tuple[str, str, str, str], _Calls] = {}
        self._latencies: dict[tuple[str, str, str], _Latency] = {}
        #: the endpoint templates labelled so far, at most ``MAX_ENDPOINTS``
        self._endpoints: set[str] = set()

    def observe(self, connection: str, method: str, url: str, status: str, seconds: float) -> None:
        key = (connection, method, endpoint_template(url), status)
        calls = self._calls.get(key)
        if calls is None:
            calls = self._add(key)
        calls.count += 1
        latency = calls.latency
        latency.sum += seconds
        latency.buckets[bisect_left(_BOUNDS, seconds)] += 1

    def _add(self, key: tuple[str, str, str, str]) -> _Calls:
        connection, method, endpoint, status = key
        if endpoint not in self._endpoints:
            if len(self._endpoints) >= MAX_ENDPOINTS:
                # not kept under its own key either: every such call passes here again
                key = (connection, method, "other", status)
                calls = self._calls.get(key)
                if calls is not None:
                    return calls
                endpoint = "other"
            else:
                self._endpoints.add(endpoint)
        latency = self._latencies.get(key[:3])
        if latency is None:
            labels = {"connection": connection, "method": method, "endpoint": endpoint}
            latency = self._latencies[key[:3]] = _Latency(labels)
        calls = self._calls[key] = _Calls({**latency.labels, "status": status}, latency)
        return calls

    def describe(self) -> Iterator[Metric]:
        # the names are reserved in the registry, as the instruments' would be
        yield Metric(_UPSTREAM, _UPSTREAM_HELP, "counter")
        yield Metric(_UPSTREAM_SECONDS, _UPSTREAM_SECONDS_HELP, "histogram")

    def collect(self) -> Iterator[Metric]:
        # prometheus_client's own (private) switch, set by PROMETHEUS_DISABLE_CREATED_SERIES
        # and disable_created_metrics(): ``_created`` comes and goes with the other series'
        created = prometheus_metrics._use_created
        counter = Metric(_UPSTREAM, _UPSTREAM_HELP, "counter")
        for calls in self._calls.values():
            counter.add_sample(_UPSTREAM + "_total", calls.labels, float(calls.count))
            if created:
                counter.add_sample(_UPSTREAM + "_created", calls.labels, calls.created)
        yield counter
        histogram = Metric(_UPSTREAM_SECONDS, _UPSTREAM_SECONDS_HELP, "histogram")
        for latency in self._latencies.values():
            labels = latency.labels
            total = 0.0
            for le, count in zip(_LE, latency.buckets, strict=True):
                total += count
                histogram.add_sample(_UPSTREAM_SECONDS + "_bucket", {**labels, "le": le}, total)
            histogram.add_sample(_UPSTREAM_SECONDS + "_count", labels, total)
            histogram.add_sample(_UPSTREAM_SECONDS + "_sum", labels, latency.sum)
            if created:
                histogram.add_sample(_UPSTREAM_SECONDS + "_created", labels, latency.created)
        yield histogram


class GatewayMetrics:
    """The registry of one app and the instruments the request path updates."""

    def __init__(self, runtime: Runtime) -> None:
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
        self.upstream = UpstreamCalls()
        self.registry.register(self.upstream)
        #: told about every upstream attempt (``Runtime.upstream_observer``)
        self.observe_upstream = self.upstream.observe
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

    def endpoint(self) -> Callable[[Request], Awaitable[Response]]:
        async def metrics(request: Request) -> Response:
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE)

        return metrics
