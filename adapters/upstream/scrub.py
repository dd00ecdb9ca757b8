"""Secrets out of what vendors say: the one place vendor text is made safe to show a caller.

A vendor, or a proxy or WAF in front of it, may echo what it was sent: an error page that
quotes the ``Authorization`` header hands the connection's key to everyone who sees the
error, and a record can carry it as well as a message can. So the upstream policy
(``adapters.upstream.http``) runs every body it parses and every error it builds through one
``Scrubber``, which knows:

- the credentials of the configuration (added by the runtime), and
- every credential header the gateway has actually sent (learned per request), which
  covers demo accounts, FeatureBase tokens obtained at login and anything a future
  credential source adds, with no vendor having to remember to register it,

in the forms a page echoes them: as is, ``id:secret`` and its Base64 Basic form, percent-
and HTML-encoded. Values shorter than ``MIN_SECRET_LENGTH`` are not searched for: they
would blank ordinary words, and are no credential worth the name.

Vendor text is also bounded (``bound``): a vendor's message of megabytes reaches a caller
as its first ``MAX_VENDOR_TEXT`` characters, marked as truncated.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

import ahocorasick

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 6
#: characters of vendor text (an error message) a caller sees at most
MAX_VENDOR_TEXT = 500
#: request headers whose values are credentials, whatever the vendor
CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "x-api-key")
#: a learned credential shorter than this is not learned: a token the vendor issued (a
#: FeatureBase login) is the vendor's choice, and a short one ("result") would let it
#: blank any word of any connection's answers
MIN_LEARNED_LENGTH = 16
#: learned header values kept (tokens rotate); the oldest are forgotten beyond it, so a
#: vendor cannot grow the scrubber without bound
MAX_LEARNED = 256


def bound(text: str, limit: int = MAX_VENDOR_TEXT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [truncated {len(text) - limit} characters]"


def _forms(secret: str) -> set[str]:
    """How a page may show ``secret``: as is, percent-encoded (either hex case, reserved
    characters only or every byte), HTML-escaped (named, decimal or hex entities)."""
    encoded = {quote(secret, safe=""), quote(secret), quote_plus(secret)}
    every_byte = "".join(f"%{b:02X}" for b in secret.encode())
    encoded |= {every_byte}
    lowered = {_PERCENT.sub(lambda m: m[0].lower(), e) for e in encoded}
    entities = {
        "".join(f"&#{ord(c)};" for c in secret),
        "".join(f"&#x{ord(c):x};" for c in secret),
    }
    return {secret, html.escape(secret)} | encoded | lowered | entities


_PERCENT = re.compile(r"%[0-9A-F]{2}")


def _forms_of(secrets: Iterable[str]) -> set[str]:
    """Every form of each secret long enough to be one, long enough to be searched for."""
    return {
        form
        for secret in secrets
        if len(secret) >= MIN_SECRET_LENGTH
        for form in _forms(secret)
        if len(form) >= MIN_SECRET_LENGTH
    }


def _pair(user: str, secret: str) -> tuple[str, ...]:
    """An HTTP Basic credential's secrets: the secret, ``user:secret`` and its Base64."""
    pair = f"{user}:{secret}"
    encoded = base64.b64encode(pair.encode()).decode()
    return secret, pair, encoded, encoded.rstrip("=")


#: how many clean bodies a scrubber remembers, and the largest it remembers: at most 4 MiB
#: per scrubber (one per connection, and per tenant of a template), where answers of a
#: list page are a few KB
CLEAN_BODIES = 256
#: how much of a body is searched at a time (each chunk a Latin-1 copy of its bytes)
SEARCH_CHUNK = 256 * 1024
CLEAN_BODY_BYTES = 16 * 1024


#: how many leading bytes of a form the automaton holds; a longer form is confirmed with
#: ``in`` once its start is seen. pyahocorasick keeps a node (~40 bytes) per character of
#: every word and frees them recursively: whole forms took ~190 MB for 256 learned JWTs,
#: and the forms of a 100 KB token (a vendor's choice) crashed the process (C stack)
NEEDLE_PREFIX = 64


def _automaton(forms: Iterable[str]) -> ahocorasick.Automaton:
    """Every form, found in one pass (Aho-Corasick). Testing each form with ``in`` took
    13 us for a 1.3 KB body against the 38 forms of the benchmark's 8 connections, and
    grows with every connection; the automaton takes 6.6 us for any number of forms.

    A word is a form's first ``NEEDLE_PREFIX`` bytes; its value is None where that is a
    whole form (found), else the word and the longer forms that start with it."""
    whole: set[str] = set()
    longer: dict[str, list[bytes]] = {}
    for form in forms:
        raw = form.encode()
        word = raw[:NEEDLE_PREFIX].decode("latin-1")
        if len(raw) <= NEEDLE_PREFIX:
            whole.add(word)
        else:
            longer.setdefault(word, []).append(raw)
    automaton = ahocorasick.Automaton()
    for word in whole | longer.keys():
        automaton.add_word(word, None if word in whole else (word, tuple(longer[word])))
    automaton.make_automaton()
    return automaton


