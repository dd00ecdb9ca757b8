"""The benchmark suite runs and produces every figure (never judged on its numbers here).

At a tiny scale, with 1 ms of latency, 0.2 s of load and lists of 10 and 100 databases:
what it measures means nothing, so nothing is asserted about values, only that each
required figure of ``bench-results.json`` is a number.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.benchmarks.report import REQUIRED, missing, table
from tests.benchmarks.scaleout import redis_cache_missing
from tests.benchmarks.settings import Settings
from tests.benchmarks.suite import run_suite


async def test_the_suite_produces_every_figure() -> None:
    results = await run_suite(Settings.tiny())

    absent = missing(results)
    if redis_cache_missing() is not None:
        # before the Redis backend exists, the scale-out scenario says why it skipped
        assert results["scaleout"]["skipped"].startswith("redis backend missing")
        absent = [k for k in absent if not k.startswith("scaleout.")]
    assert absent == [], f"figures without a number: {absent}"
    assert len(REQUIRED) == 28
    assert "dashboard.cold_p50_ms" in table(results)


def test_two_checkouts_compare_pair_by_pair() -> None:
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "tests.benchmarks.paired", str(root), str(root)]
    done = subprocess.run(
        [*command, "--pairs=3", "--scale=1x2"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.fullmatch(
        r"cold, 3 pairs, gateway CPU ms a dashboard: A [\d.]+, B [\d.]+; B - A median "
        r"[-+][\d.]+ ms \(IQR [-+][\d.]+ \.\. [-+][\d.]+\), [-+][\d.]+%\n",
        done.stdout,
    ), done.stdout
