"""GraphQL over HTTP: which media type an answer has and which status goes with it.

The spec (graphql.github.io/graphql-over-http) has two response media types:

- ``application/graphql-response+json``, when the client's ``Accept`` prefers it: a
  request error (the document does not parse, does not validate, its variables do not
  coerce, or the gateway refused it before execution) is 400 without a ``data`` entry;
  anything that executed is 200, field errors included.
- ``application/json`` otherwise (no ``Accept``, ``*/*``, or a client that prefers it):
  every GraphQL answer is 200, as clients written before the new type expect.

Refusals at the door (401, 405, 413, 415, 429, ...) keep their status under either type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
#: the ASGI scope key the chosen media type is kept under for the request's answer
SCOPE_KEY = "dbaas_gateway.media_type"
#: set in the scope when the answer is a request error (nothing executed)
REQUEST_ERROR_KEY = "dbaas_gateway.request_error"
#: more media ranges than any client sends: the rest of a hostile header is not read
_MAX_RANGES = 32


def response_media_type(accept: str | None) -> str:
    """The media type of the answer to a request with this ``Accept`` header: the new
    type when its quality is above 0 and at least that of ``application/json``."""
    if not accept:
        return JSON
    ours = theirs = 0.0
    for media_range in accept.split(",")[:_MAX_RANGES]:
        media_type, quality = _media_range(media_range)
        if media_type == GRAPHQL_RESPONSE_JSON:
            ours = max(ours, quality)
        elif media_type in (JSON, "application/*", "*/*"):
            # */* is any type: the legacy one, which every client reads
            theirs = max(theirs, quality)
    return GRAPHQL_RESPONSE_JSON if ours > 0 and ours >= theirs else JSON


def _media_range(text: str) -> tuple[str, float]:
    media_type, *parameters = (part.strip() for part in text.split(";"))
    quality = 1.0
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
            # "nan" and "inf" parse; neither is a quality
            if not 0.0 <= quality <= 1.0:
                quality = 0.0
    return media_type.lower(), quality


def is_request_error(data: Any, errors: Sequence[Any] | None) -> bool:
    """Whether a result is a request error: no data and no error from a field (a field's
    error has a ``path``; parse, validation, coercion and pre-execution refusals have
    none)."""
    if data is not None or not errors:
        return False
    return all(getattr(e, "path", None) is None for e in errors)
