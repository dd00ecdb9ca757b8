"""`dbaas-gateway serve` on a real socket: the README's first command, as a user runs it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway.cli",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "gateway did not become ready"
            time.sleep(0.05)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


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
