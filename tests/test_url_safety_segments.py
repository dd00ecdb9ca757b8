"""``adapters.upstream.url_segments``: a caller's value is one encoded path segment, or refused."""

from __future__ import annotations

import pytest

from adapters.errors import ErrorCode, UpstreamError
from adapters.upstream.url_segments import MAX_SEGMENT, segment
from tests.hostile_values import ALL

REFUSED = {
    "dot-dot": "..",
    "dot": ".",
    "traversal": "../../keys",
    "backslash": "..\\..\\keys",
    "slash": "a/b",
    "crlf": "x\r\nX-Injected: 1",
    "nul": "x\x00y",
    "tab": "x\ty",
    "del": "x\x7f",
    "c1": "x\x85",
    "lone-surrogate": "\ud800",
    "fullwidth-dots": "\uff0e\uff0e",
    "fullwidth-slash": "a\uff0fb",
    "empty": "",
    "too-long": "a" * (MAX_SEGMENT + 1),
}

#: kept, as exactly one segment: the vendor decides whether it names anything
KEPT = {
    "uuid": ("c1ec7dd6-8586-5055-99e7-498e8dcea1c5", "c1ec7dd6-8586-5055-99e7-498e8dcea1c5"),
    "shape": ("8gb-aws:us-east-2", "8gb-aws%3Aus-east-2"),
    "encoded-dots": ("%2e%2e", "%252e%252e"),
    "query": ("x?admin=true", "x%3Fadmin%3Dtrue"),
    "fragment": ("x#frag", "x%23frag"),
    "space": ("a b", "a%20b"),
    "three-dots": ("...", "..."),
    "unicode": ("s\u00e9rvice", "s%C3%A9rvice"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_value_that_could_reshape_the_path_is_bad_user_input(name: str) -> None:
    with pytest.raises(UpstreamError) as caught:
        segment(REFUSED[name], connection="c", vendor="v")

    error = caught.value
    assert (error.code, error.connection, error.vendor) == (ErrorCode.BAD_USER_INPUT, "c", "v")
    assert len(error.message) < 200  # a long value is shown shortened
    assert not any(ch in error.message for ch in "\r\n\x00")  # and escaped


@pytest.mark.parametrize("name", list(KEPT))
def test_any_other_value_is_one_percent_encoded_segment(name: str) -> None:
    value, encoded = KEPT[name]

    assert segment(value, connection="c", vendor="v") == encoded


@pytest.mark.parametrize("name", list(ALL))
def test_nothing_kept_carries_a_delimiter(name: str) -> None:
    try:
        encoded = segment(ALL[name], connection="c", vendor="v")
    except UpstreamError:
        return

    assert not set(encoded) & set("/?#;&=\\ ") and encoded not in (".", "..")


def test_a_value_quote_would_leave_alone_is_kept_as_it_is_and_no_other() -> None:
    # segment() returns such values without quoting them: it must be what quote gives
    from string import ascii_letters, digits
    from urllib.parse import quote

    for char in ascii_letters + digits + "-._~" + "".join(map(chr, range(128))):
        value = f"a{char}{char}b"
        if char in "/\\" or not char.isprintable() or char == "\x7f":
            continue
        assert segment(value, connection="c", vendor="v") == quote(value, safe="")
    assert segment("...", connection="c", vendor="v") == "..."
