"""Issue 15, class 3: does one caller's subscriptions starve another caller's dashboard?

    python -m tests.benchmarks.starvation [--subscriptions 31] [--seconds 60] [--no-cache]
                                          [--caps N]

A ClickHouse simulator seeded with one organization of 30 databases, served on a port and
enforcing ClickHouse Cloud's 10 requests per 10 s; a gateway served in front of it with a
real (paced, 10 per 10 s) connection. One caller ("watcher") opens a WebSocket and
subscribes to every database's status and to the organization's events; another
("dashboard") asks a small dashboard over HTTP (two upstream reads) every 5 s. Prints
the dashboard's latency and errors: numbers, never pass/fail. ``--caps N`` writes
``[subscriptions] max_per_caller`` and ``max_polled_per_connection`` (a gateway that has
them; their defaults would refuse some of 31 subscriptions).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from gateway.auth import token_digest
from tests.served import free_port
from tests.websocket_support import acknowledged, subscribe

WATCHER, DASHBOARD = "watcher-token-1", "dashboard-token-2"
#: two upstream reads (the organizations, their members), asked every ``--interval`` s
DASHBOARD_QUERY = "{ organizations { name members { name } } }"
DATABASES = "{ databases(first: 100) { nodes { id } } }"
ORGANIZATIONS = "{ organizations { id } }"
STATUS = "subscription($id: ID!) { databaseStatusChanged(id: $id) { status } }"
EVENTS = "subscription($id: ID!) { organizationEvents(organizationId: $id) { kind } }"


def _simulator() -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    """The simulator process, the [[connections]] it prints, and the environment they name."""
    port = free_port()
    command = [sys.executable, "-m", "gateway.cli", "simulator", "--vendor", "clickhouse"]
    command += ["--scale", "1x30", "--port", str(port), "--rate-limit", "10/10"]
    command += ["--log-level", "warning"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines: list[str] = []
    env: dict[str, str] = {}
    for line in proc.stdout:
        if line.startswith("# export "):
            name, _, value = line.removeprefix("# export ").strip().partition("=")
            env[name] = value
            if "SECRET" in name:
                break
        elif not line.startswith("dbaas-gateway:") and not line.startswith("#"):
            lines.append(line)
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline, "the simulator did not start"
            time.sleep(0.1)
    return proc, "".join(lines), env


@contextlib.contextmanager
def _serving(command: list[str], port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """The gateway, its output into ``log`` (a pipe nobody reads would fill and stall it)."""
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, "no gateway"
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _config(connections: str, no_cache: bool, caps: int | None) -> str:
    tokens = "".join(
        f'[[auth.tokens]]\nname = "{name}"\nsha256 = "{token_digest(token)}"\nrole = "viewer"\n'
        for name, token in (("watcher", WATCHER), ("dashboard", DASHBOARD))
    )
    text = connections + tokens
    if caps is not None:
        text += f"[subscriptions]\nmax_per_caller = {caps}\nmax_polled_per_connection = {caps}\n"
    if no_cache:
        text += "[cache]\nenabled = false\n"
    return text


async def _ask(http: httpx.AsyncClient, token: str, query: str) -> dict[str, Any]:
    answer = await http.post(
        "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    body: dict[str, Any] = answer.json()
    return body


async def _listen(ws: Any, errors: Counter[str]) -> None:
    """Read the watcher's messages as they come (a client that stops reading stops
    answering pings too), counting its subscriptions' errors by code."""
    while True:
        message = json.loads(await ws.recv())
        payload = message.get("payload")
        found = payload if message.get("type") == "error" else None
        if isinstance(payload, dict):
            found = payload.get("errors")
        for error in found or []:
            errors[error.get("extensions", {}).get("code", "?")] += 1


async def _run(base: str, subscriptions: int, seconds: float, interval: float) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as http:
        ids = [
            n["id"] for n in (await _ask(http, WATCHER, DATABASES))["data"]["databases"]["nodes"]
        ]
        org = (await _ask(http, WATCHER, ORGANIZATIONS))["data"]["organizations"][0]["id"]
        documents = [(EVENTS, org)] + [(STATUS, i) for i in ids]
        ws = await acknowledged(base, WATCHER) if subscriptions else None
        refused: Counter[str] = Counter()
        listening = None
        if ws is not None:
            for n, (query, target) in enumerate(documents[:subscriptions]):
                await subscribe(ws, f"s{n}", query, {"id": target})
            listening = asyncio.create_task(_listen(ws, refused))
        latencies: list[float] = []
        codes: Counter[str] = Counter()
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            sent = time.monotonic()
            body = await _ask(http, DASHBOARD, DASHBOARD_QUERY)
            latencies.append(time.monotonic() - sent)
            for error in body.get("errors") or []:
                codes[error.get("extensions", {}).get("code", "?")] += 1
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - sent)))
        if ws is not None and listening is not None:
            listening.cancel()
            await asyncio.gather(listening, return_exceptions=True)
            await ws.close()
    ordered = sorted(latencies)
    return {
        "subscriptions": subscriptions,
        "subscription_errors": dict(refused),
        "dashboards": len(latencies),
        "latency_median_s": round(statistics.median(ordered), 2),
        "latency_p90_s": round(ordered[int(len(ordered) * 0.9) - 1], 2),
        "latency_max_s": round(ordered[-1], 2),
        "dashboard_errors": dict(codes),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.starvation")
    parser.add_argument("--subscriptions", type=int, default=31)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=5, help="between dashboards")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--caps", type=int, default=None)
    parser.add_argument("--log", help="keep the gateway's output in this file")
    args = parser.parse_args(argv)
    simulator, connections, env = _simulator()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "gw.toml"
            path.write_text(_config(connections, args.no_cache, args.caps))
            port = free_port()
            command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)]
            command += ["--config", str(path), "--log-level", "warning"]
            log = Path(args.log) if args.log else Path(folder) / "gateway.log"
            with _serving(command, port, {**os.environ, **env}, log) as base:
                result = asyncio.run(_run(base, args.subscriptions, args.seconds, args.interval))
            warnings = log.read_text(encoding="utf-8", errors="replace").splitlines()
            result["gateway_log_lines"] = len(warnings)
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    print(json.dumps({**vars(args), **result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
