"""Request IDs, JSON logs and /metrics, through the app over HTTP."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import Receive, Scope, Send

from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.model import Vendor
from gateway import metrics as gateway_metrics
from gateway.config import load_demo_config
from gateway.metrics import MAX_OPERATIONS, GatewayMetrics, endpoint_template
from gateway.observability import JsonFormatter, RequestIdFilter
from gateway.runtime import Runtime
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import GatewayClient

QUERY = "query Dashboard { organizations { name } }"


def metric_value(text: str, name: str, **labels: str) -> float:
    """One sample's value from the exposition text (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        sample, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', sample))
        if sample.split("{")[0] == name and found == labels:
            return float(value)
    return 0.0


async def test_every_response_carries_a_request_id(clickhouse: GatewayClient) -> None:
    generated = await clickhouse.http.post("/graphql", json={"query": QUERY})
    echoed = await clickhouse.http.get("/healthz", headers={"X-Request-ID": "bff-42.a"})
    replaced = await clickhouse.http.get("/healthz", headers={"X-Request-ID": "x" * 65})

    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])
    assert echoed.headers["x-request-id"] == "bff-42.a"
    # a caller's ID goes into logs and upstream headers: only plain tokens are kept
    assert replaced.headers["x-request-id"] != "x" * 65


async def test_the_request_id_goes_upstream() -> None:
    sim = ClickHouseSimulator()
    seen: list[str | None] = []
    vendor_app = sim.app

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            seen.append(headers.get(b"x-request-id", b"").decode() or None)
        await vendor_app(scope, receive, send)

    sim.app = recording
    gw = GatewayClient.from_toml(CLICKHOUSE_TWO_ORGS)
    gw.runtime.simulators[Vendor("clickhouse")] = sim
    async with gw:
        await gw.http.post("/graphql", json={"query": QUERY}, headers={"X-Request-ID": "r-1"})

    assert seen == ["r-1", "r-1"]  # one organizations list per connection


