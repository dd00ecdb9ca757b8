"""Filters: one argument shape for every vendor, never dearer than the whole list.

For every vendor, each filter of ``DatabaseFilter`` answers exactly the databases of the
unfiltered list that match it, in no more upstream calls than the unfiltered list; a
filter part the vendor applies itself (``Capabilities.vendor_filters``) reaches it in the
same calls. ``orderBy`` orders what the gateway merges.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.support import demo_gateway, every_vendor, requests

LIST = """
query($filter: DatabaseFilter, $orderBy: DatabaseOrder) {
  databases(first: 200, filter: $filter, orderBy: $orderBy) {
    totalCount
    nodes { id name status createdAt dbaas { project { nativeId } environment { nativeId } } }
  }
}
"""


async def listed(vendor: str, variables: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The databases a fresh gateway lists, and the upstream calls that took."""
    async with demo_gateway(vendor) as gw:
        data = await gw.data(LIST, variables)
        return data["databases"]["nodes"], len(requests(gw, vendor))


def filters(everything: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    """Filters drawn from the seeded databases, each with what it must select."""
    first = everything[0]
    drawn: list[tuple[dict[str, Any], Any]] = [
        ({"name": first["name"]}, lambda d: d["name"] == first["name"]),
        (
            {"nameContains": first["name"][1:3].upper()},
            lambda d: first["name"][1:3].casefold() in d["name"].casefold(),
        ),
        ({"status": [first["status"]]}, lambda d: d["status"] == first["status"]),
        ({"name": "no database is called this"}, lambda d: False),
    ]
    details = first["dbaas"]
    if details and details["project"]:
        wanted = details["project"]["nativeId"]
        drawn.append(
            (
                {"project": wanted},
                lambda d: (d["dbaas"]["project"] or {}).get("nativeId") == wanted,
            )
        )
    if details and details["environment"]:
        env = details["environment"]["nativeId"]
        drawn.append(
            (
                {"environment": env},
                lambda d: (d["dbaas"]["environment"] or {}).get("nativeId") == env,
            )
        )
    return drawn


@every_vendor
async def test_every_filter_selects_what_matches_for_no_more_calls(vendor: str) -> None:
    everything, unfiltered = await listed(vendor, {})
    assert everything, "no seeded database to filter"

    for given, selects in filters(everything):
        found, calls = await listed(vendor, {"filter": given})

        assert [d["id"] for d in found] == [d["id"] for d in everything if selects(d)], given
        assert calls <= unfiltered, (given, calls, unfiltered)


@every_vendor
async def test_a_tag_filter_selects_tagged_databases_for_no_more_calls(vendor: str) -> None:
    everything, unfiltered = await listed(vendor, {})
    async with demo_gateway(vendor) as gw:
        (caps,) = {a.capabilities for a in gw.runtime.adapters.values()}

    for tag in ({"key": "Environment", "value": "Production"}, {"key": "Environment"}):
        found, calls = await listed(vendor, {"filter": {"tags": [tag]}})

        assert calls <= unfiltered, (tag, calls, unfiltered)
        ids = {d["id"] for d in everything}
        assert {d["id"] for d in found} <= ids
        if "databases.tags" not in caps.vendor_filters:
            assert found == [], "a vendor without tags has no tagged database"


@every_vendor
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_order_by_orders_the_merged_list(vendor: str, direction: str) -> None:
    everything, _ = await listed(vendor, {})

    by_name, _ = await listed(vendor, {"orderBy": {"field": "NAME", "direction": direction}})
    by_time, _ = await listed(vendor, {"orderBy": {"field": "CREATED_AT", "direction": direction}})

    assert sorted(d["id"] for d in by_name) == sorted(d["id"] for d in everything)
    names = [d["name"].casefold() for d in by_name]
    assert names == sorted(names, reverse=direction == "DESC")
    times = [d["createdAt"] or "" for d in by_time]
    assert times == sorted(times, reverse=direction == "DESC")


#: lists that take orderBy: (capability, field, the node's name field, its time field)
ORDERED = (
    ("members", "membersConnection", "name email", "joinedAt"),
    ("api_keys", "apiKeysConnection", "name", "createdAt"),
    ("invitations", "invitationsConnection", "email", "createdAt"),
    ("feature_flags", "featureFlagsConnection", "name", "createdAt"),
)


def _ordered_page(field: str, fields: str, arguments: str) -> str:
    return (
        f"{{ organizationsConnection(first: 1) {{ nodes {{ {field}({arguments}) "
        f"{{ totalCount nodes {{ id {fields} }} }} }} }} }}"
    )


@every_vendor
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_order_by_orders_every_list_for_no_more_than_reading_it_whole(
    vendor: str, direction: str
) -> None:
    async with demo_gateway(vendor) as gw:
        (caps,) = {a.capabilities for a in gw.runtime.adapters.values()}
    for capability, field, name, time in ORDERED:
        if not getattr(caps, capability):
            continue
        fields = f"{name} {time}"

        async def page(arguments: str, field: str = field, fields: str = fields) -> Any:
            async with demo_gateway(vendor) as gw:
                data = await gw.data(_ordered_page(field, fields, arguments))
                (org,) = data["organizationsConnection"]["nodes"]
                return org[field]["nodes"], len(requests(gw, vendor))

        whole, whole_calls = await page("last: 200")  # from the end: the list read whole
        for by, key in (
            ("NAME", lambda n: (n.get("name") or n.get("email") or "").casefold()),
            ("CREATED_AT", lambda n, t=time: n[t]),
        ):
            order = f"first: 200, orderBy: {{field: {by}, direction: {direction}}}"
            nodes, calls = await page(order)

            assert sorted(n["id"] for n in nodes) == sorted(n["id"] for n in whole), field
            keys = [key(n) for n in nodes if key(n)]
            assert keys == sorted(keys, reverse=direction == "DESC"), (field, by)
            assert calls <= whole_calls, (field, by, calls, whole_calls)
