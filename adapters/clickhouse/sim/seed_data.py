"""Deterministic seed data for the ClickHouse Cloud simulator, and the vocabulary it draws from.

Everything here is fixed: IDs are uuid5 of names, timestamps are in 2026 and credentials are
constants, so two simulators seeded alike answer alike. The vocabulary (regions per provider,
tiers, states) is copied from the vendor docs in ``shared/seeds/``; the simulator validates
writes against it.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

NAMESPACE = uuid.UUID("0c1c4a5e-2b7d-5d3e-8f1a-6c6c1c0ba5e5")


def seed_uuid(*parts: str) -> str:
    """A stable UUID for a seeded object, derived from its kind and names."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def opaque_id(*parts: str) -> str:
    """A stable ID that is deliberately not a UUID: activity IDs are plain strings in the docs."""
    return uuid.uuid5(NAMESPACE, "/".join(parts)).hex


# --- vocabulary from the docs ------------------------------------------------------------

#: what a service's ``clickhouseVersion`` says (2026-06 spec: a plain string)
CLICKHOUSE_VERSION = "25.8.1.8344"

# Service regions per provider: the docs give one flat enum; the naming makes the split plain.
PROVIDER_REGIONS: dict[str, tuple[str, ...]] = {
    "aws": (
        "ap-south-1",
        "ap-southeast-1",
        "eu-central-1",
        "eu-west-1",
        "eu-west-2",
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "ap-southeast-2",
        "ap-northeast-1",
    ),
    "gcp": ("us-east1", "us-central1", "europe-west4", "asia-southeast1"),
    "azure": ("eastus", "eastus2", "westus3", "germanywestcentral"),
}
SERVICE_REGIONS = tuple(r for regions in PROVIDER_REGIONS.values() for r in regions)

# Organization private endpoints use their own region enum, with gcp-/azure- prefixes.
PRIVATE_ENDPOINT_REGIONS: dict[str, tuple[str, ...]] = {
    "aws": PROVIDER_REGIONS["aws"] + ("ca-central-1", "sa-east-1", "af-south-1", "eu-north-1"),
    "gcp": (
        "gcp-us-east1",
        "gcp-us-central1",
        "gcp-us-west1",
        "gcp-europe-west4",
        "gcp-asia-southeast1",
    ),
    "azure": ("azure-eastus", "azure-eastus2", "azure-westus3", "azure-germanywestcentral"),
}

# The OpenAPI file knows five tiers; the newer rendered docs add four n2d shapes. Writes
# accept all nine, seeds use only the OpenAPI five so every seeded body fits the schema.
OPENAPI_TIERS = (
    "development",
    "production",
    "dedicated_high_mem",
    "dedicated_high_cpu",
    "dedicated_standard",
)
TIERS = (
    *OPENAPI_TIERS,
    "dedicated_standard_n2d_standard_4",
    "dedicated_standard_n2d_standard_8",
    "dedicated_standard_n2d_standard_32",
    "dedicated_standard_n2d_standard_128",
)

SERVICE_STATES = (
    "starting",
    "stopping",
    "terminating",
    "awaking",
    "provisioning",
    "running",
    "stopped",
    "terminated",
    "degraded",
    "failed",
    "idle",
)
ROLES = ("admin", "developer")
BACKUP_STATUSES = ("done", "error", "in_progress")

# Only production services autoscale; the others have a fixed total memory (our choice of
# sizes, all multiples of 12 within the documented 24..720 so bodies fit the schema).
FIXED_MEMORY_GB: dict[str, int] = {
    "development": 24,
    "dedicated_high_mem": 192,
    "dedicated_high_cpu": 96,
    "dedicated_standard": 144,
    "dedicated_standard_n2d_standard_4": 48,
    "dedicated_standard_n2d_standard_8": 96,
    "dedicated_standard_n2d_standard_32": 384,
    "dedicated_standard_n2d_standard_128": 720,
}
PRODUCTION_DEFAULT_MEMORY_GB = (24, 360)
DEFAULT_BACKUP_CONFIGURATION: dict[str, Any] = {
    "backupPeriodInHours": 24,
    "backupRetentionPeriodInHours": 24,
    "backupStartTime": None,
}


