"""The cross-request cache (memory backend), driven through GraphQL over HTTP; upstream
calls are counted in the simulators' request logs."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from adapters.cache.store import (
    CachedResponse,
    CachePolicy,
    ConnectionCache,
    MemoryBackend,
    affected,
)
from adapters.clickhouse.sim.simulator import DEMO_ACCOUNTS, ClickHouseSimulator
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from adapters.model import ConnectionInfo, Vendor
from adapters.registry import VENDORS, ConnectionSettings, Secret
from adapters.upstream.http import UpstreamHttp, VendorErrorBody, fresh_reads
from gateway.runtime import credential_fingerprint
from tests.cached_upstream import cached_http
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.featurebase.conftest import BOTH_TOML, gateway_over
from tests.featurebase.helpers import org_gid
from tests.gateway_client import GatewayClient

SERVICES = r"/v1/organizations/[0-9a-f-]{36}/services"
SERVICE = SERVICES + r"/[0-9a-f-]{36}"
LIST = '{ databases(first: 100, filter: {connection: "ch-acme"}) { nodes { id name status } } }'
ONE = "query($id: ID!) { database(id: $id) { name status } }"


def with_cache(section: str) -> str:
    return CLICKHOUSE_TWO_ORGS + "\n" + section


async def first_database(gw: GatewayClient) -> str:
    nodes = (await gw.data(LIST))["databases"]["nodes"]
    return str(next(n["id"] for n in nodes if n["name"] == "Acme Production"))


def service_record(gw: GatewayClient, name: str) -> dict[str, Any]:
    sim = gw.simulator("clickhouse")
    for org in sim.state.organizations.values():
        for service in org.services.values():
            if service["name"] == name:
                return service
    raise KeyError(name)


async def test_a_repeated_read_is_answered_from_the_cache(clickhouse: GatewayClient) -> None:
    sim = clickhouse.simulator("clickhouse")

    first = await clickhouse.data(LIST)
    second = await clickhouse.data(LIST)

    assert first == second
    assert sim.log.count("GET", SERVICES) == 1
    stats = clickhouse.runtime.backend.stats
    # the organizations list, the services list and the Postgres services list
    assert stats.hits >= 3
    assert stats.misses == 3


async def test_concurrent_identical_reads_of_many_requests_make_one_call(
    clickhouse: GatewayClient,
) -> None:
    sim = clickhouse.simulator("clickhouse")
    sim.faults.add_latency(0.05)  # all ten are in flight together

    answers = await asyncio.gather(*(clickhouse.data(LIST) for _ in range(10)))

    assert all(a == answers[0] for a in answers)
    assert sim.log.count("GET", SERVICES) == 1
    assert sim.log.count("GET", r"/v1/organizations") == 1


async def test_a_write_invalidates_the_object_and_its_list(clickhouse: GatewayClient) -> None:
    database = await first_database(clickhouse)
    assert (await clickhouse.data(ONE, {"id": database}))["database"]["status"] == "RUNNING"

    await clickhouse.data(
        "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { status } } }",
        {"id": database},
    )

    assert (await clickhouse.data(ONE, {"id": database}))["database"]["status"] == "STOPPING"
    listed = {n["id"]: n for n in (await clickhouse.data(LIST))["databases"]["nodes"]}
    assert listed[database]["status"] == "STOPPING"


async def test_reads_inside_a_write_go_upstream_even_when_cached() -> None:
    sim = ClickHouseSimulator()
    account = DEMO_ACCOUNTS["acme"]
    spec = VENDORS[Vendor("clickhouse")]
    assert spec.resource_kind is not None
    http = UpstreamHttp(
        ConnectionInfo("ch", Vendor("clickhouse"), "https://api.clickhouse.cloud", simulated=True),
        base_url="https://api.clickhouse.cloud",
        read_error=lambda response: VendorErrorBody(),
        auth=httpx.BasicAuth(account["key_id"], account["key_secret"]),
        transport=httpx.ASGITransport(app=sim.app),
        cache=ConnectionCache(MemoryBackend(), "ch:x", CachePolicy(), spec.resource_kind),
    )
    await http.get("/v1/organizations")
    await http.get("/v1/organizations")
    token = fresh_reads.set(True)  # what the mutation runner sets around a write
    try:
        await http.get("/v1/organizations")
    finally:
        fresh_reads.reset(token)
    await http.aclose()

    assert sim.log.count("GET", "/v1/organizations") == 2


async def test_an_answer_is_not_shared_between_credentials() -> None:
    async with GatewayClient.from_toml(CLICKHOUSE_TWO_ORGS) as gw:
        for _ in range(2):
            acme = await gw.data('{ organizations(connection: "ch-acme") { name } }')
            globex = await gw.data('{ organizations(connection: "ch-globex") { name } }')
            assert acme["organizations"] == [{"name": "Acme Analytics"}]
            assert [o["name"] for o in globex["organizations"]] != ["Acme Analytics"]


def test_the_credential_fingerprint_tells_keys_apart_and_hides_them() -> None:
    def settings(secret: str) -> ConnectionSettings:
        return ConnectionSettings(
            name="ch",
            vendor=Vendor("clickhouse"),
            base_url="https://api.clickhouse.cloud",
            secrets={"key_id": Secret("id"), "key_secret": Secret(secret)},
        )

    key = b"k" * 32
    one, again, other = (
        credential_fingerprint(settings(s), key) for s in ("s3cr3t", "s3cr3t", "x")
    )
    assert one == again != other
    assert "s3cr3t" not in one
    assert len(one) * 4 >= 128  # bits: no two credentials share a scope by chance


def test_the_credential_fingerprint_depends_on_the_deployment_key() -> None:
    conn = ConnectionSettings(
        name="ch",
        vendor=Vendor("clickhouse"),
        base_url="https://api.clickhouse.cloud",
        secrets={"key_id": Secret("id"), "key_secret": Secret("s3cr3t")},
    )

    ours, theirs = (credential_fingerprint(conn, key) for key in (b"a" * 32, b"b" * 32))

    assert ours != theirs


async def test_a_kind_with_ttl_zero_is_never_cached() -> None:
    async with GatewayClient.from_toml(with_cache("[cache.ttl]\ndatabases = 0")) as gw:
        await gw.data(LIST)
        await gw.data(LIST)
        sim = gw.simulator("clickhouse")
        assert sim.log.count("GET", SERVICES) == 2
        assert sim.log.count("GET", r"/v1/organizations") == 1  # still cached


async def test_a_disabled_cache_sends_every_read_upstream() -> None:
    async with GatewayClient.from_toml(with_cache("[cache]\nenabled = false")) as gw:
        await gw.data(LIST)
        await gw.data(LIST)
        assert gw.simulator("clickhouse").log.count("GET", SERVICES) == 2


async def test_a_stale_answer_is_served_at_once_and_refreshed_once_in_the_background() -> None:
    config = with_cache("[cache.ttl]\ndatabases = 0.05\n[cache.stale]\ndatabases = 60")
    async with GatewayClient.from_toml(config) as gw:
        sim = gw.simulator("clickhouse")
        await gw.data(LIST)
        service_record(gw, "Acme Production")["name"] = "Acme Renamed"
        await asyncio.sleep(0.1)  # past the TTL, inside the stale window

        answers = await asyncio.gather(*(gw.data(LIST) for _ in range(5)))

        names = [{n["name"] for n in a["databases"]["nodes"]} for a in answers]
        assert all("Acme Production" in n for n in names)  # the stale answer, at once
        for _ in range(100):  # wait for the one refresh
            if gw.runtime.backend.stats.refreshes:
                break
            await asyncio.sleep(0.01)
        assert sim.log.count("GET", SERVICES) == 2  # the first read and one refresh
        fresh = await gw.data(LIST)
        assert "Acme Renamed" in {n["name"] for n in fresh["databases"]["nodes"]}


async def test_the_cache_is_bounded_least_recently_used_first_out() -> None:
    async with GatewayClient.from_toml(with_cache("[cache]\nmax_entries = 1")) as gw:
        database = await first_database(gw)
        await gw.data(ONE, {"id": database})
        await gw.data(ONE, {"id": database})  # evicted by the organizations list
        assert len(gw.runtime.backend) == 1


async def test_failed_answers_are_not_cached(clickhouse: GatewayClient) -> None:
    database = await first_database(clickhouse)
    sim = clickhouse.simulator("clickhouse")
    record = service_record(clickhouse, "Acme Production")
    sim.state.org_of_service(record["id"]).services.pop(record["id"])
    clickhouse.expire_cache()
    sim.log.clear()

    for _ in range(2):
        body = await clickhouse.post(ONE, {"id": database})
        assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]

    assert sim.log.count("GET", SERVICE) == 2


async def test_credentials_with_passwords_are_never_cached() -> None:
    config = '[[connections]]\nname = "dbaas"\nvendor = "dbaas"\nsimulated = true\n'
    query = "{ databases(first: 1) { nodes { credentials { user password } } } }"
    async with GatewayClient.from_toml(config) as gw:
        first = await gw.data(query)
        await gw.data(query)
        sim = gw.simulator("dbaas")
        password_reads = sim.log.count("GET", r"/api/credential/\d+/")
        assert password_reads == 2 * len(first["databases"]["nodes"][0]["credentials"])
        backend = gw.runtime.backend
        assert isinstance(backend, MemoryBackend)
        assert not [url for _, url in backend._entries if "/credential" in url]


async def test_a_write_on_one_kind_invalidates_its_related_lists() -> None:
    keys = "{ organizations { apiKeys { name } } }"
    create = """mutation($input: CreateApiKeyInput!) {
        createApiKey(input: $input) { apiKey { name } } }"""
    async with gateway_over(FeatureBaseSimulator(), BOTH_TOML) as gw:
        before = await gw.data(keys)
        await gw.data(create, {"input": {"organizationId": org_gid(), "name": "bench bot"}})
        after = await gw.data(keys)

    def names(data: dict[str, Any]) -> set[str]:
        return {k["name"] for o in data["organizations"] for k in o["apiKeys"]}

    # the key is created under /v2/users/<id>/keys and listed under /v2/orgs/<id>/keys
    assert names(after) - names(before) == {"bench bot"}


@pytest.mark.parametrize(
    ("url", "written", "hit"),
    [
        ("https://h/v1/o/1/services", "/v1/o/1/services/2", True),  # its collection
        ("https://h/v1/o/1/services/2/backups", "/v1/o/1/services/2", True),  # below it
        ("https://h/v1/o/1/services/2", "/v1/o/1/services/2/state", True),  # parent
        ("https://h/v1/o/1/services/3", "/v1/o/1/services/2", False),  # a sibling
        ("https://h/api/database/?page_size=100", "/api/database/7/", True),
        ("https://h/api/plan/?page_size=100", "/api/database/7/", False),
    ],
)
def test_which_cached_paths_a_write_affects(url: str, written: str, hit: bool) -> None:
    assert affected(url, written) is hit


def test_an_entry_survives_its_encoding() -> None:
    entry = CachedResponse("databases", 200, "application/json", b'{"a":\n1}', 1.5, 2.5)
    assert CachedResponse.decode(entry.encode()) == entry


async def test_the_cache_counters_are_exported_as_metrics(clickhouse: GatewayClient) -> None:
    await clickhouse.data(LIST)
    await clickhouse.data(LIST)

    response = await clickhouse.http.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "dbaas_gateway_cache_misses_total 3.0" in lines  # organizations, services, Postgres
    assert 'dbaas_gateway_cache_backend_up{backend="memory"} 1.0' in lines
    assert 'dbaas_gateway_breaker_state{connection="ch-acme",state="CLOSED"} 1.0' in lines
    hits = next(line for line in lines if line.startswith("dbaas_gateway_cache_hits_total"))
    assert float(hits.split()[-1]) >= 2


async def test_the_memory_backend_keeps_a_bounded_number_of_generations_and_stays_safe() -> None:
    """Each scope that wrote kept a generation in memory for good (on a template
    connection one per caller credential, however bogus). At most ``max_generations`` are
    kept now, oldest write dropped first; a fetch that started before a write is still
    never stored, even once that write's scope was dropped."""
    import time

    backend = MemoryBackend(max_generations=3)
    now = time.time()
    answer = CachedResponse("databases", 200, "application/json", b"{}", now + 60, now + 60)
    started = await backend.generation("tenant-a")

    await backend.invalidate("tenant-a", "/v1/services/s1", frozenset())
    for n in range(10):  # a flood of other credentials' writes drops tenant-a's
        await backend.invalidate(f"tenant-{n}", "/v1/services/s1", frozenset())
    await backend.put("tenant-a", "/v1/services/s1", answer, started)

    assert len(backend._generations) == 3
    assert await backend.get("tenant-a", "/v1/services/s1") is None
    await backend.put("tenant-a", "/v1/services/s1", answer, await backend.generation("tenant-a"))
    assert await backend.get("tenant-a", "/v1/services/s1") is not None


