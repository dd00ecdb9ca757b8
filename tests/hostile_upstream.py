"""Hostile upstreams for tests: proxies put between the gateway and a vendor's simulator.

``EchoingProxy`` plays a vendor, proxy or WAF that repeats back what the gateway sent it:
every header that may hold a credential, which is any but the transport's (as sent, its
credential part, a Basic pair decoded, URL-encoded)
and every login password goes into error bodies (in every field any vendor's error reader
looks at) and into records (an extra field of every object, and every ``name``). It keeps
what it echoed, so a test can search the gateway's answers for exactly those values, and
hands each to the leak guard, which searches every later answer and log line of the run.

``ScriptedProxy`` answers chosen requests with a body and headers of the test's choosing
(NaN in a record, Retry-After of an hour, a list as an error body, a huge body) and passes
the rest to the simulator.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.leak_guard import GUARD

#: the fields vendors' error bodies put their words in: ClickHouse (error, requestId), Astra
#: (title, detail, correlationID), DBaaS (detail), FeatureBase (code, message, __type)
ERROR_FIELDS = ("error", "requestId", "title", "detail", "correlationID", "code", "message")
#: request headers that carry no credential, whatever the vendor: every other one is echoed
TRANSPORT_HEADERS = frozenset(
    {
        "host",
        "accept",
        "accept-encoding",
        "connection",
        "content-length",
        "content-type",
        "user-agent",
        "x-request-id",
        "traceparent",
        "tracestate",
    }
)


def install(simulator: Any, make: Callable[[ASGIApp], ASGIApp]) -> None:
    """Put a proxy in front of every app of ``simulator`` (before the runtime starts)."""
    simulator.app = make(simulator.app)
    if hasattr(simulator, "identity_app"):
        simulator.identity_app = make(simulator.identity_app)


def echo_forms(header: str) -> set[str]:
    """What an echoing page may show of one credential header value."""
    scheme, _, credential = header.partition(" ")
    forms = {header, quote(header, safe="")}
    if credential:
        forms |= {credential, quote(credential, safe="")}
        if scheme.lower() == "basic":
            try:
                pair = base64.b64decode(credential).decode()
            except (binascii.Error, UnicodeDecodeError):
                pair = ""
            _, _, secret = pair.partition(":")
            forms |= {pair, secret, quote(pair, safe="")}
    # every byte percent-encoded, every character as a numeric HTML entity
    forms |= {"".join(f"%{b:02x}" for b in f.encode()) for f in set(forms)}
    forms |= {"".join(f"&#{ord(c)};" for c in f) for f in set(forms) if "%" not in f}
    return {f for f in forms if len(f) >= 6}


@dataclass
class EchoingProxy:
    app: ASGIApp
    #: answer every request with this status and an echoing error body; None: pass the
    #: request on and echo into the records of the answer
    status: int | None = None
    #: how the answer's JSON is encoded (json.loads reads UTF-16 and UTF-32 as well)
    encoding: str = "utf-8"
    echoed: set[str] = field(default_factory=set)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        body = await _read_body(receive)
        words: set[str] = set()
        # any header but the transport's may carry a credential: a vendor names its own
        for name, value in headers.items():
            if name not in TRANSPORT_HEADERS:
                words |= echo_forms(value)
        words |= _passwords(body)
        self.echoed |= words
        for word in words:  # the rest of the session's answers and logs are searched too
            GUARD.add_found("a credential a hostile upstream echoed", word)
        echo = " | ".join(sorted(words)) or "nothing sent"
        if self.status is not None:
            payload = {name: f"refused, you sent {echo}" for name in ERROR_FIELDS}
            payload["status"] = str(self.status)
            await _answer(send, self.status, json.dumps(payload).encode(), {})
            return
        status, answer_headers, content = await _call(self.app, scope, body)
        with contextlib.suppress(ValueError):  # not JSON: passed on as it is
            content = json.dumps(_inject(json.loads(content), echo)).encode(self.encoding)
        await _answer(send, status, content, answer_headers)


@dataclass
class Scripted:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: answer only this many times, then pass requests on (None: always)
    times: int | None = None
    #: instead of ``body``: the simulator's own answer, changed by this function
    rewrite: Callable[[Any], Any] | None = None
    #: send the body in pieces without a Content-Length, as a chunked answer would come
    chunked: bool = False


@dataclass
class ScriptedProxy:
    app: ASGIApp
    #: (method, path suffix) -> the answer; the first match wins
    script: dict[tuple[str, str], Scripted] = field(default_factory=dict)
    answered: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for (method, suffix), scripted in self.script.items():
                if scope["method"] != method or not scope["path"].endswith(suffix):
                    continue
                if scripted.times is not None:
                    if scripted.times <= 0:
                        continue
                    scripted.times -= 1
                self.answered += 1
                if scripted.rewrite is not None:
                    status, headers, content = await _call(
                        self.app, scope, await _read_body(receive)
                    )
                    changed = scripted.rewrite(json.loads(content))
                    await _answer(send, status, json.dumps(changed).encode(), headers)
                    return
                await _answer(
                    send, scripted.status, scripted.body, scripted.headers, scripted.chunked
                )
                return
        await self.app(scope, receive, send)


def _inject(value: Any, echo: str) -> Any:
    if isinstance(value, dict):
        out = {k: _inject(v, echo) for k, v in value.items()}
        if isinstance(out.get("name"), str):
            out["name"] = f"{out['name']} ({echo})"
        out["echo"] = f"you sent {echo}"
        return out
    if isinstance(value, list):
        return [_inject(v, echo) for v in value]
    return value


def _passwords(body: bytes) -> set[str]:
    try:
        sent = json.loads(body)
    except ValueError:
        return set()
    if not isinstance(sent, dict):
        return set()
    return {v for k, v in sent.items() if "PASSWORD" in k.upper() and isinstance(v, str)}


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _call(app: ASGIApp, scope: Scope, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Run ``app`` on a request with ``body``; its status, headers and whole body."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status = 500
    headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.update({k.decode(): v.decode() for k, v in message.get("headers", [])})
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    headers.pop("content-length", None)
    return status, headers, b"".join(chunks)


async def _answer(
    send: Send, status: int, body: bytes, headers: dict[str, str], chunked: bool = False
) -> None:
    all_headers = {"content-type": "application/json", **headers}
    if not chunked:
        all_headers["content-length"] = str(len(body))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in all_headers.items()],
        }
    )
    piece = 65536 if chunked else max(len(body), 1)
    for start in range(0, max(len(body), 1), piece):
        more = start + piece < len(body)
        await send(
            {"type": "http.response.body", "body": body[start : start + piece], "more_body": more}
        )
