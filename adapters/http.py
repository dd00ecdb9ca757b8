"""The upstream HTTP policy: the only way an adapter talks to its vendor.

One ``UpstreamHttp`` per connection owns one ``httpx.AsyncClient`` (connection pool, timeouts,
auth) and adds what every vendor call needs: a bound on concurrent requests, pacing to the
vendor's documented rate limit, coalescing of identical concurrent GETs (single-flight),
an outbound request ID, and the one translation of httpx errors and vendor error bodies into
``UpstreamError``. Vendor clients supply only how to read their error bodies.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from adapters.errors import ErrorCode, UpstreamError, code_for_status, is_retryable_status
from adapters.model import ConnectionInfo

log = logging.getLogger("dbaas_gateway.upstream")

#: The GraphQL request this upstream call serves; sent upstream and logged.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_request_id", default=None
)


@dataclass(frozen=True)
class VendorErrorBody:
    """What a vendor's error body says, read by the vendor's client."""

    message: str | None = None
    vendor_code: str | None = None
    request_id: str | None = None
    #: the vendor's documented retry advice for this code, where it differs from the
    #: status's (FeatureBase: a 409 IncorrectState is worth retrying); None: by status
    retryable: bool | None = None


ErrorReader = Callable[[httpx.Response], VendorErrorBody]


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_concurrency: int = 8
    #: (requests, per seconds), or None for no pacing
    rate_limit: tuple[int, float] | None = None


class RatePacer:
    """Sliding-window pacing: at most ``limit`` request starts in any ``window`` seconds.

    Waiting here is cheaper than causing a vendor 429 and then backing off.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self.clock()
                while self._starts and now - self._starts[0] >= self.window:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    return
                await self.sleep(self.window - (now - self._starts[0]))


class UpstreamHttp:
    """One connection's HTTP client with the gateway's upstream policy around it."""

    def __init__(
        self,
        connection: ConnectionInfo,
        *,
        base_url: str,
        read_error: ErrorReader,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        settings: HttpSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        mounts: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self.connection = connection
        self.settings = settings or HttpSettings()
        self._read_error = read_error
        timeout = httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout)
        self.client = httpx.AsyncClient(
            base_url=base_url,
            auth=auth,
            headers=dict(headers or {}),
            timeout=timeout,
            transport=transport,
            mounts=dict(mounts) if mounts else None,
            follow_redirects=False,
        )
        self._semaphore = asyncio.Semaphore(self.settings.max_concurrency)
        limit = self.settings.rate_limit
        self._pacer = RatePacer(limit[0], limit[1]) if limit else None
        self._inflight: dict[tuple[str, int], asyncio.Future[httpx.Response]] = {}
        # bumped by every write, so a read after a write never joins a GET sent before it
        self._writes = 0

    @property
    def vendor(self) -> str:
        return self.connection.vendor.value

    async def aclose(self) -> None:
        await self.client.aclose()

    async def get(self, url: str, *, params: Mapping[str, str] | None = None) -> httpx.Response:
        """GET with single-flight: identical concurrent GETs share one upstream call."""
        flight_key = (str(self.client.build_request("GET", url, params=params).url), self._writes)
        pending = self._inflight.get(flight_key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[httpx.Response] = asyncio.get_running_loop().create_future()
        self._inflight[flight_key] = future
        try:
            response = await self.request("GET", url, params=params)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            # a waiter-less failed future would warn "exception never retrieved"
            future.exception()
            raise
        else:
            future.set_result(response)
            return response
        finally:
            del self._inflight[flight_key]

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request; a non-2xx answer or a transport failure raises UpstreamError."""
        if method != "GET":
            self._writes += 1
        request_headers = dict(headers or {})
        request_id = current_request_id.get()
        if request_id:
            request_headers["X-Request-ID"] = request_id
        async with self._semaphore:
            if self._pacer is not None:
                await self._pacer.acquire()
            started = time.perf_counter()
            try:
                response = await self.client.request(
                    method, url, params=params, json=json_body, headers=request_headers
                )
            except httpx.TimeoutException as exc:
                raise self._error(
                    ErrorCode.UPSTREAM_TIMEOUT, f"{method} timed out", retryable=True
                ) from exc
            except httpx.TransportError as exc:
                raise self._error(
                    ErrorCode.UPSTREAM_UNAVAILABLE,
                    f"{method} failed: {type(exc).__name__}",
                    retryable=True,
                ) from exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.debug(
            "upstream %s %s %s -> %s in %.1f ms",
            self.connection.name,
            method,
            response.request.url.path,
            response.status_code,
            elapsed_ms,
        )
        if response.is_success:
            return response
        raise self._status_error(response)

    def _error(self, code: ErrorCode, message: str, *, retryable: bool) -> UpstreamError:
        return UpstreamError(
            code,
            f"{self.vendor} connection '{self.connection.name}': {message}",
            connection=self.connection.name,
            vendor=self.vendor,
            retryable=retryable,
        )

    def _status_error(self, response: httpx.Response) -> UpstreamError:
        try:
            body = self._read_error(response)
        except (ValueError, KeyError, TypeError):
            body = VendorErrorBody()
        status = response.status_code
        text = body.message or response.reason_phrase or "error"
        return UpstreamError(
            code_for_status(status),
            f"{self.vendor} connection '{self.connection.name}' answered {status}: {text}",
            connection=self.connection.name,
            vendor=self.vendor,
            upstream_status=status,
            vendor_code=body.vendor_code,
            upstream_request_id=body.request_id,
            retryable=is_retryable_status(status) if body.retryable is None else body.retryable,
            retry_after=_retry_after(response),
        )

    def bad_response(self, what: str) -> UpstreamError:
        """The vendor answered 2xx with a body we cannot read."""
        return self._error(ErrorCode.UPSTREAM_BAD_RESPONSE, what, retryable=False)

    def json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise self.bad_response(f"{response.request.method} answered non-JSON") from exc


def _retry_after(response: httpx.Response) -> float | None:
    for header in ("Retry-After", "X-RateLimit-Reset"):
        value = response.headers.get(header)
        if value is not None:
            try:
                return max(0.0, float(value))
            except ValueError:
                continue
    return None
