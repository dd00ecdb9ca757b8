"""Scenario 3: a warm small query over a real uvicorn socket, against a bare strawberry app.

Both servers run as child processes with the same uvicorn settings and are loaded the
same way, one after the other in this run, so the ratio compares the gateway's own work
per request (context, loaders, IDs, the cross-request cache) with strawberry's floor.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.benchmarks import documents, procs
from tests.benchmarks.fleet import (
    UNPACED_HTTP,
    SimulatorProcess,
    connections_of,
    gateway_config,
    spawn_gateway,
    wait_gateway,
)
from tests.benchmarks.loadgen import LoadResult, graphql_post, run_load
from tests.benchmarks.settings import Settings
from tests.benchmarks.stats import ms

FIRST_DATABASE = """
query First { organizations { id connection { vendor } databases(first: 1) { nodes { id } } } }
"""

#: kept for the whole run: the cached scenario answers everything from the cache
LONG_TTLS = "\n[cache.ttl]\norganizations = 3600\ndatabases = 3600\nbackups = 3600\n"
#: the same, with the answer cache off: every request executes from the upstream cache
EXECUTED = LONG_TTLS + "\n[cache]\nanswers = false\n"


def spawn_bare() -> tuple[subprocess.Popen[bytes], int]:
    """The bare strawberry app, started early so it imports meanwhile."""
    port = procs.free_port()
    args = ["-m", "tests.benchmarks.bare_app", "--port", str(port), "--log-level", "warning"]
    return procs.spawn(args), port


async def run_warm(
    sims: Sequence[SimulatorProcess],
    settings: Settings,
    bare_app: tuple[subprocess.Popen[bytes], int] | None = None,
) -> dict[str, Any]:
    text, env = gateway_config(connections_of(sims), http=UNPACED_HTTP, extra=LONG_TTLS)
    gateway = spawn_gateway(text, env)
    text, env = gateway_config(connections_of(sims), http=UNPACED_HTTP, extra=EXECUTED)
    executing = spawn_gateway(text, env)
    bare, bare_port = bare_app or spawn_bare()
    try:
        wait_gateway(gateway)
        wait_gateway(executing)
        procs.wait_ready(bare, f"http://127.0.0.1:{bare_port}/graphql?query=%7Bhello%7D")
        orgs = gateway.post(FIRST_DATABASE)["organizations"]
        org = next(
            o
            for o in orgs
            if o["connection"]["vendor"].lower() == "clickhouse" and o["databases"]["nodes"]
        )
        database_id = org["databases"]["nodes"][0]["id"]
        gateway.post(documents.WARM, {"id": database_id})  # fills the cache
        gateway.post(documents.WARM_CACHED, {"id": org["id"]})
        request = graphql_post(gateway.port, documents.WARM, {"id": database_id})
        cached = graphql_post(gateway.port, documents.WARM_CACHED, {"id": org["id"]})
        hello = graphql_post(bare_port, "{ hello }")
        executing.post(documents.WARM_CACHED, {"id": org["id"]})  # fills its cache
        executed = graphql_post(executing.port, documents.WARM_CACHED, {"id": org["id"]})
        answer = gateway.post(documents.WARM_CACHED, {"id": org["id"]})["organization"]
        shape = json.dumps([len(d["backups"]) for d in answer["databases"]["nodes"]])
        same_shape = graphql_post(bare_port, documents.WARM_CACHED, {"id": shape})
        loads = ((gateway.port, request), (gateway.port, cached), (bare_port, hello))
        for port, body in (*loads, (bare_port, same_shape), (executing.port, executed)):
            # first executions of every code path, in both servers, before measuring
            await run_load(port, body, settings.warm_up_seconds, settings.warm_connections)
        for sim in sims:
            sim.reset()
        ours = await _load(gateway.proc.pid, gateway.port, request, settings)
        upstream = sum(sim.calls() for sim in sims)
        floor = await _load(bare.pid, bare_port, hello, settings)
        for sim in sims:
            sim.reset()
        ours_cached = await _load(gateway.proc.pid, gateway.port, cached, settings)
        upstream_cached = sum(sim.calls() for sim in sims)
        bare_cached = await _load(bare.pid, bare_port, same_shape, settings)
        ours_executed = await _load(executing.proc.pid, executing.port, executed, settings)
    finally:
        procs.stop(gateway.proc)
        procs.stop(executing.proc)
        procs.stop(bare)
    if (
        ours.errors
        or floor.errors
        or ours_cached.errors
        or bare_cached.errors
        or (ours_executed.errors)
    ):
        raise RuntimeError(
            f"errors under load: gateway {ours.errors} / {ours_cached.errors}, bare {floor.errors}"
        )
    warm = {
        "gateway_rps": round(ours.rps, 1),
        "gateway_p50_ms": ms(ours.p(50)),
        "gateway_p99_ms": ms(ours.p(99)),
        "bare_strawberry_rps": round(floor.rps, 1),
        "bare_strawberry_p50_ms": ms(floor.p(50)),
        "bare_strawberry_p99_ms": ms(floor.p(99)),
        "ratio": round(ours.rps / floor.rps, 3),
        "gateway_cpu_ms_per_request": ours.cpu_ms_per_request,
        "bare_strawberry_cpu_ms_per_request": floor.cpu_ms_per_request,
        "upstream_calls_under_load": upstream,
        "connections": settings.warm_connections,
        "seconds": settings.warm_seconds,
    }
    warm_cached = {
        "cpu_ms_per_request": ours_cached.cpu_ms_per_request,
        "gateway_rps": round(ours_cached.rps, 1),
        "gateway_p50_ms": ms(ours_cached.p(50)),
        "bare_strawberry_rps": round(floor.rps, 1),
        "bare_strawberry_cpu_ms_per_request": floor.cpu_ms_per_request,
        "ratio": round(ours_cached.rps / floor.rps, 3),
        "upstream_calls_under_load": upstream_cached,
        # the answer cache off ([cache] answers = false): executed from the upstream cache
        "executed_cpu_ms_per_request": ours_executed.cpu_ms_per_request,
        "executed_rps": round(ours_executed.rps, 1),
        # the same fields executed by bare strawberry from memory: the framework's own cost
        "bare_same_shape_cpu_ms_per_request": bare_cached.cpu_ms_per_request,
        "bare_same_shape_rps": round(bare_cached.rps, 1),
        "executed_cpu_over_bare_same_shape": round(
            ours_executed.cpu_ms_per_request / max(bare_cached.cpu_ms_per_request, 1e-9), 2
        ),
        "fields": 2
        + len(answer["databases"]["nodes"]) * 4
        + sum(len(d["backups"]) for d in answer["databases"]["nodes"]) * 3,
    }
    return {"warm": warm, "warm_cached": warm_cached}


@dataclass(frozen=True)
class _Measured:
    rps: float
    cpu_ms_per_request: float
    errors: int
    result: LoadResult

    def p(self, q: float) -> float:
        return self.result.p(q)


async def _load(pid: int, port: int, request: bytes, settings: Settings) -> _Measured:
    """Load one server, and the CPU time its process spent per answered request."""
    cpu = procs.cpu_seconds(pid)
    result = await run_load(port, request, settings.warm_seconds, settings.warm_connections)
    spent = procs.cpu_seconds(pid) - cpu
    per_request = round(spent * 1000 / max(1, result.requests), 3)
    return _Measured(result.rps, per_request, result.errors, result)
