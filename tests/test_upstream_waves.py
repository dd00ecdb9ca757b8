"""Each connection's upstream calls go out in the fewest dependent waves its API allows.

A wave is one round of calls that could be formed from the answers of the rounds before
it; ``tests.benchmarks.waves`` counts them exactly by holding every upstream request at a
gate until the gateway has nothing else to do. The minimum comes from the API shapes alone
(``tests.benchmarks.minimums.dashboard_chain``). Every vendor runs in one gateway, as in
the benchmark: one connection's slow organization must not hold another's databases back.
"""

from __future__ import annotations

from collections import Counter

from adapters.simulation.scale import Scale
from tests.benchmarks import minimums
from tests.benchmarks.fleet import VENDORS
from tests.benchmarks.waves import dashboard_waves, measure

SCALE = Scale(2, 6)

ORGANIZATION = """
query Organization($id: ID!) {
  organization(id: $id) { name databases { nodes { id backups { id } } } }
}
"""

LISTED = "{ organizations { id databases { nodes { id } } } }"

NAMES_ONLY = "{ organizations { id name } }"


async def test_the_dashboard_takes_the_fewest_waves_for_every_vendor() -> None:
    measured = await dashboard_waves(SCALE)

    least = {v: minimums.dashboard_chain(v, minimums.OrgShape.of(SCALE)) for v in VENDORS}
    assert measured == least
    assert least == {"clickhouse": 3, "featurebase": 2, "astra": 2, "dbaas": 1}


async def test_an_organization_named_by_its_id_lists_its_services_at_once() -> None:
    # the ID holds the organization's key: services need not wait for its record
    _, listed = await measure(LISTED, SCALE, ["clickhouse"])
    org = listed["data"]["organizations"][0]
    org_id = org["id"]

    gate, body = await measure(ORGANIZATION, SCALE, ["clickhouse"], {"id": org_id})

    assert "errors" not in body
    assert len(body["data"]["organization"]["databases"]["nodes"]) == len(org["databases"]["nodes"])
    assert gate.depth() == {"clickhouse": 2}  # the org and its services, then backups


async def test_reading_ahead_costs_no_call_the_query_does_not_need() -> None:
    gate, body = await measure(NAMES_ONLY, SCALE)

    assert "errors" not in body
    made = Counter(vendor for _, vendor, _, _ in gate.calls)
    # per organization: ClickHouse's organizations list, FeatureBase's current user and
    # org, Astra's account; DBaaS's organization is its connection
    assert made == {"clickhouse": 2, "featurebase": 4, "astra": 2}


PAGED_DASHBOARD = """
query PagedDashboard {
  organizationsConnection {
    nodes {
      id
      name
      connection { name vendor }
      databases(first: 200) {
        totalCount
        nodes { id name status backupsConnection(first: 20) { nodes { id status startedAt } } }
      }
      membersConnection(first: 50) { nodes { id name role } }
      apiKeysConnection(first: 50) { nodes { id name state owner { id name } } }
    }
  }
}
"""


async def test_the_dashboard_in_pages_takes_as_few_waves_as_in_plain_lists() -> None:
    gate, body = await measure(PAGED_DASHBOARD, SCALE)

    assert "errors" not in body, body["errors"]
    least = {v: minimums.dashboard_chain(v, minimums.OrgShape.of(SCALE)) for v in VENDORS}
    assert gate.depth() == least
