"""The gateway as an Apollo Federation v2 subgraph: ``_service { sdl }`` and ``_entities``.

Representations resolve through the same per-request loaders as ``node(id:)``, so their
upstream cost is read from the simulators' request logs. The composition with a second
subgraph through Apollo's own router is in tests/federation/test_composition.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql import ObjectTypeDefinitionNode, StringValueNode, parse

from adapters.registry import VENDORS
from schema.build import SDL_PATH
from schema.federation import MAX_REPRESENTATIONS
from schema.ids import decode_id, encode_id
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import GatewayClient, error_codes

ORG = r"/v1/organizations/[0-9a-f-]{36}"
SERVICE = ORG + r"/services/[0-9a-f-]{36}"

SERVICE_SDL = "{ _service { sdl } }"

ENTITIES = """query($representations: [_Any!]!) {
  _entities(representations: $representations) { ...Fields } }"""

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { ...Fields } }"

FIELDS = """fragment Fields on Node { __typename id
  ... on Organization { name }
  ... on Database { name status organization { name } }
  ... on Backup { backupStatus: status database { name } }
  ... on ApiKey { keyName: name state }
  ... on Member { email role } }"""

EVERYTHING = """{ organizations { id members { id } apiKeys { id }
  databases(first: 200) { nodes { id backups { id } } } } }"""

ENTITY_TYPES = {"Organization", "Database", "Backup", "ApiKey", "Member"}


def representations(ids: list[str]) -> list[dict[str, str]]:
    return [{"__typename": decode_id(i).type_name, "id": i} for i in ids]


async def entities(client: GatewayClient, reps: list[Any]) -> dict[str, Any]:
    return await client.post(ENTITIES + FIELDS, {"representations": reps})


def _ids_of_every_kind(data: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for org in data["organizations"]:
        ids.append(org["id"])
        ids += [m["id"] for m in org["members"] or []][:2]
        ids += [k["id"] for k in org["apiKeys"] or []][:2]
        for db in (org["databases"] or {"nodes": []})["nodes"][:2]:
            ids.append(db["id"])
            ids += [b["id"] for b in db["backups"] or []][:1]
    return ids


# --- the SDL --------------------------------------------------------------------------


async def test_the_served_sdl_is_the_committed_one(demo: GatewayClient) -> None:
    data = await demo.data(SERVICE_SDL)

    assert data["_service"]["sdl"].rstrip() == SDL_PATH.read_text(encoding="utf-8").rstrip()


def test_the_five_entities_are_keyed_by_id_and_federation_2_is_linked() -> None:
    document = parse(SDL_PATH.read_text(encoding="utf-8"))

    keys = {
        d.name.value: [
            a.value.value
            for k in d.directives
            if k.name.value == "key"
            for a in k.arguments
            if isinstance(a.value, StringValueNode)
        ]
        for d in document.definitions
        if isinstance(d, ObjectTypeDefinitionNode) and d.directives
    }
    assert keys == {name: ["id"] for name in ENTITY_TYPES}
    assert 'url: "https://specs.apollo.dev/federation/v2.0"' in SDL_PATH.read_text()


# --- _entities ------------------------------------------------------------------------


async def test_entities_answer_like_node_lookups_for_every_kind_and_vendor(
    demo: GatewayClient,
) -> None:
    ids = _ids_of_every_kind(await demo.data(EVERYTHING))
    expected = (await demo.data(NODES + FIELDS, {"ids": ids}))["nodes"]

    body = await entities(demo, representations(ids))

    assert "errors" not in body, body["errors"]
    assert body["data"]["_entities"] == expected
    assert {e["__typename"] for e in expected} == ENTITY_TYPES


async def test_a_hundred_databases_of_two_organizations_cost_one_list_call_each(
    clickhouse: GatewayClient,
) -> None:
    # given two ClickHouse organizations (one per connection) with 50 services each (and no
    # Postgres services, whose list tests/clickhouse/test_batching.py counts)
    sim = clickhouse.simulator("clickhouse")
    for org_id, org in sim.state.organizations.items():
        org.postgres.clear()
        for n in range(50 - len(org.services)):
            sim.add_service(org_id, f"extra-{n:02d}")
    listing = await clickhouse.data("{ databases(first: 200) { nodes { id name } } }")
    ids = [n["id"] for n in listing["databases"]["nodes"]]
    assert len(ids) == 100
    sim.log.clear()
    clickhouse.expire_cache()  # count the calls of a cold request

    # when a router asks for all of them at once
    body = await entities(clickhouse, representations(ids))

    # then each organization's services come from one list call, none from a detail call
    assert "errors" not in body, body["errors"]
    assert [e["name"] for e in body["data"]["_entities"]] == [
        n["name"] for n in listing["databases"]["nodes"]
    ]
    assert sim.log.count("GET", ORG + "/services") == 2
    assert sim.log.count("GET", SERVICE) == 0
    # Database.organization: one organization detail call per organization
    assert sim.log.count("GET", ORG) == 2
    assert len(sim.log.entries) == 4


async def test_every_database_of_every_vendor_costs_one_list_call_per_organization(
    demo: GatewayClient,
) -> None:
    listing = await demo.data(
        "{ databases(first: 200) { nodes { id name connection { name vendor } "
        "clickhousePostgres { __typename } } } }"
    )
    # a ClickHouse Postgres service is in a second list of its own, which a lookup reads
    # only for Postgres keys (tests/clickhouse/test_batching.py counts those)
    nodes = [n for n in listing["databases"]["nodes"] if n["clickhousePostgres"] is None]
    ids = [n["id"] for n in nodes]
    sims = {vendor: demo.simulator(vendor) for vendor in VENDORS}
    for sim in sims.values():
        sim.log.clear()
    demo.expire_cache()

    body = await demo.post(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Database { name } } }",
        {"r": representations(ids)},
    )

    assert "errors" not in body, body["errors"]
    assert [e["name"] for e in body["data"]["_entities"]] == [n["name"] for n in nodes]
    # each connection (one organization) looks up all its databases, at its vendor's
    # declared minimum: ClickHouse one services list per organization, and so on
    per_connection = Counter(
        (n["connection"]["vendor"].lower(), n["connection"]["name"]) for n in nodes
    )
    expected = Counter[str]()
    for (vendor, _), count in per_connection.items():
        expected[vendor] += VENDORS[vendor].minimums.databases_by_key(count, count)
    assert {v: len(sim.log.entries) for v, sim in sims.items()} == dict(expected)


async def test_a_repeated_representation_is_fetched_once(clickhouse: GatewayClient) -> None:
    listing = await clickhouse.data("{ databases(first: 1) { nodes { id } } }")
    (db_id,) = [n["id"] for n in listing["databases"]["nodes"]]
    sim = clickhouse.simulator("clickhouse")
    sim.log.clear()
    clickhouse.expire_cache()

    body = await entities(clickhouse, representations([db_id] * 3))

    assert len({e["id"] for e in body["data"]["_entities"]}) == 1
    assert sim.log.count("GET", SERVICE) == 1


MISSING = "<a service of ch-acme's organization that does not exist>"
BAD_REPRESENTATIONS = {
    "malformed id": ({"__typename": "Database", "id": "not-an-id"}, "BAD_USER_INPUT"),
    "unknown connection": (
        {"__typename": "Database", "id": encode_id("Database", "nope", ("a", "b"))},
        "NOT_FOUND",
    ),
    "object that does not exist": (
        {"__typename": "Database", "id": MISSING},
        "NOT_FOUND",
    ),
    "id of another type": (
        {"__typename": "Database", "id": encode_id("Organization", "ch-acme", ("x",))},
        "BAD_USER_INPUT",
    ),
    "not an entity type": (
        {"__typename": "Invitation", "id": encode_id("Invitation", "ch-acme", ("x", "y"))},
        "BAD_USER_INPUT",
    ),
    "unknown type": ({"__typename": "Nope", "id": "x"}, "BAD_USER_INPUT"),
    "no id": ({"__typename": "Database"}, "BAD_USER_INPUT"),
    "id not a string": ({"__typename": "Database", "id": 7}, "BAD_USER_INPUT"),
    "not an object": ("Database", "BAD_USER_INPUT"),
}


@pytest.mark.parametrize("case", list(BAD_REPRESENTATIONS))
async def test_a_bad_representation_fails_only_its_own_entity(
    clickhouse: GatewayClient, case: str
) -> None:
    bad, code = BAD_REPRESENTATIONS[case]
    if isinstance(bad, dict) and bad.get("id") == MISSING:
        orgs = await clickhouse.data('{ organizations(connection: "ch-acme") { nativeId } }')
        org = orgs["organizations"][0]["nativeId"]
        missing = "00000000-0000-4000-8000-00000000dead"
        bad = {**bad, "id": encode_id("Database", "ch-acme", (org, missing))}
    listing = await clickhouse.data("{ databases(first: 1) { nodes { id name } } }")
    (good,) = listing["databases"]["nodes"]

    body = await entities(clickhouse, [*representations([good["id"]]), bad])

    first, second = body["data"]["_entities"]
    assert first["name"] == good["name"]
    assert second is None
    assert error_codes(body) == [code]
    assert body["errors"][0]["path"] == ["_entities", 1]


async def test_too_many_representations_are_refused(clickhouse: GatewayClient) -> None:
    reps = [{"__typename": "Database", "id": "x"}] * (MAX_REPRESENTATIONS + 1)

    body = await entities(clickhouse, reps)

    assert body["data"] is None
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert len(clickhouse.simulator("clickhouse").log.entries) == 0


# --- cost -----------------------------------------------------------------------------

#: each Database costs name 1 + backups (1 + 10 backups x id 1) = 12 with these limits
SIZED = "[limits]\nmax_cost = 500\ndefault_list_size = 10\n"
DATABASE_COST = """query($r: [_Any!]!) {
  _entities(representations: $r) { ... on Database { name backups { id } } } }"""


def literal(reps: list[dict[str, str]]) -> str:
    """DATABASE_COST with the representations written in the document."""
    items = ", ".join(f'{{__typename: "{r["__typename"]}", id: "{r["id"]}"}}' for r in reps)
    selection = "{ ... on Database { name backups { id } } }"
    return f"{{ _entities(representations: [{items}]) {selection} }}"


@pytest.fixture
async def sized() -> AsyncIterator[tuple[GatewayClient, dict[str, str]]]:
    """Two ClickHouse connections with a small max_cost, and one database representation."""
    async with GatewayClient.from_toml(CLICKHOUSE_TWO_ORGS + SIZED) as client:
        listing = await client.data("{ databases(first: 1) { nodes { id } } }")
        yield client, representations([listing["databases"]["nodes"][0]["id"]])[0]


async def test_entities_cost_one_item_per_representation_in_a_variable(
    sized: tuple[GatewayClient, dict[str, str]],
) -> None:
    client, database = sized

    one = await client.post(DATABASE_COST, {"r": [database]})
    many = await client.post(DATABASE_COST, {"r": [database] * 100})

    assert "errors" not in one, one["errors"]
    assert error_codes(many) == ["QUERY_TOO_COMPLEX"]
    assert many["errors"][0]["extensions"]["cost"] == 1 + 100 * 12


async def test_entities_cost_one_item_per_representation_in_a_literal_list(
    sized: tuple[GatewayClient, dict[str, str]],
) -> None:
    client, database = sized

    one = await client.post(literal([database]))
    many = await client.post(literal([database] * 100))

    assert "errors" not in one, one["errors"]
    assert error_codes(many) == ["QUERY_TOO_COMPLEX"]
    assert many["errors"][0]["extensions"]["cost"] == 1 + 100 * 12
