"""Attacks on the upstream series of /metrics (``UpstreamCalls``): hostile label values
and latencies read as prometheus_client's Counter and Histogram showed them, and a caller
cannot make the gateway keep a series per ID it forges."""

from __future__ import annotations

import math

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from gateway import metrics as gateway_metrics
from gateway.config import load_demo_config
from gateway.metrics import GatewayMetrics
from gateway.runtime import Runtime
from schema.ids import encode_id
from tests.gateway_client import GatewayClient
from tests.test_observability import Observation, prometheus_upstream_lines, upstream_lines

HOSTILE = ['q"uote', "back\\slash", "new\nline", "ünïcödé ☃", "x" * 20_000, "", "{id}"]


def test_hostile_labels_and_latencies_read_as_prometheus_instruments_would() -> None:
    observations: list[Observation] = []
    for n, text in enumerate(HOSTILE):
        for seconds in (0.0, -1.0, 1e-12, math.inf, 1e308, 30.0):
            observations.append((text, "GET", f"/v1/{text}/{n}", text or "200", seconds))
            observations.append(("ch", text, f"https://h/{text}?{text}#{text}", "200", seconds))
    metrics = GatewayMetrics(Runtime(load_demo_config()))
    for observation in observations:
        metrics.observe_upstream(*observation)
    text = generate_latest(metrics.registry).decode()
    assert upstream_lines(text) == prometheus_upstream_lines(observations)
    # and it still parses as the text format
    names = {family.name for family in text_string_to_metric_families(text)}
    assert {"dbaas_gateway_upstream_requests", "dbaas_gateway_upstream_request_seconds"} <= names


async def test_forged_ids_do_not_make_a_series_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """A global ID holds any key: featurebase and astra ask the vendor about ``abc<n>``
    (no UUID, too short for the ID pattern) before it is refused, so the path, and so the
    endpoint label, is the caller's to choose."""
    monkeypatch.setattr(gateway_metrics, "MAX_ENDPOINTS", 40)
    async with GatewayClient(load_demo_config()) as gw:
        query = "query M($id: ID!) { database(id: $id) { name } }"
        for n in range(60):
            forged = encode_id("Database", "featurebase", ("org", f"abc{n}"))
            answer = await gw.http.post(
                "/graphql", json={"query": query, "variables": {"id": forged}}
            )
            assert answer.json()["data"]["database"] is None
        text = (await gw.http.get("/metrics")).text
    series = [
        line
        for line in text.splitlines()
        if line.startswith("dbaas_gateway_upstream_requests_total{")
    ]
    endpoints = {line.split('endpoint="')[1].split('"')[0] for line in series}
    assert len(endpoints) <= 41  # the kept ones, and "other"
    assert "other" in endpoints
    other = [line for line in series if 'endpoint="other"' in line]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in other) >= 20
