"""ClickHouse Cloud end to end: GraphQL over HTTP -> gateway -> adapter -> simulator."""

from __future__ import annotations

from typing import Any

import pytest

from schema.ids import encode_id
from tests.gateway_client import GatewayClient, error_codes

ORGANIZATIONS = """
{ organizations { id nativeId name createdAt connection { name vendor simulated }
    clickhouse { privateEndpoints { id cloudProvider region } } } }
"""

ALL_DATABASES = """
query($first: Int, $after: String, $filter: DatabaseFilter) {
  databases(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { id nativeId name status vendorStatus region cloudProvider createdAt
            connection { name } }
  }
}
"""

DATABASE_DETAILS = """
query($id: ID!) {
  database(id: $id) {
    name status raw
    organization { name }
    clickhouse {
      tier provider region numReplicas idleScaling idleTimeoutMinutes
      minTotalMemoryGb maxTotalMemoryGb privateEndpointIds iamRole
      endpoints { protocol host port }
      ipAccessList { source description }
      backupConfiguration { periodHours retentionPeriodHours startTime }
      privateEndpointConfig { endpointServiceId privateDnsHostname }
      prometheusMetrics
    }
    backups { id nativeId status vendorStatus kind backupType sizeBytes durationSeconds
              startedAt finishedAt database { name } }
  }
}
"""

ORGANIZATION_CHILDREN = """
{ organizations(connection: "ch-acme") {
    members { id nativeId name email role vendorRole joinedAt organization { name } }
    apiKeys { id name state vendorState roles keySuffix createdAt raw organization { name } }
    invitations { id email role expiresAt organization { name } }
    plans { id name description }
    activities { id type actorType createdAt database { name } }
} }
"""


async def _databases(gw: GatewayClient, **variables: Any) -> list[dict[str, Any]]:
    data = await gw.data(ALL_DATABASES, {"first": 200, **variables})
    nodes: list[dict[str, Any]] = data["databases"]["nodes"]
    return nodes


async def _database_named(gw: GatewayClient, name: str) -> dict[str, Any]:
    (db,) = await _databases(gw, filter={"nameContains": name})
    return db


async def test_organizations_of_both_connections_are_listed(clickhouse: GatewayClient) -> None:
    data = await clickhouse.data(ORGANIZATIONS)

    orgs = data["organizations"]
    assert [(o["name"], o["connection"]["name"]) for o in orgs] == [
        ("Acme Analytics", "ch-acme"),
        ("Globex Data", "ch-globex"),
    ]
    assert all(o["connection"]["vendor"] == "CLICKHOUSE" for o in orgs)
    assert orgs[0]["createdAt"].endswith("+00:00")


async def test_databases_span_connections_with_every_state_normalized(
    clickhouse: GatewayClient,
) -> None:
    dbs = await _databases(clickhouse)

    assert len(dbs) == 13
    assert {d["connection"]["name"] for d in dbs} == {"ch-acme", "ch-globex"}
    seen = {d["vendorStatus"]: d["status"] for d in dbs}
    assert "UNKNOWN" not in seen.values()
    assert seen["terminating"] == "DELETING"
    assert seen["awaking"] == "STARTING"
    assert seen["idle"] == "IDLE"


async def test_databases_filter_by_status_name_and_vendor(clickhouse: GatewayClient) -> None:
    running = await _databases(clickhouse, filter={"status": ["RUNNING"], "vendor": "CLICKHOUSE"})
    named = await _databases(
        clickhouse, filter={"nameContains": "gLoBeX", "connection": "ch-globex"}
    )

    assert {d["name"] for d in running} == {"Acme Production", "Acme Dev", "Globex Warehouse"}
    assert len(named) == 6


