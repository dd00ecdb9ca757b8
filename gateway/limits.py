"""Limits against abuse: the ``[limits]`` table, its defaults, and the codes of refusals.

Where each limit is enforced:

- HTTP, before the body is read (``gateway.limits_http``): body size (413), per-caller
  rate (429), then document and variables size once the body is parsed (413); the body
  must arrive within ``body_timeout_seconds`` (408)
- WebSocket (``gateway.websocket``): sockets open per process (503), the wait for
  ``connection_init`` (closed with 4408); then every operation like an HTTP request: rate,
  document and variables size, and subscriptions per caller (SUBSCRIPTION_LIMIT)
- GraphQL, before execution (``gateway.limits_graphql``): tokens, depth, aliases (at
  parse/validation, cached per document), cost (with the request's variables)

Parsing raises ValueError naming the field; ``gateway.config`` adds the file name.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any

from gateway.config_values import COUNT, POSITIVE_SECONDS, Number, check_value


class LimitCode(enum.StrEnum):
    """``extensions.code`` of every refusal; stable, documented in docs/errors.md."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_TOO_LARGE = "QUERY_TOO_LARGE"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    #: the body is not a GraphQL request: not JSON, not UTF-8, not an object, no query
    BAD_REQUEST = "BAD_REQUEST"
    #: a GET without a query where GraphiQL is off
    NOT_FOUND = "NOT_FOUND"
    #: the request body did not arrive in time (408)
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    #: this process has as many WebSocket connections open as it may (503)
    TOO_MANY_CONNECTIONS = "TOO_MANY_CONNECTIONS"
    #: a subscription over the caller's limit (or, ErrorCode, over its connection's)
    SUBSCRIPTION_LIMIT = "SUBSCRIPTION_LIMIT"
    #: vendor credentials from a caller whose token lacks ``vendor_credentials`` (403)
    VENDOR_CREDENTIALS_FORBIDDEN = "VENDOR_CREDENTIALS_FORBIDDEN"
    #: X-Credential-* headers that are malformed, incomplete, or for a vendor with no
    #: template connection the caller sees (400)
    VENDOR_CREDENTIALS_INVALID = "VENDOR_CREDENTIALS_INVALID"
    #: every per-caller client of a template is busy serving requests (503)
    TOO_MANY_TENANTS = "TOO_MANY_TENANTS"
    #: persisted documents (gateway.persisted); the first two as Apollo Client expects
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    #: trusted documents only: an ID the manifest lacks, a document it lacks
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
    QUERY_NOT_IN_SAFELIST = "QUERY_NOT_IN_SAFELIST"


@dataclass(frozen=True)
class LimitSettings:
    """Every limit; frozen and hashable, so a schema is built once per distinct set."""

    #: bytes of one HTTP request body (413 above, checked before it is parsed)
    max_body_bytes: int = 1_048_576
    #: bytes of the GraphQL document (``query``), POST or GET (413 above)
    max_document_bytes: int = 65_536
    #: bytes of the ``variables`` object, JSON-encoded (413 above)
    max_variables_bytes: int = 262_144
    #: lexical tokens in the document; parsing stops there (QUERY_TOO_LARGE)
    max_tokens: int = 5_000
    #: nesting of selections, introspection fields not counted (QUERY_TOO_DEEP)
    max_depth: int = 12
    #: aliased fields in the document, fragments included (TOO_MANY_ALIASES)
    max_aliases: int = 30
    #: estimated fields resolved, list sizes multiplied (QUERY_TOO_COMPLEX)
    max_cost: int = 200_000
    #: how many items the cost assumes for a list without ``first``
    default_list_size: int = 20
    #: requests per window each caller may send; 0: no rate limit
    rate_limit_requests: int = 600
    #: the window of that limit, in seconds (a token bucket refilled evenly over it)
    rate_limit_window_seconds: float = 60.0
    #: seconds a request body may take to arrive, from the request's headers (408 after)
    body_timeout_seconds: float = 10.0
    #: seconds a WebSocket may take to send ``connection_init`` (closed with 4408 after)
    websocket_init_timeout_seconds: float = 5.0
    #: WebSocket connections open at once in this process (503 above)
    max_websocket_connections: int = 1000
    #: of those, from one peer address before connection_init names the caller (503 above)
    max_unidentified_websockets_per_peer: int = 50


#: key -> (description, kind), for the docs, the "allowed" list in errors and parsing
LIMIT_KEYS: dict[str, tuple[str, Number]] = {
    "max_body_bytes": ("bytes of one HTTP request body (413 above)", COUNT),
    "max_document_bytes": ("bytes of the GraphQL document (413 above)", COUNT),
    "max_variables_bytes": ("bytes of the variables, JSON-encoded (413 above)", COUNT),
    "max_tokens": ("lexical tokens in the document (QUERY_TOO_LARGE above)", COUNT),
    "max_depth": ("nesting depth of selections (QUERY_TOO_DEEP above)", COUNT),
    "max_aliases": ("aliased fields in the document (TOO_MANY_ALIASES above)", COUNT),
    "max_cost": (
        "estimated fields resolved, list sizes multiplied (QUERY_TOO_COMPLEX above)",
        COUNT,
    ),
    "default_list_size": ("items the cost assumes for a list without first", COUNT),
    "rate_limit_requests": (
        "requests per window per caller; 0: unlimited (429 above)",
        Number(whole=True),
    ),
    "rate_limit_window_seconds": ("the window of the rate limit, in seconds", POSITIVE_SECONDS),
    "body_timeout_seconds": (
        "seconds a request body may take to arrive (408 after)",
        POSITIVE_SECONDS,
    ),
    "websocket_init_timeout_seconds": (
        "seconds a WebSocket has to send connection_init",
        POSITIVE_SECONDS,
    ),
    "max_websocket_connections": (
        "WebSocket connections open at once per process (503 above)",
        COUNT,
    ),
    "max_unidentified_websockets_per_peer": (
        "WebSocket connections from one peer address that have not yet sent a token "
        "(503 above; a trusted proxy's address is not capped)",
        COUNT,
    ),
}
assert set(LIMIT_KEYS) == {f.name for f in fields(LimitSettings)}


def parse_limits(raw: Any) -> LimitSettings:
    """``[limits]`` -> LimitSettings; ValueError naming the field."""
    where = "[limits]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in LIMIT_KEYS:
            raise ValueError(f"{where}: unknown field '{key}' (allowed: {', '.join(LIMIT_KEYS)})")
        try:
            values[key] = check_value(value, LIMIT_KEYS[key][1])
        except ValueError as exc:
            raise ValueError(f"{where}: field '{key}': {exc}") from None
    return LimitSettings(**values)
