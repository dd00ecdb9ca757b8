"""A page's databases wait for their backups, already being read ahead, so that each
``backups`` field completes at once from its settled load (``navigation.child_nodes``)
rather than as a coroutine graphql-core runs in a task per database. What a field
answers, and what it reports when its load failed, is as before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from schema import navigation
from tests.gateway_client import GatewayClient

BACKUPS = "{ organizations { name databases(first: 200) { nodes { id backups { id } } } } }"


@pytest.fixture
def waited(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many child lists were answered later (awaited), not at once."""
    later: list[int] = []
    original = navigation._nodes_later

    def counting(load: Awaitable[list[Any]], node: Callable[[Any], Any]) -> Any:
        later.append(1)
        return original(load, node)

    monkeypatch.setattr(navigation, "_nodes_later", counting)
    return later


def databases_of(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for o in answer["data"]["organizations"] for d in o["databases"]["nodes"]]


async def test_a_pages_backups_are_answered_at_once(demo: GatewayClient, waited: list[int]) -> None:
    answer = await demo.post(BACKUPS)
    assert "errors" not in answer
    databases = databases_of(answer)
    assert sum(1 for d in databases if d["backups"]) >= 5
    assert waited == []  # every backups field from its settled load


async def test_each_answer_is_the_one_its_database_reads_alone(demo: GatewayClient) -> None:
    answer = await demo.post(BACKUPS)
    for database in databases_of(answer)[:12]:
        alone = await demo.post(
            "query($id: ID!) { database(id: $id) { backups { id } } }", {"id": database["id"]}
        )
        assert alone["data"]["database"]["backups"] == database["backups"]


async def test_a_failed_backups_list_fails_its_own_field(
    demo: GatewayClient, waited: list[int]
) -> None:
    demo.simulator("clickhouse").faults.add(503, path=r".*/backups$", times=None)
    answer = await demo.post(BACKUPS)
    failed = [e for e in answer["errors"] if e["path"][-1] == "backups"]
    assert failed and all(e["extensions"]["code"] == "UPSTREAM_UNAVAILABLE" for e in failed)
    for error in failed:
        org, _, _, index, _ = error["path"][1:]
        node = answer["data"]["organizations"][org]["databases"]["nodes"][index]
        assert node["backups"] is None and node["id"]
    # every other vendor's backups still there, and each failure settled with the page
    assert any(d["backups"] for d in databases_of(answer))
    assert waited == []


async def test_a_list_not_read_ahead_is_awaited(demo: GatewayClient, waited: list[int]) -> None:
    page = await demo.post(BACKUPS)
    database = next(d for d in databases_of(page) if d["backups"])
    waited.clear()
    alone = await demo.post(
        "query($id: ID!) { database(id: $id) { backups { id } } }", {"id": database["id"]}
    )
    assert alone["data"]["database"]["backups"] == database["backups"]
    assert waited == [1]
