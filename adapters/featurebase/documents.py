"""What the FeatureBase Cloud documents say, as data (``adapters.vendor_documents``).

Paths: the v2 API reference, and ``/`` for a login at the identity host. Errors:
``{"code", "message"}``, or the older ``{"response_code", "message"}`` some answers keep.
"""

from __future__ import annotations

from adapters.minimums import KeysListed, UpstreamMinimums
from adapters.vendor_documents import (
    DocumentedErrors,
    DocumentedPaths,
    ErrorExample,
    WriteExample,
)

PATHS = DocumentedPaths(
    templates=(
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
        "/v2/roles/{x}",
        "/v2/databases",
        "/v2/databases/{x}",
        "/v2/databases/{x}/backups",
        "/v2/databases/{x}/action/start",
        "/v2/databases/{x}/action/stop",
        "/v2/shapes",
        "/v2/shapes/{x}",
        # the query host's metrics: the seed's path under its server, and as it arrives
        # there (the server is https://query.featurebase.com/v2)
        "/databases/{x}/metrics",
        "/v2/databases/{x}/metrics",
    ),
    query_params=frozenset({"next", "continuation"}),
)

ERRORS = DocumentedErrors(
    # the reference's codes: 400 InvalidParameter, 401 Unauthorized, 403 Forbidden,
    # 404 ResourceNotFound, 409 IncorrectState / ResourceAlreadyExists, 429
    # TooManyRequests, 500 InternalServerError, 501 NotImplemented (start/stop off AWS)
    statuses=(400, 401, 403, 404, 409, 429, 500, 501),
    shapes=(
        ErrorExample(
            404,
            {"code": "ResourceNotFound", "message": "database not found"},
            message="database not found",
            vendor_code="ResourceNotFound",
        ),
        ErrorExample(
            401,
            {"response_code": 401, "message": "Unauthorized: token expired"},
            message="Unauthorized: token expired",
        ),
    ),
)

MINIMUMS = UpstreamMinimums(
    # an API-key connection: GET /v2/users/current names the org, GET /v2/orgs/{id}
    # reads it
    organization_calls=2,
    # chosen by the server; the API takes no page size
    page_size=100,
    # backups are listed per database (no organization-wide list)
    backup_lists=1,
    member_lists=1,
    # a key's owner is a user, already in the users list
    api_keys=KeysListed.PER_ORGANIZATION,
)

WRITE = WriteExample(
    database="analytics-prod",
    valid={"name": "analytics-prod-renamed"},
    invalid={"name": "   "},
)
