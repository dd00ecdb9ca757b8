"""``python -m tests.benchmarks [--scale 2x25] [--quick]``: run, print the table, write JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

from adapters.simulation.scale import Scale
from tests.benchmarks.report import missing, table
from tests.benchmarks.settings import Settings
from tests.benchmarks.suite import run_suite

SCENARIOS = ("dashboard", "lookup", "warm", "scaleout", "large")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--scale", default="2x25", help="organizations x databases (2x25)")
    parser.add_argument("--quick", action="store_true", help="fewer samples, shorter load")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="per upstream call")
    parser.add_argument("--only", help=f"comma-separated scenarios of: {', '.join(SCENARIOS)}")
    parser.add_argument("--output", default="bench-results.json", help="where to write JSON")
    args = parser.parse_args(argv)
    options: dict[str, object] = {"scale": Scale.parse(args.scale), "latency_ms": args.latency_ms}
    if args.only:
        chosen = frozenset(s.strip() for s in args.only.split(","))
        unknown = chosen - set(SCENARIOS)
        if unknown:
            parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
        options["only"] = chosen
    settings = Settings.quick(**options) if args.quick else Settings(**options)  # type: ignore[arg-type]
    # the in-process gateway runs on the loop `dbaas-gateway serve` gets: uvicorn's
    # loop="auto" takes uvloop where it is installed
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        results = runner.run(run_suite(settings))
    print(table(results))
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output} in {results['settings']['seconds']} s")
    absent = missing(results) if not args.only else []
    if absent:
        print(f"figures missing: {', '.join(absent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
