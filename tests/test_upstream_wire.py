"""Transport failures on real sockets keep their meaning on both socket wires (issue 16).

A tiny server in each test (``asyncio.start_server``) misbehaves one way; the gateway's
upstream policy talks to it over a real socket, through the llhttp wire
(``adapters.upstream.llhttp_wire``, the default) and again through the aiohttp wire
(``http_client = "aiohttp"``), as it talks to a vendor. The table (docs/performance.md):

| failure | the wire raises | code | sent again |
|---|---|---|---|
| connection refused | httpx.ConnectError | UPSTREAM_UNAVAILABLE | yes, a POST too |
| dropped after sending | httpx.RemoteProtocolError | UPSTREAM_UNAVAILABLE* | GET only |
| truncated body | BadAnswer | UPSTREAM_BAD_RESPONSE* | GET only |
| an answer that is no HTTP | BadAnswer | UPSTREAM_BAD_RESPONSE* | GET only |
| no answer in time | httpx.ReadTimeout | UPSTREAM_TIMEOUT* | GET only |
| TLS certificate not trusted | httpx.ConnectError | UPSTREAM_UNAVAILABLE | yes (never sent) |
| body past max_response_bytes | ResponseTooLarge | UPSTREAM_BAD_RESPONSE | no |

*A write (POST, PATCH, DELETE) that may have reached the vendor: UPSTREAM_OUTCOME_UNKNOWN.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import ssl
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest

from adapters.clickhouse.client import read_error
from adapters.errors import ErrorCode, UpstreamError
from adapters.model import ConnectionInfo, Vendor
from adapters.upstream.http import HTTP_CLIENTS, HttpSettings, UpstreamHttp, _tls_context
from adapters.upstream.llhttp_wire import LlhttpWire
from adapters.upstream.resilience import BreakerState, current_deadline
from adapters.upstream.wire import AiohttpWire, HeaderAuth
from tests.loopback import Handler, Server, answer, self_signed_certificate
from tests.loopback import serve as serve  # the fixture

ATTEMPTS = 3
KEY = HeaderAuth.basic("wire-key-id", "wire-key-secret-0123456789")


#: the socket wire every test of this module runs on (``each_socket_wire`` sets it)
_CLIENT = ["llhttp"]
_WIRES = {"llhttp": LlhttpWire, "aiohttp": AiohttpWire}


@pytest.fixture(autouse=True, params=HTTP_CLIENTS)
def each_socket_wire(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every failure keeps its meaning on both wires a connection may choose."""
    _CLIENT[0] = request.param
    yield
    _CLIENT[0] = "llhttp"


def upstream(url: str, **settings: object) -> UpstreamHttp:
    """One connection's policy over the socket wire under test; retries without waiting."""
    connection = ConnectionInfo("wire", Vendor("clickhouse"), url)
    defaults: dict[str, object] = {
        "retry_attempts": ATTEMPTS,
        "read_timeout": 5.0,
        "http_client": _CLIENT[0],
    }
    http = UpstreamHttp(
        connection,
        base_url=url,
        read_error=read_error,
        auth=KEY,
        settings=HttpSettings(**{**defaults, **settings}),  # type: ignore[arg-type]
    )
    assert isinstance(http.wire, _WIRES[_CLIENT[0]])

    async def no_wait(seconds: float) -> None:
        return None

    http.sleep = no_wait
    return http


async def failure(
    http: UpstreamHttp, method: str, path: str = "/v1/organizations"
) -> UpstreamError:
    try:
        with pytest.raises(UpstreamError) as raised:
            await http.request(method, path, json_body={} if method == "POST" else None)
    finally:
        await http.aclose()
    return raised.value


# --- never sent: retried whatever the method ----------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_refused_connection_is_unavailable_and_retried_even_for_a_post(
    method: str,
) -> None:
    with socket.socket() as s:  # a port nothing listens on: every connect is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    http = upstream(f"http://127.0.0.1:{port}")
    waits: list[float] = []

    async def count(seconds: float) -> None:
        waits.append(seconds)

    http.sleep = count
    error = await failure(http, method)

    assert error.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert "could not connect" in error.message
    assert len(waits) == ATTEMPTS - 1  # every attempt made: none reached the vendor


