"""What every mutation shares, whatever the vendor: target checks, vendor options,
NOT_SUPPORTED, idempotency keys, secrets only in the payload, and no writes over GET."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from schema.ids import encode_id
from tests.gateway_client import GatewayClient, error_codes

ORGANIZATIONS = """
query { organizations { id connection { name vendor capabilities { operations } } } }
"""

CREATE_DATABASE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) {
    database { id name status raw }
    password
    replayed
  }
}
"""

START_DATABASE = """
mutation($id: ID!) { startDatabase(input: {id: $id}) { database { id status } } }
"""

DATABASE = """query($id: ID!) { database: node(id: $id) { ... on Database { id name raw } } }"""

CLICKHOUSE_OPTIONS = {"provider": "aws", "region": "us-east-1", "tier": "production"}


async def org_of(gw: GatewayClient, connection: str) -> dict[str, Any]:
    orgs = (await gw.data(ORGANIZATIONS))["organizations"]
    return next(o for o in orgs if o["connection"]["name"] == connection)


def writes(gw: GatewayClient, vendor: str) -> int:
    log = gw.simulator(vendor).log
    return sum(log.count(method) for method in ("POST", "PUT", "PATCH", "DELETE"))


async def test_options_for_another_vendor_are_refused_before_any_call(
    demo: GatewayClient,
) -> None:
    org = await org_of(demo, "clickhouse-acme")
    before = writes(demo, "clickhouse")

    body = await demo.post(
        CREATE_DATABASE,
        {
            "input": {
                "organizationId": org["id"],
                "name": "mixed",
                "clickhouse": CLICKHOUSE_OPTIONS,
                "featurebase": {"shape": "8GB"},
            }
        },
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    error = body["errors"][0]
    assert error["extensions"]["field"] == "input.featurebase"
    assert "clickhouse" in error["message"]
    assert writes(demo, "clickhouse") == before


async def test_an_operation_the_vendor_lacks_is_not_supported_naming_both(
    demo: GatewayClient,
) -> None:
    databases = await demo.data("{ databases(filter: {vendor: DBAAS}) { nodes { id } } }")
    database_id = databases["databases"]["nodes"][0]["id"]

    body = await demo.post(START_DATABASE, {"id": database_id})

    assert error_codes(body) == ["NOT_SUPPORTED"]
    assert "dbaas" in body["errors"][0]["message"]
    assert "startDatabase" in body["errors"][0]["message"]
    assert writes(demo, "dbaas") == 0


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("not-an-id", "BAD_USER_INPUT"),
        # an Organization ID where a Database ID belongs
        (encode_id("Organization", "clickhouse-acme", ("org",)), "BAD_USER_INPUT"),
        # a Database ID of a connection this gateway does not have
        (encode_id("Database", "no-such", ("org", "db")), "NOT_FOUND"),
    ],
)
async def test_a_bad_target_id_is_a_clear_error(
    demo: GatewayClient, target: str, code: str
) -> None:
    body = await demo.post(START_DATABASE, {"id": target})

    assert error_codes(body) == [code]
    assert body["data"] is None


async def test_mutations_are_refused_over_get(demo: GatewayClient) -> None:
    mutation = 'mutation { startDatabase(input: {id: "x"}) { database { id } } }'

    response = await demo.http.get("/graphql", params={"query": mutation})

    # GraphQL over HTTP: 405 naming the method that works (docs/security.md)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_a_retried_create_with_the_same_key_creates_once_without_the_secret(
    demo: GatewayClient,
) -> None:
    org = await org_of(demo, "clickhouse-acme")
    variables = {
        "input": {
            "organizationId": org["id"],
            "name": "idempotent",
            "idempotencyKey": "run-42",
            "clickhouse": CLICKHOUSE_OPTIONS,
        }
    }

    first, second = await asyncio.gather(
        demo.data(CREATE_DATABASE, variables), demo.data(CREATE_DATABASE, variables)
    )
    third = await demo.data(CREATE_DATABASE, variables)

    payloads = sorted([first, second], key=lambda d: d["createDatabase"]["replayed"])
    created, replays = payloads[0]["createDatabase"], [payloads[1], third]
    assert created["replayed"] is False and created["password"]
    for replay in replays:
        assert replay["createDatabase"]["replayed"] is True
        assert replay["createDatabase"]["password"] is None
        assert replay["createDatabase"]["database"]["id"] == created["database"]["id"]
    assert demo.simulator("clickhouse").log.count("POST") == 1


async def test_the_same_idempotency_key_with_other_input_is_a_conflict(
    demo: GatewayClient,
) -> None:
    org = await org_of(demo, "clickhouse-acme")
    base = {"organizationId": org["id"], "idempotencyKey": "k", "clickhouse": CLICKHOUSE_OPTIONS}
    await demo.data(CREATE_DATABASE, {"input": base | {"name": "first"}})

    body = await demo.post(CREATE_DATABASE, {"input": base | {"name": "second"}})

    assert error_codes(body) == ["CONFLICT"]
    assert demo.simulator("clickhouse").log.count("POST") == 1


async def test_a_one_time_password_is_in_the_payload_only(
    demo: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    org = await org_of(demo, "clickhouse-acme")
    created = await demo.data(
        CREATE_DATABASE,
        {
            "input": {
                "organizationId": org["id"],
                "name": "secretive",
                "clickhouse": CLICKHOUSE_OPTIONS,
            }
        },
    )
    password = created["createDatabase"]["password"]
    assert password

    later = await demo.data(DATABASE, {"id": created["createDatabase"]["database"]["id"]})

    assert password not in str(later)
    assert password not in str(created["createDatabase"]["database"]["raw"])
    assert password not in caplog.text
