"""How one request reaches the vendor: the wire under the upstream policy.

``adapters.upstream.http.UpstreamHttp`` decides what to send, when and how often; a wire
sends one request, reads its body up to a bound, and reports a transport failure as one
of httpx's exception classes, which the policy translates into ``UpstreamError`` in its
one place:

    httpx.ConnectError        never reached the vendor (refused, DNS, TLS verification)
    httpx.ConnectTimeout      never reached the vendor (no connection in time)
    httpx.ReadTimeout         may have reached it (no answer in time)
    httpx.RemoteProtocolError may have reached it (dropped after sending)
    BadAnswer                 reached it: the answer began but is no complete HTTP answer
                              (a truncated body, an answer that is no HTTP)
    httpx.ReadError           may have reached it (reset while sending or reading)
    ResponseTooLarge          the vendor answered more than ``max_response_bytes``

Two wires:

- ``AiohttpWire`` for real sockets. Measured on this machine (issue 16, CPU per GET, 500
  requests to a local JSON endpoint, concurrency 8 / 64): httpx on httpcore 754 / 4281 us
  with the pool sized to the concurrency, httpx on the httpx-aiohttp transport 305 / 252
  us, aiohttp directly 110 / 98 us. httpcore's pool walks every idle connection on every
  request; httpx's request building and auth flow cost about 100 us more. So the wire
  drives aiohttp itself, with static credentials as ready headers.
- ``HttpxWire``: an ``httpx.AsyncClient`` with its own transport, for in-process
  simulators (``ASGITransport``), tests (``MockTransport``) and OpenTelemetry, whose
  instrumentation hooks httpx.
"""

from __future__ import annotations

import base64
import http
import itertools
import json
import ssl
from collections.abc import AsyncGenerator, Generator, Mapping
from typing import Any, NamedTuple, Protocol, cast

import aiohttp
import httpx
from multidict import CIMultiDict
from yarl import URL


class ResponseTooLarge(Exception):
    """The vendor's body passed ``max_response_bytes`` (decompressed)."""


class BadAnswer(httpx.RemoteProtocolError):
    """The vendor answered, but not with a complete HTTP answer: a body cut short of its
    declared length, or bytes that are no HTTP. The request reached the vendor."""


class UpstreamResponse:
    """A vendor's answer, its body read: what the vendor clients see of it."""

    __slots__ = (
        "_clean_as_of",
        "_parsed",
        "_parsed_as_of",
        "content",
        "headers",
        "method",
        "sent_headers",
        "status_code",
        "url",
    )

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        method: str,
        url: str,
        sent_headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.method = method
        self.url = url
        #: the headers as sent, credentials included (the scrubber learns them)
        self.sent_headers = sent_headers or {}
        self._parsed: Any = None
        self._parsed_as_of: object = None
        self._clean_as_of: object = None

    def keep_parsed(self, value: Any, as_of: object, clean: bool = False) -> None:
        """The body as the policy parsed it (checking it could be kept), while its
        scrubber was at ``as_of``: the first reader takes it instead of parsing again.
        ``clean``: the scrubber found no secret in the body then."""
        self._parsed, self._parsed_as_of = value, as_of
        self._clean_as_of = as_of if clean else None

    def found_clean(self, as_of: object) -> bool:
        """Whether the body was found to hold no secret while the scrubber was at ``as_of``."""
        return self._clean_as_of is not None and self._clean_as_of == as_of

    def has_parsed(self, as_of: object) -> bool:
        return self._parsed_as_of is not None and self._parsed_as_of == as_of

    def take_parsed(self, as_of: object) -> Any:
        """The kept parse, once (a second reader, a GET's joiner, parses its own copy, so
        no two readers share a value either may change), and only while the scrubber is
        where it was: a secret learnt since must be scrubbed from it. None otherwise."""
        value = self._parsed if self.has_parsed(as_of) else None
        self._parsed = self._parsed_as_of = None
        return value

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def reason_phrase(self) -> str:
        try:
            return http.HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    @property
    def text(self) -> str:
        charset = "utf-8"
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)

    def __repr__(self) -> str:
        return f"<UpstreamResponse {self.method} {self.url} {self.status_code}>"


def cached_response(
    status: int, content_type: str | None, body: bytes, url: str
) -> UpstreamResponse:
    """An answer rebuilt from the cross-request cache."""
    headers: CIMultiDict[str] = CIMultiDict()
    if content_type:
        headers["content-type"] = content_type
    return UpstreamResponse(status, headers, body, "GET", url)