# --- may have reached the vendor: a POST is never sent twice ------------------------------


def assert_unavailable_or_unknown(
    error: UpstreamError, method: str, code: ErrorCode = ErrorCode.UPSTREAM_UNAVAILABLE
) -> None:
    """A GET that never got its (whole) answer is ``code`` (and was retried); a write may
    have happened, so it says its outcome is unknown and is not retryable as it is."""
    if method == "GET":
        assert error.code is code
        assert error.retryable
    else:
        assert error.code is ErrorCode.UPSTREAM_OUTCOME_UNKNOWN
        assert not error.retryable
        assert "outcome is unknown" in error.message


async def _drop_after_reading(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server
) -> None:
    await server.read_request(reader)  # the whole request arrived; no answer comes


@pytest.mark.parametrize(("method", "sent"), [("POST", 1), ("DELETE", 1), ("GET", ATTEMPTS)])
async def test_a_connection_dropped_after_sending_is_never_resent_unless_idempotent(
    serve: Callable[..., Awaitable[Server]], method: str, sent: int
) -> None:
    server = await serve(_drop_after_reading)

    error = await failure(upstream(server.url), method)

    assert_unavailable_or_unknown(error, method)
    assert "broke before a complete answer" in error.message
    assert len(server.requests) == sent


async def _truncated(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server
) -> None:
    await server.read_request(reader)
    whole = answer(b'{"status": 200, "result": [' + b" " * 200 + b"]}")
    writer.write(whole[: len(whole) - 100])  # the head promises more than comes
    await writer.drain()


@pytest.mark.parametrize(("method", "sent"), [("POST", 1), ("GET", ATTEMPTS)])
async def test_a_truncated_body_is_a_bad_response_and_a_post_is_not_resent(
    serve: Callable[..., Awaitable[Server]], method: str, sent: int
) -> None:
    server = await serve(_truncated)

    error = await failure(upstream(server.url), method)

    assert_unavailable_or_unknown(error, method, ErrorCode.UPSTREAM_BAD_RESPONSE)
    assert len(server.requests) == sent


async def _not_http(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server
) -> None:
    await server.read_request(reader)
    writer.write(b"SSH-2.0-OpenSSH_9.2p1\r\n\r\nProtocol mismatch.\r\n")
    await writer.drain()


@pytest.mark.parametrize(("method", "sent"), [("POST", 1), ("GET", ATTEMPTS)])
async def test_an_answer_that_is_no_http_is_a_bad_response_and_a_post_is_not_resent(
    serve: Callable[..., Awaitable[Server]], method: str, sent: int
) -> None:
    server = await serve(_not_http)

    error = await failure(upstream(server.url), method)

    assert_unavailable_or_unknown(error, method, ErrorCode.UPSTREAM_BAD_RESPONSE)
    assert len(server.requests) == sent


async def _silent(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server
) -> None:
    await server.read_request(reader)
    await asyncio.sleep(5)


