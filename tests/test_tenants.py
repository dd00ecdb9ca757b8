"""Per-caller vendor credentials on a template connection: two tenants asking one
simulator through one connection ("ch", ``credentials = "caller"``) never share an answer,
a cache entry, a single-flight, a breaker or a poller, in memory and on Redis.

The tenants are the ClickHouse simulator's two seeded organizations (a key belongs to one),
so the simulator itself tells them apart: ``/v1/organizations`` answers each key its own.
Upstream calls are counted from the simulator's request log, by the key ID each
authenticated as.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import pytest

from adapters.cache import redis_scripts as lua
from adapters.clickhouse.sim.seed_data import DEMO_ACCOUNTS as CLICKHOUSE_ACCOUNTS
from tests.gateway_client import GatewayClient, error_codes
from tests.leak_guard import GUARD
from tests.redis_server import CACHE_KEY, CACHE_KEY_ENV, CACHE_KEY_TOML, RedisServer
from tests.tenants_support import (
    BFF,
    DATABASES,
    NODE,
    ORG_NAMES,
    ORGS,
    ask,
    clickhouse,
    gateway,
    headers,
    identities,
)

TENANTS = ("acme", "globex")
KEY_IDS = {t: CLICKHOUSE_ACCOUNTS[t]["key_id"] for t in TENANTS}


async def _both_concurrently(gw: GatewayClient, query: str, rounds: int) -> list[dict[str, Any]]:
    """``rounds`` of the two tenants asking ``query`` at the same time; every answer."""
    calls = [
        ask(gw, query, headers(BFF, clickhouse(tenant)))
        for _ in range(rounds)
        for tenant in TENANTS
    ]
    answers = await asyncio.gather(*calls)
    assert all(status == 200 for status, _ in answers), answers
    return [body for _, body in answers]


def _calls_by_tenant(gw: GatewayClient) -> dict[str, int]:
    seen = identities(gw)
    return {tenant: seen.count(key_id) for tenant, key_id in KEY_IDS.items()}


async def _two_tenants_never_share(gw: GatewayClient) -> dict[str, int]:
    """Both tenants ask the same documents, concurrently, three times; each sees only its
    own organization and databases. The upstream calls of each, by key."""
    answers = await _both_concurrently(gw, ORGS, rounds=3)
    for index, body in enumerate(answers):
        tenant = TENANTS[index % 2]
        assert "errors" not in body, body
        assert [o["name"] for o in body["data"]["organizations"]] == [ORG_NAMES[tenant]]
    databases = await _both_concurrently(gw, DATABASES, rounds=3)
    names = [{d["name"] for d in b["data"]["databases"]["nodes"]} for b in databases]
    acme, globex = names[0], names[1]
    assert acme and globex and not acme & globex
    assert names == [acme, globex] * 3
    return _calls_by_tenant(gw)


async def test_two_tenants_concurrently_in_memory_never_share_an_answer() -> None:
    async with gateway() as gw:
        calls = await _two_tenants_never_share(gw)

        # the same query of two tenants: one upstream round per tenant (organizations,
        # then its services and its Postgres services), the repeats cached or coalesced
        # within the tenant, never answered from the other's
        assert calls == {"acme": 3, "globex": 3}
        for key_id in KEY_IDS.values():
            paths = [e.path for e in gw.simulator("clickhouse").log.entries if e.identity == key_id]
            assert paths[0] == "/v1/organizations"
            assert re.fullmatch(r"/v1/organizations/[0-9a-f-]+/services", paths[1])
        assert len(gw.runtime.tenants) == 2
        assert gw.runtime.tenants.built == 2  # concurrent first requests shared a client
        scopes = {e.scope for e in _scopes(gw)}
        assert len(scopes) == 2 and all(s.startswith("ch:") for s in scopes)


def _scopes(gw: GatewayClient) -> list[Any]:
    return [http.cache for a in gw.runtime.tenants.adapters() for http in a.upstreams()]


async def test_two_tenants_concurrently_on_redis_never_share_an_answer(
    redis_server: RedisServer,
) -> None:
    async with gateway(redis_url=redis_server.url) as gw:
        calls = await _two_tenants_never_share(gw)

        assert calls == {"acme": 3, "globex": 3}  # as in memory
        with redis_server.client() as plain:
            stored = b"".join(k + (plain.dump(k) or b"") for k in plain.keys("*"))
            keys = [k.decode() for k in plain.keys("*")]
    # keyed by each credential's HMAC fingerprint; no key ID or secret, in keys or values
    for account in CLICKHOUSE_ACCOUNTS.values():
        assert account["key_id"].encode() not in stored
        assert account["key_secret"].encode() not in stored
    scopes = {k.split("{", 1)[1].split("}", 1)[0] for k in keys if "{ch:" in k}
    assert len(scopes) == 2


async def test_two_gateways_on_one_redis_share_a_tenants_answer_only_with_that_tenant(
    redis_server: RedisServer,
) -> None:
    """Instances share a tenant's cache entries through Redis (the same credential, the
    same fingerprint), never another tenant's."""
    async with (
        gateway(redis_url=redis_server.url) as one,
        gateway(redis_url=redis_server.url) as two,
    ):
        status, body = await ask(one, ORGS, headers(BFF, clickhouse("acme")))
        assert status == 200 and body["data"]["organizations"][0]["name"] == ORG_NAMES["acme"]
        status, body = await ask(two, ORGS, headers(BFF, clickhouse("acme")))
        assert body["data"]["organizations"][0]["name"] == ORG_NAMES["acme"]
        assert _calls_by_tenant(two) == {"acme": 0, "globex": 0}  # from Redis

        status, body = await ask(two, ORGS, headers(BFF, clickhouse("globex")))

        assert body["data"]["organizations"][0]["name"] == ORG_NAMES["globex"]
        assert _calls_by_tenant(two) == {"acme": 0, "globex": 1}


