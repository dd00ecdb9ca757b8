"""The ClickHouse Cloud simulator's state: per-organization vendor records, the builders that
create them (for tests and the seed), and the lookups every group of route handlers shares.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request

from adapters.clickhouse.sim import seed_data as sd
from adapters.clickhouse.sim.validation import JSON, TOTAL_PER_REPLICA_MEMORY, ApiError, _iso

_ALPHANUMERIC = string.ascii_letters + string.digits
_FINAL_STATES = ("terminating", "terminated")
# What settle() turns each transitional state into; "terminating" services are removed.
_SETTLED = {
    "provisioning": "running",
    "starting": "running",
    "awaking": "running",
    "stopping": "stopped",
}
INVITATION_LIFETIME = timedelta(days=30)  # our choice: the docs do not say


@dataclass
class Credential:
    """How a key authenticates: hashes of its key ID and secret, as the docs' hashData."""

    key_id_hash: str
    secret_hash: str


@dataclass
class OrgState:
    """One organization and everything in it; each record is exactly its vendor JSON."""

    organization: JSON
    services: dict[str, JSON] = field(default_factory=dict)
    #: what the ``filter=tag:K=V`` of a list matches (the body's ``tags`` say the same)
    service_tags: dict[str, dict[str, str]] = field(default_factory=dict)
    service_passwords: dict[str, str] = field(default_factory=dict)  # base64 SHA-256
    backups: dict[str, JSON] = field(default_factory=dict)  # by backup id; has serviceId
    backup_configurations: dict[str, JSON] = field(default_factory=dict)  # by service id
    keys: dict[str, JSON] = field(default_factory=dict)
    credentials: dict[str, Credential] = field(default_factory=dict)  # by key id (UUID)
    members: dict[str, JSON] = field(default_factory=dict)
    invitations: dict[str, JSON] = field(default_factory=dict)
    activities: dict[str, JSON] = field(default_factory=dict)
    #: managed Postgres services (2026-06 spec): the record as listed plus connection
    #: details; the superuser password and the configuration are kept beside it
    postgres: dict[str, JSON] = field(default_factory=dict)
    postgres_passwords: dict[str, str] = field(default_factory=dict)
    postgres_configs: dict[str, JSON] = field(default_factory=dict)
    #: RBAC roles (2026-06 spec), by ID
    roles: dict[str, JSON] = field(default_factory=dict)
    #: by service ID: its upgrade window, changed ClickHouse settings, query endpoint
    service_extras: dict[str, JSON] = field(default_factory=dict)
    #: by service ID: its ClickPipes, reverse private endpoints and CDC scaling
    clickpipes: dict[str, JSON] = field(default_factory=dict)
    #: by service ID: its ClickStack dashboards, alerts, sources and webhooks
    clickstack: dict[str, JSON] = field(default_factory=dict)


@dataclass
class SimulatorState:
    organizations: dict[str, OrgState] = field(default_factory=dict)

    def org_of_service(self, service_id: str) -> OrgState:
        for org in self.organizations.values():
            if service_id in org.services:
                return org
        raise KeyError(service_id)


@dataclass
class Ctx:
    """One authenticated request: the key, the organization in the path, the path params."""

    request: Request
    key: JSON
    org: OrgState
    params: dict[str, str]


def _generate(prefix: str, length: int) -> str:
    return prefix + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length - len(prefix)))


