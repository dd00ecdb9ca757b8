"""A ClickHouse role by ID, one Postgres slow query pattern with its recent executions,
and BYOC infrastructure (2026-06 spec) end to end, with the upstream calls counted: one
role is its detail GET, several one roles list, and none after the list was read."""

from __future__ import annotations

from typing import Any

import pytest

from tests.auth_fixtures import OPERATOR, VIEWER, answer, secured
from tests.clickhouse.writes import simulator
from tests.gateway_client import GatewayClient, error_codes

ORG = r"/v1/organizations/[0-9a-f-]{36}"
ROLES = """{ organizations(connection: "ch-acme") { clickhouse { roles { nativeId name } } } }"""
SLOW = """query($id: ID!, $q: String!, $name: String!, $user: String!, $op: String!,
             $at: DateTime) {
  database(id: $id) { clickhousePostgres {
    slowQuery(queryId: $q, dbName: $name, dbUser: $user, dbOperation: $op, at: $at) {
      aggregate { queryId callCount dbUser }
      recentExecutions { timestamp durationUs pid queryText dbUser rows } } } } }"""
LIST = """query($id: ID!) { database(id: $id) { clickhousePostgres {
    slowQueries(from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z", first: 1) {
      queryId dbName dbUser dbOperation } } } }"""
BYOC = """{ organizations(connection: "ch-acme") { id clickhouse { byocInfrastructures {
    id state accountName region cloudProvider displayName } } } }"""
CREATE_BYOC = """mutation($input: CreateClickHouseByocInfrastructureInput!) {
  createClickHouseByocInfrastructure(input: $input) { byocInfrastructure {
    id state region cloudProvider displayName } } }"""
RENAME_BYOC = """mutation($input: RenameClickHouseByocInfrastructureInput!) {
  renameClickHouseByocInfrastructure(input: $input) { byocInfrastructure { id displayName } } }"""
DELETE_BYOC = """mutation($input: DeleteClickHouseByocInfrastructureInput!) {
  deleteClickHouseByocInfrastructure(input: $input) { deletedByocInfrastructureId } }"""
NEW_BYOC = {
    "region": "eu-west-1",
    "accountId": "123456789012",
    "availabilityZoneSuffixes": ["a", "b", "c"],
    "vpcCidrRange": "10.20.0.0/16",
    "displayName": "Acme EU",
}


def _roles_query(count: int) -> str:
    fields = " ".join(f"r{n}: role(nativeId: $r{n}) {{ nativeId name }}" for n in range(count))
    params = ", ".join(f"$r{n}: String!" for n in range(count))
    org = 'organizations(connection: "ch-acme")'
    return f"query({params}) {{ {org} {{ clickhouse {{ {fields} }} }} }}"


async def _role_ids(gw: GatewayClient) -> dict[str, str]:
    listed = (await gw.data(ROLES))["organizations"][0]["clickhouse"]["roles"]
    gw.expire_cache()
    simulator(gw).log.clear()
    return {r["name"]: r["nativeId"] for r in listed}


async def test_one_role_is_its_detail_call(clickhouse: GatewayClient) -> None:
    ids = await _role_ids(clickhouse)

    found = await clickhouse.data(_roles_query(1), {"r0": ids["Analysts"]})

    role = found["organizations"][0]["clickhouse"]["r0"]
    assert role == {"nativeId": ids["Analysts"], "name": "Analysts"}
    log = simulator(clickhouse).log
    assert log.count("GET", ORG + "/roles/[0-9a-f-]{36}") == 1
    assert log.count("GET", ORG + "/roles") == 0


