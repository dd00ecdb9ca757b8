"""Validation is linear in the document: fragments spread many times are measured once.

A fragment that spreads the next one twice doubles the expanded document at every level
(``tests/hostile_documents.py``). Depth, aliases and cost still judge the expanded
document, so such a document is refused with the usual codes and numbers, but each
fragment is measured once per walk: the work follows the document's size, and a
40-level document (2**39 copies of its last field) is refused as fast as a 4-level one.
How fast is printed, never asserted: ``python -m tests.benchmarks.validation_time``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from gateway.limits_document import CAP, FragmentMemo
from tests.auth_fixtures import VIEWER, answer, secured
from tests.gateway_client import GatewayClient, error_codes
from tests.hostile_documents import doubling_fragments

#: the secured gateway has three connections: ``connections { name }`` costs 1 + 3 x 1
LEAF_COST = 4
#: six levels of selections
DEEP_LEAF = "organizations { databases { nodes { organization { databases { nodes { id } } } } } }"
#: one page of databases, each with pages of databases through its organization
NESTED_PAGES = """query($n: Int) { databases(first: $n) { nodes { organization {
  databases(first: $n) { nodes { organization { databases(first: $n) { nodes { name } } } } }
} } } }"""


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with secured() as gateway:
        yield gateway


@pytest.mark.parametrize("levels", [21, 40])
async def test_doubling_fragments_are_refused_with_their_expanded_cost(
    gw: GatewayClient, levels: int
) -> None:
    body = await answer(gw, VIEWER, doubling_fragments(levels))

    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert body["errors"][0]["extensions"]["cost"] == 2 ** (levels - 1) * LEAF_COST
    assert body["data"] is None


async def test_each_fragment_is_measured_once_per_walk(
    gw: GatewayClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    measured: Counter[str] = Counter()
    measure: Callable[..., Any] = FragmentMemo.measure

    def counted(memo: FragmentMemo[Any], fragment: Any) -> Any:
        measured[fragment.name.value] += 1
        return measure(memo, fragment)

    monkeypatch.setattr(FragmentMemo, "measure", counted)
    # a document no other test sends: validation results are cached per document
    document = doubling_fragments(40, "connections { name vendor }")

    body = await answer(gw, VIEWER, document)

    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    # three walks, each measuring every fragment once: same-named fields (before
    # validation), depth and aliases, then cost
    assert measured == Counter({f"F{i}": 3 for i in range(40)})


async def test_aliases_count_at_every_spread(gw: GatewayClient) -> None:
    body = await answer(gw, VIEWER, doubling_fragments(21, "a: connections { name }"))

    assert error_codes(body) == ["TOO_MANY_ALIASES"]
    assert body["errors"][0]["message"] == f"{2**20} aliases found. Allowed: 30"


async def test_depth_sees_through_every_spread() -> None:
    async with secured("[limits]\nmax_depth = 5\n") as shallow:
        body = await answer(shallow, VIEWER, doubling_fragments(30, DEEP_LEAF))

    assert error_codes(body) == ["QUERY_TOO_DEEP"]
    assert body["errors"][0]["message"] == "'Doubling' exceeds maximum operation depth of 5"


async def test_a_cost_past_what_json_carries_exactly_is_saturated(gw: GatewayClient) -> None:
    body = await answer(gw, VIEWER, NESTED_PAGES, {"n": 10**12})

    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    extensions = body["errors"][0]["extensions"]
    assert extensions["cost"] == CAP
    assert f"more than {CAP - 1} fields" in body["errors"][0]["message"]


async def test_an_unknown_fragment_is_a_validation_error_not_internal(gw: GatewayClient) -> None:
    body = await answer(gw, VIEWER, "{ connections { ...Nope } }")

    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Unknown fragment 'Nope'" in body["errors"][0]["message"]


async def test_fragments_nested_past_the_parsers_limit_are_too_deep(gw: GatewayClient) -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(250))
    document = "{ ...F0 } " + chain + " fragment F250 on Query { __typename }"

    body = await answer(gw, VIEWER, document)

    assert error_codes(body) == ["QUERY_TOO_DEEP"]
