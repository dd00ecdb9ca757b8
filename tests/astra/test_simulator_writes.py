"""The Astra simulator's writes follow the docs: body shapes, asynchronous states, restores.

Astra answers a write at once and finishes the work later. The simulator holds each state
until ``settle()``, or, given ``transition_seconds``, moves on by itself that many seconds
later on its injectable clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.astra.sim import seed_data as sd
from adapters.astra.sim.simulator import AstraSimulator
from tests.astra.conftest import FakeClock

BASE = "https://astra.netapp.io"
ACCOUNT = f"/accounts/{sd.ACCOUNT_ID}"
USERS, APPS = f"{ACCOUNT}/core/v1/users", f"{ACCOUNT}/k8s/v2/apps"
ORDERS = sd.APP_IDS["postgres-orders"]
BACKUPS = f"{ACCOUNT}/k8s/v1/apps/{ORDERS}/appBackups"
SNAPS = f"{ACCOUNT}/k8s/v1/apps/{ORDERS}/appSnaps"
MISSING = "0badc0de-0000-4000-8000-000000000000"
VERSIONS = {"app": "2.0", "user": "1.2"}


def body(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": f"application/astra-{kind}", "version": VERSIONS.get(kind, "1.1"), **fields}


def app_body(name: str, namespace: str, **fields: Any) -> dict[str, Any]:
    return body(
        "app",
        name=name,
        clusterID=sd.CLUSTER_GKE[0],
        namespaceScopedResources=[{"namespace": namespace}],
        **fields,
    )


def problem(response: httpx.Response, number: int) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    detail: dict[str, Any] = response.json()
    assert detail["type"] == f"https://astra.netapp.io/problems/{number}", detail
    return detail


def api_for(sim: AstraSimulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url=BASE,
        headers={"Authorization": f"Bearer {sd.DEMO_TOKEN}"},
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim() -> AstraSimulator:
    return AstraSimulator()


@pytest.fixture
async def api(sim: AstraSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with api_for(sim) as client:
        yield client


# -- apps ----------------------------------------------------------------------------------


async def test_an_app_post_names_its_namespaces_as_namespace_scoped_resources(
    api: httpx.AsyncClient,
) -> None:
    old_style = body("app", name="x", clusterID=sd.CLUSTER_GKE[0], namespaces=["x"])
    bad_namespace = app_body("y", "Not_A_Namespace")

    refused = problem(await api.post(APPS, json=old_style), 9)
    invalid = problem(await api.post(APPS, json=bad_namespace), 9)
    made = await api.post(APPS, json=app_body("inventory", "inventory"))

    assert {"name": "namespaceScopedResources", "reason": "Required."} in refused["invalidFields"]
    assert invalid["invalidFields"][0]["name"] == "namespaceScopedResources"
    assert made.status_code == 201
    app = made.json()
    assert app["namespaces"] == ["inventory"]
    assert app["namespaceScopedResources"] == [{"namespace": "inventory"}]


async def test_a_new_app_is_pending_until_settled(
    sim: AstraSimulator, api: httpx.AsyncClient
) -> None:
    app = (await api.post(APPS, json=app_body("inventory", "inventory"))).json()
    pending = (await api.get(f"{APPS}/{app['id']}")).json()["state"]

    sim.settle()

    assert pending == "pending"
    assert (await api.get(f"{APPS}/{app['id']}")).json()["state"] == "ready"


async def test_with_a_delay_an_app_becomes_ready_by_itself(clock: FakeClock) -> None:
    sim = AstraSimulator(transition_seconds=5, clock=clock)
    async with api_for(sim) as api:
        app = (await api.post(APPS, json=app_body("inventory", "inventory"))).json()
        clock.advance(4.9)
        early = (await api.get(f"{APPS}/{app['id']}")).json()["state"]
        clock.advance(0.1)
        late = (await api.get(f"{APPS}/{app['id']}")).json()["state"]

    assert (early, late) == ("pending", "ready")


async def test_put_replaces_an_app_and_keeps_what_it_may_not_change(
    sim: AstraSimulator, api: httpx.AsyncClient
) -> None:
    app = (await api.get(f"{APPS}/{ORDERS}")).json()

    renamed = await api.put(f"{APPS}/{ORDERS}", json={**app, "name": "orders-primary"})
    moved = await api.put(f"{APPS}/{ORDERS}", json={**app, "clusterID": sd.CLUSTER_EKS[0]})

    assert (renamed.status_code, renamed.content) == (204, b"")
    assert problem(moved, 9)["invalidFields"][0]["name"] == "clusterID"
    assert sim.state.apps[ORDERS]["name"] == "orders-primary"


@pytest.mark.parametrize("name", ["", "n" * 64])
async def test_names_are_1_to_63_characters(api: httpx.AsyncClient, name: str) -> None:
    response = await api.post(BACKUPS, json=body("appBackup", name=name))

    assert {f["name"] for f in problem(response, 9)["invalidFields"]} == {"name"}


# -- restores ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "source"),
    [("backupID", sd.BACKUPS[0][0]), ("snapshotID", sd.SNAPS[0][0])],
)
async def test_an_app_restored_from_a_backup_or_snapshot_is_provisioned_first(
    sim: AstraSimulator, api: httpx.AsyncClient, field: str, source: str
) -> None:
    made = await api.post(APPS, json=app_body("restored", "restored", **{field: source}))

    assert made.status_code == 201
    assert made.json()["state"] == "provisioning"
    sim.settle()
    assert sim.state.apps[made.json()["id"]]["state"] == "ready"


async def test_a_restore_needs_one_completed_source_that_exists(api: httpx.AsyncClient) -> None:
    both = app_body("r1", "r1", backupID=sd.BACKUPS[0][0], snapshotID=sd.SNAPS[0][0])
    unknown = app_body("r2", "r2", backupID=MISSING)
    running = app_body("r3", "r3", backupID=sd.BACKUPS[1][0])

    assert problem(await api.post(APPS, json=both), 9)["invalidFields"][0]["name"] == "snapshotID"
    assert problem(await api.post(APPS, json=unknown), 9)["invalidFields"][0]["name"] == "backupID"
    conflict = problem(await api.post(APPS, json=running), 10)
    assert conflict["detail"] == "The backup is running, not completed: can't restore."


# -- backups and snapshots -----------------------------------------------------------------


async def test_a_backup_goes_pending_running_completed_on_the_clock(clock: FakeClock) -> None:
    sim = AstraSimulator(transition_seconds=10, clock=clock)
    async with api_for(sim) as api:
        backup = (await api.post(BACKUPS, json=body("appBackup", name="now"))).json()
        states = []
        for _ in range(3):
            states.append((await api.get(f"{BACKUPS}/{backup['id']}")).json())
            clock.advance(10)

    assert [(s["state"], s["percentDone"]) for s in states] == [
        ("pending", "0"),
        ("running", "50"),
        ("completed", "100"),
    ]
    assert "backupCreationTimestamp" not in states[0]
    assert states[1]["backupCreationTimestamp"] == states[2]["backupCreationTimestamp"]
    assert int(states[2]["totalBytes"]) > 0


async def test_a_late_read_catches_up_on_every_step_at_once(clock: FakeClock) -> None:
    sim = AstraSimulator(transition_seconds=10, clock=clock)
    async with api_for(sim) as api:
        snap = (await api.post(SNAPS, json=body("appSnap", name="now"))).json()
        clock.advance(25)
        state = (await api.get(f"{SNAPS}/{snap['id']}")).json()["state"]

    assert state == "completed"


async def test_a_deleted_backup_is_deleting_then_gone(
    sim: AstraSimulator, api: httpx.AsyncClient
) -> None:
    item = f"{BACKUPS}/{sd.BACKUPS[0][0]}"

    deleted = await api.delete(item)
    again = await api.delete(item)
    deleting = (await api.get(item)).json()["state"]
    sim.settle()

    assert (deleted.status_code, deleted.content) == (204, b"")
    assert problem(again, 10)["status"] == "409"
    assert deleting == "deleting"
    assert problem(await api.get(item), 1)["status"] == "404"


async def test_unmanaging_an_app_drops_its_unfinished_work(
    sim: AstraSimulator, api: httpx.AsyncClient
) -> None:
    app = (await api.post(APPS, json=app_body("short-lived", "short-lived"))).json()
    await api.delete(f"{APPS}/{app['id']}")

    sim.settle()

    assert app["id"] not in sim.state.apps
    assert problem(await api.get(f"{APPS}/{app['id']}"), 1)["status"] == "404"


# -- users, role bindings, tokens ----------------------------------------------------------


async def test_a_user_needs_only_an_email(api: httpx.AsyncClient) -> None:
    made = await api.post(
        USERS,
        json=body("user", email="alfred@wayne.example"),
        headers={"Content-Type": "application/astra-user+json"},
    )

    assert made.status_code == 201
    assert (made.json()["state"], made.json()["email"]) == ("pending", "alfred@wayne.example")


async def test_a_token_is_an_api_token_resource(api: httpx.AsyncClient) -> None:
    tokens = f"{USERS}/{sd.BRUCE}/tokens"
    headers = {"Content-Type": "application/astra-apiToken+json"}

    made = await api.post(tokens, json=body("apiToken", name="laptop"), headers=headers)
    wrong_type = await api.post(tokens, json=body("token", name="laptop"))
    wrong_header = await api.post(
        tokens,
        json=body("apiToken", name="laptop"),
        headers={"Content-Type": "application/astra-user+json"},
    )

    assert made.status_code == 201
    assert made.json()["type"] == "application/astra-apiToken" and made.json()["token"]
    assert problem(wrong_type, 9)["invalidFields"][0]["name"] == "type"
    assert problem(wrong_header, 9)["invalidFields"][0]["name"] == "Content-Type"


async def test_put_renames_a_token_and_changes_a_role_binding(
    sim: AstraSimulator, api: httpx.AsyncClient
) -> None:
    token_path = f"{USERS}/{sd.BRUCE}/tokens/{next(iter(sim.state.tokens[sd.BRUCE]))}"
    token = (await api.get(token_path)).json()
    binding_id = "b1d00000-0000-4000-8000-000000000003"  # Barbara: member
    binding = (await api.get(f"{ACCOUNT}/core/v1/roleBindings/{binding_id}")).json()
    headers = {"Content-Type": "application/astra-roleBinding+json"}

    renamed = await api.put(token_path, json={**token, "name": "renamed"})
    promoted = await api.put(
        f"{ACCOUNT}/core/v1/roleBindings/{binding_id}",
        json={**binding, "role": "admin"},
        headers=headers,
    )

    assert (renamed.status_code, promoted.status_code) == (204, 204)
    assert (await api.get(token_path)).json()["name"] == "renamed"
    assert sim.state.role_bindings[binding_id]["role"] == "admin"
