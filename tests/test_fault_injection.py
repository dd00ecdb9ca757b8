"""Simulator fault injection: every fault kind, as a client of the simulator sees it.

Requests go over HTTP into a real simulator (in-process through ``httpx.ASGITransport``,
or on a uvicorn socket where the transport matters); the dice are seeded.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from adapters.clickhouse.sim.simulator import DEMO_ACCOUNTS, ClickHouseSimulator
from adapters.model import Vendor
from adapters.registry import VENDORS
from adapters.simulation.middleware import ConnectionDropped

ORGS = "/v1/organizations"
ACME = DEMO_ACCOUNTS["acme"]
AUTH = httpx.BasicAuth(ACME["key_id"], ACME["key_secret"])
SEED = 7


@pytest.fixture
def sim() -> ClickHouseSimulator:
    simulator = ClickHouseSimulator()
    simulator.faults.rng.seed(SEED)
    return simulator


@pytest.fixture
async def client(sim: ClickHouseSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url="https://api.clickhouse.cloud",
        auth=AUTH,
    ) as http:
        yield http


@pytest.fixture
def slept(sim: ClickHouseSimulator) -> list[float]:
    """The delays the simulator waited out, recorded instead of slept."""
    delays: list[float] = []

    async def record(seconds: float) -> None:
        delays.append(seconds)

    sim.faults.sleep = record
    return delays


async def until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.001)


# --- latency -----------------------------------------------------------------------------


async def test_latency_delays_the_normal_answer(
    sim: ClickHouseSimulator, client: httpx.AsyncClient, slept: list[float]
) -> None:
    sim.faults.add_latency(0.2, path=ORGS)

    response = await client.get(ORGS)
    other = await client.get(ORGS + "/none")

    assert response.status_code == 200
    assert other.status_code != 200  # a path the fault does not match: no delay
    assert slept == [0.2]


async def test_jittered_latency_adds_a_seeded_uniform_share_of_the_jitter(
    sim: ClickHouseSimulator, client: httpx.AsyncClient, slept: list[float]
) -> None:
    sim.faults.add_latency(0.1, jitter=0.05)
    dice = random.Random(SEED)

    for _ in range(3):
        await client.get(ORGS)

    assert slept == [0.1 + dice.uniform(0.0, 0.05) for _ in range(3)]
    assert len(set(slept)) == 3


async def test_latency_is_really_awaited(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_latency(0.02)

    started = time.perf_counter()
    response = await client.get(ORGS)

    assert response.status_code == 200
    assert time.perf_counter() - started >= 0.02


async def test_latency_stacks_with_the_fault_that_answers(
    sim: ClickHouseSimulator, client: httpx.AsyncClient, slept: list[float]
) -> None:
    sim.faults.add_latency(0.2)
    sim.faults.add(503, message="down")

    response = await client.get(ORGS)

    assert response.status_code == 503
    assert slept == [0.2]


# --- errors and the error-rate form ------------------------------------------------------


async def test_an_injected_error_comes_in_the_vendors_error_shape(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add(503, path=ORGS, message="upstream down")

    response = await client.get(ORGS)

    assert response.status_code == 503
    assert response.json()["error"] == "upstream down"
    assert response.json()["status"] == 503


async def test_an_error_rate_fails_the_seeded_share_of_requests(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add(503, times=None, probability=0.25)
    dice = random.Random(SEED)

    statuses = [(await client.get(ORGS)).status_code for _ in range(200)]

    assert statuses == [503 if dice.random() < 0.25 else 200 for _ in range(200)]
    assert 30 < statuses.count(503) < 70


async def test_times_counts_the_firings_of_a_fault(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add(500, times=2)

    statuses = [(await client.get(ORGS)).status_code for _ in range(3)]

    assert statuses == [500, 500, 200]
    assert sim.faults.faults == []


# --- 429 bursts --------------------------------------------------------------------------


def _simulator_client(vendor: Vendor) -> tuple[Any, httpx.AsyncClient]:
    simulator = VENDORS[vendor].simulator()
    transport = httpx.ASGITransport(app=simulator.app)
    return simulator, httpx.AsyncClient(transport=transport, base_url="http://sim.test")


@pytest.mark.parametrize("vendor", list(VENDORS))
async def test_a_rate_limit_burst_answers_the_next_requests_429_with_retry_after(
    vendor: Vendor,
) -> None:
    simulator, http = _simulator_client(vendor)
    simulator.faults.add_rate_limit(3, retry_after=2)

    async with http:
        responses = [await http.get("/anything") for _ in range(4)]

    assert [r.status_code for r in responses[:3]] == [429, 429, 429]
    assert responses[3].status_code != 429
    assert all(r.headers["Retry-After"] == "2" for r in responses[:3])
    assert all(r.headers["X-RateLimit-Reset"] == "2" for r in responses[:3])
    assert all(r.headers["content-type"].startswith("application/") for r in responses[:3])
    assert [e.status for e in simulator.log.entries] == [r.status_code for r in responses]


async def test_a_burst_started_by_the_dice_runs_its_full_length(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_rate_limit(3, probability=0.1, times=None)

    statuses = [(await client.get(ORGS)).status_code for _ in range(100)]

    first = statuses.index(429)
    assert statuses[first : first + 3] == [429, 429, 429]
    runs = "".join("x" if s == 429 else "." for s in statuses).split(".")
    assert all(len(run) % 3 == 0 for run in runs[:-1])  # the last burst may be cut off


# --- hangs -------------------------------------------------------------------------------


async def test_a_hang_never_answers_until_the_client_gives_up(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_hang(path=ORGS)

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await client.get(ORGS)

    assert len(sim.faults.held) == 0  # cancelling the request ended the hold
    assert [(e.path, e.status) for e in sim.log.entries] == [(ORGS, 0)]
    assert (await client.get(ORGS)).status_code == 200  # times=1: the next one answers


async def test_releasing_a_hang_drops_the_held_connections(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_hang(times=2)
    requests = [asyncio.create_task(client.get(ORGS)) for _ in range(2)]
    await until(lambda: len(sim.faults.held) == 2)

    released = sim.faults.release()
    outcomes = await asyncio.gather(*requests, return_exceptions=True)

    assert released == 2
    assert all(isinstance(o, httpx.RemoteProtocolError) for o in outcomes)


async def test_clearing_the_faults_releases_held_requests(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_hang()
    request = asyncio.create_task(client.get(ORGS))
    await until(lambda: len(sim.faults.held) == 1)

    sim.faults.clear()

    with pytest.raises(ConnectionDropped):
        await request


async def test_a_hang_with_a_limit_gives_up_by_itself(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_hang(hang_for=0.01)

    with pytest.raises(ConnectionDropped):
        await client.get(ORGS)


# --- malformed bodies --------------------------------------------------------------------


async def test_a_malformed_html_body_is_a_proxy_error_page_with_status_200(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_malformed("html")

    response = await client.get(ORGS)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_a_truncated_body_is_the_first_half_of_the_vendors_json(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_malformed("truncated")

    response = await client.get(ORGS)
    whole = await client.get(ORGS)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert 0 < len(response.content) <= len(whole.content) // 2 + 1
    assert response.content[:20] == whole.content[:20]
    with pytest.raises(json.JSONDecodeError):
        response.json()


async def test_a_wrong_type_body_swaps_the_top_level_json_type(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_malformed("wrong-type")

    response = await client.get(ORGS)

    assert response.status_code == 200
    assert response.json() == []  # ClickHouse answers an object: {"status", "result", ...}


async def test_an_empty_body_is_a_200_with_nothing_in_it(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_malformed("empty")

    response = await client.get(ORGS)

    assert response.status_code == 200
    assert response.content == b""


def test_an_unknown_malformed_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="html, truncated, wrong-type, empty"):
        ClickHouseSimulator(seed=False).faults.add_malformed("xml")  # type: ignore[arg-type]


# --- dropped connections -----------------------------------------------------------------


async def test_a_dropped_connection_is_an_httpx_protocol_error_in_process(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_drop(path=ORGS)

    with pytest.raises(httpx.RemoteProtocolError) as raised:
        await client.get(ORGS)

    assert isinstance(raised.value, ConnectionDropped)
    assert raised.value.request.url.path == ORGS
    # the vendor never saw it: no one authenticated
    assert [(e.identity, e.status) for e in sim.log.entries] == [(None, 0)]


async def test_a_processed_drop_loses_the_answer_after_the_vendor_did_the_work(
    sim: ClickHouseSimulator, client: httpx.AsyncClient
) -> None:
    sim.faults.add_drop(processed=True)

    with pytest.raises(ConnectionDropped):
        await client.get(ORGS)

    assert [(e.identity, e.status) for e in sim.log.entries] == [(ACME["key_id"], 0)]


# --- on a real socket --------------------------------------------------------------------


@pytest.fixture
def served(sim: ClickHouseSimulator) -> Iterator[str]:
    """The simulator on a uvicorn socket, in a thread."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        sim.app, host="127.0.0.1", port=port, lifespan="off", log_level="critical"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        sim.faults.release()  # a held request would keep uvicorn from shutting down
        server.should_exit = True
        thread.join(timeout=10)


def test_a_dropped_connection_on_a_socket_is_an_httpx_protocol_error(
    sim: ClickHouseSimulator, served: str
) -> None:
    sim.faults.add_drop()

    with pytest.raises(httpx.RemoteProtocolError, match="peer closed connection"):
        httpx.get(served + ORGS, auth=AUTH, timeout=5)
    after = httpx.get(served + ORGS, auth=AUTH, timeout=5)

    assert after.status_code == 200


def test_a_hang_on_a_socket_ends_in_the_clients_read_timeout(
    sim: ClickHouseSimulator, served: str
) -> None:
    sim.faults.add_hang()

    with pytest.raises(httpx.ReadTimeout):
        httpx.get(served + ORGS, auth=AUTH, timeout=httpx.Timeout(5, read=0.1))

    assert len(sim.faults.held) == 1  # the simulator still holds it, as a stuck vendor would
