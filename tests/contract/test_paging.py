"""Paging: every list of every vendor is a Relay connection with the same cursor rules.

Walked one item at a time forwards (``first``/``after``) and backwards
(``last``/``before``), a list gives every item of its one-page read once, in the same
order; a cursor or page size that makes no sense is BAD_USER_INPUT, never a server error.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.support import demo_gateway, every_vendor
from tests.gateway_client import GatewayClient

#: the connection fields of lists: (capability, where the field is, field)
LISTS = (
    ("members", "organization", "membersConnection"),
    ("api_keys", "organization", "apiKeysConnection"),
    ("invitations", "organization", "invitationsConnection"),
    ("plans", "organization", "plansConnection"),
    ("feature_flags", "organization", "featureFlagsConnection"),
    ("activities", "organization", "activitiesConnection"),
    ("backups", "database", "backupsConnection"),
    ("credentials", "database", "credentialsConnection"),
)
PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id }"


def document(where: str, field: str, arguments: str, parent: str) -> str:
    page = f"{field}({arguments}) {{ {PAGE} }}" if arguments else f"{field} {{ {PAGE} }}"
    return f'{{ {where}(id: "{parent}") {{ {page} }} }}'


async def parents(gw: GatewayClient, where: str) -> list[str]:
    """The IDs of the first organization, or of its databases."""
    data = await gw.data(
        "{ organizationsConnection(first: 1) { nodes { id databases(first: 200) "
        "{ nodes { id } } } } }"
    )
    (org,) = data["organizationsConnection"]["nodes"]
    if where == "organization":
        return [org["id"]]
    return [database["id"] for database in org["databases"]["nodes"]]


async def offered(gw: GatewayClient) -> list[tuple[str, str]]:
    (caps,) = {adapter.capabilities for adapter in gw.runtime.adapters.values()}
    return [(where, field) for capability, where, field in LISTS if getattr(caps, capability)]


async def longest(gw: GatewayClient, where: str, field: str) -> tuple[str, dict[str, Any]]:
    """The parent with the longest list, and that list."""
    found = []
    for parent in await parents(gw, where):
        data = await gw.data(document(where, field, "first: 200", parent))
        found.append((parent, data[where][field]))
    return max(found, key=lambda pair: len(pair[1]["nodes"]))


async def walk(gw: GatewayClient, where: str, field: str, parent: str, forward: bool) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(500):
        arguments = "first: 1" if forward else "last: 1"
        if cursor is not None:
            arguments += f', {"after" if forward else "before"}: "{cursor}"'
        page = (await gw.data(document(where, field, arguments, parent)))[where][field]
        seen += [node["id"] for node in page["nodes"]]
        info = page["pageInfo"]
        more = info["hasNextPage"] if forward else info["hasPreviousPage"]
        if not more:
            return seen if forward else seen[::-1]
        cursor = info["endCursor"] if forward else info["startCursor"]
    raise AssertionError(f"{field} did not end")


@every_vendor
async def test_every_list_pages_forwards_and_backwards_over_the_same_items(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        walked = 0
        for where, field in await offered(gw):
            parent, whole = await longest(gw, where, field)
            ids = [node["id"] for node in whole["nodes"]]
            assert whole["totalCount"] in (None, len(ids)), field
            if len(ids) < 2:
                continue
            walked += 1
            assert await walk(gw, where, field, parent, forward=True) == ids, field
            assert await walk(gw, where, field, parent, forward=False) == ids, field

    declares_lists = any(
        getattr(next(iter(gw.runtime.adapters.values())).capabilities, c) for c, _, _ in LISTS
    )
    assert walked or not declares_lists, "no seeded list of two items or more to page"


@every_vendor
@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ('after: "not a cursor"', "not a valid cursor"),
        ('before: "W3sibm8iOiAxfV0="', "not a valid cursor"),  # JSON, not of strings
        ("first: -1", "first must be between 0 and 200"),
        ("first: 201", "first must be between 0 and 200"),
        ("last: 1000", "last must be between 0 and 200"),
        ("first: 1, last: 1", "first or last, not both"),
    ],
)
async def test_a_bad_cursor_or_page_size_is_bad_user_input(
    vendor: str, arguments: str, problem: str
) -> None:
    async with demo_gateway(vendor) as gw:
        checked = [
            ("organizationsConnection", f"{{ organizationsConnection({arguments}) {{ {PAGE} }} }}")
        ]
        for where, field in await offered(gw):
            parent = (await parents(gw, where))[0]
            checked.append((field, document(where, field, arguments, parent)))
        for field, query in checked:
            body = await gw.post(query)
            codes = {e["extensions"]["code"] for e in body.get("errors", [])}
            assert codes == {"BAD_USER_INPUT"}, (field, body)
            assert problem in body["errors"][0]["message"], field
