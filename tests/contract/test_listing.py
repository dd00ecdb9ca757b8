"""Listing: a vendor's organizations and every one of their databases, to the vendor's
last page, for exactly the calls its documents allow (``VendorSpec.minimums``)."""

from __future__ import annotations

from typing import Any

from adapters.registry import VENDORS
from adapters.simulation.scale import Scale
from adapters.simulation.seeding import scaled_simulator
from tests.contract.support import calls, every_vendor, requests, scaled_gateway

LISTING = """
{ organizations { name databases(first: 200) { totalCount nodes { id status vendorStatus } } } }
"""

PAGE = """
query($after: String) {
  databases(first: 40, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id }
  }
}
"""


def past_two_pages(vendor: str) -> int:
    """Databases enough for three upstream pages (seven where lists are not paged)."""
    size = VENDORS[vendor].minimums.page_size
    return 7 if size is None else 2 * size + 1


@every_vendor
async def test_every_database_is_listed_to_the_vendors_last_page(vendor: str) -> None:
    seeded = past_two_pages(vendor)
    scaled = scaled_simulator(vendor, Scale(1, seeded, backups=0))

    async with scaled_gateway(scaled) as gw:
        data = await gw.data(LISTING)
        made = calls(gw, vendor)

    (org,) = data["organizations"]
    assert org["name"] == scaled.accounts[0].organization
    assert org["databases"]["totalCount"] == seeded
    ids = [node["id"] for node in org["databases"]["nodes"]]
    assert len(ids) == len(set(ids)) == min(seeded, 200)
    assert made.total() == VENDORS[vendor].minimums.listing(seeded), made


@every_vendor
async def test_the_gateways_pages_cover_every_database_once(vendor: str) -> None:
    seeded = past_two_pages(vendor)
    scaled = scaled_simulator(vendor, Scale(1, seeded, backups=0))
    seen: list[str] = []
    after = None

    async with scaled_gateway(scaled) as gw:
        while True:
            page = (await gw.data(PAGE, {"after": after}))["databases"]
            seen += [node["id"] for node in page["nodes"]]
            assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]

    assert len(seen) == len(set(seen)) == seeded


@every_vendor
async def test_every_seeded_state_has_its_normalized_status(vendor: str) -> None:
    scaled = scaled_simulator(vendor, Scale(2, 12, backups=0))

    async with scaled_gateway(scaled) as gw:
        data = await gw.data(LISTING)

    databases: list[dict[str, Any]] = [
        node for org in data["organizations"] for node in org["databases"]["nodes"]
    ]
    assert len(databases) == 24
    unknown = {d["vendorStatus"] for d in databases if d["status"] == "UNKNOWN"}
    assert unknown == set(), f"seeded states the mapping does not know: {unknown}"


@every_vendor
async def test_each_connection_lists_its_own_organization(vendor: str) -> None:
    scaled = scaled_simulator(vendor, Scale(2, 1, backups=0))

    async with scaled_gateway(scaled) as gw:
        data = await gw.data("{ organizations { name connection { name } } }")
        made = len(requests(gw, vendor))

    assert [(o["connection"]["name"], o["name"]) for o in data["organizations"]] == [
        (f"{vendor}-{n}", account.organization)
        for n, account in enumerate(scaled.accounts, start=1)
    ]
    assert made == 2 * VENDORS[vendor].minimums.organizations()
