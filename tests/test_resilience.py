"""The upstream policy under faults: retries, Retry-After, deadlines, the breaker, pacing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from adapters.clickhouse.client import ClickHouseClient, read_error
from adapters.clickhouse.sim.simulator import DEMO_ACCOUNTS, ClickHouseSimulator
from adapters.errors import ErrorCode, UpstreamError
from adapters.model import ConnectionInfo, Vendor
from adapters.upstream.http import HttpSettings, UpstreamHttp
from adapters.upstream.resilience import BreakerState, current_deadline
from tests.gateway_client import GatewayClient

CONN = ConnectionInfo("ch", Vendor("clickhouse"), "https://api.clickhouse.cloud", simulated=True)
OK = {"status": 200, "result": []}


class Script:
    """A fake vendor answering from a list of responses (or exceptions to raise)."""

    def __init__(self, *answers: int | Exception | httpx.Response) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.method)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        body = OK if answer < 400 else {"status": answer, "error": f"vendor says {answer}"}
        return httpx.Response(answer, json=body)


def policy(script: Script, **settings: object) -> tuple[UpstreamHttp, list[float]]:
    """The policy over ``script``, sleeping nowhere: its sleeps are recorded instead."""
    http = UpstreamHttp(
        CONN,
        base_url=CONN.base_url,
        read_error=read_error,
        transport=httpx.MockTransport(script),
        settings=HttpSettings(**settings),  # type: ignore[arg-type]
    )
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    http.sleep = sleep
    return http, slept


def set_deadline(seconds: float) -> None:
    # each test runs in its own task, so this context variable does not leak to others
    current_deadline.set(time.monotonic() + seconds)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_a_get_is_retried_on_retryable_statuses(status: int) -> None:
    script = Script(status, 200)
    http, slept = policy(script)

    response = await http.get("/v1/organizations")

    assert response.status_code == 200
    assert script.calls == ["GET", "GET"]
    assert slept  # backed off (a 429 also pauses the connection)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
async def test_a_get_is_not_retried_on_answers_that_will_not_change(status: int) -> None:
    script = Script(status, 200)
    http, _ = policy(script)

    with pytest.raises(UpstreamError):
        await http.get("/v1/organizations")

    assert script.calls == ["GET"]


async def test_retries_stop_after_the_configured_attempts() -> None:
    script = Script(503)
    http, slept = policy(script, retry_attempts=4)

    with pytest.raises(UpstreamError) as raised:
        await http.get("/v1/organizations")

    assert raised.value.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert len(script.calls) == 4
    assert len(slept) == 3


async def test_backoff_grows_exponentially_with_jitter_below_the_cap() -> None:
    script = Script(503)
    http, slept = policy(script, retry_attempts=6, retry_backoff=0.1, retry_backoff_max=0.5)

    with pytest.raises(UpstreamError):
        await http.get("/v1/organizations")

    caps = [0.1, 0.2, 0.4, 0.5, 0.5]
    assert all(0 <= s <= cap for s, cap in zip(slept, caps, strict=True))


async def test_a_post_that_may_have_reached_the_vendor_is_never_retried() -> None:
    for answer in (503, httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped")):
        script = Script(answer, 200)
        http, _ = policy(script)

        with pytest.raises(UpstreamError):
            await http.request("POST", "/v1/organizations/x/services", json_body={})

        assert script.calls == ["POST"]


async def test_a_post_that_never_connected_is_retried() -> None:
    script = Script(httpx.ConnectError("refused"), 200)
    http, _ = policy(script)

    response = await http.request("POST", "/v1/organizations/x/services", json_body={})

    assert response.status_code == 200
    assert script.calls == ["POST", "POST"]


async def test_put_is_retried_only_where_the_vendor_documents_it_idempotent() -> None:
    plain, _ = policy(plain_script := Script(503, 200))
    documented, _ = policy(
        documented_script := Script(503, 200),
        idempotent_methods=frozenset({"GET", "PUT"}),
    )

    with pytest.raises(UpstreamError):
        await plain.request("PUT", "/thing", json_body={})
    await documented.request("PUT", "/thing", json_body={})

    assert plain_script.calls == ["PUT"]
    assert documented_script.calls == ["PUT", "PUT"]


async def test_retry_after_is_honoured() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "2"}, json={"error": "slow down"})
    http, slept = policy(Script(limited, 200))

    await http.get("/v1/organizations")

    assert slept and max(slept) >= 2.0


async def test_the_clickhouse_reset_header_is_honoured_like_retry_after() -> None:
    limited = httpx.Response(429, headers={"X-RateLimit-Reset": "3"}, json={"error": "limit"})
    http, slept = policy(Script(limited, 200))

    await http.get("/v1/organizations")

    assert max(slept) >= 3.0


async def test_no_retry_waits_past_the_request_deadline() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "30"}, json={"error": "slow down"})
    script = Script(limited, 200)
    http, slept = policy(script)
    set_deadline(1.0)

    with pytest.raises(UpstreamError) as raised:
        await http.get("/v1/organizations")

    assert raised.value.code is ErrorCode.RATE_LIMITED
    assert raised.value.retry_after == 30.0
    assert script.calls == ["GET"] and slept == []


async def test_a_hanging_vendor_ends_at_the_request_deadline() -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(60)
        return httpx.Response(200, json=OK)

    http = UpstreamHttp(
        CONN, base_url=CONN.base_url, read_error=read_error, transport=httpx.MockTransport(hang)
    )
    set_deadline(0.2)
    started = time.monotonic()

    with pytest.raises(UpstreamError) as raised:
        await http.get("/v1/organizations")

    assert raised.value.code is ErrorCode.UPSTREAM_TIMEOUT
    assert time.monotonic() - started < 5  # the 60 s hang did not hold the request


async def test_a_429_slows_the_whole_connection_down() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "4"}, json={"error": "slow down"})
    http, slept = policy(Script(limited, 200), retry_attempts=1)

    with pytest.raises(UpstreamError):
        await http.get("/v1/organizations")
    await http.get("/v1/organizations/other")  # a different call waits out the 429 too

    assert slept and 3.0 < slept[-1] <= 4.0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_the_breaker_opens_fails_fast_then_lets_one_probe_close_it() -> None:
    script = Script(503)
    http, _ = policy(script, retry_attempts=1, breaker_failure_threshold=3, breaker_cooldown=30)
    clock = Clock()
    http.breaker.clock = clock

    for _ in range(3):
        with pytest.raises(UpstreamError):
            await http.get("/v1/organizations")
    assert http.health().state is BreakerState.OPEN

    with pytest.raises(UpstreamError) as fast:
        await http.get("/v1/organizations")
    assert fast.value.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert "circuit open" in fast.value.message
    assert len(script.calls) == 3  # failed fast: no upstream call

    clock.now += 31
    script.answers = [200]
    assert http.health().state is BreakerState.HALF_OPEN
    await http.get("/v1/organizations")

    assert http.health().state is BreakerState.CLOSED
    assert len(script.calls) == 4


async def test_deadlines_spent_waiting_in_the_gateways_queue_do_not_open_the_breaker() -> None:
    # one slot, held by a hanging call: every other request waits in the gateway's own queue
    gate = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return httpx.Response(200, json=OK)

    http = UpstreamHttp(
        CONN,
        base_url=CONN.base_url,
        read_error=read_error,
        transport=httpx.MockTransport(hang),
        settings=HttpSettings(max_concurrency=1, retry_attempts=1, breaker_failure_threshold=2),
    )
    holder = asyncio.create_task(http.get("/v1/organizations/held"))
    await asyncio.sleep(0)

    for _ in range(4):
        set_deadline(0.01)
        with pytest.raises(UpstreamError) as raised:
            await http.get("/v1/organizations")
        assert raised.value.code is ErrorCode.UPSTREAM_TIMEOUT

    assert http.health().state is BreakerState.CLOSED
    assert http.health().consecutive_failures == 0
    gate.set()
    await holder
    await http.aclose()


async def test_a_failed_probe_opens_the_breaker_again() -> None:
    script = Script(503)
    http, _ = policy(script, retry_attempts=1, breaker_failure_threshold=2, breaker_cooldown=10)
    clock = Clock()
    http.breaker.clock = clock
    for _ in range(2):
        with pytest.raises(UpstreamError):
            await http.get("/v1/organizations")

    clock.now += 11
    with pytest.raises(UpstreamError):
        await http.get("/v1/organizations")  # the probe, failing

    assert http.health().state is BreakerState.OPEN
    assert len(script.calls) == 3


async def test_client_errors_do_not_open_the_breaker() -> None:
    http, _ = policy(Script(404), breaker_failure_threshold=2)

    for _ in range(5):
        with pytest.raises(UpstreamError):
            await http.get("/v1/organizations/x")

    assert http.health().state is BreakerState.CLOSED


async def test_pacing_to_the_documented_limit_causes_no_429s() -> None:
    # the simulator enforces 10 requests per second; the connection paces to the same
    sim = ClickHouseSimulator(rate_limit=(10, 1.0))
    account = DEMO_ACCOUNTS["acme"]
    http = UpstreamHttp(
        CONN,
        base_url=CONN.base_url,
        read_error=read_error,
        auth=httpx.BasicAuth(account["key_id"], account["key_secret"]),
        transport=httpx.ASGITransport(app=sim.app),
        settings=HttpSettings(rate_limit=(10, 1.0), retry_attempts=1),
    )
    client = ClickHouseClient(http)
    (org,) = await client.organizations()
    services = await client.services(org["id"])
    reads = [client.service(org["id"], s["id"]) for s in services]
    reads += [client.backups(org["id"], s["id"]) for s in services]
    reads += [client.backup_configuration(org["id"], s["id"]) for s in services]
    reads += [client.keys(org["id"]), client.members(org["id"]), client.invitations(org["id"])]
    # fill up to 38 with activity windows: distinct URLs, so single-flight cannot merge them
    reads += [
        client.activities(org["id"], from_date=f"2026-01-{day:02d}T00:00:00Z")
        for day in range(1, 39 - len(reads))
    ]

    await asyncio.gather(*reads)

    assert len({(e.path, e.query) for e in sim.log.entries}) == sim.log.count() == 40
    assert [e.status for e in sim.log.entries if e.status != 200] == []  # no 429 at all
    await http.aclose()


async def test_health_and_readiness_show_an_open_breaker() -> None:
    config = """
