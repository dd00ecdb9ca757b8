"""Client authentication over HTTP: bearer tokens, 401s, anonymous callers, and the
caller's name (never the token) in the logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from gateway.observability import JsonFormatter, RequestIdFilter
from tests.auth_fixtures import ADMIN, CONNECTIONS, OPERATOR, TOKENS, VIEWER, answer, ask, secured
from tests.gateway_client import GatewayClient, error_codes

CONNECTION_NAMES = "{ connections { name } }"
START = 'mutation { startDatabase(input: {id: "x"}) { database { id } } }'


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with secured() as client:
        yield client


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every gateway log line of the test, as the JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("dbaas_gateway")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


async def test_a_request_without_a_token_is_401_with_a_graphql_error_body(
    gw: GatewayClient,
) -> None:
    response = await ask(gw, None, CONNECTION_NAMES)

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/json"
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]
    assert "data" not in response.json()


async def test_an_unknown_token_is_401_invalid_token_and_never_echoed(gw: GatewayClient) -> None:
    response = await ask(gw, "guessed-token-123", CONNECTION_NAMES)

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]
    assert "guessed-token-123" not in response.text


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", VIEWER, f"Token {VIEWER}"],
)
async def test_an_authorization_header_that_is_not_a_bearer_token_is_401(
    gw: GatewayClient, authorization: str
) -> None:
    response = await ask(gw, None, CONNECTION_NAMES, Authorization=authorization)

    assert response.status_code == 401
    assert error_codes(response.json()) == ["UNAUTHENTICATED"]


async def test_a_refused_request_reaches_no_vendor(gw: GatewayClient) -> None:
    await ask(gw, None, "{ organizations { name } databases { totalCount } }")

    assert gw.simulator("clickhouse").log.entries == []


async def test_a_configured_token_is_answered(gw: GatewayClient) -> None:
    body = await answer(gw, VIEWER, CONNECTION_NAMES)

    assert [c["name"] for c in body["data"]["connections"]] == ["ch-acme", "ch-globex", "dbaas"]


async def test_the_bearer_scheme_is_case_insensitive(gw: GatewayClient) -> None:
    response = await ask(gw, None, CONNECTION_NAMES, Authorization=f"bearer {VIEWER}")

    assert response.status_code == 200


async def test_health_readiness_and_metrics_need_no_token(gw: GatewayClient) -> None:
    for path in ("/healthz", "/readyz", "/metrics"):
        assert (await gw.http.get(path)).status_code == 200, path


async def test_the_graphiql_page_needs_no_token(gw: GatewayClient) -> None:
    # the same static page for everyone; the queries it sends carry the token
    page = await gw.http.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_anonymous_callers_get_the_anonymous_role_when_allowed() -> None:
    config = CONNECTIONS + "[auth]\nallow_anonymous = true\n" + TOKENS
    async with GatewayClient.from_toml(config) as gw:
        read = await ask(gw, None, CONNECTION_NAMES)
        write = await answer(gw, None, START)
        bad_token = await ask(gw, "not-a-token", CONNECTION_NAMES)
        operator = await answer(gw, OPERATOR, START)

    assert read.status_code == 200
    assert error_codes(write) == ["FORBIDDEN"]  # anonymous_role defaults to viewer
    assert "this caller is viewer" in write["errors"][0]["message"]
    # a wrong token is never silently downgraded to anonymous
    assert bad_token.status_code == 401
    assert error_codes(operator) == ["BAD_USER_INPUT"]  # past the role check: "x" is no ID


async def test_the_access_log_names_the_caller_never_the_token(
    gw: GatewayClient, log_lines: io.StringIO
) -> None:
    await ask(gw, ADMIN, CONNECTION_NAMES)
    await ask(gw, "wrong-token-555", CONNECTION_NAMES)

    entries = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    access = [e for e in entries if e["logger"] == "dbaas_gateway.access"]
    assert [(e["status"], e["caller"]) for e in access] == [(200, "root"), (401, None)]
    for token in (ADMIN, "wrong-token-555"):
        assert token not in log_lines.getvalue()


async def test_log_lines_inside_a_request_carry_the_caller(
    gw: GatewayClient, log_lines: io.StringIO
) -> None:
    # an unexpected error is logged (with its id) inside the request
    gw.runtime.adapters["ch-acme"].list_organizations = _boom  # type: ignore[method-assign]

    body = await answer(gw, OPERATOR, "{ organizations { name } }")

    assert "INTERNAL" in error_codes(body)
    entries = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    errors = [e for e in entries if e["logger"] == "dbaas_gateway.errors"]
    assert errors and all(e["caller"] == "ops" for e in errors)
    assert OPERATOR not in log_lines.getvalue()


async def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


async def test_metrics_count_requests_by_caller_and_outcome(gw: GatewayClient) -> None:
    await ask(gw, VIEWER, CONNECTION_NAMES)
    await ask(gw, VIEWER, CONNECTION_NAMES)
    await ask(gw, "wrong-token-1", CONNECTION_NAMES)

    text = (await gw.http.get("/metrics")).text

    counted = "dbaas_gateway_client_requests_total"
    assert f'{counted}{{caller="dashboard",outcome="admitted"}} 2.0' in text
    assert f'{counted}{{caller="unauthenticated",outcome="UNAUTHENTICATED"}} 1.0' in text
    assert VIEWER not in text and "wrong-token-1" not in text
