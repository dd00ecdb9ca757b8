"""The DBaaS simulator at a scale: one server (organization) per simulator, deterministically.

The API has no organizations: the gateway shows one per connection, so each organization
of a scale is one simulated server with its own Basic account, and ``sim_scale`` routes
each request by its user name (``owns``). Databases spread over the plans and projects;
each has its ``u_<name>`` credential, as the API creates. There are no backups, members
or keys to seed: the API has none.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.types import Scope

from adapters.dbaas.sim.seed_data import (
    PROVISIONER_CLOUDSTACK,
    PROVISIONER_KUBERNETES,
    STAGE_DEV,
    STAGE_PROD,
)
from adapters.dbaas.sim.simulator import DBaaSSimulator
from adapters.simulation.scale import Scale, ScaledAccount, header, organization_random, stable_uuid

ORGANIZATIONS_PER_SIMULATOR: int | None = 1
VENDOR = "dbaas"
#: (plan, engine): the databases' plans, in turn
_PLANS = (("mongodb_small", "mongodb"), ("mysql_ha", "mysql"), ("postgres_std", "postgresql"))


def new_simulator(**options: Any) -> DBaaSSimulator:
    return DBaaSSimulator(seed=False, **options)


def owns(sim: DBaaSSimulator, scope: Scope) -> bool:
    scheme, _, token = (header(scope, "authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        username = base64.b64decode(token.strip(), validate=True).decode().partition(":")[0]
    except (binascii.Error, UnicodeDecodeError):
        return False
    return username in sim.state.accounts


def credentials(seed: int, organization: int) -> tuple[str, str]:
    return f"admin{organization + 1}", stable_uuid(VENDOR, seed, organization, "password")[:18]


def seed_scale(
    sim: DBaaSSimulator, scale: Scale, *, seed: int = 0, first: int = 0
) -> list[ScaledAccount]:
    """Make ``sim`` organization (server) number ``first`` of ``scale``."""
    org, rng = first, organization_random(VENDOR, seed, first)
    username, password = credentials(seed, org)
    sim.state.accounts = {username: {"username": username, "password": password}}
    dev = sim.add_environment("dev", stage=STAGE_DEV, provisioner=PROVISIONER_KUBERNETES)
    prod = sim.add_environment("prod", stage=STAGE_PROD, provisioner=PROVISIONER_CLOUDSTACK)
    environments = (dev["id"], prod["id"])
    plans = [
        sim.add_plan(plan, engine=engine, environments=environments)["id"]
        for plan, engine in _PLANS
    ]
    projects = [sim.add_project(name)["id"] for name in ("checkout", "analytics")]
    for n in range(scale.databases):
        sim.add_database(
            f"db_{org + 1}_{n + 1:05d}",
            plan=plans[n % len(plans)],
            environment=rng.choice(environments),
            project=projects[n % len(projects)] if n % 3 else None,
            total_size_in_bytes=10 << 30,
            used_size_in_bytes=rng.randrange(1 << 20, 10 << 30),
            extra={"status": 1},
        )
    name = f"Scale Org {org + 1}"
    secrets = {"username": username, "password": password}
    return [ScaledAccount(name, secrets, {"organization_name": name})]
