"""What is particular to the gateway's own HTTP/1.1 wire (``adapters.upstream.llhttp_wire``),
on real loopback sockets: connection reuse, body framings, codings, timeouts, the pool's
bound, TLS, and a hostile vendor's odd answers.

Each test starts a tiny server (``asyncio.start_server``) that counts the connections it
accepts; a test drives the upstream policy (``UpstreamHttp``) where the behaviour is the
policy's (codes, resends), and ``LlhttpWire`` directly where it is the wire's. The failures
both socket wires share are in tests/test_upstream_wire.py.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from adapters.clickhouse.client import read_error
from adapters.errors import ErrorCode, UpstreamError
from adapters.model import ConnectionInfo, Vendor
from adapters.upstream.http import HTTP_CLIENTS, HttpSettings, UpstreamHttp, _tls_context
from adapters.upstream.llhttp_wire import MAX_HEAD_BYTES, LlhttpWire, _split
from adapters.upstream.resilience import current_deadline
from adapters.upstream.wire import Timeouts
from tests.loopback import Handler, Server, answer, self_signed_certificate
from tests.loopback import serve as serve  # the fixture

#: generous: a loaded 2-core machine must never turn a slow step into a failure
TIMEOUTS = Timeouts(connect=5.0, read=5.0)
LIMIT = 1 << 24


def upstream(url: str, **settings: object) -> UpstreamHttp:
    """The policy over the llhttp wire, retrying without waiting."""
    connection = ConnectionInfo("llhttp", Vendor("clickhouse"), url)
    http = UpstreamHttp(
        connection,
        base_url=url,
        read_error=read_error,
        settings=HttpSettings(**{"retry_attempts": 3, "read_timeout": 5.0, **settings}),  # type: ignore[arg-type]
    )
    assert isinstance(http.wire, LlhttpWire)

    async def no_wait(seconds: float) -> None:
        return None

    http.sleep = no_wait
    return http


def wire(pool: int = 4, tls: ssl.SSLContext | None = None) -> LlhttpWire:
    return LlhttpWire(auth=None, headers={}, pool=pool, tls=tls or _tls_context())


async def get(w: LlhttpWire, url: str, **kwargs: object) -> tuple[int, bytes]:
    response = await w.send(
        str(kwargs.get("method", "GET")),
        url + str(kwargs.get("path", "/v1/x")),
        {},
        kwargs.get("body"),  # type: ignore[arg-type]
        kwargs.get("timeouts", TIMEOUTS),  # type: ignore[arg-type]
        int(kwargs.get("limit", LIMIT)),  # type: ignore[call-overload]
    )
    return response.status_code, response.content


OK = b'{"status": 200, "result": []}'


async def _keeps_alive(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server
) -> None:
    while True:
        await server.read_request(reader)
        writer.write(answer(OK))
        await writer.drain()


# --- connection reuse ---------------------------------------------------------------------


async def test_sequential_requests_reuse_one_connection(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(_keeps_alive)
    http = upstream(server.url)
    try:
        for _ in range(5):
            assert http.json(await http.request("GET", "/v1/organizations"))["result"] == []
        assert http.json(await http.request("POST", "/v1/x", json_body={}))["result"] == []
    finally:
        await http.aclose()

    assert len(server.requests) == 6
    assert server.connections == 1


async def test_an_answer_saying_connection_close_is_not_reused(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    async def closing(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await s.read_request(r)
        w.write(answer(OK, extra="Connection: close\r\n"))
        await w.drain()
        await asyncio.sleep(5)  # says close, but leaves closing to the client

    server = await serve(closing)
    w = wire()
    try:
        assert await get(w, server.url) == (200, OK)
        assert await get(w, server.url) == (200, OK)
    finally:
        await w.aclose()

    assert server.connections == 2


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_kept_connection_the_vendor_closed_while_idle_is_not_used(
    serve: Callable[..., Awaitable[Server]], method: str
) -> None:
    """The vendor closes a kept-alive connection after a while (its keep-alive timeout):
    the next request opens a new one; a POST is sent once and answered."""

    async def idle_close(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await s.read_request(r)
        w.write(answer(OK))
        await w.drain()
        await asyncio.sleep(0.05)

    server = await serve(idle_close)
    http = upstream(server.url)
    try:
        await http.request("GET", "/v1/organizations")
        await asyncio.sleep(0.3)  # the vendor has closed it meanwhile
        response = await http.request(method, "/v1/x", json_body={} if method == "POST" else None)
    finally:
        await http.aclose()

    assert http.json(response)["result"] == []
    assert len(server.requests) == 2
    assert server.connections == 2


async def test_a_post_right_after_the_vendor_closed_the_kept_connection_is_sent_once(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """The vendor answers and closes at once without saying so (no Connection: close): its
    close is in the socket when the next call picks the connection. That call must open a
    new one: on the dead one a POST would be sent into a closed socket and end
    UPSTREAM_OUTCOME_UNKNOWN though the vendor never saw it."""

    async def answers_and_closes(
        r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server
    ) -> None:
        await s.read_request(r)
        w.write(answer(OK))
        await w.drain()

    server = await serve(answers_and_closes)
    http = upstream(server.url)
    try:
        for _ in range(3):
            await http.request("GET", "/v1/organizations")
            response = await http.request("POST", "/v1/x", json_body={})
            assert http.json(response)["result"] == []
    finally:
        await http.aclose()

    assert [r.split(b" ", 1)[0] for r in server.requests] == [b"GET", b"POST"] * 3
    assert server.connections == 6


# --- body framings ------------------------------------------------------------------------


async def test_a_chunked_body_is_read_whole_and_its_connection_reused(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    parts = [b'{"status": 200, ', b'"result": ', b"[1, 2, 3]}"]

    async def chunked(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            w.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for part in parts:
                w.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                await w.drain()
                await asyncio.sleep(0.01)
            w.write(b"0\r\n\r\n")
            await w.drain()

    server = await serve(chunked)
    w = wire()
    try:
        assert await get(w, server.url) == (200, b"".join(parts))
        assert await get(w, server.url) == (200, b"".join(parts))
    finally:
        await w.aclose()

    assert server.connections == 1


async def test_a_body_without_length_ends_when_the_vendor_closes(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    async def until_close(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await s.read_request(r)
        w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + OK[:10])
        await w.drain()
        await asyncio.sleep(0.05)
        w.write(OK[10:])
        await w.drain()

    server = await serve(until_close)
    w = wire()
    try:
        assert await get(w, server.url) == (200, OK)
        assert await get(w, server.url) == (200, OK)
    finally:
        await w.aclose()

    assert server.connections == 2  # never reused: its end was the close


# --- codings ------------------------------------------------------------------------------


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
@pytest.mark.parametrize("chunk", [1, 4096], ids=["byte-by-byte", "whole"])
async def test_deflate_with_and_without_its_zlib_wrapper_decodes(
    serve: Callable[..., Awaitable[Server]], wbits: int, chunk: int
) -> None:
    body = json.dumps({"status": 200, "result": list(range(300))}).encode()
    compressor = zlib.compressobj(wbits=wbits)
    deflated = compressor.compress(body) + compressor.flush()

    async def deflating(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await s.read_request(r)
        w.write(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for at in range(0, len(deflated), chunk):
            part = deflated[at : at + chunk]
            w.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            await w.drain()
        w.write(b"0\r\n\r\n")
        await w.drain()

    server = await serve(deflating)
    w = wire()
    try:
        assert await get(w, server.url) == (200, body)
    finally:
        await w.aclose()


# --- timeouts and the pool ----------------------------------------------------------------


async def test_the_read_timeout_is_per_silence_not_for_the_whole_answer(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    body = b'{"status": 200, "result": "' + b"x" * 20 + b'"}'

    async def trickle(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await s.read_request(r)
        w.write(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        for byte in body:
            w.write(bytes([byte]))
            await w.drain()
            await asyncio.sleep(0.05)

    server = await serve(trickle)
    w = wire()
    started = time.monotonic()
    try:
        status, content = await get(w, server.url, timeouts=Timeouts(5.0, 0.6))
    finally:
        await w.aclose()

    assert (status, content) == (200, body)
    assert time.monotonic() - started > 0.6  # longer than one read timeout in all


async def test_the_read_timeout_ends_a_silence_mid_body(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    async def stalls(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await s.read_request(r)
        w.write(answer(OK)[:-5])
        await w.drain()
        await asyncio.sleep(10)

    server = await serve(stalls)
    w = wire()
    try:
        with pytest.raises(httpx.ReadTimeout):
            await get(w, server.url, timeouts=Timeouts(5.0, 0.3))
    finally:
        await w.aclose()


@pytest.mark.parametrize("through", ["policy", "wire"])
async def test_the_pool_never_opens_more_connections_than_its_bound(
    serve: Callable[..., Awaitable[Server]], through: str
) -> None:
    async def slow(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            await asyncio.sleep(0.1)
            w.write(answer(OK))
            await w.drain()

    server = await serve(slow)
    if through == "policy":
        http = upstream(server.url, max_concurrency=2)
        calls = [http.request("GET", f"/v1/x/{n}") for n in range(6)]
        try:
            responses = await asyncio.gather(*calls)
        finally:
            await http.aclose()
        assert [r.status_code for r in responses] == [200] * 6
    else:
        w = wire(pool=2)
        try:
            results = await asyncio.gather(*(get(w, server.url) for _ in range(6)))
        finally:
            await w.aclose()
        assert results == [(200, OK)] * 6

    assert len(server.requests) == 6
    assert server.most_open <= 2
    assert server.connections <= 2


# --- cancellation -------------------------------------------------------------------------


async def test_a_request_cut_by_its_deadline_mid_body_never_leaks_into_the_next(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    first = b'{"status": 200, "result": ["first"]}'
    second = b'{"status": 200, "result": ["second"]}'

    async def halves(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            if len(s.requests) == 1:  # the first answer comes in two halves, 1 s apart
                whole = answer(first)
                w.write(whole[:-10])
                await w.drain()
                await asyncio.sleep(1.0)
                w.write(whole[-10:])
            else:
                w.write(answer(second))
            await w.drain()

    server = await serve(halves)
    http = upstream(server.url)
    token = current_deadline.set(time.monotonic() + 0.3)
    try:
        with pytest.raises(UpstreamError) as raised:
            await http.request("GET", "/v1/organizations")
    finally:
        current_deadline.reset(token)
    try:
        assert raised.value.code is ErrorCode.UPSTREAM_TIMEOUT
        assert http.json(await http.request("GET", "/v1/organizations")) == json.loads(second)
    finally:
        await http.aclose()

    assert server.connections == 2  # the cut one was closed, not pooled


async def test_bytes_sent_while_a_connection_is_idle_make_it_unusable(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    async def chatty(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            w.write(answer(OK))
            await w.drain()
            await asyncio.sleep(0.05)
            w.write(answer(b'{"status": 200, "result": ["unasked"]}'))
            await w.drain()

    server = await serve(chatty)
    w = wire()
    try:
        assert await get(w, server.url) == (200, OK)
        await asyncio.sleep(0.3)
        assert await get(w, server.url) == (200, OK)
    finally:
        await w.aclose()

    assert server.connections == 2


# --- TLS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trusted_tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: the server's context, and a client's
    verifying context that trusts it."""
    key, cert = self_signed_certificate(tmp_path_factory.mktemp("tls"))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    assert client.verify_mode is ssl.CERT_REQUIRED and client.check_hostname
    return server, client


