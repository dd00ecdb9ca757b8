"""Connections -> adapters: builds every adapter once, with one simulator per vendor.

Simulated connections of one vendor share one simulator instance, as two real keys of
one vendor share its API.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.base import Adapter
from adapters.cache.store import Backend, CacheStats, ConnectionCache, MemoryBackend, fingerprint
from adapters.model import Vendor
from adapters.registry import VENDORS, ConnectionSettings
from adapters.simulation.fault_spec import FaultSpec
from adapters.upstream.http import UpstreamObserver
from adapters.upstream.scrub import Scrubber
from gateway import tracing
from gateway.config import CacheSettings, ConfigError, GatewayConfig
from gateway.tenants import NoCredentials, TenantPool, probe_settings

log = logging.getLogger("dbaas_gateway")


@dataclass
class Runtime:
    """The adapters of a running gateway, built at startup and closed at shutdown."""

    config: GatewayConfig
    simulators: dict[Vendor, Any] = field(default_factory=dict)
    adapters: dict[str, Adapter] = field(default_factory=dict)
    ready: bool = False
    #: keyword arguments for every simulator, e.g. ``transition_seconds`` in demo mode
    simulator_options: Mapping[str, Any] = field(default_factory=dict)
    #: faults for the simulators (``serve --demo-faults``), installed as each is built
    fault_specs: list[FaultSpec] = field(default_factory=list)
    #: cross-request state (cache, single-flight, rate limits); built by ``start``
    backend: Backend | None = None
    #: told about every upstream attempt of every connection (the app's metrics)
    upstream_observer: UpstreamObserver | None = None
    #: OpenTelemetry TracerProvider for upstream spans; None: the global one
    tracer_provider: Any = None
    #: every configured credential, in every connection's scrubber
    scrubber: Scrubber = field(default_factory=Scrubber)
    #: each upstream client's own scrubber (configured credentials plus what it learned)
    adapters_scrubbers: list[Scrubber] = field(default_factory=list)
    #: keys the credential fingerprints of cache scopes (``fingerprint_key``)
    fingerprint_key: bytes = field(default=b"", repr=False)
    #: the per-caller adapters of template connections (``credentials = "caller"``)
    tenants: TenantPool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.fingerprint_key:
            self.fingerprint_key = fingerprint_key(self.config.cache)
        self.tenants = TenantPool(self.build_adapter, self.fingerprint_key)

    def template(self, name: str) -> ConnectionSettings | None:
        """The settings of template connection ``name``, else None."""
        for settings in self.config.connections:
            if settings.name == name and settings.template:
                return settings
        return None

    def simulator(self, vendor: Vendor) -> Any:
        if vendor not in self.simulators:
            sim = VENDORS[vendor].simulator(**self.simulator_options)
            for spec in self.fault_specs:
                if spec.vendor == vendor:
                    spec.install(sim.faults)
            self.simulators[vendor] = sim
        return self.simulators[vendor]

    def install_faults(self, specs: Iterable[FaultSpec]) -> None:
        """Inject faults into vendors' simulators, those built already and those to come
        (the app builds them lazily, in its lifespan)."""
        for spec in specs:
            self.fault_specs.append(spec)
            if spec.vendor in self.simulators:
                spec.install(self.simulators[spec.vendor].faults)

    def build_adapter(self, settings: ConnectionSettings) -> Adapter:
        """A configured connection's adapter; a template's stand-in (``NoCredentials``);
        or a template's per-caller adapter (``settings.tenant`` set, by ``TenantPool``)."""
        if settings.template:
            return NoCredentials(self.build_adapter(probe_settings(settings)))
        spec = VENDORS[settings.vendor]
        sim = self.simulator(settings.vendor) if settings.simulated else None
        if self.backend is not None and spec.resource_kind is not None:
            digest = settings.tenant or credential_fingerprint(settings, self.fingerprint_key)
            cache = ConnectionCache(
                backend=self.backend,
                scope=f"{settings.name}:{digest}",
                policy=self.config.cache.policy,
                kinds=spec.resource_kind,
            )
            settings = dataclasses.replace(settings, cache=cache)
        adapter = spec.build(settings, sim)
        if settings.tenant is None:
            self.scrubber.add(*settings.credentials(spec))
        for http in adapter.upstreams():
            # every connection's configured credentials in every connection's scrubber (no
            # vendor's text shows any connection's key); what a connection learns from the
            # headers it sends stays its own, so a vendor that issues tokens (a FeatureBase
            # login) can never make another vendor's answers lose a word
            http.scrubber.merge(self.scrubber)
            if settings.tenant is not None:
                # a caller's credential: in its own clients' scrubbers only, never in the
                # shared one (which would grow with every caller, and outlive them)
                http.scrubber.add(*settings.credentials(spec))
            else:
                self.adapters_scrubbers.append(http.scrubber)
            http.observer = self.upstream_observer
            if tracing.instrument_client(http.client, self.tracer_provider):
                http.use_httpx()  # the instrumentation hooks httpx, not aiohttp
        if settings.tenant is None:
            for scrubber in self.adapters_scrubbers:
                scrubber.merge(self.scrubber)
        return adapter

    def start(self) -> None:
        if self.backend is None:
            self.backend = make_backend(self.config.cache)
        for settings in self.config.connections:
            self.adapters[settings.name] = self.build_adapter(settings)
        self.ready = True

    async def close(self) -> None:
        self.ready = False
        for sim in self.simulators.values():
            sim.faults.release()  # requests a hang fault holds would outlive the runtime
        await asyncio.gather(*(a.aclose() for a in self.adapters.values()))
        await self.tenants.aclose()
        if self.backend is not None:
            await self.backend.aclose()

    def health(self) -> dict[str, dict[str, Any]]:
        """Each connection's breaker state, last error and latency, for /readyz."""
        report: dict[str, dict[str, Any]] = {}
        for name, adapter in self.adapters.items():
            if isinstance(adapter, NoCredentials):
                # each caller's client has its own breaker; none speaks for the connection
                report[name] = {"state": "TEMPLATE", "tenants": self.tenants.count(name)}
                continue
            snapshot = adapter.health()
            report[name] = (
                {"state": "UNKNOWN"}
                if snapshot is None
                else {
                    "state": snapshot.state.value,
                    "lastError": snapshot.last_error,
                    "latencyMs": snapshot.latency_ms,
                    "consecutiveFailures": snapshot.consecutive_failures,
                }
            )
        return report

    @property
    def connection_summary(self) -> Mapping[str, str]:
        return {
            name: f"{a.connection.vendor.value}{' (simulated)' if a.connection.simulated else ''}"
            for name, a in self.adapters.items()
        }


