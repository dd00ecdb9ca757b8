"""A trusted-documents manifest: the operations a deployment's clients were built with.

Two formats are read, told apart by their shape:

- Apollo's ``generate-persisted-query-manifest``:
  ``{"format": "apollo-persisted-query-manifest", "version": 1,
  "operations": [{"id", "name", "type", "body"}]}``
- GraphQL Codegen's client preset (``persisted-documents.json``): ``{"<hash>": "<body>"}``

An operation's ID is what the client sends as ``extensions.persistedQuery.sha256Hash``:
the SHA-256 of the body unless the generator was told otherwise, so IDs are taken as
written. Every problem raises ValueError naming the operation; the file is read once, at
startup, within bounds (a manifest is data from a build, not from callers, but a wrong
path should not fill memory).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

APOLLO_FORMAT = "apollo-persisted-query-manifest"
#: larger than any client's manifest; a path to the wrong file is refused before it is read
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_OPERATIONS = 100_000
#: what generators write (hex digests, or names with a hash); never a path or markup
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Manifest:
    """The trusted operations: their bodies by ID, and the SHA-256 of every body (a
    request that sends the full text is trusted when its text is one of them)."""

    source: str
    bodies: Mapping[str, str]
    body_hashes: frozenset[str]

    def trusts(self, document: str) -> bool:
        return sha256_hex(document) in self.body_hashes


def load_manifest(path: Path) -> Manifest:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size > MAX_MANIFEST_BYTES:
        raise ValueError(f"{path} is larger than {MAX_MANIFEST_BYTES} bytes")
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, RecursionError):
        raise ValueError(f"{path} is not UTF-8 JSON") from None
    return parse_manifest(data, str(path))


def parse_manifest(data: object, source: str) -> Manifest:
    if isinstance(data, dict) and "format" in data:
        pairs = _apollo(data, source)
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise ValueError(
            f"{source}: not a manifest: expected Apollo's persisted-query manifest or a "
            '{"<hash>": "<document>"} object'
        )
    if len(pairs) > MAX_OPERATIONS:
        raise ValueError(f"{source}: more than {MAX_OPERATIONS} operations")
    bodies: dict[str, str] = {}
    for operation_id, body in pairs:
        if not isinstance(operation_id, str) or not _ID.match(operation_id):
            raise ValueError(
                f"{source}: operation id {str(operation_id)[:80]!r} is not 1-128 letters, "
                "digits, '_', '.', ':' or '-'"
            )
        if not isinstance(body, str) or not body.strip():
            raise ValueError(f"{source}: operation {operation_id}: the body is not a document")
        if bodies.get(operation_id, body) != body:
            raise ValueError(f"{source}: operation {operation_id}: two different bodies")
        bodies[operation_id] = body
    return Manifest(
        source,
        MappingProxyType(bodies),
        frozenset(sha256_hex(b) for b in bodies.values()),
    )


def _apollo(data: dict[str, object], source: str) -> list[tuple[object, object]]:
    if data.get("format") != APOLLO_FORMAT or data.get("version") != 1:
        raise ValueError(
            f'{source}: unknown manifest format: expected "format": "{APOLLO_FORMAT}", "version": 1'
        )
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise ValueError(f'{source}: "operations" is not a list')
    pairs: list[tuple[object, object]] = []
    for index, operation in enumerate(operations[: MAX_OPERATIONS + 1], start=1):
        if not isinstance(operation, dict):
            raise ValueError(f"{source}: operation #{index} is not an object")
        pairs.append((operation.get("id"), operation.get("body")))
    return pairs
