"""The FeatureBase simulator's data: its state, the builders that fill it, and the seed.

The seed is one org, "Initech FeatureBase". The vendor docs' examples show one database,
user, key and role and the shape ``32gb-aws:us-east-2``; everything else is invented but
fixed, so IDs, names, secrets and timestamps are the same on every run. IDs follow a
readable pattern (``db00...01`` databases, ``05e1...`` users, ``ae00...`` keys, ``1a00...``
invites) while staying valid version-4 UUID strings.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Json = dict[str, Any]
_NAMESPACE = uuid.UUID("6d3c8f0e-2b8a-4f0c-9d62-1f6b5a0e7c41")

ORG_ID = "0e9a0000-0000-4000-8000-000000000001"
ORG_NAME = "Initech FeatureBase"
EMAIL_DOMAIN = "initech.example"
# created_by/updated_by of seeded shapes and the org: FeatureBase staff, not an org user.
SYSTEM_USER_ID = "5a500000-0000-4000-8000-000000000000"


def _uuid(prefix: str, n: int) -> str:
    return f"{prefix:0<8}-0000-4000-8000-{n:012d}"


PETER, BILL, SAMIR, MICHAEL, MILTON = (_uuid("05e1", n) for n in range(1, 6))
DEMO_KEY_ID = _uuid("ae", 1)
DEMO_KEY_SECRET = "fb5ec000-0000-4000-8000-000000000001"

# Accounts the gateway's demo configuration uses: the org owner, by password or API key.
DEMO_ACCOUNTS: dict[str, dict[str, str]] = {
    "demo-key": {"api_key": DEMO_KEY_SECRET},
    "demo-user": {"username": f"peter.gibbons@{EMAIL_DOMAIN}", "password": "TPS-report-2026!"},
}


def org_record() -> dict[str, Any]:
    """The org every resource belongs to; present even when the simulator is unseeded.

    ``tech_contact_emali`` and ``billing_contact_emali`` are spelled as the seed spells them.
    """
    return {
        "id": ORG_ID,
        "name": ORG_NAME,
        "company_name": "Initech",
        "address": "4120 Freidrich Lane, Austin, TX",
        "tech_contact_emali": f"peter.gibbons@{EMAIL_DOMAIN}",
        "billing_contact_emali": f"bill.lumbergh@{EMAIL_DOMAIN}",
        "org_type": "trial",  # the only org_type value the seed shows
        "created_at": "2026-01-05T09:00:00Z",
        "updated_at": "2026-01-05T09:00:00Z",
        "updated_by": SYSTEM_USER_ID,
    }


DATABASE_STATUSES = (
    "CREATING",
    "PROVISIONING",
    "RUNNING",
    "RESTORING",
    "BACKUP",
    "DELETING",
    "DEPROVISIONING",
    "DELETED",
    "FAILED",
    "FROZEN",
    "UPDATING",
)
#: Where a stopped database rests. Not in the docs' table (which predates the AWS-only
#: start/stop actions), yet a stop must be visible somewhere: the project assumes this
#: value, and the adapter's mapping reads it as STOPPED (docs/vendors/featurebase.md).
STOPPED = "STOPPED"
_KNOWN_STATUSES = (*DATABASE_STATUSES, STOPPED)
# Transitional states settle() moves on; the rest are where a database comes to rest.
_SETTLES_TO = {
    "CREATING": "RUNNING",
    "PROVISIONING": "RUNNING",
    "RESTORING": "RUNNING",
    "BACKUP": "RUNNING",
    "UPDATING": "RUNNING",
    "DELETING": "DELETED",
    "DEPROVISIONING": "DELETED",
}


@dataclass
class Session:
    """A live IdToken: whose it is and when (on the simulator's clock) it stops working."""

    user_id: str
    expires_at: float


@dataclass
class SimState:
    """Everything the simulator knows, as the vendor JSON it serves. Tests may read and edit."""

    org: Json
    shapes: dict[str, Json] = field(default_factory=dict)  # by name
    roles: dict[str, Json] = field(default_factory=dict)  # by rolename
    users: dict[str, Json] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)  # username -> password
    databases: dict[str, Json] = field(default_factory=dict)
    backups: dict[str, list[Json]] = field(default_factory=dict)  # by database id
    keys: dict[str, Json] = field(default_factory=dict)
    key_secrets: dict[str, str] = field(default_factory=dict)  # key id -> secret
    invites: dict[str, Json] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)  # IdToken -> session


