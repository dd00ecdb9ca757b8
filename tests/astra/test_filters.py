"""Astra filters collections itself (``filter=<field> eq '<value>'``): database names and
pending users (invitations) are asked of it, in the calls an unfiltered list makes."""

from __future__ import annotations

from urllib.parse import parse_qs

from tests.contract.support import demo_gateway

NAMED = """
query($name: String) { databases(first: 200, filter: {name: $name}) { nodes { name } } }
"""
APPS = r"/accounts/[^/]+/k8s/v2/apps"


async def test_a_name_filter_goes_to_the_apps_collection() -> None:
    async with demo_gateway("astra") as gw:
        everything = await gw.data(NAMED, {"name": None})
        unfiltered = gw.simulator("astra").log.count("GET", APPS)
    name = everything["databases"]["nodes"][0]["name"]
    quoted = "it's"  # a quote in the value is doubled, as the docs escape it
    async with demo_gateway("astra") as gw:
        found = await gw.data(NAMED, {"name": name})
        asked = gw.simulator("astra").log.matching("GET", APPS)
        none = await gw.data(NAMED, {"name": quoted})
        asked_quoted = gw.simulator("astra").log.matching("GET", APPS)[len(asked) :]

    assert [d["name"] for d in found["databases"]["nodes"]] == [name]
    assert [parse_qs(r.query)["filter"] for r in asked] == [[f"name eq '{name}'"]]
    assert len(asked) <= unfiltered
    assert none["databases"]["nodes"] == []
    assert [parse_qs(r.query)["filter"] for r in asked_quoted] == [["name eq 'it''s'"]]


async def test_invitations_are_pending_users_asked_of_the_vendor() -> None:
    query = "{ organizationsConnection { nodes { invitationsConnection { nodes { email } } } } }"
    async with demo_gateway("astra") as gw:
        await gw.data(query)
        users = gw.simulator("astra").log.matching("GET", r"/accounts/[^/]+/core/v1/users")

    assert [parse_qs(r.query)["filter"] for r in users] == [["state eq 'pending'"]]


async def test_an_order_by_goes_to_the_collection_and_pages_from_there() -> None:
    query = """
    { organizationsConnection { nodes {
      membersConnection(first: 2, orderBy: {field: NAME, direction: DESC}) { nodes { name } }
      featureFlagsConnection(first: 2, orderBy: {field: CREATED_AT}) { nodes { name } } } } }
    """
    async with demo_gateway("astra") as gw:
        await gw.data(query)
        log = gw.simulator("astra").log
        users = log.matching("GET", r"/accounts/[^/]+/core/v1/users")
        features = log.matching("GET", r"/accounts/[^/]+/core/v1/features")

    assert [parse_qs(r.query)["orderBy"] for r in users] == [["firstName desc,lastName desc"]]
    assert [parse_qs(r.query)["orderBy"] for r in features] == [["metadata.creationTimestamp asc"]]
