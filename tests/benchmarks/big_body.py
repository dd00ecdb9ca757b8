"""What a vendor answering a huge body costs the gateway: peak memory and time.

    python -m tests.benchmarks.big_body [--megabytes 150] [--max-response-bytes N]

A fake ClickHouse on a real socket (uvicorn, in a child process) streams a list of
organizations of about ``--megabytes`` MB; a gateway in this process, with a real
(not simulated) connection to it, asks for the organizations once. Printed: this
process's peak RSS before and after, the time taken and the answer's codes. Numbers
only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import socket
import subprocess
import sys
import time

from tests.gateway_client import GatewayClient, error_codes
from tests.served import free_port

VENDOR = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

MEGABYTES = int(sys.argv[2])
RECORD = b'{"id":"00000000-0000-4000-8000-000000000000","name":"' + b"x" * 1000 + b'"},'


async def organizations(request):
    async def body():
        yield b'{"status":200,"requestId":"r","result":['
        for _ in range(MEGABYTES):
            yield RECORD * 1000
        yield b'{"id":"00000000-0000-4000-8000-000000000001","name":"last"}]}'

    return StreamingResponse(body(), media_type="application/json")


app = Starlette(routes=[Route("/v1/organizations", organizations)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""

CONFIG = """
[server]
request_timeout_seconds = 300

[[connections]]
name = "ch"
vendor = "clickhouse"
base_url = "http://127.0.0.1:{port}"
key_id_env = "KEY_ID"
key_secret_env = "KEY_SECRET"
read_timeout_seconds = 300
retry_attempts = 1
{extra}
"""
ENV = {"KEY_ID": "benchmark-key", "KEY_SECRET": "benchmark-secret-0123456789"}


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(port: int, max_response_bytes: int | None) -> None:
    extra = "" if max_response_bytes is None else f"max_response_bytes = {max_response_bytes}"
    before = peak_mb()
    async with GatewayClient.from_toml(CONFIG.format(port=port, extra=extra), ENV) as gateway:
        started = time.perf_counter()
        response = await gateway.http.post(
            "/graphql", json={"query": "{ organizations { name } }"}, timeout=600
        )
        elapsed = time.perf_counter() - started
    body = response.json()
    found = len((body.get("data") or {}).get("organizations") or [])
    print(
        f"peak RSS {before:.0f} MB before, {peak_mb():.0f} MB after; {elapsed:.1f} s; "
        f"codes {error_codes(body) or 'none'}; {found} organizations"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.big_body")
    parser.add_argument("--megabytes", type=int, default=150)
    parser.add_argument("--max-response-bytes", type=int, default=None)
    args = parser.parse_args(argv)
    port = free_port()
    vendor = subprocess.Popen([sys.executable, "-c", VENDOR, str(port), str(args.megabytes)])
    try:
        wait_for_port(port)
        asyncio.run(measure(port, args.max_response_bytes))
    finally:
        vendor.terminate()
        vendor.wait()


if __name__ == "__main__":
    main()
