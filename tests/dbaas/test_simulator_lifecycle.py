"""The DBaaS simulator's state machine: a database created through the API initializes,
then lives; time is the simulator's own clock, or settle()."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from adapters.dbaas.sim.simulator import DBaaSSimulator
from tests.dbaas.test_simulator import make_client

T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
NEW_DATABASE = {"name": "fresh", "plan": "/api/plan/1/", "environment": "/api/environment/1/"}


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def timed(clock: Clock) -> AsyncIterator[tuple[DBaaSSimulator, httpx.AsyncClient]]:
    sim = DBaaSSimulator(transition_seconds=10)
    sim.clock = clock
    async with make_client(sim) as client:
        yield sim, client


async def _status(client: httpx.AsyncClient, database_id: int) -> object:
    return (await client.get(f"/api/database/{database_id}/")).json().get("status")


async def test_a_new_database_initializes_for_the_transition_time_then_is_alive(
    timed: tuple[DBaaSSimulator, httpx.AsyncClient], clock: Clock
) -> None:
    _, client = timed
    created = await client.post("/api/database/", json=NEW_DATABASE)
    assert created.status_code == 201 and created.json()["status"] == 2

    clock.now = T0 + timedelta(seconds=9.9)
    assert await _status(client, 7) == 2
    clock.now = T0 + timedelta(seconds=10)
    assert await _status(client, 7) == 1
    listed = (await client.get("/api/database/")).json()["database"]
    assert [d["status"] for d in listed if d["id"] == 7] == [1]


async def test_without_a_transition_time_only_settle_finishes_a_creation(
    clock: Clock,
) -> None:
    sim = DBaaSSimulator()
    sim.clock = clock
    async with make_client(sim) as client:
        await client.post("/api/database/", json=NEW_DATABASE)
        clock.now = T0 + timedelta(days=365)
        assert await _status(client, 7) == 2

        sim.settle()

        assert await _status(client, 7) == 1


async def test_settle_leaves_seeded_databases_as_they_were_given() -> None:
    sim = DBaaSSimulator()
    seeded = {i: db["extra"].get("status") for i, db in sim.state.databases.items()}

    sim.settle()

    assert {i: db["extra"].get("status") for i, db in sim.state.databases.items()} == seeded
    assert seeded[5] == 2  # "reporting" stays initializing: nothing began its creation


async def test_a_database_deleted_while_initializing_is_simply_gone(
    timed: tuple[DBaaSSimulator, httpx.AsyncClient], clock: Clock
) -> None:
    sim, client = timed
    await client.post("/api/database/", json=NEW_DATABASE)

    quarantined = await client.delete("/api/database/7/")
    assert quarantined.status_code == 204
    assert (await client.get("/api/database/7/")).json()["quarantine_dt"] == "2025-01-02T03:04:05Z"
    assert (await client.delete("/api/database/7/")).status_code == 204
    clock.now = T0 + timedelta(minutes=1)
    sim.settle()

    assert (await client.get("/api/database/7/")).status_code == 404
    assert sim.state.creating == {}


async def test_each_creation_has_its_own_start(
    timed: tuple[DBaaSSimulator, httpx.AsyncClient], clock: Clock
) -> None:
    _, client = timed
    await client.post("/api/database/", json=NEW_DATABASE)
    clock.now = T0 + timedelta(seconds=6)
    await client.post("/api/database/", json={**NEW_DATABASE, "name": "later"})

    clock.now = T0 + timedelta(seconds=12)

    assert (await _status(client, 7), await _status(client, 8)) == (1, 2)