async def test_an_id_minted_for_one_tenant_resolves_for_another_only_through_its_own_key() -> None:
    async with gateway() as gw:
        _, body = await ask(gw, DATABASES, headers(BFF, clickhouse("acme")))
        acme_database = body["data"]["databases"]["nodes"][0]
        _, body = await ask(gw, NODE, headers(BFF, clickhouse("acme")), {"id": acme_database["id"]})
        assert body["data"]["node"]["name"] == acme_database["name"]  # now cached for acme
        before = len(identities(gw))

        _, body = await ask(
            gw, NODE, headers(BFF, clickhouse("globex")), {"id": acme_database["id"]}
        )

        # globex's own key asked the vendor, which refused it; acme's entry was not used
        assert body["data"]["node"] is None
        assert error_codes(body) in (["FORBIDDEN"], ["NOT_FOUND"], [])
        assert identities(gw)[before:] and set(identities(gw)[before:]) == {KEY_IDS["globex"]}


async def test_a_bad_key_is_the_vendors_refusal_of_that_tenant_only() -> None:
    bad = {**clickhouse("acme"), "X-Credential-Clickhouse-Key-Secret": "not-the-secret-0000"}
    async with gateway() as gw:
        for _ in range(3):
            _, body = await ask(gw, ORGS, headers(BFF, bad))
            assert error_codes(body) == ["UNAUTHENTICATED"]
            assert "not-the-secret-0000" not in str(body)

        _, body = await ask(gw, ORGS, headers(BFF, clickhouse("globex")))

        assert body["data"]["organizations"][0]["name"] == ORG_NAMES["globex"]
        # the vendor's 401 says nothing of its health: no breaker opens, for anyone
        states = [a.health().state.value for a in gw.runtime.tenants.adapters()]
        assert states == ["CLOSED", "CLOSED"]
        assert len(identities(gw)) == 4  # three refused (never cached) and globex's


