"""FeatureBase Cloud authentication: an ``X-API-Key`` header, or a login shared by every request.

The login (``POST <identity_url>`` with ``{"USERNAME", "PASSWORD"}``) answers a Cognito
``AuthenticationResult``; its ``IdToken`` goes out as ``Authorization: Bearer``. One
``LoginSession`` per connection keeps that token until shortly before ``ExpiresIn`` runs
out. Requests that find no usable token join the one login in flight (a shared task), so
twenty requests after an expiry cost one login, not twenty. A 401 from the API means the
token died early: ``LoginAuth`` asks for a token newer than the rejected one (one fresh
login, however many requests saw the 401) and retries once; a second 401 is the answer.

The login goes through its own ``UpstreamHttp`` (the identity host's): it runs while an API
request holds one of the API client's concurrency slots, so sharing those slots could
deadlock a busy connection. The username and password live only in ``LoginSession`` and
in the login body; no repr, log line or error message carries them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any

import httpx

from adapters.errors import ErrorCode, UpstreamError
from adapters.upstream.http import UpstreamHttp, UpstreamResponse, VendorErrorBody
from adapters.upstream.wire import HeaderAuth

DEFAULT_IDENTITY_URL = "https://id.featurebase.com"
#: the vendor notes: the ID token lives 60 minutes; assumed when a login omits ExpiresIn
DOCUMENTED_TOKEN_LIFETIME = 3600.0
#: log in again this long before expiry (at most a tenth of the lifetime), so no request
#: leaves with a token that dies in flight
REFRESH_MARGIN_SECONDS = 60.0
#: after a refused login, fail from memory this long: Cognito locks accounts that keep
#: failing, and the configured password cannot change without a restart anyway
REFUSED_LOGIN_BACKOFF_SECONDS = 60.0
#: identity answers that mean "these credentials do not log in" (Cognito says 400)
_REFUSED_STATUSES = frozenset({400, 401, 403})


def read_identity_error(body: dict[str, Any]) -> VendorErrorBody:
    """Cognito's ``{"__type", "message"}``, or the API's ``{"code", "message"}`` form."""
    code = body.get("__type") or body.get("code")
    message = body.get("message") or body.get("Message")
    return VendorErrorBody(
        message=message if isinstance(message, str) else None,
        vendor_code=code if isinstance(code, str) else None,
    )


class ApiKeyAuth(HeaderAuth):
    """``X-API-Key: <secret>`` on every request; keys never expire, so never a retry."""

    def __init__(self, key: str) -> None:
        super().__init__({"X-API-Key": key})

    def __repr__(self) -> str:
        return "ApiKeyAuth('***')"


class LoginSession:
    """One connection's login: the current IdToken, refreshed once for all its requests."""

    def __init__(
        self,
        identity: UpstreamHttp,
        identity_url: str,
        username: str,
        password: str,
        clock: Callable[[], float],
    ) -> None:
        self._identity = identity
        # the password goes out in a body, where the policy's header learning cannot see it
        identity.scrubber.add(password)
        self._url = identity_url
        self._username = username
        self._password = password
        self._clock = clock
        self._token: str | None = None
        self._valid_until = 0.0
        self._pending: asyncio.Task[str] | None = None
        self._refused: UpstreamError | None = None
        self._refused_until = 0.0

    def __repr__(self) -> str:
        return f"LoginSession({self._url!r}, connection={self._identity.connection.name!r})"

    @property
    def identity(self) -> UpstreamHttp:
        """The identity provider's client (token logins)."""
        return self._identity

    async def aclose(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
        await self._identity.aclose()

    async def token(self, *, rejected: str | None = None) -> str:
        """A usable IdToken; with ``rejected``, one other than that (the API refused it)."""
        now = self._clock()
        if self._token is not None and self._token != rejected and now < self._valid_until:
            return self._token
        if self._refused is not None and now < self._refused_until:
            raise self._refused
        if self._pending is None:
            self._pending = asyncio.get_running_loop().create_task(self._login())
            # every waiter may be cancelled; the outcome must still count as seen
            self._pending.add_done_callback(_consume)
        # shield: a cancelled request must not cancel the login other requests wait for
        return await asyncio.shield(self._pending)

    async def _login(self) -> str:
        started = self._clock()
        try:
            response = await self._identity.request(
                "POST",
                self._url,
                json_body={"USERNAME": self._username, "PASSWORD": self._password},
            )
            token, lifetime = self._read(response)
        except UpstreamError as exc:
            if exc.upstream_status in _REFUSED_STATUSES:
                self._refused = self._refusal(exc)
                self._refused_until = started + REFUSED_LOGIN_BACKOFF_SECONDS
                raise self._refused from None
            raise
        finally:
            self._pending = None
        self._token = token
        self._valid_until = started + lifetime - min(REFRESH_MARGIN_SECONDS, lifetime / 10)
        self._refused = None
        return token

    def _read(self, response: UpstreamResponse) -> tuple[str, float]:
        body: Any = self._identity.json(response)
        result = body.get("AuthenticationResult") if isinstance(body, dict) else None
        token = result.get("IdToken") if isinstance(result, dict) else None
        if not isinstance(token, str) or not token:
            raise self._identity.bad_response("login answered without an IdToken")
        lifetime = result.get("ExpiresIn") if isinstance(result, dict) else None
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            lifetime = DOCUMENTED_TOKEN_LIFETIME
        return token, float(lifetime)

    def _refusal(self, exc: UpstreamError) -> UpstreamError:
        conn = self._identity.connection
        detail = exc.vendor_code or f"HTTP {exc.upstream_status}"
        vendor_text = _scrub(_vendor_message(exc), (self._username, self._password))
        return UpstreamError(
            ErrorCode.UNAUTHENTICATED,
            f"{conn.vendor.value} connection '{conn.name}': login with the configured username "
            f"and password was refused ({detail}{': ' + vendor_text if vendor_text else ''})",
            connection=conn.name,
            vendor=conn.vendor.value,
            upstream_status=exc.upstream_status,
            vendor_code=exc.vendor_code,
            upstream_request_id=exc.upstream_request_id,
            retryable=False,
        )


class LoginAuth(httpx.Auth):
    """``Authorization: Bearer <IdToken>`` from the session; a 401 gets one fresh login."""

    def __init__(self, session: LoginSession) -> None:
        self._session = session

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._session.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        # revoked or expired early: one retry with a newer token; a second 401 stands
        fresh = await self._session.token(rejected=token)
        request.headers["Authorization"] = f"Bearer {fresh}"
        yield request

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("the FeatureBase login is shared by async requests only")

    def __repr__(self) -> str:
        return f"LoginAuth({self._session!r})"


def _consume(task: asyncio.Task[str]) -> None:
    if not task.cancelled():
        task.exception()


def _vendor_message(exc: UpstreamError) -> str:
    # UpstreamHttp's text is "<vendor> connection '<name>' answered <status>: <vendor text>"
    _, _, text = exc.message.partition(": ")
    return text


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """The vendor's words without any credential an identity service might echo back."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
