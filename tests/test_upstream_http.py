"""The upstream HTTP policy: single-flight, pacing, error translation, request IDs."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from adapters.clickhouse.client import read_error
from adapters.clickhouse.sim.simulator import DEMO_ACCOUNTS, ClickHouseSimulator
from adapters.errors import ErrorCode, UpstreamError
from adapters.model import ConnectionInfo, Vendor
from adapters.upstream.http import (
    HttpSettings,
    RatePacer,
    UpstreamHttp,
    _query,
    current_request_id,
)

CONN = ConnectionInfo("ch", Vendor("clickhouse"), "https://api.clickhouse.cloud", simulated=True)


def _http(
    sim: ClickHouseSimulator,
    transport: httpx.AsyncBaseTransport | None = None,
    settings: HttpSettings | None = None,
) -> UpstreamHttp:
    """One connection's policy; without settings, one attempt (these tests read one answer)."""
    account = DEMO_ACCOUNTS["acme"]
    return UpstreamHttp(
        CONN,
        base_url=CONN.base_url,
        read_error=read_error,
        auth=httpx.BasicAuth(account["key_id"], account["key_secret"]),
        transport=transport or httpx.ASGITransport(app=sim.app),
        settings=settings or HttpSettings(retry_attempts=1),
    )


async def test_identical_concurrent_gets_share_one_upstream_call() -> None:
    sim = ClickHouseSimulator()
    sim.faults.add(None, path="/v1/organizations", delay=0.05)
    http = _http(sim)

    responses = await asyncio.gather(*(http.get("/v1/organizations") for _ in range(5)))

    assert sim.log.count("GET", "/v1/organizations") == 1
    assert len({r.json()["requestId"] for r in responses}) == 1
    await http.aclose()


async def test_a_failed_shared_get_fails_every_waiter_and_is_not_remembered() -> None:
    sim = ClickHouseSimulator()
    sim.faults.add(503, path="/v1/organizations", delay=0.05)
    http = _http(sim)

    results = await asyncio.gather(
        *(http.get("/v1/organizations") for _ in range(3)), return_exceptions=True
    )
    again = await http.get("/v1/organizations")

    assert all(
        isinstance(r, UpstreamError) and r.code is ErrorCode.UPSTREAM_UNAVAILABLE for r in results
    )
    assert again.status_code == 200
    assert sim.log.count("GET", "/v1/organizations") == 2
    await http.aclose()


async def test_the_request_id_is_sent_upstream() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("x-request-id"))
        return httpx.Response(200, json={"status": 200, "result": []})

    http = _http(ClickHouseSimulator(seed=False), httpx.MockTransport(handler))
    token = current_request_id.set("req-123")
    try:
        await http.get("/v1/organizations")
    finally:
        current_request_id.reset(token)

    assert seen == ["req-123"]
    await http.aclose()


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (httpx.ConnectTimeout("slow"), ErrorCode.UPSTREAM_TIMEOUT),
        (httpx.ConnectError("refused"), ErrorCode.UPSTREAM_UNAVAILABLE),
    ],
)
async def test_transport_failures_become_retryable_upstream_errors(
    exc: Exception, code: ErrorCode
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    http = _http(ClickHouseSimulator(seed=False), httpx.MockTransport(handler))

    with pytest.raises(UpstreamError) as caught:
        await http.get("/v1/organizations")

    assert caught.value.code is code
    assert caught.value.retryable
    assert caught.value.connection == "ch"
    await http.aclose()


async def test_a_non_json_error_body_still_maps_by_status() -> None:
    http = _http(
        ClickHouseSimulator(seed=False),
        httpx.MockTransport(lambda r: httpx.Response(502, text="<html>bad gateway</html>")),
    )

    with pytest.raises(UpstreamError) as caught:
        await http.get("/v1/organizations")

    assert caught.value.code is ErrorCode.UPSTREAM_UNAVAILABLE
    assert caught.value.upstream_status == 502
    await http.aclose()


async def test_a_429_keeps_the_reset_hint() -> None:
    http = _http(
        ClickHouseSimulator(seed=False),
        httpx.MockTransport(
            lambda r: httpx.Response(
                429, headers={"X-RateLimit-Reset": "7"}, json={"status": 429, "error": "slow down"}
            )
        ),
    )

    with pytest.raises(UpstreamError) as caught:
        await http.get("/v1/organizations")

    assert caught.value.code is ErrorCode.RATE_LIMITED
    assert caught.value.retry_after == 7.0
    assert "slow down" in caught.value.message
    await http.aclose()


async def test_the_pacer_starts_at_most_limit_requests_per_window() -> None:
    now = [0.0]
    starts: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = RatePacer(2, 10.0, clock=lambda: now[0], sleep=fake_sleep)
    for _ in range(5):
        await pacer.acquire()
        starts.append(now[0])

    # 5% of the window (at most 0.5 s) of margin against skew with the vendor's counting
    assert starts == [0.0, 0.0, 10.5, 10.5, 21.0]


async def test_a_body_found_clean_is_scrubbed_once_the_secret_it_holds_is_known() -> None:
    """The scrubber remembers bodies that held no secret; learning one forgets them."""
    token = "tok-0123456789abcdef-learned-later"
    body = {"result": [{"id": "x", "note": f"echo {token}"}]}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    http = _http(ClickHouseSimulator(), transport)
    first = http.json(await http.get("/v1/organizations"))
    http.scrubber.learn({"authorization": f"Bearer {token}"})

    again = [http.json(await http.get("/v1/organizations")) for _ in range(2)]

    assert token in first["result"][0]["note"]  # not a secret yet: nothing to remove
    assert all(token not in a["result"][0]["note"] for a in again)
    assert all("[redacted]" in a["result"][0]["note"] for a in again)
    await http.aclose()


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "100"},
        {"cursor": "a b&c=d#e", "page_size": "100"},
        {"a": 1},
        {"a": True},
        {"a": 1.0},
        {"a": None},
        {"q": "\u00e9 /?#&=+%", "": ""},
        {"cursor": "x" * 600, "page_size": "100"},
    ],
)
def test_a_query_is_encoded_as_urlencode_encodes_it_every_time(params: dict[str, Any]) -> None:
    # 1, True and 1.0 are one dict key: none may answer for another
    assert _query(params) == urlencode(params)
    assert _query(params) == urlencode(params)


def test_a_long_vendor_page_token_is_not_kept_in_the_query_memo() -> None:
    from adapters.upstream import http as upstream_http

    before = upstream_http._encoded.cache_info().currsize
    for n in range(20):
        token = f"{n}" + "t" * upstream_http.MEMO_QUERY_CHARS
        assert _query({"cursor": token}) == urlencode({"cursor": token})
    assert upstream_http._encoded.cache_info().currsize == before
