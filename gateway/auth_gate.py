"""The door of /graphql: who is calling and whether they may, before anything runs.

Over HTTP, in this order (cheap checks first, nothing reads the body before the caller
is known): content type (415), credentials (401), the caller's rate (429), the declared
body size (413); the body is then counted as it arrives (413) and must arrive within
``body_timeout_seconds`` (408).

Over WebSocket (subscriptions, graphql-transport-ws) a client may authenticate on the
upgrade request (an ``Authorization`` header, or a trusted proxy's user header), or, as
browsers cannot set headers there, in the ``connection_init`` payload
(``{"Authorization": "Bearer <token>"}``). A bad credential on the upgrade refuses the
handshake; in the payload it closes the socket with 4403. Each connection counts once
against the caller's rate, and so does each operation it sends (``gateway.websocket``).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from typing import Any
from urllib.parse import parse_qs

from starlette.types import Receive, Scope

from adapters.cache.store import Backend
from gateway.auth import Authenticator, AuthSettings, Unauthenticated
from gateway.limits import LimitSettings
from gateway.limits_http import (
    Refusal,
    check_content_length,
    check_content_type,
    limited_receive,
    rate_limited,
    unauthenticated,
)
from gateway.limits_rate import RateLimiter, SharedRateLimiter
from schema.permissions import Caller


class Gate:
    def __init__(
        self,
        auth: AuthSettings,
        limits: LimitSettings,
        *,
        backend: Callable[[], Backend | None] = lambda: None,
        key: bytes = b"",
    ) -> None:
        """``backend``: the runtime's, once built (with Redis, every instance counts a
        caller's requests in one bucket); ``key``: the deployment's cache key secret."""
        self.authenticator = Authenticator(auth)
        self.limits = limits
        self.rate_limiter = (
            SharedRateLimiter(
                RateLimiter(limits.rate_limit_requests, limits.rate_limit_window_seconds),
                backend,
                key,
            )
            if limits.rate_limit_requests
            else None
        )

    async def admit_http(self, scope: Scope, receive: Receive) -> tuple[Caller | None, Receive]:
        """The caller of an HTTP request (None for GraphiQL's page) and the ``receive``
        that counts its body; raises Refusal."""
        headers = headers_of(scope)
        method = scope["method"]
        if method == "GET" and _asks_for_ide(scope, headers):
            return None, receive  # the same static page for everyone (404 when disabled)
        check_content_type(method, headers.get("content-type"))
        caller = self._authenticate(headers, peer_of(scope))
        try:
            await self.take_turn(caller, peer_of(scope))
            check_content_length(headers, self.limits.max_body_bytes)
        except Refusal as refusal:
            refusal.caller = caller
            raise
        limits = self.limits
        return caller, limited_receive(receive, limits.max_body_bytes, limits.body_timeout_seconds)

    async def admit_websocket(self, scope: Scope) -> Caller | None:
        """The caller named on the upgrade request, or None to wait for
        ``connection_init``; raises Refusal."""
        headers = headers_of(scope)
        proxy = self.authenticator.settings.trusted_proxy
        proxied = proxy is not None and proxy.user_header in headers
        if "authorization" not in headers and not proxied:
            return None
        caller = self._authenticate(headers, peer_of(scope))
        await self.take_turn(caller, peer_of(scope))
        return caller

    async def admit_connection_init(self, params: Mapping[str, Any] | None, scope: Scope) -> Caller:
        """The caller named in a ``connection_init`` payload; raises Refusal."""
        params = params or {}
        raw = params.get("Authorization", params.get("authorization"))
        headers = {"authorization": raw} if isinstance(raw, str) else {}
        caller = self._authenticate(headers, peer_of(scope))
        await self.take_turn(caller, peer_of(scope))
        return caller

    def _authenticate(self, headers: Mapping[str, str], peer: str | None) -> Caller:
        try:
            return self.authenticator.authenticate(headers, peer)
        except Unauthenticated as exc:
            raise unauthenticated(str(exc), "authorization" in headers) from None

    async def take_turn(self, caller: Caller, peer: str | None) -> None:
        """One request (or WebSocket operation) of ``caller``; raises RATE_LIMITED."""
        if self.rate_limiter is None:
            return
        wait = await self.rate_limiter.acquire(caller_key(caller, peer))
        if wait is not None:
            raise rate_limited(wait)


def caller_key(caller: Caller, peer: str | None) -> str:
    """Whose budget a request counts against: a token's name, a proxied user, or an
    anonymous caller's address."""
    return caller.name if caller.via != "anonymous" else f"anonymous@{peer}"


def headers_of(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def peer_of(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def _asks_for_ide(scope: Scope, headers: Mapping[str, str]) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return asks_for_ide(query, headers.get("accept", ""))


def asks_for_ide(parameters: Container[str], accept: str) -> bool:
    """What is answered with GraphiQL (here and in ``gateway.app``): a browser's GET
    without a query, nor a persisted query's hash (``extensions``)."""
    if "query" in parameters or "extensions" in parameters:
        return False
    return "text/html" in accept or "*/*" in accept


def caller_label(caller: Caller | None) -> str:
    """A metrics label: a token's name (bounded by the configuration), else how the
    caller came in (a proxied user's name is not bounded)."""
    if caller is None:
        return "unauthenticated"
    return caller.name if caller.via == "token" else caller.via
