"""Scenario 5: one query over 1,000 and 10,000 databases of one organization.

ClickHouse, whose services list does not paginate: the gateway reads every service in
one answer, maps, sorts and counts them all, and renders the first page (200, the
schema's page limit) with the total. Each sample is a fresh gateway process, so the
time is a cold read and the peak RSS (VmHWM) is this query's, on top of the idle
process (reported too).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from adapters.simulation.scale import Scale
from tests.benchmarks import documents, procs
from tests.benchmarks.fleet import (
    UNPACED_HTTP,
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

IDLE = "{ connections { name } }"


def _sample(text: str, env: dict[str, str]) -> tuple[float, float, float, int]:
    """(seconds, peak RSS MB, idle RSS MB, totalCount) of one cold query."""
    gateway = wait_gateway(spawn_gateway(text, env))
    try:
        gateway.post(IDLE)  # first-request work that is not the list's
        idle = procs.rss_mb(gateway.proc.pid, "VmRSS")
        started = time.perf_counter()
        data = gateway.post(documents.LARGE)
        elapsed = time.perf_counter() - started
        peak = procs.rss_mb(gateway.proc.pid, "VmHWM")
    finally:
        procs.stop(gateway.proc)
    return elapsed, peak, idle, int(data["databases"]["totalCount"])


def _summary(size: int, samples: list[tuple[float, float, float, int]]) -> tuple[float, ...]:
    """(median seconds, highest peak RSS, median idle RSS) of one size's samples."""
    if any(count != size for *_, count in samples):
        raise RuntimeError(f"expected {size} databases, got {[s[3] for s in samples]}")
    return (
        statistics.median(s[0] for s in samples),
        max(s[1] for s in samples),
        statistics.median(s[2] for s in samples),
    )


def spawn_large_simulators(settings: Settings) -> dict[int, SimulatorProcess]:
    """One ClickHouse simulator per size, started early so they seed meanwhile."""
    return {size: spawn_simulator("clickhouse", Scale(1, size)) for size in settings.large_sizes}


def run_large(
    settings: Settings, sims: dict[int, SimulatorProcess] | None = None
) -> dict[str, Any]:
    small, big = settings.large_sizes
    figures: dict[int, tuple[float, ...]] = {}
    sims = sims or spawn_large_simulators(settings)
    try:
        for size, sim in sims.items():
            text, env = gateway_config(connections_of([wait_simulator(sim)]), http=UNPACED_HTTP)
            samples = [_sample(text, env) for _ in range(settings.large_samples)]
            figures[size] = _summary(size, samples)
    finally:
        stop_simulators(sims.values())
    (t_small, rss_small, idle_small), (t_big, rss_big, idle_big) = figures[small], figures[big]
    return {
        "sizes": [small, big],
        "seconds_1k": round(t_small, 3),
        "seconds_10k": round(t_big, 3),
        "rss_mb_1k": round(rss_small, 1),
        "rss_mb_10k": round(rss_big, 1),
        "idle_rss_mb": round(min(idle_small, idle_big), 1),
        "time_ratio": round(t_big / t_small, 2),
        "rss_ratio": round(rss_big / rss_small, 2),
        # what the query itself added on top of the idle process
        "rss_growth_ratio": round(
            max(rss_big - idle_big, 0.1) / max(rss_small - idle_small, 0.1), 2
        ),
        "samples": settings.large_samples,
    }
