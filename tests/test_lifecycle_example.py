"""The lifecycle script of docs/mutations.md, run as a user would against demo mode."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.served import serve_demo

SCRIPT = Path(__file__).parents[1] / "docs" / "examples" / "lifecycle.py"


def test_the_lifecycle_script_takes_a_database_through_every_vendor() -> None:
    with serve_demo("--log-level", "warning", "--transition-seconds", "0.3") as (base, _):
        run = subprocess.run(
            [sys.executable, str(SCRIPT), "--url", f"{base}/graphql", "--timeout", "20"],
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run.returncode == 0, run.stdout + run.stderr
    for connection in ("clickhouse-acme", "featurebase", "astra", "dbaas"):
        assert f"{connection}: created" in run.stdout
        assert f"{connection}: RUNNING" in run.stdout
    assert "clickhouse-acme: STOPPED" in run.stdout
    assert "featurebase: STOPPED" in run.stdout
    assert "dbaas: QUARANTINED, deleting again" in run.stdout
    assert "dbaas: DELETED" in run.stdout