def credential_hash(value: str) -> str:
    """The docs' hash for key IDs, secrets and passwords: base64 of the raw SHA-256 digest."""
    return base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()


def service_endpoints(service_id: str, provider: str, region: str, *, mysql: bool) -> list[dict]:
    host = f"{service_id.replace('-', '')[:10]}.{region}.{provider}.clickhouse.cloud"
    endpoints = [
        {"protocol": "https", "host": host, "port": 8443},
        {"protocol": "nativesecure", "host": host, "port": 9440},
    ]
    if mysql:
        endpoints.append({"protocol": "mysql", "host": host, "port": 3306})
    return endpoints


def endpoint_service_id(provider: str, region: str) -> str:
    """What a client puts in its VPC to reach ClickHouse Cloud privately (shape per provider)."""
    digest = hashlib.sha256(f"{provider}/{region}".encode()).hexdigest()
    region = region.removeprefix("gcp-").removeprefix("azure-")
    if provider == "aws":
        return f"com.amazonaws.vpce.{region}.vpce-svc-{digest[:17]}"
    if provider == "gcp":
        return f"projects/clickhouse-cloud/regions/{region}/serviceAttachments/psc-{digest[:8]}"
    return f"production-privatelink-service.{digest[:8]}.{region}.azure.privatelinkservice"


def prometheus_metrics(organization: dict, service: dict) -> str:
    """A small Prometheus exposition for one service; values are fixed per service ID."""
    seed = int(hashlib.sha256(service["id"].encode()).hexdigest()[:8], 16)
    live = service["state"] in ("running", "degraded")
    labels = (
        f'clickhouse_org="{organization["id"]}",clickhouse_service="{service["id"]}",'
        f'clickhouse_service_name="{service["name"]}"'
    )
    metrics = [
        (
            "ClickHouseProfileEvents_Query",
            "counter",
            "Number of queries executed.",
            seed % 100_000 if live else 0,
        ),
        (
            "ClickHouseProfileEvents_InsertedRows",
            "counter",
            "Number of rows inserted.",
            seed % 10_000_000 if live else 0,
        ),
        (
            "ClickHouseMetrics_TCPConnection",
            "gauge",
            "Number of connections to the TCP server.",
            seed % 50 if live else 0,
        ),
        (
            "ClickHouseAsyncMetrics_TotalBytesOfMergeTreeTables",
            "gauge",
            "Total bytes stored in all MergeTree tables.",
            seed * 1024,
        ),
    ]
    lines: list[str] = []
    for name, kind, help_text, value in metrics:
        lines += [
            f"# HELP {name} {help_text}",
            f"# TYPE {name} {kind}",
            f"{name}{{{labels}}} {value}",
        ]
    return "\n".join(lines) + "\n"


# --- the seeded world --------------------------------------------------------------------


def _service(
    org: str,
    name: str,
    state: str,
    provider: str,
    region: str,
    tier: str,
    created_at: str,
    **kwargs: Any,
) -> dict[str, Any]:
    return {
        "id": seed_uuid("service", org, name),
        "name": name,
        "state": state,
        "provider": provider,
        "region": region,
        "tier": tier,
        "createdAt": created_at,
        **kwargs,
    }


def _backups(service: dict[str, Any], day: int) -> list[dict[str, Any]]:
    """Newest first: an in-progress run for services that are up, then done, error, done."""
    statuses = ["done", "error", "done"]
    if service["state"] in ("running", "degraded", "idle", "awaking", "starting", "stopping"):
        statuses.insert(0, "in_progress")
    size = int(hashlib.sha256(service["id"].encode()).hexdigest()[:6], 16) * 1000
    backups = []
    for age, status in enumerate(statuses):
        started = f"2026-10-{day - age:02d}T02:00:00Z"
        backup: dict[str, Any] = {
            "id": seed_uuid("backup", service["id"], str(age)),
            "serviceId": service["id"],
            "status": status,
            "startedAt": started,
            "type": "full" if age == len(statuses) - 1 else "incremental",
        }
        if status != "in_progress":
            duration = 300 + 37 * age if status == "done" else 41
            backup.update(
                finishedAt=f"2026-10-{day - age:02d}T02:{duration // 60:02d}:{duration % 60:02d}Z",
                durationInSeconds=duration,
                sizeInBytes=size + age * 4096 if status == "done" else 0,
            )
        backups.append(backup)
    return backups