class Scrubber:
    """The secrets to remove from vendor text, and the removal."""

    def __init__(self) -> None:
        self._forms: set[str] = set()
        # header values already taken apart: the per-request learning is one set lookup
        self._seen: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._needles: ahocorasick.Automaton | None = None
        # bodies found to hold no needle, while the needles stay the same: a cached answer
        # is read again and again, and a fetched one is tested twice (stored, then parsed)
        self._clean: dict[bytes, None] = {}
        #: each learned header value, oldest first (forgotten beyond MAX_LEARNED), with
        #: every form it implies, whether or not another secret had added it first
        self._learned: dict[str, set[str]] = {}
        #: the forms added other than by learning (configuration, a login's password,
        #: another scrubber's): never forgotten with a learned value
        self._kept: set[str] = set()
        #: changes with every change of the forms: what was scrubbed before may hold a
        #: secret learned since (the gateway's answer cache checks it)
        self.version = 0

    def add(self, *secrets: str) -> None:
        forms = _forms_of(secrets)
        self._kept |= forms
        self._take(forms)

    def _take(self, forms: set[str]) -> None:
        new = forms - self._forms
        if new:
            self._forms |= new
            self._changed()

    def _changed(self) -> None:
        self._pattern = self._needles = None
        self.version += 1

    def add_pair(self, user: str, secret: str) -> None:
        """An HTTP Basic credential: the secret, ``user:secret`` and its Base64."""
        self.add(*_pair(user, secret))

    def learn(self, headers: Mapping[str, str]) -> None:
        """Take the credentials out of headers the gateway sent (after the auth flow)."""
        for name in CREDENTIAL_HEADERS:
            value = headers.get(name)
            if value is None or value in self._seen:
                continue
            self._seen.add(value)
            scheme, _, credential = value.partition(" ")
            secrets: list[str] = []
            if len(value) >= MIN_LEARNED_LENGTH:
                secrets.append(value)
            if credential and len(credential) >= MIN_LEARNED_LENGTH:
                secrets.append(credential)
            if credential and scheme.lower() == "basic":
                # the gateway built this pair itself, from its own configuration
                try:
                    user, _, secret = base64.b64decode(credential).decode().partition(":")
                except (binascii.Error, UnicodeDecodeError):
                    user = secret = ""
                if secret:
                    secrets.extend(_pair(user, secret))
            forms = _forms_of(secrets)
            self._learned[value] = forms
            self._take(forms)
            self._forget_oldest()

    def _forget_oldest(self) -> None:
        while len(self._learned) > MAX_LEARNED:
            value = next(iter(self._learned))
            self._seen.discard(value)
            forgotten = self._learned.pop(value)
            # a form stays while anything else implies it: the configuration, or a value
            # still learned (the same token under another scheme, say)
            gone = forgotten - self._kept.union(*self._learned.values())
            if gone:
                self._forms -= gone
                self._changed()

    def merge(self, other: Scrubber) -> None:
        """Take on what ``other`` knows (a connection's own scrubber joining the shared
        one): kept here however ``other`` came to know it."""
        self._seen |= other._seen
        self._kept |= other._forms
        self._take(other._forms)

    def forms(self) -> Iterable[str]:
        return iter(self._forms)

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._forms:
            # longest first, so "id:secret" goes as a whole rather than leaving "id:"
            ordered = sorted(self._forms, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, ordered)))
        return self._pattern

    def scrub(self, text: str) -> str:
        pattern = self._compiled()
        if pattern is None:
            return text
        return pattern.sub(REDACTED, text)

    def needs_scrub(self, body: bytes) -> bool:
        """Whether a raw body may hold a secret: it holds one of the forms, or escapes
        (``\\u0041``) that could spell one out. A cheap test before walking a parsed body:
        every upstream answer passes it."""
        if not self._forms:
            return False
        # escapes, and UTF-16/32 or a BOM, which json.loads reads but no needle matches
        if b"\\" in body or b"\x00" in body or body.startswith(b"\xef\xbb\xbf"):
            return True
        if self._needles is None:
            self._needles = _automaton(self._forms)
            self._clean.clear()  # every change of the forms drops the needles, and so this
        elif body in self._clean:
            return False
        # one pass over the body, whatever the number of forms: a body's bytes as Latin-1
        # characters, one a byte, against each form's UTF-8 bytes read the same way; a
        # chunk at a time, each overlapping the next by the longest word, so a body of
        # 20 MB is not copied whole (the 10,000-service list: peak RSS 160 -> 140 MB)
        step = SEARCH_CHUNK
        tried: set[str] = set()  # a long form's start seen again: its forms were searched
        for start in range(0, len(body), step):
            text = body[start : start + step + NEEDLE_PREFIX].decode("latin-1")
            for _, found in self._needles.iter(text):
                if found is None:
                    return True
                # the start of longer forms: each searched for once, in the whole body
                word, longer = found
                if word not in tried:
                    tried.add(word)
                    if any(form in body for form in longer):
                        return True
        if len(body) <= CLEAN_BODY_BYTES:
            if len(self._clean) >= CLEAN_BODIES:
                del self._clean[next(iter(self._clean))]
            self._clean[body] = None
        return False

    def scrub_json(self, value: Any) -> Any:
        """A parsed JSON value with every string (object keys too) scrubbed."""
        pattern = self._compiled()
        if pattern is None:
            return value
        return _walk(value, pattern)


def _walk(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, dict):
        return {_walk(k, pattern): _walk(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, pattern) for v in value]
    return value
