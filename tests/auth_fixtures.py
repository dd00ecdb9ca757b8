"""A gateway with client tokens of every role, and a way to call it as each of them."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.auth import token_digest
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import GatewayClient

#: the tokens clients send; the configuration holds only their SHA-256
VIEWER = "viewer-token-4f1c"
OPERATOR = "operator-token-9a2e"
ADMIN = "admin-token-77d0"
ACME_ADMIN = "acme-admin-token-13b5"

CONNECTIONS = (
    CLICKHOUSE_TWO_ORGS
    + """
[[connections]]
name = "dbaas"
vendor = "dbaas"
simulated = true
"""
)


def token_table(name: str, token: str, role: str, connections: list[str] | None = None) -> str:
    lines = ["[[auth.tokens]]", f'name = "{name}"', f'sha256 = "{token_digest(token)}"']
    lines.append(f'role = "{role}"')
    if connections is not None:
        lines.append("connections = [" + ", ".join(f'"{c}"' for c in connections) + "]")
    return "\n".join(lines) + "\n"


TOKENS = (
    token_table("dashboard", VIEWER, "viewer")
    + token_table("ops", OPERATOR, "operator")
    + token_table("root", ADMIN, "admin")
    + token_table("acme-admin", ACME_ADMIN, "admin", ["ch-acme"])
)

#: every connection, four tokens, no anonymous callers
SECURED = CONNECTIONS + TOKENS


def secured(extra: str = "") -> GatewayClient:
    """The secured gateway; ``extra`` adds tables ([limits], [server], ...)."""
    return GatewayClient.from_toml(SECURED + extra)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def ask(
    gw: GatewayClient,
    token: str | None,
    query: str,
    variables: dict[str, Any] | None = None,
    **headers: str,
) -> httpx.Response:
    """POST a document as the holder of ``token`` (None: no Authorization header)."""
    sent = {**(bearer(token) if token else {}), **headers}
    return await gw.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=sent
    )


async def answer(
    gw: GatewayClient, token: str | None, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON body of a document answered with 200."""
    response = await ask(gw, token, query, variables)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def upstream_writes(gw: GatewayClient, vendor: str) -> int:
    log = gw.simulator(vendor).log
    return sum(log.count(method) for method in ("POST", "PUT", "PATCH", "DELETE"))