async def test_several_roles_are_one_list_call(clickhouse: GatewayClient) -> None:
    ids = await _role_ids(clickhouse)
    wanted = [ids["Admin"], ids["Developer"], ids["Analysts"], ids["Admin"]]

    found = await clickhouse.data(_roles_query(4), {f"r{n}": i for n, i in enumerate(wanted)})

    ch = found["organizations"][0]["clickhouse"]
    assert [ch[f"r{n}"]["name"] for n in range(4)] == ["Admin", "Developer", "Analysts", "Admin"]
    log = simulator(clickhouse).log
    assert log.count("GET", ORG + "/roles") == 1
    assert log.count("GET", ORG + "/roles/[0-9a-f-]{36}") == 0


async def test_a_role_read_after_the_list_costs_nothing(clickhouse: GatewayClient) -> None:
    ids = await _role_ids(clickhouse)
    query = """query($id: String!) { organizations(connection: "ch-acme") { clickhouse {
        roles { name } role(nativeId: $id) { name } } } }"""

    found = await clickhouse.data(query, {"id": ids["Developer"]})

    assert found["organizations"][0]["clickhouse"]["role"] == {"name": "Developer"}
    assert simulator(clickhouse).log.count("GET", ORG + "/roles.*") == 1


@pytest.mark.parametrize(
    ("role_id", "codes", "calls"),
    [
        ("7c9e6679-7425-40de-944b-e07fc1f90ae7", [], 1),  # nobody's: null, the vendor's 404
        ("not-a-uuid", ["BAD_USER_INPUT"], 0),
    ],
)
async def test_a_role_that_is_not_there(
    clickhouse: GatewayClient, role_id: str, codes: list[str], calls: int
) -> None:
    await _role_ids(clickhouse)

    body = await clickhouse.post(_roles_query(1), {"r0": role_id})

    assert error_codes(body) == codes
    if not codes:
        assert body["data"]["organizations"][0]["clickhouse"]["r0"] is None
    assert simulator(clickhouse).log.count("GET", ORG + "/roles.*") == calls


async def _orders_pattern(gw: GatewayClient) -> tuple[str, dict[str, Any]]:
    dbs = await gw.data(
        '{ databases(filter: { nameContains: "Acme Orders" }) { nodes { id name } } }'
    )
    orders = next(d for d in dbs["databases"]["nodes"] if d["name"] == "Acme Orders")["id"]
    (pattern,) = (await gw.data(LIST, {"id": orders}))["database"]["clickhousePostgres"][
        "slowQueries"
    ]
    simulator(gw).log.clear()
    return orders, pattern


async def test_one_slow_query_pattern_comes_with_its_recent_executions(
    clickhouse: GatewayClient,
) -> None:
    orders, p = await _orders_pattern(clickhouse)
    args = {"id": orders, "q": p["queryId"], "name": p["dbName"], "user": p["dbUser"]}

    found = await clickhouse.data(SLOW, args | {"op": p["dbOperation"]})
    one = await clickhouse.data(SLOW, args | {"op": p["dbOperation"], "at": "2026-06-01T11:59:00Z"})
    other = await clickhouse.data(SLOW, args | {"op": "DELETE"})

    detail = found["database"]["clickhousePostgres"]["slowQuery"]
    assert detail["aggregate"]["queryId"] == p["queryId"]
    runs = detail["recentExecutions"]
    assert len(runs) == 3 and runs[0]["timestamp"] > runs[1]["timestamp"]
    assert runs[0]["dbUser"] == p["dbUser"] and runs[0]["durationUs"] > 0
    (only,) = one["database"]["clickhousePostgres"]["slowQuery"]["recentExecutions"]
    assert only["timestamp"] == "2026-06-01T11:59:00+00:00"
    assert other["database"]["clickhousePostgres"]["slowQuery"] is None  # the vendor's 404
    (sent, *_) = simulator(clickhouse).log.matching("GET", ".*/slowQueryPatterns/.*")
    assert f"db_user={p['dbUser']}" in sent.query


