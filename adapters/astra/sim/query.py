"""The Astra simulator's collection queries: parsing the query string, filtering, ordering
and continue tokens. Part of the simulator (written from the docs), not of the adapter.

``parse_query`` raises ``InvalidQuery`` with the ``invalidParams`` list; the simulator turns
it into problem 5.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Resource = dict[str, Any]
FILTER_RE = re.compile(
    r"\s*([A-Za-z][\w.]*)\s+(eq|ne|lt|le|gt|ge)\s+'((?:[^']|'')*)'\s*(?:(and)\s+(?=\S))?"
)
QUERY_PARAMS = frozenset({"limit", "continue", "count", "filter", "include", "orderBy", "skip"})


class InvalidQuery(Exception):
    """The query string is wrong; ``params`` is the problem's ``invalidParams``."""

    def __init__(self, params: list[dict[str, str]]) -> None:
        super().__init__(params)
        self.params = params


def get_path(resource: Resource, path: str) -> Any:
    """The value at a dotted path (``metadata.labels``), or None."""
    value: Any = resource
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def sort_key(path: str, resource: Resource) -> tuple[bool, str]:
    value = get_path(resource, path)
    return value is None, str(value)


@dataclass
class ListQuery:
    """The parsed query string of a collection GET."""

    filters: list[tuple[str, str, str]]
    order: list[tuple[str, bool]]  # (field, descending)
    include: list[str]
    limit: int | None
    offset: int
    count: bool
    fingerprint: dict[str, str]  # what a continue token must have been issued for


def encode_continue(offset: int, fingerprint: dict[str, str]) -> str:
    token = {"offset": offset, **fingerprint}
    return base64.urlsafe_b64encode(json.dumps(token).encode()).decode()


def parse_query(params: dict[str, str], knows: Callable[[str], bool]) -> ListQuery:
    """Parse limit/continue/count/filter/include/orderBy/skip; ``knows`` says whether a
    field exists on the resource type. Raises InvalidQuery listing every error."""
    bad: list[dict[str, str]] = []

    def reject(name: str, reason: str) -> None:
        bad.append({"name": name, "reason": reason})

    # Reading: the docs list exactly these parameters, so anything else is a client bug.
    for name in sorted(set(params) - QUERY_PARAMS):
        reject(name, "Unknown query parameter.")

    def integer(name: str, minimum: int) -> int | None:
        raw = params.get(name)
        if raw is None:
            return None
        if not raw.isdigit() or int(raw) < minimum:
            reject(name, f"Must be an integer >= {minimum}.")
            return None
        return int(raw)

    limit, skip = integer("limit", 1), integer("skip", 0)
    count = params.get("count", "false")
    if count not in ("true", "false"):
        reject("count", "Must be 'true' or 'false'.")
    filters: list[tuple[str, str, str]] = []
    text, pos = params.get("filter", ""), 0
    while text.strip() and pos < len(text):  # clauses joined by "and"; '' escapes a quote
        match = FILTER_RE.match(text, pos)
        if not match or not (match.end() == len(text) or match[4]):
            reject("filter", "Expected field eq|ne|lt|le|gt|ge 'value' [and ...].")
            break
        if not knows(match[1]):
            reject("filter", f"Unknown field '{match[1]}'.")
        filters.append((match[1], match[2], match[3].replace("''", "'")))
        pos = match.end()
    order: list[tuple[str, bool]] = []
    for term in filter(None, (t.strip() for t in params.get("orderBy", "").split(","))):
        name, _, direction = term.partition(" ")
        if not knows(name) or direction.strip() not in ("", "asc", "desc"):
            reject("orderBy", f"Can't order by '{term}'.")
        order.append((name, direction.strip() == "desc"))
    include = [f.strip() for f in params.get("include", "").split(",") if f.strip()]
    for name in include:
        if not knows(name):
            reject("include", f"Unknown field '{name}'.")
    fingerprint = {"filter": params.get("filter", ""), "orderBy": params.get("orderBy", "")}
    offset = skip or 0
    if "continue" in params:
        # Reading: the token holds an absolute offset and is only good for the filter and
        # order it was issued with (as with Kubernetes); skip is ignored alongside it.
        try:
            data = json.loads(base64.urlsafe_b64decode(params["continue"].encode()))
            offset = int(data["offset"])
            if offset < 0 or {k: data[k] for k in fingerprint} != fingerprint:
                raise ValueError("issued for another query")
        except (ValueError, KeyError, TypeError, binascii.Error):
            reject("continue", "Not a continue value this collection issued for this query.")
    if bad:
        raise InvalidQuery(bad)
    return ListQuery(filters, order, include, limit, offset, count == "true", fingerprint)


def matches(resource: Resource, filters: list[tuple[str, str, str]]) -> bool:
    compare = {
        "eq": str.__eq__,
        "ne": str.__ne__,
        "lt": str.__lt__,
        "le": str.__le__,
        "gt": str.__gt__,
        "ge": str.__ge__,
    }
    for path, op, wanted in filters:
        value = get_path(resource, path)
        values = value if isinstance(value, list) else [value]  # namespaces eq 'x' = contains
        hits = [compare[op](str(v), wanted) for v in values if v is not None]
        if not (any(hits) if op != "ne" else all(hits)):
            return False
    return True
