"""Each vendor's documented request paths, and a check that a logged request used one.

Templates come from the vendor documents the simulators were written from: ClickHouse's
OpenAPI document (``tests/clickhouse/data``, plus ``backupConfiguration`` from the API
reference), and for the others the paths in ``docs/vendors/<vendor>.md`` and the seeds.
``{x}`` is one path segment. A request is well formed when:

- its decoded path (what a server routes on) matches a template of its vendor;
- its wire path (still percent-encoded) has no dot segment, no empty segment, and only
  characters RFC 3986 allows in a path, so no proxy or server can read it another way;
- its query names only parameters the gateway documents sending.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl

from adapters.simulation.middleware import LoggedRequest

_OPENAPI = Path(__file__).parent / "clickhouse" / "data" / "clickhouse-cloud-openapi.json"


def _clickhouse() -> list[str]:
    paths = list(json.loads(_OPENAPI.read_text())["paths"])
    # from the API reference (shared/seeds/clickhouse-cloud-api.txt), newer than the OpenAPI
    paths.append("/v1/organizations/:organizationId/services/:serviceId/backupConfiguration")
    return [re.sub(r":\w+", "{x}", p) for p in paths]


_ASTRA_COLLECTIONS = [
    "/core/v1/users",
    "/core/v1/users/{x}/tokens",
    "/core/v1/roleBindings",
    "/core/v1/features",
    "/k8s/v2/apps",
    "/k8s/v1/apps/{x}/appBackups",
    "/k8s/v1/apps/{x}/appSnaps",
]

TEMPLATES: dict[str, list[str]] = {
    "clickhouse": _clickhouse(),
    "featurebase": [
        "/",  # the identity service's login (id.featurebase.com)
        "/v2/users/current",
        "/v2/orgs/{x}",
        "/v2/orgs/{x}/keys",
        "/v2/users",
        "/v2/users/{x}",
        "/v2/users/{x}/roles",
        "/v2/users/{x}/keys",
        "/v2/users/{x}/keys/{x}",
        "/v2/invites",
        "/v2/invites/{x}",
        "/v2/roles",
        "/v2/databases",
        "/v2/databases/{x}",
        "/v2/databases/{x}/backups",
        "/v2/databases/{x}/action/start",
        "/v2/databases/{x}/action/stop",
        "/v2/shapes",
        "/v2/shapes/{x}",
    ],
    "astra": [
        "/accounts/{x}",
        *(f"/accounts/{{x}}{c}" for c in _ASTRA_COLLECTIONS),
        *(f"/accounts/{{x}}{c}/{{x}}" for c in _ASTRA_COLLECTIONS),
    ],
    "dbaas": [
        f"/api/{resource}/{suffix}"
        for resource in ("database", "credential", "plan", "environment", "project")
        for suffix in ("", "{x}/")
    ]
    + ["/api/credential/{x}/reset_password/"],
}

#: query parameters each vendor's client documents sending
QUERY_PARAMS: dict[str, frozenset[str]] = {
    "clickhouse": frozenset({"from_date", "to_date", "cloud_provider", "region_id"}),
    "featurebase": frozenset({"next", "continuation"}),
    "astra": frozenset({"limit", "include", "continue"}),
    "dbaas": frozenset({"page_size", "page"}),
}


def _regex(template: str) -> re.Pattern[str]:
    return re.compile(re.escape(template).replace(re.escape("{x}"), "[^/]+"))


_PATTERNS = {vendor: [_regex(t) for t in ts] for vendor, ts in TEMPLATES.items()}
#: RFC 3986 pchar: unreserved, pct-encoded, sub-delims, ":" and "@"; plus "/" between them
_WIRE = re.compile(r"(?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)+")


def problems(vendor: str, request: LoggedRequest) -> list[str]:
    """What is wrong with one logged request of ``vendor``; empty when it is well formed."""
    found = []
    if not any(p.fullmatch(request.path) for p in _PATTERNS[vendor]):
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
    unknown = names - QUERY_PARAMS[vendor]
    if unknown:
        found.append(f"query {request.query!r} names undocumented parameters {sorted(unknown)}")
    return found


def malformed(vendor: str, requests: Iterable[LoggedRequest]) -> list[str]:
    """Every problem of every request in ``requests``."""
    return [
        f"{r.method} {r.raw_path or r.path}: {p}" for r in requests for p in problems(vendor, r)
    ]
