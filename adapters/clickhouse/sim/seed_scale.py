"""The ClickHouse Cloud simulator at a scale: organizations x services, deterministically.

One simulator holds every organization, as the one API host does; each organization's
first key is an enabled admin key the gateway logs in with. Services draw provider,
region, tier and state from the documented vocabulary in ``seed_data``; every service
that ever ran has backups. ClickHouse keys record no owner, so none is seeded.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.types import Scope

from adapters.clickhouse.sim import seed_data as sd
from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.simulation.scale import Scale, ScaledAccount, organization_random, person, stable_uuid

ORGANIZATIONS_PER_SIMULATOR: int | None = None
VENDOR = "clickhouse"
#: mostly running, as a real fleet is
_STATES = ("running", "idle", "stopped", "provisioning")
_STATE_WEIGHTS = (16, 2, 1, 1)


def new_simulator(**options: Any) -> ClickHouseSimulator:
    return ClickHouseSimulator(seed=False, **options)


def owns(sim: ClickHouseSimulator, scope: Scope) -> bool:
    return True  # one simulator holds every organization


def _digest(*parts: object) -> str:
    return hashlib.sha256("/".join(str(p) for p in (VENDOR, *parts)).encode()).hexdigest()


def key_credentials(seed: int, organization: int, n: int) -> tuple[str, str]:
    """A key's ID (20 characters) and secret (``4b1d`` + 38, the documented shape)."""
    return _digest(seed, organization, n, "id")[:20], "4b1d" + _digest(seed, organization, n)[:38]


def seed_scale(
    sim: ClickHouseSimulator, scale: Scale, *, seed: int = 0, first: int = 0
) -> list[ScaledAccount]:
    """Add organizations ``first`` .. ``scale.organizations - 1`` to ``sim``."""
    return [_organization(sim, scale, seed, n) for n in range(first, scale.organizations)]


def _organization(sim: ClickHouseSimulator, scale: Scale, seed: int, org: int) -> ScaledAccount:
    rng = organization_random(VENDOR, seed, org)
    name = f"Scale Org {org + 1}"
    org_id = sim.add_organization(
        name, id=stable_uuid(VENDOR, seed, org), createdAt="2026-01-05T09:00:00Z"
    )["id"]
    for n in range(scale.databases):
        provider = rng.choice(sorted(sd.PROVIDER_REGIONS))
        state = rng.choices(_STATES, _STATE_WEIGHTS)[0]
        service = sim.add_service(
            org_id,
            f"service-{org + 1}-{n + 1:05d}",
            id=stable_uuid(VENDOR, seed, org, "service", n),
            provider=provider,
            region=rng.choice(sd.PROVIDER_REGIONS[provider]),
            tier=rng.choice(sd.OPENAPI_TIERS),
            state=state,
            createdAt=f"2026-02-{n % 28 + 1:02d}T12:00:00Z",
        )
        if state != "provisioning":  # a service that never ran has no backups yet
            _backups(sim, scale, seed, org, service["id"], n)
    for n in range(scale.members):
        first_name, last_name = person(n)
        sim.add_member(
            org_id,
            f"{first_name} {last_name}",
            f"{first_name}.{last_name}.{org + 1}@scale.example".lower(),
            userId=stable_uuid(VENDOR, seed, org, "member", n),
            role="admin" if n == 0 else "developer",
            joinedAt=f"2026-01-{n % 28 + 1:02d}T10:00:00Z",
        )
    credentials: tuple[str, str] = ("", "")
    for n in range(max(1, scale.api_keys)):
        key_id, secret = key_credentials(seed, org, n)
        credentials = credentials if n else (key_id, secret)
        sim.add_key(
            org_id,
            "gateway" if n == 0 else f"key {n + 1}",
            key_id=key_id,
            key_secret=secret,
            id=stable_uuid(VENDOR, seed, org, "key", n),
            roles=["admin"] if n == 0 else ["developer"],
            createdAt=f"2026-01-{n % 28 + 1:02d}T11:00:00Z",
        )
    return ScaledAccount(name, {"key_id": credentials[0], "key_secret": credentials[1]})


def _backups(
    sim: ClickHouseSimulator, scale: Scale, seed: int, org: int, service_id: str, n: int
) -> None:
    for age in range(scale.backups):
        day = 28 - age
        sim.add_backup(
            service_id,
            id=stable_uuid(VENDOR, seed, org, "backup", n, age),
            status="done",
            startedAt=f"2026-10-{day:02d}T02:00:00Z",
            finishedAt=f"2026-10-{day:02d}T02:05:00Z",
            durationInSeconds=300,
            sizeInBytes=1_000_000 * (n + 1) + age,
            type="full" if age == scale.backups - 1 else "incremental",
        )
