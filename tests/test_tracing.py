"""OpenTelemetry spans (the `tracing` extra, part of `test`): a server span per request
named by its GraphQL operation, a client span per upstream call under it, and the trace
context sent upstream."""

from __future__ import annotations

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from starlette.types import Receive, Scope, Send

from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.model import Vendor
from gateway.app import create_app
from gateway.config import parse_config
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import with_open_auth


async def test_a_request_is_one_trace_from_the_caller_to_the_vendor() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    sim = ClickHouseSimulator()
    vendor_app, traceparents = sim.app, []

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            traceparents.append(dict(scope["headers"]).get(b"traceparent", b"").decode())
        await vendor_app(scope, receive, send)

    sim.app = recording
    app = create_app(
        parse_config(with_open_auth(CLICKHOUSE_TWO_ORGS), "t.toml", {}), tracer_provider=provider
    )
    runtime = app.state.runtime
    runtime.simulators[Vendor("clickhouse")] = sim
    runtime.start()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gw"
        ) as client:
            answer = await client.post(
                "/graphql", json={"query": "query Orgs { organizations { name } }"}
            )
            await client.get("/healthz")
    finally:
        await runtime.close()

    assert answer.status_code == 200
    spans = exporter.get_finished_spans()
    (server,) = [s for s in spans if s.kind is SpanKind.SERVER]
    clients = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert server.attributes is not None
    assert server.attributes["graphql.operation.name"] == "Orgs"
    assert len(clients) == 2  # one organizations list per connection
    trace_id = server.context.trace_id
    assert all(c.context.trace_id == trace_id for c in clients)
    # the vendor saw the same trace, in W3C traceparent form
    assert len(traceparents) == 2
    assert all(t.split("-")[1] == f"{trace_id:032x}" for t in traceparents)
