"""``/metrics`` in the Prometheus text format (prometheus-client).

Values are read from the runtime when scraped, so the hot path only bumps plain integers
(``CacheStats``) instead of taking a metrics lock per upstream call. Each app has its own
registry: two gateways in one process (tests) never mix their numbers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from gateway.runtime import Runtime

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


def metrics_endpoint(runtime: Runtime) -> Callable[[Request], Awaitable[Response]]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RuntimeCollector(runtime))

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE)

    return metrics
