"""`dbaas-gateway serve` as a child process on a free port, the way a user runs it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping

import httpx

from tests.leak_guard import observe_output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_demo(*extra_args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Yield (base URL, process) once /readyz answers 200; stop the process afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port), *extra_args]
    with serving(command, port) as running:
        yield running


@contextlib.contextmanager
def serving(
    command: list[str], port: int, env: Mapping[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run a server ``command`` listening on ``port``; yield (base URL, process) once
    /readyz answers 200; stop the process afterwards."""
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=None if env is None else dict(env),
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
        try:
            output: tuple[str | None, str | None] = proc.communicate(timeout=10)
        except ValueError:  # the test read the output itself
            output = (None, None)
            proc.wait(timeout=10)
        # its log lines are searched for secrets (tests/leak_guard.py)
        observe_output(f"output of {' '.join(command[1:])}", output)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
