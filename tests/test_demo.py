"""Demo mode: one query sees every built-in vendor, with no errors, each database with
its own vendor's details and no other's."""

from __future__ import annotations

from adapters.registry import builtin_names
from tests.gateway_client import GatewayClient

EVERYTHING = """
{
  connections { name vendor simulated }
  organizations { name connection { vendor } }
  databases(first: 200) {
    totalCount
    nodes { name status vendorStatus connection { vendor } organization { name } }
  }
}
"""
DATABASE_FIELDS = '{ __type(name: "Database") { fields { name } } }'


async def test_one_query_sees_every_vendor(demo: GatewayClient) -> None:
    data = await demo.data(EVERYTHING)

    vendors = {name.upper() for name in builtin_names()}
    assert {c["vendor"] for c in data["connections"]} == vendors
    assert all(c["simulated"] for c in data["connections"])
    assert {o["connection"]["vendor"] for o in data["organizations"]} == vendors
    nodes = data["databases"]["nodes"]
    assert {n["connection"]["vendor"] for n in nodes} == vendors
    assert data["databases"]["totalCount"] == len(nodes)
    assert all(n["organization"] is not None for n in nodes)
    assert "UNKNOWN" not in {n["status"] for n in nodes if n["vendorStatus"] != "unknown"}


async def test_each_database_has_its_own_vendors_details_and_no_others(demo: GatewayClient) -> None:
    fields = {f["name"] for f in (await demo.data(DATABASE_FIELDS))["__type"]["fields"]}
    # a vendor with typed details has Database fields named after it (Database.clickhouse,
    # and Database.clickhousePostgres for its managed Postgres services)
    vendors = builtin_names()
    detailed = [f for f in fields if any(f == v or f.startswith(v) for v in vendors)]
    selection = " ".join(f"{name} {{ __typename }}" for name in detailed)

    data = await demo.data(
        f"{{ databases(first: 200) {{ nodes {{ connection {{ vendor }} {selection} }} }} }}"
    )

    for node in data["databases"]["nodes"]:
        own = node["connection"]["vendor"].lower()
        present = [name for name in detailed if node[name] is not None]
        # one part of the database's own vendor, where it has any; never another's
        assert len(present) <= 1 and all(name.startswith(own) for name in present)
        if own in detailed:
            assert len(present) == 1
