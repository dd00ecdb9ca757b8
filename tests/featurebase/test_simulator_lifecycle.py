"""The simulator's database transitions: on settle(), or by themselves on its clock."""

from __future__ import annotations

import httpx
import pytest

from adapters.featurebase.sim.seed_data import STOPPED
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from tests.featurebase.conftest import FakeClock
from tests.featurebase.test_simulator import ANALYTICS_PROD, api

NEW_INGEST = "db000000-0000-4000-8000-000000000003"  # seeded CREATING
CREATE_BODY = {"name": "events", "database_options": {"shape": "8GB"}}


async def _status(client: httpx.AsyncClient, database_id: str) -> str:
    response = await client.get(f"/v2/databases/{database_id}")
    assert response.status_code == 200, response.text
    status: str = response.json()["database_status"]
    return status


async def test_without_a_delay_transitions_wait_for_settle(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock)
    async with api(sim) as client:
        database_id = (await client.post("/v2/databases", json=CREATE_BODY)).json()["id"]
        clock.advance(24 * 3600)
        waiting = await _status(client, database_id)
        sim.settle()
        settled = await _status(client, database_id)

    assert (waiting, settled) == ("CREATING", "RUNNING")


async def test_a_create_provisions_then_runs_on_the_clock(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, transition_seconds=60)
    async with api(sim) as client:
        created = await client.post("/v2/databases", json=CREATE_BODY)
        database_id = created.json()["id"]
        seen = [created.json()["database_status"]]
        for step in (29, 1, 29, 1):
            clock.advance(step)
            seen.append(await _status(client, database_id))

    assert seen == ["CREATING", "CREATING", "PROVISIONING", "PROVISIONING", "RUNNING"]


async def test_stop_and_start_pass_through_updating_on_the_clock(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, transition_seconds=10)
    path = f"/v2/databases/{ANALYTICS_PROD}/action"
    async with api(sim) as client:
        stopping = (await client.put(f"{path}/stop")).json()["database_status"]
        clock.advance(10)
        stopped = await _status(client, ANALYTICS_PROD)
        starting = (await client.put(f"{path}/start")).json()["database_status"]
        clock.advance(10)
        running = await _status(client, ANALYTICS_PROD)

    assert (stopping, stopped, starting, running) == ("UPDATING", STOPPED, "UPDATING", "RUNNING")


async def test_settle_ends_a_stop_stopped_not_running(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        await client.put(f"/v2/databases/{ANALYTICS_PROD}/action/stop")
        sim.settle()
        stopped = await _status(client, ANALYTICS_PROD)
        again = await client.put(f"/v2/databases/{ANALYTICS_PROD}/action/stop")

    assert stopped == STOPPED
    assert again.status_code == 409 and again.json() == {
        "code": "IncorrectState",
        "message": "Database is STOPPED.",
    }


async def test_a_delete_deprovisions_then_is_deleted_on_the_clock(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, transition_seconds=60)
    async with api(sim) as client:
        deleted = await client.delete(f"/v2/databases/{ANALYTICS_PROD}")
        seen = [await _status(client, ANALYTICS_PROD)]
        for _ in range(2):
            clock.advance(30)
            seen.append(await _status(client, ANALYTICS_PROD))

    assert deleted.status_code == 202
    assert seen == ["DELETING", "DEPROVISIONING", "DELETED"]


async def test_a_stopped_database_may_be_deleted_a_stopping_one_not(
    sim: FeatureBaseSimulator,
) -> None:
    async with api(sim) as client:
        await client.put(f"/v2/databases/{ANALYTICS_PROD}/action/stop")
        busy = await client.delete(f"/v2/databases/{ANALYTICS_PROD}")
        sim.settle()
        deleted = await client.delete(f"/v2/databases/{ANALYTICS_PROD}")

    assert busy.status_code == 409 and busy.json()["code"] == "IncorrectState"
    assert deleted.status_code == 202


async def test_seeded_states_and_hand_set_ones_do_not_move_with_time(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, transition_seconds=1)
    async with api(sim) as client:
        await client.put(f"/v2/databases/{ANALYTICS_PROD}/action/stop")
        sim.set_database_status(ANALYTICS_PROD, "FROZEN")
        clock.advance(3600)
        seeded = await _status(client, NEW_INGEST)
        hand_set = await _status(client, ANALYTICS_PROD)

    assert (seeded, hand_set) == ("CREATING", "FROZEN")


async def test_a_zero_delay_finishes_at_once(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, transition_seconds=0)
    async with api(sim) as client:
        created = await client.post("/v2/databases", json=CREATE_BODY)

    assert created.json()["database_status"] == "RUNNING"


def test_a_negative_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="transition_seconds"):
        FeatureBaseSimulator(transition_seconds=-1)


def test_only_documented_statuses_and_stopped_can_be_set(sim: FeatureBaseSimulator) -> None:
    sim.set_database_status(ANALYTICS_PROD, STOPPED)

    with pytest.raises(ValueError, match="HIBERNATING"):
        sim.set_database_status(ANALYTICS_PROD, "HIBERNATING")
