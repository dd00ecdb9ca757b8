"""Simulators seeded at a chosen scale, deterministically: organizations x databases.

A scale is ``ORGANIZATIONSxDATABASES`` (``2x25``): every organization gets that many
databases, each with backups, and a fixed number of members and API keys (each key owned
by a member where the vendor records owners). Each vendor's ``seed_scale`` module fills
its own simulator through the simulator's builders, in the vendor's documented shapes;
the same scale and seed always give the same IDs, names and credentials.

A ClickHouse simulator holds many organizations. FeatureBase, Astra and DBaaS simulators
play one organization each (their credentials belong to one org, account or server), so
a scale of several organizations is several simulators behind a ``TenantRouter``: one
ASGI app that hands each request to the simulator that knows its credentials, as the
vendor's one host serves every tenant.

Usage (tests, the benchmark, ``dbaas-gateway simulator --scale 2x25``), through
``adapters.simulation.seeding``, which finds the vendor's seeder in the registry::

    scaled = scaled_simulator("clickhouse", Scale.parse("2x25"), seed=0)
    scaled.app          # serve it, or hand it to httpx.ASGITransport
    scaled.accounts     # what each gateway connection logs in with
    scaled.requests()   # every request any of its simulators answered
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.types import Receive, Scope, Send

from adapters.simulation.middleware import LoggedRequest

_SCALE = re.compile(r"^\s*(\d+)\s*[xX]\s*(\d+)\s*$")
_NAMESPACE = uuid.UUID("5ca1ed00-7e57-4d0c-9a1e-000000000008")
FIRST_NAMES = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken")
LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson")


@dataclass(frozen=True)
class Scale:
    """How much each scaled simulator holds; the per-organization counts are fixed."""

    organizations: int
    databases: int
    members: int = 5
    api_keys: int = 5
    backups: int = 3

    @classmethod
    def parse(cls, text: str) -> Scale:
        """``"2x25"``: 2 organizations of 25 databases each."""
        match = _SCALE.match(text)
        if match is None or int(match[1]) < 1:
            raise ValueError(f"scale must look like 2x25 (organizations x databases), not {text!r}")
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.organizations}x{self.databases}"


@dataclass(frozen=True)
class ScaledAccount:
    """What one gateway connection needs to read one seeded organization."""

    organization: str
    #: vendor configuration fields given as secrets (``key_id``, ``token``, ...) and values
    secrets: Mapping[str, str]
    #: other vendor configuration fields (Astra's ``account_id``)
    options: Mapping[str, str] = field(default_factory=dict)


class VendorSeeder(Protocol):
    """What a vendor's scale seeder offers (``VendorSpec.scale_seeder``, conventionally its
    ``sim/seed_scale.py`` module)."""

    #: organizations one simulator can hold (None: any number)
    ORGANIZATIONS_PER_SIMULATOR: int | None

    def new_simulator(self, **options: Any) -> Any: ...
    def seed_scale(
        self, sim: Any, scale: Scale, *, seed: int = 0, first: int = 0
    ) -> list[ScaledAccount]: ...
    def owns(self, sim: Any, scope: Scope) -> bool: ...


def stable_uuid(*parts: object) -> str:
    """A UUID fixed by its parts (vendor, seed, organization, kind, number)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(str(p) for p in parts)))


def organization_random(vendor: str, seed: int, organization: int) -> random.Random:
    """The random choices (states, regions, sizes) of one organization, fixed by the seed."""
    return random.Random(f"{vendor}/{seed}/{organization}")


def person(n: int) -> tuple[str, str]:
    """The ``n``-th seeded person's first and last name (distinct for n < 64)."""
    return FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]


def header(scope: Scope, name: str) -> str | None:
    """One request header from an ASGI scope (names are lower case there)."""
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", []):
        if key == wanted:
            return str(value.decode("latin-1"))
    return None


class TenantRouter:
    """ASGI: each request goes to the first simulator that ``owns`` it, else the first one
    (which then answers 401 in the vendor's own shape)."""

    def __init__(self, simulators: Sequence[Any], owns: Callable[[Any, Scope], bool]) -> None:
        self.simulators = list(simulators)
        self.owns = owns

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self.simulators[0]
        if scope["type"] == "http":
            target = next((s for s in self.simulators if self.owns(s, scope)), target)
        await target.app(scope, receive, send)


class ScaledSimulator:
    """One vendor's simulators at a scale, served as one app.

    Attributes it does not define come from the first simulator, so the gateway's runtime
    and adapter factories can use it wherever they use the vendor's simulator.
    """

    def __init__(
        self,
        vendor: str,
        simulators: Sequence[Any],
        accounts: Sequence[ScaledAccount],
        owns: Callable[[Any, Scope], bool],
    ) -> None:
        self.vendor = vendor
        self.simulators = list(simulators)
        self.accounts = list(accounts)
        self.app: Any = (
            self.simulators[0].app
            if len(self.simulators) == 1
            else TenantRouter(self.simulators, owns)
        )

    def __getattr__(self, name: str) -> Any:
        # only called for attributes not set above: faults, clock, identity_app, ...
        return getattr(self.simulators[0], name)

    def requests(self) -> list[LoggedRequest]:
        return [entry for sim in self.simulators for entry in sim.log.matching()]

    def clear_logs(self) -> None:
        for sim in self.simulators:
            sim.log.clear()

    def add_latency(self, seconds: float) -> None:
        """Every request to any of these simulators answers ``seconds`` later."""
        for sim in self.simulators:
            sim.faults.add_latency(seconds)
