"""The replay floor of the cold dashboard: its upstream calls sent by a minimal client.

The gateway's calls of one cold dashboard are recorded (method, URL, headers as sent),
each put in the wave the vendor's API shape allows it at the earliest (a call needs an
answer of the wave before it only for an ID in its URL), and replayed by an aiohttp
session: each connection's waves one after the other, every call of a wave at once, all
connections side by side. Nothing is parsed, mapped or cached: the time is what the
network and the simulators cost, the floor a gateway can approach on this machine.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from adapters.upstream.http import UpstreamHttp, UpstreamResponse
from tests.benchmarks import minimums

#: headers the client sets itself
_OWN_HEADERS = frozenset({"host", "content-length", "connection", "accept-encoding"})


@dataclass(frozen=True)
class Call:
    connection: str
    vendor: str
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]

    @property
    def wave(self) -> int:
        parts = urlsplit(self.url)
        return WAVES[self.vendor](parts.path, parts.query)


def _clickhouse(path: str, query: str) -> int:
    # organizations -> services, members, keys (the org ID) -> backups (service IDs)
    if path.rstrip("/") == "/v1/organizations":
        return 1
    return 3 if path.endswith("/backups") else 2


def _featurebase(path: str, query: str) -> int:
    # users/current, databases and users need nothing; the org, its keys (the org ID) and
    # backups (database IDs) need one answer
    return 2 if path.startswith("/v2/orgs/") or path.endswith("/backups") else 1


def _astra(path: str, query: str) -> int:
    # the account ID is configured: the account, apps, users and role bindings need
    # nothing; backups and snapshots (app IDs) and tokens (user IDs) need one answer
    return 2 if re.search(r"/(appBackups|appSnaps|tokens)$", path) else 1


def _dbaas(path: str, query: str) -> int:
    # the organization is the connection; each page's link names the next
    page = parse_qs(query).get("page", ["1"])[0]
    return int(page) if page.isdigit() else 1


WAVES: Mapping[str, Callable[[str, str], int]] = {
    "clickhouse": _clickhouse,
    "featurebase": _featurebase,
    "astra": _astra,
    "dbaas": _dbaas,
}


class Recorder:
    """Records every upstream request of the given clients, as sent, until ``detach``
    (after which the clients send as they did: the measured samples pay nothing for it)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._wrapped: list[UpstreamHttp] = []

    def attach(self, https: Iterable[UpstreamHttp]) -> None:
        for http in https:
            _wrap(http, self)
            self._wrapped.append(http)

    def detach(self) -> None:
        for http in self._wrapped:
            del http.wire.send  # the instance's wrapper: the class's method again
        self._wrapped.clear()


def _wrap(http: UpstreamHttp, recorder: Recorder) -> None:
    wire = http.wire
    connection, vendor = http.connection.name, http.vendor
    send = wire.send

    async def recording(method: str, url: str, *args: Any) -> UpstreamResponse:
        response = await send(method, url, *args)
        sent = response.sent_headers.items()
        headers = tuple((k, v) for k, v in sent if k.lower() not in _OWN_HEADERS)
        recorder.calls.append(Call(connection, vendor, method, url, headers))
        return response

    wire.send = recording  # type: ignore[method-assign]


def chains(calls: Sequence[Call]) -> dict[str, list[list[Call]]]:
    """Per connection, its calls in waves (the earliest each can be sent)."""
    by_connection: dict[str, dict[int, list[Call]]] = defaultdict(lambda: defaultdict(list))
    for call in calls:
        by_connection[call.connection][call.wave].append(call)
    return {c: [w[n] for n in sorted(w)] for c, w in by_connection.items()}


def floor_waves(calls: Sequence[Call]) -> dict[str, int]:
    """Per vendor, the most waves one of its connections needs."""
    found: dict[str, int] = {}
    for call in calls:
        found[call.vendor] = max(found.get(call.vendor, 0), call.wave)
    return found


def check(calls: Sequence[Call], org: minimums.OrgShape) -> None:
    """The waves the rules give are the minimum's chain: a rule gone stale is an error."""
    for vendor, waves in floor_waves(calls).items():
        wanted = minimums.dashboard_chain(vendor, org)
        if waves != wanted:
            raise RuntimeError(f"{vendor}: the replay has {waves} waves, the minimum {wanted}")


class Replayer:
    """A minimal client: one aiohttp session, connections kept alive between replays."""

    def __init__(self, calls: Sequence[Call]) -> None:
        self._chains = chains(calls)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Replayer:
        connector = aiohttp.TCPConnector(limit=0)
        self._session = aiohttp.ClientSession(connector=connector)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def replay(self) -> float:
        """Seconds to send every call, each connection's waves in order."""
        assert self._session is not None
        session = self._session

        async def send(call: Call) -> None:
            async with session.request(call.method, call.url, headers=call.headers) as answer:
                await answer.read()
                if answer.status >= 400:
                    raise RuntimeError(f"replay: {call.method} {call.url} answered {answer.status}")

        async def chain(waves: list[list[Call]]) -> None:
            for wave in waves:
                await asyncio.gather(*(send(c) for c in wave))

        started = time.perf_counter()
        await asyncio.gather(*(chain(w) for w in self._chains.values()))
        return time.perf_counter() - started
