"""Liveness and readiness are JSON and make no upstream calls."""

from __future__ import annotations

import httpx

from gateway.app import create_app
from gateway.config import load_demo_config
from tests.gateway_client import GatewayClient


async def test_healthz_answers_without_upstream_calls(demo: GatewayClient) -> None:
    response = await demo.http.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert demo.simulator("clickhouse").log.entries == []


async def test_readyz_lists_the_connections_once_adapters_are_built(demo: GatewayClient) -> None:
    response = await demo.http.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["connections"]["clickhouse-acme"] == "clickhouse (simulated)"
    assert body["cache"]["backend"] == "memory"
    assert body["cache"]["backend_errors"] == 0


async def test_readyz_is_503_before_startup() -> None:
    app = create_app(load_demo_config())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "starting"


async def test_graphiql_is_served_to_browsers(demo: GatewayClient) -> None:
    response = await demo.http.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_a_syntax_error_has_a_stable_code(demo: GatewayClient) -> None:
    body = await demo.post("{ organizations { name ")

    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_PARSE_FAILED"]


async def test_an_unknown_field_has_a_stable_code(demo: GatewayClient) -> None:
    response = await demo.http.post("/graphql", json={"query": "{ organizations { colour } }"})

    codes = [e["extensions"]["code"] for e in response.json()["errors"]]
    assert codes == ["GRAPHQL_VALIDATION_FAILED"]


async def test_an_unknown_connection_filter_is_bad_user_input(demo: GatewayClient) -> None:
    body = await demo.post('{ organizations(connection: "nope") { name } }')

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_first_out_of_range_is_bad_user_input(demo: GatewayClient) -> None:
    body = await demo.post("{ databases(first: -1) { totalCount } }")

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
