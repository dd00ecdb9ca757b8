"""Fault injection for the vendor simulators: what can go wrong on the way to a vendor.

Tests and demo mode add faults to a simulator's ``faults`` (a ``FaultInjector``); its
``SimulatorMiddleware`` asks the injector, for every request, what to do:

    kind        what the client sees
    LATENCY     the normal answer, later (``delay`` plus up to ``jitter`` seconds)
    ERROR       ``status`` in the vendor's own error shape (a 429 burst is an ERROR)
    HANG        nothing until it gives up; released or timed-out holds drop the connection
    MALFORMED   a 2xx whose body is not what the vendor sends (HTML, truncated, wrong type)
    DROP        the connection closes without a complete answer

Every fault matches a method and a path regex, fires with ``probability`` (the error-rate
form, drawn from the injector's seedable ``rng``), ``times`` times (None: always), and
each firing covers ``burst`` consecutive matching requests. Latency faults stack: their
delays add up and the search goes on; the first other fault that fires answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import httpx
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MalformedKind = Literal["html", "truncated", "wrong-type", "empty"]
MALFORMED_KINDS: tuple[MalformedKind, ...] = ("html", "truncated", "wrong-type", "empty")

#: what a proxy in front of a vendor answers when the vendor is not there
PROXY_ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>502 Bad Gateway</h1><hr><p>nginx</p></body></html>"
)


class ConnectionDropped(httpx.RemoteProtocolError):
    """The simulator closed the connection without a complete answer.

    In-process, ``httpx.ASGITransport`` is the network and re-raises what the app raises,
    so this is an httpx transport error: the client sees what a real peer closing the
    socket causes (``httpx.RemoteProtocolError``), wherever the simulator runs. Under
    uvicorn the response has started when it is raised, so uvicorn closes the socket.
    """


class FaultKind(StrEnum):
    LATENCY = "latency"
    ERROR = "error"
    HANG = "hang"
    MALFORMED = "malformed"
    DROP = "drop"


@dataclass
class Fault:
    """One injected fault; ``status`` None and no ``kind`` means a latency-only fault."""

    status: int | None
    path: re.Pattern[str]
    method: str | None = None
    times: int | None = 1
    delay: float = 0.0
    message: str = "injected fault"
    headers: dict[str, str] = field(default_factory=dict)
    jitter: float = 0.0
    probability: float = 1.0
    burst: int = 1
    kind: FaultKind | None = None
    malformed: MalformedKind = "html"
    #: HANG: give up holding after this many seconds (None: until released)
    hang_for: float | None = None
    #: DROP: let the vendor do the work first, then lose its answer
    processed: bool = False
    #: requests left in the current burst
    burst_left: int = field(default=0, repr=False)

    def __post_init__(self) -> None:
        if self.kind is None:
            self.kind = FaultKind.LATENCY if self.status is None else FaultKind.ERROR
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"probability must be within 0..1, not {self.probability}")
        if self.burst < 1:
            raise ValueError(f"burst must be at least 1, not {self.burst}")

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and bool(self.path.fullmatch(path))


@dataclass(frozen=True)
class FaultPlan:
    """What the middleware does with one request: wait ``delay``, then apply ``fault``."""

    delay: float = 0.0
    fault: Fault | None = None


class HeldRequests:
    """Requests a HANG fault holds; ``release`` lets them all go, from any thread.

    A future per request (not one shared Event) because a simulator under uvicorn runs
    on another thread's loop than the test that releases it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: set[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = set()

    def __len__(self) -> int:
        with self._lock:
            return len(self._waiting)

    async def hold(self, timeout: float | None) -> None:
        """Wait until released or ``timeout``; cancelling the request ends it too."""
        loop = asyncio.get_running_loop()
        waiter = (loop, loop.create_future())
        with self._lock:
            self._waiting.add(waiter)
        try:
            async with asyncio.timeout(timeout):
                await waiter[1]
        except TimeoutError:
            pass
        finally:
            with self._lock:
                self._waiting.discard(waiter)

    def release(self) -> int:
        with self._lock:
            waiting, self._waiting = self._waiting, set()
        for loop, future in waiting:
            # a closed loop raises RuntimeError: nothing waits there any more
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_resolve, future)
        return len(waiting)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


