"""Upstream call counts: one call per distinct resource per request, read from the
simulator's request log. ClickHouse allows 10 calls per 10 s per key, so this is the point."""

from __future__ import annotations

from typing import Any

from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import GatewayClient

ORG = r"/v1/organizations/[0-9a-f-]{36}"
SERVICE = ORG + r"/services/[0-9a-f-]{36}"
#: seeded: 13 ClickHouse services and 3 managed Postgres services over the two organizations
SERVICES, POSTGRES_SERVICES = 13, 3


async def test_a_database_list_with_its_organizations_costs_one_call_per_listing(
    clickhouse: GatewayClient,
) -> None:
    sim = clickhouse.simulator("clickhouse")
    query = """{ databases(first: 100) { nodes { name organization { name }
                 connection { name } } } organizations { name } }"""

    data = await clickhouse.data(query)

    assert len(data["databases"]["nodes"]) == SERVICES + POSTGRES_SERVICES
    # one organizations list per connection, shared by both fields; the organization of
    # each database comes from the primed loader, the services and the Postgres services
    # from one list each per org
    assert sim.log.count("GET", r"/v1/organizations") == 2
    assert sim.log.count("GET", ORG) == 0
    assert sim.log.count("GET", ORG + "/services") == 2
    assert sim.log.count("GET", ORG + "/postgres") == 2
    assert sim.log.count("GET", SERVICE) == 0
    assert len(sim.log.entries) == 6


async def test_the_same_organization_named_twice_is_fetched_once(clickhouse: GatewayClient) -> None:
    orgs = await clickhouse.data('{ organizations(connection: "ch-acme") { id } }')
    org_id = orgs["organizations"][0]["id"]
    sim = clickhouse.simulator("clickhouse")
    sim.log.clear()
    query = """query($id: ID!) { a: organization(id: $id) { name } b: organization(id: $id) { name }
               c: node(id: $id) { id } d: nodes(ids: [$id, $id]) { id } }"""

    data = await clickhouse.data(query, {"id": org_id})

    assert data["a"] == data["b"] == {"name": "Acme Analytics"}
    assert sim.log.count("GET", ORG) == 1
    assert len(sim.log.entries) == 1


async def test_several_services_of_one_organization_cost_one_list_call(
    clickhouse: GatewayClient,
) -> None:
    listing = await clickhouse.data(
        '{ databases(first: 3, filter: {connection: "ch-acme"}) { nodes { id } } }'
    )
    ids = [n["id"] for n in listing["databases"]["nodes"]]
    sim = clickhouse.simulator("clickhouse")
    sim.log.clear()
    clickhouse.expire_cache()  # count the calls of a cold request

    found = await clickhouse.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})

    assert [n["id"] for n in found["nodes"]] == ids
    assert sim.log.count("GET", ORG + "/services") == 1
    assert sim.log.count("GET", SERVICE) == 0


async def test_one_service_by_id_costs_one_detail_call(clickhouse: GatewayClient) -> None:
    listing = await clickhouse.data("{ databases(first: 1) { nodes { id } } }")
    (db_id,) = [n["id"] for n in listing["databases"]["nodes"]]
    sim = clickhouse.simulator("clickhouse")
    sim.log.clear()

    await clickhouse.data("query($id: ID!) { database(id: $id) { name } }", {"id": db_id})

    assert sim.log.count("GET", SERVICE) == 1
    assert len(sim.log.entries) == 1


async def test_backups_of_every_database_cost_one_call_per_database(
    clickhouse: GatewayClient,
) -> None:
    sim = clickhouse.simulator("clickhouse")

    data = await clickhouse.data(
        "{ databases(first: 100) { nodes { backups { id database { name } } } } }"
    )

    assert len(data["databases"]["nodes"]) == SERVICES + POSTGRES_SERVICES
    # a Postgres service has no backup list: its backups are [] at no call
    assert sim.log.count("GET", SERVICE + "/backups") == SERVICES
    # Backup.database comes from the listed services, never a detail call
    assert sim.log.count("GET", SERVICE) == 0


async def test_plans_are_documented_constants_and_cost_no_call(clickhouse: GatewayClient) -> None:
    orgs = await clickhouse.data('{ organizations(connection: "ch-acme") { id } }')
    sim = clickhouse.simulator("clickhouse")
    sim.log.clear()

    data = await clickhouse.data(
        "query($id: ID!) { organization(id: $id) { plans { name } } }",
        {"id": orgs["organizations"][0]["id"]},
    )

    assert len(data["organization"]["plans"]) == 9
    assert sim.log.count("GET", ORG) == 1
    assert len(sim.log.entries) == 1


class InFlightGauge:
    """ASGI wrapper that records the most requests a simulator was serving at once."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.current = 0
        self.peak = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.current += 1
        self.peak = max(self.peak, self.current)
        try:
            await self.app(scope, receive, send)
        finally:
            self.current -= 1


async def test_connections_are_fanned_out_concurrently() -> None:
    gw = GatewayClient.from_toml(CLICKHOUSE_TWO_ORGS)
    sim = gw.simulator("clickhouse")
    gauge = InFlightGauge(sim.app)
    sim.app = gauge
    # hold each services list open briefly so overlapping calls are observable
    sim.faults.add(None, path=ORG + "/services", delay=0.05, times=None)
    async with gw:
        data = await gw.data("{ databases(first: 100) { totalCount } }")

    assert data["databases"]["totalCount"] == SERVICES + POSTGRES_SERVICES
    assert gauge.peak >= 2


async def test_postgres_services_by_id_cost_their_own_list_or_one_detail_call(
    clickhouse: GatewayClient,
) -> None:
    listing = await clickhouse.data(
        "{ databases(first: 100) { nodes { id name connection { name } "
        "clickhousePostgres { __typename } } } }"
    )
    postgres = [n for n in listing["databases"]["nodes"] if n["clickhousePostgres"]]
    acme = [n["id"] for n in postgres if n["connection"]["name"] == "ch-acme"]
    globex = [n["id"] for n in postgres if n["connection"]["name"] == "ch-globex"]
    assert (len(acme), len(globex)) == (2, 1)
    sim = clickhouse.simulator("clickhouse")
    sim.log.clear()
    clickhouse.expire_cache()

    found = await clickhouse.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": acme + globex}
    )

    assert [n["id"] for n in found["nodes"]] == acme + globex
    # Acme's two from its Postgres list, Globex's one from its detail; no services list
    assert sim.log.count("GET", ORG + "/postgres") == 1
    assert sim.log.count("GET", ORG + r"/postgres/[0-9a-f-]{36}") == 1
    assert len(sim.log.entries) == 2