class SimulatorBase:
    """State, builders and shared lookups; ``ClickHouseSimulator`` sets the attributes."""

    state: SimulatorState
    wall_clock: Callable[[], datetime]
    clock: Callable[[], float]
    transition_seconds: float | None
    _sequence: int
    #: services in a transition started through the API: their organization and start time
    _transitions: dict[str, tuple[OrgState, float]]

    # --- lookups shared by handlers ---------------------------------------------------------

    def _find(self, records: dict[str, JSON], record_id: str, what: str) -> JSON:
        if record_id not in records:
            raise ApiError(404, f"{what} {record_id} not found")
        return records[record_id]

    def _service(self, ctx: Ctx, *, live: bool = False) -> JSON:
        service = self._find(ctx.org.services, ctx.params["serviceId"], "Service")
        if live and service["state"] in _FINAL_STATES:
            raise ApiError(409, f"Service {service['id']} is {service['state']}")
        return service

    def add_postgres(self, organization_id: str, name: str, **fields: Any) -> JSON:
        """Add a managed Postgres service (``PostgresRoutes``)."""
        raise NotImplementedError

    def add_role(self, organization_id: str, name: str, **fields: Any) -> JSON:
        """Add an RBAC role (``RoleRoutes``)."""
        raise NotImplementedError

    def _shown(self, org: OrgState, collection: str, record: JSON) -> JSON:
        """A record as answered (``RoleRoutes`` adds the roles it holds)."""
        return record

    def _assign(self, org: OrgState, actor: str, role_ids: list[str]) -> None:
        """Give ``actor`` exactly these roles (``RoleRoutes``)."""

    def _audit(self, ctx: Ctx, kind: str, service_id: str | None = None) -> None:
        """Writes leave an activity, as the vendor's audit log would."""
        client = ctx.request.client
        self.add_activity(
            ctx.org.organization["id"],
            kind,
            actorType="api",
            actorId=ctx.key["id"],
            actorDetails=f"API key {ctx.key['name']}",
            actorIpAddress=client.host if client else None,
            serviceId=service_id,
        )

    # --- builders (tests and the seed) -------------------------------------------------------

    def _new_id(self, kind: str) -> str:
        self._sequence += 1
        return sd.seed_uuid("generated", kind, str(self._sequence))

    def _memory_defaults(self, tier: str) -> JSON:
        low, high = sd.PRODUCTION_DEFAULT_MEMORY_GB
        fixed = sd.FIXED_MEMORY_GB.get(tier)
        return {"minTotalMemoryGb": fixed or low, "maxTotalMemoryGb": fixed or high}

    # Builders take vendor fields (camelCase, as stored) that override a plain default record.

    def _record(self, defaults: JSON, fields: JSON) -> JSON:
        return {k: v for k, v in (defaults | fields).items() if v is not None}

    def add_organization(self, name: str, **fields: Any) -> JSON:
        organization = self._record(
            {
                "id": self._new_id("organization"),
                "name": name,
                "createdAt": _iso(self.wall_clock()),
                "privateEndpoints": [],
            },
            fields,
        )
        self.state.organizations[organization["id"]] = OrgState(organization)
        return organization

    def add_service(
        self,
        organization_id: str,
        name: str,
        *,
        tags: dict[str, str] | None = None,
        mysql_endpoint: bool = False,
        **fields: Any,
    ) -> JSON:
        """Add a service: by default a running production AWS service in us-east-1."""
        service_id = fields.pop("id", None) or self._new_id("service")
        provider, region = fields.get("provider", "aws"), fields.get("region", "us-east-1")
        tier = fields.get("tier", "production")
        service = self._record(
            {
                "id": service_id,
                "name": name,
                "provider": provider,
                "region": region,
                "state": "running",
                "endpoints": sd.service_endpoints(
                    service_id, provider, region, mysql=mysql_endpoint
                ),
                "tier": tier,
                **self._memory_defaults(tier),
                "numReplicas": 3,
                "idleScaling": True,
                "idleTimeoutMinutes": 15,
                "ipAccessList": [],
                "createdAt": _iso(self.wall_clock()),
                "privateEndpointIds": [],
                # the 2026-06 spec's newer fields
                "clickhouseVersion": sd.CLICKHOUSE_VERSION,
                "releaseChannel": "default",
                "tags": [
                    {"key": k, "value": v} if v else {"key": k} for k, v in (tags or {}).items()
                ],
                "isReadonly": False,
            },
            fields,
        )
        # the autoscaling in effect now: the baseline, as no schedule is seeded
        service["currentScaling"] = {
            "effectiveAutoscalingMode": "vertical",
            "effectiveMinReplicaMemoryGb": service["minTotalMemoryGb"] // TOTAL_PER_REPLICA_MEMORY,
            "effectiveMaxReplicaMemoryGb": service["maxTotalMemoryGb"] // TOTAL_PER_REPLICA_MEMORY,
        }
        org = self.state.organizations[organization_id]
        org.services[service["id"]] = service
        org.service_tags[service["id"]] = dict(tags or {})
        return service

    def add_backup(self, service_id: str, **fields: Any) -> JSON:
        backup = self._record(
            {
                "id": self._new_id("backup"),
                "status": "done",
                "serviceId": service_id,
                "startedAt": _iso(self.wall_clock()),
                "type": "full",
            },
            fields,
        )
        self.state.org_of_service(service_id).backups[backup["id"]] = backup
        return backup

    def add_key(
        self,
        organization_id: str,
        name: str,
        *,
        key_id: str | None = None,
        key_secret: str | None = None,
        hash_data: JSON | None = None,
        **fields: Any,
    ) -> JSON:
        """Add a key (admin, enabled by default); answers like the key POST:
        ``{key, keyId, keySecret}``, without the two secrets when ``hash_data`` is given."""
        key = self._record(
            {
                "id": self._new_id("key"),
                "name": name,
                "state": "enabled",
                "roles": ["admin"],
                "createdAt": _iso(self.wall_clock()),
            },
            fields,
        )
        if hash_data is not None:
            key["keySuffix"] = hash_data["keyIdSuffix"]
            credential = Credential(hash_data["keyIdHash"], hash_data["keySecretHash"])
            created: JSON = {"key": key}
        else:
            key_id = key_id or _generate("", 20)
            key_secret = key_secret or _generate("4b1d", 42)
            key["keySuffix"] = key_id[-4:]
            credential = Credential(sd.credential_hash(key_id), sd.credential_hash(key_secret))
            created = {"key": key, "keyId": key_id, "keySecret": key_secret}
        org = self.state.organizations[organization_id]
        org.keys[key["id"]], org.credentials[key["id"]] = key, credential
        return created

    def add_member(self, organization_id: str, name: str, email: str, **fields: Any) -> JSON:
        member = self._record(
            {
                "userId": self._new_id("user"),
                "name": name,
                "email": email,
                "role": "developer",
                "joinedAt": _iso(self.wall_clock()),
            },
            fields,
        )
        self.state.organizations[organization_id].members[member["userId"]] = member
        return member

    def add_invitation(self, organization_id: str, email: str, **fields: Any) -> JSON:
        now = self.wall_clock()
        invitation = self._record(
            {
                "role": "developer",
                "id": self._new_id("invitation"),
                "email": email.lower(),  # "stored in a lowercase form"
                "createdAt": _iso(now),
                "expireAt": _iso(now + INVITATION_LIFETIME),
            },
            fields,
        )
        self.state.organizations[organization_id].invitations[invitation["id"]] = invitation
        return invitation

    def add_activity(self, organization_id: str, type: str, **fields: Any) -> JSON:
        activity = self._record(
            {
                "id": self._new_id("activity").replace("-", ""),
                "createdAt": _iso(self.wall_clock()),
                "type": type,
                "actorType": "system",
                "organizationId": organization_id,
            },
            fields,
        )
        self.state.organizations[organization_id].activities[activity["id"]] = activity
        return activity

    # --- asynchronous work ------------------------------------------------------------------

    def _begin(self, org: OrgState, service: JSON, state: str) -> None:
        """Put a service into a transitional state; it finishes at ``settle()`` or, with
        ``transition_seconds`` set, that long after now on the simulator's clock."""
        service["state"] = state
        self._transitions[service["id"]] = (org, self.clock())

    def _advance(self) -> None:
        """Finish every timed transition whose time has come (state is read lazily)."""
        if self.transition_seconds is None:
            return
        now = self.clock()
        for service_id, (org, began) in list(self._transitions.items()):
            if now - began >= self.transition_seconds:
                self._finish(org, service_id)

    def _finish_postgres(self, org: OrgState, record_id: str) -> None:
        """Settle a Postgres service (``PostgresRoutes``)."""

    def _finish(self, org: OrgState, service_id: str) -> None:
        self._transitions.pop(service_id, None)
        if service_id in org.postgres:
            self._finish_postgres(org, service_id)
            return
        service = org.services.get(service_id)
        if service is None:
            return
        if service["state"] != "terminating":
            service["state"] = _SETTLED.get(service["state"], service["state"])
            return
        for store in (
            org.services,
            org.service_tags,
            org.service_passwords,
            org.backup_configurations,
            org.service_extras,
            org.clickpipes,
            org.clickstack,
        ):
            store.pop(service_id, None)
        org.backups = {k: b for k, b in org.backups.items() if b["serviceId"] != service_id}

    def settle(self) -> None:
        """Finish every transition at once: the deterministic stand-in for the vendor's async
        work (provisioning/starting/awaking -> running, stopping -> stopped, terminating ->
        removed with its backups)."""
        for org in self.state.organizations.values():
            for service_id in [*org.services, *org.postgres]:
                self._finish(org, service_id)

    def _seed(self) -> None:
        for spec in sd.ORGANIZATIONS:
            org_id = self.add_organization(**spec["organization"])["id"]
            for service in spec["services"]:
                self.add_service(org_id, **service)
            for backup in spec["backups"]:
                self.add_backup(backup["serviceId"], **backup)
            configurations = self.state.organizations[org_id].backup_configurations
            configurations.update({k: dict(v) for k, v in spec["backup_configurations"].items()})
            for key in spec["keys"]:
                self.add_key(org_id, **key)
            for member in spec["members"]:
                self.add_member(org_id, **member)
            for invitation in spec["invitations"]:
                self.add_invitation(org_id, **invitation)
            for activity in spec["activities"]:
                self.add_activity(org_id, **activity)
            for postgres in spec.get("postgres", []):
                self.add_postgres(org_id, **postgres)
            for role in sd.roles(spec):
                self.add_role(org_id, **role)
