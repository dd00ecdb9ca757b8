"""Writes: an update breaking a documented rule is refused before any upstream call, and
a write is seen by the next read, which goes upstream for it (the write dropped what the
gateway's cache held).

Each vendor declares the update it accepts on its demo data and one it refuses
(``VendorSpec.write_example``); a vendor that cannot update a database declares none.
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.model import Operation
from adapters.registry import VENDORS
from tests.contract.support import SPECS, demo_gateway, every_vendor, forget_requests, requests
from tests.gateway_client import GatewayClient, error_codes

UPDATE = """
mutation($input: UpdateDatabaseInput!) { updateDatabase(input: $input) { database { id raw } } }
"""
NAMED = """
query($name: String!) { databases(first: 200, filter: {nameContains: $name}) { nodes { id name } } }
"""
READ = """
query($id: ID!) {
  node(id: $id) { ... on Database { raw } }
  databases(first: 200) { nodes { id raw } }
}
"""

writing = pytest.mark.parametrize(
    "vendor", [spec.vendor.value for spec in SPECS if spec.write_example is not None]
)


async def example_database(gw: GatewayClient, vendor: str) -> str:
    """The ID of the demo database the vendor's write example is for."""
    example = VENDORS[vendor].write_example
    assert example is not None
    nodes = (await gw.data(NAMED, {"name": example.database}))["databases"]["nodes"]
    (found,) = [n["id"] for n in nodes if n["name"] == example.database]
    return str(found)


async def read(gw: GatewayClient, database: str) -> tuple[Any, Any]:
    """The database's ``raw`` by its ID, and as its organization's list shows it."""
    data = await gw.data(READ, {"id": database})
    (listed,) = [n["raw"] for n in data["databases"]["nodes"] if n["id"] == database]
    return data["node"]["raw"], listed


@every_vendor
async def test_a_vendor_that_updates_databases_declares_its_example(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        operations = next(iter(gw.runtime.adapters.values())).capabilities.operations

    updates = Operation.UPDATE_DATABASE in operations
    assert updates is (VENDORS[vendor].write_example is not None)


@writing
async def test_an_update_breaking_a_documented_rule_is_refused_before_any_call(
    vendor: str,
) -> None:
    example = VENDORS[vendor].write_example
    assert example is not None
    async with demo_gateway(vendor) as gw:
        database = await example_database(gw, vendor)
        forget_requests(gw, vendor)

        body = await gw.post(UPDATE, {"input": {"id": database, **example.invalid}})

        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert body["errors"][0]["extensions"]["field"].startswith("input.")
        assert requests(gw, vendor) == []


@writing
async def test_a_write_is_seen_by_the_next_read_which_goes_upstream(vendor: str) -> None:
    example = VENDORS[vendor].write_example
    assert example is not None
    async with demo_gateway(vendor) as gw:
        database = await example_database(gw, vendor)
        before = await read(gw, database)
        forget_requests(gw, vendor)
        assert await read(gw, database) == before
        assert requests(gw, vendor) == [], "a read again was not the cache's: nothing to drop"

        written = await gw.data(UPDATE, {"input": {"id": database, **example.valid}})
        forget_requests(gw, vendor)
        after = await read(gw, database)

        assert requests(gw, vendor), "the read after the write was answered from the cache"
    detail, listed = after
    assert detail == written["updateDatabase"]["database"]["raw"]
    assert detail != before[0] and listed != before[1]
