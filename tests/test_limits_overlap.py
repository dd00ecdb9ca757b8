"""Same-named fields are counted before graphql-core's quadratic rule compares them.

``OverlappingFieldsCanBeMerged`` compares every pair of fields answering under one name
in a selection set: 714 copies of ``id`` (within the token limit) took 0.25 s before
graphql-core's own budget stopped it with "Validation aborted.", which the gateway then
reported as QUERY_TOO_DEEP. Now such a document is QUERY_TOO_COMPLEX before validation
starts (``gateway.limits_overlap``), and validation never runs for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql.validation.rules.overlapping_fields_can_be_merged import (
    OverlappingFieldsCanBeMergedRule,
)

from gateway.limits_overlap import MAX_FIELD_PAIRS
from tests.auth_fixtures import VIEWER, answer, secured
from tests.gateway_client import GatewayClient, error_codes


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with secured() as gateway:
        yield gateway


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Selection sets graphql-core's overlapping-fields rule entered."""
    entered: list[Any] = []
    enter = OverlappingFieldsCanBeMergedRule.enter_selection_set

    def counted(rule: Any, node: Any, *args: Any) -> Any:
        entered.append(node)
        return enter(rule, node, *args)

    monkeypatch.setattr(OverlappingFieldsCanBeMergedRule, "enter_selection_set", counted)
    return entered


async def test_a_field_repeated_hundreds_of_times_is_refused_before_validation(
    gw: GatewayClient, validations: list[Any]
) -> None:
    body = await answer(gw, VIEWER, "{ organizations { " + "id " * 714 + "} }")

    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert (
        f"254541 pairs of same-named fields to compare; the limit is {MAX_FIELD_PAIRS}"
        in (body["errors"][0]["message"])
    )
    assert body["data"] is None
    assert validations == []  # the quadratic rule never started


async def test_repeats_through_inline_fragments_and_fragments_count_together(
    gw: GatewayClient, validations: list[Any]
) -> None:
    # 35 + 35 + 35 copies of `id` in the organization's selection set (5460 pairs), and
    # 35 in the inline fragment's and in the fragment's own (595 each), as the rule visits
    some = "id " * 35
    document = (
        "{ organizations { ...A ... on Organization { " + some + "} " + some + "} }\n"
        "fragment A on Organization { " + some + "}"
    )

    body = await answer(gw, VIEWER, document)

    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "6650 pairs" in body["errors"][0]["message"]
    assert validations == []


async def test_one_fragment_spread_many_times_counts_once(gw: GatewayClient) -> None:
    """As graphql-core collects a selection set's fragments: by name, once each."""
    document = "{ organizations { " + "...F " * 200 + "} }\nfragment F on Organization { id name }"

    body = await answer(gw, VIEWER, document)

    assert "errors" not in body
    assert body["data"]["organizations"][0]["name"]


async def test_a_query_that_repeats_a_few_fields_is_answered(
    gw: GatewayClient, validations: list[Any]
) -> None:
    # 40 fragments of one object, as components write them: 44 x id, 40 x name, 1726 pairs
    fragments = "\n".join(f"fragment F{i} on Organization {{ id name }}" for i in range(40))
    spreads = " ".join(f"...F{i}" for i in range(40))
    document = "{ organizations { id id id id " + spreads + " } }\n" + fragments

    body = await answer(gw, VIEWER, document)

    assert "errors" not in body
    assert validations  # validated as any document is
