"""A pytest plugin that watches the whole test run for secrets leaving the gateway.

What it watches, for every test of the session:
- every log record of every logger (a handler on the root logger, which is set to DEBUG),
  formatted as the gateway's JSON log line, exception text included;
- every HTTP response the tests receive from a gateway app through
  ``tests.gateway_client.GatewayClient`` (status line, headers and body: ``GuardedTransport``);
- the output (stdout and stderr) of every gateway served as a process (``tests/served.py``).

What it looks for: every seeded secret of every simulator (ClickHouse key secrets, Astra API
tokens and cloud credential secrets, FeatureBase passwords and API key secrets, DBaaS
account and credential passwords), plus the secret values of every configuration a test
builds a gateway from (``register_config``). A secret also counts in the forms a leak
would take: the base64 of an HTTP Basic ``user:password`` pair.

What it lets through, by design: the documented one-time secret fields of a GraphQL answer
(``SECRET_FIELDS``: a created key's ``secret``, a created database's, credential's or a
reset's ``password``, ``DatabaseCredential.password`` for an admin). Values under a ``data`` key of
one of those names are dropped before the body is searched; anything else (errors, ``raw``,
headers, other fields) is searched whole.

At the end of the session, a leak fails the run and the report shows the first line that
carried a secret (every secret in it replaced by its name), where it was seen, and which
secret it was.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import re
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from _pytest.terminal import TerminalReporter

#: GraphQL fields that carry a secret on purpose: (type, field) as the SDL names them
SECRET_FIELDS: frozenset[tuple[str, str]] = frozenset(
    {
        ("CreateApiKeyPayload", "secret"),
        ("CreateDatabasePayload", "password"),
        ("ResetDatabasePasswordPayload", "password"),
        ("DatabaseCredential", "password"),
        # a new DBaaS credential's password, shown once to admins (issue 21)
        ("CreateDBaaSCredentialPayload", "password"),
    }
)
#: the response keys those fields appear under (an alias would hide one: don't alias them)
SECRET_KEYS = frozenset(name for _, name in SECRET_FIELDS)
#: configuration fields whose values are secrets (key IDs and user names are not)
SECRET_CONFIG_FIELDS = frozenset({"key_secret", "password", "token", "api_key"})
#: shorter values are too likely to occur by chance ("123456" is matched as a whole word)
MIN_SECRET_LENGTH = 6


@dataclass
class Leak:
    where: str
    secret: str
    line: str


@dataclass
class LeakGuard:
    """The secrets to look for and the first places they were seen."""

    secrets: dict[str, str] = field(default_factory=dict)  # value -> its name
    leaks: list[Leak] = field(default_factory=list)
    seen: int = 0
    _pattern: re.Pattern[str] | None = None

    def add(self, name: str, value: str) -> None:
        if len(value) >= MIN_SECRET_LENGTH and value not in self.secrets:
            self.secrets[value] = name
            self._pattern = None

    def add_found(self, name: str, value: str) -> None:
        """A secret found at run time (what a hostile upstream echoed), unless it holds one
        the guard knows already: reports keep naming the known one."""
        if not any(known in value for known in self.secrets):
            self.add(name, value)

    def add_basic(self, name: str, user: str, password: str) -> None:
        """A Basic-auth pair: the password, and the header value that would carry it."""
        self.add(name, password)
        self.add(f"{name} (Basic header)", base64.b64encode(f"{user}:{password}".encode()).decode())

    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            words = sorted(self.secrets, key=len, reverse=True)
            alternatives = "|".join(re.escape(w) for w in words) or r"(?!)"
            # a secret counts as a whole token, not inside a longer word or number
            self._pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")
        return self._pattern

    def check(self, where: str, text: str) -> None:
        self.seen += 1
        if len(self.leaks) >= 20:
            return  # enough to act on; keep the run fast
        for line in text.splitlines() or [text]:
            match = self.pattern().search(line)
            if match is not None:
                self.leaks.append(Leak(where, self.secrets[match.group(0)], self.masked(line)))
                return

    def masked(self, line: str) -> str:
        """``line`` with every secret replaced by its name: the report must not leak."""
        shown = self.pattern().sub(lambda m: f"<{self.secrets[m.group(0)]}>", line)
        return shown if len(shown) <= 500 else shown[:497] + "..."

    # -- what the plugin feeds it ---------------------------------------------------------
    def response(self, request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        where = f"response to {request.method} {request.url.path}"
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        self.check(where, f"HTTP {response.status_code}\n{headers}")
        text = body.decode("utf-8", "replace")
        if "json" in response.headers.get("content-type", ""):
            with contextlib.suppress(ValueError):  # not JSON after all: searched as it is
                text = json.dumps(without_secret_fields(json.loads(text)), ensure_ascii=False)
        self.check(where, text)

    def register_config(self, config: Any) -> None:
        """The secret values of a gateway configuration (``GatewayConfig``)."""
        for connection in getattr(config, "connections", ()):
            for name, secret in connection.secrets.items():
                if name in SECRET_CONFIG_FIELDS:
                    self.add(f"connection '{connection.name}' {name}", secret.reveal())
        cache_key = getattr(getattr(config, "cache", None), "key_secret", None)
        if cache_key is not None:
            self.add("[cache] key_secret", cache_key.reveal())


def without_secret_fields(body: Any) -> Any:
    """A GraphQL answer with the values of the one-time secret fields left out of ``data``."""
    if not isinstance(body, dict) or "data" not in body:
        return body
    return {**body, "data": _drop(body["data"])}


def _drop(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<one-time secret>" if k in SECRET_KEYS else _drop(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_drop(v) for v in value]
    return value


def seeded_secrets(guard: LeakGuard) -> None:
    """Every secret the simulators are seeded with."""
    from adapters.astra.sim import seed_data as astra
    from adapters.clickhouse.sim import seed_data as clickhouse
    from adapters.dbaas.sim import seed_data as dbaas
    from adapters.dbaas.sim.simulator import DBaaSSimulator
    from adapters.featurebase.sim import seed_data as featurebase
    from adapters.featurebase.sim.simulator import FeatureBaseSimulator

    for name, creds in clickhouse.SEED_CREDENTIALS.items():
        guard.add_basic(f"clickhouse key '{name}' secret", creds["key_id"], creds["key_secret"])
    for name, password in clickhouse.POSTGRES_PASSWORDS.items():
        guard.add(f"clickhouse postgres '{name}' password", password)
    for name, token in astra.TOKENS.items():
        guard.add(f"astra token '{name}'", token)
    guard.add("astra s3 credential secretKey", "s3cr3t-batcave")
    guard.add("featurebase demo API key", featurebase.DEMO_KEY_SECRET)
    for user, password in FeatureBaseSimulator().state.passwords.items():
        guard.add(f"featurebase password of {user}", password)
    for name, account in dbaas.DEMO_ACCOUNTS.items():
        user, password = account["username"], account["password"]
        guard.add_basic(f"dbaas account '{name}' password", user, password)
    for credential in DBaaSSimulator().state.credentials.values():
        guard.add(f"dbaas credential {credential['id']} password", credential["password"])


class GuardedTransport(httpx.AsyncBaseTransport):
    """A transport that shows every response it carries to the guard (read in full)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        GUARD.response(request, response, body)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=body,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


