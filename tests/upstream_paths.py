"""A check that a logged request used one of its vendor's documented paths.

The templates and query parameters are each vendor's declaration
(``VendorSpec.paths``, in ``adapters/<vendor>/documents.py``), written from the vendor
documents the simulators were written from. A request is well formed when:

- its decoded path (what a server routes on) matches a template of its vendor;
- its wire path (still percent-encoded) has no dot segment, no empty segment, and only
  characters RFC 3986 allows in a path, so no proxy or server can read it another way;
- its query names only parameters the gateway documents sending.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl

from adapters.registry import VENDORS
from adapters.simulation.middleware import LoggedRequest

#: RFC 3986 pchar: unreserved, pct-encoded, sub-delims, ":" and "@"; plus "/" between them
_WIRE = re.compile(r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+")


def problems(vendor: str, request: LoggedRequest) -> list[str]:
    """What is wrong with one logged request of ``vendor``; empty when it is well formed."""
    documented = VENDORS[vendor].paths
    found = []
    if not documented.matches(request.path):
        found.append(f"path {request.path!r} matches no documented {vendor} template")
    wire = request.raw_path or request.path
    if not _WIRE.fullmatch(wire):
        found.append(f"wire path {wire!r} has characters a path may not carry")
    segments = wire.split("/")[1:]
    if any(s in (".", "..") or s.lower() in ("%2e", "%2e%2e") for s in segments):
        found.append(f"wire path {wire!r} has a dot segment")
    if "" in segments[:-1]:
        found.append(f"wire path {wire!r} has an empty segment")
    names = {name for name, _ in parse_qsl(request.query, keep_blank_values=True)}
    unknown = names - documented.query_params
    if unknown:
        found.append(f"query {request.query!r} names undocumented parameters {sorted(unknown)}")
    return found


def malformed(vendor: str, requests: Iterable[LoggedRequest]) -> list[str]:
    """Every problem of every request in ``requests``."""
    return [
        f"{r.method} {r.raw_path or r.path}: {p}" for r in requests for p in problems(vendor, r)
    ]