async def test_no_answer_in_time_is_a_timeout_and_a_post_is_not_resent(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(_silent)

    error = await failure(upstream(server.url, read_timeout=0.2), "POST")

    assert error.code is ErrorCode.UPSTREAM_OUTCOME_UNKNOWN  # the POST may have happened
    assert "timed out" in error.message
    assert len(server.requests) == 1


# --- TLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ssl.SSLContext]:
    key, cert = self_signed_certificate(tmp_path_factory.mktemp("tls"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    yield context


async def _answers(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server
) -> None:
    while True:
        await server.read_request(reader)
        writer.write(answer(b'{"status": 200, "result": []}'))
        await writer.drain()


async def test_tls_is_verified_with_the_shared_context(
    serve: Callable[..., Awaitable[Server]], self_signed: ssl.SSLContext
) -> None:
    server = await serve(_answers, tls=self_signed)
    http = upstream(server.url)

    assert http.wire._tls is _tls_context()  # type: ignore[attr-defined]
    assert _tls_context().verify_mode is ssl.CERT_REQUIRED
    assert _tls_context().check_hostname
    error = await failure(http, "GET")

    assert error.code is ErrorCode.UPSTREAM_UNAVAILABLE  # a certificate nobody vouches for
    assert server.requests == []  # nothing was sent to it


# --- what comes back ----------------------------------------------------------------------


async def test_an_answer_is_read_and_the_credentials_sent_are_scrubbed_from_it(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, s: Server) -> None:
        while True:
            request = await s.read_request(reader)
            sent = next(
                line.split(b": ", 1)[1].decode()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"authorization:")
            )
            body = json.dumps({"status": 200, "result": [{"id": "o", "name": sent}]})
            writer.write(answer(body.encode()))
            await writer.drain()

    server = await serve(echo)
    http = upstream(server.url)
    try:
        body = http.json(await http.get("/v1/organizations"))
        again = http.json(await http.get("/v1/organizations"))  # the kept-alive connection
    finally:
        await http.aclose()

    assert body["result"][0]["name"] == "[redacted]"
    assert again == body
    assert len(server.requests) == 2


@pytest.mark.parametrize("declared", [True, False])
async def test_a_body_past_the_limit_is_a_bad_response(
    serve: Callable[..., Awaitable[Server]], declared: bool
) -> None:
    big = b'{"status": 200, "result": "' + b"x" * 5000 + b'"}'

    async def large(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, s: Server) -> None:
        await s.read_request(reader)
        if declared:
            writer.write(answer(big))
        else:  # chunked: no length to refuse on, the stream is counted
            head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            writer.write(head + f"{len(big):x}\r\n".encode() + big + b"\r\n0\r\n\r\n")
        await writer.drain()

    server = await serve(large)

    error = await failure(upstream(server.url, max_response_bytes=1000), "GET")

    assert error.code is ErrorCode.UPSTREAM_BAD_RESPONSE
    assert len(server.requests) == 1  # not worth a retry


async def test_a_compressed_body_is_bounded_by_its_decompressed_size(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    bomb = gzip.compress(b'{"status": 200, "result": "' + b"0" * 2_000_000 + b'"}')

    async def gzipped(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, s: Server
    ) -> None:
        await s.read_request(reader)
        writer.write(answer(bomb, extra="Content-Encoding: gzip\r\n"))
        await writer.drain()

    server = await serve(gzipped)

    error = await failure(upstream(server.url, max_response_bytes=100_000), "GET")

    assert len(bomb) < 100_000
    assert error.code is ErrorCode.UPSTREAM_BAD_RESPONSE


async def test_a_call_cut_at_the_request_deadline_is_observed_as_a_timeout(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(_silent)
    http = upstream(server.url)
    seen: list[str] = []
    http.observer = lambda conn, method, url, outcome, seconds: seen.append(outcome)
    token = current_deadline.set(time.monotonic() + 0.2)
    try:
        error = await failure(http, "GET")
    finally:
        current_deadline.reset(token)

    assert error.code is ErrorCode.UPSTREAM_TIMEOUT
    assert seen == ["timeout"]  # the metrics label, as when a second timer cut it


class _RenewingAuth(httpx.Auth):
    """A login-style flow: a token, and one retry with a fresh one after a 401."""

    def __init__(self) -> None:
        self.tokens = ["expired-token-0123", "fresh-token-456789"]

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {self.tokens[0]}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {self.tokens[1]}"
            yield request


async def test_an_auth_flow_that_renews_its_token_runs_over_the_wire(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    async def login(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, s: Server) -> None:
        while True:
            request = await s.read_request(reader)
            if b"Bearer fresh-token-456789" in request:
                writer.write(answer(b'{"status": 200, "result": []}'))
            else:
                writer.write(answer(b'{"error": "expired"}', status="401 Unauthorized"))
            await writer.drain()

    server = await serve(login)
    connection = ConnectionInfo("wire", Vendor("clickhouse"), server.url)
    http = UpstreamHttp(
        connection,
        base_url=server.url,
        read_error=read_error,
        auth=_RenewingAuth(),
        settings=HttpSettings(http_client=_CLIENT[0]),
    )
    assert isinstance(http.wire, _WIRES[_CLIENT[0]])
    try:
        body = http.json(await http.get("/v1/organizations"))
    finally:
        await http.aclose()

    assert body == {"status": 200, "result": []}
    assert [b"fresh-token" in r for r in server.requests] == [False, True]


def _answering(body: bytes, encoding: str) -> Callable[..., Awaitable[None]]:
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, s: Server
    ) -> None:
        await s.read_request(reader)
        writer.write(answer(body, extra=f"Content-Encoding: {encoding}\r\n"))
        await writer.drain()

    return handler


async def test_a_body_compressed_twice_is_bounded_too(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """``gzip, gzip``: decoded once at most, so never past the bound, never a crash."""
    inner = gzip.compress(b'{"status": 200, "result": "' + b"0" * 2_000_000 + b'"}')
    server = await serve(_answering(gzip.compress(inner), "gzip, gzip"))
    http = upstream(server.url, max_response_bytes=100_000)
    try:
        response = await http.request("GET", "/v1/organizations")
        with pytest.raises(UpstreamError) as raised:
            http.json(response)
    finally:
        await http.aclose()

    assert len(response.content) <= 100_000  # the outer layer at most: never 2 MB
    assert raised.value.code is ErrorCode.UPSTREAM_BAD_RESPONSE


async def test_a_corrupt_compressed_body_is_a_coded_upstream_error(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    corrupt = gzip.compress(b'{"status": 200, "result": []}')[:12] + b"\x00garbage\xff" * 4
    server = await serve(_answering(corrupt, "gzip"))

    error = await failure(upstream(server.url), "GET")

    assert error.code in (ErrorCode.UPSTREAM_BAD_RESPONSE, ErrorCode.UPSTREAM_UNAVAILABLE)
    assert "garbage" not in error.message


@pytest.mark.parametrize(
    ("handler", "code"),
    [
        (_drop_after_reading, ErrorCode.UPSTREAM_UNAVAILABLE),
        (_truncated, ErrorCode.UPSTREAM_BAD_RESPONSE),
        (_not_http, ErrorCode.UPSTREAM_BAD_RESPONSE),
    ],
)
@pytest.mark.parametrize(("method", "sent"), [("POST", 1), ("GET", ATTEMPTS)])
async def test_the_httpx_wire_of_tracing_gives_the_same_meanings(
    serve: Callable[..., Awaitable[Server]],
    handler: Handler,
    code: ErrorCode,
    method: str,
    sent: int,
) -> None:
    """With OpenTelemetry on, real sockets go through httpx (which it instruments): its
    protocol errors are told apart as the aiohttp wire's are."""
    server = await serve(handler)
    http = upstream(server.url)
    http.use_httpx()

    error = await failure(http, method)

    assert_unavailable_or_unknown(error, method, code)
    assert len(server.requests) == sent


# --- the request's deadline ends every wait of an attempt, wherever it is -----------------


async def within(
    http: UpstreamHttp, seconds: float, path: str = "/v1/organizations"
) -> tuple[UpstreamError, float]:
    """A GET's failure with the request's deadline ``seconds`` away, and how long it took."""
    token = current_deadline.set(time.monotonic() + seconds)
    started = time.monotonic()
    try:
        with pytest.raises(UpstreamError) as raised:
            await http.request("GET", path)
    finally:
        current_deadline.reset(token)
    return raised.value, time.monotonic() - started


async def within_beside(
    held: asyncio.Future[Any], server: Server, http: UpstreamHttp, seconds: float
) -> tuple[UpstreamError, float]:
    """``within`` for another GET once ``held`` is at the vendor (which never answers it);
    ``held`` is cancelled and ``http`` closed after."""
    while not server.requests:
        await asyncio.sleep(0.01)
    try:
        return await within(http, seconds, "/v1/services")
    finally:
        held.cancel()
        await asyncio.gather(held, return_exceptions=True)
        await http.aclose()


def answering(body: bytes, status: str = "200 OK", extra: str = "") -> Handler:
    """A vendor that gives every request on a connection the same answer."""

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            w.write(answer(body, status, extra))
            await w.drain()

    return handler


async def _trickling(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, s: Server) -> None:
    await s.read_request(reader)
    whole = answer(b'{"status": 200, "result": ["' + b"x" * 40 + b'"]}')
    for byte in whole:  # a byte every 0.1 s: the read timeout never fires, 6 s in all
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.1)


async def test_a_vendor_trickling_its_answer_is_cut_at_the_request_deadline(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(_trickling)
    http = upstream(server.url, read_timeout=1.0)
    seen: list[str] = []
    http.observer = lambda conn, method, url, outcome, seconds: seen.append(outcome)
    try:
        error, took = await within(http, 0.4)
    finally:
        await http.aclose()

    assert took < 2.0  # not the 6 s the answer takes
    assert error.code is ErrorCode.UPSTREAM_TIMEOUT
    assert seen == ["timeout"]
    assert http.breaker.state is BreakerState.CLOSED


async def test_a_deadline_sooner_than_one_already_watched_ends_its_call_first(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """Exchanges share one watchdog timer (the llhttp wire): a call whose deadline comes
    before the timer's, set by a call already waiting, moves the timer sooner."""
    server = await serve(_silent)
    http = upstream(server.url, read_timeout=5.0)
    token = current_deadline.set(time.monotonic() + 4.0)
    try:
        first = asyncio.ensure_future(http.request("GET", "/v1/organizations"))
    finally:
        current_deadline.reset(token)
    # the first waits, its timer at its deadline 4 s away
    error, took = await within_beside(first, server, http, 0.3)

    assert took < 2.0  # not the first call's 4 s
    assert error.code is ErrorCode.UPSTREAM_TIMEOUT


async def test_a_request_waiting_for_a_busy_connections_slot_ends_at_its_deadline(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(_silent)
    http = upstream(server.url, max_concurrency=1, read_timeout=3.0)
    holder = asyncio.ensure_future(http.request("GET", "/v1/organizations"))
    # the one slot is taken, its answer never comes
    error, took = await within_beside(holder, server, http, 0.3)

    assert took < 1.5
    assert error.code is ErrorCode.UPSTREAM_TIMEOUT
    assert len(server.requests) == 1  # the waiting request was never sent
    assert http.breaker.state is BreakerState.CLOSED  # the gateway's queue, not the vendor


async def test_a_429_pause_longer_than_the_deadline_ends_at_it(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    limited = answering(b'{"status": 429}', "429 Too Many Requests", "Retry-After: 5\r\n")
    server = await serve(limited)
    http = upstream(server.url, retry_attempts=1, max_retry_after=10.0)
    http.sleep = asyncio.sleep  # the pause is really waited for
    try:
        with pytest.raises(UpstreamError) as first:
            await http.request("GET", "/v1/organizations")
        error, took = await within(http, 0.3)
    finally:
        await http.aclose()

    assert first.value.code is ErrorCode.RATE_LIMITED
    assert took < 1.5
    assert error.code is ErrorCode.UPSTREAM_TIMEOUT
    assert len(server.requests) == 1  # held by the pause, never sent


async def test_a_request_paced_past_its_deadline_ends_at_it(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(answering(b'{"status": 200, "result": []}'))
    http = upstream(server.url, rate_limit=(1, 10.0))  # one start in any 10 s
    http.sleep = asyncio.sleep
    try:
        await http.request("GET", "/v1/organizations")
        error, took = await within(http, 0.3)
    finally:
        await http.aclose()

    assert took < 1.5
    assert error.code is ErrorCode.UPSTREAM_TIMEOUT
    assert len(server.requests) == 1  # paced, never sent
