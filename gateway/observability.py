"""Request IDs, JSON logs and the access log.

Every HTTP request gets an ID: the caller's ``X-Request-ID`` when it is a plain token (so a
BFF can follow its own ID through), else a new one. It is set before anything else runs, so
every log line of the request carries it, every upstream call sends it (``X-Request-ID``,
``adapters.upstream.http``), and the response returns it, 401s and 413s included.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.upstream.http import current_request_id
from gateway.auth import CALLER_SCOPE_KEY, current_caller

access_log = logging.getLogger("dbaas_gateway.access")

#: what a caller's request ID may look like: it goes into logs and upstream headers
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
#: LogRecord attributes that are not ``extra`` fields
_STANDARD = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
    "caller",
}


def request_id_from(raw: str | None) -> str:
    return raw if raw is not None and _REQUEST_ID.match(raw) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Assigns the request ID, returns it as a header and writes one access log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = next((v for k, v in scope["headers"] if k == b"x-request-id"), None)
        request_id = request_id_from(raw.decode("latin-1") if raw is not None else None)
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                # the client token's name (or proxied user), never the token itself
                caller = scope.get(CALLER_SCOPE_KEY)
                access_log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status or 500,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status or 500,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "caller": caller.name if caller is not None else None,
                    },
                )
            current_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request's ID and caller on every record (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        if not hasattr(record, "caller"):  # the access line brings its own
            caller = current_caller.get()
            record.caller = caller.name if caller is not None else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request ID, extra fields."""

    converter = time.gmtime  # type: ignore[assignment]  # the "Z" in the time field

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "caller": getattr(record, "caller", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")


def configure_logging(level: str, fmt: str = "json") -> None:
    """Route every logger (uvicorn's too) through one stderr handler in ``fmt``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # our access log replaces uvicorn's, which lacks the request ID
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every request at INFO; the upstream policy logs what matters (retries,
    # failures) and metrics count the rest
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
