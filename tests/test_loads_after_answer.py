"""A load still running when its request's answer is complete (a read ahead whose
resolver never ran) must not bring the request's closed loaders back to life: it would
leave the request's records in a reference cycle, what ``Loaders.close`` is there to
break (tests/test_request_garbage.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from tests.gateway_client import GatewayClient
from tests.test_request_garbage import cyclic_garbage, no_automatic_collection  # noqa: F401

ACCOUNT = r"/accounts/[^/]+"


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.001)


def reads_ahead() -> int:
    """Read-ahead chains (``schema.prefetch._connection``) still running."""
    names = [getattr(t.get_coro(), "__qualname__", "") for t in asyncio.all_tasks()]
    return names.count("_connection")


@pytest.mark.parametrize(
    "databases",
    ["databases { nodes { id } }", "databases { nodes { id backups { id } } }"],
    ids=["databases", "their backups"],
)
@pytest.mark.usefixtures("no_automatic_collection")
async def test_a_list_read_ahead_that_answers_after_the_request_leaves_no_cycle(
    demo: GatewayClient, databases: str
) -> None:
    faults = demo.simulator("astra").faults
    # the organization's record fails (its databases resolver never runs) while the
    # databases list, read ahead from the configured account, is still held upstream
    faults.add(503, path=ACCOUNT, times=None)
    faults.add_hang(path=ACCOUNT + "/k8s/v2/apps")
    answer = await demo.post(f"{{ organizations(vendor: ASTRA) {{ name {databases} }} }}")
    assert answer["errors"] and not answer["data"]["organizations"]
    await until(lambda: len(faults.held) == 1)
    faults.release()
    await until(lambda: reads_ahead() == 0)
    assert cyclic_garbage() == {}
