"""HTTP hardening: no mutations over GET (405), JSON-only POSTs (415, so no cross-site
form posts), CORS only for configured origins, and the production profile (introspection,
GraphiQL and field suggestions off; unexpected errors masked)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.auth_fixtures import ADMIN, OPERATOR, VIEWER, answer, bearer, secured, upstream_writes
from tests.gateway_client import GatewayClient, error_codes
from tests.served import serve_demo

CONNECTIONS = "{ connections { name } }"
STOP = 'mutation { stopDatabase(input: {id: "x"}) { database { id } } }'
INTROSPECTION = "{ __schema { queryType { name } } }"
APP = "https://app.example.com"
PREFLIGHT = {
    "Origin": APP,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with secured() as client:
        yield client


async def test_a_mutation_over_get_is_405_allow_post(gw: GatewayClient) -> None:
    response = await gw.http.get("/graphql", params={"query": STOP}, headers=bearer(OPERATOR))

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]
    assert upstream_writes(gw, "clickhouse") == 0


async def test_a_query_over_get_is_answered(gw: GatewayClient) -> None:
    response = await gw.http.get("/graphql", params={"query": CONNECTIONS}, headers=bearer(VIEWER))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert len(response.json()["data"]["connections"]) == 3


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/graphql",
        # a response media type (GraphQL over HTTP); requests are application/json
        "application/graphql-response+json",
        None,
    ],
)
async def test_a_post_that_is_not_json_is_415(gw: GatewayClient, content_type: str | None) -> None:
    headers = {**bearer(ADMIN), **({"Content-Type": content_type} if content_type else {})}

    response = await gw.http.post("/graphql", content=b"query=" + STOP.encode(), headers=headers)

    assert response.status_code == 415
    assert error_codes(response.json()) == ["UNSUPPORTED_MEDIA_TYPE"]
    assert upstream_writes(gw, "clickhouse") == 0


async def test_json_with_a_charset_is_json(gw: GatewayClient) -> None:
    response = await gw.http.post(
        "/graphql",
        content=b'{"query": "{ connections { name } }"}',
        headers={**bearer(VIEWER), "Content-Type": "application/json; charset=utf-8"},
    )

    assert response.status_code == 200


async def test_without_configured_origins_there_are_no_cors_headers(gw: GatewayClient) -> None:
    preflight = await gw.http.options("/graphql", headers=PREFLIGHT)
    post = await gw.http.post(
        "/graphql", json={"query": CONNECTIONS}, headers={**bearer(VIEWER), "Origin": APP}
    )

    assert preflight.status_code == 405
    assert post.status_code == 200
    for response in (preflight, post):
        assert "access-control-allow-origin" not in response.headers


async def test_a_configured_origin_passes_the_preflight() -> None:
    async with secured(f'[server]\ncors_origins = ["{APP}"]\n') as gw:
        preflight = await gw.http.options("/graphql", headers=PREFLIGHT)
        post = await gw.http.post(
            "/graphql", json={"query": CONNECTIONS}, headers={**bearer(VIEWER), "Origin": APP}
        )

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == APP
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    assert post.headers["access-control-allow-origin"] == APP
    assert "x-request-id" in post.headers["access-control-expose-headers"].lower()


async def test_another_origin_fails_the_preflight() -> None:
    async with secured(f'[server]\ncors_origins = ["{APP}"]\n') as gw:
        preflight = await gw.http.options(
            "/graphql", headers={**PREFLIGHT, "Origin": "https://evil.example"}
        )
        post = await gw.http.post(
            "/graphql",
            json={"query": CONNECTIONS},
            headers={**bearer(VIEWER), "Origin": "https://evil.example"},
        )

    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    # the browser will not let that page read the answer
    assert "access-control-allow-origin" not in post.headers


async def test_production_hides_introspection_and_graphiql() -> None:
    async with secured('[server]\nprofile = "production"\n') as gw:
        introspection = await answer(gw, ADMIN, INTROSPECTION)
        page = await gw.http.get("/graphql", headers={"Accept": "text/html"})
        asset = await gw.http.get("/graphiql/assets/react@18.2.0/umd/react.production.min.js")
        typename = await answer(gw, VIEWER, "{ __typename }")

    assert set(error_codes(introspection)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "introspection" in introspection["errors"][0]["message"].lower()
    assert page.status_code == 404
    assert asset.status_code == 404  # nor its files
    assert typename["data"] == {"__typename": "Query"}


async def test_production_can_turn_them_back_on() -> None:
    extra = '[server]\nprofile = "production"\nintrospection = true\ngraphiql = true\n'
    async with secured(extra) as gw:
        introspection = await answer(gw, ADMIN, INTROSPECTION)
        page = await gw.http.get("/graphql", headers={"Accept": "text/html"})

    assert introspection["data"]["__schema"]["queryType"]["name"] == "Query"
    assert page.status_code == 200


async def test_production_validation_errors_suggest_no_field_names() -> None:
    document = "{ organizations { nam } }"
    async with secured() as development:
        suggested = await answer(development, VIEWER, document)
    async with secured('[server]\nprofile = "production"\n') as production:
        plain = await answer(production, VIEWER, document)

    assert "Did you mean 'name'" in suggested["errors"][0]["message"]
    assert error_codes(plain) == ["GRAPHQL_VALIDATION_FAILED"]
    assert plain["errors"][0]["message"] == "Cannot query field 'nam' on type 'Organization'."


async def test_production_masks_unexpected_errors_and_keeps_expected_messages() -> None:
    async def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("db password is hunter2")

    async with secured('[server]\nprofile = "production"\n') as gw:
        gw.runtime.adapters["ch-acme"].list_organizations = fails  # type: ignore[method-assign]
        body = await answer(gw, VIEWER, "{ organizations { name } }")
        expected = await answer(gw, VIEWER, '{ node(id: "nope") { id } }')

    (error,) = [e for e in body["errors"] if e["extensions"]["code"] == "INTERNAL"]
    assert error["message"].lower().startswith("internal error")
    assert error["extensions"]["errorId"] in error["message"]
    assert "hunter2" not in str(body)
    assert body["data"]["organizations"]  # the other connections still answered
    assert error_codes(expected) == ["BAD_USER_INPUT"]
    assert "nope" in expected["errors"][0]["message"]


def test_serve_profile_production_applies_to_demo_mode() -> None:
    with serve_demo("--profile", "production") as (base, proc):
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
        introspection = httpx.post(f"{base}/graphql", json={"query": INTROSPECTION}, timeout=10)
        proc.terminate()
        stdout, _ = proc.communicate(timeout=10)

    assert page.status_code == 404
    assert set(error_codes(introspection.json())) == {"GRAPHQL_VALIDATION_FAILED"}
    assert "profile production: introspection off, GraphiQL off" in stdout
    assert "demo mode is open" in stdout
