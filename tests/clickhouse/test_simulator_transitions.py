"""The ClickHouse Cloud simulator's asynchronous work and invitation conflicts: services pass
through provisioning / starting / stopping / terminating, finished by ``settle()`` or, with
``transition_seconds``, by the simulator clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from adapters.clickhouse.sim import seed_data as sd
from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from tests.clickhouse.test_simulator import (
    ACME_ORG,
    ACME_STAGING,
    GOOD_SERVICE,
    NOW,
    PROD,
    FakeClock,
    assert_error,
    client,
    make_sim,
)

STAGING = f"{ACME_ORG}/services/{ACME_STAGING}"
SANDBOX = f"{ACME_ORG}/services/{sd.seed_uuid('service', 'acme', 'Acme Sandbox')}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timed(clock: FakeClock) -> ClickHouseSimulator:
    return make_sim(clock=clock, transition_seconds=10.0)


@pytest.fixture
async def acme(timed: ClickHouseSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with client(timed) as http:
        yield http


async def state(http: httpx.AsyncClient, path: str) -> str:
    result: str = (await http.get(path)).json()["result"]["state"]
    return result


async def test_a_new_service_runs_once_its_transition_time_has_passed(
    clock: FakeClock, acme: httpx.AsyncClient
) -> None:
    created = (await acme.post(f"{ACME_ORG}/services", json=GOOD_SERVICE)).json()["result"]
    path = f"{ACME_ORG}/services/{created['service']['id']}"

    clock.now += 9.9
    assert await state(acme, path) == "provisioning"
    clock.now += 0.1
    assert await state(acme, path) == "running"


async def test_stop_and_start_pass_through_stopping_and_starting(
    clock: FakeClock, acme: httpx.AsyncClient
) -> None:
    stopping = await acme.patch(f"{PROD}/state", json={"command": "stop"})
    assert stopping.json()["result"]["state"] == "stopping"
    clock.now += 10
    assert await state(acme, PROD) == "stopped"

    starting = await acme.patch(f"{PROD}/state", json={"command": "start"})
    assert starting.json()["result"]["state"] == "starting"
    clock.now += 10
    assert await state(acme, PROD) == "running"


async def test_a_deleted_service_is_terminating_then_gone_with_its_backups(
    timed: ClickHouseSimulator, clock: FakeClock, acme: httpx.AsyncClient
) -> None:
    assert (await acme.delete(STAGING)).status_code == 200
    assert await state(acme, STAGING) == "terminating"
    assert_error(await acme.patch(STAGING, json={"name": "Too Late"}), 409, "terminating")

    clock.now += 10

    assert_error(await acme.get(STAGING), 404)
    assert not [
        b
        for b in timed.state.organizations[sd.seed_uuid("organization", "acme")].backups.values()
        if b["serviceId"] == ACME_STAGING
    ]


async def test_each_transition_keeps_its_own_start_time(
    clock: FakeClock, acme: httpx.AsyncClient
) -> None:
    await acme.patch(f"{PROD}/state", json={"command": "stop"})
    clock.now += 6
    await acme.patch(f"{STAGING}/state", json={"command": "start"})
    clock.now += 4

    assert (await state(acme, PROD), await state(acme, STAGING)) == ("stopped", "starting")


async def test_without_transition_seconds_only_settle_finishes_work() -> None:
    clock = FakeClock()
    sim = make_sim(clock=clock)
    async with client(sim) as acme:
        await acme.patch(f"{PROD}/state", json={"command": "stop"})
        clock.now += 1_000_000
        assert await state(acme, PROD) == "stopping"
        sim.settle()
        assert await state(acme, PROD) == "stopped"


async def test_seeded_transitional_services_wait_for_settle(
    clock: FakeClock, acme: httpx.AsyncClient
) -> None:
    reporting = f"{ACME_ORG}/services/{sd.seed_uuid('service', 'acme', 'Acme Reporting')}"

    clock.now += 1_000

    assert await state(acme, reporting) == "awaking"


@pytest.mark.parametrize(
    ("path", "command", "expected"),
    [
        (PROD, "start", "running"),  # already started
        (STAGING, "stop", "stopped"),  # already stopped
        (SANDBOX, "start", "idle"),  # idle wakes by itself on a query
    ],
)
async def test_a_command_for_the_state_a_service_is_in_changes_nothing(
    acme: httpx.AsyncClient, path: str, command: str, expected: str
) -> None:
    response = await acme.patch(f"{path}/state", json={"command": command})

    assert response.status_code == 200
    assert response.json()["result"]["state"] == expected


# --- invitations ----------------------------------------------------------------------------


async def test_inviting_an_existing_member_is_409(acme: httpx.AsyncClient) -> None:
    response = await acme.post(
        f"{ACME_ORG}/invitations", json={"email": "BOB@acme-analytics.example", "role": "admin"}
    )

    assert_error(response, 409, "bob@acme-analytics.example is already a member")


async def test_inviting_someone_with_a_pending_invitation_is_409(acme: httpx.AsyncClient) -> None:
    response = await acme.post(
        f"{ACME_ORG}/invitations", json={"email": "erin@acme-analytics.example", "role": "admin"}
    )

    assert_error(response, 409, "already has a pending invitation")


async def test_an_expired_invitation_may_be_sent_again(
    timed: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    timed.wall_clock = lambda: NOW + timedelta(days=60)

    response = await acme.post(
        f"{ACME_ORG}/invitations", json={"email": "erin@acme-analytics.example", "role": "admin"}
    )

    assert response.status_code == 200