async def test_a_blank_filter_is_refused_before_any_call(clickhouse: GatewayClient) -> None:
    orders, p = await _orders_pattern(clickhouse)

    body = await clickhouse.post(
        SLOW, {"id": orders, "q": p["queryId"], "name": " ", "user": "app", "op": "SELECT"}
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    # the service itself is read (its own answer is never cached); the pattern is not
    assert simulator(clickhouse).log.count(path=".*/slowQueryPatterns.*") == 0


async def test_byoc_infrastructure_is_created_listed_renamed_and_removed(
    clickhouse: GatewayClient,
) -> None:
    org = (await clickhouse.data(BYOC))["organizations"][0]
    assert org["clickhouse"]["byocInfrastructures"] == []

    made = await clickhouse.data(CREATE_BYOC, {"input": {"organizationId": org["id"], **NEW_BYOC}})
    infra = made["createClickHouseByocInfrastructure"]["byocInfrastructure"]
    listed = (await clickhouse.data(BYOC))["organizations"][0]["clickhouse"]
    ref = {"organizationId": org["id"], "byocInfrastructureId": infra["id"]}
    renamed = await clickhouse.data(RENAME_BYOC, {"input": ref | {"displayName": "Acme Dublin"}})
    removed = await clickhouse.data(DELETE_BYOC, {"input": ref})
    after = (await clickhouse.data(BYOC))["organizations"][0]["clickhouse"]

    assert infra["state"] == "infra-ready" and infra["cloudProvider"] == "aws"
    assert listed["byocInfrastructures"][0]["accountName"] == "123456789012"
    assert renamed["renameClickHouseByocInfrastructure"]["byocInfrastructure"] == {
        "id": infra["id"],
        "displayName": "Acme Dublin",
    }
    assert (
        removed["deleteClickHouseByocInfrastructure"]["deletedByocInfrastructureId"] == infra["id"]
    )
    assert after["byocInfrastructures"] == []
    again = await clickhouse.post(DELETE_BYOC, {"input": ref})
    assert error_codes(again) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region": "mars-north-1"}, "input.region"),
        ({"accountId": " "}, "input.accountId"),
        ({"availabilityZoneSuffixes": []}, "input.availabilityZoneSuffixes"),
        ({"availabilityZoneSuffixes": ["a", "z"]}, "input.availabilityZoneSuffixes"),
        ({"vpcCidrRange": "10.20.0.1/16"}, "input.vpcCidrRange"),
        ({"vpcCidrRange": "8.8.0.0/16"}, "input.vpcCidrRange"),
        ({"displayName": ""}, "input.displayName"),
    ],
)
async def test_a_byoc_rule_is_checked_before_any_call(
    clickhouse: GatewayClient, change: dict[str, Any], field: str
) -> None:
    org = (await clickhouse.data(BYOC))["organizations"][0]
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(
        CREATE_BYOC, {"input": {"organizationId": org["id"], **NEW_BYOC, **change}}
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert simulator(clickhouse).log.entries == []


async def test_a_byoc_id_that_is_no_uuid_is_refused_before_any_call(
    clickhouse: GatewayClient,
) -> None:
    org = (await clickhouse.data(BYOC))["organizations"][0]
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(
        DELETE_BYOC, {"input": {"organizationId": org["id"], "byocInfrastructureId": "../keys"}}
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert simulator(clickhouse).log.entries == []


async def test_only_an_admin_builds_byoc_and_anyone_reads_a_role() -> None:
    async with secured() as gw:
        orgs = await answer(gw, VIEWER, "{ organizations { id connection { name } } }")
        org = next(o for o in orgs["data"]["organizations"] if o["connection"]["name"] == "ch-acme")
        gw.simulator("clickhouse").log.clear()

        body = await answer(
            gw, OPERATOR, CREATE_BYOC, {"input": {"organizationId": org["id"], **NEW_BYOC}}
        )
        roles = await answer(gw, VIEWER, ROLES)

        assert error_codes(body) == ["FORBIDDEN"]
        assert gw.simulator("clickhouse").log.count("POST") == 0
        assert "errors" not in roles