class HeaderAuth(httpx.Auth):
    """Credentials that are the same headers on every request (an API key, HTTP Basic, a
    bearer token): the aiohttp wire sends them as they are, with no auth flow per call."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self.headers = dict(headers)

    @classmethod
    def basic(cls, user: str, password: str) -> HeaderAuth:
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return cls({"Authorization": f"Basic {pair}"})

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(self.headers)
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self.headers)})"


class Timeouts(NamedTuple):
    """An attempt's connect and read timeouts (a tuple: one is made per attempt, and a
    frozen dataclass's ``__init__`` cost five times as much)."""

    connect: float
    read: float


class Wire(Protocol):
    #: whether ``send`` ends an exchange at its ``until`` by itself (TimeoutError); a wire
    #: that does not is ended by a timer around the call, and ignores ``until``
    ends_exchanges: bool

    async def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        timeouts: Timeouts,
        limit: int,
        until: float | None = None,
    ) -> UpstreamResponse: ...

    async def aclose(self) -> None: ...


def encode_json(value: Any) -> bytes:
    """A request body as httpx's ``json=`` writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class HttpxWire:
    """Sends through an ``httpx.AsyncClient`` (its transport, auth and headers)."""

    ends_exchanges = False

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        timeouts: Timeouts,
        limit: int,
        until: float | None = None,
    ) -> UpstreamResponse:
        if body is not None and not any(k.lower() == "content-type" for k in headers):
            headers = {**headers, "Content-Type": "application/json"}
        request = self.client.build_request(
            method,
            url,
            headers=headers,
            content=body,
            timeout=httpx.Timeout(timeouts.read, connect=timeouts.connect),
        )
        try:
            response = await self.client.send(request, stream=True)
        except httpx.RemoteProtocolError as exc:
            if _answered_badly(exc):
                raise BadAnswer(f"{type(exc).__name__}: {exc}") from exc
            raise
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise ResponseTooLarge
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise ResponseTooLarge
                chunks.append(chunk)
        except httpx.RemoteProtocolError as exc:
            if _answered_badly(exc):
                raise BadAnswer(f"{type(exc).__name__}: {exc}") from exc
            raise
        finally:
            await response.aclose()
        return UpstreamResponse(
            response.status_code,
            response.headers,
            b"".join(chunks),
            method,
            str(response.request.url),
            response.request.headers,
        )

    async def aclose(self) -> None:
        await self.client.aclose()


#: httpcore's words for a connection closed before any answer came (h11 says "illegal
#: status line", "Invalid header" and the like for an answer that is no HTTP, and "peer
#: closed connection without sending complete message body" for a truncated one)
_NO_ANSWER = "Server disconnected without sending a response"


def _answered_badly(exc: httpx.RemoteProtocolError) -> bool:
    """Whether httpx's protocol error is an answer that began and is no complete HTTP
    answer, rather than a drop before any answer came."""
    return not isinstance(exc, BadAnswer) and not str(exc).startswith(_NO_ANSWER)


#: aiohttp timeouts one wire keeps made (the configured pair, and the first few others)
_TIMEOUTS_KEPT = 16


class FlowWire:
    """A socket wire's common part: at most ``pool`` connections, TLS verified with
    ``tls``, static credentials as ready headers, and an auth that decides per request (a
    login token renewed on a 401) run as its httpx flow, each request it yields sent by
    the subclass's ``_send``."""

    def __init__(
        self,
        *,
        auth: httpx.Auth | None,
        headers: Mapping[str, str],
        pool: int,
        tls: ssl.SSLContext,
    ) -> None:
        self._auth = None if isinstance(auth, HeaderAuth) or auth is None else auth
        self._headers: dict[str, str] = {
            **headers,
            **(auth.headers if isinstance(auth, HeaderAuth) else {}),
        }
        self._pool = pool
        self._tls = tls
        self._start()

    #: a subclass that ends exchanges at ``until`` says so
    ends_exchanges = False

    def _start(self) -> None:
        """The subclass's own state, made with the wire."""

    async def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        timeouts: Timeouts,
        limit: int,
        until: float | None = None,
    ) -> UpstreamResponse:
        # case-insensitive, as the scrubber looks credential headers up by lower-case name
        sent = CIMultiDict(self._headers)
        sent.update(headers)
        if body is not None:
            sent.setdefault("Content-Type", "application/json")  # unless a vendor's own
        if self._auth is None:
            _refuse_injection(sent)
            return await self._send(method, url, sent, body, timeouts, limit, until)
        return await self._with_auth_flow(
            self._auth, method, url, sent, body, timeouts, limit, until
        )

    async def _with_auth_flow(
        self,
        auth: httpx.Auth,
        method: str,
        url: str,
        headers: CIMultiDict[str],
        body: bytes | None,
        timeouts: Timeouts,
        limit: int,
        until: float | None,
    ) -> UpstreamResponse:
        request = httpx.Request(method, url, headers=headers, content=body)
        flow = cast(AsyncGenerator[httpx.Request, Any], auth.async_auth_flow(request))
        try:
            request = await flow.__anext__()
            while True:
                sent = CIMultiDict(request.headers.multi_items())
                _refuse_injection(sent)
                response = await self._send(
                    request.method, str(request.url), sent, body, timeouts, limit, until
                )
                try:
                    request = await flow.asend(response)
                except StopAsyncIteration:
                    return response
        finally:
            await flow.aclose()

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
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError


