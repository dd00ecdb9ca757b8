"""The upstream HTTP policy: the only way an adapter talks to its vendor.

One ``UpstreamHttp`` per connection owns one wire (``adapters.upstream.wire``: aiohttp's
connection pool on real sockets, an ``httpx.AsyncClient`` over an in-process transport for
simulators and tests) and adds what every vendor call needs: a bound on concurrent
requests, pacing to the vendor's documented rate limit, coalescing of identical concurrent
GETs (single-flight), an outbound request ID, and the one translation of transport errors
(httpx's classes, whatever the wire) and vendor error bodies into ``UpstreamError``.
Vendor clients supply only how to read their error bodies.

Around each call it applies the resilience rules of ``adapters.upstream.resilience``: the request's
deadline bounds every wait and every attempt; idempotent requests (GET, plus the methods a
vendor documents as idempotent) are retried on transport errors and 408/429/5xx with
jittered exponential backoff that honours Retry-After; a request that never reached the
vendor (connect failure) may be retried whatever its method, but one that may have reached
it is not; a 429 pauses the whole connection for its Retry-After; the circuit breaker
fails calls fast while the vendor is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import email.utils
import functools
import json
import logging
import math
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import certifi
import httpx

from adapters.cache.store import ConnectionCache
from adapters.errors import ErrorCode, UpstreamError, code_for_status, is_retryable_status
from adapters.model import ConnectionInfo
from adapters.running_loop import running_loop
from adapters.upstream.json_body import read_json
from adapters.upstream.llhttp_wire import LlhttpWire
from adapters.upstream.pacing import Pacer, RatePacer
from adapters.upstream.priority import PrioritySlots, Work, current_work
from adapters.upstream.read_log import note_unchecked, open_log
from adapters.upstream.resilience import (
    CircuitBreaker,
    HealthSnapshot,
    backoff_delay,
    current_deadline,
    remaining,
)
from adapters.upstream.scrub import Scrubber, bound
from adapters.upstream.wire import (
    AiohttpWire,
    BadAnswer,
    HttpxWire,
    ResponseTooLarge,
    Timeouts,
    UpstreamResponse,
    Wire,
    cached_response,
    encode_json,
)

__all__ = [
    "HttpSettings",
    "RatePacer",
    "UpstreamHttp",
    "UpstreamResponse",
    "VendorErrorBody",
    "current_request_id",
]

log = logging.getLogger("dbaas_gateway.upstream")

#: The GraphQL request this upstream call serves; sent upstream and logged.
current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_request_id", default=None
)

#: True while a write runs: the reads it makes (the state a write decides on, the full
#: object a replace sends back) go upstream, never to a cached answer
fresh_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("fresh_reads", default=False)


@dataclass(frozen=True)
class VendorErrorBody:
    """What a vendor's error body says, read by the vendor's client."""

    message: str | None = None
    vendor_code: str | None = None
    request_id: str | None = None
    #: the vendor's documented retry advice for this code, where it differs from the
    #: status's (FeatureBase: a 409 IncorrectState is worth retrying); None: by status
    retryable: bool | None = None


#: reads a vendor's error body, already parsed (strict JSON, scrubbed) and known to be an
#: object; any other body never reaches a reader
ErrorReader = Callable[[dict[str, Any]], VendorErrorBody]

#: the longest a vendor's ``id`` or request ID may be in an answer
MAX_VENDOR_CODE = 100

#: (connection, method, URL as the adapter gave it, HTTP status or "timeout" /
#: "connect_error" / "error", seconds) for every upstream attempt, retries included
UpstreamObserver = Callable[[str, str, str, str, float], None]


@dataclass(frozen=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_concurrency: int = 8
    #: the fraction of the slots and of the rate window background work (subscription
    #: polls) may hold; interactive requests are served first (``adapters.upstream.priority``)
    poll_share: float = 0.5
    #: (requests, per seconds), or None for no pacing
    rate_limit: tuple[int, float] | None = None
    #: attempts per idempotent request, the first included
    retry_attempts: int = 3
    retry_backoff: float = 0.2
    retry_backoff_max: float = 5.0
    #: methods safe to resend: GET always; PUT/DELETE only where the vendor documents it
    idempotent_methods: frozenset[str] = frozenset({"GET", "HEAD"})
    breaker_failure_threshold: int = 5
    breaker_cooldown: float = 30.0
    #: the largest body read from the vendor, decompressed; a larger one is refused
    max_response_bytes: int = 16 * 1024 * 1024
    #: the longest Retry-After (or X-RateLimit-Reset) honoured: a vendor asking for an hour
    #: would otherwise hold every request of the connection past its deadline
    max_retry_after: float = 60.0
    #: the wire of real sockets: "llhttp" (``adapters.upstream.llhttp_wire``) or "aiohttp"
    http_client: str = "llhttp"


#: the wires of real sockets a connection may choose (``http_client``)
HTTP_CLIENTS = ("llhttp", "aiohttp")


def _socket_wire(name: str) -> type[LlhttpWire] | type[AiohttpWire]:
    return AiohttpWire if name == "aiohttp" else LlhttpWire


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
        cache: ConnectionCache | None = None,
    ) -> None:
        self.connection = connection
        self.cache = cache
        self._base_url = base_url.rstrip("/")
        self.settings = settings or HttpSettings()
        self._read_error = read_error
        timeout = httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout)
        # as many kept-alive connections as concurrent requests: a burst of calls to one
        # vendor reuses its connections instead of reconnecting past httpx's default 20
        pool = self.settings.max_concurrency
        # the httpx client: the wire of in-process transports (and of tracing), and the
        # base URL the vendor clients resolve against
        self.client = httpx.AsyncClient(
            base_url=base_url,
            auth=auth,
            headers=dict(headers or {}),
            timeout=timeout,
            transport=transport,
            mounts=dict(mounts) if mounts else None,
            follow_redirects=False,
            verify=_tls_context(),
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
        )
        self.wire: Wire = (
            HttpxWire(self.client)
            if transport is not None or mounts
            else _socket_wire(self.settings.http_client)(
                auth=auth, headers=headers or {}, pool=pool, tls=_tls_context()
            )
        )
        self._default_timeouts = Timeouts(self.settings.connect_timeout, self.settings.read_timeout)
        share = self.settings.poll_share
        self._slots = PrioritySlots(self.settings.max_concurrency, share)
        limit = self.settings.rate_limit
        self._pacer: Pacer | None = None
        if limit is not None:
            self._pacer = (
                cache.backend.pacer(cache.scope, *limit, share)
                if cache
                else RatePacer(*limit, share=share)
            )
        self.breaker = CircuitBreaker(
            failure_threshold=self.settings.breaker_failure_threshold,
            cooldown=self.settings.breaker_cooldown,
        )
        # a vendor 429 holds every call of this connection until then (monotonic time)
        self._paused_until = 0.0
        self._rng = random.Random()
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self._inflight: dict[tuple[str, int, object], asyncio.Future[UpstreamResponse]] = {}
        # the priority of each GET in flight: a caller joining a poll's GET promotes it
        self._inflight_work: dict[tuple[str, int, object], Work] = {}
        # bumped by every write, so a read after a write never joins a GET sent before it
        self._writes = 0
        # stale-while-revalidate refreshes under way, one per URL
        self._refreshing: dict[str, asyncio.Task[None]] = {}
        #: told about every upstream attempt (metrics); set by the runtime
        self.observer: UpstreamObserver | None = None
        #: the secrets removed from whatever the vendor says; the runtime shares one
        #: between all connections
        self.scrubber = Scrubber()

    @property
    def vendor(self) -> str:
        return self.connection.vendor.value

    def use_httpx(self) -> None:
        """Send through the httpx client (OpenTelemetry instruments httpx clients)."""
        if not isinstance(self.wire, HttpxWire):
            self.wire = HttpxWire(self.client)

    async def aclose(self) -> None:
        for task in list(self._refreshing.values()):
            task.cancel()
        await asyncio.gather(*self._refreshing.values(), return_exceptions=True)
        await self.wire.aclose()
        await self.client.aclose()

    async def get(self, url: str, *, params: Mapping[str, str] | None = None) -> UpstreamResponse:
        """GET through the cross-request cache and single-flight: a fresh cached answer is
        returned as is, a stale one (within its kind's stale window) too while one refresh
        runs in the background, and identical concurrent GETs share one upstream call."""
        full = self._full_url(url, params)
        cache = self.cache
        kind = cache.kind(full) if cache is not None else None
        log = open_log()
        if cache is not None and kind is not None:
            stats = cache.backend.stats
            fresh = fresh_reads.get()
            if log is not None:
                if fresh:
                    log.uncheckable()
                else:
                    await log.stamp(cache.backend, cache.scope, self.scrubber)
            if fresh:
                # what this read stores replaces the entry, still fresh maybe: as after a
                # write on its path, what was read from the old one goes (a kept answer
                # would stay older than the cache; the write that follows may be none)
                await cache.backend.invalidate(cache.scope, urlsplit(full).path, frozenset())
            entry = None if fresh else await cache.backend.get(cache.scope, full)
            if entry is not None:
                if time.time() < entry.fresh_until:
                    stats.hits += 1
                    if log is not None:
                        log.read(entry.fresh_until)
                    return cached_response(entry.status, entry.content_type, entry.body, full)
                stats.stale_hits += 1
                if log is not None:
                    log.uncheckable()
                self._revalidate(url, params, full, kind)
                return cached_response(entry.status, entry.content_type, entry.body, full)
            stats.misses += 1
            # the entry this read stores is fresh at least this long (it is stored later)
            fresh_until = time.time() + cache.policy.ttl_for(kind)
            try:
                response = await self._single_flight(url, params, full, kind)
            except BaseException:
                # an error is never stored (the next read asks again), and a caller may
                # read it as an answer (a 404 as "none"): what it made is not kept either
                if log is not None:
                    log.uncheckable()
                raise
            if log is not None:
                if response.is_success and self._readable(response):
                    log.read(fresh_until)
                else:
                    log.uncheckable()  # not stored: the next read goes upstream again
            return response
        if log is not None:
            log.uncheckable()
        return await self._single_flight(url, params, full, kind)

    def _full_url(self, url: str, params: Mapping[str, str] | None) -> str:
        """The absolute URL of a GET: the cache and single-flight key. Cheaper than httpx's
        ``build_request``, which a cache hit would otherwise spend most of its time in."""
        full = url if "://" in url else self._base_url + url
        if params:
            full += ("&" if "?" in full else "?") + _query(params)
        return full

    async def _single_flight(
        self, url: str, params: Mapping[str, str] | None, full: str, kind: str | None
    ) -> UpstreamResponse:
        # a read never joins a GET sent before a write it comes after: this process's own
        # writes (``_writes``), and any instance's (the shared generation, read first)
        generation: object = None
        if self.cache is not None and kind is not None:
            generation = await self.cache.backend.generation(self.cache.scope)
        flight_key = (full, self._writes, generation)
        pending = self._inflight.get(flight_key)
        if pending is not None:
            if not current_work().background:
                self._inflight_work[flight_key].promote()
            # a joiner keeps its own deadline, whatever the request that sent the GET has
            try:
                async with asyncio.timeout(remaining()):
                    return await asyncio.shield(pending)
            except TimeoutError:
                raise self._deadline_error() from None
        future: asyncio.Future[UpstreamResponse] = running_loop().create_future()
        self._inflight[flight_key] = future
        self._inflight_work[flight_key] = current_work()
        try:
            response = await self._fetch(url, params, full, kind, generation)
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
            del self._inflight_work[flight_key]

    async def _fetch(
        self,
        url: str,
        params: Mapping[str, str] | None,
        full: str,
        kind: str | None,
        generation: object = None,
    ) -> UpstreamResponse:
        """One upstream GET, stored for later callers when its kind is cached. With a shared
        backend, another instance fetching the same URL is waited for instead."""
        cache = self.cache
        if cache is None or kind is None:
            return await self.request("GET", url, params=params)
        backend, scope = cache.backend, cache.scope
        budget = remaining()
        claim_for = self.settings.connect_timeout + self.settings.read_timeout
        claimed = await backend.claim(scope, full, claim_for if budget is None else budget)
        if not claimed:
            entry = await backend.wait_for(scope, full, claim_for if budget is None else budget)
            if entry is not None:
                backend.stats.shared_fetches += 1
                return cached_response(entry.status, entry.content_type, entry.body, full)
        try:
            response = await self._send_with_retries("GET", url, params, None, None)
            if response.is_success and self._readable(response):
                entry = cache.entry(
                    kind,
                    response.status_code,
                    response.headers.get("content-type"),
                    self._shareable(response),
                )
                await backend.put(scope, full, entry, generation)
                backend.stats.stores += 1
            return response
        finally:
            if claimed:
                await backend.release(scope, full)

    def _revalidate(self, url: str, params: Mapping[str, str] | None, full: str, kind: str) -> None:
        """Refresh a stale entry in the background, once however many callers saw it."""
        if full in self._refreshing:
            return

        async def refresh() -> None:
            # the caller that saw the stale entry does not wait: the refresh has its own time
            current_deadline.set(
                time.monotonic() + self.settings.connect_timeout + self.settings.read_timeout
            )
            try:
                await self._single_flight(url, params, full, kind)
                if self.cache is not None:
                    self.cache.backend.stats.refreshes += 1
            except UpstreamError as exc:
                log.info("refresh of %s %s failed: %s", self.connection.name, url, exc.code.value)
            finally:
                self._refreshing.pop(full, None)

        self._refreshing[full] = running_loop().create_task(refresh())

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> UpstreamResponse:
        """Send one request under the policy; a failure raises UpstreamError. A write
        invalidates what it may change in the cache, whatever its outcome: a write that
        failed may still have reached the vendor."""
        if method != "GET" and method != "HEAD":
            note_unchecked()
            self._writes += 1
            try:
                return await self._send_with_retries(method, url, params, json_body, headers)
            finally:
                if self.cache is not None:
                    path = urlsplit(self._full_url(url, None)).path
                    kinds = self.cache.written_kinds(path)
                    await self.cache.backend.invalidate(self.cache.scope, path, kinds)
                    self.cache.backend.stats.invalidations += 1
        note_unchecked()  # a GET around the cache: nothing stamps what it answered
        return await self._send_with_retries(method, url, params, json_body, headers)

    async def _send_with_retries(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        json_body: Any,
        headers: Mapping[str, str] | None,
    ) -> UpstreamResponse:
        request_headers = dict(headers or {})
        request_id = current_request_id.get()
        if request_id:
            request_headers["X-Request-ID"] = request_id
        idempotent = method in self.settings.idempotent_methods
        attempt = 1
        while True:
            try:
                return await self._attempt(method, url, params, json_body, request_headers)
            except _Failed as failed:
                error = failed.error
                may_retry = failed.may_retry and (idempotent or not failed.reached_vendor)
                if not idempotent and failed.reached_vendor and error.upstream_status is None:
                    # sent, and no answer came back: the vendor may have done it
                    raise self._outcome_unknown(method, error) from failed.__cause__
                if not (error.retryable and may_retry) or attempt >= self.settings.retry_attempts:
                    raise error from failed.__cause__
                delay = backoff_delay(
                    attempt,
                    base=self.settings.retry_backoff,
                    cap=self.settings.retry_backoff_max,
                    retry_after=error.retry_after,
                    rng=self._rng,
                )
                left = remaining()
                if left is not None and delay >= left:
                    raise error from failed.__cause__  # a retry could not finish in time
                log.info(
                    "upstream %s %s %s: %s; retry %d in %.2f s",
                    self.connection.name,
                    method,
                    url,
                    error.code.value,
                    attempt,
                    delay,
                )
                await self.sleep(delay)
                attempt += 1

    async def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        json_body: Any,
        headers: dict[str, str],
    ) -> UpstreamResponse:
        left = remaining()
        if left is not None and left <= 0:
            raise _Failed(self._deadline_error(), reached_vendor=False)
        if not self.breaker.allow():
            raise _Failed(self._open_error(), reached_vendor=False, may_retry=False)
        verdict = False
        sent = _Sent()
        try:
            try:
                if self.wire.ends_exchanges:
                    # every wait of the attempt ends at the deadline on its own (a slot,
                    # pacing, a 429 pause, the exchange in the wire's watchdog): no timer
                    # of its own, which cost about 5 us an attempt (a third of the policy's)
                    until = None if left is None else running_loop().time() + left
                    response, elapsed_ms = await self._send(
                        method, url, params, json_body, headers, left, sent, until
                    )
                else:
                    async with asyncio.timeout(left):
                        response, elapsed_ms = await self._send(
                            method, url, params, json_body, headers, left, sent, None
                        )
            except TimeoutError:
                if not sent.value:
                    # the deadline ran out in this gateway's own queue (a slot, pacing, a
                    # 429 pause): nothing about the vendor's health, so no breaker verdict
                    raise _Failed(self._deadline_error(), reached_vendor=False) from None
                self.breaker.record_failure("request deadline exceeded")
                verdict = True
                raise _Failed(self._deadline_error(), reached_vendor=True) from None
            except _Failed as failed:
                if failed.health:
                    self.breaker.record_failure(failed.error.message)
                    verdict = True
                raise
            if response.is_success or response.status_code < 500:
                self.breaker.record_success(elapsed_ms)
            else:
                self.breaker.record_failure(f"HTTP {response.status_code}")
            verdict = True
        finally:
            if not verdict:
                self.breaker.release_probe()
        if response.is_success:
            return response
        error = self._status_error(response)
        if response.status_code == 429:
            self._pause(error.retry_after)
        raise _Failed(error, reached_vendor=True)

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        json_body: Any,
        headers: dict[str, str],
        left: float | None,
        sent: _Sent,
        until: float | None,
    ) -> tuple[UpstreamResponse, float]:
        """``until``: the deadline in loop time, at which each wait ends by itself (the
        wire ends exchanges, ``_attempt``); None without a deadline here (none at all, or
        a timer around this call)."""
        async with self._slots.hold(until):
            wait = self._paused_until - time.monotonic()
            if wait > 0:
                async with _ending_at(until):
                    await self.sleep(wait)
            if self._pacer is not None and not self._pacer.start_now():
                async with _ending_at(until):
                    await self._pacer.acquire()
            timeouts = self._default_timeouts
            if left is not None:
                timeouts = Timeouts(
                    min(self.settings.connect_timeout, left), min(self.settings.read_timeout, left)
                )
            full = self._full_url(url, params)
            body = None if json_body is None else encode_json(json_body)
            # in-process transports ignore httpx timeouts: bound the whole call as well
            budget = self.settings.connect_timeout + self.settings.read_timeout
            started = time.perf_counter()
            sent.value = True
            outcome = "error"
            try:
                # the attempt's own timer already ends the call at the deadline: a second
                # one only where the budget ends first
                limit = self.settings.max_response_bytes
                if self.wire.ends_exchanges:
                    # the wire ends the exchange itself, at the deadline or, where the
                    # budget ends first, at the budget (told apart below, as for a timer)
                    loop_now = running_loop().time()
                    end = loop_now + budget if until is None else min(until, loop_now + budget)
                    response = await self.wire.send(
                        method, full, headers, body, timeouts, limit, end
                    )
                elif left is not None and budget >= left:
                    response = await self.wire.send(method, full, headers, body, timeouts, limit)
                else:
                    async with asyncio.timeout(budget):
                        response = await self.wire.send(
                            method, full, headers, body, timeouts, limit
                        )
                outcome = str(response.status_code)
                # before the body is read as JSON: an answer may echo what was just sent
                self.scrubber.learn(response.sent_headers)
            except asyncio.CancelledError:
                left_now = remaining()
                if left_now is not None and left_now <= 0:
                    outcome = "timeout"  # the attempt's timer, at the request's deadline
                raise
            except ResponseTooLarge:
                outcome = "error"
                raise _Failed(self._too_large(method), reached_vendor=True) from None
            except TimeoutError as exc:
                outcome = "timeout"
                if left is not None and budget >= left:
                    raise  # the request's deadline: the caller reports it
                error = self._error(ErrorCode.UPSTREAM_TIMEOUT, f"{method} timed out", True)
                raise _Failed(error, reached_vendor=True) from exc
            except httpx.ConnectTimeout as exc:
                outcome = "timeout"
                error = self._error(ErrorCode.UPSTREAM_TIMEOUT, f"{method} connect timed out", True)
                raise _Failed(error, reached_vendor=False) from exc
            except httpx.TimeoutException as exc:
                outcome = "timeout"
                error = self._error(ErrorCode.UPSTREAM_TIMEOUT, f"{method} timed out", True)
                raise _Failed(error, reached_vendor=True) from exc
            except httpx.LocalProtocolError as exc:
                # refused by the wire before a byte left (a header holding CR, LF or NUL,
                # as a hostile login answer's token would): not the vendor's health, not
                # sent, and a resend would be refused alike
                log.warning("upstream %s %s refused: %r", self.connection.name, method, exc)
                error = self._error(
                    ErrorCode.INTERNAL,
                    f"{method} was not sent: a header or the URL holds CR, LF or NUL",
                    False,
                )
                raise _Failed(error, reached_vendor=False, may_retry=False, health=False) from exc
            except httpx.ConnectError as exc:
                outcome = "connect_error"
                error = self._error(
                    ErrorCode.UPSTREAM_UNAVAILABLE, f"{method} could not connect", True
                )
                raise _Failed(error, reached_vendor=False) from exc
            except BadAnswer as exc:
                log.info("upstream %s %s failed: %r", self.connection.name, method, exc)
                # a resend of a read may get a whole answer; a write is not resent (the
                # loop above makes it UPSTREAM_OUTCOME_UNKNOWN: it may have happened)
                error = self._error(
                    ErrorCode.UPSTREAM_BAD_RESPONSE,
                    f"{method} failed: the vendor's answer was cut short or was no HTTP",
                    True,
                )
                raise _Failed(error, reached_vendor=True) from exc
            except httpx.TransportError as exc:
                # the exception's class and text stay in the log, not in the answer
                log.info("upstream %s %s failed: %r", self.connection.name, method, exc)
                error = self._error(
                    ErrorCode.UPSTREAM_UNAVAILABLE,
                    f"{method} failed: the connection broke before a complete answer",
                    True,
                )
                raise _Failed(error, reached_vendor=True) from exc
            finally:
                if self.observer is not None:
                    elapsed = time.perf_counter() - started
                    self.observer(self.connection.name, method, url, outcome, elapsed)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "upstream %s %s %s -> %s in %.1f ms",
                self.connection.name,
                method,
                urlsplit(response.url).path,
                response.status_code,
                elapsed_ms,
            )
        return response, elapsed_ms

    def _outcome_unknown(self, method: str, error: UpstreamError) -> UpstreamError:
        """A write that reached the vendor whose answer never came (or could not be read):
        it may have happened. Not retryable as it is; with an idempotency key the schema
        makes a retry safe (it reconciles first)."""
        cause = error.message.split(": ", 1)[-1]
        return self._error(
            ErrorCode.UPSTREAM_OUTCOME_UNKNOWN,
            f"{method} was sent but its outcome is unknown ({cause}); the vendor may have done it",
            False,
        )

    def _too_large(self, method: str) -> UpstreamError:
        limit = self.settings.max_response_bytes
        return self._error(
            ErrorCode.UPSTREAM_BAD_RESPONSE,
            f"{method} answered a body larger than {limit} bytes; refused unread",
            False,
        )

    def _pause(self, seconds: float | None) -> None:
        """Hold the whole connection after a 429 (1 s when the vendor gives no hint)."""
        until = time.monotonic() + (seconds if seconds is not None else 1.0)
        self._paused_until = max(self._paused_until, until)

    def health(self) -> HealthSnapshot:
        return self.breaker.snapshot()

    def _deadline_error(self) -> UpstreamError:
        return self._error(
            ErrorCode.UPSTREAM_TIMEOUT, "the request's deadline passed before it answered", False
        )

    def _open_error(self) -> UpstreamError:
        retry_in = self.breaker.retry_in()
        error = self._error(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            f"circuit open after repeated failures ({self.breaker.last_error}); "
            "failing fast until the vendor recovers",
            True,
        )
        error.retry_after = retry_in
        return error

    def _error(self, code: ErrorCode, message: str, retryable: bool) -> UpstreamError:
        return UpstreamError(
            code,
            f"{self.vendor} connection '{self.connection.name}': {message}",
            connection=self.connection.name,
            vendor=self.vendor,
            retryable=retryable,
        )

    def _status_error(self, response: UpstreamResponse) -> UpstreamError:
        body = self._error_body(response)
        status = response.status_code
        text = body.message or response.reason_phrase or "error"
        text = bound(self.scrubber.scrub(str(text)))
        return UpstreamError(
            code_for_status(status),
            f"{self.vendor} connection '{self.connection.name}' answered {status}: {text}",
            connection=self.connection.name,
            vendor=self.vendor,
            upstream_status=status,
            vendor_code=self._vendor_word(body.vendor_code),
            upstream_request_id=self._vendor_word(body.request_id),
            retryable=is_retryable_status(status) if body.retryable is None else body.retryable,
            retry_after=_retry_after(response, self.settings.max_retry_after),
        )

    def _error_body(self, response: UpstreamResponse) -> VendorErrorBody:
        """What the vendor's error body says, if it is a JSON object its reader understands;
        a list, a string, an HTML page or garbage says nothing beyond its status."""
        try:
            body = self._parse(response.content)
        except _Unreadable:
            return VendorErrorBody()
        if not isinstance(body, dict):
            return VendorErrorBody()
        try:
            return self._read_error(body)
        except Exception:  # a reader meeting a shape it never expected: still a status error
            log.info("%s: unreadable error body", self.connection.name, exc_info=True)
            return VendorErrorBody()

    def _vendor_word(self, value: object) -> str | None:
        """A vendor code or request ID fit to show: a short scrubbed string, or nothing."""
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        return bound(self.scrubber.scrub(str(value)), MAX_VENDOR_CODE)

    def bad_response(self, what: str) -> UpstreamError:
        """The vendor answered 2xx with a body we cannot read."""
        return self._error(ErrorCode.UPSTREAM_BAD_RESPONSE, what, False)

    def json(self, response: UpstreamResponse) -> Any:
        """The body as strict JSON with every known secret scrubbed out of its strings.
        ``NaN``, ``Infinity`` and numbers too large for a float become null: a caller's
        ``JSON.parse`` refuses them, and one vendor's record must not spoil the answer."""
        kept = response.take_parsed(self.scrubber.version)
        if kept is not None:
            return kept
        try:
            return self._parse(response.content)
        except _Unreadable as exc:
            method = response.method
            error = self.bad_response(f"{method} answered {exc}")
            if response.is_success and method not in self.settings.idempotent_methods:
                raise self._outcome_unknown(method, error) from None  # done, unreadably
            raise error from None

    def _readable(self, response: UpstreamResponse) -> bool:
        """Whether a 2xx GET may be kept for later reads: a body a vendor client can read.
        A truncated, empty or HTML body (a proxy's error page) is a hiccup of the vendor or
        the network: stored, it would fail every read of it, on every instance, for its
        TTL. The parse is kept on the response for its first reader (one parse, not two)."""
        media = (response.headers.get("content-type") or "").partition(";")[0].strip().lower()
        if media == "text/html":
            return False
        if media.startswith("text/"):
            return True  # a text answer (ClickHouse's Prometheus metrics), kept as it came
        version = self.scrubber.version
        if response.has_parsed(version):
            return True  # parsed by this GET's store, read again by its log
        try:
            parsed, clean = self._parse_clean(response.content)
        except _Unreadable:
            return False
        response.keep_parsed(parsed, version, clean)
        return True

    def text(self, response: UpstreamResponse) -> str:
        """A non-JSON body (ClickHouse's Prometheus text) with known secrets scrubbed."""
        return self.scrubber.scrub(response.text)

    def _parse(self, content: bytes) -> Any:
        return self._parse_clean(content)[0]

    def _parse_clean(self, content: bytes) -> tuple[Any, bool]:
        """The parsed body, and whether the scrubber found it clean (nothing scrubbed)."""
        try:
            body = read_json(content)
            if self.scrubber.needs_scrub(content):
                return self.scrubber.scrub_json(body), False
            return body, True
        except RecursionError:
            raise _Unreadable("JSON nested too deeply") from None
        except ValueError:  # not JSON, not UTF-8/16/32, an integer past Python's digit limit
            raise _Unreadable("non-JSON") from None

    def _shareable(self, response: UpstreamResponse) -> bytes:
        """A body as the cache may keep it: scrubbed of this instance's secrets before
        another instance (which never sent them, and so does not know them) reads it. A
        body its parse just found clean is not searched again."""
        content = response.content
        if response.found_clean(self.scrubber.version) or not self.scrubber.needs_scrub(content):
            return content
        try:
            return json.dumps(self._parse(content), separators=(",", ":")).encode()
        except _Unreadable:
            return self.scrubber.scrub(content.decode("utf-8", "replace")).encode()


def _ending_at(until: float | None) -> contextlib.AbstractAsyncContextManager[object]:
    """A wait that ends at ``until`` (loop time) with TimeoutError, as the attempt's timer
    would end it; no bound where ``until`` is None (a timer around the attempt is)."""
    return contextlib.nullcontext() if until is None else asyncio.timeout_at(until)


def _query(params: Mapping[str, str]) -> str:
    """``urlencode(params)``, encoded once per set of parameters: a vendor's list calls
    repeat a few (a page size, a cursor's first page)."""
    pairs = tuple(params.items())
    size = 0
    for name, value in pairs:
        if type(name) is not str or type(value) is not str:
            return urlencode(params)  # 1 and True are one cache key, two queries
        size += len(name) + len(value)
    if size > MEMO_QUERY_CHARS:
        return urlencode(pairs)  # a vendor's long page token is not kept in the memo
    return _encoded(pairs)


#: the longest query (names and values) whose encoding is remembered: a page token in it
#: is the vendor's choice, and 1,024 memo entries of megabyte tokens would stay in memory
MEMO_QUERY_CHARS = 512


@functools.lru_cache(maxsize=1024)
def _encoded(pairs: tuple[tuple[str, str], ...]) -> str:
    return urlencode(pairs)


class _Sent:
    """Whether an attempt left the gateway's own queue for the vendor."""

    value = False


class _Unreadable(Exception):
    """A body that is no JSON the gateway will read."""


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every client: loading the CA bundle costs tens of
    milliseconds of CPU, which every connection's client would otherwise pay at startup."""
    return ssl.create_default_context(cafile=certifi.where())


def _retry_after(response: UpstreamResponse, cap: float) -> float | None:
    """The vendor's wait hint in seconds, within ``[0, cap]``: Retry-After as seconds or an
    HTTP date, else X-RateLimit-Reset as seconds or an epoch time. A value that is not a
    finite number is no hint."""
    for header in ("Retry-After", "X-RateLimit-Reset"):
        value = response.headers.get(header)
        if value is None:
            continue
        seconds = _seconds_from(value.strip())
        if seconds is not None:
            return min(max(0.0, seconds), cap)
    return None


def _seconds_from(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return when.timestamp() - time.time()
    if not math.isfinite(number):
        return None
    # an epoch time (rate-limit resets), not a duration: no duration is 30 years long
    return number - time.time() if number > 1e9 else number


class _Failed(Exception):
    """One attempt failed with ``error``; ``reached_vendor`` says whether a resend is blind."""

    def __init__(
        self,
        error: UpstreamError,
        *,
        reached_vendor: bool,
        may_retry: bool = True,
        health: bool = True,
    ) -> None:
        super().__init__(error.message)
        self.error = error
        self.reached_vendor = reached_vendor
        # an open breaker answers for the whole cool-down: retrying within it is pointless
        self.may_retry = may_retry
        #: whether it says something of the vendor's health (a breaker verdict)
        self.health = health