class GuardHandler(logging.Handler):
    """Shows every log record, formatted as the gateway's JSON log line, to the guard."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        from gateway.observability import JsonFormatter

        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a record whose arguments do not format: its parts, as given
            text = f"{record.msg!r} {record.args!r}"
        GUARD.check(f"log record of {record.name}", text)


def observe_output(where: str, streams: Iterable[str | None]) -> None:
    """A served process's output (its log lines), after it has stopped."""
    for text in streams:
        if text:
            GUARD.check(where, text)


GUARD = LeakGuard()
_HANDLER: GuardHandler | None = None


def install_handler() -> None:
    """(Re-)attach the handler: ``configure_logging`` replaces the root's handlers."""
    global _HANDLER
    root = logging.getLogger()
    if _HANDLER is None:
        _HANDLER = GuardHandler()
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)
    root.setLevel(logging.DEBUG)


def report(leaks: list[Leak]) -> list[str]:
    lines = [f"leak guard: {len(leaks)} secret leak(s); the first:"]
    first = leaks[0]
    lines += [f"  where:  {first.where}", f"  secret: {first.secret}", f"  line:   {first.line}"]
    lines += [f"  also: {leak.where} ({leak.secret})" for leak in leaks[1:5]]
    return lines


def secrets_in(text: str) -> list[str]:
    """The names of the secrets ``text`` holds (for tests that check one text directly)."""
    return sorted({GUARD.secrets[m.group(0)] for m in GUARD.pattern().finditer(text)})


class LeakGuardPlugin:
    """The pytest hooks: arm the guard, keep its handler attached, fail a leaking run."""

    def pytest_configure(self, config: pytest.Config) -> None:
        seeded_secrets(GUARD)
        install_handler()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        install_handler()
        return (yield)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if GUARD.leaks:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: TerminalReporter) -> None:
        if GUARD.leaks:
            for line in report(GUARD.leaks):
                terminalreporter.write_line(line, red=True, bold=True)
        else:
            terminalreporter.write_line(
                f"leak guard: {len(GUARD.secrets)} secrets, {GUARD.seen} texts, no leak"
            )
