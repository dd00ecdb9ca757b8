"""An HTTP/1.1 client on asyncio protocols, its answers parsed by llhttp (``httptools``):
the wire of real sockets under the upstream policy.

Why not aiohttp (issue 16): on the cold dashboard aiohttp was 29% of the gateway's CPU,
about 130 us per call, most of it generic machinery (request and response objects, a
stream reader, per-read timer rescheduling, tracing signals) that a client sending small
JSON requests to one vendor host never uses. This wire writes each request as one
buffer, feeds the answer to llhttp (the parser uvicorn and Node use) from
``data_received``, and watches every exchange's time with one timer per wire; see
docs/performance.md for the measurements.

What it does, and what it refuses:

- a pool per wire: at most ``pool`` connections open, one exchange at a time on each, an
  idle one reused unless the vendor closed it (a close already in its socket counts, though
  the event loop has not read it yet), sent bytes on it, or it idled past ``IDLE_SECONDS``;
- bodies by Content-Length, chunked, or until the vendor closes (then never reused);
  ``gzip``, ``x-gzip`` and ``deflate`` decoded (the last coding only, as aiohttp does);
  a body past ``limit`` bytes, declared or decompressed, is ``ResponseTooLarge``;
- a head past ``MAX_HEAD_BYTES`` or anything llhttp cannot parse is ``BadAnswer``, as is
  a body cut short; a connection closed before any answer byte is httpx's
  ``RemoteProtocolError`` (a reset, ``ReadError``): the request may have reached the vendor;
- no answer byte within ``timeouts.read`` of the last one is ``ReadTimeout``, and the
  exchange's ``until`` (the request's deadline) reached is ``TimeoutError`` whatever came,
  in the same timer, so the policy needs no timer of its own per attempt; a refused,
  unresolvable or untrusted (TLS, the shared verifying context) connection is
  ``ConnectError``, a slow one ``ConnectTimeout`` (``TimeoutError`` where ``until``
  came first): nothing was sent;
- a header name or value holding CR, LF or NUL is never written (``LocalProtocolError``):
  a token a vendor's login answered cannot inject a header into the next request;
- an exchange cut (at ``until``, or cancelled) closes its connection, so no later
  request reads the rest of its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import select
import ssl
import zlib
from urllib.parse import urlsplit

import httptools
import httpx
from multidict import CIMultiDict

from adapters.running_loop import running_loop
from adapters.upstream.pool_slots import PoolSlots
from adapters.upstream.wire import (
    BadAnswer,
    FlowWire,
    ResponseTooLarge,
    Timeouts,
    UpstreamResponse,
)

#: the most bytes of a status line and headers read before the head is refused
MAX_HEAD_BYTES = 64 * 1024
#: an idle connection older than this is closed rather than reused (aiohttp's default
#: keep-alive): vendors' load balancers drop idle connections after about a minute
IDLE_SECONDS = 15.0
#: what a request accepts: what this wire can decode
ACCEPT_ENCODING = "gzip, deflate"
_DEFAULT_PORTS = {"http": 80, "https": 443}


class _Exchange:
    """One request's answer as it arrives."""

    __slots__ = (
        "body",
        "chunked",
        "coding",
        "decoder",
        "done",
        "future",
        "head_only",
        "headers",
        "length",
        "limit",
        "pending",
        "seen_bytes",
        "size",
        "status",
    )

    def __init__(self, future: asyncio.Future[None], limit: int, head_only: bool) -> None:
        self.future = future
        self.limit = limit
        self.head_only = head_only
        self.seen_bytes = 0
        self.restart()

    def restart(self) -> None:
        """Forget an informational answer (103 Early Hints): the real one follows. In place:
        the request's sender holds this object."""
        self.headers: CIMultiDict[str] = CIMultiDict()
        self.body: list[bytes] = []
        self.size = 0
        self.status = 0
        self.length: int | None = None
        self.chunked = False
        #: the content coding decoded: "gzip", "deflate" or "" (none)
        self.coding = ""
        self.decoder: zlib._Decompress | None = None
        #: the first byte of a deflated body, until the second tells zlib's wrapper from raw
        self.pending = b""
        #: the headers are in (a later close may end a body that has no length)
        self.done = False


