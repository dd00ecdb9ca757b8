"""The response cache is partitioned by credential: no answer crosses from one caller's
credentials to another's, across repeated (cached) and concurrent requests.

The two ClickHouse demo keys (Acme's and Globex's) ask one simulator for the same URLs
(``/v1/organizations`` answers each key its own organization), first as two simulated
connections, then as two real connections to one simulator served on a socket, and as
two gateway instances sharing one cache backend (as Redis is shared) with the same
connection name and different keys. A forged ID that names one connection with the other's
keys asks the very URL the other connection has cached: it must reach the vendor with its
own key and be refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.cache.store import MemoryBackend
from adapters.clickhouse.sim.seed_data import DEMO_ACCOUNTS
from schema.ids import decode_id, encode_id
from tests.benchmarks.procs import free_port, spawn, stop, wait_ready
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import GatewayClient, error_codes

ORGS = "query($c: String!) { organizations(connection: $c) { id name } }"
DATABASES = """
query($c: String!) { databases(filter: {connection: $c}, first: 50) { nodes { id name } } }
"""
NODE = "query($id: ID!) { node(id: $id) { id ... on Database { name } } }"
EXPECTED = {"ch-acme": "Acme Analytics", "ch-globex": "Globex Data"}
REPEATS = 5

SIMULATED = CLICKHOUSE_TWO_ORGS


def _over_socket(base_url: str, names: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Real (non-simulated) connections to ``base_url``, one per (name -> demo account)."""
    text, env = "", {}
    for name, account in names.items():
        prefix = name.upper().replace("-", "_")
        text += f"""
[[connections]]
name = "{name}"
vendor = "clickhouse"
base_url = "{base_url}"
key_id_env = "{prefix}_KEY_ID"
key_secret_env = "{prefix}_KEY_SECRET"
rate_limit_requests = 1000    # the documented 10 per 10 s would only slow the test down
rate_limit_window_seconds = 1
"""
        env[f"{prefix}_KEY_ID"] = DEMO_ACCOUNTS[account]["key_id"]
        env[f"{prefix}_KEY_SECRET"] = DEMO_ACCOUNTS[account]["key_secret"]
    return text, env


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    """The ClickHouse simulator on a real socket (``dbaas-gateway simulator``)."""
    port = free_port()
    proc = spawn(["-m", "gateway.cli", "simulator", "--vendor", "clickhouse", "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(proc, f"{url}/_simulator/requests")
        yield url
    finally:
        stop(proc)


async def _org_names(gateway: GatewayClient, connection: str) -> list[str]:
    data = await gateway.data(ORGS, {"c": connection})
    return [o["name"] for o in data["organizations"]]


async def _assert_no_crossing(gateway: GatewayClient) -> None:
    """Repeated and concurrent reads of the same URLs through both connections."""
    for _ in range(REPEATS):  # the first fills the cache, the others are answered from it
        for connection, name in EXPECTED.items():
            assert await _org_names(gateway, connection) == [name]
    calls = [_org_names(gateway, c) for _ in range(REPEATS) for c in EXPECTED]
    answers = await asyncio.gather(*calls)
    assert answers == [[EXPECTED[c]] for _ in range(REPEATS) for c in EXPECTED]


async def _assert_forged_id_is_refused(gateway: GatewayClient) -> None:
    """Acme's database read through Acme (cached), then the same URL through Globex's key."""
    data = await gateway.data(DATABASES, {"c": "ch-acme"})
    acme_db = data["databases"]["nodes"][0]
    assert (await gateway.data(NODE, {"id": acme_db["id"]}))["node"] == acme_db  # now cached
    key = decode_id(acme_db["id"]).key
    forged = encode_id("Database", "ch-globex", key)

    for _ in range(REPEATS):
        body = await gateway.post(NODE, {"id": forged})
        assert body["data"]["node"] is None
        assert error_codes(body) == ["NOT_FOUND"]


async def test_two_simulated_connections_of_one_vendor_never_share_an_answer() -> None:
    async with GatewayClient.from_toml(SIMULATED) as gateway:
        await _assert_no_crossing(gateway)
        await _assert_forged_id_is_refused(gateway)
        log = gateway.simulator("clickhouse").log

    # cached: one /v1/organizations per key, not one per request
    by_key = sorted(e.identity or "" for e in log.matching("GET", "/v1/organizations"))
    assert by_key == sorted(DEMO_ACCOUNTS[a]["key_id"] for a in ("acme", "globex"))


async def test_two_keys_against_one_simulator_on_a_socket_never_share_an_answer(
    simulator_url: str,
) -> None:
    text, env = _over_socket(simulator_url, {"ch-acme": "acme", "ch-globex": "globex"})

    async with GatewayClient.from_toml(text, env) as gateway:
        await _assert_no_crossing(gateway)
        await _assert_forged_id_is_refused(gateway)
        stats = gateway.runtime.backend.stats

    assert stats.hits > 0  # the repeats were answered from the cache, and still apart


async def test_one_connection_name_with_two_keys_on_a_shared_backend_never_crosses(
    simulator_url: str,
) -> None:
    """Two instances share one cache backend (as with Redis) and both call their connection
    "ch", one with Acme's key and one with Globex's: the credential fingerprint in the cache
    scope keeps their answers apart."""
    shared = MemoryBackend()
    acme_text, acme_env = _over_socket(simulator_url, {"ch": "acme"})
    globex_text, globex_env = _over_socket(simulator_url, {"ch": "globex"})
    first = GatewayClient.from_toml(acme_text, acme_env)
    second = GatewayClient.from_toml(globex_text, globex_env)
    first.runtime.backend = second.runtime.backend = shared

    async with first, second:
        for _ in range(REPEATS):
            assert await _org_names(first, "ch") == ["Acme Analytics"]
            assert await _org_names(second, "ch") == ["Globex Data"]
        both = await asyncio.gather(
            *(_org_names(gw, "ch") for _ in range(REPEATS) for gw in (first, second))
        )

    assert both == [["Acme Analytics"], ["Globex Data"]] * REPEATS
    assert shared.stats.hits > 0


# -- client tokens with different connection allowlists (issue 9's auth work) ------------


TOKENS = {"acme-only": "token-acme-only-5c1f", "globex-only": "token-globex-only-9b2e"}


def _with_tokens() -> str:
    import hashlib

    text = SIMULATED + "\n[auth]\n"
    for name, token in TOKENS.items():
        connection = "ch-acme" if name == "acme-only" else "ch-globex"
        digest = hashlib.sha256(token.encode()).hexdigest()
        text += f"""
[[auth.tokens]]
name = "{name}"
sha256 = "{digest}"
role = "viewer"
connections = ["{connection}"]
"""
    return text


async def _as(gateway: GatewayClient, token: str, query: str, variables: Any = None) -> Any:
    response = await gateway.http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {TOKENS[token]}"},
    )
    return response.json()


async def test_two_client_tokens_with_different_allowlists_never_see_each_others_answers() -> None:
    async with GatewayClient.from_toml(_with_tokens()) as gateway:
        for _ in range(REPEATS):  # repeated: the second and later answers come from the cache
            acme = await _as(gateway, "acme-only", "{ organizations { id name } }")
            globex = await _as(gateway, "globex-only", "{ organizations { id name } }")
            assert [o["name"] for o in acme["data"]["organizations"]] == ["Acme Analytics"]
            assert [o["name"] for o in globex["data"]["organizations"]] == ["Globex Data"]
        # an ID from the other token's connection names nothing for this one
        acme_org = acme["data"]["organizations"][0]["id"]
        crossed = await _as(gateway, "globex-only", NODE, {"id": acme_org})
        assert crossed["data"]["node"] is None
        assert error_codes(crossed) in (["NOT_FOUND"], ["FORBIDDEN"])
        concurrent = await asyncio.gather(
            *(
                _as(gateway, token, "{ organizations { name } }")
                for _ in range(REPEATS)
                for token in TOKENS
            )
        )
    names = [[o["name"] for o in body["data"]["organizations"]] for body in concurrent]
    assert names == [["Acme Analytics"], ["Globex Data"]] * REPEATS
