"""What the reference vendor's documents say (``tests/reference_vendor/__init__.py``)."""

from __future__ import annotations

from adapters.minimums import UpstreamMinimums
from adapters.vendor_documents import (
    DocumentedErrors,
    DocumentedPaths,
    ErrorExample,
    WriteExample,
)

PAGE_SIZE = 20

PATHS = DocumentedPaths(
    templates=("/v1/orgs", "/v1/orgs/{x}/databases", "/v1/orgs/{x}/databases/{x}"),
    query_params=frozenset({"cursor"}),
)

ERRORS = DocumentedErrors(
    statuses=(400, 401, 404, 500),
    shapes=(
        ErrorExample(
            404,
            {"error": {"code": "not_found", "message": "no database db-9"}, "request_id": "r-42"},
            message="no database db-9",
            vendor_code="not_found",
            request_id="r-42",
        ),
    ),
)

MINIMUMS = UpstreamMinimums(
    # GET /v1/orgs names the token's organization
    organization_calls=1,
    page_size=PAGE_SIZE,
    # the databases live under the organization's ID
    databases_need_organization=True,
)

WRITE = WriteExample(
    database="orders",
    valid={"name": "orders-renamed"},
    invalid={"name": "Bad Name!"},
)
