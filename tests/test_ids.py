"""Global IDs are opaque, round-trip, and reject garbage with BAD_USER_INPUT."""

from __future__ import annotations

import pytest

from adapters.errors import ErrorCode, GatewayError
from schema.ids import decode_id, encode_id
from schema.kinds import DATABASE


def test_an_id_round_trips_with_slashes_and_unicode_in_parts() -> None:
    value = encode_id("Database", "ch/prod", ("org 1", "sérvice/2"))

    gid = decode_id(value)

    assert (gid.type_name, gid.connection, gid.key) == (
        "Database",
        "ch/prod",
        ("org 1", "sérvice/2"),
    )
    assert "Database" not in value


@pytest.mark.parametrize("value", ["", "!!!", "bm90IGFuIGlk", encode_id("Database", "c", ("",))])
def test_garbage_is_bad_user_input(value: str) -> None:
    with pytest.raises(GatewayError) as caught:
        decode_id(value)

    assert caught.value.code is ErrorCode.BAD_USER_INPUT


def test_an_id_of_another_type_is_bad_user_input() -> None:
    value = encode_id("Organization", "c", ("o",))

    with pytest.raises(GatewayError, match="is of type Organization, not Database"):
        decode_id(value, DATABASE)


@pytest.mark.parametrize(
    "value",
    [
        encode_id("Database", "c", ("o",)) + "?x=1",  # base64 would skip what is not its own
        encode_id("Database", "c", ("o",)) + "\n",
        "A" * 2000,  # refused before it is decoded
        "\ud800",
    ],
)
def test_an_id_has_one_spelling_and_a_bounded_length(value: str) -> None:
    with pytest.raises(GatewayError) as caught:
        decode_id(value)

    assert caught.value.code is ErrorCode.BAD_USER_INPUT
    assert "\n" not in caught.value.message and len(caught.value.message) < 200


def test_a_padded_id_is_the_same_id() -> None:
    value = encode_id("Database", "c", ("o",))

    assert decode_id(value + "=" * (-len(value) % 4)) == decode_id(value)
