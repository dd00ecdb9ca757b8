"""ClickHouse Cloud end to end: GraphQL over HTTP -> gateway -> adapter -> simulator.

What every vendor does (listing, paging, batching, errors, hostile IDs) is the contract
suite's (tests/contract); this file keeps what only ClickHouse does.
"""

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


async def test_databases_span_connections_with_every_state_normalized(
    clickhouse: GatewayClient,
) -> None:
    dbs = await _databases(clickhouse)

    # 13 ClickHouse services and 3 managed Postgres services
    assert len(dbs) == 16
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

    assert {d["name"] for d in running} == {
        "Acme Production",
        "Acme Dev",
        "Globex Warehouse",
        # managed Postgres services are databases of the same connections
        "Acme Orders",
        "Acme Orders Replica",
        "Globex Ledger",
    }
    assert len(named) == 7


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


@pytest.mark.parametrize(
    ("type_name", "key"),
    [("Organization", ("x",)), ("Database", ("not-a-uuid", "x"))],
)
async def test_a_key_part_that_is_no_uuid_is_refused_before_any_call(
    clickhouse: GatewayClient, type_name: str, key: tuple[str, ...]
) -> None:
    """Every ClickHouse ID is a UUID: a rate-limited call for anything else is saved."""
    sim = clickhouse.simulator("clickhouse")

    body = await clickhouse.post(
        "query($id: ID!) { node(id: $id) { id } }", {"id": encode_id(type_name, "ch-acme", key)}
    )

    assert body["data"] == {"node": None}
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert sim.log.entries == []


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


async def test_a_service_shows_its_version_release_channel_and_tags(
    clickhouse: GatewayClient,
) -> None:
    query = """query($id: ID!) { database(id: $id) { engine
        clickhouse { clickhouseVersion releaseChannel tags { key value } } } }"""
    production = await _database_named(clickhouse, "Acme Production")

    found = (await clickhouse.data(query, {"id": production["id"]}))["database"]

    assert found == {
        "engine": "clickhouse",
        "clickhouse": {
            "clickhouseVersion": "25.8.1.8344",
            "releaseChannel": "slow",
            "tags": [{"key": "Environment", "value": "Production"}],
        },
    }


async def test_the_current_specs_service_fields_and_organization_metrics(
    clickhouse: GatewayClient,
) -> None:
    production = await _database_named(clickhouse, "Acme Production")
    query = """query($id: ID!) { database(id: $id) {
        clickhouse { isReadonly minReplicas effectiveAutoscalingMode effectiveMinReplicaMemoryGb }
        organization { clickhouse { prometheusMetrics(filtered: true) } } } }"""
    sim = clickhouse.simulator("clickhouse")
    sim.log.clear()

    found = (await clickhouse.data(query, {"id": production["id"]}))["database"]

    assert found["clickhouse"] == {
        "isReadonly": False,
        "minReplicas": None,  # vertical autoscaling: no replica bounds
        "effectiveAutoscalingMode": "vertical",
        "effectiveMinReplicaMemoryGb": 16,
    }
    text = found["organization"]["clickhouse"]["prometheusMetrics"]
    assert 'clickhouse_service_name="Acme Production"' in text
    (sent,) = sim.log.matching("GET", r"/v1/organizations/[0-9a-f-]{36}/prometheus")
    assert sent.query == "filtered_metrics=true"