async def test_a_stored_get_is_parsed_once_and_its_readers_get_their_own_copies() -> None:
    """The policy parses a body to check it may be stored; its first reader takes that
    parse. Joiners of the same GET share the response, never a parsed value."""
    released = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        await released.wait()
        return httpx.Response(200, json={"status": 200, "result": [{"id": "o1"}]})

    http = cached_http(handler)
    parses = 0
    parse = http._parse_clean

    def counted(content: bytes) -> Any:
        nonlocal parses
        parses += 1
        return parse(content)

    http._parse_clean = counted  # type: ignore[method-assign]
    first = asyncio.ensure_future(http.get("/v1/organizations"))
    second = asyncio.ensure_future(http.get("/v1/organizations"))
    await asyncio.sleep(0.01)
    released.set()
    one, other = await first, await second
    mine, theirs = http.json(one), http.json(other)
    await http.aclose()

    assert one is other  # joined
    assert mine == theirs == {"status": 200, "result": [{"id": "o1"}]}
    assert mine is not theirs
    assert parses == 2  # the store's parse (taken by the first reader), the joiner's own


async def test_a_secret_learnt_after_a_body_was_parsed_is_still_scrubbed_from_it() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"status": 200, "result": [{"note": "tok-4242-8f1c2b7e9d0a6c5b"}]}
        )

    http = cached_http(handler)
    response = await http.get("/v1/organizations")
    http.scrubber.learn(
        {"authorization": "Bearer tok-4242-8f1c2b7e9d0a6c5b"}
    )  # another call's credential
    body = http.json(response)
    await http.aclose()

    assert "tok-4242-8f1c2b7e9d0a6c5b" not in str(body)


