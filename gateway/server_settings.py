"""The ``[server]`` table: the request deadline, the profile, introspection, GraphiQL, CORS.

The ``production`` profile turns introspection and GraphiQL off unless the file turns
them on (``introspection = true``, ``graphiql = true``); ``serve --profile`` overrides
the file's profile. Parsing raises ValueError; ``gateway.config`` adds the file name.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.config_values import POSITIVE_SECONDS, Kind, check_value

#: keys of the optional top-level [server] table: (description, kind)
SERVER_KEYS: dict[str, tuple[str, Kind]] = {
    "request_timeout_seconds": (
        "deadline of one GraphQL request; upstream calls and retries stop there (default 30)",
        POSITIVE_SECONDS,
    ),
    "profile": ('"development" (default) or "production" (see docs/security.md)', str),
    "introspection": ("answer introspection (default: true, false in production)", bool),
    "graphiql": ("serve GraphiQL at GET /graphql (default: true, false in production)", bool),
    "cors_origins": ("origins browsers may call from (default: none, no CORS headers)", list),
    "graphiql_assets": (
        "folder of GraphiQL's npm packages served at /graphiql/assets (a node_modules); "
        "relative to this file (default: $DBAAS_GATEWAY_GRAPHIQL_ASSETS, else the "
        "repository's graphiql/node_modules)",
        str,
    ),
}
PROFILES = ("development", "production")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


@dataclass(frozen=True)
class ServerSettings:
    request_timeout: float = 30.0
    profile: str = "development"
    #: None: the profile decides (on in development, off in production)
    introspection: bool | None = None
    graphiql: bool | None = None
    cors_origins: tuple[str, ...] = ()
    #: None: gateway.graphiql picks the default folder
    graphiql_assets: Path | None = None

    def with_profile(self, profile: str | None) -> ServerSettings:
        """These settings under ``profile`` (``serve --profile``), when given."""
        return self if profile is None else dataclasses.replace(self, profile=profile)

    @property
    def production(self) -> bool:
        return self.profile == "production"

    @property
    def introspection_enabled(self) -> bool:
        return not self.production if self.introspection is None else self.introspection

    @property
    def graphiql_enabled(self) -> bool:
        return not self.production if self.graphiql is None else self.graphiql


def parse_server(raw: Any, base_dir: Path) -> ServerSettings:
    """``[server]`` -> ServerSettings; ValueError naming the field. ``base_dir`` anchors
    relative paths (the configuration file's folder)."""
    where = "[server]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in SERVER_KEYS:
            raise ValueError(f"{where}: unknown field '{key}' (allowed: {', '.join(SERVER_KEYS)})")
        _, kind = SERVER_KEYS[key]
        if kind is str and (not isinstance(value, str) or not value):
            raise ValueError(f"{where}: field '{key}': must be a non-empty string")
        try:
            values[key] = check_value(value, kind)
        except ValueError as exc:
            raise ValueError(f"{where}: field '{key}': {exc}") from None
    timeout = values.get("request_timeout_seconds", ServerSettings.request_timeout)
    profile = values.get("profile", "development")
    if profile not in PROFILES:
        raise ValueError(
            f"{where}: field 'profile': unknown profile '{profile}' (known: {', '.join(PROFILES)})"
        )
    origins = values.get("cors_origins", [])
    for origin in origins:
        if not isinstance(origin, str) or not _ORIGIN.match(origin):
            # no "*": with anonymous or proxied callers any site could read the answers
            raise ValueError(
                f"{where}: field 'cors_origins': '{origin}' is not an origin like "
                "https://app.example.com (scheme, host, optional port; no wildcard, no path)"
            )
    assets = values.get("graphiql_assets")
    return ServerSettings(
        request_timeout=timeout,
        graphiql_assets=None if assets is None else base_dir / Path(assets).expanduser(),
        profile=profile,
        introspection=values.get("introspection"),
        graphiql=values.get("graphiql"),
        cors_origins=tuple(origins),
    )
