"""Attacks on the llhttp wire's pool slots (``PoolSlots``), its request-line check
(``_head``) and the header check every sending path runs (``_refuse_injection``).

The slots: a slot is given back exactly once whatever ends a call (cancelled, timed out or
interrupted at every point it waits), waiters are served in arrival order, and after a storm
``free`` is the pool's size again with nobody waiting, on real loopback sockets and across
event loops. The request line: the check refuses exactly what the check it replaced
refused, and writes the same bytes when it accepts. The headers: refused before anything
is written, on both socket wires, and for a token a login renews in the middle of a flow.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import random
import socketserver
import sys
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
import uvloop
from multidict import CIMultiDict

from adapters.errors import ErrorCode, UpstreamError
from adapters.featurebase.auth import LoginAuth, LoginSession, read_identity_error
from adapters.model import ConnectionInfo, Vendor
from adapters.upstream.http import HTTP_CLIENTS, HttpSettings, UpstreamHttp, _tls_context
from adapters.upstream.llhttp_wire import ACCEPT_ENCODING, LlhttpWire, _head
from adapters.upstream.pool_slots import PoolSlots
from adapters.upstream.wire import AiohttpWire, HeaderAuth, Timeouts
from tests.loopback import Server, answer
from tests.loopback import serve as serve  # the fixture

TIMEOUTS = Timeouts(connect=5.0, read=5.0)
LIMIT = 1 << 20
OK = b'{"status": 200, "result": []}'


def wire(pool: int) -> LlhttpWire:
    return LlhttpWire(auth=None, headers={}, pool=pool, tls=_tls_context())


def slots_of(w: LlhttpWire) -> PoolSlots:
    assert w._slots is not None
    return w._slots


def settled(w: LlhttpWire, pool: int) -> None:
    """Every slot back, nobody waiting, no connection past the bound (no slots made yet:
    no call got that far)."""
    assert len(w._open) <= pool
    if w._slots is None:
        return
    slots = w._slots
    assert (slots.free, list(slots._waiters)) == (pool, [])
    assert len(w._open) <= pool


async def _answers_after(
    delay: float,
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter, Server], Awaitable[None]]:
    async def handler(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            await asyncio.sleep(delay)
            w.write(answer(OK))
            await w.drain()

    return handler


async def get(w: LlhttpWire, url: str, until: float | None = None) -> int:
    response = await w.send("GET", url + "/v1/x", {}, None, TIMEOUTS, LIMIT, until)
    return response.status_code


# --- PoolSlots itself -------------------------------------------------------------------


@pytest.mark.parametrize("handed", [True, False], ids=["handed", "still-waiting"])
@pytest.mark.parametrize("raised", [KeyboardInterrupt, SystemExit, asyncio.CancelledError])
async def test_a_base_exception_thrown_into_a_waiter_neither_leaks_nor_doubles_a_slot(
    handed: bool, raised: type[BaseException]
) -> None:
    slots = PoolSlots(1)
    assert slots.take_now()
    waiting = slots.take(asyncio.get_running_loop())
    future = waiting.send(None)  # parked on its future
    assert list(slots._waiters) == [future]
    if handed:
        slots.give()  # the slot is its own now, though it has not resumed
    with pytest.raises(raised):
        waiting.throw(raised())
    assert not slots._waiters
    if not handed:
        slots.give()  # the holder's slot
    assert slots.free == 1


@pytest.mark.parametrize("give_first", [True, False])
async def test_a_waiter_timed_out_in_the_iteration_it_is_handed_a_slot_passes_it_on(
    give_first: bool,
) -> None:
    """The deadline and the hand-off in one loop iteration, either order: the slot ends
    with the next waiter, the timed-out one raises TimeoutError, nothing leaks."""
    loop = asyncio.get_running_loop()
    slots = PoolSlots(1)
    assert slots.take_now()
    when = loop.time() + 0.05

    async def until_deadline() -> None:
        async with asyncio.timeout_at(when):
            await slots.take(loop)

    first = asyncio.ensure_future(until_deadline())
    second = asyncio.ensure_future(slots.take(loop))
    await asyncio.sleep(0)
    # the timeout's timer is already in the heap; the give is put before or after it
    if give_first:
        loop.call_at(when - 1e-9, slots.give)
    else:
        loop.call_at(when + 1e-9, slots.give)
    results = await asyncio.gather(first, return_exceptions=True)
    await asyncio.wait_for(second, 1)
    if give_first:  # handed before its deadline fired: it may still have been cut
        assert results[0] is None or isinstance(results[0], TimeoutError)
        if results[0] is None:
            slots.give()  # first's
    else:
        assert isinstance(results[0], TimeoutError)
    slots.give()  # second's
    assert (slots.free, list(slots._waiters)) == (1, [])


async def test_a_storm_of_cancellations_and_timeouts_never_exceeds_nor_leaks_a_slot() -> None:
    loop = asyncio.get_running_loop()
    size = 2
    slots = PoolSlots(size)
    rng = random.Random(9)
    holding = 0
    most = 0
    served = 0

    async def call(hold: float, limit: float | None) -> None:
        nonlocal holding, most, served
        if not slots.take_now():
            if limit is None:
                await slots.take(loop)
            else:
                async with asyncio.timeout(limit):
                    await slots.take(loop)
        try:
            holding += 1
            most = max(most, holding)
            await asyncio.sleep(hold)
            served += 1
        finally:
            holding -= 1
            slots.give()

    tasks = []
    for _ in range(400):
        limit = rng.choice([None, 0.0, 0.001, 0.005, 0.02])
        tasks.append(asyncio.ensure_future(call(rng.choice([0, 0.001, 0.003]), limit)))
        if rng.random() < 0.3:
            loop.call_later(rng.random() * 0.03, rng.choice(tasks).cancel)
        if rng.random() < 0.2:
            await asyncio.sleep(rng.choice([0, 0.001]))
    await asyncio.gather(*tasks, return_exceptions=True)
    assert most <= size and holding == 0
    assert 0 < served < 400
    assert (slots.free, list(slots._waiters)) == (size, [])


def test_slots_wait_on_one_loop_after_another() -> None:
    """asyncio.Semaphore bound itself to the first loop that waited on it and refused any
    other ("bound to a different event loop"); the slots keep no loop."""
    slots = PoolSlots(1)

    async def contend() -> int:
        loop = asyncio.get_running_loop()
        order: list[int] = []

        async def one(n: int) -> None:
            if not slots.take_now():
                await slots.take(loop)
            try:
                await asyncio.sleep(0.001)
                order.append(n)
            finally:
                slots.give()

        await asyncio.gather(*(one(n) for n in range(5)))
        assert order == list(range(5))
        return slots.free

    for run in (asyncio.run, uvloop.run, asyncio.run):
        assert run(contend()) == 1
    assert not slots._waiters


# --- on the wire, real sockets ----------------------------------------------------------


async def test_a_call_cancelled_at_each_step_of_send_gives_its_slot_back_once(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """Cancelled after 0, 1, 2, ... loop iterations: before its slot, while connecting,
    while its answer comes; each time the slot is back and the wire still answers."""
    server = await serve(await _answers_after(0.02))
    w = wire(pool=1)
    stages: set[str] = set()
    try:
        for steps in range(60):
            call = asyncio.ensure_future(get(w, server.url))
            for _ in range(steps):
                await asyncio.sleep(0)
            if w._slots is None or w._slots.free == 1:
                stages.add("before or after its slot")
            elif any(c.exchange is not None for c in w._open):
                stages.add("waiting for its answer")
            else:
                stages.add("connecting")
            call.cancel()
            await asyncio.gather(call, return_exceptions=True)
            settled(w, 1)
        assert await get(w, server.url) == 200
        settled(w, 1)
    finally:
        await w.aclose()
    assert stages == {"before or after its slot", "connecting", "waiting for its answer"}


async def test_a_call_cancelled_or_timed_out_while_waiting_for_a_slot_leaves_none_behind(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(await _answers_after(0.2))
    loop = asyncio.get_running_loop()
    w = wire(pool=1)
    try:
        holder = asyncio.ensure_future(get(w, server.url))
        await asyncio.sleep(0.05)  # it holds the only slot, its answer 0.15 s away
        cancelled = asyncio.ensure_future(get(w, server.url))
        await asyncio.sleep(0)
        assert len(slots_of(w)._waiters) == 1
        cancelled.cancel()
        with pytest.raises(TimeoutError):  # its deadline passes while it waits
            await get(w, server.url, until=loop.time() + 0.02)
        with pytest.raises(TimeoutError):  # a deadline already past: refused, no slot
            await get(w, server.url, until=loop.time() - 1)
        assert await holder == 200
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        settled(w, 1)
        assert server.connections == 1 and len(server.requests) == 1  # none of them sent
    finally:
        await w.aclose()


@pytest.mark.parametrize("pool", [1, 2])
async def test_many_callers_some_cut_are_served_within_the_bound_and_leave_it_whole(
    serve: Callable[..., Awaitable[Server]], pool: int
) -> None:
    async def varied(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            await s.read_request(r)
            await asyncio.sleep(random.Random(len(s.requests)).choice([0, 0.002, 0.01]))
            w.write(answer(OK))
            await w.drain()

    server = await serve(varied)
    loop = asyncio.get_running_loop()
    rng = random.Random(pool)
    w = wire(pool)
    try:
        most = 0

        def sample() -> None:
            nonlocal most
            most = max(most, len(w._open))
            if not done:
                loop.call_soon(sample)

        done = False
        sample()
        calls = []
        for n in range(120):
            kind = n % 4
            until = loop.time() + rng.choice([0.001, 0.01, 0.05]) if kind == 1 else None
            calls.append(asyncio.ensure_future(get(w, server.url, until)))
            if kind == 2:
                loop.call_later(rng.random() * 0.05, calls[-1].cancel)
        results = await asyncio.gather(*calls, return_exceptions=True)
        done = True
        assert most <= pool  # the wire's own sockets (the server may see a cut one late)
        kinds = {type(r).__name__ for r in results}
        assert kinds <= {"int", "TimeoutError", "CancelledError"}, kinds
        assert results.count(200) >= 60  # every uncut call was answered
        settled(w, pool)
        # and the pool serves a new burst whole
        assert await asyncio.gather(*(get(w, server.url) for _ in range(10))) == [200] * 10
        settled(w, pool)
    finally:
        await w.aclose()


async def test_waiters_for_a_slot_are_sent_in_arrival_order(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    server = await serve(await _answers_after(0.005))
    w = wire(pool=1)
    try:
        calls = []
        for n in range(12):
            path = f"/v1/x/{n}"
            calls.append(
                asyncio.ensure_future(w.send("GET", server.url + path, {}, None, TIMEOUTS, LIMIT))
            )
            await asyncio.sleep(0)  # each queued before the next arrives
        responses = await asyncio.gather(*calls)
        assert [r.status_code for r in responses] == [200] * 12
        lines = [request.split(b" ")[1].decode() for request in server.requests]
        assert lines == [f"/v1/x/{n}" for n in range(12)]
        settled(w, 1)
    finally:
        await w.aclose()


async def test_a_base_exception_at_each_await_of_send_gives_the_slot_back(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """``_send`` driven by hand, KeyboardInterrupt thrown in where it waits (a task's
    cancel goes in the same way): after each, the slot is back."""
    server = await serve(await _answers_after(0.01))
    w = wire(pool=1)
    throws = 0
    try:
        for steps in itertools.count():
            sending = w.send("GET", server.url + "/v1/x", {}, None, TIMEOUTS, LIMIT)
            finished = False
            try:
                waited = sending.send(None)
                for _ in range(steps):
                    if waited is not None:
                        await asyncio.wait([waited])
                    else:
                        await asyncio.sleep(0)
                    waited = sending.send(None)
            except StopIteration:
                finished = True
            if finished:
                break
            if isinstance(waited, asyncio.Future):
                waited.cancel()  # what it waited for is given up, as a task's cancel would
            with pytest.raises(KeyboardInterrupt):
                sending.throw(KeyboardInterrupt())
            throws += 1
            # the given-up future's callbacks (a connect's writer removed by its file
            # descriptor) run before the next call's socket can take that descriptor
            for _ in range(3):
                await asyncio.sleep(0)
            settled(w, 1)
        assert throws >= 3  # connecting and the answer, at least
        assert await get(w, server.url) == 200
        settled(w, 1)
    finally:
        await w.aclose()


# --- the request line -------------------------------------------------------------------


def _old_head(
    method: str, path: str, query: str, host: str, headers: CIMultiDict[str], body: bytes | None
) -> bytes:
    """``_head`` as it was at 0411d38, the reference."""
    target = f"{path}?{query}" if query else path
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host.rpartition('@')[2]}"]
    if any(c in line for line in lines for c in "\r\n\x00") or " " in target:
        raise httpx.LocalProtocolError("the request line holds CR, LF, NUL or a space")
    for name, value in headers.items():
        lines.append(f"{name}: {value}")
    if "accept-encoding" not in headers:
        lines.append(f"Accept-Encoding: {ACCEPT_ENCODING}")
    if "content-length" not in headers:
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        elif method in ("POST", "PUT", "PATCH"):
            lines.append("Content-Length: 0")
    lines.append("\r\n")
    return "\r\n".join(lines).encode("utf-8")


_HOSTILE = ["", "\r", "\n", "\x00", " ", "\t", "\u2028", "\u2029", "\x85", "\x0b", "\x0c",
            "\x1c", "\x7f", "\ufeff", "é", "@", "?", "#", "%0d%0a", "\r\n", ":"]  # fmt: skip


def _pieces(base: str) -> Iterator[str]:
    for hostile in _HOSTILE:
        yield base + hostile
        yield hostile + base
        yield base[:1] + hostile + base[1:]


def _outcome(make: Callable[[], bytes]) -> bytes | str:
    try:
        return make()
    except httpx.LocalProtocolError as exc:
        return f"refused: {exc}"


def test_the_request_line_check_refuses_exactly_what_the_old_one_refused() -> None:
    headers: CIMultiDict[str] = CIMultiDict({"Accept": "application/json"})
    methods = [*_pieces("GET"), "POST", "HEAD", "PATCH"]
    paths = list(_pieces("/v1/x"))
    queries = [*_pieces("a=1"), ""]
    hosts = list(_pieces("api.example.com:8443"))
    hosts += [f"user{h}:pw@api.example.com" for h in _HOSTILE]  # userinfo: dropped
    hosts += [f"user@api{h}.example.com" for h in _HOSTILE]
    hosts += [f"a@b{h}@c" for h in _HOSTILE]
    seen = refused = 0
    for method, path, query, host in itertools.chain(
        ((m, "/v1/x", "a=1", "h") for m in methods),
        ((p_m, p, q, "h") for p_m in ("GET", "POST") for p in paths for q in queries),
        (("GET", "/v1/x", q, h) for q in ("", "a=1", "a b") for h in hosts),
        ((m, p, "", h) for m in methods[:12] for p in paths[:15] for h in hosts[:20]),
    ):
        for body in (None, b"{}"):
            new = _outcome(lambda: _head(method, path, query, host, headers, body))  # noqa: B023
            old = _outcome(lambda: _old_head(method, path, query, host, headers, body))  # noqa: B023
            assert new == old, (method, path, query, host)
            seen += 1
            refused += isinstance(new, str)
    assert seen > 10_000 and 0 < refused < seen


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/v1/x?a=1%00",  # encoded: sent as it is
        "http://us\u2028er@127.0.0.1:{port}/v1/x",  # userinfo never reaches the Host line
    ],
)
async def test_what_the_request_line_check_lets_through_is_what_was_asked(
    serve: Callable[..., Awaitable[Server]], url: str
) -> None:
    server = await serve(await _answers_after(0))
    w = wire(pool=1)
    try:
        response = await w.send("GET", url.format(port=server.port), {}, None, TIMEOUTS, LIMIT)
        assert response.status_code == 200
    finally:
        await w.aclose()
    line, host = server.requests[0].split(b"\r\n")[:2]
    assert line.endswith(b" HTTP/1.1") and line.count(b" ") == 2
    assert host == f"Host: 127.0.0.1:{server.port}".encode()


@pytest.mark.parametrize("method", ["GE\rT", "GET\n", "G\x00ET", "GET\r\nX-Evil: 1\r\n"])
async def test_a_hostile_method_is_refused_before_anything_is_written(
    serve: Callable[..., Awaitable[Server]], method: str
) -> None:
    seen: list[bytes] = []

    async def records(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        seen.append(await r.read(65536))

    server = await serve(records)
    w = wire(pool=1)
    try:
        with pytest.raises(httpx.LocalProtocolError):
            await w.send(method, server.url + "/v1/x", {}, None, TIMEOUTS, LIMIT)
        settled(w, 1)
    finally:
        await w.aclose()
    await asyncio.sleep(0.05)
    assert server.connections == 0 and seen == []


# --- the header check on every path that sends ------------------------------------------


_WIRES = {"llhttp": LlhttpWire, "aiohttp": AiohttpWire}
_BAD = ["abc\r\nX-Evil: 1", "abc\nX-Evil: 1", "abc\rX", "abc\x00"]


@pytest.mark.parametrize("client", HTTP_CLIENTS)
@pytest.mark.parametrize("where", ["call", "static", "static-auth", "name"])
@pytest.mark.parametrize("bad", _BAD, ids=["crlf", "lf", "cr", "nul"])
async def test_a_hostile_header_on_either_socket_wire_opens_no_connection(
    serve: Callable[..., Awaitable[Server]], client: str, where: str, bad: str
) -> None:
    server = await serve(await _answers_after(0))
    static = {"X-Static": bad} if where == "static" else {}
    auth = HeaderAuth({"Authorization": bad}) if where == "static-auth" else None
    call = {"X-Call": bad} if where == "call" else {}
    if where == "name":
        call = {f"X-{bad}": "v"}
    w = _WIRES[client](auth=auth, headers=static, pool=2, tls=_tls_context())
    try:
        with pytest.raises(httpx.LocalProtocolError):
            await w.send("POST", server.url + "/v1/x", call, b"{}", TIMEOUTS, LIMIT)
    finally:
        await w.aclose()
    await asyncio.sleep(0.05)
    assert server.connections == 0 and server.requests == []


async def test_the_httpx_wire_refuses_a_hostile_header_too(
    serve: Callable[..., Awaitable[Server]],
) -> None:
    """``HttpxWire`` runs no check of its own: h11 refuses, before any request byte."""
    from adapters.upstream.wire import HttpxWire

    seen: list[bytes] = []

    async def records(r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        seen.append(await r.read(65536))

    server = await serve(records)
    w = HttpxWire(httpx.AsyncClient())
    try:
        for bad in _BAD:
            with pytest.raises(httpx.LocalProtocolError):
                await w.send("GET", server.url + "/v1/x", {"X-A": bad}, None, TIMEOUTS, LIMIT)
    finally:
        await w.aclose()
    await asyncio.sleep(0.05)
    assert b"".join(seen) == b""


class _Vendor:
    """A FeatureBase API and its identity host on one loopback server: the first login
    answers a good IdToken, the API refuses it (401), the second login answers ``renewed``."""

    def __init__(self, renewed: str) -> None:
        self.renewed = renewed
        self.logins = 0
        self.api_calls: list[bytes] = []

    async def __call__(self, r: asyncio.StreamReader, w: asyncio.StreamWriter, s: Server) -> None:
        while True:
            request = await s.read_request(r)
            if request.startswith(b"POST /login"):
                self.logins += 1
                token = "good-token" if self.logins == 1 else self.renewed
                body = json.dumps({"AuthenticationResult": {"IdToken": token}}).encode()
                w.write(answer(body))
            else:
                self.api_calls.append(request)
                w.write(answer(b'{"message": "expired"}', status="401 Unauthorized"))
            await w.drain()


@pytest.fixture
async def login_vendor(
    serve: Callable[..., Awaitable[Server]],
) -> AsyncIterator[Callable[[str, str], Awaitable[tuple[_Vendor, UpstreamHttp]]]]:
    made: list[UpstreamHttp] = []

    async def start(renewed: str, client: str) -> tuple[_Vendor, UpstreamHttp]:
        vendor = _Vendor(renewed)
        server = await serve(vendor)
        settings = HttpSettings(retry_attempts=1, http_client=client)
        identity = UpstreamHttp(
            ConnectionInfo("id", Vendor("featurebase"), server.url),
            base_url=server.url,
            read_error=read_identity_error,
            settings=settings,
        )
        session = LoginSession(identity, server.url + "/login", "user", "pw", lambda: 0.0)
        api = UpstreamHttp(
            ConnectionInfo("fb", Vendor("featurebase"), server.url),
            base_url=server.url,
            read_error=read_identity_error,
            auth=LoginAuth(session),
            settings=settings,
        )
        made.extend([identity, api])
        return vendor, api

    yield start
    for http in made:
        await http.aclose()


@pytest.mark.parametrize("client", HTTP_CLIENTS)
@pytest.mark.parametrize("renewed", ["new\r\nX-Evil: 1", "new\x00", "new\nX-Evil: 1"])
async def test_a_token_renewed_mid_flow_holding_cr_lf_is_never_sent(
    login_vendor: Callable[[str, str], Awaitable[tuple[_Vendor, UpstreamHttp]]],
    client: str,
    renewed: str,
) -> None:
    vendor, api = await login_vendor(renewed, client)
    with pytest.raises(UpstreamError) as raised:
        await api.request("GET", "/v1/x")
    assert raised.value.code is ErrorCode.INTERNAL  # refused here, not the vendor's doing
    assert vendor.logins == 2
    assert len(vendor.api_calls) == 1  # the first, with the good token; the renewed never
    assert b"Bearer good-token" in vendor.api_calls[0]
    assert all(b"X-Evil" not in call and b"new" not in call for call in vendor.api_calls)
    if isinstance(api.wire, LlhttpWire) and api.wire._slots is not None:
        settled(api.wire, api.settings.max_concurrency)


@pytest.mark.parametrize("client", HTTP_CLIENTS)
async def test_a_clean_renewed_token_is_sent_once_after_the_401(
    login_vendor: Callable[[str, str], Awaitable[tuple[_Vendor, UpstreamHttp]]],
    client: str,
) -> None:
    """The control: the same flow with a clean token does send the second request."""
    vendor, api = await login_vendor("new-token", client)
    with pytest.raises(UpstreamError) as raised:
        await api.request("GET", "/v1/x")
    assert raised.value.upstream_status == 401  # the second 401 stands
    assert [b"Bearer new-token" in call for call in vendor.api_calls] == [False, True]


# -- one wire, one event loop after another ------------------------------------------------


class _KeepAliveHandler(socketserver.BaseRequestHandler):
    """Answers every request on a connection, keeping it open (a thread per connection,
    so the server outlives the event loops the test runs one after another)."""

    def handle(self) -> None:
        pending = b""
        while True:
            data = self.request.recv(65536)
            if not data:
                return
            pending += data
            while b"\r\n\r\n" in pending:
                _, _, pending = pending.partition(b"\r\n\r\n")
                self.request.sendall(answer(b'{"ok":1}'))


class _ThreadedServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def test_a_wire_used_by_one_loop_after_another_never_reuses_a_dead_loops_connection() -> None:
    """The pool keeps connections idle past the loop that opened them; the next loop
    must open its own (before, its first call wrote into the dead loop's transport and
    failed with "Event loop is closed", and after uvloop with a negative descriptor).
    A dead loop's connection is let go: an asyncio transport can no longer close through
    its closed loop, so its socket is closed when it is collected, here in the test."""
    server = _ThreadedServer(("127.0.0.1", 0), _KeepAliveHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/x"
    wires = [LlhttpWire(auth=None, headers={}, pool=2, tls=_tls_context())]
    timeouts = Timeouts(2, 2)

    async def burst() -> list[int]:
        calls = (wires[0].send("GET", url, {}, None, timeouts, 1 << 20) for _ in range(3))
        answers = await asyncio.wait_for(asyncio.gather(*calls), 10)
        return [a.status_code for a in answers]

    unraisable: list[object] = []
    hook = sys.unraisablehook
    try:
        # each loop closes with the wire's idle connections open (the case itself): uvloop
        # says so with a ResourceWarning from inside its close, which must not raise there
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            for run in (asyncio.run, uvloop.run, asyncio.run, uvloop.run):
                assert run(burst()) == [200, 200, 200]
            asyncio.run(wires[0].aclose())  # from yet another loop: raises nothing either
            assert not wires[0]._open and not any(wires[0]._idle.values())
            wires.clear()
            sys.unraisablehook = unraisable.append
            gc.collect()
    finally:
        sys.unraisablehook = hook
        server.shutdown()
        server.server_close()
    # only "unclosed" notices of the dead loops' sockets, closed as they were collected
    assert all("unclosed" in str(getattr(u, "exc_value", "")) for u in unraisable)
