"""Limits against abuse over HTTP: body, document and variables size (413), per-caller
rate (429 with Retry-After), and tokens, depth, aliases and cost (refused before any
upstream call, each with its own code)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from graphql import get_introspection_query, parse

from gateway.limits_cost import operation_cost
from gateway.limits_rate import RateLimiter
from schema.build import build_schema
from tests.auth_fixtures import ADMIN, OPERATOR, VIEWER, answer, ask, bearer, secured
from tests.gateway_client import GatewayClient, error_codes

CONNECTIONS = "{ connections { name } }"
DEEP = "{ organizations { databases { nodes { organization { databases { nodes { name } } } } } } }"
PAGE = "query($n: Int) { databases(first: $n) { nodes { name backups { name } } } }"


def limits(**values: int | float) -> str:
    return "[limits]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())


def nothing_asked(gw: GatewayClient) -> bool:
    return all(gw.simulator(v).log.entries == [] for v in ("clickhouse", "dbaas"))


@pytest.fixture
async def tight() -> AsyncIterator[GatewayClient]:
    """Small limits, so that each test can cross one of them."""
    extra = limits(
        max_body_bytes=4000,
        max_document_bytes=1000,
        max_variables_bytes=200,
        max_tokens=150,
        max_depth=4,
        max_aliases=3,
        max_cost=2000,
        default_list_size=10,
    )
    async with secured(extra) as gw:
        yield gw


async def test_a_body_over_the_limit_is_413_before_it_is_parsed(tight: GatewayClient) -> None:
    response = await tight.http.post(
        "/graphql",
        content=b'{"query": "' + b" " * 5000 + b'{ connections { name } }"}',
        headers={**bearer(VIEWER), "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert error_codes(response.json()) == ["PAYLOAD_TOO_LARGE"]
    assert response.json()["errors"][0]["extensions"]["limit"] == 4000


async def test_a_chunked_body_is_counted_as_it_arrives(tight: GatewayClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "'
        for _ in range(10):
            yield b" " * 1000
        yield b'{ connections { name } }"}'

    response = await tight.http.post(
        "/graphql",
        content=chunks(),
        headers={**bearer(VIEWER), "Content-Type": "application/json"},
    )

    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413
    assert error_codes(response.json()) == ["PAYLOAD_TOO_LARGE"]


async def test_a_document_over_its_limit_is_413(tight: GatewayClient) -> None:
    response = await ask(tight, VIEWER, "{ connections { name } }" + "#" * 1200)

    assert response.status_code == 413
    assert "the GraphQL document is larger than 1000 bytes" in response.text


async def test_variables_over_their_limit_are_413(tight: GatewayClient) -> None:
    response = await ask(tight, VIEWER, PAGE, {"n": 1, "padding": "x" * 300})

    assert response.status_code == 413
    assert "the variables object is larger than 200 bytes" in response.text


async def test_too_many_tokens_is_query_too_large(tight: GatewayClient) -> None:
    document = "{ " + " ".join(f"c{i}: __typename" for i in range(60)) + " }"

    body = await answer(tight, VIEWER, document)

    assert error_codes(body) == ["QUERY_TOO_LARGE"]
    assert "150 tokens" in body["errors"][0]["message"]


async def test_a_deep_query_is_query_too_deep_and_asks_no_vendor(tight: GatewayClient) -> None:
    body = await answer(tight, VIEWER, DEEP)

    assert set(error_codes(body)) == {"QUERY_TOO_DEEP"}
    assert body["data"] is None
    assert nothing_asked(tight)


async def test_nesting_too_deep_for_the_parser_is_query_too_deep_not_internal() -> None:
    document = "{ " + "a { " * 3000 + "b" + " }" * 3000 + " }"
    extra = limits(max_tokens=100_000, max_document_bytes=100_000, max_body_bytes=200_000)
    async with secured(extra) as gw:
        body = await answer(gw, VIEWER, document)
        after = await answer(gw, VIEWER, CONNECTIONS)

    assert error_codes(body) == ["QUERY_TOO_DEEP"]
    assert "errors" not in after  # the server is fine


async def test_too_many_aliases_is_refused(tight: GatewayClient) -> None:
    document = "{ " + " ".join(f"c{i}: connections {{ name }}" for i in range(4)) + " }"

    body = await answer(tight, VIEWER, document)

    assert error_codes(body) == ["TOO_MANY_ALIASES"]


async def test_aliases_in_fragments_are_counted(tight: GatewayClient) -> None:
    document = """
    query { ...a ...b }
    fragment a on Query { a1: connections { name } a2: connections { name } }
    fragment b on Query { b1: connections { name } b2: connections { name } }
    """

    body = await answer(tight, VIEWER, document)

    assert error_codes(body) == ["TOO_MANY_ALIASES"]


async def test_cost_multiplies_page_sizes_and_lists(tight: GatewayClient) -> None:
    # databases 1 + nodes (1 + 200 x (name 1 + backups (1 + 10 x name 1))) = 2402 > 2000
    refused = await answer(tight, VIEWER, PAGE, {"n": 200})
    allowed = await answer(tight, VIEWER, PAGE, {"n": 20})

    assert error_codes(refused) == ["QUERY_TOO_COMPLEX"]
    extensions = refused["errors"][0]["extensions"]
    assert (extensions["cost"], extensions["maxCost"]) == (2402, 2000)
    assert refused["data"] is None
    assert "errors" not in allowed


async def test_cost_counts_a_variables_default_when_the_request_leaves_it_out(
    tight: GatewayClient,
) -> None:
    defaulted = PAGE.replace("$n: Int", "$n: Int = 200")

    refused = await answer(tight, VIEWER, defaulted)

    assert error_codes(refused) == ["QUERY_TOO_COMPLEX"]
    assert refused["errors"][0]["extensions"]["cost"] == 2402


async def test_a_refused_cost_asks_no_vendor(tight: GatewayClient) -> None:
    await answer(tight, VIEWER, PAGE, {"n": 200})

    assert nothing_asked(tight)


async def test_the_default_limits_let_graphiql_introspect() -> None:
    async with secured() as gw:
        body = await answer(gw, VIEWER, get_introspection_query(descriptions=True))

    assert "errors" not in body and body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_batches_stay_off(tight: GatewayClient) -> None:
    response = await tight.http.post(
        "/graphql",
        json=[{"query": CONNECTIONS}, {"query": CONNECTIONS}],
        headers=bearer(VIEWER),
    )

    assert response.status_code == 400


async def test_a_caller_over_its_rate_is_429_with_retry_after() -> None:
    async with secured(limits(rate_limit_requests=2, rate_limit_window_seconds=3600)) as gw:
        passed = [(await ask(gw, VIEWER, CONNECTIONS)).status_code for _ in range(2)]
        refused = await ask(gw, VIEWER, CONNECTIONS)
        other = await ask(gw, OPERATOR, CONNECTIONS)

    assert passed == [200, 200]
    assert refused.status_code == 429
    # one request back every 1800 s
    assert refused.headers["retry-after"] == "1800"
    assert error_codes(refused.json()) == ["RATE_LIMITED"]
    assert refused.json()["errors"][0]["extensions"]["retryAfter"] == 1800
    assert other.status_code == 200  # per token, not per gateway


async def test_a_rate_limit_of_zero_is_no_limit() -> None:
    async with secured(limits(rate_limit_requests=0)) as gw:
        statuses = {(await ask(gw, ADMIN, CONNECTIONS)).status_code for _ in range(30)}

    assert statuses == {200}


def test_the_bucket_refills_evenly_over_the_window() -> None:
    now = [0.0]
    limiter = RateLimiter(3, 30.0, clock=lambda: now[0])

    burst = [limiter.acquire("a") for _ in range(4)]
    now[0] = 5.0
    early = limiter.acquire("a")
    now[0] = 10.0
    refilled = limiter.acquire("a")

    assert burst == [None, None, None, 10]
    assert early == 5
    assert refilled is None
    assert limiter.acquire("b") is None  # every caller has its own bucket


def test_a_pages_last_multiplies_like_its_first() -> None:
    schema = build_schema()._schema
    page = "{ organizationsConnection(%s) { nodes { membersConnection(%s) { nodes { id } } } } }"

    def cost(outer: str, inner: str) -> int:
        return operation_cost(schema, parse(page % (outer, inner)), None, {}, 20)

    assert cost("first: 3", "last: 7") == cost("first: 3", "first: 7")
    assert cost("last: 3", "last: 7") == cost("first: 3", "first: 7")
    assert cost("last: 3", "last: 70") > cost("last: 3", "last: 7")


def test_a_page_of_organizations_costs_no_more_than_the_callers_connections() -> None:
    schema = build_schema()._schema
    page = (
        "{ organizationsConnection(first: 100) { nodes { membersConnection { nodes { id } } } } }"
    )
    plain = "{ organizations { membersConnection { nodes { id } } } }"

    def cost(document: str) -> int:
        sizes = {"Query.organizations": 3, "Query.organizationsConnection": 3}
        return operation_cost(schema, parse(document), None, {}, 20, sizes)

    assert cost(page) == cost(plain) + 1  # its nodes field: 3 organizations, not 100
