"""What the DBaaS API guide says, as data (``adapters.vendor_documents``).

Paths: the guide's REST resources, each a collection and an item with a trailing slash.
Errors: Django REST framework's bodies, ``{"detail"}`` or errors by field.
"""

from __future__ import annotations

from adapters.minimums import UpstreamMinimums
from adapters.vendor_documents import (
    DocumentedErrors,
    DocumentedPaths,
    ErrorExample,
    WriteExample,
)

_RESOURCES = ("database", "credential", "plan", "environment", "project")

PATHS = DocumentedPaths(
    templates=(
        *(f"/api/{resource}/{suffix}" for resource in _RESOURCES for suffix in ("", "{x}/")),
        "/api/credential/{x}/reset_password/",
    ),
    query_params=frozenset({"page_size", "page"}),
)

ERRORS = DocumentedErrors(
    # DRF: 400 validation, 401 bad Basic credentials, 403 a read-only account, 404 unknown
    # IDs, 500 the server's own failure
    statuses=(400, 401, 403, 404, 500),
    shapes=(
        ErrorExample(404, {"detail": "Not found."}, message="Not found."),
        ErrorExample(
            400,
            {"project": ["Invalid hyperlink - Object does not exist."]},
            message="project: Invalid hyperlink - Object does not exist.",
        ),
        ErrorExample(
            400,
            {"__all__": ["Database with this Name and Environment already exists."]},
            message="Database with this Name and Environment already exists.",
            vendor_code="unique_together",
        ),
    ),
)

MINIMUMS = UpstreamMinimums(
    # the organization is the connection itself: no call
    organization_calls=0,
    # ``page_size``: the documented maximum; each page's link names the next
    page_size=100,
    # no backups, members or keys in the API: those fields cost nothing
)

WRITE = WriteExample(
    database="my_first_database",
    # the project is the one thing an update may change
    valid={"dbaas": {"project": "1"}},
    # name, plan and environment are fixed after creation
    invalid={"name": "renamed"},
)