class FeatureBaseData:
    """The simulator's plain state and the builders that add vendor JSON to it.

    ``FeatureBaseSimulator`` inherits these, so tests call ``sim.add_key(...)`` directly.
    Builders return the stored record itself; editing it edits the simulator's state.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.state = SimState(org=org_record())
        self._serial = 0

    def _new_id(self, kind: str) -> str:
        # uuid5 over a counter, so new resources get the same IDs on every run.
        self._serial += 1
        return str(uuid.uuid5(_NAMESPACE, f"{kind}:{self._serial}"))

    def _now(self) -> str:
        return datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _acl_for(self, roles: Iterable[str]) -> list[str]:
        acl: list[str] = []
        for role in roles:
            acl += [a for a in self.state.roles.get(role, {}).get("acl", []) if a not in acl]
        return acl

    def resolve_shape(self, value: str) -> Json | None:
        """A shape by full name, or by the seed's short form ("8GB": first ``8gb-*`` shape)."""
        if value in self.state.shapes:
            return self.state.shapes[value]
        prefix = value.lower() + "-"
        return next((s for n, s in self.state.shapes.items() if n.startswith(prefix)), None)

    # ---------------------------------------------------------------- builders
    def add_shape(
        self,
        name: str,
        *,
        vendor: str,
        region: str,
        node_count: int,
        replica_factor: int,
        instance_type: str,
        arch: str,
        hourly_rate: str,
        volume_size: int = 100,
        created_at: str | None = None,
    ) -> Json:
        ts = created_at or self._now()
        shape = {
            "org_id": self.state.org["id"],
            "name": name,
            "vendor": vendor,
            "region": region,
            "type": "featurebase-cluster",
            "metadata": {
                "doc_url": None,
                "friendly_name": None,
                "hourly_rate_info": hourly_rate,
                "long_description": None,
                "short_description": None,
            },
            "properties": {
                "uses_internal_etcd": False,
                "node_count": node_count,
                "replica_factor": replica_factor,
                "compute": {"arch": arch, "instance_type": instance_type},
                "storage": {
                    "volume_size": volume_size,
                    "volume_iops": 4000,
                    "volume_throughput": 1000,
                    "volume_type": "gp3",
                },
            },
            "created_by": SYSTEM_USER_ID,
            "created_at": ts,
            "updated_at": ts,
            "updated_by": SYSTEM_USER_ID,
        }
        self.state.shapes[name] = shape
        return shape

    def add_role(self, rolename: str, *, acl: Sequence[str]) -> Json:
        role = {"rolename": rolename, "org_id": self.state.org["id"], "acl": list(acl)}
        self.state.roles[rolename] = role
        return role

    def add_user(
        self,
        firstname: str,
        lastname: str,
        *,
        username: str | None = None,
        password: str | None = None,
        roles: Sequence[str] = (),
        acl: Sequence[str] | None = None,
        status: str = "Active",
        user_id: str | None = None,
        idp_id: str | None = None,
        created_at: str | None = None,
    ) -> Json:
        uid = user_id or self._new_id("user")
        email = username or f"{firstname}.{lastname}@{EMAIL_DOMAIN}".lower()
        ts = created_at or self._now()
        user = {
            "id": uid,
            "org_id": self.state.org["id"],
            "org_name": self.state.org["name"],
            "idp_id": idp_id or self._new_id("idp"),
            "username": email,
            "firstname": firstname,
            "lastname": lastname,
            "status": status,
            "acl": list(acl) if acl is not None else self._acl_for(roles),
            "roles": list(roles),
            "primary_email": email,
            "created_at": ts,
            "updated_at": ts,
            "updated_by": uid,
        }
        self.state.users[uid] = user
        if password is not None:
            self.state.passwords[email] = password
        return user

    def add_database(
        self,
        name: str,
        *,
        shape: str = "8GB",
        status: str = "RUNNING",
        owned_by: str | None = None,
        created_by: str | None = None,
        database_id: str | None = None,
        created_at: str | None = None,
    ) -> Json:
        if status not in _KNOWN_STATUSES:
            raise ValueError(f"unknown database_status {status!r}")
        owner = owned_by or next(iter(self.state.users), SYSTEM_USER_ID)
        ts = created_at or self._now()
        database = {
            "id": database_id or self._new_id("database"),
            "name": name,
            "database_status": status,
            "database_options": {"shape": shape},
            "org_id": self.state.org["id"],
            "created_by": created_by or owner,
            "created_at": ts,
            "owned_by": owner,
            "updated_at": ts,
            "updated_by": created_by or owner,
        }
        self.state.databases[database["id"]] = database
        self.state.backups.setdefault(database["id"], [])
        return database

    def add_backup(
        self,
        database_id: str,
        *,
        timestamp: str | None = None,
        size: int = 500,
        storage_class: str = "STANDARD",
    ) -> Json:
        ts = timestamp or self._now()
        when = datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")
        # The seed's URL: bucket/backups/<org>/<database>/<ISO time with microseconds>.tar.gz
        url = (
            f"s3://database-backups-20230117171601968300000001/backups/"
            f"{self.state.org['id']}/{database_id}/{when.isoformat(timespec='microseconds')}"
            ".tar.gz"
        )
        backup = {
            "org_id": self.state.org["id"],
            "deployment_id": database_id,
            "url": url,
            "timestamp": ts,
            "size": size,
            "storage_class": storage_class,
        }
        self.state.backups.setdefault(database_id, []).append(backup)
        return backup

    def add_key(
        self,
        owned_by: str,
        *,
        description: str = "",
        status: str = "ACTIVE",
        secret: str | None = None,
        key_id: str | None = None,
        created_at: str | None = None,
        used_at: str | None = None,
    ) -> Json:
        ts = created_at or self._now()
        key = {
            "id": key_id or self._new_id("key"),
            "description": description,
            "status": status,
            "used_at": used_at,
            "org_id": self.state.org["id"],
            "created_by": owned_by,
            "created_at": ts,
            "owned_by": owned_by,
            "updated_at": ts,
            "updated_by": owned_by,
        }
        self.state.keys[key["id"]] = key
        self.state.key_secrets[key["id"]] = secret or self._new_id("secret")
        return key

    def secret_for(self, key_id: str) -> str:
        return self.state.key_secrets[key_id]

    def add_invite(
        self,
        email: str,
        *,
        accepted: bool = False,
        invite_id: str | None = None,
        created_at: str | None = None,
        updated_by: str | None = None,
    ) -> Json:
        ts = created_at or self._now()
        # Expiry is not documented; a week is this simulator's choice.
        expiry = datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ") + timedelta(days=7)
        invite = {
            "id": invite_id or self._new_id("invite"),
            "org_id": self.state.org["id"],
            "org_name": self.state.org["name"],
            "email": email,
            "accepted": accepted,
            "move_org": False,
            "created_at": ts,
            "date_expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updated_at": ts,
            "updated_by": updated_by or next(iter(self.state.users), SYSTEM_USER_ID),
        }
        self.state.invites[invite["id"]] = invite
        return invite

    def set_database_status(self, database_id: str, status: str) -> Json:
        if status not in _KNOWN_STATUSES:
            raise ValueError(f"unknown database_status {status!r}")
        self.state.databases[database_id]["database_status"] = status
        return self.state.databases[database_id]

    def settle(self) -> None:
        """Finish every transition at once: CREATING..UPDATING -> RUNNING, DELETING -> DELETED."""
        for database in self.state.databases.values():
            status = database["database_status"]
            database["database_status"] = _SETTLES_TO.get(status, status)