class _Connection(asyncio.Protocol):
    """One pooled connection; ``exchange`` is the answer being read, if any."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.exchange: _Exchange | None = None
        self.closed = False
        #: whether this connection may carry another request once its answer is read
        self.reusable = False
        self.idle_since = 0.0
        self.last_read = 0.0
        self._dog: _Watchdog | None = None
        self._read_timeout = 0.0
        self._until: float | None = None
        #: bytes of this exchange fed since its last body byte (its head, its trailers)
        self.outside = 0

    # -- the transport's side ---------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        exchange = self.exchange
        if exchange is None or exchange.future.done():
            self.close()  # bytes nobody asked for: the connection cannot be trusted again
            return
        self.last_read = self.loop.time()
        exchange.seen_bytes += len(data)
        # llhttp holds a header line whole until it ends: what it is fed outside any body
        # (status line, headers, 1xx answers, trailers) is fed at most MAX_HEAD_BYTES in
        # all, so an endless line costs that much memory, never more
        view = memoryview(data)
        while view:
            room = MAX_HEAD_BYTES - self.outside
            if room <= 0:
                self._fail(BadAnswer(f"the answer's head is over {MAX_HEAD_BYTES} bytes"))
                return
            piece, view = view[:room], view[room:]
            self.outside += len(piece)
            if not self._feed(piece):
                return

    def _feed(self, data: memoryview) -> bool:
        """Parse ``data``; False once the connection is closed (the exchange failed)."""
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__context__
            if not isinstance(cause, BadAnswer | ResponseTooLarge):
                cause = BadAnswer(f"no HTTP answer: {cause!r}")
            self._fail(cause)
        except httptools.HttpParserUpgrade:
            self._fail(BadAnswer("the vendor switched protocols"))
        except httptools.HttpParserError as exc:
            self._fail(BadAnswer(f"no HTTP answer: {exc}"))
        return not self.closed

    def eof_received(self) -> bool:
        return False  # close: a half-closed connection is never reused

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.reusable = False
        self.unwatch()
        exchange = self.exchange
        if exchange is None or exchange.future.done():
            return
        if exc is None and exchange.done and exchange.length is None and not exchange.chunked:
            # a body that runs until the vendor closes: this close ends it
            try:
                self._finish(exchange)
            except Exception as failure:
                exchange.future.set_exception(failure)
            else:
                exchange.future.set_result(None)
            return
        exchange.future.set_exception(_lost(exchange, exc))

    # -- llhttp's callbacks -----------------------------------------------------------

    def on_message_begin(self) -> None:
        exchange = self.exchange
        assert exchange is not None
        if exchange.future.done():
            # another answer in the same read as the one asked for: never parsed into it,
            # and the connection, its next bytes unknown, is dropped
            raise BadAnswer("bytes after the answer")

    def on_header(self, name: bytes, value: bytes) -> None:
        exchange = self.exchange
        assert exchange is not None
        if exchange.done:
            return  # a trailer: not kept (counted as outside the body)
        key = name.decode("latin-1")
        text = value.decode("latin-1")
        exchange.headers.add(key, text)
        lowered = key.lower()
        if lowered == "content-length":
            exchange.length = int(text) if text.strip().isdigit() else None
        elif lowered == "transfer-encoding":
            exchange.chunked = "chunked" in text.lower()

    def on_headers_complete(self) -> None:
        exchange = self.exchange
        assert exchange is not None
        exchange.status = self.parser.get_status_code()
        exchange.done = True
        if exchange.status < 100:
            raise BadAnswer(f"no HTTP status: {exchange.status:03d}")
        if exchange.length is not None and exchange.length > exchange.limit:
            raise ResponseTooLarge
        coding = exchange.headers.get("content-encoding", "")
        codings = [c.strip().lower() for c in coding.split(",") if c.strip()]
        last = codings[-1] if codings else "identity"
        if last in ("gzip", "x-gzip"):
            exchange.coding = "gzip"
            exchange.decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif last == "deflate":
            exchange.coding = "deflate"  # its decoder once its first two bytes are in
        if exchange.head_only and exchange.status >= 200:
            self.reusable = False  # a HEAD answer's length is the GET's: never read on
            exchange.future.set_result(None)

    def on_body(self, chunk: bytes) -> None:
        exchange = self.exchange
        assert exchange is not None
        if exchange.future.done():
            raise BadAnswer("bytes after the answer")  # a body after a HEAD's answer
        self.outside = 0
        if exchange.coding:
            chunk = self._decoded(exchange, chunk)
        exchange.size += len(chunk)
        if exchange.size > exchange.limit:
            raise ResponseTooLarge
        exchange.body.append(chunk)

    def on_message_complete(self) -> None:
        exchange = self.exchange
        assert exchange is not None
        if 100 <= exchange.status < 200:
            exchange.restart()  # an informational answer (103 Early Hints)
            return
        if exchange.future.done():
            return
        self.reusable = self.parser.should_keep_alive()
        self._finish(exchange)
        exchange.future.set_result(None)

    # -- helpers ----------------------------------------------------------------------

    def _decoded(self, exchange: _Exchange, chunk: bytes) -> bytes:
        decoder = exchange.decoder
        if decoder is None:
            # "deflate" is sent with zlib's wrapper or raw (servers do both): its first two
            # bytes tell, however the body is split into chunks
            chunk = exchange.pending + chunk
            if len(chunk) < 2:
                exchange.pending = chunk
                return b""
            exchange.pending = b""
            wrapped = chunk[0] & 0x0F == 8 and ((chunk[0] << 8) | chunk[1]) % 31 == 0
            decoder = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            exchange.decoder = decoder
        room = exchange.limit - exchange.size + 1
        try:
            out = decoder.decompress(chunk, room)
        except zlib.error as exc:
            raise BadAnswer("a compressed body that does not decompress") from exc
        if decoder.unconsumed_tail:
            raise ResponseTooLarge  # more than ``room`` bytes came out of this chunk
        return out

    def _finish(self, exchange: _Exchange) -> None:
        if exchange.pending:
            raise BadAnswer("a compressed body that does not decompress")  # one byte
        decoder = exchange.decoder
        if decoder is not None:
            try:
                rest = decoder.flush()
            except zlib.error as exc:
                raise BadAnswer("a compressed body that does not decompress") from exc
            exchange.size += len(rest)
            if exchange.size > exchange.limit:
                raise ResponseTooLarge
            exchange.body.append(rest)

    def _fail(self, error: Exception) -> None:
        exchange = self.exchange
        if exchange is not None and not exchange.future.done():
            exchange.future.set_exception(error)
        self.close()

    def close(self) -> None:
        self.reusable = False
        self.closed = True
        self.unwatch()
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        self.reusable = False
        self.closed = True
        self.unwatch()
        if self.transport is not None:
            self.transport.abort()

    # -- the read timeout: one watchdog timer for all a wire's exchanges --------------

    def watch(self, read_timeout: float, until: float | None, dog: _Watchdog) -> None:
        """Fail the exchange once no byte came for ``read_timeout`` (ReadTimeout), or at
        ``until`` whatever came (TimeoutError: a vendor sending a byte now and then would
        otherwise hold it past the request's deadline)."""
        self._read_timeout = read_timeout
        self._until = until
        self.last_read = self.loop.time()
        self._dog = dog
        dog.watch(self)

    def due(self) -> float:
        due = self.last_read + self._read_timeout
        return due if self._until is None else min(due, self._until)

    def check(self, now: float) -> float | None:
        """At ``now``: the exchange failed if its time is up, else when to look again;
        None once there is nothing to watch."""
        exchange = self.exchange
        if exchange is None or exchange.future.done():
            return None
        if self._until is not None and now >= self._until:
            self._fail(TimeoutError("the exchange reached its deadline"))
            return None
        due = self.due()
        if now < due:
            return due
        self._fail(httpx.ReadTimeout(f"no answer byte within {self._read_timeout:g} s"))
        return None

    def unwatch(self) -> None:
        if self._dog is not None:
            self._dog.watched.discard(self)
            self._dog = None


class _Watchdog:
    """The read timeouts and deadlines of a wire's exchanges, on one timer: it fires at
    the soonest time any of them may be up, and each exchange's time moves on only when
    it fires (a byte read just sets ``last_read``). A timer per exchange cost a
    ``call_at`` and a ``cancel`` each call (about 1 us on uvloop, which makes a libuv
    handle of each); an exchange's time is almost never sooner than the timer's, which
    the first exchange of a wave set (``last_read`` + the read timeout, or the deadline)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.watched: set[_Connection] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._at = math.inf

    def watch(self, connection: _Connection) -> None:
        self.watched.add(connection)
        due = connection.due()
        if due < self._at:
            self._start(due)

    def _start(self, at: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._at = at
        self._timer = self.loop.call_at(at, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._at = math.inf
        now = self.loop.time()
        soonest = math.inf
        for connection in list(self.watched):
            again = connection.check(now)
            if again is None:
                self.watched.discard(connection)
            elif again < soonest:
                soonest = again
        if soonest < math.inf:
            self._start(soonest)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._at = math.inf
        self.watched.clear()


def _stirred(connection: _Connection) -> bool:
    """Whether an idle connection's socket has something to read: the vendor's close (or a
    reset) or bytes nobody asked for, already arrived but not yet seen by the event loop
    (the vendor closed right after answering). Either way it must not carry a request: a
    POST written into a closed connection would end OUTCOME_UNKNOWN though never read."""
    transport = connection.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None or not hasattr(select, "poll"):
        return False
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


def _lost(exchange: _Exchange, exc: Exception | None) -> Exception:
    """What a connection closed during ``exchange`` means: before any answer byte, the
    request may or may not have reached the vendor; after some, the answer was cut."""
    if exchange.seen_bytes == 0 and exchange.status == 0:
        if isinstance(exc, OSError):
            return httpx.ReadError(f"{type(exc).__name__}: {exc}")
        return httpx.RemoteProtocolError("Server disconnected without sending a response")
    return BadAnswer("the connection closed before the answer was complete")


class LlhttpWire(FlowWire):
    """Sends each request over a pooled connection of its own (see the module's text)."""

    ends_exchanges = True

    def _start(self) -> None:
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._open: set[_Connection] = set()
        self._slots: PoolSlots | None = None
        self._dog: _Watchdog | None = None
        self._closed = False

    async def _send(
        self,
        method: str,
        url: str,
        headers: CIMultiDict[str],
        body: bytes | None,
        timeouts: Timeouts,
        limit: int,
        until: float | None,
    ) -> UpstreamResponse:
        """One request as it is (its headers final), its answer read up to ``limit``; at
        ``until`` (loop time), wherever it is, it ends with TimeoutError."""
        scheme, host, port, netloc, path, query = _split(url)
        head = _head(method, path or "/", query, netloc, headers, body)
        slots = self._slots
        if slots is None:
            slots = self._slots = PoolSlots(self._pool)
        if not slots.take_now():  # every pooled connection busy
            if until is None:
                await slots.take(running_loop())
            else:
                async with asyncio.timeout_at(until):
                    await slots.take(running_loop())
        try:
            connection = await self._connection((scheme, host, port), timeouts.connect, until)
            loop = connection.loop
            future: asyncio.Future[None] = loop.create_future()
            exchange = _Exchange(future, limit, head_only=method == "HEAD")
            connection.exchange = exchange
            connection.reusable = False
            connection.outside = 0
            assert connection.transport is not None
            connection.transport.write(head if body is None else head + body)
            dog = self._dog
            if dog is None or dog.loop is not loop:
                dog = self._dog = _Watchdog(loop)
            connection.watch(timeouts.read, until, dog)
            try:
                await future
            except BaseException:
                connection.abort()  # the rest of its answer must not reach another request
                self._open.discard(connection)
                raise
            finally:
                connection.unwatch()
                connection.exchange = None
            self._release((scheme, host, port), connection)
        finally:
            slots.give()
        return UpstreamResponse(
            exchange.status,
            exchange.headers,
            b"".join(exchange.body),
            method,
            url,
            headers,
        )

    async def _connection(
        self, key: tuple[str, str, int], connect_timeout: float, until: float | None
    ) -> _Connection:
        idle = self._idle.get(key)
        if idle:
            loop = running_loop()
            while idle:
                connection = idle.pop()
                if (
                    connection.loop is loop  # a connection of a loop run before is dead
                    and not connection.closed
                    and loop.time() - connection.idle_since < IDLE_SECONDS
                    and not _stirred(connection)
                ):
                    return connection
                _let_go(connection)
                self._open.discard(connection)
        if self._closed:
            raise httpx.ConnectError("the wire is closed")
        scheme, host, port = key
        loop = running_loop()
        # the connect timeout, or ``until`` where it comes first: then it is ``until``'s
        # TimeoutError, not a connect timeout
        by_until = until is not None and until <= loop.time() + connect_timeout
        try:
            async with asyncio.timeout_at(until if by_until else loop.time() + connect_timeout):
                _, protocol = await loop.create_connection(
                    lambda: _Connection(loop),
                    host,
                    port,
                    ssl=self._tls if scheme == "https" else None,
                    server_hostname=host if scheme == "https" else None,
                )
        except TimeoutError as exc:
            if by_until:
                raise
            raise httpx.ConnectTimeout(f"no connection to {host}:{port} in time") from exc
        except (OSError, ssl.SSLError) as exc:
            # refused, no such host, TLS verification failed: nothing was sent
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}") from exc
        self._open.add(protocol)
        return protocol

    def _release(self, key: tuple[str, str, int], connection: _Connection) -> None:
        transport = connection.transport
        if transport is not None and transport.get_write_buffer_size():
            # answered before its request was written out (a 413 from the head alone):
            # the rest of the body must not reach the vendor as the start of another
            # request, nor be sent at all (RFC 9112, 9.3): dropped unsent
            connection.abort()
            self._open.discard(connection)
            return
        if connection.reusable and not connection.closed and not self._closed:
            connection.idle_since = connection.loop.time()
            self._idle.setdefault(key, []).append(connection)
            return
        connection.close()
        self._open.discard(connection)

    async def aclose(self) -> None:
        self._closed = True
        if self._dog is not None:
            self._dog.stop()
        for connection in list(self._open):
            _let_go(connection)
        self._open.clear()
        self._idle.clear()


def _let_go(connection: _Connection) -> None:
    """Close a connection, which may belong to a loop that has closed since (a wire used
    by one ``asyncio.run`` after another): a transport cannot close through its closed
    loop, so its socket is closed when the transport is collected (``close`` marks the
    connection closed before it reaches the transport)."""
    with contextlib.suppress(RuntimeError):  # "Event loop is closed"
        connection.close()


def _split(url: str) -> tuple[str, str, int, str, str, str]:
    """(scheme, host, port, netloc, path, query) of a URL, as ``urlsplit`` reads them.
    Every call passes here and most URLs are new (they name records just listed), so
    the origin is read once per connection and the rest by partition; a URL ``urlsplit``
    would clean or read otherwise (a tab or line break, a leading space or control, a
    scheme in capitals, an origin without a path) is read by ``urlsplit`` itself."""
    scheme, sep, rest = url.partition("://")
    netloc, slash, tail = rest.partition("/")
    if (
        sep
        and slash
        and (scheme == "http" or scheme == "https")
        and "?" not in netloc
        and "#" not in netloc
        and "\t" not in url
        and "\r" not in url
        and "\n" not in url
    ):
        origin = _origin(scheme, netloc)
        target = tail.partition("#")[0]
        path, _, query = target.partition("?")
        return scheme, origin[0], origin[1], netloc, "/" + path, query
    parts = urlsplit(url)
    scheme = parts.scheme
    host = parts.hostname or ""
    port = parts.port or _DEFAULT_PORTS.get(scheme, 80)
    return scheme, host, port, parts.netloc, parts.path, parts.query


@functools.lru_cache(maxsize=256)  # a gateway talks to a few origins
def _origin(scheme: str, netloc: str) -> tuple[str, int]:
    parts = urlsplit(f"{scheme}://{netloc}/")
    return parts.hostname or "", parts.port or _DEFAULT_PORTS.get(scheme, 80)


def _head(
    method: str,
    path: str,
    query: str,
    host: str,
    headers: CIMultiDict[str],
    body: bytes | None,
) -> bytes:
    """The request line and headers (``FlowWire`` refused headers holding CR, LF or NUL);
    a request line holding one, or a space in its target, is refused here."""
    target = f"{path}?{query}" if query else path
    hostname = host.rpartition("@")[2]
    # the request line and the Host line hold nothing else a caller could choose
    probe = method + target + hostname
    if "\r" in probe or "\n" in probe or "\x00" in probe or " " in target:
        raise httpx.LocalProtocolError("the request line holds CR, LF, NUL or a space")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {hostname}"]
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


__all__ = ["LlhttpWire"]
