"""An explicitly paged ``organizationsConnection`` reads the lists of the organizations on
its page, and of no other: the read ahead (``schema.prefetch``) starts before the page is
known, so it is left out where the caller's page may leave organizations out."""

from __future__ import annotations

from collections import Counter

import pytest

from adapters.simulation.scale import Scale
from adapters.simulation.seeding import scaled_simulator
from tests.benchmarks.fleet import VENDORS
from tests.test_upstream_minimums import NETWORK_LATENCY, calls, gateway

PAGE = """
query($first: Int) {
  organizationsConnection(first: $first) {
    nodes { name databases(first: 2) { nodes { name backups { id } } } members { name } }
  }
}
"""
NAMES = "query($first: Int) { organizationsConnection(first: $first) { nodes { name } } }"


async def made(vendor: str, document: str, first: int | None) -> Counter[str]:
    scaled = scaled_simulator(vendor, Scale(2, 4))
    scaled.add_latency(NETWORK_LATENCY)
    async with gateway(scaled) as client:
        data = await client.data(document, {"first": first})
    assert len(data["organizationsConnection"]["nodes"]) == (first or 2)
    return calls(scaled)


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_page_of_one_organization_reads_one_organizations_lists(vendor: str) -> None:
    listing = sum((await made(vendor, NAMES, 2)).values())
    both = sum((await made(vendor, PAGE, 2)).values()) - listing
    one = sum((await made(vendor, PAGE, 1)).values()) - listing
    assert both > 0
    assert one * 2 == both, (one, both)  # the two organizations are alike


@pytest.mark.parametrize("vendor", VENDORS)
async def test_the_whole_list_still_reads_ahead_for_every_organization(vendor: str) -> None:
    listing = sum((await made(vendor, NAMES, None)).values())
    whole = sum((await made(vendor, PAGE, None)).values()) - listing
    both = sum((await made(vendor, PAGE, 2)).values()) - listing
    assert whole == both