async def test_database_pages_cover_every_database_once(clickhouse: GatewayClient) -> None:
    seen: list[str] = []
    after = None
    while True:
        data = await clickhouse.data(ALL_DATABASES, {"first": 5, "after": after})
        page = data["databases"]
        seen += [n["id"] for n in page["nodes"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert len(seen) == len(set(seen)) == 13


async def test_database_details_answer_every_clickhouse_field(clickhouse: GatewayClient) -> None:
    db = await _database_named(clickhouse, "Acme Production")

    data = await clickhouse.data(DATABASE_DETAILS, {"id": db["id"]})

    detail = data["database"]
    ch = detail["clickhouse"]
    assert detail["organization"]["name"] == "Acme Analytics"
    assert (ch["tier"], ch["provider"], ch["region"]) == ("production", "aws", "us-east-1")
    assert ch["minTotalMemoryGb"] == 48 and ch["maxTotalMemoryGb"] == 360
    assert ch["idleScaling"] is False
    assert {"source": "198.51.100.7", "description": "CI runner"} in ch["ipAccessList"]
    assert {e["protocol"] for e in ch["endpoints"]} >= {"https", "mysql"}
    assert ch["privateEndpointIds"] == ["vpce-0a1b2c3d4e5f60001"]
    assert ch["backupConfiguration"]["periodHours"] is not None
    assert ch["privateEndpointConfig"]["endpointServiceId"]
    assert "# TYPE" in ch["prometheusMetrics"]
    backups = detail["backups"]
    assert backups and {b["database"]["name"] for b in backups} == {"Acme Production"}
    assert {b["kind"] for b in backups} == {"BACKUP"}
    assert "UNKNOWN" not in {b["status"] for b in backups}


async def test_raw_records_never_carry_secrets(clickhouse: GatewayClient) -> None:
    db = await _database_named(clickhouse, "Acme Reporting")

    data = await clickhouse.data(DATABASE_DETAILS, {"id": db["id"]})

    raw = data["database"]["raw"]
    assert raw["encryptionKey"] == "[redacted]"
    assert "acme-reporting-disk-key" not in str(data)


async def test_organization_children_and_navigation_back(clickhouse: GatewayClient) -> None:
    data = await clickhouse.data(ORGANIZATION_CHILDREN)

    (org,) = data["organizations"]
    assert org["members"] and {m["organization"]["name"] for m in org["members"]} == {
        "Acme Analytics"
    }
    assert {m["role"] for m in org["members"]} <= {"ADMIN", "DEVELOPER"}
    assert all(m["vendorRole"] in ("admin", "developer") for m in org["members"])
    assert {k["state"] for k in org["apiKeys"]} <= {"ENABLED", "DISABLED"}
    assert all("keySecret" not in k["raw"] for k in org["apiKeys"])
    assert org["invitations"] and org["invitations"][0]["organization"]["name"] == "Acme Analytics"
    assert "production" in {p["name"] for p in org["plans"]}
    assert org["activities"]
    assert any(a["database"] for a in org["activities"])


async def test_activities_are_filtered_by_date_upstream(clickhouse: GatewayClient) -> None:
    query = """query($from: DateTime, $to: DateTime) { organizations(connection: "ch-acme") {
        all: activities { createdAt } some: activities(from: $from, to: $to) { createdAt } } }"""

    data = await clickhouse.data(
        query, {"from": "2026-03-01T00:00:00Z", "to": "2026-06-30T00:00:00Z"}
    )

    (org,) = data["organizations"]
    assert 0 < len(org["some"]) < len(org["all"])
    assert all("2026-03-01" <= a["createdAt"][:10] <= "2026-06-30" for a in org["some"])
    sim = clickhouse.simulator("clickhouse")
    (dated,) = [e for e in sim.log.matching("GET", r".*/activities") if e.query]
    assert "from_date=2026-03-01T00%3A00%3A00Z" in dated.query


async def test_node_lookup_round_trips_every_type(clickhouse: GatewayClient) -> None:
    data = await clickhouse.data(ORGANIZATION_CHILDREN)
    (org,) = data["organizations"]
    ids = [
        org["members"][0]["id"],
        org["apiKeys"][0]["id"],
        org["invitations"][0]["id"],
        org["plans"][0]["id"],
        org["activities"][0]["id"],
    ]
    db = await _database_named(clickhouse, "Acme Production")
    details = await clickhouse.data(DATABASE_DETAILS, {"id": db["id"]})
    ids += [db["id"], details["database"]["backups"][0]["id"]]

    found = await clickhouse.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids}
    )

    assert [n["id"] for n in found["nodes"]] == ids
    assert [n["__typename"] for n in found["nodes"]] == [
        "Member",
        "ApiKey",
        "Invitation",
        "Plan",
        "Activity",
        "Database",
        "Backup",
    ]


@pytest.mark.parametrize(
    ("make_id", "code"),
    [
        (lambda: "not-an-id", "BAD_USER_INPUT"),
        (lambda: encode_id("Database", "no-such-connection", ("a", "b")), "NOT_FOUND"),
        (lambda: encode_id("Organization", "ch-acme", ("x",)), "BAD_USER_INPUT"),
        (lambda: encode_id("Database", "ch-acme", ("not-a-uuid", "x")), "BAD_USER_INPUT"),
        (
            lambda: encode_id(
                "Database",
                "ch-acme",
                ("00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"),
            ),
            "NOT_FOUND",
        ),
    ],
)
async def test_bad_ids_give_coded_errors_not_crashes(
    clickhouse: GatewayClient, make_id: Any, code: str
) -> None:
    body = await clickhouse.post(
        "query($id: ID!) { database(id: $id) { name } }", {"id": make_id()}
    )

    assert body["data"] == {"database": None}
    assert error_codes(body) == [code]
    assert "Traceback" not in str(body)


