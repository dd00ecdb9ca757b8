"""Learned credentials are forgotten beyond ``MAX_LEARNED`` (tokens rotate, and a vendor
must not grow the scrubber without bound), but forgetting one never takes away a form
something else still implies: the configuration, or another value still learned."""

from __future__ import annotations

import pytest

from adapters.upstream.scrub import MAX_LEARNED, REDACTED, Scrubber

TOKEN = "tok-3f9a1c7e5b2d4a6f8e0c"


def push_out(s: Scrubber, how_many: int) -> None:
    """Learn ``how_many`` other values: the oldest learned ones are forgotten."""
    for n in range(how_many):
        s.learn({"authorization": f"Bearer other-token-{n:08d}-abcdef"})


def shown(s: Scrubber, text: str) -> bool:
    body = text.encode()
    return not s.needs_scrub(body) and s.scrub(text) == text


def test_a_token_still_sent_under_another_header_stays_secret() -> None:
    s = Scrubber()
    s.learn({"authorization": f"Bearer {TOKEN}"})
    s.learn({"x-api-key": TOKEN})  # the same credential, learned a second way
    push_out(s, MAX_LEARNED - 1)  # the Bearer value is the one forgotten
    assert f"Bearer {TOKEN}" not in s.forms()
    assert s.scrub(f"echo {TOKEN}") == f"echo {REDACTED}"
    assert s.needs_scrub(f'{{"echo": "{TOKEN}"}}'.encode())


@pytest.mark.parametrize("how", ["add", "add_pair", "merge"])
def test_a_configured_secret_learned_first_stays_secret(how: str) -> None:
    s = Scrubber()
    s.learn({"authorization": f"Bearer {TOKEN}"})
    if how == "add":
        s.add(TOKEN)
    elif how == "add_pair":
        s.add_pair("key-id", TOKEN)
    else:
        configured = Scrubber()
        configured.add(TOKEN)
        s.merge(configured)
    push_out(s, MAX_LEARNED)
    assert s.scrub(f"echo {TOKEN}") == f"echo {REDACTED}"
    assert s.needs_scrub(f'{{"echo": "{TOKEN}"}}'.encode())


def test_a_token_learned_alone_is_forgotten() -> None:
    s = Scrubber()
    s.add("configured-secret-value")
    s.learn({"authorization": f"Bearer {TOKEN}"})
    assert s.scrub(TOKEN) == REDACTED
    push_out(s, MAX_LEARNED)
    assert TOKEN not in s.forms() and shown(s, f"echo {TOKEN}")
    assert s.scrub("configured-secret-value") == REDACTED
    assert len(set(s.forms())) < 20 * (MAX_LEARNED + 1)  # bounded: the forgotten are gone


def test_a_forgotten_token_sent_again_is_learned_again() -> None:
    s = Scrubber()
    s.learn({"authorization": f"Bearer {TOKEN}"})
    push_out(s, MAX_LEARNED)
    assert shown(s, f"echo {TOKEN}")
    s.learn({"authorization": f"Bearer {TOKEN}"})
    assert s.scrub(f"echo {TOKEN}") == f"echo {REDACTED}"
