"""Client authentication: who is calling, from bearer tokens, a trusted proxy, or nobody.

The ``[auth]`` table lists client tokens by the SHA-256 of the token (the file never holds
a token), each with a name, a role and an optional connection allowlist. A presented
token is hashed and compared with every configured digest in constant time
(``hmac.compare_digest``, no early exit), so the answer time says nothing about which
digest came close. A BFF behind a proxy may instead name its user in a header; that header
is honoured only when the TCP peer is one of the configured proxy addresses.

Parsing raises ValueError with the place and the problem; ``gateway.config`` prefixes the
file name and turns it into a ConfigError.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import ipaddress
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from schema.permissions import Caller, Role

log = logging.getLogger("dbaas_gateway.auth")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_HEX_DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")
#: what a proxied user name may look like: it goes into logs and idempotency scopes
_PROXY_USER = re.compile(r"^[\w.@+-]{1,128}$")
_HEADER = re.compile(r"^[A-Za-z0-9-]{1,64}$")

#: keys of [auth], [[auth.tokens]] and [auth.trusted_proxy]: description
AUTH_KEYS = {
    "tokens": "the client tokens ([[auth.tokens]])",
    "allow_anonymous": "let callers without a token in (default false)",
    "anonymous_role": "the role of callers without a token (default viewer)",
    "trusted_proxy": "accept a user named in headers from these peers ([auth.trusted_proxy])",
}
TOKEN_KEYS = {
    "name": "unique; in logs, never the token",
    "sha256": "the hex SHA-256 of the token",
    "role": "viewer, operator or admin",
    "connections": "the connections this token sees (default all)",
    "federation": "a federation router's token: reads _service { sdl } with introspection off "
    "(default false)",
    "vendor_credentials": "may send vendor credentials for template connections "
    '(credentials = "caller") in X-Credential-* headers (default false)',
}
PROXY_KEYS = {
    "addresses": "the proxy's addresses or networks",
    "user_header": "the header naming the user (default X-Forwarded-User)",
    "role_header": "the header naming the role (default X-Forwarded-Role)",
    "default_role": "the role without a role header (default viewer)",
    "connections": "the connections every proxied user sees (default all)",
}
ANONYMOUS = "anonymous"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

#: a trusted network with a shorter prefix than this holds more than a proxy's addresses
#: (wider than a /8 of IPv4, a /32 of IPv6): allowed, but said at startup
BROAD_PREFIX = {4: 8, 6: 32}
#: where an IPv4 client appears on a dual-stack socket (``::ffff:192.0.2.1``)
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")

#: the caller of the request being served, for log lines (never a token)
current_caller: contextvars.ContextVar[Caller | None] = contextvars.ContextVar(
    "current_caller", default=None
)
#: where the app leaves the caller in the ASGI scope, for the access log line
CALLER_SCOPE_KEY = "dbaas_gateway.caller"


@dataclass(frozen=True)
class ClientToken:
    name: str
    digest: bytes
    role: Role
    connections: frozenset[str] | None = None
    federation: bool = False
    vendor_credentials: bool = False

    def __repr__(self) -> str:  # the digest is not a secret, but it has no place in logs
        return f"ClientToken({self.name!r}, {self.role.label})"


@dataclass(frozen=True)
class TrustedProxy:
    networks: tuple[Network, ...]
    user_header: str = "x-forwarded-user"
    role_header: str = "x-forwarded-role"
    default_role: Role = Role.VIEWER
    connections: frozenset[str] | None = None

    def trusts(self, peer: str | None) -> bool:
        if peer is None:
            return False
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


@dataclass(frozen=True)
class AuthSettings:
    tokens: tuple[ClientToken, ...] = ()
    allow_anonymous: bool = False
    anonymous_role: Role = Role.VIEWER
    trusted_proxy: TrustedProxy | None = None

    @property
    def open(self) -> bool:
        """Nobody has to say who they are: no tokens, no proxy, anonymous allowed."""
        return self.allow_anonymous and not self.tokens and self.trusted_proxy is None


class Unauthenticated(Exception):
    """The request did not prove who sent it; ``str()`` is safe to show the caller."""


class Authenticator:
    def __init__(self, settings: AuthSettings) -> None:
        self.settings = settings

    def authenticate(self, headers: Mapping[str, str], peer: str | None) -> Caller:
        """The caller of a request (``headers`` with lower-case names); Unauthenticated
        when it presents no valid credential and anonymous callers are not allowed."""
        proxy = self.settings.trusted_proxy
        if proxy is not None and proxy.user_header in headers:
            if proxy.trusts(peer):
                return _proxied(proxy, headers)
            # a client cannot name itself: only the proxy's own connections may
            log.warning("ignored %s from untrusted peer %s", proxy.user_header, peer)
        authorization = headers.get("authorization")
        if authorization is not None:
            return self._bearer(authorization)
        if self.settings.allow_anonymous:
            return Caller(ANONYMOUS, self.settings.anonymous_role, via="anonymous")
        raise Unauthenticated("missing credentials: send Authorization: Bearer <token>")

    def _bearer(self, authorization: str) -> Caller:
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
        digest = hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()
        found: ClientToken | None = None
        for candidate in self.settings.tokens:  # every one, whatever matched: constant time
            if hmac.compare_digest(digest, candidate.digest):
                found = candidate
        if found is None:
            raise Unauthenticated("invalid token")
        return Caller(
            found.name,
            found.role,
            found.connections,
            via="token",
            federation=found.federation,
            vendor_credentials=found.vendor_credentials,
        )


def _proxied(proxy: TrustedProxy, headers: Mapping[str, str]) -> Caller:
    user = headers[proxy.user_header].strip()
    if not _PROXY_USER.match(user):
        raise Unauthenticated("the proxy's user header is not a plain user name")
    raw_role = headers.get(proxy.role_header)
    try:
        role = proxy.default_role if raw_role is None else Role.parse(raw_role.strip())
    except ValueError as exc:
        raise Unauthenticated(f"the proxy's role header: {exc}") from None
    # "proxy:" keeps a proxied user apart from a token of the same name (idempotency scopes)
    return Caller(f"proxy:{user}", role, proxy.connections, via="proxy")


def token_digest(token: str) -> str:
    """The ``sha256`` value to configure for ``token``."""
    return hashlib.sha256(token.encode()).hexdigest()


# -- the [auth] table ------------------------------------------------------------------


def parse_auth(raw: Any, connections: Iterable[str]) -> AuthSettings:
    """``[auth]`` -> AuthSettings; ValueError naming the place and the problem."""
    where = "[auth]"
    known = set(connections)
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    _only(raw, AUTH_KEYS, where)
    allow_anonymous = raw.get("allow_anonymous", False)
    if not isinstance(allow_anonymous, bool):
        raise ValueError(f"{where}: field 'allow_anonymous': must be true or false")
    anonymous_role = _role(raw.get("anonymous_role", "viewer"), f"{where}: field 'anonymous_role'")
    raw_tokens = raw.get("tokens", [])
    if not isinstance(raw_tokens, list):
        raise ValueError(f"{where}: field 'tokens': must be an array of tables ([[auth.tokens]])")
    tokens = _tokens(raw_tokens, known)
    proxy = None
    if "trusted_proxy" in raw:
        proxy = _trusted_proxy(raw["trusted_proxy"], known)
    if not tokens and proxy is None and not allow_anonymous:
        raise ValueError(
            f"{where}: nobody could call: add [[auth.tokens]] or [auth.trusted_proxy], "
            "or write allow_anonymous = true"
        )
    return AuthSettings(tokens, allow_anonymous, anonymous_role, proxy)


def _tokens(raw_tokens: list[Any], known: set[str]) -> tuple[ClientToken, ...]:
    tokens: list[ClientToken] = []
    for index, raw in enumerate(raw_tokens, start=1):
        where = f"[[auth.tokens]] #{index}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: must be a table")
        name = raw.get("name")
        if not isinstance(name, str) or not _NAME.match(name) or name == ANONYMOUS:
            problem = (
                "missing"
                if name is None
                else f"'{ANONYMOUS}' is the name of callers without a token"
                if name == ANONYMOUS
                else "must be 1-63 letters, digits, '.', '_' or '-'"
            )
            raise ValueError(f"{where}: field 'name': {problem}")
        where = f"[[auth.tokens]] '{name}'"
        _only(raw, TOKEN_KEYS, where)
        digest = raw.get("sha256")
        if not isinstance(digest, str) or not _HEX_DIGEST.match(digest):
            raise ValueError(
                f"{where}: field 'sha256': must be the 64 hex digits of the token's SHA-256 "
                '(e.g. printf %s "$TOKEN" | sha256sum)'
            )
        if "role" not in raw:
            raise ValueError(f"{where}: field 'role': missing (viewer, operator or admin)")
        federation = raw.get("federation", False)
        if not isinstance(federation, bool):
            raise ValueError(f"{where}: field 'federation': must be true or false")
        vendor_credentials = raw.get("vendor_credentials", False)
        if not isinstance(vendor_credentials, bool):
            raise ValueError(f"{where}: field 'vendor_credentials': must be true or false")
        token = ClientToken(
            name,
            bytes.fromhex(digest),
            _role(raw["role"], f"{where}: field 'role'"),
            _allowlist(raw, known, where),
            federation,
            vendor_credentials,
        )
        for other in tokens:
            if other.name == name:
                raise ValueError(f"{where}: field 'name': duplicate name")
            if other.digest == token.digest:
                raise ValueError(f"{where}: field 'sha256': the same token as '{other.name}'")
        tokens.append(token)
    return tuple(tokens)


def _trusted_proxy(raw: Any, known: set[str]) -> TrustedProxy:
    where = "[auth.trusted_proxy]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: must be a table")
    _only(raw, PROXY_KEYS, where)
    addresses = raw.get("addresses")
    if not isinstance(addresses, list) or not addresses:
        raise ValueError(f"{where}: field 'addresses': the proxy's addresses or networks")
    networks: list[Network] = []
    for value in addresses:
        try:
            networks.append(ipaddress.ip_network(str(value), strict=False))
        except ValueError:
            raise ValueError(
                f"{where}: field 'addresses': '{value}' is not an IP address or network"
            ) from None
    headers = {}
    for key, default in (("user_header", "X-Forwarded-User"), ("role_header", "X-Forwarded-Role")):
        value = raw.get(key, default)
        if not isinstance(value, str) or not _HEADER.match(value):
            raise ValueError(f"{where}: field '{key}': must be an HTTP header name")
        headers[key] = value.lower()
    if headers["user_header"] in ("authorization", headers["role_header"]):
        raise ValueError(f"{where}: field 'user_header': must differ from the other headers")
    return TrustedProxy(
        tuple(networks),
        headers["user_header"],
        headers["role_header"],
        _role(raw.get("default_role", "viewer"), f"{where}: field 'default_role'"),
        _allowlist(raw, known, where),
    )


def proxy_warnings(proxy: TrustedProxy) -> list[str]:
    """A line per trusted network so broad that clients, not just the proxy, may be in it:
    any of them could name itself any user with any role. Legitimate where only the proxy
    can reach the gateway (a private network, a sidecar), dangerous anywhere else."""
    warnings = []
    for network in proxy.networks:
        covers = _broad(network)
        if covers is not None:
            warnings.append(
                f"WARNING: [auth.trusted_proxy] addresses: '{network}' covers {covers}: any "
                "client connecting from there can name itself any user and role; list "
                "only the proxy's own addresses"
            )
    return warnings


def _broad(network: Network) -> str | None:
    """What ``network`` covers when it is too broad to hold only proxies, else None."""
    version, prefix = network.version, network.prefixlen
    if isinstance(network, ipaddress.IPv6Network):
        if network.supernet_of(_IPV4_MAPPED) and prefix > 0:
            return "every IPv4 address (as ::ffff:a.b.c.d)"
        if network.subnet_of(_IPV4_MAPPED):  # an IPv4 network in IPv6 clothes
            version, prefix = 4, prefix - _IPV4_MAPPED.prefixlen
    if prefix == 0:
        return "every address" if version == network.version else "every IPv4 address"
    if prefix < BROAD_PREFIX[version]:
        return f"2^{(32 if version == 4 else 128) - prefix} addresses"
    return None


def _allowlist(raw: Mapping[str, Any], known: set[str], where: str) -> frozenset[str] | None:
    if "connections" not in raw:
        return None
    names = raw["connections"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{where}: field 'connections': must be a list of connection names")
    if not names:
        raise ValueError(
            f"{where}: field 'connections': empty (could see nothing); leave it out to allow all"
        )
    for name in names:
        if name not in known:
            raise ValueError(f"{where}: field 'connections': no connection named '{name}'")
    return frozenset(names)


def _role(value: Any, where: str) -> Role:
    if not isinstance(value, str):
        raise ValueError(f"{where}: must be a string (viewer, operator or admin)")
    try:
        return Role.parse(value)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _only(raw: Mapping[str, Any], allowed: Mapping[str, str], where: str) -> None:
    for key in raw:
        if key not in allowed:
            raise ValueError(f"{where}: unknown field '{key}' (allowed: {', '.join(allowed)})")
