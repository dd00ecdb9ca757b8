"""GraphQL over HTTP: the answer's media type follows the client's ``Accept``, with the
spec's status codes, and the graphql-http conformance audit passes with no warning.

Under ``application/graphql-response+json`` a request error (parse, validation, variable
coercion: nothing executed) is 400 without ``data``; an executed operation is 200, field
errors included. Under ``application/json`` (no ``Accept``, ``*/*``) every GraphQL answer
stays 200, with ``data: null`` for a request error, as older clients expect.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.config import load_demo_config
from tests.gateway_client import GatewayClient, error_codes
from tests.node_clients import run_script
from tests.served import serve_demo

NEW = "application/graphql-response+json"
LEGACY = "application/json"
#: what Apollo Client 4 and graphql-http's client send
PREFERS_NEW = f"{NEW}, {LEGACY};q=0.9"
DOES_NOT_PARSE = "{ connections { name }"
DOES_NOT_VALIDATE = "{ connections { noSuchField } }"
COERCION = "query($n: Int) { databases(first: $n) { totalCount } }"
#: an executed operation whose field fails: the ID names no object
FIELD_ERROR = '{ node(id: "not-a-global-id") { id } }'


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with GatewayClient(load_demo_config()) as gateway:
        yield gateway


async def post(gw: GatewayClient, accept: str | None, body: dict[str, Any]) -> Any:
    headers = {} if accept is None else {"Accept": accept}
    return await gw.http.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, LEGACY),
        ("*/*", LEGACY),
        (LEGACY, LEGACY),
        (NEW, NEW),
        (PREFERS_NEW, NEW),
        (f"{LEGACY}, {NEW};q=0.5", LEGACY),
        (f"{NEW};q=0, */*", LEGACY),
        (f"{NEW};q=1, {LEGACY};q=1", NEW),
        ("text/html", LEGACY),
    ],
)
async def test_the_answer_has_the_media_type_the_client_prefers(
    gw: GatewayClient, accept: str | None, media_type: str
) -> None:
    response = await post(gw, accept, {"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "body",
    [
        {"query": DOES_NOT_PARSE},
        {"query": DOES_NOT_VALIDATE},
        {"query": COERCION, "variables": {"n": "twenty"}},
    ],
    ids=["parse", "validation", "coercion"],
)
async def test_a_request_error_is_400_without_data_under_the_new_type(
    gw: GatewayClient, body: dict[str, Any]
) -> None:
    new = await post(gw, PREFERS_NEW, body)
    legacy = await post(gw, None, body)

    assert (new.status_code, new.headers["content-type"]) == (400, NEW)
    assert "data" not in new.json()
    assert new.json()["errors"]
    assert (legacy.status_code, legacy.headers["content-type"]) == (200, LEGACY)
    assert legacy.json()["data"] is None
    assert legacy.json()["errors"] == new.json()["errors"]


async def test_a_field_error_is_200_with_data_under_either_type(gw: GatewayClient) -> None:
    for accept in (PREFERS_NEW, None):
        response = await post(gw, accept, {"query": FIELD_ERROR})

        assert response.status_code == 200, accept
        body = response.json()
        assert body["data"] == {"node": None}
        assert body["errors"][0]["path"] == ["node"]


async def test_a_refusal_keeps_its_status_and_speaks_the_accepted_type(
    gw: GatewayClient,
) -> None:
    form = await gw.http.post(
        "/graphql",
        content=b"query={__typename}",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": NEW},
    )
    not_json = await gw.http.post(
        "/graphql",
        content=b"{nope",
        headers={"Content-Type": LEGACY, "Accept": NEW},
    )

    assert (form.status_code, form.headers["content-type"]) == (415, NEW)
    assert error_codes(form.json()) == ["UNSUPPORTED_MEDIA_TYPE"]
    assert (not_json.status_code, not_json.headers["content-type"]) == (400, NEW)
    assert error_codes(not_json.json()) == ["BAD_REQUEST"]


@pytest.mark.parametrize(
    "accept",
    [
        f"{NEW};q=nan, {LEGACY};q=0.1",
        f"{NEW};q=inf",
        f"{NEW};q=-1",
        f"{NEW};q=lots",
        ";;;,,,;q=;=",
        ",".join([f"{LEGACY};q=0.1"] * 10_000) + f",{NEW}",
        "\u00e9\u00e8; q=\u00e0",
    ],
    ids=["nan", "inf", "negative", "word", "garbled", "huge", "latin1"],
)
async def test_a_hostile_accept_header_gets_the_legacy_type_never_a_500(
    gw: GatewayClient, accept: str
) -> None:
    # bytes: a header is not always ASCII on the wire
    response = await gw.http.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"Accept": accept.encode("latin-1")},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == LEGACY
    assert response.json() == {"data": {"__typename": "Query"}}


def test_the_graphql_http_audit_passes_with_no_warning_and_no_error() -> None:
    with serve_demo() as (base, _):
        lines = run_script("audit.mjs", f"{base}/graphql")

    *audits, summary = lines
    counts = summary["counts"]
    print(
        f"graphql-http serverAudits: {counts['ok']} ok, {counts['warn']} warnings, "
        f"{counts['error']} errors"
    )
    failing = [a for a in audits if a["status"] != "ok"]
    assert failing == []
    assert counts == {"ok": len(audits), "warn": 0, "error": 0}
    assert len(audits) >= 60  # graphql-http 1.23.1 has 61 audits


@pytest.mark.parametrize(
    "document",
    [
        "{ connections { name } ... @defer { organizations { name } } }",
        "{ connections @stream(initialCount: 1) { name } }",
    ],
    ids=["defer", "stream"],
)
async def test_defer_and_stream_are_unknown_directives(gw: GatewayClient, document: str) -> None:
    # not enabled: docs/graphql-over-http.md says why and what a client does instead
    response = await post(gw, PREFERS_NEW, {"query": document})

    assert response.status_code == 400
    assert error_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]
    assert response.json()["errors"][0]["message"].startswith("Unknown directive")
