"""Sample data for the Astra Control simulator: one account, "Wayne Enterprises Astra".

Only the feature ``astra.account.rbac`` comes from the vendor seed (its example response,
field for field, including its 2022 timestamps and its ``createdBy``, which we treat as
Astra's own system user). Everything else is invented but fixed: every ID below is a
constant, and timestamps come from the simulator's clock, which starts at
2026-01-05T09:00:00Z and ticks one minute per created resource, so every run is the same.

Coverage on purpose: all 9 app states, all 4 protection states, all 8 backup and snapshot
states, all 4 roles, one pending user (an invitation), one suspended user, one group
binding, a backup without ``backupCreationTimestamp``, and a user without
``lastActTimestamp``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.astra.sim.simulator import AstraSimulator


def _uuid(group: str, n: int) -> str:
    """A readable fixed UUIDv4: ``group`` names the resource kind, ``n`` numbers it."""
    return f"{group}-0000-4000-8000-{n:012x}"


ACCOUNT_ID = "4a3c1f0e-7b2d-4e91-a6c5-0d8f2b7e9c13"
ACCOUNT_NAME = "Wayne Enterprises Astra"
# The seed's feature example was created by this ID; no user in the account has it.
SYSTEM_USER_ID = "8f84cf09-8036-51e4-b579-bd30cb07b269"

# Users: owner, admin, member (LDAP), viewer (pending = invitation), member (suspended).
BRUCE, LUCIUS, BARBARA, DICK, SELINA = (_uuid("a5e70000", n) for n in range(1, 6))
LDAP_GROUP_ID = _uuid("a9b00000", 1)

# Token secrets. The demo token belongs to the owner; the suspended user's is refused.
DEMO_TOKEN = "wayne-demo-9Vq3LkT8sRbX2mNcZ4hJ7pWdYe6uA1fG"
TOKENS: dict[str, str] = {
    "owner": DEMO_TOKEN,
    "owner-ci": "wayne-ci-Hk2Jd8PqL5xRt7VbN3mCz9WsYa4eU6fQ",
    "admin": "wayne-admin-Qp4Xs7TkM2vLr9BnC6hJd3WzYe8uA5gF",
    "member": "wayne-member-Lm8Nc3RvT6xQp2KbJ9hZd5WsYa7eU4gH",
    "suspended": "wayne-susp-Tz5Vb2NmQ8xLr4KcJ7hPd9WsYa3eU6gD",
}

DEMO_ACCOUNTS: dict[str, dict[str, str]] = {
    "demo": {"account_id": ACCOUNT_ID, "token": DEMO_TOKEN},
}

CLUSTER_GKE = (_uuid("c1a50000", 1), "gke-prod-us-east1", "gke")
CLUSTER_EKS = (_uuid("c1a50000", 2), "eks-analytics-eu-west1", "eks")
CLUSTER_OCP = (_uuid("c1a50000", 3), "ocp-gotham-dc1", "openshift")
BUCKET_PRIMARY = _uuid("b0c70000", 1)
BUCKET_ARCHIVE = _uuid("b0c70000", 2)

# App name -> (id, state, protectionState, namespaces, cluster): one app per state.
APPS: dict[str, tuple[str, str, str, list[str], tuple[str, str, str]]] = {
    "postgres-orders": (_uuid("a4400000", 1), "ready", "protected", ["orders"], CLUSTER_GKE),
    "mongodb-catalog": (_uuid("a4400000", 2), "discovering", "none", ["catalog"], CLUSTER_EKS),
    "redis-sessions": (_uuid("a4400000", 3), "pending", "none", ["sessions"], CLUSTER_GKE),
    "cassandra-metrics": (
        _uuid("a4400000", 4),
        "provisioning",
        "none",
        ["metrics"],
        CLUSTER_EKS,
    ),
    "mysql-billing": (_uuid("a4400000", 5), "failed", "atRisk", ["billing"], CLUSTER_OCP),
    "postgres-analytics": (
        _uuid("a4400000", 6),
        "restoring",
        "partial",
        ["analytics", "analytics-etl"],
        CLUSTER_EKS,
    ),
    "mariadb-legacy": (_uuid("a4400000", 7), "unavailable", "atRisk", ["legacy"], CLUSTER_OCP),
    "elastic-logs": (_uuid("a4400000", 8), "unknown", "partial", ["logging"], CLUSTER_GKE),
    "couchdb-archive": (_uuid("a4400000", 9), "deleting", "protected", ["archive"], CLUSTER_OCP),
}
APP_IDS: dict[str, str] = {name: spec[0] for name, spec in APPS.items()}

# Backups: (id, app, name, state, totalBytes, percentDone, backupCreationTimestamp or None).
GIB = 1 << 30
BACKUPS: list[tuple[str, str, str, str, int, int, str | None]] = [
    (
        _uuid("bac00000", 1),
        "postgres-orders",
        "orders-daily-20260110",
        "completed",
        5 * GIB,
        100,
        "2026-01-10T02:00:00.000000Z",
    ),
    (
        _uuid("bac00000", 2),
        "postgres-orders",
        "orders-daily-20260111",
        "running",
        2 * GIB,
        45,
        "2026-01-11T02:00:00.000000Z",
    ),
    (_uuid("bac00000", 3), "postgres-orders", "orders-adhoc", "pending", 0, 0, None),
    (
        _uuid("bac00000", 4),
        "postgres-orders",
        "orders-weekly-02",
        "discovering",
        0,
        0,
        "2026-01-11T03:00:00.000000Z",
    ),
    (
        _uuid("bac00000", 5),
        "postgres-orders",
        "orders-daily-20260109",
        "failed",
        700 << 20,
        12,
        "2026-01-09T02:00:00.000000Z",
    ),
    (
        _uuid("bac00000", 6),
        "mysql-billing",
        "billing-monthly-202512",
        "removed",
        3 * GIB,
        100,
        "2025-12-31T23:00:00.000000Z",
    ),
    (
        _uuid("bac00000", 7),
        "couchdb-archive",
        "archive-final",
        "deleting",
        9 * GIB,
        100,
        "2026-01-08T12:00:00.000000Z",
    ),
    (
        _uuid("bac00000", 8),
        "mariadb-legacy",
        "legacy-nightly",
        "unknown",
        0,
        0,
        "2026-01-07T01:00:00.000000Z",
    ),
    (
        _uuid("bac00000", 9),
        "postgres-analytics",
        "analytics-before-restore",
        "completed",
        12 * GIB,
        100,
        "2026-01-06T18:30:00.000000Z",
    ),
]

# Snapshots: (id, app, name, state).
SNAPS: list[tuple[str, str, str, str]] = [
    (_uuid("5a900000", 1), "postgres-orders", "orders-hourly-0900", "completed"),
    (_uuid("5a900000", 2), "postgres-orders", "orders-hourly-1000", "running"),
    (_uuid("5a900000", 3), "postgres-orders", "orders-hourly-1100", "pending"),
    (_uuid("5a900000", 4), "postgres-orders", "orders-pre-upgrade", "discovering"),
    (_uuid("5a900000", 5), "postgres-orders", "orders-hourly-0800", "failed"),
    (_uuid("5a900000", 6), "mysql-billing", "billing-snap-old", "removed"),
    (_uuid("5a900000", 7), "couchdb-archive", "archive-snap", "deleting"),
    (_uuid("5a900000", 8), "elastic-logs", "logs-snap", "unknown"),
]

FEATURE_RBAC_ID = "2d960b50-10be-5a19-a3ef-80bd08c12a89"


def bootstrap(sim: AstraSimulator) -> None:
    """What even an unseeded simulator has: the account, its owner and the demo token."""
    sim.set_account(
        ACCOUNT_ID, ACCOUNT_NAME, state="active", is_enabled=True, created_by=SYSTEM_USER_ID
    )
    sim.add_user(
        "Bruce",
        "Wayne",
        "bruce.wayne@wayne-enterprises.example",
        id=BRUCE,
        created_by=SYSTEM_USER_ID,
    )
    sim.add_role_binding(BRUCE, "owner", id=_uuid("b1d00000", 1), created_by=SYSTEM_USER_ID)
    sim.add_token(BRUCE, "gateway-demo", secret=DEMO_TOKEN, id=_uuid("70c00000", 1))


def seed(sim: AstraSimulator) -> None:
    """Add users, bindings, tokens, credentials, features, 9 apps, 9 backups, 8 snapshots."""
    # The seed's example, verbatim (it predates everything else in this account).
    sim.add_feature(
        "astra.account.rbac",
        True,
        id=FEATURE_RBAC_ID,
        created_by=SYSTEM_USER_ID,
        created="2022-10-06T20:58:16.305662Z",
    )
    sim.add_feature("astra.account.ldap", False, id=_uuid("fea70000", 2), created_by=SYSTEM_USER_ID)
    sim.add_feature(
        "astra.app.executionHooks", True, id=_uuid("fea70000", 3), created_by=SYSTEM_USER_ID
    )

    sim.add_user("Lucius", "Fox", "lucius.fox@wayne-enterprises.example", id=LUCIUS)
    sim.add_user(
        "Barbara",
        "Gordon",
        "barbara.gordon@wayne-enterprises.example",
        id=BARBARA,
        auth_provider="ldap",
        labels=[{"name": "team", "value": "oracle"}],
    )
    sim.add_user(
        "Dick", "Grayson", "dick.grayson@wayne-enterprises.example", id=DICK, state="pending"
    )
    sim.add_user(
        "Selina",
        "Kyle",
        "selina.kyle@wayne-enterprises.example",
        id=SELINA,
        state="suspended",
        is_enabled=False,
    )
    # Selina was suspended by Lucius later on: the one seeded user with modifiedBy.
    meta = sim.state.users[SELINA]["metadata"]
    meta.update(modificationTimestamp="2026-01-12T16:20:00.000000Z", modifiedBy=LUCIUS)

    sim.add_role_binding(LUCIUS, "admin", id=_uuid("b1d00000", 2))
    sim.add_role_binding(BARBARA, "member", id=_uuid("b1d00000", 3))
    sim.add_role_binding(DICK, "viewer", id=_uuid("b1d00000", 4))
    sim.add_role_binding(SELINA, "member", id=_uuid("b1d00000", 5))
    # A group binding: a principal that is not a user, so not a Member.
    sim.add_role_binding(None, "viewer", group_id=LDAP_GROUP_ID, id=_uuid("b1d00000", 6))

    # The pending user has no token: an invitation can't have minted one yet.
    sim.add_token(BRUCE, "ci-pipeline", secret=TOKENS["owner-ci"], id=_uuid("70c00000", 2))
    sim.add_token(
        LUCIUS, "ops-laptop", secret=TOKENS["admin"], id=_uuid("70c00000", 3), created_by=LUCIUS
    )
    sim.add_token(
        BARBARA, "ldap-sync", secret=TOKENS["member"], id=_uuid("70c00000", 4), created_by=BARBARA
    )
    sim.add_token(
        SELINA,
        "old-integration",
        secret=TOKENS["suspended"],
        id=_uuid("70c00000", 5),
        created_by=SELINA,
    )

    sim.add_credential(
        "gke-prod-kubeconfig",
        "kubeconfig",
        "apiVersion: v1\nkind: Config\n",
        id=_uuid("c4ed0000", 1),
        valid_until="2027-01-05T09:00:00.000000Z",
    )
    sim.add_credential(
        "backup-bucket-s3",
        "s3",
        {"accessKey": "AKIAWAYNE", "secretKey": "s3cr3t-batcave"},
        id=_uuid("c4ed0000", 2),
    )
    sim.add_credential(
        "ocp-expired-kubeconfig",
        "kubeconfig",
        "apiVersion: v1\n",
        id=_uuid("c4ed0000", 3),
        valid=False,
        valid_until="2025-12-31T00:00:00.000000Z",
    )

    for name, (app_id, state, protection, namespaces, cluster) in APPS.items():
        labels = [{"name": "tier", "value": "prod"}] if state == "ready" else []
        sim.add_app(
            name,
            id=app_id,
            state=state,
            protection_state=protection,
            namespaces=namespaces,
            cluster=cluster,
            labels=labels,
        )

    for backup_id, app, name, state, total, percent, when in BACKUPS:
        bucket = BUCKET_ARCHIVE if app in ("couchdb-archive", "mysql-billing") else BUCKET_PRIMARY
        sim.add_backup(
            APP_IDS[app],
            name,
            id=backup_id,
            state=state,
            bucket_id=bucket,
            total_bytes=total,
            percent_done=percent,
            backup_created=when,
        )
    for snap_id, app, name, state in SNAPS:
        sim.add_snapshot(APP_IDS[app], name, id=snap_id, state=state)
