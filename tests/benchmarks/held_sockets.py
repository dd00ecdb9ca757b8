"""Issue 15, class 4: how long do WebSocket upgrades that never say who they are hold the
gateway's file descriptors?

    python -m tests.benchmarks.held_sockets [--sockets 1000] [--seconds 90] [--polite]

Serves the gateway with client tokens (the default limits), opens ``--sockets`` sockets
that complete the WebSocket upgrade without a token and then send nothing, and samples the
server process's open file descriptors every half second. By default the clients are
hostile: they never read again, so they do not answer the server's close frame either
(uvicorn then drops the connection after its 10 s close timeout); ``--polite`` clients
answer it, as browsers and client libraries do. Prints numbers, never pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.auth_fixtures import SECURED
from tests.served import free_port, serving
from tests.websocket_support import open_fds, upgrade


async def _hostile(host: str, port: int) -> Any:
    """A socket upgraded to graphql-transport-ws that will never read or write again."""
    reader, writer = await asyncio.open_connection(host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            "GET /graphql HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101"), head
    return writer


async def _run(base: str, pid: int, sockets: int, seconds: float, polite: bool) -> dict[str, Any]:
    host, port = base.removeprefix("http://").split(":")
    baseline = open_fds(pid)
    started = time.monotonic()
    clients: list[Any]
    if polite:
        clients = [await upgrade(base) for _ in range(sockets)]
    else:
        clients = [await _hostile(host, int(port)) for _ in range(sockets)]
    opened = time.monotonic() - started
    samples: list[tuple[float, int]] = []
    while time.monotonic() - started < seconds:
        samples.append((round(time.monotonic() - started, 1), open_fds(pid)))
        await asyncio.sleep(0.5)
    for client in clients:
        if polite:
            await client.close()
        else:
            client.close()
    held = [t for t, fds in samples if fds > baseline + sockets // 2]
    given_back = next((t for t, fds in samples if fds <= baseline + 5 and t > opened), None)

    def at(second: float) -> int | None:
        return next((fds for t, fds in samples if t >= second), None)

    return {
        "sockets": sockets,
        "polite": polite,
        "baseline_fds": baseline,
        "peak_fds": max(fds for _, fds in samples),
        "seconds_to_open_all": round(opened, 1),
        "fds_at_s": {s: at(s) for s in (2, 6, 10, 20, 30, 45, 60, 75) if s < seconds},
        "held_more_than_half_until_s": held[-1] if held else None,
        "back_to_baseline_at_s": given_back,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.held_sockets")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--polite", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gw.toml"
        path.write_text(SECURED)
        port = free_port()
        command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)]
        command += ["--config", str(path), "--log-level", "warning"]
        with serving(command, port) as (base, proc):
            result = asyncio.run(_run(base, proc.pid, args.sockets, args.seconds, args.polite))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
