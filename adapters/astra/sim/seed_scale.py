"""The Astra Control simulator at a scale: one account per simulator, deterministically.

An API token belongs to one account and the simulator plays one account, so ``sim_scale``
builds one simulator per organization and routes each request by the account in its path
(``owns``). The account's first user is its owner, whose token the gateway uses (an
owner may list every user's tokens). Each app gets appBackups and one appSnap; tokens
belong to the account's users in turn.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.types import Scope

from adapters.astra.sim import seed_data
from adapters.astra.sim.simulator import AstraSimulator, AstraState
from adapters.simulation.scale import Scale, ScaledAccount, organization_random, person, stable_uuid

ORGANIZATIONS_PER_SIMULATOR: int | None = 1
VENDOR = "astra"
_ACCOUNT_PATH = re.compile(r"^/accounts/([^/]+)")
_CLUSTERS = (seed_data.CLUSTER_GKE, seed_data.CLUSTER_EKS, seed_data.CLUSTER_OCP)
#: (state, protectionState, weight): mostly ready and protected
_APP_STATES = (("ready", "protected", 16), ("ready", "partial", 2), ("failed", "atRisk", 1))
#: roles of the users after the owner, in turn
_MEMBER_ROLES = ("admin", "member", "viewer")


def new_simulator(**options: Any) -> AstraSimulator:
    return AstraSimulator(seed=False, **options)


def owns(sim: AstraSimulator, scope: Scope) -> bool:
    match = _ACCOUNT_PATH.match(scope.get("path", ""))
    return match is not None and match[1].lower() == sim.state.account.get("id")


def token_secret(seed: int, organization: int, n: int) -> str:
    return f"scale-{stable_uuid(VENDOR, seed, organization, 'token-secret', n)}"


def seed_scale(
    sim: AstraSimulator, scale: Scale, *, seed: int = 0, first: int = 0
) -> list[ScaledAccount]:
    """Make ``sim`` organization (account) number ``first`` of ``scale``."""
    org, rng = first, organization_random(VENDOR, seed, first)

    def uid(kind: str, n: int = 0) -> str:
        return stable_uuid(VENDOR, seed, org, kind, n)

    name = f"Scale Org {org + 1}"
    sim.state = AstraState()  # not the bootstrap account: this one, and only it
    account_id = uid("account")
    sim.set_account(account_id, name, created_by=seed_data.SYSTEM_USER_ID)
    users: list[str] = []
    for n in range(max(1, scale.members)):
        first_name, last_name = person(n)
        user_id = uid("user", n)
        sim.add_user(
            first_name,
            last_name,
            f"{first_name}.{last_name}.{org + 1}@scale.example".lower(),
            id=user_id,
            created_by=seed_data.SYSTEM_USER_ID if n == 0 else users[0],
        )
        role = "owner" if n == 0 else _MEMBER_ROLES[(n - 1) % len(_MEMBER_ROLES)]
        sim.add_role_binding(user_id, role, id=uid("binding", n))
        users.append(user_id)
    for n in range(max(1, scale.api_keys)):
        owner = users[n % len(users)]
        sim.add_token(
            owner,
            "gateway" if n == 0 else f"token {n + 1}",
            secret=token_secret(seed, org, n),
            id=uid("token", n),
        )
    states = [(s, p) for s, p, _ in _APP_STATES]
    weights = [w for _, _, w in _APP_STATES]
    for n in range(scale.databases):
        state, protection = rng.choices(states, weights)[0]
        app_name = f"app-{org + 1}-{n + 1:05d}"
        app_id = uid("app", n)
        sim.add_app(
            app_name,
            id=app_id,
            state=state,
            protection_state=protection,
            cluster=rng.choice(_CLUSTERS),
        )
        for age in range(scale.backups):
            when = f"2026-01-{28 - age:02d}T02:00:00.000000Z"
            if age == scale.backups - 1 and scale.backups > 1:
                sim.add_snapshot(app_id, f"{app_name}-snap", id=uid(f"snap-{n}", age))
            else:
                sim.add_backup(
                    app_id,
                    f"{app_name}-daily-{age + 1}",
                    id=uid(f"backup-{n}", age),
                    total_bytes=(n + 1) << 20,
                    backup_created=when,
                )
    account = ScaledAccount(name, {"token": token_secret(seed, org, 0)}, {"account_id": account_id})
    return [account]
