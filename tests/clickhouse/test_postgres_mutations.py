"""Writes on ClickHouse-managed Postgres services through the ordinary mutations: what each
sends (the simulator validates every body against the 2026-06 spec's own schemas), what is
refused before any call, and what a Postgres service cannot do."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clickhouse.writes import at_now, simulator, upstream_writes
from tests.gateway_client import GatewayClient, error_codes

POSTGRES = r"/v1/organizations/[0-9a-f-]{36}/postgres"
ONE = POSTGRES + r"/[0-9a-f-]{36}"

ORGANIZATION = '{ organizations(connection: "ch-acme") { id } }'
ORDERS = """{ databases(first: 50, filter: { nameContains: "Acme Orders" }) {
    nodes { id name } } }"""
FIELDS = "id name status vendorStatus engine clickhousePostgres { size haType isPrimary }"
CREATE = f"""
mutation($input: CreateDatabaseInput!) {{
  createDatabase(input: $input) {{ password database {{ {FIELDS} }} }} }}"""
UPDATE = f"""
mutation($input: UpdateDatabaseInput!) {{
  updateDatabase(input: $input) {{ database {{ {FIELDS} }} }} }}
"""
DELETE = """
mutation($id: ID!) { deleteDatabase(input: { id: $id }) { deletedId outcome database { status } } }
"""
RESET = """
mutation($id: ID!) { resetDatabasePassword(input: { id: $id }) { password database { id } } }
"""
STOP = "mutation($id: ID!) { stopDatabase(input: { id: $id }) { database { id } } }"


@pytest.fixture
async def gw(clickhouse: GatewayClient) -> GatewayClient:
    return await at_now(clickhouse)


async def _org(gw: GatewayClient) -> str:
    org_id: str = (await gw.data(ORGANIZATION))["organizations"][0]["id"]
    return org_id


async def _orders(gw: GatewayClient) -> dict[str, str]:
    return {n["name"]: n["id"] for n in (await gw.data(ORDERS))["databases"]["nodes"]}


def _create(org: str, name: str, **clickhouse: Any) -> dict[str, Any]:
    return {"input": {"organizationId": org, "name": name, "clickhouse": clickhouse}}


async def test_create_a_postgres_service_shows_its_password_once(gw: GatewayClient) -> None:
    org = await _org(gw)
    simulator(gw).log.clear()

    data = await gw.data(
        CREATE,
        _create(
            org,
            "Acme Ledger",
            region="us-east-1",
            postgres={"size": "m6gd.large", "haType": "sync"},
        ),
    )

    created = data["createDatabase"]
    assert created["password"]
    db = created["database"]
    assert (db["name"], db["status"], db["vendorStatus"], db["engine"]) == (
        "Acme Ledger",
        "PROVISIONING",
        "creating",
        "postgres",
    )
    assert db["clickhousePostgres"] == {"size": "m6gd.large", "haType": "sync", "isPrimary": True}
    assert simulator(gw).log.count("POST", POSTGRES) == 1
    assert upstream_writes(gw) == 1
    # the next read finds it among the databases, its password nowhere
    simulator(gw).settle()
    listed = await gw.data(
        '{ databases(first: 50, filter: { nameContains: "Acme Ledger" }) '
        "{ nodes { name status raw } } }"
    )
    assert [(n["name"], n["status"]) for n in listed["databases"]["nodes"]] == [
        ("Acme Ledger", "RUNNING")
    ]
    assert created["password"] not in str(listed)


async def test_restore_to_a_point_in_time_and_a_read_replica_are_new_databases(
    gw: GatewayClient,
) -> None:
    org, orders = await _org(gw), (await _orders(gw))["Acme Orders"]

    restored = await gw.data(
        CREATE,
        _create(
            org,
            "Orders Yesterday",
            postgres={"fromDatabaseId": orders, "restoreTo": "2026-11-22T12:00:00Z"},
        ),
    )
    replica = await gw.data(
        CREATE, _create(org, "Orders Reader", postgres={"readReplicaOfId": orders})
    )

    assert restored["createDatabase"]["database"]["vendorStatus"] == "restoring_backup"
    assert restored["createDatabase"]["database"]["status"] == "RESTORING"
    assert replica["createDatabase"]["database"]["clickhousePostgres"]["isPrimary"] is False
    log = simulator(gw).log
    assert log.count("POST", ONE + "/restoredService") == 1
    assert log.count("POST", ONE + "/readReplica") == 1


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"region": "us-east-1", "postgres": {"size": "huge"}}, "input.clickhouse.postgres.size"),
        ({"region": "us-east-1", "postgres": {}}, "input.clickhouse.postgres.size"),
        ({"postgres": {"size": "m6gd.large"}}, "input.clickhouse.region"),
        (
            {"region": "us-east-1", "postgres": {"size": "m6gd.large", "postgresVersion": "9"}},
            "input.clickhouse.postgres.postgresVersion",
        ),
        (
            {"region": "us-east-1", "tier": "production", "postgres": {"size": "m6gd.large"}},
            "input.clickhouse.tier",
        ),
        (
            {"region": "us-east-1", "provider": "gcp", "postgres": {"size": "m6gd.large"}},
            "input.clickhouse.provider",
        ),
        (
            {"postgres": {"restoreTo": "2026-11-22T12:00:00Z", "size": "m6gd.large"}},
            "input.clickhouse.region",
        ),
    ],
)
async def test_create_checks_the_specs_rules_before_any_call(
    gw: GatewayClient, options: dict[str, Any], field: str
) -> None:
    org = await _org(gw)
    simulator(gw).log.clear()

    body = await gw.post(CREATE, _create(org, "Acme Ledger", **options))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert simulator(gw).log.entries == []


async def test_a_restore_needs_its_point_in_time(gw: GatewayClient) -> None:
    org, orders = await _org(gw), (await _orders(gw))["Acme Orders"]
    simulator(gw).log.clear()

    body = await gw.post(CREATE, _create(org, "Orders Then", postgres={"fromDatabaseId": orders}))

    assert body["errors"][0]["extensions"]["field"] == "input.clickhouse.postgres.restoreTo"
    assert simulator(gw).log.entries == []


async def test_update_renames_and_resizes(gw: GatewayClient) -> None:
    orders = (await _orders(gw))["Acme Orders"]

    data = await gw.data(
        UPDATE,
        {
            "input": {
                "id": orders,
                "name": "Acme Orders Main",
                "clickhouse": {"postgres": {"size": "m6gd.2xlarge"}},
            }
        },
    )

    db = data["updateDatabase"]["database"]
    assert (db["name"], db["clickhousePostgres"]["size"]) == ("Acme Orders Main", "m6gd.2xlarge")
    assert simulator(gw).log.count("PATCH", ONE) == 1


async def test_delete_is_asynchronous_and_the_password_reset_shows_the_new_one(
    gw: GatewayClient,
) -> None:
    dbs = await _orders(gw)

    reset = await gw.data(RESET, {"id": dbs["Acme Orders"]})
    deleted = await gw.data(DELETE, {"id": dbs["Acme Orders Replica"]})

    assert len(reset["resetDatabasePassword"]["password"]) >= 12
    assert deleted["deleteDatabase"]["outcome"] == "DELETING"
    assert deleted["deleteDatabase"]["database"]["status"] == "DELETING"
    assert simulator(gw).log.count("PATCH", ONE + "/password") == 1
    assert simulator(gw).log.count("DELETE", ONE) == 1


async def test_a_postgres_service_cannot_be_stopped(gw: GatewayClient) -> None:
    orders = (await _orders(gw))["Acme Orders"]
    simulator(gw).log.clear()

    body = await gw.post(STOP, {"id": orders})

    assert error_codes(body) == ["NOT_SUPPORTED"]
    assert "Postgres" in body["errors"][0]["message"]
    assert simulator(gw).log.entries == []


STATE = """
mutation($id: ID!, $command: ClickHousePostgresCommand!) {
  changeClickHousePostgresState(input: { id: $id, command: $command }) {
    database { status vendorStatus } } }
