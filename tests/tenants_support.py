"""A gateway with template connections (``credentials = "caller"``) and callers sending
their own vendor credentials, for the per-caller credential tests."""

from __future__ import annotations

from typing import Any

from adapters.clickhouse.sim.seed_data import DEMO_ACCOUNTS as CLICKHOUSE_ACCOUNTS
from tests.auth_fixtures import token_table
from tests.gateway_client import GatewayClient
from tests.redis_server import CACHE_KEY, CACHE_KEY_ENV, CACHE_KEY_TOML

#: a BFF's token, allowed to send vendor credentials; and a token that is not
BFF = "bff-token-5e7a"
PLAIN = "plain-token-0c9d"

TEMPLATES = """
[[connections]]
name = "ch"
vendor = "clickhouse"
simulated = true
credentials = "caller"
breaker_failure_threshold = 2
retry_attempts = 1

[[connections]]
name = "dbaas"
vendor = "dbaas"
simulated = true
"""

TOKENS = token_table("bff", BFF, "admin").replace(
    'role = "admin"', 'role = "admin"\nvendor_credentials = true'
) + token_table("plain", PLAIN, "admin")

ORGS = '{ organizations(connection: "ch") { id name } }'
DATABASES = '{ databases(filter: {connection: "ch"}, first: 50) { nodes { id name } } }'
NODE = "query($id: ID!) { node(id: $id) { id ... on Database { name } } }"

#: each ClickHouse tenant's organization in the simulator
ORG_NAMES = {"acme": "Acme Analytics", "globex": "Globex Data"}


def clickhouse(account: str) -> dict[str, str]:
    """The credential headers of a seeded ClickHouse key."""
    key = CLICKHOUSE_ACCOUNTS[account]
    return {
        "X-Credential-Clickhouse-Key-Id": key["key_id"],
        "X-Credential-Clickhouse-Key-Secret": key["key_secret"],
    }


def headers(token: str, credential: dict[str, str] | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **(credential or {})}


def gateway(extra: str = "", *, redis_url: str | None = None) -> GatewayClient:
    text = TEMPLATES + extra + "[auth]\n" + TOKENS
    env: dict[str, str] = {}
    if redis_url is not None:
        text += f'\n[cache]\nbackend = "redis"\nurl = "{redis_url}"\n{CACHE_KEY_TOML}'
        env[CACHE_KEY_ENV] = CACHE_KEY
    return GatewayClient.from_toml(text, env)


async def ask(
    gw: GatewayClient,
    query: str,
    request_headers: dict[str, str],
    variables: dict[str, Any] | None = None,
) -> tuple[int, dict[str, Any]]:
    response = await gw.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=request_headers
    )
    body: dict[str, Any] = response.json()
    return response.status_code, body


def identities(gw: GatewayClient) -> list[str | None]:
    """Who each request the ClickHouse simulator answered authenticated as (key IDs)."""
    return [e.identity for e in gw.simulator("clickhouse").log.entries]