def settle_heap() -> None:
    """Once the server has started: what startup built (modules, the schema, adapters,
    simulators) lives as long as the process, so it leaves the cyclic garbage collector's
    generations (``gc.freeze``). A full collection then walks only what requests made:
    86 ms -> 23 ms a collection, and the collector's CPU on a cold dashboard from about 45
    to about 25 ms (issue 16). Not for a process that builds gateways again and again (the
    tests): what it freezes is never collected.

    The youngest generation is then collected every 50,000 allocations rather than 700.
    A request's records, parsed bodies and answer are freed by reference counting once it
    is answered (none of its records is left in a cycle: tests/test_request_garbage.py), so a
    collection that runs during a request walks that request's live objects for nothing,
    and a cold dashboard peaks at about 13,000 of them. Measured in process over 300 cold
    dashboards (tests/benchmarks documents, uvloop): at 10,000 one collection a dashboard,
    3.0 ms of collector CPU each, the longest 7.9 ms; at 50,000 0.24 ms a dashboard, the
    longest 22 ms; at 100,000 0.17 ms, the longest 52 ms. A collection's pause grows with
    the threshold (about 0.45 us an object), hence 50,000 and not more. Cyclic garbage
    waits longer; the older generations keep their thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])


YOUNG_THRESHOLD = 50_000


def credential_fingerprint(settings: ConnectionSettings, key: bytes) -> str:
    """What tells one credential from another, digested with ``key``: the cache keeps
    callers with different credentials apart even against one URL."""
    given = sorted(f"{name}={value.reveal()}" for name, value in settings.secrets.items())
    account = settings.simulator_account or ""
    return fingerprint(key, [settings.vendor.value, settings.base_url, account, *given])


def fingerprint_key(settings: CacheSettings) -> bytes:
    """The configured ``[cache] key_secret_env`` secret; without one (only the memory
    backend may go without) a random key of this process, whose cache nobody else reads."""
    if settings.key_secret is not None:
        return settings.key_secret.reveal().encode("utf-8")
    if settings.backend == "redis":
        raise ConfigError('[cache] backend = "redis" needs key_secret_env')
    return secrets.token_bytes(32)


def make_backend(settings: CacheSettings) -> Backend:
    stats = CacheStats()
    if settings.backend == "redis":
        from adapters.cache.redis_backend import RedisBackend  # only then is redis-py needed

        assert settings.url is not None
        return RedisBackend(
            settings.url,
            instances=settings.instances,
            fallback=MemoryBackend(settings.max_entries, stats),
            stats=stats,
            timeout=settings.timeout,
        )
    return MemoryBackend(settings.max_entries, stats)


def check_buildable(config: GatewayConfig) -> None:
    """Build (and close) every adapter once, so a bad vendor value is a ConfigError at
    startup rather than a traceback from the server's lifespan."""

    async def attempt() -> None:
        runtime = Runtime(config)
        try:
            for settings in config.connections:
                try:
                    runtime.adapters[settings.name] = runtime.build_adapter(settings)
                except ValueError as exc:
                    raise ConfigError(
                        f"{config.source}: connection '{settings.name}': {exc}"
                    ) from None
        finally:
            await runtime.close()

    asyncio.run(attempt())
