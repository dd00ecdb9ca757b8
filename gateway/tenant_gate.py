"""The door for per-caller vendor credentials: who may send them, whether they are whole,
and which template connections they open, before any GraphQL runs (nothing goes upstream
for a refused request).

Over HTTP the credentials are ``X-Credential-*`` headers; over WebSocket the same names in
the ``connection_init`` payload (browsers cannot set headers on an upgrade), or on the
upgrade request. A request's (or a WebSocket operation's) per-caller adapters are leased
from the runtime's ``TenantPool`` and released when it ends; a socket's credentials are
checked at ``connection_init`` and leased by each of its operations (an idle socket holds
none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from starlette.types import Message, Receive

from adapters.base import Adapter
from adapters.registry import ConnectionSettings
from gateway.limits import LimitCode
from gateway.limits_http import Refusal
from gateway.runtime import Runtime
from gateway.tenants import TenantsFull
from gateway.vendor_credentials import (
    PREFIX,
    CallerCredential,
    CredentialProblem,
    has_credentials,
    read_credentials,
)
from schema.permissions import Caller

#: where a request's leased per-caller adapters wait in the ASGI scope (name -> adapter)
TENANTS_SCOPE_KEY = "dbaas_gateway.tenants"
#: where a WebSocket's checked credentials wait (``Wanted``): each operation leases them
WANTED_SCOPE_KEY = "dbaas_gateway.wanted_tenants"
_PREFIX_BYTES = PREFIX.encode("latin-1")
_PREFIX_LENGTH = len(_PREFIX_BYTES)
#: how long a caller refused with TOO_MANY_TENANTS is asked to wait
RETRY_AFTER_SECONDS = 1


def header_pairs(scope: Mapping[str, Any]) -> list[tuple[str, object]]:
    """The credential headers of an ASGI scope, repeated ones each (a credential given
    twice is refused, not silently one of them). Every request passes here: only the
    names are looked at until one has the prefix."""
    return [
        (k.decode("latin-1"), v.decode("latin-1"))
        for k, v in scope.get("headers", [])
        if k[:_PREFIX_LENGTH].lower() == _PREFIX_BYTES
    ]


def payload_pairs(params: object) -> list[tuple[str, object]]:
    """A ``connection_init`` payload's entries (only string keys can name a header)."""
    if not isinstance(params, Mapping):
        return []
    return [(k, v) for k, v in params.items() if isinstance(k, str)]


#: the template connections a caller sent a credential for, with that credential
Wanted = list[tuple[ConnectionSettings, CallerCredential]]


def wanted_tenants(runtime: Runtime, caller: Caller, pairs: Iterable[tuple[str, object]]) -> Wanted:
    """The template connections ``caller`` sees and sent a credential for, checked (who
    may send one, whether it is whole, whether a template takes it); raises Refusal."""
    pairs = list(pairs)
    if not has_credentials(name for name, _ in pairs):
        return []
    if not caller.vendor_credentials:
        raise Refusal(
            403,
            LimitCode.VENDOR_CREDENTIALS_FORBIDDEN,
            "this caller may not send vendor credentials (X-Credential-* headers): only a "
            "token with vendor_credentials = true may",
        )
    try:
        credentials = read_credentials(pairs)
    except CredentialProblem as exc:
        raise Refusal(400, LimitCode.VENDOR_CREDENTIALS_INVALID, str(exc)) from None
    templates = [s for s in runtime.config.connections if s.template and caller.may_see(s.name)]
    for vendor in credentials:
        if not any(t.vendor == vendor for t in templates):
            raise Refusal(
                400,
                LimitCode.VENDOR_CREDENTIALS_INVALID,
                f"a {vendor.value} credential, but no {vendor.value} connection this caller "
                'sees takes one: only connections with credentials = "caller" do',
            )
    return [(t, credentials[t.vendor]) for t in templates if t.vendor in credentials]


async def lease_wanted(runtime: Runtime, wanted: Wanted) -> dict[str, Adapter]:
    """The per-caller adapters of ``wanted`` (from ``wanted_tenants``), leased: release
    them with ``release_tenants``; raises Refusal."""
    leased: dict[str, Adapter] = {}
    try:
        for template, credential in wanted:
            leased[template.name] = await runtime.tenants.lease(template, credential)
    except ValueError:
        # the vendor's builder refused the values (as it refuses a bad file at startup):
        # its message may quote them, so it is not repeated
        release_tenants(runtime, leased)
        raise Refusal(
            400,
            LimitCode.VENDOR_CREDENTIALS_INVALID,
            f"connection '{template.name}' cannot take this {template.vendor.value} credential",
        ) from None
    except TenantsFull as full:
        release_tenants(runtime, leased)
        raise Refusal(
            503,
            LimitCode.TOO_MANY_TENANTS,
            f"connection '{full}' is serving as many callers' credentials as it may "
            "(max_tenants); try again shortly",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from None
    return leased


async def body_first(receive: Receive) -> Receive:
    """Read the whole request body now (through ``receive``, which bounds its size and
    time) and hand it on in one message: a request leases its per-caller clients only
    once its body is in, so a client trickling one holds no ``max_tenants`` slot."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    first = messages[-1]
    if first["type"] == "http.request":
        body = b"".join(m.get("body", b"") for m in messages)
        first = {"type": "http.request", "body": body, "more_body": False}
    handed = False

    async def replay() -> Message:
        nonlocal handed
        if not handed:
            handed = True
            return first
        return await receive()

    return replay


def release_tenants(runtime: Runtime, leased: Mapping[str, Adapter]) -> None:
    for adapter in leased.values():
        runtime.tenants.release(adapter)
