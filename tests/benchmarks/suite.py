"""Runs the scenarios a ``Settings`` asks for and gathers their figures."""

from __future__ import annotations

import time
from typing import Any

from tests.benchmarks.dashboard import run_dashboard, run_lookup
from tests.benchmarks.fleet import VENDORS, start_simulators, stop_simulators
from tests.benchmarks.large import run_large
from tests.benchmarks.report import targets
from tests.benchmarks.scaleout import run_scaleout
from tests.benchmarks.settings import Settings
from tests.benchmarks.warm import run_warm


async def run_suite(settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    results: dict[str, Any] = {}
    if settings.only & {"dashboard", "lookup", "warm"}:
        sims = start_simulators(VENDORS, settings.scale, latency_ms=settings.latency_ms)
        try:
            if "dashboard" in settings.only:
                results["dashboard"] = await run_dashboard(sims, settings)
            if "lookup" in settings.only:
                results["lookup"] = await run_lookup(sims, settings)
            if "warm" in settings.only:
                results["warm"] = await run_warm(sims, settings)
        finally:
            stop_simulators(sims)
    if "scaleout" in settings.only:
        results["scaleout"] = await run_scaleout(settings)
    if "large" in settings.only:
        results["large"] = run_large(settings)
    results["targets"] = targets(results)
    results["settings"] = {
        "scale": str(settings.scale),
        "latency_ms": settings.latency_ms,
        "dashboard_samples": settings.samples,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return results
