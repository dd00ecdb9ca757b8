"""What the Astra Control API documents say, as data (``adapters.vendor_documents``).

Paths: the account and its collections in the feature API page, each a collection and an
item. Errors: RFC 7807 problems whose ``type`` ends in the problem number, with a
``correlationID``.
"""

from __future__ import annotations

from adapters.minimums import KeysListed, UpstreamMinimums
from adapters.vendor_documents import (
    DocumentedErrors,
    DocumentedPaths,
    ErrorExample,
    WriteExample,
)

_COLLECTIONS = (
    "/core/v1/users",
    "/core/v1/users/{x}/tokens",
    "/core/v1/roleBindings",
    "/core/v1/features",
    "/k8s/v2/apps",
    "/k8s/v1/apps/{x}/appBackups",
    "/k8s/v1/apps/{x}/appSnaps",
    # stored credentials' metadata (the vendor notes' table), listed only
    "/core/v1/credentials",
)

PATHS = DocumentedPaths(
    templates=(
        "/accounts/{x}",
        *(f"/accounts/{{x}}{c}" for c in _COLLECTIONS),
        *(f"/accounts/{{x}}{c}/{{x}}" for c in _COLLECTIONS),
    ),
    # collections also take filter, orderBy and count=true (the vendor notes)
    query_params=frozenset({"limit", "include", "continue", "filter", "orderBy", "count"}),
)

_PROBLEMS = "https://astra.netapp.io/problems"

ERRORS = DocumentedErrors(
    # the problems the page lists: 400 (5, 7, 9, 35), 401 (3, 4), 403 (11), 404 (1, 2),
    # 409 (10, 19), 503 (41, service not ready)
    statuses=(400, 401, 403, 404, 409, 503),
    shapes=(
        ErrorExample(
            400,
            {
                "type": f"{_PROBLEMS}/35",
                "title": "Invalid resource ID",
                "detail": "The resource ID in the request URI is invalid.",
                "status": "400",
                "correlationID": "0d2f6a4e-corr",
            },
            message="Invalid resource ID",
            vendor_code="35",
            request_id="0d2f6a4e-corr",
        ),
        ErrorExample(
            400,
            {
                "type": f"{_PROBLEMS}/5",
                "title": "Invalid query parameters",
                "detail": "The supplied query parameters are invalid.",
                "status": "400",
                "correlationID": "5e1b-corr",
                "invalidParams": [{"name": "limit", "reason": "must be a positive integer"}],
            },
            message="limit (must be a positive integer)",
            vendor_code="5",
            request_id="5e1b-corr",
        ),
        ErrorExample(
            500,
            {
                "type": "about:blank",
                "title": "Internal Server Error",
                "detail": "The server failed.",
                "status": "500",
            },
            message="Internal Server Error: The server failed.",
            vendor_code="Internal Server Error",
        ),
    ),
)

MINIMUMS = UpstreamMinimums(
    # GET /accounts/{id}: the account ID is configured, so nothing waits for it
    organization_calls=1,
    # the adapter's ``limit`` (no documented maximum): its page_size default
    page_size=100,
    # a Backup is an appBackup or an appSnap, each listed per app (no account-wide list)
    backup_lists=2,
    # members are users joined with roleBindings (the role lives in the binding)
    member_lists=2,
    # tokens exist only per user; a token's owner is its user
    api_keys=KeysListed.PER_MEMBER,
)

WRITE = WriteExample(
    database="postgres-orders",
    valid={"name": "orders-renamed"},
    # names of what the gateway creates or renames are 1 to 63 characters
    invalid={"name": "o" * 64},
)
