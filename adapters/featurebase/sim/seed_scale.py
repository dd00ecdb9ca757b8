"""The FeatureBase Cloud simulator at a scale: one org per simulator, deterministically.

A FeatureBase credential belongs to one user of one org, and the simulator plays one org,
so ``sim_scale`` builds one simulator per organization and routes each request by its
credential (``owns``). The org's first user is its owner; the gateway reads it with the
owner's API key (listing org keys needs the owner's rights). Databases use AWS shapes
(backups are documented for AWS only), each key is owned by one of the org's users.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.types import Scope

from adapters.featurebase.sim.seed_data import org_record
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from adapters.simulation.scale import (
    Scale,
    ScaledAccount,
    header,
    organization_random,
    person,
    stable_uuid,
)

ORGANIZATIONS_PER_SIMULATOR: int | None = 1
VENDOR = "featurebase"
#: (name, node count, replica factor, instance type, hourly rate): AWS shapes as the seed's
_SHAPES = (
    ("8gb-aws:us-east-2", 1, 1, "r7g.medium", "0.17"),
    ("16gb-aws:us-east-2", 1, 1, "r7g.large", "0.33"),
    ("32gb-aws:us-east-2", 3, 2, "r7g.large", "0.65"),
)
_LAST_BACKUP = datetime(2026, 3, 28, 4, 0)
_STATUSES = ("RUNNING", "STOPPED", "FROZEN", "FAILED")
_STATUS_WEIGHTS = (16, 1, 1, 1)
_ROLES = (("Org Owner", "MANAGE_ORG:*"), ("Database Admin", "MANAGE_DATABASE:*"))


def new_simulator(**options: Any) -> FeatureBaseSimulator:
    return FeatureBaseSimulator(seed=False, **options)


def owns(sim: FeatureBaseSimulator, scope: Scope) -> bool:
    """Whether the request's API key or IdToken is one ``sim`` issued."""
    api_key = header(scope, "x-api-key")
    if api_key is not None:
        return api_key in sim.state.key_secrets.values()
    scheme, _, token = (header(scope, "authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and token.strip() in sim.state.sessions


def api_key_secret(seed: int, organization: int, n: int) -> str:
    return stable_uuid(VENDOR, seed, organization, "secret", n)


def seed_scale(
    sim: FeatureBaseSimulator, scale: Scale, *, seed: int = 0, first: int = 0
) -> list[ScaledAccount]:
    """Make ``sim`` organization number ``first`` of ``scale``."""
    org, rng = first, organization_random(VENDOR, seed, first)
    name = f"Scale Org {org + 1}"
    sim.state.org = {**org_record(), "id": stable_uuid(VENDOR, seed, org), "name": name}
    created = "2026-01-05T09:00:00Z"
    for shape, nodes, replicas, instance, rate in _SHAPES:
        sim.add_shape(
            shape,
            vendor="AWS",
            region="us-east-2",
            node_count=nodes,
            replica_factor=replicas,
            instance_type=instance,
            arch="arm64",
            hourly_rate=rate,
            created_at=created,
        )
    for role, acl in _ROLES:
        sim.add_role(role, acl=[acl])
    users = []
    for n in range(max(1, scale.members)):
        first_name, last_name = person(n)
        users.append(
            sim.add_user(
                first_name,
                last_name,
                username=f"{first_name}.{last_name}.{org + 1}@scale.example".lower(),
                roles=[_ROLES[0][0] if n == 0 else _ROLES[1][0]],
                user_id=stable_uuid(VENDOR, seed, org, "user", n),
                idp_id=stable_uuid(VENDOR, seed, org, "idp", n),
                created_at=f"2026-01-{n % 28 + 1:02d}T10:00:00Z",
            )["id"]
        )
    for n in range(scale.databases):
        database_id = stable_uuid(VENDOR, seed, org, "database", n)
        sim.add_database(
            f"database-{org + 1}-{n + 1:05d}",
            shape=rng.choice(_SHAPES)[0],
            status=rng.choices(_STATUSES, _STATUS_WEIGHTS)[0],
            owned_by=users[n % len(users)],
            database_id=database_id,
            created_at=f"2026-02-{n % 28 + 1:02d}T12:00:00Z",
        )
        for age in range(scale.backups):
            sim.add_backup(
                database_id,
                # a day apart, back from 28 March: any number of them has real dates
                timestamp=(_LAST_BACKUP - timedelta(days=age)).strftime(
                    f"%Y-%m-%dT%H:%M:{n % 60:02d}Z"
                ),
                size=1_000_000 * (n + 1) + age,
            )
    for n in range(max(1, scale.api_keys)):
        sim.add_key(
            users[0] if n == 0 else users[n % len(users)],
            description="gateway" if n == 0 else f"key {n + 1}",
            secret=api_key_secret(seed, org, n),
            key_id=stable_uuid(VENDOR, seed, org, "key", n),
            created_at=f"2026-02-{n % 28 + 1:02d}T08:00:00Z",
            used_at=f"2026-03-{n % 28 + 1:02d}T09:30:00Z",
        )
    return [ScaledAccount(name, {"api_key": api_key_secret(seed, org, 0)})]
