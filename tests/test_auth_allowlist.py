"""A token's connection allowlist: the other connections do not exist for it. Lists skip
them, their IDs are NOT_FOUND exactly like IDs of connections nobody configured (never
FORBIDDEN, which would confirm they exist), and idempotency keys are per caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from schema.ids import decode_id, encode_id
from tests.auth_fixtures import ACME_ADMIN, ADMIN, answer, secured, upstream_writes
from tests.gateway_client import GatewayClient, error_codes

CONNECTIONS = "{ connections { name } }"
ORGANIZATIONS = "{ organizations { id name connection { name } } }"
DATABASES = "{ databases(first: 200) { totalCount nodes { id connection { name } } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
STOP = "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { id } } }"
ORGANIZATIONS_OF = "query($c: String) { organizations(connection: $c) { name } }"
CREATE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) { database { id } replayed }
}
"""


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with secured() as client:
        yield client


async def database_of(gw: GatewayClient, connection: str) -> str:
    nodes = (await answer(gw, ADMIN, DATABASES))["data"]["databases"]["nodes"]
    return str(next(n["id"] for n in nodes if n["connection"]["name"] == connection))


def moved_to(global_id: str, connection: str) -> str:
    """The same object's ID as if it lived on another connection."""
    gid = decode_id(global_id)
    return encode_id(gid.type_name, connection, gid.key)


def only_error(body: dict[str, Any]) -> tuple[str, str]:
    (error,) = body["errors"]
    return error["extensions"]["code"], error["message"]


async def test_connections_lists_only_the_allowed_ones(gw: GatewayClient) -> None:
    body = await answer(gw, ACME_ADMIN, CONNECTIONS)

    assert body["data"]["connections"] == [{"name": "ch-acme"}]


async def test_lists_skip_the_other_connections(gw: GatewayClient) -> None:
    orgs = (await answer(gw, ACME_ADMIN, ORGANIZATIONS))["data"]["organizations"]
    databases = (await answer(gw, ACME_ADMIN, DATABASES))["data"]["databases"]
    dbaas_calls = len(gw.simulator("dbaas").log.entries)
    everything = (await answer(gw, ADMIN, DATABASES))["data"]["databases"]

    assert {o["connection"]["name"] for o in orgs} == {"ch-acme"}
    assert {n["connection"]["name"] for n in databases["nodes"]} == {"ch-acme"}
    assert 0 < databases["totalCount"] < everything["totalCount"]
    assert dbaas_calls == 0  # a hidden connection is not even asked


async def test_another_connections_id_is_not_found_like_an_unknown_connections(
    gw: GatewayClient,
) -> None:
    globex = await database_of(gw, "ch-globex")
    nowhere = moved_to(globex, "no-such-connection")

    hidden = await answer(gw, ACME_ADMIN, NODE, {"id": globex})
    unknown = await answer(gw, ACME_ADMIN, NODE, {"id": nowhere})

    assert hidden["data"] == {"node": None} == unknown["data"]
    code, message = only_error(hidden)
    assert code == "NOT_FOUND"
    assert (code, message.replace(globex, "<id>")) == (
        only_error(unknown)[0],
        only_error(unknown)[1].replace(nowhere, "<id>"),
    )


async def test_nodes_answers_the_allowed_ids_and_hides_the_rest(gw: GatewayClient) -> None:
    acme, globex = await database_of(gw, "ch-acme"), await database_of(gw, "ch-globex")

    body = await answer(gw, ACME_ADMIN, NODES, {"ids": [acme, globex]})

    assert body["data"]["nodes"] == [{"id": acme}, None]
    assert error_codes(body) == ["NOT_FOUND"]


async def test_a_mutation_on_another_connection_is_not_found_and_never_sent(
    gw: GatewayClient,
) -> None:
    globex = await database_of(gw, "ch-globex")

    body = await answer(gw, ACME_ADMIN, STOP, {"id": globex})

    assert error_codes(body) == ["NOT_FOUND"]
    assert upstream_writes(gw, "clickhouse") == 0


async def test_naming_another_connection_in_a_filter_is_like_naming_none(
    gw: GatewayClient,
) -> None:
    hidden = await answer(gw, ACME_ADMIN, ORGANIZATIONS_OF, {"c": "ch-globex"})
    unknown = await answer(gw, ACME_ADMIN, ORGANIZATIONS_OF, {"c": "no-such"})

    assert error_codes(hidden) == error_codes(unknown) == ["BAD_USER_INPUT"]
    assert only_error(hidden)[1].replace("ch-globex", "x") == only_error(unknown)[1].replace(
        "no-such", "x"
    )


async def test_idempotency_keys_are_per_caller(gw: GatewayClient) -> None:
    orgs = (await answer(gw, ADMIN, ORGANIZATIONS))["data"]["organizations"]
    org = next(o["id"] for o in orgs if o["connection"]["name"] == "ch-acme")
    options = {"provider": "aws", "region": "us-east-1", "tier": "production"}
    variables = {
        "input": {
            "organizationId": org,
            "name": "nightly",
            "idempotencyKey": "k-1",
            "clickhouse": options,
        }
    }

    root = (await answer(gw, ADMIN, CREATE, variables))["data"]["createDatabase"]
    acme = (await answer(gw, ACME_ADMIN, CREATE, variables))["data"]["createDatabase"]
    root_again = (await answer(gw, ADMIN, CREATE, variables))["data"]["createDatabase"]

    # the same key from another caller is another create, never the first caller's answer
    assert root["replayed"] is False and acme["replayed"] is False
    assert root["database"]["id"] != acme["database"]["id"]
    assert root_again["replayed"] is True
    assert root_again["database"]["id"] == root["database"]["id"]
    assert upstream_writes(gw, "clickhouse") == 2


async def test_a_federated_reference_to_another_connection_is_not_found(
    gw: GatewayClient,
) -> None:
    acme, globex = await database_of(gw, "ch-acme"), await database_of(gw, "ch-globex")
    document = (
        """query($r: [_Any!]!) { _entities(representations: $r) { ... on Database { id } } }"""
    )
    representations = [{"__typename": "Database", "id": i} for i in (acme, globex)]

    body = await answer(gw, ACME_ADMIN, document, {"r": representations})

    assert body["data"]["_entities"] == [{"id": acme}, None]
    assert error_codes(body) == ["NOT_FOUND"]
