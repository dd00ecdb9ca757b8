"""The JavaScript clients the gateway is tested with (``tests/clients``: the graphql-http
conformance audit, Apollo Client), run with node against a served gateway.

Needs node; .ci/run installs it and runs ``npm ci --prefix tests/clients``. A checkout
without node_modules gets them from ``npm ci`` on first use. Without node the tests are
skipped, saying why; with ``CI`` set they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CLIENTS = Path(__file__).parent / "clients"
NO_NODE = (
    "node is not installed: this test runs JavaScript GraphQL clients from "
    "tests/clients (.ci/run installs nodejs and npm)"
)


def needs_node(reason: str = NO_NODE) -> None:
    """Skip where node is missing; fail on CI, which installs it (.ci/run), so that a
    broken install step cannot pass as a skip."""
    if shutil.which("node") is not None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"on CI: {reason}")
    pytest.skip(reason)


def _install() -> None:
    if (CLIENTS / "node_modules" / ".package-lock.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is missing: run `npm ci --prefix tests/clients` (see .ci/run)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENTS, check=True, timeout=600)


def run_script(script: str, *args: str, cwd: Path = CLIENTS) -> list[dict[str, Any]]:
    """Run ``tests/clients/<script>`` (a path relative to it) with node, in ``cwd``; its
    output, one JSON value per line."""
    needs_node()
    _install()
    done = subprocess.run(
        ["node", str(CLIENTS / script), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip().startswith("{")]
