"""Runs the scenarios a ``Settings`` asks for and gathers their figures."""

from __future__ import annotations

import subprocess
import time
from typing import Any

from tests.benchmarks import procs
from tests.benchmarks.dashboard import run_dashboard, run_lookup
from tests.benchmarks.fleet import VENDORS, SimulatorProcess, start_simulators, stop_simulators
from tests.benchmarks.large import run_large, spawn_large_simulators
from tests.benchmarks.report import targets
from tests.benchmarks.scaleout import run_scaleout
from tests.benchmarks.settings import Settings
from tests.benchmarks.warm import run_warm, spawn_bare


async def _with_fleet(
    sims: list[SimulatorProcess],
    settings: Settings,
    bare: tuple[subprocess.Popen[bytes], int] | None,
    results: dict[str, Any],
) -> None:
    if "dashboard" in settings.only:
        results["dashboard"] = await run_dashboard(sims, settings)
    if "lookup" in settings.only:
        results["lookup"] = await run_lookup(sims, settings)
    if "warm" in settings.only:
        results.update(await run_warm(sims, settings, bare))
    if "scaleout" in settings.only:
        results["scaleout"] = await run_scaleout(sims, settings)


async def run_suite(settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {}
    # every child process that needs nothing from another starts now, at once: on a small
    # machine their interpreters' start-up is much of a short run
    large = spawn_large_simulators(settings) if "large" in settings.only else {}
    bare = spawn_bare() if "warm" in settings.only else None
    try:
        if settings.only & {"dashboard", "lookup", "warm", "scaleout"}:
            sims = start_simulators(VENDORS, settings.scale, latency_ms=settings.latency_ms)
            try:
                await _with_fleet(sims, settings, bare, results)
            finally:
                stop_simulators(sims)
        if "large" in settings.only:
            results["large"] = run_large(settings, large)
    finally:  # whatever a failed scenario left running
        stop_simulators(large.values())
        if bare is not None:
            procs.stop(bare[0])
    results["targets"] = targets(results)
    results["settings"] = {
        "scale": str(settings.scale),
        "latency_ms": settings.latency_ms,
        "dashboard_samples": settings.samples,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return results