async def test_a_stored_get_searches_its_body_for_secrets_once() -> None:
    """The parse that checks a body may be stored also finds it clean; storing it does
    not search it again (each search of a fresh body is a pass over every byte)."""

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": 200, "result": [{"id": "o1"}]})

    http = cached_http(handler)
    http.scrubber.add("a-configured-secret-0123456789")
    searched: list[bytes] = []
    search = http.scrubber.needs_scrub

    def counted(body: bytes) -> bool:
        searched.append(body)
        return search(body)

    http.scrubber.needs_scrub = counted  # type: ignore[method-assign]
    response = await http.get("/v1/organizations")
    body = http.json(response)
    await http.aclose()

    assert body == {"status": 200, "result": [{"id": "o1"}]}
    assert len(searched) == 1


async def test_a_stored_body_that_holds_a_secret_is_stored_scrubbed() -> None:
    secret = "a-configured-secret-0123456789"

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": 200, "result": [{"note": secret}]})

    http = cached_http(handler)
    http.scrubber.add(secret)
    await http.get("/v1/organizations")
    assert http.cache is not None
    entry = await http.cache.backend.get(
        http.cache.scope, "https://api.clickhouse.cloud/v1/organizations"
    )
    await http.aclose()

    assert entry is not None
    assert secret.encode() not in entry.body
    assert b"[redacted]" in entry.body