async def test_a_tenants_open_breaker_fails_only_that_tenant() -> None:
    async with gateway() as gw:
        gw.simulator("clickhouse").faults.add(500, path="/v1/organizations", times=2)
        for _ in range(2):  # breaker_failure_threshold = 2, one attempt each
            _, body = await ask(gw, ORGS, headers(BFF, clickhouse("acme")))
            assert error_codes(body) == ["UPSTREAM_UNAVAILABLE"]
        sent = len(gw.simulator("clickhouse").log.entries)

        _, globex = await ask(gw, ORGS, headers(BFF, clickhouse("globex")))
        _, acme = await ask(gw, ORGS, headers(BFF, clickhouse("acme")))

        assert globex["data"]["organizations"][0]["name"] == ORG_NAMES["globex"]
        assert error_codes(acme) == ["UPSTREAM_UNAVAILABLE"]
        assert "circuit open" in acme["errors"][0]["message"]
        assert len(gw.simulator("clickhouse").log.entries) == sent + 1  # globex's only
        states = sorted(a.health().state.value for a in gw.runtime.tenants.adapters())
        assert states == ["CLOSED", "OPEN"]


async def test_the_per_caller_clients_are_bounded_least_recently_used_closed_first() -> None:
    async with gateway() as gw:
        template = gw.runtime.template("ch")
        assert template is not None and template.max_tenants == 100
    async with GatewayClient.from_toml(_with_max_tenants(1)) as gw:
        for tenant in ("acme", "globex", "acme"):
            _, body = await ask(gw, ORGS, headers(BFF, clickhouse(tenant)))
            assert body["data"]["organizations"][0]["name"] == ORG_NAMES[tenant]
            assert len(gw.runtime.tenants) == 1

        assert gw.runtime.tenants.built == 3  # acme's first client was closed for globex's


async def test_a_new_credential_is_refused_while_every_client_serves_a_request() -> None:
    from tests.tenants_support import TOKENS

    async with GatewayClient.from_toml(_with_max_tenants(1, TOKENS)) as gw:
        template = gw.runtime.template("ch")
        assert template is not None
        from gateway.vendor_credentials import read_credentials

        held = await gw.runtime.tenants.lease(
            template, read_credentials(clickhouse("acme").items())["clickhouse"]
        )

        status, body = await ask(gw, ORGS, headers(BFF, clickhouse("globex")))

        assert status == 503 and error_codes(body) == ["TOO_MANY_TENANTS"]
        assert identities(gw) == []
        gw.runtime.tenants.release(held)
        status, body = await ask(gw, ORGS, headers(BFF, clickhouse("globex")))
        assert body["data"]["organizations"][0]["name"] == ORG_NAMES["globex"]


def _recording(gw: GatewayClient) -> list[Any]:
    """Every per-caller adapter the pool builds from now on."""
    built: list[Any] = []
    build = gw.runtime.tenants._build

    def recorded(settings: Any) -> Any:
        built.append(build(settings))
        return built[-1]

    gw.runtime.tenants._build = recorded
    return built


def _with_max_tenants(count: int, tokens: str | None = None) -> str:
    from tests.tenants_support import TEMPLATES, TOKENS

    text = TEMPLATES.replace(
        'credentials = "caller"', f'credentials = "caller"\nmax_tenants = {count}'
    )
    return text + "[auth]\n" + (tokens or TOKENS)


@pytest.mark.parametrize("tenant", TENANTS)
async def test_a_tenant_sees_the_connection_by_its_configured_name(tenant: str) -> None:
    async with gateway() as gw:
        _, body = await ask(gw, "{ connections { name vendor } }", headers(BFF, clickhouse(tenant)))
        assert {"name": "ch", "vendor": "CLICKHOUSE"} in body["data"]["connections"]


