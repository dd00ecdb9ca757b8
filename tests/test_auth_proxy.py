"""Trusted-header mode: a BFF's proxy names the user and role in headers, honoured only
when the TCP peer is one of the configured proxy addresses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from tests.auth_fixtures import CONNECTIONS, VIEWER, token_table
from tests.gateway_client import GatewayClient, error_codes

PROXIED = (
    CONNECTIONS
    + """
[auth.trusted_proxy]
addresses = ["10.0.0.0/8", "127.0.0.1"]
user_header = "X-Forwarded-User"
role_header = "X-Forwarded-Role"
connections = ["ch-acme", "ch-globex"]
"""
    + token_table("dashboard", VIEWER, "viewer")
)
CONNECTION_NAMES = "{ connections { name } }"
STOP = 'mutation { stopDatabase(input: {id: "x"}) { database { id } } }'


@asynccontextmanager
async def gateway_seen_from(peer: str) -> AsyncIterator[tuple[GatewayClient, httpx.AsyncClient]]:
    """The proxied gateway, and an HTTP client whose TCP peer address is ``peer``."""
    async with GatewayClient.from_toml(PROXIED) as gw:
        transport = httpx.ASGITransport(app=gw.app, client=(peer, 40_000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as http:
            yield gw, http


async def post(http: httpx.AsyncClient, query: str, **headers: str) -> httpx.Response:
    return await http.post("/graphql", json={"query": query}, headers=headers)


async def test_a_trusted_proxy_names_the_user_and_role() -> None:
    async with gateway_seen_from("10.1.2.3") as (_, http):
        read = await post(http, CONNECTION_NAMES, **{"X-Forwarded-User": "alice"})
        write = await post(
            http, STOP, **{"X-Forwarded-User": "alice", "X-Forwarded-Role": "operator"}
        )

    assert read.status_code == 200
    # the proxy's allowlist applies to every proxied user
    assert read.json()["data"]["connections"] == [{"name": "ch-acme"}, {"name": "ch-globex"}]
    # past the role check ("x" is not an ID): the role header made alice an operator
    assert error_codes(write.json()) == ["BAD_USER_INPUT"]


async def test_without_a_role_header_a_proxied_user_is_a_viewer() -> None:
    async with gateway_seen_from("127.0.0.1") as (_, http):
        write = await post(http, STOP, **{"X-Forwarded-User": "bob"})

    assert error_codes(write.json()) == ["FORBIDDEN"]
    assert "this caller is viewer" in write.json()["errors"][0]["message"]


async def test_the_headers_from_any_other_peer_are_ignored() -> None:
    headers = {"X-Forwarded-User": "mallory", "X-Forwarded-Role": "admin"}
    async with gateway_seen_from("192.168.7.9") as (_, http):
        spoofed = await post(http, CONNECTION_NAMES, **headers)
        with_token = await post(http, CONNECTION_NAMES, Authorization=f"Bearer {VIEWER}", **headers)
        token_write = await post(http, STOP, Authorization=f"Bearer {VIEWER}", **headers)

    assert spoofed.status_code == 401
    assert with_token.status_code == 200
    # the token's role, not the header's
    assert error_codes(token_write.json()) == ["FORBIDDEN"]


async def test_an_unknown_role_from_the_proxy_is_401() -> None:
    headers = {"X-Forwarded-User": "carol", "X-Forwarded-Role": "superuser"}
    async with gateway_seen_from("10.0.0.1") as (_, http):
        response = await post(http, CONNECTION_NAMES, **headers)

    assert response.status_code == 401
    assert "unknown role 'superuser'" in response.json()["errors"][0]["message"]


async def test_a_user_name_that_is_not_plain_is_401() -> None:
    async with gateway_seen_from("10.0.0.1") as (_, http):
        response = await post(http, CONNECTION_NAMES, **{"X-Forwarded-User": "eve\tadmin"})

    assert response.status_code == 401


async def test_a_trusted_peer_without_the_user_header_still_needs_a_token() -> None:
    async with gateway_seen_from("10.0.0.1") as (_, http):
        anonymous = await post(http, CONNECTION_NAMES)
        token = await post(http, CONNECTION_NAMES, Authorization=f"Bearer {VIEWER}")

    assert anonymous.status_code == 401
    assert token.json()["data"]["connections"][-1] == {"name": "dbaas"}
