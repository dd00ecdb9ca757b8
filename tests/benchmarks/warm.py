"""Scenario 3: a warm small query over a real uvicorn socket, against a bare strawberry app.

Both servers run as child processes with the same uvicorn settings and are loaded the
same way, one after the other in this run, so the ratio compares the gateway's own work
per request (context, loaders, IDs, the cross-request cache) with strawberry's floor.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
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
from tests.benchmarks.loadgen import graphql_post, run_load
from tests.benchmarks.settings import Settings
from tests.benchmarks.stats import ms

FIRST_DATABASE = """
query First { organizations { connection { vendor } databases(first: 1) { nodes { id } } } }
"""


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
    text, env = gateway_config(connections_of(sims), http=UNPACED_HTTP)
    gateway = spawn_gateway(text, env)
    bare, bare_port = bare_app or spawn_bare()
    try:
        wait_gateway(gateway)
        procs.wait_ready(bare, f"http://127.0.0.1:{bare_port}/graphql?query=%7Bhello%7D")
        orgs = gateway.post(FIRST_DATABASE)["organizations"]
        database_id = next(
            o["databases"]["nodes"][0]["id"]
            for o in orgs
            if o["connection"]["vendor"].lower() == "clickhouse" and o["databases"]["nodes"]
        )
        gateway.post(documents.WARM, {"id": database_id})  # fills the cache
        request = graphql_post(gateway.port, documents.WARM, {"id": database_id})
        hello = graphql_post(bare_port, "{ hello }")
        for port, body in ((gateway.port, request), (bare_port, hello)):
            # first executions of every code path, in both servers, before measuring
            await run_load(port, body, settings.warm_up_seconds, settings.warm_connections)
        for sim in sims:
            sim.reset()
        ours = await run_load(
            gateway.port, request, settings.warm_seconds, settings.warm_connections
        )
        upstream = sum(sim.calls() for sim in sims)
        floor = await run_load(bare_port, hello, settings.warm_seconds, settings.warm_connections)
    finally:
        procs.stop(gateway.proc)
        procs.stop(bare)
    if ours.errors or floor.errors:
        raise RuntimeError(f"errors under load: gateway {ours.errors}, bare {floor.errors}")
    return {
        "gateway_rps": round(ours.rps, 1),
        "gateway_p50_ms": ms(ours.p(50)),
        "gateway_p99_ms": ms(ours.p(99)),
        "bare_strawberry_rps": round(floor.rps, 1),
        "bare_strawberry_p50_ms": ms(floor.p(50)),
        "bare_strawberry_p99_ms": ms(floor.p(99)),
        "ratio": round(ours.rps / floor.rps, 3),
        "upstream_calls_under_load": upstream,
        "connections": settings.warm_connections,
        "seconds": settings.warm_seconds,
    }
