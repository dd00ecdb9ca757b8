"""A ClickHouse service's upgrade window, ClickHouse settings and query endpoint (the
2026-06 spec) end to end: read in one call each, written with bodies the simulator
validates against the spec, refused before any call where a documented rule is broken."""

from __future__ import annotations

from typing import Any

import pytest

from tests.clickhouse.writes import simulator
from tests.gateway_client import GatewayClient, error_codes

SVC = r"/v1/organizations/[0-9a-f-]{36}/services/[0-9a-f-]{36}"
READ = """query($id: ID!) { database(id: $id) { clickhouse {
    upgradeWindow { weekday startHourUtc durationHours }
    clickhouseSettings { name value }
    queryEndpoint { id apiKeyIds roles allowedOrigins } } } }"""
WINDOW = """mutation($input: SetClickHouseUpgradeWindowInput!) {
  setClickHouseUpgradeWindow(input: $input) {
    upgradeWindow { weekday startHourUtc durationHours } } }"""
SETTINGS = """mutation($input: ChangeClickHouseSettingsInput!) {
  changeClickHouseSettings(input: $input) { settings { name value warning } } }"""
RESET = """mutation($input: ResetClickHouseSettingInput!) {
  resetClickHouseSetting(input: $input) { settings { name value } } }"""
ENDPOINT = """mutation($input: SetClickHouseQueryEndpointInput!) {
  setClickHouseQueryEndpoint(input: $input) {
    queryEndpoint { id apiKeyIds roles allowedOrigins } } }"""
DROP_ENDPOINT = """mutation($id: ID!) {
  deleteClickHouseQueryEndpoint(input: { id: $id }) { queryEndpoint { id } } }"""


async def _production(gw: GatewayClient) -> tuple[str, dict[str, Any]]:
    data = await gw.data(
        '{ databases(first: 1, filter: { nameContains: "Acme Production" }) { nodes { id } } '
        'organizations(connection: "ch-acme") { apiKeys { id nativeId } } }'
    )
    return data["databases"]["nodes"][0]["id"], data["organizations"][0]["apiKeys"][0]


async def test_nothing_set_reads_as_null_and_the_settings_as_their_defaults(
    clickhouse: GatewayClient,
) -> None:
    db, _ = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    ch = (await clickhouse.data(READ, {"id": db}))["database"]["clickhouse"]

    assert ch["upgradeWindow"] is None and ch["queryEndpoint"] is None
    assert {"name": "compatibility", "value": "24.8"} in ch["clickhouseSettings"]
    assert len(simulator(clickhouse).log.entries) == 4  # the service, then one call each


async def test_window_settings_and_endpoint_are_written_and_read_back(
    clickhouse: GatewayClient,
) -> None:
    db, key = await _production(clickhouse)

    window = await clickhouse.data(WINDOW, {"input": {"id": db, "weekday": 3, "startHourUtc": 12}})
    changed = await clickhouse.data(
        SETTINGS, {"input": {"id": db, "settings": {"compatibility": "25.3", "max_threads": 16}}}
    )
    endpoint = await clickhouse.data(
        ENDPOINT,
        {"input": {"id": db, "apiKeyIds": [key["id"]], "roles": ["sql_console_read_only"]}},
    )
    ch = (await clickhouse.data(READ, {"id": db}))["database"]["clickhouse"]

    assert window["setClickHouseUpgradeWindow"]["upgradeWindow"] == {
        "weekday": 3,
        "startHourUtc": 12,
        "durationHours": 6,
    }
    applied = {s["name"]: s for s in changed["changeClickHouseSettings"]["settings"]}
    assert applied["compatibility"]["value"] == "25.3" and applied["compatibility"]["warning"]
    assert applied["max_threads"] == {"name": "max_threads", "value": "16", "warning": None}
    assert endpoint["setClickHouseQueryEndpoint"]["queryEndpoint"]["apiKeyIds"] == [key["nativeId"]]
    assert ch["upgradeWindow"]["weekday"] == 3
    assert {"name": "max_threads", "value": "16"} in ch["clickhouseSettings"]
    assert ch["queryEndpoint"]["roles"] == ["sql_console_read_only"]

    reset = await clickhouse.data(RESET, {"input": {"id": db, "name": "max_threads"}})
    dropped = await clickhouse.data(DROP_ENDPOINT, {"id": db})

    assert {"name": "max_threads", "value": "8"} in reset["resetClickHouseSetting"]["settings"]
    assert dropped["deleteClickHouseQueryEndpoint"]["queryEndpoint"] is None
    log = simulator(clickhouse).log
    assert log.count("PUT", SVC + "/upgradeWindow") == 1
    assert log.count("DELETE", SVC + "/clickhouseSettings/max_threads") == 1


@pytest.mark.parametrize(
    ("mutation", "change", "problem"),
    [
        (WINDOW, {"weekday": 7, "startHourUtc": 12}, "weekday"),
        (WINDOW, {"weekday": 1, "startHourUtc": 5}, "startHourUtc"),
        (SETTINGS, {"settings": {}}, "settings"),
        (SETTINGS, {"settings": {"a": {"b": 1}}}, "settings"),
        (ENDPOINT, {"apiKeyIds": [], "roles": ["root"]}, "roles"),
    ],
)
async def test_a_documented_rule_is_checked_before_any_call(
    clickhouse: GatewayClient, mutation: str, change: dict[str, Any], problem: str
) -> None:
    db, _ = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(mutation, {"input": {"id": db, **change}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert problem in body["errors"][0]["extensions"]["field"]
    assert simulator(clickhouse).log.entries == []


async def test_an_unknown_setting_is_the_vendors_400(clickhouse: GatewayClient) -> None:
    db, _ = await _production(clickhouse)

    body = await clickhouse.post(SETTINGS, {"input": {"id": db, "settings": {"nope": "1"}}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "Unknown setting" in body["errors"][0]["message"]
