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

Handlers record who authenticated with ``set_identity(request, "key-id")``. The fault kinds
(latency, errors, 429 bursts, hangs, malformed bodies, dropped connections) are in
``adapters.simulation.faults``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.simulation.faults import (
    ConnectionDropped,
    Fault,
    FaultInjector,
    FaultKind,
    capture,
    drop,
    malformed_response,
)

__all__ = [
    "ConnectionDropped",
    "Fault",
    "FaultInjector",
    "LoggedRequest",
    "RequestLog",
    "SimulatorMiddleware",
    "set_identity",
]

ErrorRenderer = Callable[[int, str], Response]


@dataclass(frozen=True)
class LoggedRequest:
    """One request a simulator answered."""

    method: str
    path: str
    query: str
    identity: str | None
    #: 0 when no answer was given (a hang the client gave up on, a dropped connection)
    status: int
    #: the path as it came over the wire, still percent-encoded (``path`` is decoded)
    raw_path: str = ""


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
        raw_path = (scope.get("raw_path") or path.encode()).decode("latin-1").split("?")[0]
        query = scope.get("query_string", b"").decode("latin-1")
        status_holder: list[int] = [0]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
            await send(message)

        plan = self.faults.plan(method, path)
        try:
            if plan.delay:
                await self.faults.sleep(plan.delay)
            if plan.fault is None:
                await self.app(scope, receive, send_wrapper)
            else:
                await self._inject(plan.fault, scope, receive, send_wrapper)
        except ConnectionDropped:
            status_holder[0] = 0
            raise
        finally:
            # also when the client gives up (cancelled): tests read that the request came
            identity = scope.get("state", {}).get("sim_identity")
            entry = LoggedRequest(method, path, query, identity, status_holder[0], raw_path)
            self.log.append(entry)

    async def _inject(self, fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        match fault.kind:
            case FaultKind.ERROR:
                assert fault.status is not None
                response = self.render_error(fault.status, fault.message)
                response.headers.update(fault.headers)
                await response(scope, receive, send)
            case FaultKind.MALFORMED:
                response = await malformed_response(fault.malformed, self.app, scope, receive)
                await response(scope, receive, send)
            case FaultKind.HANG:
                await self.faults.held.hold(fault.hang_for)
                await drop(scope, send)
            case FaultKind.DROP:
                if fault.processed:
                    await capture(self.app, scope, receive)
                await drop(scope, send)
            case _:  # LATENCY never answers: the injector's plan only carries it as delay
                await self.app(scope, receive, send)


Handler = Callable[[Request], Awaitable[Response]]
