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
from adapters.minimums import UpstreamMinimums
from adapters.model import ConnectionInfo, Vendor
from adapters.simulation.scale import VendorSeeder
from adapters.upstream.http import HttpSettings
from adapters.vendor_documents import DocumentedErrors, DocumentedPaths, WriteExample


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
    #: a non-secret field a template connection's caller gives with its credential
    #: (Astra's account ID); secret fields always come from the caller of a template
    per_caller: bool = False

    @property
    def from_caller(self) -> bool:
        """Whether the caller of a template connection (``credentials = "caller"``) gives
        this field, per request, rather than the file."""
        return self.secret or self.per_caller


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
    #: a template: its credential comes from each caller (``credentials = "caller"``)
    template: bool = False
    #: a template's per-caller clients kept at once, least recently used closed first
    max_tenants: int = 100
    #: a template's instance: the keyed fingerprint of the caller's credential
    tenant: str | None = None

    def credentials(self, spec: VendorSpec) -> list[str]:
        """The configured values that prove identity: what must never reach a caller."""
        holders = {f.name for f in spec.fields if f.names_holder}
        return [s.reveal() for name, s in self.secrets.items() if name not in holders]

    @property
    def info(self) -> ConnectionInfo:
        return ConnectionInfo(self.name, self.vendor, self.base_url, self.simulated, self.tenant)


#: what the runtime, scale seeding and the tests use of every simulator (``spec.simulator``);
#: the contract suite checks each has them (docs/adding-a-vendor.md lists them)
SIMULATOR_ATTRIBUTES: Mapping[str, str] = {
    "app": "the ASGI app that plays the vendor's API: an adapter reaches it through "
    "httpx.ASGITransport, `dbaas-gateway simulator` serves it on a socket",
    "log": "a RequestLog of every request it answered: how tests count upstream calls",
    "faults": "a FaultInjector its SimulatorMiddleware asks before answering: tests and "
    "--demo-faults make it fail",
}
#: keyword arguments every simulator's constructor takes (``rate_limit`` too where the
#: vendor documents a rate limit)
SIMULATOR_OPTIONS: tuple[str, ...] = ("seed", "transition_seconds")

#: builds an adapter from settings; ``simulator`` is the vendor's in-process simulator when
#: the connection is simulated, else None
AdapterFactory = Callable[[ConnectionSettings, Any], Adapter]


@dataclass(frozen=True)
class VendorSpec:
    """Everything the gateway knows about a vendor beyond its package: one per vendor, in
    ``adapters/<vendor>/spec.py`` as ``SPEC``, listed in ``adapters.registry.BUILTIN``.
    docs/adding-a-vendor.md says what each field promises (a test keeps the two equal)."""

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
    #: the fewest upstream calls its API allows (``adapters.minimums``); the contract
    #: suite and the benchmark count against it
    minimums: UpstreamMinimums
    #: every request path its documents offer, and the query parameters the gateway sends
    paths: DocumentedPaths
    #: the error statuses and body shapes its documents show
    errors: DocumentedErrors
    #: an update its demo data accepts and one it refuses before any call (None: the
    #: vendor cannot update a database)
    write_example: WriteExample | None
    documented_rate_limit: tuple[int, float] | None = None
    #: write methods the vendor documents as idempotent, so the policy may resend them
    idempotent_methods: frozenset[str] = frozenset()
    #: GET path -> resource kind for the cross-request cache; None (or a path it maps to
    #: None) is never cached
    resource_kind: ResourceKinds | None = None
    #: the connections demo mode opens: connection name -> its keys besides ``vendor`` and
    #: ``simulated`` (``simulator_account``, options such as Astra's ``account_id``); None:
    #: one connection named after the vendor, on the first demo account
    demo_connections: Mapping[str, Mapping[str, str]] | None = None
    #: the demo accounts ``dbaas-gateway simulator`` serves on a socket; None: every one
    #: (FeatureBase's login account also needs its identity host, which it does not play)
    socket_accounts: tuple[str, ...] | None = None

    @property
    def simulator_accounts(self) -> tuple[str, ...]:
        """The seeded account names, the default first."""
        return tuple(self.demo_accounts)

    def demo_connection_fields(self) -> dict[str, Mapping[str, str]]:
        """``demo_connections``, or its default: connection name -> extra keys."""
        if self.demo_connections is not None:
            return dict(self.demo_connections)
        return {self.vendor.value: {}}
