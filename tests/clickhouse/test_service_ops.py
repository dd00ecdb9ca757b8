"""A ClickHouse service's settings schema and one setting, per-replica scaling and its
schedule, private endpoint creation (2026-06 spec) end to end: GraphQL over HTTP into the
gateway, the adapter over HTTP to the simulator, which validates every body against the
spec. Rules are checked before any call; a viewer writes nothing; the vendor's refusals
keep their codes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.auth_fixtures import OPERATOR, VIEWER, answer, secured
from tests.clickhouse.writes import NOW, simulator
from tests.gateway_client import GatewayClient, error_codes

SVC = r"/v1/organizations/[0-9a-f-]{36}/services/[0-9a-f-]{36}"
PRODUCTION = '{ databases(first: 1, filter: { nameContains: "Acme Production" }) { nodes { id } } }'
SETTINGS = """query($id: ID!, $name: String!) { database(id: $id) { clickhouse {
    clickhouseSettingsSchema { name type description allowedValues example warning }
    clickhouseSetting(name: $name) { name value } } } }"""
ONE_SETTING = """query($id: ID!, $name: String!) { database(id: $id) { clickhouse {
    clickhouseSetting(name: $name) { name value } } } }"""
SCALE = """mutation($input: ScaleClickHouseReplicasInput!) {
  scaleClickHouseReplicas(input: $input) {
    database { clickhouse { minReplicas maxReplicas replicaMemoryGb effectiveAutoscalingMode
      maxReplicaMemoryGb idleTimeoutMinutes } } } }"""
SCHEDULE = """mutation($input: SetClickHouseScalingScheduleInput!) {
  setClickHouseScalingSchedule(input: $input) { scalingSchedule {
    windows { id name weekdays startHourUtc endHourUtc replicas maxReplicaMemoryGb activeNow }
    base { minReplicaMemoryGb maxReplicas } activeWindowId } } }"""
READ_SCHEDULE = """query($id: ID!) { database(id: $id) { clickhouse {
    scalingSchedule { windows { name activeNow } activeWindowId } } } }"""
DROP_SCHEDULE = """mutation($id: ID!) {
  deleteClickHouseScalingSchedule(input: { id: $id }) { scalingSchedule { activeWindowId } } }"""
ENDPOINT = """mutation($input: CreateClickHousePrivateEndpointInput!) {
  createClickHousePrivateEndpoint(input: $input) {
    privateEndpoint { id description cloudProvider region }
    database { clickhouse { privateEndpointIds } } } }"""
BUSINESS_HOURS = {
    "name": "Business hours",
    "weekdays": [1, 2, 3, 4, 5],
    "startHourUtc": 9,
    "endHourUtc": 17,
    "replicas": 3,
    "maxReplicaMemoryGb": 64,
}


async def _production(gw: GatewayClient) -> str:
    return str((await gw.data(PRODUCTION))["databases"]["nodes"][0]["id"])


async def test_the_settings_schema_is_typed_and_one_setting_costs_one_call(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)
    log = simulator(clickhouse).log
    log.clear()

    ch = (await clickhouse.data(SETTINGS, {"id": db, "name": "max_threads"}))["database"][
        "clickhouse"
    ]

    schema = {s["name"]: s for s in ch["clickhouseSettingsSchema"]}
    assert schema["compatibility"]["type"] == "string"
    assert schema["compatibility"]["warning"] and schema["compatibility"]["description"]
    assert schema["max_threads"]["example"] == "8"
    assert ch["clickhouseSetting"] == {"name": "max_threads", "value": "8"}
    assert log.count("GET", SVC + "/clickhouseSettings/max_threads") == 1
    assert log.count("GET", SVC + "/clickhouseSettings") == 0  # never the whole list
    assert log.count("GET", SVC + "/clickhouseSettings/schema") == 1


@pytest.mark.parametrize(("name", "calls"), [("no_such_setting", 1), ("schema", 0)])
async def test_a_setting_the_service_has_not_is_null(
    clickhouse: GatewayClient, name: str, calls: int
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    ch = (await clickhouse.data(ONE_SETTING, {"id": db, "name": name}))["database"]["clickhouse"]

    assert ch["clickhouseSetting"] is None
    # "schema" is the schema endpoint's path, no setting's name: null with no call
    assert len(simulator(clickhouse).log.entries) == 1 + calls


async def test_a_malformed_setting_name_is_refused_before_any_call(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(ONE_SETTING, {"id": db, "name": "../keys"})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert simulator(clickhouse).log.count(path=SVC + "/clickhouseSettings/.*") == 0


async def test_replicas_scale_horizontally_and_vertically(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)

    horizontal = await clickhouse.data(
        SCALE, {"input": {"id": db, "minReplicas": 2, "maxReplicas": 6, "replicaMemoryGb": 32}}
    )
    vertical = await clickhouse.data(
        SCALE, {"input": {"id": db, "maxReplicaMemoryGb": 64, "idleTimeoutMinutes": 10}}
    )

    ch = horizontal["scaleClickHouseReplicas"]["database"]["clickhouse"]
    assert (ch["minReplicas"], ch["maxReplicas"], ch["replicaMemoryGb"]) == (2, 6, 32)
    assert ch["effectiveAutoscalingMode"] == "horizontal"
    ch = vertical["scaleClickHouseReplicas"]["database"]["clickhouse"]
    assert ch["maxReplicaMemoryGb"] == 64 and ch["idleTimeoutMinutes"] == 10
    assert simulator(clickhouse).log.count("PATCH", SVC + "/replicaScaling") == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({}, "minReplicaMemoryGb"),
        ({"minReplicaMemoryGb": 10}, "minReplicaMemoryGb"),
        ({"maxReplicaMemoryGb": 360}, "maxReplicaMemoryGb"),
        ({"minReplicaMemoryGb": 32, "maxReplicaMemoryGb": 16}, "minReplicaMemoryGb"),
        ({"minReplicas": 2}, "minReplicas"),
        ({"minReplicas": 4, "maxReplicas": 2}, "minReplicas"),
        ({"minReplicas": 1, "maxReplicas": 2, "numReplicas": 3}, "numReplicas"),
        ({"maxReplicas": 21, "minReplicas": 1}, "maxReplicas"),
        ({"replicaMemoryGb": 32, "minReplicaMemoryGb": 16}, "replicaMemoryGb"),
        ({"idleTimeoutMinutes": 2}, "idleTimeoutMinutes"),
    ],
)
async def test_a_scaling_rule_is_checked_before_any_call(
    clickhouse: GatewayClient, change: dict[str, Any], field: str
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(SCALE, {"input": {"id": db, **change}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == f"input.{field}"
    assert simulator(clickhouse).log.entries == []


async def test_the_vendors_refusal_keeps_its_code(clickhouse: GatewayClient) -> None:
    dev = await clickhouse.data(
        '{ databases(first: 1, filter: { nameContains: "Acme Dev" }) { nodes { id } } }'
    )
    (node,) = dev["databases"]["nodes"]

    body = await clickhouse.post(
        SCALE, {"input": {"id": node["id"], "minReplicas": 1, "maxReplicas": 2}}
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "production" in body["errors"][0]["message"]


async def test_a_schedule_is_set_read_cleared_and_deleted(clickhouse: GatewayClient) -> None:
    simulator(clickhouse).wall_clock = lambda: NOW  # a Monday, 12:00 UTC
    db = await _production(clickhouse)
    night = {"name": "Night", "weekdays": [0, 6], "startHourUtc": 22, "endHourUtc": 6}

    nothing = await clickhouse.data(READ_SCHEDULE, {"id": db})
    made = await clickhouse.data(
        SCHEDULE, {"input": {"id": db, "windows": [BUSINESS_HOURS, night]}}
    )
    read = await clickhouse.data(READ_SCHEDULE, {"id": db})

    assert nothing["database"]["clickhouse"]["scalingSchedule"] is None
    schedule = made["setClickHouseScalingSchedule"]["scalingSchedule"]
    business, overnight = schedule["windows"]
    assert business["replicas"] == 3 and business["weekdays"] == [1, 2, 3, 4, 5]
    assert business["activeNow"] and not overnight["activeNow"]
    assert schedule["activeWindowId"] == business["id"]
    assert schedule["base"]["maxReplicas"] is not None
    assert read["database"]["clickhouse"]["scalingSchedule"]["windows"][1]["name"] == "Night"

    cleared = await clickhouse.data(SCHEDULE, {"input": {"id": db, "windows": []}})
    assert cleared["setClickHouseScalingSchedule"]["scalingSchedule"] is None
    again = await clickhouse.data(READ_SCHEDULE, {"id": db})
    assert again["database"]["clickhouse"]["scalingSchedule"] is None

    await clickhouse.data(SCHEDULE, {"input": {"id": db, "windows": [night]}})
    dropped = await clickhouse.data(DROP_SCHEDULE, {"id": db})
    assert dropped["deleteClickHouseScalingSchedule"]["scalingSchedule"] is None
    missing = await clickhouse.post(DROP_SCHEDULE, {"id": db})
    assert error_codes(missing) == ["NOT_FOUND"]  # the vendor's 404: nothing to delete


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "windows.0.name"),
        ({"weekdays": []}, "windows.0.weekdays"),
        ({"weekdays": [1, 7]}, "windows.0.weekdays"),
        ({"weekdays": [1, 1]}, "windows.0.weekdays"),
        ({"startHourUtc": 24}, "windows.0.startHourUtc"),
        ({"endHourUtc": 9}, "windows.0.endHourUtc"),
        ({"endHourUtc": 25}, "windows.0.endHourUtc"),
        ({"maxReplicaMemoryGb": 30}, "windows.0.maxReplicaMemoryGb"),
        ({"replicas": 0}, "windows.0.replicas"),
        ({"idleTimeoutMinutes": 1}, "windows.0.idleTimeoutMinutes"),
    ],
)
async def test_a_schedule_rule_is_checked_before_any_call(
    clickhouse: GatewayClient, change: dict[str, Any], field: str
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(
        SCHEDULE, {"input": {"id": db, "windows": [BUSINESS_HOURS | change]}}
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == f"input.{field}"
    assert simulator(clickhouse).log.entries == []


async def test_a_private_endpoint_is_created_and_attached(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)

    made = await clickhouse.data(
        ENDPOINT,
        {"input": {"id": db, "endpointId": "vpce-0feedbeef0000001", "description": "app VPC"}},
    )
    twice = await clickhouse.post(
        ENDPOINT, {"input": {"id": db, "endpointId": "vpce-0feedbeef0000001"}}
    )
    blank = await clickhouse.post(ENDPOINT, {"input": {"id": db, "endpointId": " "}})

    created = made["createClickHousePrivateEndpoint"]
    assert created["privateEndpoint"] == {
        "id": "vpce-0feedbeef0000001",
        "description": "app VPC",
        "cloudProvider": "aws",
        "region": "us-east-1",
    }
    assert "vpce-0feedbeef0000001" in created["database"]["clickhouse"]["privateEndpointIds"]
    assert error_codes(twice) == ["CONFLICT"]
    assert error_codes(blank) == ["BAD_USER_INPUT"]
    assert simulator(clickhouse).log.count("POST", SVC + "/privateEndpoint") == 2


async def test_a_postgres_service_has_no_replica_scaling(clickhouse: GatewayClient) -> None:
    pg = await clickhouse.data(
        '{ databases(first: 1, filter: { nameContains: "Acme Orders" }) { nodes { id } } }'
    )
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(
        SCALE, {"input": {"id": pg["databases"]["nodes"][0]["id"], "maxReplicaMemoryGb": 16}}
    )

    assert error_codes(body) == ["NOT_FOUND"]
    assert simulator(clickhouse).log.entries == []


async def test_a_viewer_scales_nothing_and_an_operator_creates_no_endpoint() -> None:
    async with secured() as gw:
        nodes = (await answer(gw, VIEWER, PRODUCTION))["data"]["databases"]["nodes"]
        db = nodes[0]["id"]
        gw.simulator("clickhouse").log.clear()

        scaled = await answer(gw, VIEWER, SCALE, {"input": {"id": db, "idleScaling": True}})
        scheduled = await answer(gw, VIEWER, SCHEDULE, {"input": {"id": db, "windows": []}})
        endpoint = await answer(
            gw, OPERATOR, ENDPOINT, {"input": {"id": db, "endpointId": "vpce-1"}}
        )

        assert error_codes(scaled) == error_codes(scheduled) == ["FORBIDDEN"]
        assert error_codes(endpoint) == ["FORBIDDEN"]
        assert gw.simulator("clickhouse").log.entries == []
