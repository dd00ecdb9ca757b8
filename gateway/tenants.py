"""Template connections (``credentials = "caller"``): one adapter per caller credential.

A template keeps everything but the credential from the file. Each distinct credential a
caller sends gets an adapter of its own, built like a configured connection's, whose
cache scope, single-flight, pacing and breaker are therefore its own: the scope is the
connection name and the credential's keyed fingerprint (HMAC with ``[cache]
key_secret_env``), so Redis holds nothing the credential can be recovered or tested from.

``TenantPool`` keeps at most ``max_tenants`` of them per template, least recently used
closed first. An adapter serving a request is leased and never closed under it; when every
one is leased, a new credential is refused (TOO_MANY_TENANTS) rather than letting a flood
of distinct credentials hold ever more sockets and memory.

``NoCredentials`` stands for a template in the runtime's adapters: a request that reaches
it without a credential fails with VENDOR_CREDENTIALS_REQUIRED, before any upstream call.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.base import Adapter
from adapters.cache.store import fingerprint
from adapters.errors import ErrorCode, GatewayError
from adapters.registry import VENDORS, ConnectionSettings, Secret
from adapters.upstream.http import UpstreamHttp
from gateway.vendor_credentials import CallerCredential, caller_fields, header_name


class TenantsFull(Exception):
    """Every per-caller adapter of a template is serving a request."""


def tenant_fingerprint(
    template: ConnectionSettings, credential: CallerCredential, key: bytes
) -> str:
    """The keyed fingerprint of ``credential`` on ``template``: its tenant's identity."""
    given = sorted(f"{name}={value}" for name, value in credential.values.items())
    return fingerprint(
        key, ["caller", template.name, template.vendor.value, template.base_url, *given]
    )


def tenant_settings(
    template: ConnectionSettings, credential: CallerCredential, digest: str
) -> ConnectionSettings:
    """``template`` with the caller's credential: secrets as secrets, the rest as options."""
    fields = {f.name: f for f in caller_fields(VENDORS[template.vendor])}
    secrets = {n: Secret(v) for n, v in credential.values.items() if fields[n].secret}
    options = {n: v for n, v in credential.values.items() if not fields[n].secret}
    return dataclasses.replace(
        template,
        template=False,
        tenant=digest,
        secrets=secrets,
        options={**template.options, **options},
    )


@dataclass
class _Tenant:
    adapter: Adapter
    leases: int = 0


