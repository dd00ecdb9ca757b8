"""Vendor-paged lists: a page of the gateway costs only the upstream pages it needs.

For every list a vendor declares it pages (``Capabilities.vendor_paged``) and the scale
seeder can fill past two upstream pages (members, API keys, backups), counted from the
simulator's request log on a fresh gateway each time: the first item costs one upstream
page, the item after the first upstream page costs that second page alone, and only
reading from the end (``last``) costs every page. A list it offers but does not page is
read whole, once, whichever page is asked; one it does not offer is null, at no call.
"""

from __future__ import annotations

from adapters.base import BaseAdapter
from adapters.registry import VENDORS
from adapters.simulation.scale import Scale, ScaledSimulator
from adapters.simulation.seeding import scaled_simulator
from schema.kinds import (
    API_KEYS,
    BACKUPS,
    CREDENTIALS,
    DATABASES,
    FEATURE_FLAGS,
    INVITATIONS,
    MEMBERS,
    PLANS,
)
from tests.contract.support import demo_gateway, every_vendor, requests, scaled_gateway

#: the lists the scale seeder can make long: capability -> (parent field, connection field)
SCALABLE = {
    "members": ("organization", "membersConnection"),
    "api_keys": ("organization", "apiKeysConnection"),
    "backups": ("database", "backupsConnection"),
}
PARENTS = (
    "{ organizationsConnection(first: 1) { nodes { id databases(first: 1) { nodes { id } } } } }"
)


async def cost(scaled: ScaledSimulator, query: str) -> tuple[dict[str, object], int]:
    """The answer to ``query`` and its upstream calls, on a gateway with nothing cached."""
    scaled.clear_logs()
    async with scaled_gateway(scaled) as gw:
        data = await gw.data(query)
        return data, len(requests(gw, scaled.vendor))


@every_vendor
async def test_a_page_costs_only_the_upstream_pages_it_needs(vendor: str) -> None:
    size = VENDORS[vendor].minimums.page_size
    scaled = scaled_simulator(vendor, Scale(1, 1))
    async with scaled_gateway(scaled) as gw:
        (caps,) = {a.capabilities for a in gw.runtime.adapters.values()}
    paged = [name for name in SCALABLE if name in caps.vendor_paged]
    whole = [name for name in SCALABLE if name not in caps.vendor_paged and getattr(caps, name)]
    long = 2 * size + 1 if size is not None else 5  # three upstream pages, where it pages
    scaled = scaled_simulator(vendor, Scale(1, 1, members=long, api_keys=long, backups=long))
    parents, _ = await cost(scaled, PARENTS)
    (org,) = parents["organizationsConnection"]["nodes"]  # type: ignore[index]
    ids = {"organization": org["id"], "database": org["databases"]["nodes"][0]["id"]}

    def page(name: str, arguments: str) -> str:
        where, field = SCALABLE[name]
        return (
            f'{{ {where}(id: "{ids[where]}") {{ {field}({arguments}) '
            "{ totalCount pageInfo { hasNextPage endCursor } nodes { id } } } }"
        )

    for name in set(SCALABLE) - set(paged) - set(whole):  # not offered: null, at no call
        where, field = SCALABLE[name]
        absent, calls = await cost(scaled, page(name, "first: 1"))
        _, parent_alone = await cost(scaled, f'{{ {where}(id: "{ids[where]}") {{ id }} }}')
        assert absent[where][field] is None and calls == parent_alone, name  # type: ignore[index]

    for name in whole:  # read whole, once, whichever page is asked
        _, from_the_end = await cost(scaled, page(name, "last: 1"))
        _, from_the_start = await cost(scaled, page(name, "first: 1"))
        assert from_the_start == from_the_end, name

    for name in paged:
        assert size is not None, "a vendor that pages declares its page size"
        where, field = SCALABLE[name]

        _, every_page = await cost(scaled, page(name, "last: 1"))
        first, one_page = await cost(scaled, page(name, "first: 1"))
        assert one_page == every_page - 2, (name, one_page, every_page)
        assert first[where][field]["pageInfo"]["hasNextPage"] is True  # type: ignore[index]

        upstream_page, one_page_again = await cost(scaled, page(name, f"first: {size}"))
        assert one_page_again == one_page, name  # a full upstream page, and no more
        cursor = upstream_page[where][field]["pageInfo"]["endCursor"]  # type: ignore[index]
        second, second_alone = await cost(scaled, page(name, f'first: {size}, after: "{cursor}"'))
        assert second_alone == one_page, name  # the second upstream page, not the first
        nodes = second[where][field]["nodes"]  # type: ignore[index]
        assert len(nodes) == size, name

        whole, _ = await cost(scaled, page(name, "last: 200"))
        listed = whole[where][field]  # type: ignore[index]
        assert listed["totalCount"] in (None, long), name


@every_vendor
async def test_a_vendor_pages_exactly_the_lists_it_declares(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        adapter = next(iter(gw.runtime.adapters.values()))
    caps = adapter.capabilities
    listings = (MEMBERS, API_KEYS, INVITATIONS, PLANS, FEATURE_FLAGS, BACKUPS, CREDENTIALS)
    implemented = {
        listing.name
        for listing in listings
        if getattr(type(adapter), f"page_{listing.name}")
        is not getattr(BaseAdapter, f"page_{listing.name}")
    }

    assert implemented == set(caps.vendor_paged)
    assert DATABASES.name not in caps.vendor_paged  # databases page in the gateway's order
    assert all(getattr(caps, name) for name in caps.vendor_paged), "paged but not offered"