OFFICE = {"source": "203.0.113.0/24", "description": "Acme office"}
ANYWHERE = {"source": "0.0.0.0/0", "description": "Anywhere"}

_ACME_SERVICES = [
    _service(
        "acme",
        "Acme Production",
        "running",
        "aws",
        "us-east-1",
        "production",
        "2026-01-06T10:00:00Z",
        minTotalMemoryGb=48,
        maxTotalMemoryGb=360,
        idleScaling=False,
        ipAccessList=[OFFICE, {"source": "198.51.100.7", "description": "CI runner"}],
        privateEndpointIds=["vpce-0a1b2c3d4e5f60001"],
        mysql_endpoint=True,
        tags={"Environment": "Production"},
        releaseChannel="slow",
        iamRole="arn:aws:iam::000000000001:role/CH-S3-acme-production-Role",
    ),
    _service(
        "acme",
        "Acme Staging",
        "stopped",
        "aws",
        "us-east-2",
        "production",
        "2026-01-12T08:30:00Z",
        minTotalMemoryGb=24,
        maxTotalMemoryGb=96,
        ipAccessList=[OFFICE],
        tags={"Environment": "Staging"},
    ),
    _service(
        "acme",
        "Acme Analytics EU",
        "degraded",
        "gcp",
        "europe-west4",
        "production",
        "2026-02-02T14:00:00Z",
        minTotalMemoryGb=96,
        maxTotalMemoryGb=720,
        numReplicas=5,
        idleTimeoutMinutes=30,
        ipAccessList=[OFFICE],
        tags={"Environment": "Production"},
    ),
    _service(
        "acme",
        "Acme Sandbox",
        "idle",
        "gcp",
        "us-central1",
        "development",
        "2026-03-09T11:15:00Z",
        idleTimeoutMinutes=5,
        ipAccessList=[ANYWHERE],
    ),
    _service(
        "acme",
        "Acme Reporting",
        "awaking",
        "azure",
        "eastus2",
        "production",
        "2026-04-21T16:45:00Z",
        minTotalMemoryGb=24,
        maxTotalMemoryGb=120,
        ipAccessList=[OFFICE],
        encryptionKey="acme-reporting-disk-key",
    ),
    _service(
        "acme",
        "Acme Dev",
        "running",
        "aws",
        "eu-central-1",
        "development",
        "2026-05-30T09:00:00Z",
        ipAccessList=[ANYWHERE],
        mysql_endpoint=True,
    ),
    _service(
        "acme",
        "Acme ML Features",
        "provisioning",
        "aws",
        "eu-west-1",
        "dedicated_high_cpu",
        "2026-11-20T07:30:00Z",
        ipAccessList=[OFFICE],
    ),
]
_GLOBEX_SERVICES = [
    _service(
        "globex",
        "Globex Warehouse",
        "running",
        "azure",
        "germanywestcentral",
        "dedicated_high_mem",
        "2026-02-14T12:00:00Z",
        idleScaling=False,
        ipAccessList=[{"source": "192.0.2.0/24", "description": "Globex HQ"}],
        tags={"Environment": "Production"},
    ),
    _service(
        "globex",
        "Globex Ingest",
        "starting",
        "aws",
        "ap-southeast-2",
        "production",
        "2026-03-03T03:00:00Z",
        minTotalMemoryGb=36,
        maxTotalMemoryGb=240,
        ipAccessList=[{"source": "192.0.2.0/24", "description": "Globex HQ"}],
    ),
    _service(
        "globex",
        "Globex Archive",
        "stopping",
        "gcp",
        "asia-southeast1",
        "production",
        "2026-03-17T05:20:00Z",
        minTotalMemoryGb=24,
        maxTotalMemoryGb=48,
        ipAccessList=[ANYWHERE],
    ),
    _service(
        "globex",
        "Globex Legacy",
        "terminating",
        "aws",
        "ap-northeast-1",
        "production",
        "2026-01-20T10:10:00Z",
        minTotalMemoryGb=24,
        maxTotalMemoryGb=48,
        ipAccessList=[],
    ),
    _service(
        "globex",
        "Globex Old Events",
        "terminated",
        "gcp",
        "us-east1",
        "development",
        "2026-01-25T18:00:00Z",
        ipAccessList=[],
    ),
    _service(
        "globex",
        "Globex ETL",
        "failed",
        "aws",
        "ap-south-1",
        "dedicated_standard",
        "2026-06-11T13:30:00Z",
        numReplicas=4,
        ipAccessList=[{"source": "192.0.2.10", "description": "ETL worker"}],
    ),
]


