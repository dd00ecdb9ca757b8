"""What every vendor simulator shares: a request log and fault injection.

A simulator is a Starlette app written from one vendor's docs. It shares no code with
that vendor's adapter; what it shares with other simulators lives here, so tests can read
any simulator's traffic and make any simulator fail the same way.

Usage inside a simulator::

    self.log = RequestLog()
    self.faults = FaultInjector()
    app = Starlette(routes=..., middleware=[
        Middleware(SimulatorMiddleware, log=self.log, faults=self.faults,
                   render_error=vendor_error_response),
    ])

Handlers record who authenticated with ``set_identity(request, "key-id")``.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ErrorRenderer = Callable[[int, str], Response]


@dataclass(frozen=True)
class LoggedRequest:
    """One request a simulator answered."""

    method: str
    path: str
    query: str
    identity: str | None
    status: int


@dataclass
class RequestLog:
    """Every request a simulator answered, in order. Thread-safe for uvicorn workers."""

    entries: list[LoggedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def append(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.entries.append(entry)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def matching(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """Entries with this method and whose path fully matches the regex ``path``."""
        pattern = re.compile(path) if path is not None else None
        with self._lock:
            entries = list(self.entries)
        return [
            e
            for e in entries
            if (method is None or e.method == method)
            and (pattern is None or pattern.fullmatch(e.path))
        ]

    def count(self, method: str | None = None, path: str | None = None) -> int:
        return len(self.matching(method, path))


@dataclass
class Fault:
    """Answer matching requests with ``status`` (or delay them) ``times`` times (None: always)."""

    status: int | None
    path: re.Pattern[str]
    method: str | None = None
    times: int | None = 1
    delay: float = 0.0
    message: str = "injected fault"
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and bool(self.path.fullmatch(path))


@dataclass
class FaultInjector:
    """Faults tests ask for; the first matching one applies to a request."""

    faults: list[Fault] = field(default_factory=list)

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
    ) -> Fault:
        fault = Fault(status, re.compile(path), method, times, delay, message, headers or {})
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, path):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None


def set_identity(request: Request, identity: str) -> None:
    """Record who this request authenticated as, for the request log."""
    request.scope.setdefault("state", {})["sim_identity"] = identity


class SimulatorMiddleware:
    """Logs every request and applies injected faults before the vendor routes run."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        log: RequestLog,
        faults: FaultInjector,
        render_error: ErrorRenderer,
    ) -> None:
        self.app = app
        self.log = log
        self.faults = faults
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        status_holder: list[int] = [0]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
            await send(message)

        fault = self.faults.take(method, path)
        if fault is not None and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault is not None and fault.status is not None:
            response = self.render_error(fault.status, fault.message)
            response.headers.update(fault.headers)
            await response(scope, receive, send_wrapper)
        else:
            await self.app(scope, receive, send_wrapper)
        identity = scope.get("state", {}).get("sim_identity")
        self.log.append(LoggedRequest(method, path, query, identity, status_holder[0]))


Handler = Callable[[Request], Awaitable[Response]]