def _refuse_injection(headers: CIMultiDict[str]) -> None:
    """Refuse headers holding CR, LF or NUL before anything is sent: a token a vendor's
    login answered (the auth flow sets it) must not inject a header, on either wire. A
    check in ``send``, not a coroutine around ``_send``: every call passes it."""
    text = " ".join(itertools.chain.from_iterable(headers.items()))  # one scan a char
    if "\r" in text or "\n" in text or "\x00" in text:
        raise httpx.LocalProtocolError("a header holds CR, LF or NUL")


class AiohttpWire(FlowWire):
    """Sends over aiohttp's connection pool, TLS verified with the shared context."""

    def _start(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[Timeouts, aiohttp.ClientTimeout] = {}

    def _open(self) -> aiohttp.ClientSession:
        """The session, made on first use (aiohttp binds the running loop)."""
        if self._session is None:
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool, limit_per_host=0, ssl=self._tls),
                # vendors authenticate by header; nothing a vendor sets is sent back
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            # aiohttp resends a GET, PUT or DELETE once when its connection drops: only
            # the policy decides what is resent (a PUT only where the vendor documents it
            # idempotent), and each attempt is one request, as with httpx
            session._retry_connection = False
            self._session = session
        return self._session

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
        session = self._open()
        timeout = self._timeouts.get(timeouts)
        if timeout is None:
            timeout = aiohttp.ClientTimeout(
                total=None, sock_connect=timeouts.connect, sock_read=timeouts.read
            )
            if len(self._timeouts) < _TIMEOUTS_KEPT:  # a deadline's remainder varies
                self._timeouts[timeouts] = timeout
        try:
            async with session.request(
                method,
                # as built by the policy, segments already quoted: sent as it is
                URL(url, encoded=True),
                headers=headers,
                data=body,
                timeout=timeout,
                allow_redirects=False,
            ) as response:
                content = await _read(response, limit)
                return UpstreamResponse(
                    response.status, response.headers, content, method, url, headers
                )
        except aiohttp.ClientError as exc:
            raise _translated(exc) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _read(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, refused once it passes ``limit`` bytes decompressed."""
    declared = response.content_length
    if declared is not None and declared > limit:
        raise ResponseTooLarge
    if declared is not None and "content-encoding" not in response.headers:
        return await response.read()  # exactly the declared bytes, within the bound
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise ResponseTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _translated(exc: aiohttp.ClientError) -> Exception:
    """aiohttp's failure as the httpx class of the same meaning (the order matters:
    aiohttp's connect errors are OS errors, its timeouts are connection errors)."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(text)
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return httpx.ReadTimeout(text)
    if isinstance(exc, aiohttp.ClientConnectorError):
        # refused, no such host, TLS verification failed: nothing was sent
        return httpx.ConnectError(text)
    if isinstance(exc, aiohttp.ClientOSError):
        return httpx.ReadError(text)
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
        # a truncated body, or an answer that is no HTTP (its status line or headers)
        return BadAnswer(text)
    # dropped after sending (ServerDisconnectedError), or anything else aiohttp says: the
    # request may have reached the vendor
    return httpx.RemoteProtocolError(text)


__all__ = [
    "AiohttpWire",
    "BadAnswer",
    "FlowWire",
    "HeaderAuth",
    "HttpxWire",
    "ResponseTooLarge",
    "Timeouts",
    "UpstreamResponse",
    "Wire",
    "cached_response",
    "encode_json",
]
