"""The reference simulator at a scale: organizations x databases, deterministically.

One simulator holds every organization (tokens tell them apart); each organization has
its own token, the one its connection logs in with.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Scope

from adapters.simulation.scale import Scale, ScaledAccount, organization_random, stable_uuid
from tests.reference_vendor.mapping import STATES
from tests.reference_vendor.sim.simulator import ReferenceSimulator

ORGANIZATIONS_PER_SIMULATOR: int | None = None
VENDOR = "reference"


def new_simulator(**options: Any) -> ReferenceSimulator:
    return ReferenceSimulator(seed=False, **options)


def owns(sim: ReferenceSimulator, scope: Scope) -> bool:
    return True  # one simulator holds every organization


def seed_scale(
    sim: ReferenceSimulator, scale: Scale, *, seed: int = 0, first: int = 0
) -> list[ScaledAccount]:
    """Add organizations ``first`` .. ``scale.organizations - 1`` to ``sim``."""
    accounts = []
    for n in range(first, scale.organizations):
        rng = organization_random(VENDOR, seed, n)
        token = f"ref-{stable_uuid(VENDOR, seed, n, 'token')}"
        name = f"Scale Org {n + 1}"
        org = sim.add_organization(
            {"id": f"org-{n + 1}", "name": name, "created_at": "2026-01-05T09:00:00Z"},
            token=token,
        )
        for d in range(scale.databases):
            sim.add_database(
                org, f"db-{n + 1}-{d + 1:05d}", f"db-{d + 1}", rng.choice(list(STATES))
            )
        accounts.append(ScaledAccount(name, {"token": token}))
    return accounts