def seed(sim: FeatureBaseData) -> None:
    """Fill ``sim`` with 4 shapes, 3 roles, 5 users, 13 databases, 7 backups, 5 keys, 2 invites."""
    created = "2026-01-05T09:00:00Z"
    sim.add_shape(
        "8gb-aws:us-east-2",
        vendor="AWS",
        region="us-east-2",
        node_count=1,
        replica_factor=1,
        instance_type="r7g.medium",
        arch="arm64",
        hourly_rate="0.17",
        volume_size=50,
        created_at=created,
    )
    sim.add_shape(
        "16gb-aws:us-east-2",
        vendor="AWS",
        region="us-east-2",
        node_count=1,
        replica_factor=1,
        instance_type="r7g.large",
        arch="arm64",
        hourly_rate="0.33",
        volume_size=100,
        created_at=created,
    )
    # Exactly the shape in the seed's example.
    sim.add_shape(
        "32gb-aws:us-east-2",
        vendor="AWS",
        region="us-east-2",
        node_count=3,
        replica_factor=2,
        instance_type="r7g.large",
        arch="arm64",
        hourly_rate="0.65",
        volume_size=100,
        created_at=created,
    )
    # A non-AWS shape: backups and start/stop are documented as AWS-only.
    sim.add_shape(
        "8gb-gcp:us-central1",
        vendor="GCP",
        region="us-central1",
        node_count=1,
        replica_factor=1,
        instance_type="n2-highmem-2",
        arch="amd64",
        hourly_rate="0.19",
        volume_size=50,
        created_at=created,
    )

    sim.add_role("Org Owner", acl=["MANAGE_ORG:*"])  # name and acl from the seed
    sim.add_role("Database Admin", acl=["MANAGE_DATABASE:*"])
    sim.add_role("Viewer", acl=["VIEW_ORG:*"])

    users = [
        (PETER, "Peter", "Gibbons", "Org Owner", "TPS-report-2026!"),
        (BILL, "Bill", "Lumbergh", "Org Owner", "yeah-if-you-could-2026"),
        (SAMIR, "Samir", "Nagheenanajar", "Database Admin", "not-a-hyphen-2026"),
        (MICHAEL, "Michael", "Bolton", "Database Admin", "no-talent-ass-2026"),
        (MILTON, "Milton", "Waddams", "Viewer", "red-stapler-2026"),
    ]
    for n, (uid, first, last, role, password) in enumerate(users, start=1):
        sim.add_user(
            first,
            last,
            roles=[role],
            password=password,
            user_id=uid,
            idp_id=_uuid("1d", n),
            created_at=f"2026-01-{5 + n:02d}T10:00:00Z",
        )

    # One database per status (all 11), plus a second RUNNING one on GCP.
    databases = [
        (1, "analytics-prod", "RUNNING", "32GB", PETER),
        (2, "clickstream", "BACKUP", "16GB", SAMIR),
        (3, "new-ingest", "CREATING", "8GB", SAMIR),
        (4, "ingest-v2", "PROVISIONING", "8GB", MICHAEL),
        (5, "customer-360", "UPDATING", "32GB", PETER),
        (6, "restore-drill", "RESTORING", "16GB", MICHAEL),
        (7, "legacy-reports", "DELETING", "8GB", BILL),
        (8, "old-sandbox", "DEPROVISIONING", "8GB", MICHAEL),
        (9, "retired-poc", "DELETED", "8GB", BILL),
        (10, "broken-import", "FAILED", "8GB", SAMIR),
        (11, "frozen-archive", "FROZEN", "16GB", PETER),
        (12, "gcp-experiment", "RUNNING", "8gb-gcp:us-central1", MICHAEL),
        (13, "tps-reports", "RUNNING", "8GB", BILL),
    ]
    for n, name, status, shape, owner in databases:
        sim.add_database(
            name,
            shape=shape,
            status=status,
            owned_by=owner,
            database_id=_uuid("db", n),
            created_at=f"2026-02-{n:02d}T12:00:00Z",
        )

    backups = [
        (1, "2026-03-01T04:00:30Z", 734_003_200, "STANDARD"),
        (1, "2026-03-02T04:00:31Z", 738_197_504, "STANDARD"),
        (1, "2026-03-03T04:00:29Z", 741_343_232, "STANDARD"),
        (2, "2026-03-01T05:15:02Z", 209_715_200, "STANDARD"),
        (2, "2026-01-15T05:15:00Z", 104_857_600, "GLACIER"),
        (5, "2026-03-02T06:30:45Z", 1_073_741_824, "STANDARD"),
        (11, "2026-02-20T03:00:00Z", 524_288_000, "STANDARD"),
    ]
    for n, timestamp, size, storage_class in backups:
        sim.add_backup(_uuid("db", n), timestamp=timestamp, size=size, storage_class=storage_class)

    keys = [
        (DEMO_KEY_ID, PETER, "gateway demo key", "ACTIVE", DEMO_KEY_SECRET),
        (_uuid("ae", 2), SAMIR, "ci pipeline", "ACTIVE", "fb5ec000-0000-4000-8000-000000000002"),
        (_uuid("ae", 3), PETER, "old laptop", "REVOKED", "fb5ec000-0000-4000-8000-000000000003"),
        (
            _uuid("ae", 4),
            MICHAEL,
            "reporting cron",
            "ACTIVE",
            "fb5ec000-0000-4000-8000-000000000004",
        ),
        (
            _uuid("ae", 5),
            MILTON,
            "read-only dashboard",
            "ACTIVE",
            "fb5ec000-0000-4000-8000-000000000005",
        ),
    ]
    for n, (kid, owner, description, status, secret) in enumerate(keys, start=1):
        sim.add_key(
            owner,
            description=description,
            status=status,
            secret=secret,
            key_id=kid,
            created_at=f"2026-02-{10 + n:02d}T08:00:00Z",
            used_at=f"2026-03-{n:02d}T09:30:00Z",
        )

    sim.add_invite(
        f"tom.smykowski@{EMAIL_DOMAIN}",
        accepted=True,
        invite_id=_uuid("1a", 1),
        created_at="2026-02-01T15:00:00Z",
    )
    sim.add_invite(
        "joanna@chotchkies.example", invite_id=_uuid("1a", 2), created_at="2026-03-01T15:00:00Z"
    )