def _key(org: str, name: str, key_id: str, secret: str, roles: list[str], **kwargs: Any) -> dict:
    return {
        "id": seed_uuid("key", org, name),
        "name": name,
        "key_id": key_id,
        "key_secret": secret,
        "roles": roles,
        **kwargs,
    }


def _member(org: str, name: str, email: str, role: str, joined_at: str) -> dict:
    return {
        "userId": seed_uuid("user", email),
        "name": name,
        "email": email,
        "role": role,
        "joinedAt": joined_at,
    }


def _activities(org: str, services: list[dict], rows: list[tuple]) -> list[dict]:
    by_name = {s["name"]: s["id"] for s in services}
    out = []
    for n, (created_at, type_, actor_type, actor, service) in enumerate(rows):
        out.append(
            {
                "id": opaque_id("activity", org, str(n)),
                "type": type_,
                "createdAt": created_at,
                "actorType": actor_type,
                "actorId": seed_uuid("actor", actor),
                "actorDetails": actor,
                # the docs define an IP only for user and api actors
                "actorIpAddress": "203.0.113.10" if actor_type in ("user", "api") else None,
                "serviceId": by_name.get(service) if service else None,
            }
        )
    return out


ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "account": "acme",
        "organization": {
            "id": seed_uuid("organization", "acme"),
            "name": "Acme Analytics",
            "createdAt": "2026-01-05T09:00:00Z",
            "privateEndpoints": [
                {
                    "id": "vpce-0a1b2c3d4e5f60001",
                    "description": "Acme production VPC",
                    "cloudProvider": "aws",
                    "region": "us-east-1",
                },
                {
                    "id": "acme-psc-europe",
                    "description": "Acme analytics PSC",
                    "cloudProvider": "gcp",
                    "region": "gcp-europe-west4",
                },
            ],
        },
        "services": _ACME_SERVICES,
        "backups": [
            b
            for i, s in enumerate(_ACME_SERVICES)
            if s["state"] != "provisioning"
            for b in _backups(s, 28 - i)
        ],
        "backup_configurations": {
            _ACME_SERVICES[0]["id"]: {
                "backupPeriodInHours": 24,
                "backupRetentionPeriodInHours": 168,
                "backupStartTime": "02:00",
            },
            _ACME_SERVICES[2]["id"]: {
                "backupPeriodInHours": 12,
                "backupRetentionPeriodInHours": 48,
                "backupStartTime": None,
            },
        },
        "keys": [
            _key(
                "acme",
                "acme admin",
                "AcmeDemoAdminKeyId01",
                "4b1dAcmeDemoAdminSecret00000000000000001",
                ["admin"],
                createdAt="2026-01-05T09:30:00Z",
                usedAt="2026-11-01T08:00:00Z",
            ),
            _key(
                "acme",
                "acme ci",
                "AcmeCiDeveloperKey02",
                "4b1dAcmeCiDeveloperSecret000000000000002",
                ["developer"],
                createdAt="2026-02-01T10:00:00Z",
                expireAt="2030-01-01T00:00:00Z",
            ),
            _key(
                "acme",
                "acme legacy",
                "AcmeLegacyAdminKey03",
                "4b1dAcmeLegacyAdminSecret000000000000003",
                ["admin"],
                state="disabled",
                createdAt="2026-01-05T09:45:00Z",
                usedAt="2026-03-01T12:00:00Z",
            ),
        ],
        "members": [
            _member(
                "acme",
                "Alice Admin",
                "alice@acme-analytics.example",
                "admin",
                "2026-01-05T09:00:00Z",
            ),
            _member(
                "acme",
                "Bob Builder",
                "bob@acme-analytics.example",
                "developer",
                "2026-01-19T15:00:00Z",
            ),
            _member(
                "acme",
                "Carol Query",
                "carol@acme-analytics.example",
                "developer",
                "2026-02-03T10:30:00Z",
            ),
        ],
        "invitations": [
            {
                "id": seed_uuid("invitation", "acme", "dave"),
                "email": "dave@acme-analytics.example",
                "role": "developer",
                "createdAt": "2026-11-02T09:00:00Z",
                "expireAt": "2026-12-02T09:00:00Z",
            },
            {
                "id": seed_uuid("invitation", "acme", "erin"),
                "email": "erin@acme-analytics.example",
                "role": "admin",
                "createdAt": "2026-11-15T09:00:00Z",
                "expireAt": "2026-12-15T09:00:00Z",
            },
        ],
        "postgres": [
            {
                "id": seed_uuid("postgres", "acme", "Acme Orders"),
                "name": "Acme Orders",
                "postgresVersion": "17",
                "size": "m6gd.xlarge",
                "haType": "async",
                "storageSize": 250,
                "tags": [{"key": "Environment", "value": "Production"}],
                "createdAt": "2026-03-02T10:00:00Z",
                "password": "AcmeOrdersPg2026x",
            },
            {
                "id": seed_uuid("postgres", "acme", "Acme Orders Replica"),
                "name": "Acme Orders Replica",
                "postgresVersion": "17",
                "size": "m6gd.xlarge",
                "isPrimary": False,
                "createdAt": "2026-03-09T10:00:00Z",
                "password": "AcmeReplicaPg2026y",
            },
        ],
        "activities": _activities(
            "acme",
            _ACME_SERVICES,
            [
                ("2026-01-05T09:00:00Z", "organization_member_join", "user", "Alice Admin", None),
                ("2026-01-05T09:30:00Z", "key_create", "user", "Alice Admin", None),
                ("2026-01-06T10:00:00Z", "service_create", "api", "acme admin", "Acme Production"),
                ("2026-01-19T15:00:00Z", "organization_member_add", "user", "Alice Admin", None),
                (
                    "2026-03-14T11:00:00Z",
                    "service_update_ip_access_list",
                    "user",
                    "Bob Builder",
                    "Acme Production",
                ),
                (
                    "2026-04-02T08:00:00Z",
                    "service_update_autoscaling_memory",
                    "api",
                    "acme admin",
                    "Acme Analytics EU",
                ),
                ("2026-05-18T19:00:00Z", "service_stop", "api", "acme ci", "Acme Staging"),
                (
                    "2026-06-30T07:00:00Z",
                    "service_update_password",
                    "support",
                    "ClickHouse support",
                    "Acme Production",
                ),
                (
                    "2026-08-09T00:00:00Z",
                    "service_update_autoscaling_idling",
                    "system",
                    "scheduler",
                    "Acme Sandbox",
                ),
                (
                    "2026-10-01T03:00:00Z",
                    "backup_delete",
                    "system",
                    "backup retention",
                    "Acme Production",
                ),
                ("2026-11-02T09:00:00Z", "organization_invite_create", "user", "Alice Admin", None),
                ("2026-11-20T07:30:00Z", "service_create", "api", "acme admin", "Acme ML Features"),
            ],
        ),
    },
    {
        "account": "globex",
        "organization": {
            "id": seed_uuid("organization", "globex"),
            "name": "Globex Data",
            "createdAt": "2026-01-10T12:00:00Z",
            "privateEndpoints": [
                {
                    "id": "globex-pl-germany",
                    "description": "Globex Azure Private Link",
                    "cloudProvider": "azure",
                    "region": "azure-germanywestcentral",
                },
            ],
        },
        "services": _GLOBEX_SERVICES,
        "backups": [b for i, s in enumerate(_GLOBEX_SERVICES) for b in _backups(s, 26 - i)],
        "backup_configurations": {
            _GLOBEX_SERVICES[0]["id"]: {
                "backupPeriodInHours": 6,
                "backupRetentionPeriodInHours": 72,
                "backupStartTime": None,
            },
        },
        "keys": [
            _key(
                "globex",
                "globex admin",
                "GlobexDemoAdminKey01",
                "4b1dGlobexDemoAdminSecret000000000000001",
                ["admin"],
                createdAt="2026-01-10T12:30:00Z",
            ),
            _key(
                "globex",
                "globex reader",
                "GlobexReaderDevKey02",
                "4b1dGlobexReaderDevSecret000000000000002",
                ["developer"],
                createdAt="2026-02-20T08:00:00Z",
                usedAt="2026-11-10T10:00:00Z",
            ),
            _key(
                "globex",
                "globex expired",
                "GlobexExpiredAdmKey3",
                "4b1dGlobexExpiredAdmSecret00000000000003",
                ["admin", "developer"],
                createdAt="2026-01-11T08:00:00Z",
                expireAt="2026-03-31T00:00:00Z",
            ),
        ],
        "members": [
            _member(
                "globex", "Hank Scorpio", "hank@globex.example", "admin", "2026-01-10T12:00:00Z"
            ),
            _member(
                "globex",
                "Frank Grimes",
                "frank@globex.example",
                "developer",
                "2026-04-01T09:00:00Z",
            ),
        ],
        "invitations": [
            {
                "id": seed_uuid("invitation", "globex", "homer"),
                "email": "homer@globex.example",
                "role": "developer",
                "createdAt": "2026-11-18T16:00:00Z",
                "expireAt": "2026-12-18T16:00:00Z",
            },
        ],
        "postgres": [
            {
                "id": seed_uuid("postgres", "globex", "Globex Ledger"),
                "name": "Globex Ledger",
                "postgresVersion": "18",
                "size": "i8g.large",
                "region": "eu-central-1",
                "createdAt": "2026-04-20T08:00:00Z",
                "password": "GlobexLedgerPg2026z",
            },
        ],
        "activities": _activities(
            "globex",
            _GLOBEX_SERVICES,
            [
                ("2026-01-10T12:00:00Z", "organization_member_join", "user", "Hank Scorpio", None),
                ("2026-01-10T12:30:00Z", "key_create", "user", "Hank Scorpio", None),
                ("2026-01-20T10:10:00Z", "service_create", "api", "globex admin", "Globex Legacy"),
                (
                    "2026-02-14T12:00:00Z",
                    "service_create",
                    "user",
                    "Hank Scorpio",
                    "Globex Warehouse",
                ),
                ("2026-03-20T09:00:00Z", "organization_update_name", "user", "Hank Scorpio", None),
                ("2026-04-01T09:00:00Z", "organization_member_join", "user", "Frank Grimes", None),
                (
                    "2026-05-05T17:00:00Z",
                    "organization_member_update_role",
                    "user",
                    "Hank Scorpio",
                    None,
                ),
                ("2026-07-04T04:00:00Z", "service_start", "system", "scheduler", "Globex Ingest"),
                (
                    "2026-09-12T21:00:00Z",
                    "service_delete",
                    "api",
                    "globex admin",
                    "Globex Old Events",
                ),
                (
                    "2026-11-18T16:00:00Z",
                    "organization_invite_create",
                    "user",
                    "Hank Scorpio",
                    None,
                ),
            ],
        ),
    },
]


