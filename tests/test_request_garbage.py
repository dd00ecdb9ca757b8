"""A request's data is freed when its answer is sent, not left in reference cycles for the
garbage collector: each cyclic object lengthens every young collection until one finds it
(issue 16, docs/performance.md)."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator

import pytest

from adapters import model
from tests.benchmarks.documents import DASHBOARD
from tests.gateway_client import GatewayClient

#: what a vendor read maps to: none may outlive its request in a cycle
RECORDS = tuple(
    value
    for value in vars(model).values()
    if isinstance(value, type) and value.__module__ == model.__name__
)


@pytest.fixture
def no_automatic_collection() -> Iterator[None]:
    """The collector runs only when the test says, so a cycle is still there to find."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def cyclic_garbage() -> Counter[str]:
    """What only the cycle collector would have freed, by type."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    found = Counter(type(o).__qualname__ for o in gc.garbage if isinstance(o, RECORDS))
    gc.set_debug(0)
    gc.garbage.clear()
    return found


@pytest.mark.usefixtures("no_automatic_collection")
async def test_a_dashboard_leaves_no_record_in_a_cycle(demo: GatewayClient) -> None:
    data = await demo.data(DASHBOARD)
    databases = sum(len(org["databases"]["nodes"]) for org in data["organizations"])
    assert databases > 10  # the answer read records of every vendor
    del data
    assert cyclic_garbage() == Counter()


@pytest.mark.usefixtures("no_automatic_collection")
async def test_a_lookup_by_id_leaves_no_record_in_a_cycle(demo: GatewayClient) -> None:
    data = await demo.data("{ organizations { databases(first: 5) { nodes { id } } } }")
    ids = [n["id"] for org in data["organizations"] for n in org["databases"]["nodes"]]
    found = await demo.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Database { name } } }",
        {"ids": ids},
    )
    assert len(found["nodes"]) == len(ids)
    del data, found
    assert cyclic_garbage() == Counter()