async def test_a_deleted_service_is_not_found(clickhouse: GatewayClient) -> None:
    db = await _database_named(clickhouse, "Acme Sandbox")
    sim = clickhouse.simulator("clickhouse")
    org_state = next(o for o in sim.state.organizations.values() if db["nativeId"] in o.services)
    del org_state.services[db["nativeId"]]

    body = await clickhouse.post("query($id: ID!) { node(id: $id) { id } }", {"id": db["id"]})

    assert body["data"] == {"node": None}
    assert error_codes(body) == ["NOT_FOUND"]
    assert body["errors"][0]["path"] == ["node"]


async def test_wrong_credentials_fail_only_their_connection() -> None:
    toml = """
[[connections]]
name = "good"
vendor = "clickhouse"
simulated = true

[[connections]]
name = "bad-key"
vendor = "clickhouse"
simulated = true
key_id_env = "K"
key_secret_env = "S"
"""
    env = {"K": "not-a-key", "S": "top-secret-value"}
    async with GatewayClient.from_toml(toml, env) as gw:
        body = await gw.post("{ organizations { name } }")

    assert body["data"]["organizations"] == [{"name": "Acme Analytics"}]
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["extensions"]["connection"] == "bad-key"
    assert error["extensions"]["upstreamStatus"] == 401
    assert error["path"] == ["organizations"]
    assert "top-secret-value" not in str(body)


async def test_an_upstream_500_is_a_partial_result_with_the_vendor_request_id(
    clickhouse: GatewayClient,
) -> None:
    sim = clickhouse.simulator("clickhouse")
    globex = next(
        o for o in sim.state.organizations.values() if o.organization["name"] == "Globex Data"
    )
    sim.faults.add(
        500,
        path=f"/v1/organizations/{globex.organization['id']}/services",
        method="GET",
        times=None,
    )

    body = await clickhouse.post(ALL_DATABASES, {"first": 100})

    names = {n["name"] for n in body["data"]["databases"]["nodes"]}
    assert names and all(n.startswith("Acme") for n in names)
    (error,) = body["errors"]
    ext = error["extensions"]
    assert ext["code"] == "UPSTREAM_UNAVAILABLE"
    assert (ext["connection"], ext["vendor"], ext["upstreamStatus"]) == (
        "ch-globex",
        "clickhouse",
        500,
    )
    assert ext["retryable"] is True
    assert ext["upstreamRequestId"]


async def test_an_unexpected_exception_is_masked(
    clickhouse: GatewayClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = clickhouse.runtime.adapters["ch-acme"]

    async def broken(*args: Any) -> Any:
        raise RuntimeError("db password is hunter2")

    monkeypatch.setattr(adapter, "list_members", broken)

    body = await clickhouse.post(
        '{ organizations(connection: "ch-acme") { name members { name } } }'
    )

    assert body["data"]["organizations"] == [{"name": "Acme Analytics", "members": None}]
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL"
    assert "hunter2" not in str(body)
    assert error["extensions"]["errorId"] in caplog.text


async def test_organization_databases_take_the_same_filter_and_pages(
    clickhouse: GatewayClient,
) -> None:
    query = """{ organizations(connection: "ch-globex") {
        databases(first: 2, filter: {status: [STOPPING, DELETING, DELETED, FAILED]}) {
          totalCount pageInfo { hasNextPage } nodes { name status } } } }"""

    data = await clickhouse.data(query)

    (org,) = data["organizations"]
    page = org["databases"]
    assert page["totalCount"] == 4
    assert page["pageInfo"]["hasNextPage"] is True
    assert len(page["nodes"]) == 2


@pytest.mark.parametrize(
    ("type_name", "key"),
    [
        ("Database", ("only-one-part",)),
        ("Database", ("a", "b", "c")),
        ("Backup", ("a", "b")),
        ("Organization", ("a", "b")),
        ("ApiKey", ("single",)),
        ("Member", ("x", "y", "z")),
    ],
)
async def test_a_forged_id_with_the_wrong_number_of_parts_is_not_found(
    clickhouse: GatewayClient, type_name: str, key: tuple[str, ...]
) -> None:
    forged = encode_id(type_name, "ch-acme", key)

    body = await clickhouse.post("query($id: ID!) { node(id: $id) { id } }", {"id": forged})

    assert body["data"] == {"node": None}
    assert error_codes(body) in (["NOT_FOUND"], ["BAD_USER_INPUT"])