def roles(org: dict[str, Any]) -> list[dict[str, Any]]:
    """An organization's RBAC roles: the two system roles its members hold, and one custom
    role (read-only SQL console on every service) for its first developer."""
    members = org["members"]
    developers = [m for m in members if m.get("role") == "developer"]
    account = org["account"]
    return [
        {
            "id": seed_uuid("role", account, "Admin"),
            "name": "Admin",
            "type": "system",
            "actors": [f"user/{m['userId']}" for m in members if m.get("role") == "admin"],
            "policies": [
                {"allowDeny": "ALLOW", "permissions": ["control-plane:*"], "resources": ["*"]}
            ],
        },
        {
            "id": seed_uuid("role", account, "Developer"),
            "name": "Developer",
            "type": "system",
            "actors": [f"user/{m['userId']}" for m in developers],
            "policies": [
                {
                    "allowDeny": "ALLOW",
                    "permissions": ["control-plane:organization:view"],
                    "resources": ["organization/*"],
                }
            ],
        },
        {
            "id": seed_uuid("role", account, "Analysts"),
            "name": "Analysts",
            "type": "custom",
            "actors": [f"user/{m['userId']}" for m in developers[:1]],
            "policies": [
                {
                    "allowDeny": "ALLOW",
                    "permissions": ["sql-console:database:access"],
                    "resources": ["instance/*"],
                    "tags": {"roleV2": "sql-console-readonly"},
                }
            ],
        },
    ]


