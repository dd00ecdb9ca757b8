"""Scrubber.needs_scrub finds every form of every secret in a raw body in one pass
(Aho-Corasick): it must say yes exactly where testing each form with ``in`` does."""

from __future__ import annotations

import random

import pytest

from adapters.upstream import scrub
from adapters.upstream.scrub import SEARCH_CHUNK, Scrubber

SECRETS = [
    "sk_live_8f1c2e9a7b3d4c5e6f708192",  # an API key
    "päss-wörd-mit-ümläuten-0123",  # non-ASCII: its forms are searched as UTF-8 bytes
    "tok:en/with+symbols=&?#%41",  # characters every encoding form changes
    "aaaaaaaaaaaaaaaaaaaaaaaa",  # forms that overlap themselves
]


def scrubber() -> Scrubber:
    s = Scrubber()
    s.add(*SECRETS)
    s.add_pair("client-id-1234", "client-secret-5678-abcdef")
    return s


def expected(s: Scrubber, body: bytes) -> bool:
    if b"\\" in body or b"\x00" in body or body.startswith(b"\xef\xbb\xbf"):
        return True
    return any(form.encode() in body for form in s.forms())


def bodies(s: Scrubber, rng: random.Random) -> list[bytes]:
    forms = sorted(f.encode() for f in s.forms())
    alphabet = b'abcdefghijklmnopqrstuvwxyz0123456789{}[]":, -_\xc3\xa4\xff\x80'
    made = []
    for _ in range(3000):
        body = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        roll = rng.random()
        form = rng.choice(forms)
        at = rng.randint(0, len(body))
        if roll < 0.3:  # a whole form somewhere, the start and the end included
            body = body[:at] + form + body[at:]
        elif roll < 0.6:  # a form cut short by one byte, at either end
            part = form[1:] if rng.random() < 0.5 else form[:-1]
            body = body[:at] + part + body[at:]
        made.append(body)
    return made


@pytest.mark.parametrize("chunk", [SEARCH_CHUNK, 7, 64])
def test_the_one_pass_finds_exactly_what_each_form_would(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small chunks: forms across a chunk's end are found through the overlap
    monkeypatch.setattr(scrub, "SEARCH_CHUNK", chunk)
    s = scrubber()
    rng = random.Random(16)
    found = 0
    for body in bodies(s, rng):
        assert s.needs_scrub(body) is expected(s, body), body
        found += expected(s, body)
    assert 500 < found < 2500  # both answers were tried often


@pytest.mark.parametrize("secret", SECRETS)
def test_every_form_of_a_secret_is_found_alone_and_inside_a_body(secret: str) -> None:
    s = Scrubber()
    s.add(secret)
    for form in s.forms():
        raw = form.encode()
        assert s.needs_scrub(raw)
        assert s.needs_scrub(b'{"id": "x", "note": "' + raw + b'"}')


def test_a_body_found_clean_is_searched_again_for_a_secret_learnt_since() -> None:
    s = scrubber()
    body = b'{"token": "a-token-learnt-from-a-login-answer"}'
    assert not s.needs_scrub(body)
    assert not s.needs_scrub(body)  # remembered as clean
    s.add("a-token-learnt-from-a-login-answer")
    assert s.needs_scrub(body)


def test_no_secret_no_search() -> None:
    assert not Scrubber().needs_scrub(b'{"key": "sk_live_8f1c2e9a7b3d4c5e6f708192"}')