[[connections]]
name = "ch"
vendor = "clickhouse"
simulated = true
retry_attempts = 1
breaker_failure_threshold = 2
"""
    async with GatewayClient.from_toml(config) as gw:
        gw.simulator("clickhouse").faults.add(503, path="/v1/organizations", times=None)
        for _ in range(3):
            body = await gw.post("{ organizations { name } }")
        health = await gw.data("{ connections { name health { state lastError } } }")
        ready = (await gw.http.get("/readyz")).json()

    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert "circuit open" in body["errors"][0]["message"]
    assert gw.simulator("clickhouse").log.count() == 2  # the third failed fast
    (connection,) = health["connections"]
    assert connection["health"]["state"] == "OPEN"
    assert "503" in connection["health"]["lastError"]
    assert ready["status"] == "degraded"
    assert ready["health"]["ch"]["state"] == "OPEN"


TWO_VENDORS = """
[server]
request_timeout_seconds = 1

[[connections]]
name = "ch"
vendor = "clickhouse"
simulated = true
retry_attempts = 1

[[connections]]
name = "dbaas"
vendor = "dbaas"
simulated = true
"""


@pytest.mark.parametrize(
    ("inject", "code"),
    [
        (
            lambda f: f.add_malformed("html", path="/v1/organizations", times=None),
            "UPSTREAM_BAD_RESPONSE",
        ),
        (
            lambda f: f.add_malformed("truncated", path="/v1/organizations", times=None),
            "UPSTREAM_BAD_RESPONSE",
        ),
        (
            lambda f: f.add_malformed("wrong-type", path="/v1/organizations", times=None),
            "UPSTREAM_BAD_RESPONSE",
        ),
        (
            lambda f: f.add_malformed("empty", path="/v1/organizations", times=None),
            "UPSTREAM_BAD_RESPONSE",
        ),
        (lambda f: f.add_drop(path="/v1/organizations", times=None), "UPSTREAM_UNAVAILABLE"),
        (lambda f: f.add_hang(path="/v1/organizations", times=None), "UPSTREAM_TIMEOUT"),
        (lambda f: f.add(502, path="/v1/organizations", times=None), "UPSTREAM_UNAVAILABLE"),
    ],
    ids=["html", "truncated", "wrong-type", "empty", "drop", "hang", "502"],
)
async def test_each_fault_fails_only_its_part_with_a_stable_code(
    inject: Callable[[Any], object], code: str
) -> None:
    async with GatewayClient.from_toml(TWO_VENDORS) as gw:
        inject(gw.simulator("clickhouse").faults)
        body = await gw.post("{ organizations { name connection { name } } }")

    (error,) = body["errors"]
    assert error["extensions"]["code"] == code
    assert error["extensions"]["connection"] == "ch"
    assert error["path"] == ["organizations"]
    assert {o["connection"]["name"] for o in body["data"]["organizations"]} == {"dbaas"}
