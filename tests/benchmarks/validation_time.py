"""How long the gateway takes to refuse (or answer) the doubling-fragment document.

    python -m tests.benchmarks.validation_time [LEVELS ...]   (default: 10 15 18 21 40)

Each document is POSTed to the demo gateway (default limits) in process
(``httpx.ASGITransport``); the time is the whole request, during which the event loop
does nothing else. Numbers only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from gateway.config import load_demo_config
from tests.gateway_client import GatewayClient, error_codes
from tests.hostile_documents import doubling_fragments


async def measure(levels: list[int]) -> None:
    async with GatewayClient(load_demo_config()) as gw:
        await gw.post("{ __typename }")  # first request: imports, caches
        print(f"{'levels':>6} {'bytes':>6} {'ms':>9}  answer")
        for n in levels:
            document = doubling_fragments(n)
            started = time.perf_counter()
            response = await gw.http.post("/graphql", json={"query": document})
            elapsed = (time.perf_counter() - started) * 1000
            body = response.json()
            answer = ",".join(error_codes(body)) or "data"
            print(f"{n:>6} {len(document.encode()):>6} {elapsed:>9.1f}  {answer}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.validation_time")
    parser.add_argument("levels", nargs="*", type=int, default=[10, 15, 18, 21, 40])
    asyncio.run(measure(parser.parse_args(argv).levels))


if __name__ == "__main__":
    main()
