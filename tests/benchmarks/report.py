"""The benchmark's table and its targets (issue 8): numbers, never pass/fail in pytest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: every figure ``bench-results.json`` must hold, so runs can be compared
REQUIRED = (
    "dashboard.upstream_calls",
    "dashboard.min_upstream_calls",
    "dashboard.cold_p50_ms",
    "dashboard.cold_p99_ms",
    "dashboard.critical_path_ms",
    "dashboard.floor_p50_ms",
    "dashboard.gateway_cpu_ms_per_call",
    "dashboard.answer_cpu_p50_ms",
    "dashboard.upstream_cpu_ms_per_call",
    "dashboard.floor_cpu_ms_per_call",
    "dashboard.gateway_over_floor_cpu",
    "lookup.upstream_calls",
    "lookup.min_upstream_calls",
    "warm.gateway_rps",
    "warm.gateway_p50_ms",
    "warm.bare_strawberry_rps",
    "warm_cached.cpu_ms_per_request",
    "warm_cached.gateway_rps",
    "warm_cached.bare_strawberry_rps",
    "warm_cached.bare_same_shape_cpu_ms_per_request",
    "warm_cached.executed_cpu_ms_per_request",
    "large.seconds_1k",
    "large.seconds_10k",
    "large.rss_mb_1k",
    "large.rss_mb_10k",
    "scaleout.upstream_calls",
    "scaleout.single_process_upstream_calls",
    "scaleout.upstream_429s",
)


def figure(results: dict[str, Any], dotted: str) -> Any:
    scenario, name = dotted.split(".", 1)
    return results.get(scenario, {}).get(name)


def missing(results: dict[str, Any]) -> list[str]:
    """Required figures that are not numbers."""
    return [
        k
        for k in REQUIRED
        if not isinstance(figure(results, k), int | float) or isinstance(figure(results, k), bool)
    ]


Target = tuple[str, Callable[[dict[str, Any]], float], str, Callable[[float], bool]]

TARGETS: tuple[Target, ...] = (
    (
        "dashboard calls / minimum",
        lambda r: r["dashboard"]["upstream_calls"] / r["dashboard"]["min_upstream_calls"],
        "= 1.00",
        lambda v: v <= 1.0,
    ),
    (
        "lookup calls / minimum",
        lambda r: r["lookup"]["upstream_calls"] / r["lookup"]["min_upstream_calls"],
        "= 1.00",
        lambda v: v <= 1.0,
    ),
    (
        "dashboard cold p50 / replay floor",
        lambda r: r["dashboard"]["cold_p50_ms"] / r["dashboard"]["floor_p50_ms"],
        "<= 1.5",
        lambda v: v <= 1.5,
    ),
    (
        "dashboard gateway CPU per call (ms)",
        lambda r: r["dashboard"]["gateway_cpu_ms_per_call"],
        "<= 0.25",
        lambda v: v <= 0.25,
    ),
    (
        "dashboard vendors over their minimum waves",
        lambda r: sum(m > least for m, least in r["dashboard"]["waves"].values()),
        "= 0",
        lambda v: v == 0,
    ),
    (
        "warm cached CPU per request (ms)",
        lambda r: r["warm_cached"]["cpu_ms_per_request"],
        "<= 1",
        lambda v: v <= 1.0,
    ),
    # the two below split the targets above by what the framework itself costs
    # (docs/performance.md, "What the CPU targets meet")
    (
        "dashboard CPU per call past the answer (ms)",
        lambda r: r["dashboard"]["upstream_cpu_ms_per_call"],
        "<= 0.25",
        lambda v: v <= 0.25,
    ),
    (
        "warm executed CPU / bare strawberry, same fields",
        lambda r: r["warm_cached"]["executed_cpu_over_bare_same_shape"],
        "<= 1.10",
        lambda v: v <= 1.1,
    ),
    (
        "warm rps / bare strawberry rps",
        lambda r: r["warm"]["gateway_rps"] / r["warm"]["bare_strawberry_rps"],
        ">= 0.70",
        lambda v: v >= 0.7,
    ),
    (
        "scale-out calls / one process",
        lambda r: r["scaleout"]["upstream_calls"] / r["scaleout"]["single_process_upstream_calls"],
        "<= 1.00",
        lambda v: v <= 1.0,
    ),
    (
        "scale-out 429s",
        lambda r: r["scaleout"]["upstream_429s"],
        "= 0",
        lambda v: v == 0,
    ),
    ("large time 10k / 1k", lambda r: r["large"]["time_ratio"], "<= 12", lambda v: v <= 12),
    ("large RSS 10k / 1k", lambda r: r["large"]["rss_ratio"], "<= 12", lambda v: v <= 12),
    ("large peak RSS at 10k (MB)", lambda r: r["large"]["rss_mb_10k"], "< 400", lambda v: v < 400),
)


def targets(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    judged: dict[str, dict[str, Any]] = {}
    for name, value, wanted, met in TARGETS:
        try:
            v = float(value(results))
        except (KeyError, ZeroDivisionError, TypeError):
            continue  # the scenario did not run, or was skipped
        judged[name] = {"value": round(v, 3), "target": wanted, "met": met(v)}
    return judged


def table(results: dict[str, Any]) -> str:
    rows = [("figure", "value")]
    for scenario, figures in results.items():
        if not isinstance(figures, dict) or scenario in ("targets", "settings"):
            continue
        for name, value in figures.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in value.items())
            rows.append((f"{scenario}.{name}", str(value)))
    width = max(len(r[0]) for r in rows)
    lines = [f"{a:<{width}}  {b}" for a, b in rows]
    lines.append("")
    lines.append(f"{'target':<{width}}  {'value':>9}  {'wanted':<8}  met")
    for name, judged in results.get("targets", {}).items():
        mark = "yes" if judged["met"] else "NO"
        lines.append(f"{name:<{width}}  {judged['value']:>9}  {judged['target']:<8}  {mark}")
    return "\n".join(lines)
