"""The ``[persisted_documents]`` table: automatic persisted queries and trusted documents.

Parsing raises ValueError naming the field; ``gateway.config`` adds the file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.config_values import COUNT, POSITIVE_SECONDS, Kind, check_value
from gateway.trusted_manifest import Manifest, load_manifest

#: keys of the optional top-level [persisted_documents] table: (description, kind)
PERSISTED_KEYS: dict[str, tuple[str, Kind]] = {
    "automatic": (
        "accept Apollo's automatic persisted queries: a client registers a document by its "
        "SHA-256 and then sends the hash alone (default true)",
        bool,
    ),
    "max_entries": ("automatic persisted documents kept, oldest out first (default 1000)", COUNT),
    "ttl_seconds": (
        "how long Redis keeps a document after it was last registered (default 86400)",
        POSITIVE_SECONDS,
    ),
    "manifest": (
        "a trusted-documents manifest (Apollo's persisted-query manifest or GraphQL "
        "Codegen's persisted-documents.json); relative to this file",
        str,
    ),
    "trusted_only": (
        "refuse every document that is not in the manifest (production; default false)",
        bool,
    ),
}


@dataclass(frozen=True)
class PersistedSettings:
    automatic: bool = True
    max_entries: int = 1_000
    ttl: float = 86_400.0
    manifest: Manifest | None = None
    trusted_only: bool = False


def parse_persisted(raw: Any, base_dir: Path) -> PersistedSettings:
    where = "[persisted_documents]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in PERSISTED_KEYS:
            raise ValueError(
                f"{where}: unknown field '{key}' (allowed: {', '.join(PERSISTED_KEYS)})"
            )
        kind = PERSISTED_KEYS[key][1]
        if kind is str and (not isinstance(value, str) or not value):
            raise ValueError(f"{where}: field '{key}': must be a non-empty string")
        try:
            values[key] = check_value(value, kind)
        except ValueError as exc:
            raise ValueError(f"{where}: field '{key}': {exc}") from None
    manifest = None
    if "manifest" in values:
        try:
            manifest = load_manifest(base_dir / Path(values["manifest"]).expanduser())
        except ValueError as exc:
            raise ValueError(f"{where}: field 'manifest': {exc}") from None
    trusted_only = values.get("trusted_only", False)
    if trusted_only and manifest is None:
        raise ValueError(
            f"{where}: field 'trusted_only': needs a manifest of the trusted documents"
        )
    defaults = PersistedSettings()
    return PersistedSettings(
        automatic=values.get("automatic", defaults.automatic),
        max_entries=values.get("max_entries", defaults.max_entries),
        ttl=values.get("ttl_seconds", defaults.ttl),
        manifest=manifest,
        trusted_only=trusted_only,
    )
