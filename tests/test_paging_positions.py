"""adapters.paging.position builds each item's position from its page's part: it must be
the JSON ``parse_position`` reads back, byte for byte what ``json.dumps`` gave."""

from __future__ import annotations

import json

import pytest

from adapters.paging import parse_position, position
from tests.hostile_values import ALL


@pytest.mark.parametrize(
    "token", [None, "", "next-page", 'q"uote\\', "\u00e9\u2028", "a" * 512, "b" * 513, "c" * 10**5]
)
@pytest.mark.parametrize("index", [-1, 0, 7, 10**6])
def test_a_position_is_what_json_gives_and_reads_back(token: str | None, index: int) -> None:
    made = position(token, index)
    assert made == json.dumps([token or "", index])
    assert parse_position(made) == (token or None, index)


@pytest.mark.parametrize("name", sorted(ALL))
def test_a_hostile_page_token_stays_inside_its_position(name: str) -> None:
    token = ALL[name]
    assert position(token, 3) == json.dumps([token or "", 3])
    assert parse_position(position(token, 3)) == (token or None, 3)


def test_a_long_vendor_token_is_not_kept_in_the_memo() -> None:
    from adapters import paging

    before = paging._token_part.cache_info().currsize
    for n in range(20):
        position(f"{n}" + "t" * paging.MEMO_TOKEN_CHARS, 1)
    assert paging._token_part.cache_info().currsize == before
