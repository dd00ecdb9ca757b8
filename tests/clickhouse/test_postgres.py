"""ClickHouse-managed Postgres services (the 2026-06 spec) as Databases, end to end:
GraphQL over HTTP -> gateway -> adapter -> simulator, calls counted in its request log."""

from __future__ import annotations

from typing import Any

from adapters.clickhouse.sim.seed_data import POSTGRES_PASSWORDS
from tests.gateway_client import GatewayClient, error_codes

POSTGRES = r"/v1/organizations/[0-9a-f-]{36}/postgres"
ONE = POSTGRES + r"/[0-9a-f-]{36}"

DATABASES = """
{ databases(first: 100, filter: { nameContains: "Orders" }) { nodes {
    id name status vendorStatus engine region cloudProvider canQuery raw
    clickhouse { tier }
    backups { id }
    clickhousePostgres { postgresVersion size haType isPrimary tags { key value } } } } }
"""

DETAILS = """
query($id: ID!) { database(id: $id) { name clickhousePostgres {
    connection { hostname username connectionString storageSizeGb }
    config { pgConfig pgBouncerConfig }
    caCertificates } } }
"""


def _log(gw: GatewayClient) -> Any:
    return gw.simulator("clickhouse").log


async def _orders(gw: GatewayClient) -> dict[str, dict[str, Any]]:
    nodes = (await gw.data(DATABASES))["databases"]["nodes"]
    return {n["name"]: n for n in nodes}


async def test_postgres_services_are_databases_beside_the_clickhouse_services(
    clickhouse: GatewayClient,
) -> None:
    dbs = await _orders(clickhouse)

    orders = dbs["Acme Orders"]
    assert (orders["status"], orders["vendorStatus"], orders["engine"]) == (
        "RUNNING",
        "running",
        "postgres",
    )
    assert (orders["region"], orders["cloudProvider"], orders["canQuery"]) == (
        "us-east-1",
        "aws",
        True,
    )
    assert orders["clickhouse"] is None
    assert orders["backups"] == []  # no backup list: Postgres restores to a point in time
    assert orders["clickhousePostgres"] == {
        "postgresVersion": "17",
        "size": "m6gd.xlarge",
        "haType": "async",
        "isPrimary": True,
        "tags": [{"key": "Environment", "value": "Production"}],
    }
    assert dbs["Acme Orders Replica"]["clickhousePostgres"]["isPrimary"] is False
    # a list costs one postgres list per organization, no backup or detail calls
    assert _log(clickhouse).count("GET", POSTGRES) == 2
    assert _log(clickhouse).count("GET", ONE) == 0


async def test_connection_details_come_from_the_services_own_answer_without_its_password(
    clickhouse: GatewayClient,
) -> None:
    orders = (await _orders(clickhouse))["Acme Orders"]
    _log(clickhouse).clear()

    body = await clickhouse.post(DETAILS, {"id": orders["id"]})

    pg = body["data"]["database"]["clickhousePostgres"]
    assert pg["connection"]["username"] == "postgres"
    assert pg["connection"]["hostname"].endswith(".postgres.clickhouse.cloud")
    assert pg["connection"]["storageSizeGb"] == 250
    assert "[redacted]" in pg["connection"]["connectionString"]
    assert pg["config"]["pgBouncerConfig"] == {"default_pool_size": "16"}
    assert pg["caCertificates"].startswith("-----BEGIN CERTIFICATE-----")
    assert POSTGRES_PASSWORDS["Acme Orders"] not in str(body)
    # the lookup by ID is the detail GET, and its connection details come with it
    assert _log(clickhouse).count("GET", ONE) == 1
    assert _log(clickhouse).count("GET", ONE + "/config") == 1
    assert _log(clickhouse).count("GET", ONE + "/caCertificates") == 1
    assert len(_log(clickhouse).entries) == 3


async def test_the_services_own_answer_is_never_cached(clickhouse: GatewayClient) -> None:
    orders = (await _orders(clickhouse))["Acme Orders"]
    query = "query($id: ID!) { database(id: $id) { name } }"
    _log(clickhouse).clear()

    for _ in range(2):
        await clickhouse.data(query, {"id": orders["id"]})

    assert _log(clickhouse).count("GET", ONE) == 2
    # while the list, which holds no password, is cached like any other
    await _orders(clickhouse)
    assert _log(clickhouse).count("GET", POSTGRES) == 0
    assert not any(POSTGRES_PASSWORDS["Acme Orders"] in str(e) for e in clickhouse.cached_entries())


async def test_metrics_and_slow_queries_take_the_window_and_the_page(
    clickhouse: GatewayClient,
) -> None:
    orders = (await _orders(clickhouse))["Acme Orders"]
    query = """query($id: ID!) { database(id: $id) { clickhousePostgres {
        metrics(from: "2026-11-01T00:00:00Z", to: "2026-11-01T03:00:00Z", bucketSizeSeconds: 3600) {
          key unit series { label points { timestamp value } } }
        slowQueries(from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z",
                    sortBy: CALL_COUNT, descending: false, first: 2, dbUser: "app") {
          queryId dbUser callCount } } } }"""
    _log(clickhouse).clear()

    pg = (await clickhouse.data(query, {"id": orders["id"]}))["database"]["clickhousePostgres"]

    (cpu,) = pg["metrics"]
    assert cpu["key"] == "cpu_usage"
    assert [p["timestamp"] for p in cpu["series"][0]["points"]] == [
        "2026-11-01T00:00:00+00:00",
        "2026-11-01T01:00:00+00:00",
        "2026-11-01T02:00:00+00:00",
    ]
    slow = pg["slowQueries"]
    assert len(slow) == 2 and {s["dbUser"] for s in slow} == {"app"}
    assert slow[0]["callCount"] <= slow[1]["callCount"]
    (sent,) = _log(clickhouse).matching("GET", ONE + "/slowQueryPatterns")
    assert "sort_by=call_count" in sent.query and "sort_order=asc" in sent.query
    assert "limit=2" in sent.query and "db_user=app" in sent.query


async def test_a_window_that_ends_before_it_starts_is_refused_before_any_call(
    clickhouse: GatewayClient,
) -> None:
    orders = (await _orders(clickhouse))["Acme Orders"]
    query = """query($id: ID!) { database(id: $id) { clickhousePostgres {
        metrics(from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z") { key } } } }"""
    _log(clickhouse).clear()

    body = await clickhouse.post(query, {"id": orders["id"]})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "toDate" in body["errors"][0]["message"]
    assert _log(clickhouse).count(None, ONE + "/metrics") == 0


async def test_the_organizations_postgres_metrics_are_one_call(clickhouse: GatewayClient) -> None:
    query = """{ organizations(connection: "ch-acme") {
        clickhouse { postgresPrometheusMetrics } } }"""
    (org,) = (await clickhouse.data(query))["organizations"]
    assert org["clickhouse"]["postgresPrometheusMetrics"].count("pg_up{") == 2