async def test_tls_with_a_trusted_certificate_is_read_and_reused(
    serve: Callable[..., Awaitable[Server]],
    trusted_tls: tuple[ssl.SSLContext, ssl.SSLContext],
) -> None:
    server_tls, client_tls = trusted_tls
    server = await serve(_keeps_alive, tls=server_tls)
    w = wire(tls=client_tls)
    try:
        for _ in range(3):
            assert await get(w, server.url) == (200, OK)
            await asyncio.sleep(0.05)
    finally:
        await w.aclose()

    assert server.url.startswith("https://")
    assert server.connections == 1


# --- informational answers ----------------------------------------------------------------


@pytest.mark.parametrize("together", [True, False], ids=["one-read", "apart"])
async def test_the_answer_after_103_early_hints_is_the_one_returned(
    serve: Callable[..., Awaitable[Server]], together: bool
) -> None:
    hints = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"

    async def early(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            if together:
                w.write(hints + hints + answer(OK, extra="X-Final: yes\r\n"))
            else:
                for part in (hints, b"HTTP/1.1 100 Continue\r\n\r\n", answer(OK, "200 OK")):
                    w.write(part)
                    await w.drain()
                    await asyncio.sleep(0.02)
            await w.drain()

    server = await serve(early)
    http = upstream(server.url)
    try:
        for _ in range(2):
            response = await http.request("GET", "/v1/organizations")
            assert (response.status_code, response.content) == (200, OK)
            assert "link" not in response.headers  # the hints' headers are not the answer's
    finally:
        await http.aclose()

    assert server.connections == 1


# --- a hostile vendor: sizes --------------------------------------------------------------


async def test_a_large_body_in_one_read_is_no_oversized_head(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """The head's bound counts the head: a body of a megabyte arriving with it is read."""
    big = b'{"status": 200, "result": "' + b"x" * 1_000_000 + b'"}'

    async def large(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            w.write(answer(big))
            await w.drain()

    server = await serve(large)
    w = wire()
    try:
        for _ in range(2):
            assert await get(w, server.url) == (200, big)
    finally:
        await w.aclose()

    assert server.connections == 1


def _endless(prefix: bytes, unit: bytes) -> Handler:
    """Answers ``prefix`` and then ``unit`` over and over, up to 32 MB."""

    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await s.read_request(r)
        w.write(prefix)
        block = unit * max(1, 16384 // len(unit))
        for _ in range(32 * 1024 * 1024 // len(block)):
            w.write(block)
            await w.drain()

    return handler


@pytest.mark.parametrize(
    ("prefix", "unit"),
    [
        (b"HTTP/1.1 200 OK\r\nX-Endless: ", b"a"),  # one header line that never ends
        (b"HTTP/1.1 200 OK\r\n", b"X-A: b\r\n"),  # ever more small headers
        (b"HTTP/1.1 200 " + b"O" * 10, b"K"),  # a reason phrase that never ends
        (b"", b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"),  # a 1xx flood
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n", b"X-T: y\r\n"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: ", b"y"),
    ],
    ids=["header-line", "many-headers", "status-line", "1xx-flood", "trailers", "trailer-line"],
)
async def test_a_head_or_trailers_past_the_bound_are_refused_in_bounded_memory(
    serve: Callable[..., Awaitable[Server]], prefix: bytes, unit: bytes
) -> None:
    server = await serve(_endless(prefix, unit))
    http = upstream(server.url, retry_attempts=1)
    tracemalloc.start()
    try:
        with pytest.raises(UpstreamError) as raised:
            await http.request("GET", "/v1/organizations")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await http.aclose()

    assert raised.value.code is ErrorCode.UPSTREAM_BAD_RESPONSE
    assert peak < 4 * 1024 * 1024  # MAX_HEAD_BYTES and a read or two, never the 32 MB
    assert MAX_HEAD_BYTES == 64 * 1024


# --- a hostile vendor: framing ------------------------------------------------------------


async def test_a_second_answer_in_the_same_read_is_never_read_into_the_first(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """An answer and, in the same packet, another nobody asked for: the first is returned
    as it is and its connection dropped (the second must answer no later request)."""
    unasked = answer(b'{"status": 200, "result": ["unasked"]}', extra="X-Unasked: 1\r\n")

    async def two(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            w.write(answer(OK) + unasked)
            await w.drain()

    server = await serve(two)
    http = upstream(server.url)
    try:
        for _ in range(2):
            response = await http.request("GET", "/v1/organizations")
            assert (response.status_code, response.content) == (200, OK)
            assert "x-unasked" not in response.headers
    finally:
        await http.aclose()

    assert server.connections == 2


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 -20 OK\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
        b"HTTP/1.1 101 Switching Protocols\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nX-Null: a\x00b\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nBad Name: a\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/2 200\r\nContent-Length: 2\r\n\r\n{}",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
    ],
)
async def test_a_malformed_answer_is_a_bad_response_and_its_connection_dropped(
    serve: Callable[..., Awaitable[Server]], head: bytes
) -> None:
    async def odd(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            w.write(head if len(s.requests) == 1 else answer(OK))
            await w.drain()

    server = await serve(odd)
    http = upstream(server.url, retry_attempts=1, read_timeout=2.0)
    try:
        with pytest.raises(UpstreamError) as raised:
            await http.request("GET", "/v1/organizations")
        assert raised.value.code is ErrorCode.UPSTREAM_BAD_RESPONSE
        after = await http.request("GET", "/v1/organizations")  # a fresh connection
        assert (after.status_code, after.content) == (200, OK)
    finally:
        await http.aclose()

    assert server.connections == 2


# --- header injection ---------------------------------------------------------------------


class _InjectingAuth(httpx.Auth):
    """A login flow whose token (as a hostile vendor's login answered it) holds CR LF."""

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = "Bearer abc\r\nX-Evil: 1"
        yield request


@pytest.mark.parametrize("client", HTTP_CLIENTS)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_header_holding_cr_lf_is_never_sent_and_is_no_vendor_failure(
    serve: Callable[..., Awaitable[Server]], method: str, client: str
) -> None:
    """On both socket wires (the aiohttp one as well)."""
    seen: list[bytes] = []

    async def records(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        seen.append(await r.read(65536))

    server = await serve(records)
    connection = ConnectionInfo("llhttp", Vendor("clickhouse"), server.url)
    http = UpstreamHttp(
        connection,
        base_url=server.url,
        read_error=read_error,
        auth=_InjectingAuth(),
        settings=HttpSettings(retry_attempts=3, http_client=client),
    )
    waits: list[float] = []

    async def count(seconds: float) -> None:
        waits.append(seconds)

    http.sleep = count
    try:
        with pytest.raises(UpstreamError) as raised:
            await http.request(method, "/v1/x", json_body={} if method == "POST" else None)
    finally:
        await http.aclose()

    error = raised.value
    assert error.code is ErrorCode.INTERNAL  # the gateway refused it: nothing was sent
    assert not error.retryable
    assert "outcome is unknown" not in error.message and "X-Evil" not in error.message
    assert waits == []  # not sent again
    assert http.breaker.consecutive_failures == 0  # says nothing about the vendor
    assert server.requests == [] and b"X-Evil" not in b"".join(seen)


# --- a hostile vendor: odd but readable, or silent ----------------------------------------


@pytest.mark.parametrize(
    ("raw", "reused"),
    [
        (b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s", False),
        (b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: %d\r\n\r\n%s", True),
        (b"HTTP/1.1 200 OK\r\nX-Name: caf\xe9 \xff\xfe\r\nContent-Length: %d\r\n\r\n%s", True),
    ],
    ids=["http-1.0", "http-1.0-keep-alive", "non-latin-1-header"],
)
async def test_odd_but_valid_answers_are_read(
    serve: Callable[..., Awaitable[Server]], raw: bytes, reused: bool
) -> None:
    async def odd(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            w.write(raw % (len(OK), OK))
            await w.drain()

    server = await serve(odd)
    w = wire()
    try:
        for _ in range(2):
            assert await get(w, server.url) == (200, OK)
            await asyncio.sleep(0.05)
    finally:
        await w.aclose()

    assert server.connections == (1 if reused else 2)


async def test_a_vendor_that_never_reads_a_large_post_is_a_timeout_not_a_hang(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    async def deaf(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        await asyncio.sleep(30)

    server = await serve(deaf)
    http = upstream(server.url, read_timeout=0.5)
    try:
        with pytest.raises(UpstreamError) as raised:
            await http.request("POST", "/v1/x", json_body={"blob": "x" * 8_000_000})
    finally:
        await http.aclose()

    assert raised.value.code is ErrorCode.UPSTREAM_OUTCOME_UNKNOWN
    assert "timed out" in raised.value.message


async def test_an_answer_before_the_request_was_written_drops_the_connection(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """A vendor answers 413 (keep-alive) from the head alone, the body still unwritten:
    the rest of that body must not be taken by the vendor as the next request."""

    async def early(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        head = await r.readuntil(b"\r\n\r\n")
        s.requests.append(head)
        if head.startswith(b"POST"):
            w.write(answer(b'{"error": "too large"}', "413 Payload Too Large"))
            await w.drain()
            await asyncio.sleep(0.5)  # reads nothing more, then takes what follows as requests
        else:
            w.write(answer(OK))
            await w.drain()
        while True:
            line = await r.readuntil(b"\r\n\r\n")
            s.requests.append(line[:20])
            w.write(answer(OK))
            await w.drain()

    server = await serve(early)
    w = wire()
    try:
        status, _ = await get(w, server.url, method="POST", body=b"x" * 8_000_000)
        assert status == 413
        assert await get(w, server.url) == (200, OK)
    finally:
        await w.aclose()

    assert server.connections == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8001/v1/organizations/abc/services?x=1&y=2",
        "https://API.Example.com/a/b#frag",
        "https://h/a?b#c?d",
        "http://h:80/",
        "http://u:p@h:99/x",
        "http://[::1]:8080/p?q",
        "HTTP://h/x",
        "http://h?x",
        "http://h",
        "http://h/a\tb",
        "http://h/a\r\nb",
        "  http://h/x",
        "http://h/%2F/../x?a=%20",
        "http://h/a#b/c?d",
        "http://h:0/x",
        "http://a@b@h:81/x",
        "http://u:p:q@h/x",
        "http://[fe80::1%25eth0]:81/x",
        "http://h:/x",
        "http://h:080/x",
        "http://m\u00fcnchen.de/x",
        "http://h\\x/y",
        "http://h/x;p?q#f",
        "http://h?q/x",
        "http://h#f/x",
        "http://h//x",
        "http://h:81#@g/x",
    ],
)
def test_a_url_is_read_as_urlsplit_reads_it(url: str) -> None:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 80)

    assert _split(url) == (
        parts.scheme,
        parts.hostname or "",
        port,
        parts.netloc,
        parts.path,
        parts.query,
    )


def test_a_port_urlsplit_refuses_is_refused_alike() -> None:
    with pytest.raises(ValueError):
        assert urlsplit("http://h:99999/x").port
    with pytest.raises(ValueError):
        _split("http://h:99999/x")
