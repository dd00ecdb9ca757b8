"""What the ClickHouse Cloud documents say, as data (``adapters.vendor_documents``).

Paths: the v1 OpenAPI document (``tests/clickhouse/data/clickhouse-cloud-openapi.json``,
kept equal by ``tests/clickhouse/test_documents.py``) plus ``backupConfiguration`` from the
newer API reference. Errors: ``{"status", "error", "requestId"}`` for every status.
"""

from __future__ import annotations

from adapters.minimums import KeysListed, UpstreamMinimums
from adapters.vendor_documents import (
    DocumentedErrors,
    DocumentedPaths,
    ErrorExample,
    WriteExample,
)

_ORG = "/v1/organizations/{x}"
_SERVICE = f"{_ORG}/services/{{x}}"

_POSTGRES = f"{_ORG}/postgres/{{x}}"
#: the 2026-06 spec's Postgres paths the gateway calls
_POSTGRES_PATHS = (
    f"{_ORG}/postgres",
    f"{_ORG}/postgres/prometheus",
    _POSTGRES,
    f"{_POSTGRES}/caCertificates",
    f"{_POSTGRES}/restoredService",
    f"{_POSTGRES}/password",
    f"{_POSTGRES}/state",
    f"{_POSTGRES}/readReplica",
    f"{_POSTGRES}/config",
    f"{_POSTGRES}/prometheus",
    f"{_POSTGRES}/metrics",
    f"{_POSTGRES}/slowQueryPatterns",
    f"{_POSTGRES}/slowQueryPatterns/{{x}}",
)
_SLOW_QUERY_PARAMS = (
    "db_name",
    "db_user",
    "db_operation",
    "app",
    "sort_by",
    "sort_order",
    "limit",
    "offset",
    "timestamp",
)

PATHS = DocumentedPaths(
    templates=(
        "/v1/organizations",
        _ORG,
        f"{_ORG}/services",
        _SERVICE,
        f"{_SERVICE}/privateEndpointConfig",
        f"{_SERVICE}/state",
        f"{_SERVICE}/scaling",
        f"{_SERVICE}/password",
        f"{_SERVICE}/prometheus",
        f"{_SERVICE}/backups",
        f"{_SERVICE}/backups/{{x}}",
        f"{_SERVICE}/backupConfiguration",
        f"{_ORG}/keys",
        f"{_ORG}/keys/{{x}}",
        f"{_ORG}/members",
        f"{_ORG}/members/{{x}}",
        f"{_ORG}/invitations",
        f"{_ORG}/invitations/{{x}}",
        f"{_ORG}/activities",
        f"{_ORG}/activities/{{x}}",
        f"{_ORG}/privateEndpointConfig",
        # managed Postgres services and billing: the 2026-06 spec (tests/clickhouse/data)
        *_POSTGRES_PATHS,
        f"{_ORG}/usageCost",
        f"{_ORG}/prometheus",
        f"{_ORG}/roles",
        f"{_ORG}/roles/{{x}}",
        f"{_SERVICE}/upgradeWindow",
        f"{_SERVICE}/clickhouseSettings",
        f"{_SERVICE}/clickhouseSettings/{{x}}",
        f"{_SERVICE}/serviceQueryEndpoint",
        f"{_SERVICE}/clickpipes",
        f"{_SERVICE}/clickpipes/{{x}}",
        f"{_SERVICE}/clickpipes/{{x}}/settings",
        f"{_SERVICE}/clickpipes/{{x}}/scaling",
        f"{_SERVICE}/clickpipes/{{x}}/state",
        f"{_SERVICE}/clickpipesCdcScaling",
        f"{_SERVICE}/clickpipesReversePrivateEndpoints",
        f"{_SERVICE}/clickpipesReversePrivateEndpoints/{{x}}",
        # issue 21 items 4 and 6 (adapters.clickhouse_ops)
        f"{_SERVICE}/clickhouseSettings/schema",
        f"{_SERVICE}/replicaScaling",
        f"{_SERVICE}/scalingSchedule",
        f"{_SERVICE}/privateEndpoint",
        f"{_SERVICE}/backupBucket",
        f"{_ORG}/byocInfrastructure",
        f"{_ORG}/byocInfrastructure/{{x}}",
        # issue 21 item 6: ClickStack (adapters.clickhouse.clickstack)
        f"{_SERVICE}/clickstack/dashboards",
        f"{_SERVICE}/clickstack/dashboards/{{x}}",
        f"{_SERVICE}/clickstack/alerts",
        f"{_SERVICE}/clickstack/alerts/{{x}}",
        f"{_SERVICE}/clickstack/sources",
        f"{_SERVICE}/clickstack/webhooks",
    ),
    query_params=frozenset(
        {
            "from_date",
            "to_date",
            "cloud_provider",
            "region_id",
            "bucket_size_seconds",
            "filtered_metrics",
            # a services list by tag (reconciliation) and usage costs by tag
            "filter",
            *_SLOW_QUERY_PARAMS,
        }
    ),
)

ERRORS = DocumentedErrors(
    # the API reference: 400 bad input, 401 no or bad key, 403 a key without the role,
    # 404 unknown IDs, 409 a state that forbids the change, 429 over 10 requests per
    # 10 s per key, 500 the vendor's own failure
    statuses=(400, 401, 403, 404, 409, 429, 500),
    shapes=(
        ErrorExample(
            404,
            {"status": 404, "error": "Service not found", "requestId": "7d3c9a1e-req"},
            message="Service not found",
            request_id="7d3c9a1e-req",
        ),
    ),
)

MINIMUMS = UpstreamMinimums(
    # GET /v1/organizations is the only way a key learns its organization
    organization_calls=1,
    # lists do not paginate
    page_size=None,
    # services, members and keys live under the organization's ID
    databases_need_organization=True,
    # backups exist only under a service (no organization-wide list)
    backup_lists=1,
    member_lists=1,
    # keys carry no owner, so owners cost nothing
    api_keys=KeysListed.PER_ORGANIZATION,
    # services and managed Postgres services (2026-06 spec) are two lists, read at once
    database_lists=2,
)

WRITE = WriteExample(
    database="Acme Production",
    valid={"name": "Acme Production renamed"},
    # names are 1 to 50 letters, digits and spaces
    invalid={"name": "acme/production"},
)