async def test_log_lines_are_json_with_the_request_id(clickhouse: GatewayClient) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("dbaas_gateway.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        await clickhouse.http.post("/graphql", json={"query": QUERY}, headers={"X-Request-ID": "j"})
    finally:
        access.removeHandler(handler)

    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["request_id"] == "j"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/graphql", 200)
    assert entry["level"] == "info" and entry["time"].endswith("Z")
    assert isinstance(entry["duration_ms"], float)


async def test_metrics_count_operations_errors_and_upstream_calls(
    clickhouse: GatewayClient,
) -> None:
    await clickhouse.http.post("/graphql", json={"query": QUERY})
    await clickhouse.http.post(
        "/graphql", json={"query": 'query Missing { database(id: "bm90LWFuLWlk") { name } }'}
    )
    await clickhouse.http.post("/graphql", json={"query": "{ nope }"})

    text = (await clickhouse.http.get("/metrics")).text

    requests = "dbaas_gateway_graphql_requests_total"
    assert metric_value(text, requests, operation="Dashboard", outcome="ok") == 1
    assert metric_value(text, requests, operation="Missing", outcome="partial") == 1
    assert metric_value(text, requests, operation="anonymous", outcome="error") == 1
    errors = "dbaas_gateway_graphql_errors_total"
    assert metric_value(text, errors, code="BAD_USER_INPUT") == 1
    assert metric_value(text, errors, code="GRAPHQL_VALIDATION_FAILED") == 1
    upstream = "dbaas_gateway_upstream_requests_total"
    for connection in ("ch-acme", "ch-globex"):
        labels = {"method": "GET", "endpoint": "/v1/organizations", "status": "200"}
        assert metric_value(text, upstream, connection=connection, **labels) == 1
    histogram = "dbaas_gateway_upstream_request_seconds_count"
    labels = {"connection": "ch-acme", "method": "GET", "endpoint": "/v1/organizations"}
    assert metric_value(text, histogram, **labels) == 1


async def test_upstream_failures_are_counted_by_kind(clickhouse: GatewayClient) -> None:
    sim = clickhouse.simulator("clickhouse")
    sim.faults.add(503, path="/v1/organizations", times=1)

    await clickhouse.http.post("/graphql", json={"query": QUERY})
    text = (await clickhouse.http.get("/metrics")).text

    upstream = "dbaas_gateway_upstream_requests_total"
    labels = {"method": "GET", "endpoint": "/v1/organizations"}
    statuses = {
        status: sum(
            metric_value(text, upstream, connection=c, status=status, **labels)
            for c in ("ch-acme", "ch-globex")
        )
        for status in ("200", "503")
    }
    assert statuses == {"200": 2, "503": 1}  # the 503 was retried


@pytest.mark.parametrize(
    ("url", "template"),
    [
        (
            "/v1/organizations/5b1c1e0e-97b7-4a4c-9d5f-6c1b4b1d0f00/services",
            "/v1/organizations/{id}/services",
        ),
        ("/api/database/12/?page_size=100", "/api/database/{id}/"),
        (
            "https://api.featurebase.com/v2/databases/db-7f3a9c2e1b4d/backups",
            "/v2/databases/{id}/backups",
        ),
        ("/v2/shapes/8GB", "/v2/shapes/8GB"),
        ("/accounts/a/core/v1/users", "/accounts/a/core/v1/users"),
    ],
)
def test_ids_in_upstream_paths_become_placeholders(url: str, template: str) -> None:
    assert endpoint_template(url) == template
    assert endpoint_template(url) == template  # remembered, the same


def test_remembered_templates_are_bounded() -> None:
    for n in range(gateway_metrics._MEMO_SIZE + 10):
        assert endpoint_template(f"/v1/things/{n:020d}?n={n}") == "/v1/things/{id}"
    assert len(gateway_metrics._templates) <= gateway_metrics._MEMO_SIZE


Observation = tuple[str, str, str, str, float]


def prometheus_upstream_lines(observations: list[Observation]) -> list[str]:
    """The upstream series as the Counter and Histogram that kept them until they cost
    too much on the hot path show them, given the same observations."""
    registry = CollectorRegistry(auto_describe=True)
    calls = Counter(
        "dbaas_gateway_upstream_requests",
        "upstream attempts (retries included) by connection, method, endpoint and status",
        ["connection", "method", "endpoint", "status"],
        registry=registry,
    )
    latency = Histogram(
        "dbaas_gateway_upstream_request_seconds",
        "upstream attempt latency",
        ["connection", "method", "endpoint"],
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
        registry=registry,
    )
    for connection, method, url, status, seconds in observations:
        endpoint = endpoint_template(url)
        calls.labels(connection, method, endpoint, status).inc()
        latency.labels(connection, method, endpoint).observe(seconds)
    return upstream_lines(generate_latest(registry).decode())


def upstream_lines(text: str) -> list[str]:
    """The upstream series' lines, ``_created`` values (clock readings) left out."""
    lines = [line for line in text.splitlines() if "dbaas_gateway_upstream_" in line]
    return [re.sub(r"(_created\{.*\}) \S+$", r"\1 <time>", line) for line in lines]


def test_upstream_series_without_calls_read_as_prometheus_instruments_would() -> None:
    metrics = GatewayMetrics(Runtime(load_demo_config()))
    text = generate_latest(metrics.registry).decode()
    assert upstream_lines(text) == prometheus_upstream_lines([])
    assert "# TYPE dbaas_gateway_upstream_request_seconds histogram" in text


async def test_upstream_series_read_as_prometheus_instruments_would() -> None:
    """Upstream calls are counted without prometheus_client's instruments (every call
    passes there): /metrics shows what they would, for the same calls, in the same order."""
    gw = GatewayClient.from_toml(CLICKHOUSE_TWO_ORGS)
    observe = gw.runtime.upstream_observer
    assert observe is not None
    seen: list[Observation] = []

    def recording(connection: str, method: str, url: str, status: str, seconds: float) -> None:
        seen.append((connection, method, url, status, seconds))
        observe(connection, method, url, status, seconds)

    gw.runtime.upstream_observer = recording
    dashboard = """query Dashboard { organizations { name
        databases(first: 5) { nodes { name backups { id } } } members { id } } }"""
    async with gw:
        gw.simulator("clickhouse").faults.add(503, path="/v1/organizations", times=1)
        await gw.http.post("/graphql", json={"query": dashboard})
        await gw.http.post(
            "/graphql", json={"query": 'query M { database(id: "bm90LWFuLWlk") { name } }'}
        )
        # every bucket's edges (the calls above all land in the first one or two)
        bounds = (0.0, 0.005, 0.0051, 0.1, 0.25, 0.2501, 1.0, 29.9, 30.0, 30.5, 1e6)
        for n, seconds in enumerate(bounds):
            recording("ch-acme", "POST", f"/v1/organizations/{n:016d}/x", "200", seconds)
            recording("ch-globex", "GET", "/v1/organizations?x=1", "timeout", seconds)
        text = (await gw.http.get("/metrics")).text

    assert len({(c, m, endpoint_template(u), s) for c, m, u, s, _ in seen}) > 6
    assert upstream_lines(text) == prometheus_upstream_lines(seen)


def test_operation_names_are_bounded() -> None:
    metrics = GatewayMetrics(Runtime(load_demo_config()))
    assert metrics.operation_label(None, "mutation Go($x: ID!) { x }") == "Go"
    assert metrics.operation_label(None, "query A { x } query B { y }") == "anonymous"
    names = [metrics.operation_label(f"Op{i}") for i in range(MAX_OPERATIONS + 5)]

    assert names[: MAX_OPERATIONS - 1] == [f"Op{i}" for i in range(MAX_OPERATIONS - 1)]
    assert set(names[MAX_OPERATIONS:]) == {"other"}
    assert metrics.operation_label("Op1") == "Op1"  # a known name stays known
    assert metrics.operation_label("not a name!") == "anonymous"
