"""Demo mode: one query sees every vendor, with no errors."""

from __future__ import annotations

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


async def test_one_query_sees_all_four_vendors(demo: GatewayClient) -> None:
    data = await demo.data(EVERYTHING)

    vendors = {"CLICKHOUSE", "FEATUREBASE", "ASTRA", "DBAAS"}
    assert {c["vendor"] for c in data["connections"]} == vendors
    assert all(c["simulated"] for c in data["connections"])
    assert {o["connection"]["vendor"] for o in data["organizations"]} == vendors
    nodes = data["databases"]["nodes"]
    assert {n["connection"]["vendor"] for n in nodes} == vendors
    assert data["databases"]["totalCount"] == len(nodes)
    assert all(n["organization"] is not None for n in nodes)
    assert "UNKNOWN" not in {n["status"] for n in nodes if n["vendorStatus"] != "unknown"}