#: every seeded Postgres superuser password, by service name (the leak guard looks for them)
POSTGRES_PASSWORDS: dict[str, str] = {
    pg["name"]: pg["password"] for org in ORGANIZATIONS for pg in org.get("postgres", [])
}


def postgres_slow_queries(service_id: str) -> list[dict[str, Any]]:
    """A Postgres service's slow query patterns (``PostgresSlowQueryPattern``), derived from
    its ID so that every service has its own and two simulators agree."""
    seed = int(hashlib.sha256(service_id.encode()).hexdigest()[:6], 16)
    shapes = [
        ("SELECT * FROM orders WHERE customer_id = $1", "app", "SELECT", "checkout"),
        ("UPDATE orders SET status = $1 WHERE id = $2", "app", "UPDATE", "checkout"),
        ("INSERT INTO events (kind, body) VALUES ($1, $2)", "ingest", "INSERT", "collector"),
    ]
    patterns = []
    for n, (text, user, operation, app) in enumerate(shapes):
        calls = 10 + (seed >> n) % 500
        average = 1000 * (n + 1) + seed % 997
        patterns.append(
            {
                "queryId": f"{seed + n:x}",
                "queryText": text,
                "dbName": "postgres",
                "dbUser": user,
                "dbOperation": operation,
                "app": app,
                "callCount": calls,
                "errorCount": n,
                "totalDurationUs": calls * average,
                "avgDurationUs": average,
                "maxDurationUs": average * 4,
                "p50DurationUs": average,
                "p95DurationUs": average * 2,
                "p99DurationUs": average * 3,
                "totalRows": calls * (n + 1),
                "totalSharedBlksRead": calls * 3,
                "totalSharedBlksHit": calls * 40,
                "totalCpuTimeUs": calls * average // 2,
                "totalWalBytes": calls * 128 * n,
            }
        )
    return patterns


# Every seeded key's credentials, by key name; tests use the developer, disabled and expired ones.
SEED_CREDENTIALS: dict[str, dict[str, str]] = {
    key["name"]: {"key_id": key["key_id"], "key_secret": key["key_secret"]}
    for org in ORGANIZATIONS
    for key in org["keys"]
}
# One enabled admin key per seeded organization: what demo mode and most tests log in with.
DEMO_ACCOUNTS: dict[str, dict[str, str]] = {
    org["account"]: SEED_CREDENTIALS[org["keys"][0]["name"]] for org in ORGANIZATIONS
}
