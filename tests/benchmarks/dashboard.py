"""Scenarios 1 and 2: the cold dashboard and the 200-ID lookup, against simulator servers.

The gateway runs in this process with its response cache emptied before every sample, so
nothing is cached from an earlier one; the simulators are child processes (``fleet``), so
their work runs beside the gateway's rather than inside it. The first sample warms the
interpreter (first executions of every code path) and opens the connections; it is not
counted.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from gateway.config import parse_config
from gateway.runtime import settle_heap
from tests.benchmarks import documents, floor, minimums, waves
from tests.benchmarks.fleet import UNPACED_HTTP, SimulatorProcess, connections_of, gateway_config
from tests.benchmarks.settings import Settings
from tests.benchmarks.stats import ms, percentile
from tests.gateway_client import GatewayClient


def _config(sims: Sequence[SimulatorProcess]) -> Any:
    text, env = gateway_config(connections_of(sims), http=UNPACED_HTTP)
    return parse_config(text, "benchmark", env)


async def _post(config: Any, document: str, variables: dict[str, Any] | None = None) -> Any:
    """One request to a freshly built gateway: (seconds, response data)."""
    async with GatewayClient(config) as gateway:
        started = time.perf_counter()
        body = await gateway.post(document, variables)
        elapsed = time.perf_counter() - started
    if body.get("errors"):
        raise RuntimeError(f"the benchmark query failed: {body['errors'][:3]}")
    return elapsed, body["data"]


def _reset(sims: Sequence[SimulatorProcess]) -> None:
    for sim in sims:
        sim.reset()


async def run_dashboard(sims: Sequence[SimulatorProcess], settings: Settings) -> dict[str, Any]:
    """Cold means nothing cached: one running gateway (its connection pools open, as in a
    server that has been up a while) whose response cache is emptied before each sample.

    Each sample is followed by one replay of the same calls by a minimal client in the
    fewest waves the APIs allow (``floor``), so both see the same machine at the same
    moment; the gateway's CPU time is this process's (the simulators are children)."""
    config = _config(sims)
    durations: list[float] = []
    floors: list[float] = []
    floor_cpu_per_call: list[float] = []
    cpu_per_call: list[float] = []
    cpu_ms: list[float] = []
    answer_cpu_ms: list[float] = []
    upstream_cpu_per_call: list[float] = []
    gc_ms: list[float] = []
    calls: dict[str, int] = {}
    recorder = floor.Recorder()
    replayer: floor.Replayer | None = None
    async with contextlib.AsyncExitStack() as stack:
        gateway = await stack.enter_async_context(GatewayClient(config, guarded=False))
        settle_heap()  # as the served gateway's lifespan does once it has started
        stack.callback(gc.unfreeze)  # this process goes on (the suite, the smoke test)
        collector = _CollectorTime()
        gc.callbacks.append(collector)
        stack.callback(gc.callbacks.remove, collector)
        recorder.attach(h for a in gateway.runtime.adapters.values() for h in a.upstreams())
        for sample in range(settings.samples + 1):
            _reset(sims)
            gateway.expire_cache()
            collector.spent = 0.0
            cpu_started = time.process_time()
            started = time.perf_counter()
            answer = await gateway.http.post("/graphql", json={"query": documents.DASHBOARD})
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            body = answer.json()  # the client's work, not the gateway's: after the clocks
            if body.get("errors"):
                raise RuntimeError(f"the benchmark query failed: {body['errors'][:3]}")
            made = {sim.vendor: sim.calls() for sim in sims}
            if sample == 0:
                # the interpreter's warm-up, and the connections' first opening; the
                # replay's connections open now too
                recorder.detach()
                floor.check(recorder.calls, settings.org)
                replayer = await stack.enter_async_context(floor.Replayer(recorder.calls))
                await replayer.replay()
                continue
            assert replayer is not None
            durations.append(elapsed)
            cpu_ms.append(cpu * 1000)
            gc_ms.append(collector.spent * 1000)
            cpu_per_call.append(cpu * 1000 / max(1, sum(made.values())))
            for vendor, n in made.items():  # every sample must cost the same: the most
                calls[vendor] = max(calls.get(vendor, 0), n)
            # the same query again, every answer now in the cache: what executing the
            # answer costs (GraphQL, mapping, JSON) without a single upstream call
            cpu_started = time.process_time()
            # executed: not the answer cache's kept answer
            again = await gateway.http.post(
                "/graphql",
                json={"query": documents.DASHBOARD},
                headers={"cache-control": "no-cache"},
            )
            warm_cpu = time.process_time() - cpu_started
            if again.json().get("errors") or {s.vendor: s.calls() for s in sims} != made:
                raise RuntimeError("the cached dashboard failed or called a vendor")
            answer_cpu_ms.append(warm_cpu * 1000)
            upstream_cpu_per_call.append((cpu - warm_cpu) * 1000 / max(1, sum(made.values())))
            cpu_started = time.process_time()
            floors.append(await replayer.replay())
            floor_cpu = time.process_time() - cpu_started
            floor_cpu_per_call.append(floor_cpu * 1000 / max(1, len(recorder.calls)))
    ratios = [g / max(f, 1e-6) for g, f in zip(cpu_per_call, floor_cpu_per_call, strict=True)]
    orgs = settings.scale.organizations
    minimum = {s.vendor: minimums.dashboard_calls(s.vendor, settings.org) * orgs for s in sims}
    chain = max(minimums.dashboard_chain(s.vendor, settings.org) for s in sims)
    measured = await waves.dashboard_waves(settings.scale, [s.vendor for s in sims])
    return {
        "upstream_calls": sum(calls.values()),
        "min_upstream_calls": sum(minimum.values()),
        "cold_p50_ms": ms(percentile(durations, 50)),
        "cold_p99_ms": ms(percentile(durations, 99)),
        "floor_p50_ms": ms(percentile(floors, 50)),
        "floor_p99_ms": ms(percentile(floors, 99)),
        "critical_path_ms": round(chain * settings.latency_ms, 1),
        "gateway_cpu_ms_per_call": round(percentile(cpu_per_call, 50), 3),
        "gateway_cpu_ms_per_call_min_max": [
            round(min(cpu_per_call), 3),
            round(max(cpu_per_call), 3),
        ],
        "gateway_cpu_p50_ms": round(percentile(cpu_ms, 50), 1),
        # the cold CPU split in two: the same query answered from the cache (the answer's
        # execution), and what is left per upstream call
        "answer_cpu_p50_ms": round(percentile(answer_cpu_ms, 50), 1),
        "upstream_cpu_ms_per_call": round(percentile(upstream_cpu_per_call, 50), 3),
        # of which the cyclic garbage collector's
        "gateway_gc_p50_ms": round(percentile(gc_ms, 50), 1),
        # the minimal client's own CPU per call in the same run: what a call costs on
        # this machine with nothing of the gateway around it
        "floor_cpu_ms_per_call": round(percentile(floor_cpu_per_call, 50), 3),
        # the two per sample, each gateway sample beside the replay that follows it: the
        # machine's speed moves both, so this moves less than either
        "gateway_over_floor_cpu": round(percentile(ratios, 50), 2),
        "waves": {
            s.vendor: [measured.get(s.vendor, 0), minimums.dashboard_chain(s.vendor, settings.org)]
            for s in sims
        },
        "samples": len(durations),
        "per_vendor": {v: {"calls": calls[v], "min": minimum[v]} for v in calls},
    }


class _CollectorTime:
    """CPU time the cyclic garbage collector spends (a ``gc.callbacks`` entry)."""

    def __init__(self) -> None:
        self.spent = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.spent += time.process_time() - self._started


async def database_ids(sims: Sequence[SimulatorProcess], limit: int = 200) -> list[tuple[str, str]]:
    """Up to ``limit`` (connection, database ID) pairs, spread over every connection."""
    _, data = await _post(_config(sims), documents.DATABASE_IDS)
    per_connection = [
        [(org["connection"]["name"], node["id"]) for node in org["databases"]["nodes"]]
        for org in data["organizations"]
    ]
    spread: list[tuple[str, str]] = []
    while len(spread) < limit and any(per_connection):
        for ids in per_connection:
            if ids and len(spread) < limit:
                spread.append(ids.pop(0))
    return spread


async def run_lookup(sims: Sequence[SimulatorProcess], settings: Settings) -> dict[str, Any]:
    ids = await database_ids(sims)
    _reset(sims)
    await _post(_config(sims), documents.LOOKUP, {"ids": [i for _, i in ids]})
    calls = {sim.vendor: sim.calls() for sim in sims}
    wanted: dict[str, int] = defaultdict(int)
    for connection, _ in ids:
        wanted[connection] += 1
    minimum: dict[str, int] = defaultdict(int)
    for connection, count in wanted.items():
        vendor = connection.rsplit("-", 1)[0]
        minimum[vendor] += minimums.lookup_calls(vendor, count, settings.scale.databases)
    return {
        "upstream_calls": sum(calls.values()),
        "min_upstream_calls": sum(minimum.values()),
        "ids": len(ids),
        "per_vendor": {v: {"calls": calls[v], "min": minimum[v]} for v in calls},
    }
