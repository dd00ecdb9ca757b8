"""By-key batching: databases looked up by ID cost what the vendor's documents allow
(``VendorSpec.minimums.databases_by_key``) per organization: a detail GET for one, one
walk through the list for several where that is fewer calls.

Each lookup runs on a freshly built gateway, so nothing is cached from the listing that
found the IDs.
"""

from __future__ import annotations

import pytest

from adapters.registry import VENDORS
from adapters.simulation.scale import Scale
from adapters.simulation.seeding import scaled_simulator
from tests.contract.support import calls, every_vendor, scaled_gateway

IDS = "{ organizations { databases(first: 200) { nodes { id } } } }"
LOOKUP = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Database { name status } } }"
SEEDED = 6  # databases per organization: one page for every vendor


@every_vendor
@pytest.mark.parametrize("wanted", [1, 3, SEEDED], ids=lambda n: f"{n}-of-each-org")
async def test_databases_by_id_cost_the_declared_minimum_per_organization(
    vendor: str, wanted: int
) -> None:
    scaled = scaled_simulator(vendor, Scale(2, SEEDED, backups=0))
    async with scaled_gateway(scaled) as gw:
        listed = await gw.data(IDS)
    ids = [
        node["id"] for org in listed["organizations"] for node in org["databases"]["nodes"][:wanted]
    ]
    scaled.clear_logs()

    async with scaled_gateway(scaled) as gw:
        found = await gw.data(LOOKUP, {"ids": ids})
        made = calls(gw, vendor)

    assert [node["id"] for node in found["nodes"]] == ids
    assert made.total() == 2 * VENDORS[vendor].minimums.databases_by_key(wanted, SEEDED), made
