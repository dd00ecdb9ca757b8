"""`dbaas-gateway serve` on a real socket: the README's first command, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.served import serve_demo


@pytest.fixture
def served() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    with serve_demo("--log-level", "warning") as running:
        yield running


def test_demo_mode_serves_graphql_and_says_the_data_is_simulated(
    served: tuple[str, subprocess.Popen[str]],
) -> None:
    base, proc = served

    response = httpx.post(
        f"{base}/graphql", json={"query": "{ organizations { name } }"}, timeout=10
    )
    page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
    proc.terminate()
    stdout, _ = proc.communicate(timeout=10)

    assert response.status_code == 200
    assert {"name": "Acme Analytics"} in response.json()["data"]["organizations"]
    assert "graphiql" in page.text.lower()
    assert "demo mode" in stdout and "simulated" in stdout
    assert f"GraphiQL at {base}/graphql" in stdout


def test_a_settled_heap_is_frozen_and_collects_its_young_generation_less_often() -> None:
    # in a process of its own: what settle_heap freezes is never collected
    code = (
        "import gc; from gateway.runtime import settle_heap, YOUNG_THRESHOLD; "
        "before = gc.get_threshold(); settle_heap(); after = gc.get_threshold(); "
        "print(before[1:] == after[1:], after[0] == YOUNG_THRESHOLD > before[0], "
        "gc.get_freeze_count() > 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )

    assert done.stdout.split() == ["True", "True", "True"]