"""
CONFIG = """
mutation($input: UpdateClickHousePostgresConfigInput!) {
  updateClickHousePostgresConfig(input: $input) { config { pgConfig pgBouncerConfig message } } }
"""


async def test_a_restart_is_the_services_own_state_command(gw: GatewayClient) -> None:
    orders = (await _orders(gw))["Acme Orders"]

    data = await gw.data(STATE, {"id": orders, "command": "RESTART"})

    assert data["changeClickHousePostgresState"]["database"] == {
        "status": "STARTING",
        "vendorStatus": "restarting",
    }
    (sent,) = simulator(gw).log.matching("PATCH", ONE + "/state")
    assert sent.status == 200


async def test_a_clickhouse_service_has_no_postgres_state(gw: GatewayClient) -> None:
    dbs = (
        await gw.data(
            '{ databases(first: 1, filter: { nameContains: "Acme Production" }) { nodes { id } } }'
        )
    )["databases"]["nodes"]
    simulator(gw).log.clear()

    body = await gw.post(STATE, {"id": dbs[0]["id"], "command": "RESTART"})

    assert error_codes(body) == ["NOT_FOUND"]
    assert simulator(gw).log.entries == []


async def test_config_merges_or_replaces_the_settings(gw: GatewayClient) -> None:
    orders = (await _orders(gw))["Acme Orders"]
    settings = {"pgConfig": {"work_mem": "64MB"}, "pgBouncerConfig": {"pool_mode": "session"}}

    merged = await gw.data(CONFIG, {"input": {"id": orders, **settings}})
    replaced = await gw.data(CONFIG, {"input": {"id": orders, **settings, "replace": True}})

    config = merged["updateClickHousePostgresConfig"]["config"]
    assert config["pgConfig"] == {"max_connections": "200", "work_mem": "64MB"}
    assert "restart" in config["message"]
    assert replaced["updateClickHousePostgresConfig"]["config"]["pgConfig"] == {"work_mem": "64MB"}
    log = simulator(gw).log
    assert (log.count("PATCH", ONE + "/config"), log.count("POST", ONE + "/config")) == (1, 1)


async def test_config_values_must_be_settings_and_some_must_be_given(gw: GatewayClient) -> None:
    orders = (await _orders(gw))["Acme Orders"]
    simulator(gw).log.clear()

    nested = await gw.post(
        CONFIG,
        {"input": {"id": orders, "pgConfig": {"a": {"b": 1}}, "pgBouncerConfig": {"c": "d"}}},
    )
    empty = await gw.post(
        CONFIG, {"input": {"id": orders, "pgConfig": {}, "pgBouncerConfig": {"c": "d"}}}
    )

    assert error_codes(nested) == ["BAD_USER_INPUT"] == error_codes(empty)
    assert empty["errors"][0]["extensions"]["field"] == "input.pgConfig"
    assert simulator(gw).log.entries == []
