"""The Astra simulator's vocabulary, from the vendor docs: problem numbers, the documented
states and roles, and one ``Kind`` per resource type (media type, version, fields, who may
write it). Part of the simulator, not of the adapter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PROBLEM_BASE = "https://astra.netapp.io/problems/"
# N -> (HTTP status, title, detail), per the notes; titles of 3, 5, 11, 41 and 2 are the seed's.
PROBLEMS: dict[int, tuple[int, str, str]] = {
    1: (404, "Resource not found", "The resource specified in the request URI wasn't found."),
    2: (404, "Collection not found", "The collection specified in the request URI wasn't found."),
    3: (401, "Missing bearer token", "The request is missing the required bearer token."),
    4: (401, "Invalid bearer token", "The supplied bearer token is invalid."),
    5: (400, "Invalid query parameters", "The supplied query parameters are invalid."),
    7: (400, "Invalid JSON payload", "The request body isn't valid JSON."),
    9: (400, "Invalid JSON resource", "The supplied JSON resource is invalid."),
    10: (
        409,
        "JSON resource conflict",
        "The request body conflicts with the current state of the resource.",
    ),
    11: (403, "Operation not permitted", "The requested operation isn't permitted."),
    19: (409, "User already exists", "A user with the supplied email already exists."),
    35: (400, "Invalid resource ID", "The resource ID in the request URI is invalid."),
    41: (503, "Service not ready", "Currently, the service can't respond to this request."),
}
# Reading: injected faults name only a status; these are the problems each status means.
# 400 picks 9 (the generic body error). Other statuses get RFC 7807's "about:blank".
PROBLEM_FOR_STATUS = {400: 9, 401: 4, 403: 11, 404: 1, 409: 10, 503: 41}

ROLES = ("viewer", "member", "admin", "owner")
APP_STATES = (
    "pending",
    "discovering",
    "provisioning",
    "ready",
    "failed",
    "restoring",
    "unavailable",
    "unknown",
    "deleting",
)
PROTECTION_STATES = ("protected", "partial", "none", "atRisk")
BACKUP_STATES = (
    "pending",
    "discovering",
    "running",
    "completed",
    "failed",
    "removed",
    "unknown",
    "deleting",
)
USER_STATES = ("pending", "active", "suspended")
NIL_UUID = "00000000-0000-0000-0000-000000000000"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


#: the seed's rule for a resource ``name``; the simulator applies it to every named kind
NAME_LENGTH = (1, 63)


class Problem(Exception):
    """An Astra problem (RFC 7807) a handler raises; ``extra`` adds invalidParams etc."""

    def __init__(self, number: int, detail: str | None = None, **extra: Any) -> None:
        super().__init__(number)
        self.number, self.detail, self.extra = number, detail, extra


def invalid(name: str, reason: str) -> Problem:
    """Problem 9 naming one invalid field."""
    return Problem(9, invalidFields=[{"name": name, "reason": reason}])


def check_id(value: str) -> str:
    if not UUID_RE.fullmatch(value):
        raise Problem(35, f"'{value}' isn't a valid resource ID (a UUID).")
    return value.lower()


@dataclass(frozen=True)
class Kind:
    """One resource type: media type, version, schema fields and who may write it."""

    name: str
    version: str
    fields: tuple[str, ...]
    required: tuple[str, ...] = ()  # in POST and PUT bodies (PUT is a full replace)
    mutable: tuple[str, ...] = ()  # what a PUT may change
    immutable: tuple[str, ...] = ()  # a PUT may repeat these but not change them
    write_role: str = "member"
    methods: tuple[str, ...] = ("GET", "PUT", "DELETE")  # on one item
    media: str | None = None  # the media type's name where it differs from ``name``

    @property
    def media_type(self) -> str:
        return f"application/astra-{self.media or self.name}"

    def knows(self, path: str) -> bool:
        return path.split(".")[0] in ("type", "version", "id", "metadata", *self.fields)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "account",
            "1.1",
            ("name", "state", "isEnabled"),
            ("name",),
            ("name", "isEnabled"),
            ("state",),
            "owner",
            ("GET", "PUT"),
        ),
        Kind(
            "user",
            "1.2",
            (
                "firstName",
                "lastName",
                "email",
                "state",
                "isEnabled",
                "authProvider",
                "lastActTimestamp",
            ),
            # the OpenAPI makes only email required; the names are optional
            ("email",),
            ("firstName", "lastName", "state", "isEnabled"),
            ("email", "authProvider"),
            "admin",
        ),
        Kind(
            "roleBinding",
            "1.1",
            ("principalType", "userID", "groupID", "accountID", "role", "roleConstraints"),
            ("role",),
            ("role", "roleConstraints"),
            ("principalType", "userID", "groupID", "accountID"),
            "admin",
        ),
        # the path says "tokens"; the resource is an "apiToken" (application/astra-apiToken)
        Kind(
            "token",
            "1.1",
            ("name", "userID"),
            (),
            ("name",),
            ("userID",),
            "viewer",
            media="apiToken",
        ),
        Kind(
            "credential",
            "1.1",
            ("name", "keyType", "valid", "validUntilTimestamp"),
            ("name", "keyType", "keyStore"),
            ("name", "keyStore"),
            ("keyType",),
            "member",
        ),
        Kind("feature", "1.1", ("name", "isEnabled"), methods=("GET",)),
        Kind(
            "app",
            "2.0",
            (
                "name",
                "state",
                "protectionState",
                "namespaces",
                "namespaceScopedResources",
                "clusterID",
                "clusterName",
                "clusterType",
            ),
            # POST and PUT name the namespaces as [{namespace}]; ``namespaces`` is read-only
            ("name", "clusterID", "namespaceScopedResources"),
            ("name",),
            ("clusterID",),
        ),
        Kind(
            "appBackup",
            "1.1",
            ("name", "bucketID", "state", "backupCreationTimestamp", "totalBytes", "percentDone"),
            ("name",),
            methods=("GET", "DELETE"),
        ),
        Kind("appSnap", "1.1", ("name", "state"), ("name",), methods=("GET", "DELETE")),
    )
}
