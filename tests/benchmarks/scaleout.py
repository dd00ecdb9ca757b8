"""Scenario 4: several gateway processes sharing one Redis, the dashboard sent to all at once.

One process first (the default in-memory cache) sets the baseline of upstream calls;
then ``processes`` gateways configured with ``[cache] backend = "redis"`` on one real
``redis-server`` get the same dashboard at the same moment. Shared response cache,
single-flight and rate limit should make them call no more than the one process did,
and the ClickHouse simulator, enforcing its documented 10 requests per 10 s per key,
should never answer 429. Each run gets a fresh ClickHouse simulator, so no rate window
carries over; the other vendors' simulators are the suite's.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from typing import Any

import httpx

from gateway.config import ConfigError, parse_config
from gateway.runtime import make_backend
from tests.benchmarks import documents, procs
from tests.benchmarks.fleet import (
    VENDORS,
    GatewayProcess,
    SimulatorProcess,
    connections_of,
    gateway_config,
    spawn_gateway,
    spawn_simulator,
    stop_simulators,
    wait_gateway,
    wait_simulator,
)
from tests.benchmarks.settings import Settings
from tests.gateway_client import with_open_auth

#: ClickHouse keeps its documented pacing here (the point of the scenario)
HTTP: dict[str, dict[str, Any]] = {v: {"max_concurrency": 64} for v in VENDORS}
_PROBE = with_open_auth('[[connections]]\nname = "probe"\nvendor = "dbaas"\nsimulated = true\n')
#: the processes of one run are one deployment: they share the cache key secret
CACHE_KEY_ENV = "DBAAS_GATEWAY_BENCH_CACHE_KEY"


def redis_cache(url: str, instances: int) -> str:
    """The ``[cache]`` table of a Redis-backed run (its key secret in ``CACHE_KEY_ENV``)."""
    return (
        f'\n[cache]\nbackend = "redis"\nurl = "{url}"\ninstances = {instances}\n'
        f'key_secret_env = "{CACHE_KEY_ENV}"\n'
    )


def redis_cache_missing() -> str | None:
    """Why the Redis backend cannot be used here, or None when it can."""
    try:
        import redis.asyncio  # noqa: F401
    except ImportError:
        return "the redis package is not installed"
    cache = redis_cache("redis://127.0.0.1:6379/0", 2)
    env = {CACHE_KEY_ENV: secrets.token_hex(32)}
    try:
        make_backend(parse_config(_PROBE + cache, "probe", env).cache)  # connects lazily
    except ConfigError as exc:
        return f"the configuration has no Redis cache ({exc})"
    except ImportError as exc:
        return f"the gateway cannot build it ({exc})"
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    return None


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    port = procs.free_port()
    # no persistence: a throwaway server for one run
    args = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(
        ["redis-server", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.05)


def _totals(sims: Sequence[SimulatorProcess]) -> tuple[int, int]:
    """(upstream calls, 429 answers) over every simulator."""
    counts = [sim.counts() for sim in sims]
    return (
        sum(c["total"] for c in counts),
        sum(c["by_status"].get("429", 0) for c in counts),
    )


async def _dashboard_everywhere(gateways: Sequence[GatewayProcess]) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        answers = await asyncio.gather(
            *(
                client.post(f"{g.url}/graphql", json={"query": documents.DASHBOARD})
                for g in gateways
            )
        )
    for answer in answers:
        body = answer.json()
        if answer.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"dashboard failed: {str(body.get('errors', body))[:800]}")


async def _run(
    settings: Settings, others: Sequence[SimulatorProcess], processes: int, cache: str
) -> tuple[int, int]:
    """A fresh rate-limited ClickHouse simulator (so no rate window carries over) with
    the other vendors' simulators: the calls and 429s of ``processes`` gateways."""
    clickhouse = spawn_simulator(
        "clickhouse",
        settings.scale,
        settings.latency_ms,
        rate_limit=settings.scaleout_rate_limit,
    )
    sims = [s for s in others if s.vendor != "clickhouse"]
    gateways: list[GatewayProcess] = []
    try:
        sims.insert(0, wait_simulator(clickhouse))
        for sim in sims:
            sim.reset()
        # ClickHouse paced to 10 requests per 10 s: a cold dashboard takes about 30 s
        extra = "\n[server]\nrequest_timeout_seconds = 120\n" + cache
        text, env = gateway_config(connections_of(sims), http=HTTP, extra=extra)
        env[CACHE_KEY_ENV] = secrets.token_hex(32)  # one secret for every process
        gateways = [spawn_gateway(text, env) for _ in range(processes)]
        for gateway in gateways:
            wait_gateway(gateway)
        await _dashboard_everywhere(gateways)
        return _totals(sims)
    finally:
        for gateway in gateways:
            procs.stop(gateway.proc)
        stop_simulators([clickhouse])


async def run_scaleout(sims: Sequence[SimulatorProcess], settings: Settings) -> dict[str, Any]:
    """``sims``: the other vendors' simulators (a ClickHouse one among them is not used)."""
    missing = redis_cache_missing()
    if missing is not None:
        return {"skipped": f"redis backend missing: {missing}"}
    single_calls, single_429s = await _run(settings, sims, 1, "")
    redis, url = start_redis()
    try:
        n = settings.scaleout_processes
        calls, rejected = await _run(settings, sims, n, redis_cache(url, n))
    finally:
        redis.terminate()
        redis.wait(timeout=10)
    return {
        "processes": settings.scaleout_processes,
        "upstream_calls": calls,
        "single_process_upstream_calls": single_calls,
        "upstream_429s": rejected,
        "single_process_upstream_429s": single_429s,
    }