@dataclass
class FaultInjector:
    """Faults tests (or demo mode) ask for, in the order they were added."""

    faults: list[Fault] = field(default_factory=list)
    #: draws probabilities and jitter; seed it for a repeatable run
    rng: random.Random = field(default_factory=random.Random)
    #: waits out latency; tests may replace it to record delays instead of waiting
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    held: HeldRequests = field(default_factory=HeldRequests, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(
        self,
        status: int | None = 500,
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = 1,
        delay: float = 0.0,
        message: str = "injected fault",
        headers: dict[str, str] | None = None,
        jitter: float = 0.0,
        probability: float = 1.0,
    ) -> Fault:
        """Answer ``status`` in the vendor's error shape (None: only delay the request)."""
        return self._append(
            Fault(
                status,
                re.compile(path),
                method,
                times,
                delay,
                message,
                headers or {},
                jitter=jitter,
                probability=probability,
            )
        )

    def add_latency(
        self,
        delay: float,
        *,
        jitter: float = 0.0,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
        probability: float = 1.0,
    ) -> Fault:
        """Delay matching requests by ``delay`` plus a uniform 0..``jitter`` seconds."""
        return self.add(
            None,
            path=path,
            method=method,
            times=times,
            delay=delay,
            jitter=jitter,
            probability=probability,
        )

    def add_rate_limit(
        self,
        burst: int = 1,
        *,
        retry_after: int = 1,
        path: str = ".*",
        method: str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
    ) -> Fault:
        """Answer the next ``burst`` matching requests 429 with Retry-After (``times`` bursts).

        X-RateLimit-Reset too: ClickHouse sends that instead, and other clients ignore it.
        """
        seconds = str(retry_after)
        fault = Fault(
            429,
            re.compile(path),
            method,
            times,
            message="Too many requests (injected)",
            headers={"Retry-After": seconds, "X-RateLimit-Reset": seconds},
            probability=probability,
            burst=burst,
        )
        return self._append(fault)

    def add_hang(
        self,
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
        hang_for: float | None = None,
    ) -> Fault:
        """Never answer: the client's timeout ends it (or ``release()``, or ``hang_for``)."""
        return self._append(
            Fault(
                None,
                re.compile(path),
                method,
                times,
                kind=FaultKind.HANG,
                probability=probability,
                hang_for=hang_for,
            )
        )

    def add_malformed(
        self,
        kind: MalformedKind = "html",
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
    ) -> Fault:
        """Answer with a body the vendor never sends (see ``malformed_response``)."""
        if kind not in MALFORMED_KINDS:
            raise ValueError(f"malformed kind must be one of {', '.join(MALFORMED_KINDS)}")
        fault = Fault(
            None,
            re.compile(path),
            method,
            times,
            kind=FaultKind.MALFORMED,
            malformed=kind,
            probability=probability,
        )
        return self._append(fault)

    def add_drop(
        self,
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
        processed: bool = False,
    ) -> Fault:
        """Close the connection without an answer (after the vendor did the work if
        ``processed``: a write that happened although the client saw it fail)."""
        fault = Fault(
            None,
            re.compile(path),
            method,
            times,
            kind=FaultKind.DROP,
            probability=probability,
            processed=processed,
        )
        return self._append(fault)

    def _append(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault and let held requests go."""
        with self._lock:
            self.faults.clear()
        self.release()

    def release(self) -> int:
        """End every request a HANG fault holds (they drop); how many there were."""
        return self.held.release()

    def plan(self, method: str, path: str) -> FaultPlan:
        """Roll the dice for one request: the summed latency and the fault that answers."""
        delay = 0.0
        with self._lock:
            for fault in list(self.faults):
                if not fault.matches(method, path) or not self._fires(fault):
                    continue
                if fault.delay or fault.jitter:
                    delay += fault.delay + self.rng.uniform(0.0, fault.jitter)
                if fault.kind is not FaultKind.LATENCY:
                    return FaultPlan(delay, fault)
        return FaultPlan(delay)

    def _fires(self, fault: Fault) -> bool:
        if fault.burst_left > 0:
            fault.burst_left -= 1
        elif fault.probability >= 1.0 or self.rng.random() < fault.probability:
            fault.burst_left = fault.burst - 1
            if fault.times is not None:
                fault.times -= 1
        else:
            return False
        if fault.times is not None and fault.times <= 0 and fault.burst_left == 0:
            self.faults.remove(fault)
        return True


@dataclass
class Captured:
    """A whole response the vendor routes sent, kept back instead of sent."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


async def capture(app: ASGIApp, scope: Scope, receive: Receive) -> Captured:
    captured = Captured()

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            captured.status = message["status"]
            captured.headers = {
                k.decode("latin-1"): v.decode("latin-1") for k, v in message.get("headers", [])
            }
        elif message["type"] == "http.response.body":
            captured.body += message.get("body", b"")

    await app(scope, receive, send)
    return captured


async def malformed_response(
    kind: MalformedKind, app: ASGIApp, scope: Scope, receive: Receive
) -> Response:
    """A 2xx the adapter cannot read. "truncated" and "wrong-type" start from the vendor's
    real answer (the routes run), so the status and headers are the vendor's own."""
    if kind == "html":
        return HTMLResponse(PROXY_ERROR_PAGE)
    if kind == "empty":
        return Response(b"", media_type="application/json")
    real = await capture(app, scope, receive)
    headers = {k: v for k, v in real.headers.items() if k.lower() != "content-length"}
    if kind == "truncated":
        body = real.body[: len(real.body) // 2] or b"{"
    else:
        try:
            original = json.loads(real.body)
        except ValueError:
            original = None
        # the same body with the other container type at the top
        body = b'{"unexpected": true}' if isinstance(original, list) else b"[]"
    return Response(body, status_code=real.status, headers=headers)


async def drop(scope: Scope, send: Send) -> None:
    """Start an answer and abandon it: uvicorn closes the socket mid-response (raising
    before the start would make it send a 500), ASGITransport re-raises the exception."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    # in httpx's words for a peer that closed before answering: in process the client
    # sees a drop, not a truncated answer (under uvicorn the head went out: it is one)
    raise ConnectionDropped(
        "Server disconnected without sending a response "
        f"(the simulator dropped {scope['method']} {scope['path']})"
    )
