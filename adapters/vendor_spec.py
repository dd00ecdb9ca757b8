"""What a vendor package declares about itself: its configuration fields, how to build its
adapter and simulator, its rate limit and cache kinds (``VendorSpec``), and the validated
settings of one connection (``ConnectionSettings``).

Vendor packages import this module; ``adapters.registry`` imports the vendor packages. Kept
apart so that no vendor package imports the list of all the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.base import Adapter
from adapters.cache.store import ConnectionCache, ResourceKinds
from adapters.model import ConnectionInfo, Vendor
from adapters.simulation.scale import VendorSeeder
from adapters.upstream.http import HttpSettings


class Secret:
    """A credential read from the environment; its repr never shows the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True)
class ConfigField:
    """A vendor-specific configuration key.

    ``secret`` fields are given as ``<name>_env``: the name of an environment variable.
    """

    name: str
    description: str
    required: bool = True
    secret: bool = False
    #: one group of alternatives, e.g. FeatureBase's API key vs. username + password
    group: str | None = None
    #: an http(s) URL, checked as ``base_url`` is (no credentials, query or fragment)
    url: bool = False
    #: a secret field that names its holder (a key ID, a user name) rather than proving it:
    #: read from the environment like a secret, but vendors show it as a name, so it is
    #: not scrubbed from what they say
    names_holder: bool = False


@dataclass(frozen=True)
class ConnectionSettings:
    """One validated connection from the configuration."""

    name: str
    vendor: Vendor
    base_url: str
    simulated: bool = False
    simulator_account: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    secrets: Mapping[str, Secret] = field(default_factory=dict)
    http: HttpSettings = field(default_factory=HttpSettings)
    #: the cross-request cache view the runtime attaches before building the adapter
    cache: ConnectionCache | None = field(default=None, compare=False)

    def credentials(self, spec: VendorSpec) -> list[str]:
        """The configured values that prove identity: what must never reach a caller."""
        holders = {f.name for f in spec.fields if f.names_holder}
        return [s.reveal() for name, s in self.secrets.items() if name not in holders]

    @property
    def info(self) -> ConnectionInfo:
        return ConnectionInfo(self.name, self.vendor, self.base_url, self.simulated)


#: builds an adapter from settings; ``simulator`` is the vendor's in-process simulator when
#: the connection is simulated, else None
AdapterFactory = Callable[[ConnectionSettings, Any], Adapter]


@dataclass(frozen=True)
class VendorSpec:
    vendor: Vendor
    title: str
    default_base_url: str
    fields: tuple[ConfigField, ...]
    build: AdapterFactory
    simulator: Callable[[], Any]
    #: the simulator's seeded accounts (name -> the credentials and options it logs in
    #: with); the first is the default of a simulated connection
    demo_accounts: Mapping[str, Mapping[str, str]]
    #: seeds the simulator at a scale (``dbaas-gateway simulator --scale``, benchmarks)
    scale_seeder: VendorSeeder
    documented_rate_limit: tuple[int, float] | None = None
    #: write methods the vendor documents as idempotent, so the policy may resend them
    idempotent_methods: frozenset[str] = frozenset()
    #: GET path -> resource kind for the cross-request cache; None (or a path it maps to
    #: None) is never cached
    resource_kind: ResourceKinds | None = None

    @property
    def simulator_accounts(self) -> tuple[str, ...]:
        """The seeded account names, the default first."""
        return tuple(self.demo_accounts)