CREATE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) { database { name } replayed }
}
"""


async def test_one_idempotency_key_from_two_tenants_creates_once_for_each() -> None:
    """A BFF sends every tenant's writes with one token: the key is the tenant's own."""
    async with gateway() as gw:
        answers = []
        for tenant in (*TENANTS, "acme"):
            credential = headers(BFF, clickhouse(tenant))
            _, orgs = await ask(gw, ORGS, credential)
            variables = {
                "input": {
                    "organizationId": orgs["data"]["organizations"][0]["id"],
                    "name": "nightly",
                    "idempotencyKey": "run-7",
                    "clickhouse": {"provider": "aws", "region": "us-east-1", "tier": "production"},
                }
            }
            _, body = await ask(gw, CREATE, credential, variables)
            assert "errors" not in body, body
            answers.append(body["data"]["createDatabase"]["replayed"])

        creates = gw.simulator("clickhouse").log.matching(
            "POST", r"/v1/organizations/[^/]+/services"
        )

    assert answers == [False, False, True]  # acme's retry is acme's replay
    assert sorted(e.identity or "" for e in creates) == sorted(KEY_IDS.values())


async def test_each_tenant_key_has_its_own_rate_window_shared_by_every_instance(
    redis_server: RedisServer,
) -> None:
    """ClickHouse's 10 requests / 10 s is per key: each tenant's starts are counted in its
    own window in Redis, by every instance."""
    paced = "rate_limit_requests = 5\nrate_limit_window_seconds = 10\n"
    text = _with_max_tenants(100).replace("retry_attempts = 1\n", "retry_attempts = 1\n" + paced)
    env = {CACHE_KEY_ENV: CACHE_KEY}
    redis = f'\n[cache]\nbackend = "redis"\nurl = "{redis_server.url}"\n{CACHE_KEY_TOML}'
    one = GatewayClient.from_toml(text + redis, env)
    two = GatewayClient.from_toml(text + redis, env)
    async with one, two:
        await ask(one, ORGS, headers(BFF, clickhouse("acme")))
        await ask(one, DATABASES, headers(BFF, clickhouse("acme")))
        members = '{ organizations(connection: "ch") { members { id } } }'
        await ask(two, members, headers(BFF, clickhouse("acme")))
        await ask(two, ORGS, headers(BFF, clickhouse("globex")))
        scopes = {
            a.connection.tenant: a.upstreams()[0].cache.scope
            for a in two.runtime.tenants.adapters()
        }

        with redis_server.client() as plain:
            starts = sorted(plain.zcard(lua.key(scope, "rate")) for scope in scopes.values())

    assert len(scopes) == 2
    # acme: its organizations, services and Postgres services on one instance, its
    # members on the other (which read the organizations from Redis); globex: its
    # organizations
    assert starts == [1, 4]
    assert sorted(identities(one) + identities(two)) == sorted(
        [KEY_IDS["acme"]] * 4 + [KEY_IDS["globex"]]
    )


async def test_readyz_shows_a_template_and_how_many_callers_it_serves_never_whom() -> None:
    async with gateway() as gw:
        await ask(gw, ORGS, headers(BFF, clickhouse("acme")))

        ready = (await gw.http.get("/readyz")).json()

    assert ready["status"] == "ready"
    assert ready["health"]["ch"] == {"state": "TEMPLATE", "tenants": 1}
    assert KEY_IDS["acme"] not in str(ready)


async def test_a_vendor_echoing_a_callers_secret_has_it_scrubbed_and_no_log_holds_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "tenant-only-secret-Hq7Vz2Lk9"
    GUARD.add("a caller's vendor secret (test_tenants)", secret)
    credential = {**clickhouse("acme"), "X-Credential-Clickhouse-Key-Secret": secret}
    caplog.set_level(logging.DEBUG)
    async with gateway() as gw:
        gw.simulator("clickhouse").faults.add(400, message=f"key secret {secret} is wrong")

        _, body = await ask(gw, ORGS, headers(BFF, credential))

        # the caller's own client knows it; the scrubber every connection shares does not
        # (it would grow with every caller and outlive them)
        assert gw.runtime.scrubber.scrub(secret) == secret
        (tenant,) = gw.runtime.tenants.adapters()
        assert secret not in tenant.upstreams()[0].scrubber.scrub(secret)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "key secret" in body["errors"][0]["message"]
    assert secret not in str(body)
    assert secret not in caplog.text


async def test_a_flood_of_distinct_credentials_keeps_at_most_max_tenants_clients_open() -> None:
    async with GatewayClient.from_toml(_with_max_tenants(5)) as gw:
        built = _recording(gw)
        for n in range(40):
            flood = {**clickhouse("acme"), "X-Credential-Clickhouse-Key-Secret": f"guess-{n:04}"}
            _, body = await ask(gw, ORGS, headers(BFF, flood))
            assert error_codes(body) == ["UNAUTHENTICATED"]
            assert len(gw.runtime.tenants) <= 5
        kept = gw.runtime.tenants.adapters()
        closed = [a for a in built if a not in kept]

        assert gw.runtime.tenants.built == 40 and len(kept) == 5
        assert len(closed) == 35
        assert all(http.client.is_closed for a in closed for http in a.upstreams())
        assert not any(http.client.is_closed for a in kept for http in a.upstreams())


STOP = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { name } } }"


async def test_a_flood_of_credentials_sending_writes_leaves_no_redis_key_without_expiry(
    redis_server: RedisServer,
) -> None:
    """Each credential is a scope of its own in Redis, and a write (even one the vendor
    refuses) bumps its scope's generation: that key never expired, so every bogus
    credential a caller made up left one key in Redis for good."""
    async with gateway(redis_url=redis_server.url) as gw:
        _, body = await ask(gw, DATABASES, headers(BFF, clickhouse("acme")))
        database = body["data"]["databases"]["nodes"][0]["id"]
        for n in range(20):
            flood = {**clickhouse("acme"), "X-Credential-Clickhouse-Key-Secret": f"guess-{n:04}"}
            _, body = await ask(gw, STOP, headers(BFF, flood), {"id": database})
            assert error_codes(body) == ["UNAUTHENTICATED"]

    with redis_server.client() as plain:
        keys = plain.keys("dbgw:*")
        # (the deployment's own dbgw:epoch and dbgw:fence are one key each)
        forever = [k for k in keys if plain.pttl(k) == -1 and b"{" in k]
    assert len(keys) >= 20 and forever == []


async def test_a_request_trickling_its_body_holds_no_tenant_slot_meanwhile() -> None:
    """A request leased its credential's client as soon as its headers arrived, then read
    its body (for up to body_timeout_seconds): a caller trickling bodies with made-up
    credentials kept every max_tenants slot and other callers got TOO_MANY_TENANTS."""
    from tests.auth_fixtures import token_table
    from tests.tenants_support import TOKENS

    other = "other-bff-token-9f1a"
    tokens = TOKENS + token_table("other", other, "admin").replace(
        'role = "admin"', 'role = "admin"\nvendor_credentials = true'
    )
    first_chunk_read, rest = asyncio.Event(), asyncio.Event()
    body = json.dumps({"query": ORGS}).encode()

    async def trickled() -> Any:
        yield body[:5]
        first_chunk_read.set()  # the app asked for more: it is reading the body
        await rest.wait()
        yield body[5:]

    bogus = {**clickhouse("acme"), "X-Credential-Clickhouse-Key-Secret": "made-up-secret"}
    async with GatewayClient.from_toml(_with_max_tenants(1, tokens)) as gw:
        slow = asyncio.create_task(
            gw.http.post(
                "/graphql",
                content=trickled(),
                headers={**headers(BFF, bogus), "Content-Type": "application/json"},
            )
        )
        await asyncio.wait_for(first_chunk_read.wait(), 10)
        status, body_of_other = await ask(gw, ORGS, headers(other, clickhouse("globex")))
        rest.set()
        trickler = await slow

    assert status == 200, body_of_other
    assert body_of_other["data"]["organizations"][0]["name"] == ORG_NAMES["globex"]
    assert error_codes(trickler.json()) == ["UNAUTHENTICATED"]  # its made-up key, at last