class TenantPool:
    """The per-caller adapters of every template, bounded per template (LRU)."""

    def __init__(self, build: Callable[[ConnectionSettings], Adapter], key: bytes) -> None:
        """``build``: the runtime's adapter builder; ``key``: the fingerprint key."""
        self._build = build
        self._key = key
        self._tenants: OrderedDict[tuple[str, str], _Tenant] = OrderedDict()
        #: per-caller adapters built so far (``max_tenants`` bounds the open ones, not this)
        self.built = 0

    def __len__(self) -> int:
        return len(self._tenants)

    def count(self, template: str) -> int:
        """The per-caller adapters ``template`` keeps now."""
        return sum(1 for name, _ in self._tenants if name == template)

    async def lease(self, template: ConnectionSettings, credential: CallerCredential) -> Adapter:
        """The adapter of ``credential`` on ``template``, held until ``release``; raises
        TenantsFull when the template has ``max_tenants`` adapters, all leased."""
        digest = tenant_fingerprint(template, credential, self._key)
        slot = (template.name, digest)
        tenant = self._tenants.get(slot)
        closing: list[Adapter] = []
        if tenant is None:
            # no await between the check and the insert: concurrent first requests of one
            # credential share one adapter. Built before any idle adapter is dropped: a
            # credential the vendor's builder refuses (ValueError) evicts nobody's client
            self._check_room(template)
            adapter = self._build(tenant_settings(template, credential, digest))
            closing = self._make_room(template)
            tenant = _Tenant(adapter)
            self.built += 1
            self._tenants[slot] = tenant
        self._tenants.move_to_end(slot)
        tenant.leases += 1
        if closing:
            await asyncio.gather(*(a.aclose() for a in closing), return_exceptions=True)
        return tenant.adapter

    def _check_room(self, template: ConnectionSettings) -> None:
        """Raise TenantsFull unless one more adapter of ``template`` fits (after dropping
        idle ones)."""
        leased = sum(1 for (n, _), t in self._tenants.items() if n == template.name and t.leases)
        if leased >= template.max_tenants:
            raise TenantsFull(template.name)

    def _make_room(self, template: ConnectionSettings) -> list[Adapter]:
        """Drop idle adapters of ``template``, least recently used first, until one more
        fits; what was dropped, to close."""
        mine = [s for s in self._tenants if s[0] == template.name]
        dropped: list[Adapter] = []
        for slot in mine:
            if len(mine) - len(dropped) < template.max_tenants:
                break
            if self._tenants[slot].leases == 0:
                dropped.append(self._tenants.pop(slot).adapter)
        if len(mine) - len(dropped) >= template.max_tenants:
            raise TenantsFull(template.name)
        return dropped

    def release(self, adapter: Adapter) -> None:
        """A request is done with ``adapter`` (from ``lease``)."""
        info = adapter.connection
        tenant = self._tenants.get((info.name, info.tenant or ""))
        if tenant is not None and tenant.adapter is adapter and tenant.leases > 0:
            tenant.leases -= 1

    def adapters(self) -> list[Adapter]:
        return [t.adapter for t in self._tenants.values()]

    async def aclose(self) -> None:
        adapters = self.adapters()
        self._tenants.clear()
        await asyncio.gather(*(a.aclose() for a in adapters), return_exceptions=True)


def probe_settings(template: ConnectionSettings) -> ConnectionSettings:
    """``template`` with stand-in credentials of the right shape (never sent): the adapter
    built from it only tells what the vendor's adapter offers (capabilities, methods)."""
    spec = VENDORS[template.vendor]
    values: dict[str, str] = {}
    group = None
    for f in caller_fields(spec):
        if f.group is not None:
            group = group or f.group
            if f.group != group:
                continue
        values[f.name] = "00000000-0000-0000-0000-000000000000"
    credential = CallerCredential(spec.vendor, values)
    # a tenant, though of nobody: its stand-in values stay out of the shared scrubber
    return tenant_settings(template, credential, "")


class NoCredentials:
    """A template in the runtime's adapters: what its vendor's adapter offers, every call
    refused with VENDOR_CREDENTIALS_REQUIRED (the caller sent no credential for it)."""

    def __init__(self, probe: Adapter) -> None:
        self._probe = probe
        self.connection = dataclasses.replace(probe.connection, tenant=None)
        self.capabilities = probe.capabilities

    def _refusal(self) -> GatewayError:
        info = self.connection
        names = [
            header_name(info.vendor.value, f.name) for f in caller_fields(VENDORS[info.vendor])
        ]
        return GatewayError(
            ErrorCode.VENDOR_CREDENTIALS_REQUIRED,
            f"connection '{info.name}' takes each caller's own {info.vendor.value} credential: "
            f"send {', '.join(names)} (docs/security.md#per-caller-vendor-credentials)",
            connection=info.name,
            vendor=info.vendor.value,
        )

    async def aclose(self) -> None:
        await self._probe.aclose()

    def health(self) -> None:
        return None

    def upstreams(self) -> Sequence[UpstreamHttp]:
        return ()

    def prefetch(self, kinds: frozenset[str]) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._probe, name)  # AttributeError: the vendor lacks it too
        if inspect.iscoroutinefunction(found):

            async def refused(*args: Any, **kwargs: Any) -> Any:
                raise self._refusal()

            return refused
        if callable(found):

            def refused_now(*args: Any, **kwargs: Any) -> Any:
                raise self._refusal()

            return refused_now
        return found
