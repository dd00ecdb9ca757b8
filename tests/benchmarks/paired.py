"""Two trees' cold dashboards, paired: ``python -m tests.benchmarks.paired A B``.

A change worth a few percent of the gateway's CPU hides in this machine's noise when
whole benchmark runs are compared: the machine's speed drifts between runs by more than
the change. Here each tree runs in a worker process of its own (its directory first on
``sys.path``, its own simulators), and the two answer one dashboard each in turn, in a
random order each pair, so drift moves both samples of a pair alike. The figure is the
median of the pairs' differences (B - A), with its interquartile range.

Each worker runs this file with its tree on ``PYTHONPATH`` and as its directory, so it
runs that tree's code wherever this is started from, and a tree that predates this file
compares too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

MODES = ("cold", "again")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="the tree to compare against (its checkout)")
    parser.add_argument("b", type=Path, help="the tree compared")
    parser.add_argument("--pairs", type=int, default=80)
    parser.add_argument("--mode", choices=MODES, default="cold")
    parser.add_argument("--scale", default="2x25", help="organizations x databases a vendor")
    options = parser.parse_args()
    a, b = _Worker(options.a, options.scale), _Worker(options.b, options.scale)
    xa: list[float] = []
    xb: list[float] = []
    try:
        for _ in range(options.pairs):
            first, second = (a, b) if random.random() < 0.5 else (b, a)
            one, two = first.dashboard(options.mode), second.dashboard(options.mode)
            xa.append(one if first is a else two)
            xb.append(two if first is a else one)
    finally:
        a.close()
        b.close()
    gaps = sorted(y - x for x, y in zip(xa, xb, strict=True))
    base = statistics.median(xa)
    print(
        f"{options.mode}, {options.pairs} pairs, gateway CPU ms a dashboard: "
        f"A {base:.1f}, B {statistics.median(xb):.1f}; B - A median "
        f"{statistics.median(gaps):+.2f} ms (IQR {_at(gaps, 0.25):+.2f} .. "
        f"{_at(gaps, 0.75):+.2f}), {100 * statistics.median(gaps) / base:+.1f}%"
    )


def _at(ordered: list[float], fraction: float) -> float:
    return ordered[int(fraction * (len(ordered) - 1))]


class _Worker:
    def __init__(self, tree: Path, scale: str) -> None:
        tree = tree.resolve()
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self._process = subprocess.Popen(
            # this file, whichever tree it is in: the tree compared may predate it
            [sys.executable, __file__, "--worker", scale],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=tree,
        )
        if self._read() != "ready":
            raise RuntimeError(f"the worker of {tree} did not start")

    def dashboard(self, mode: str) -> float:
        assert self._process.stdin is not None
        self._process.stdin.write(mode + "\n")
        self._process.stdin.flush()
        return float(self._read())

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=60)

    def _read(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line:
            raise RuntimeError("a worker ended early (run it alone to see why)")
        return line


async def _serve(scale: str) -> None:
    """The worker: one dashboard per line read ("cold" or "again"), its CPU ms printed."""
    from adapters.simulation.scale import Scale
    from gateway.runtime import settle_heap
    from tests.benchmarks import documents
    from tests.benchmarks.dashboard import _config, _reset
    from tests.benchmarks.fleet import VENDORS, start_simulators, stop_simulators
    from tests.gateway_client import GatewayClient

    sims = start_simulators(VENDORS, Scale.parse(scale), latency_ms=20.0)
    try:
        async with GatewayClient(_config(sims), guarded=False) as gateway:
            settle_heap()
            for _ in range(3):  # the interpreter's warm-up, the connections' opening
                _reset(sims)
                gateway.expire_cache()
                await gateway.http.post("/graphql", json={"query": documents.DASHBOARD})
            print("ready", flush=True)
            loop = asyncio.get_running_loop()
            while mode := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
                headers = {}
                if mode == "cold":
                    _reset(sims)
                    gateway.expire_cache()
                else:
                    headers = {"cache-control": "no-cache"}  # executed, not the kept answer
                started = time.process_time()
                answer = await gateway.http.post(
                    "/graphql", json={"query": documents.DASHBOARD}, headers=headers
                )
                spent = (time.process_time() - started) * 1000
                if answer.json().get("errors"):
                    raise RuntimeError(f"the dashboard failed: {answer.json()['errors'][:2]}")
                print(f"{spent:.3f}", flush=True)
    finally:
        stop_simulators(sims)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        del sys.path[0]  # this file's directory: its modules are not top-level ones
        import uvloop

        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(_serve(sys.argv[2]))
    else:
        main()
