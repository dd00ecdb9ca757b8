"""Astra Control backup mutations, end to end over GraphQL.

createBackup posts an appBackup (kind BACKUP) or an appSnap (kind SNAPSHOT) of a ready
app; both go pending -> running -> completed. deleteBackup deletes one, which Astra does
in the background: it reads "deleting" until it is gone.
"""

from __future__ import annotations

import pytest

from adapters.astra.sim import seed_data as sd
from adapters.astra.sim.simulator import AstraSimulator
from tests.astra.conftest import (
    ACCOUNT,
    FakeClock,
    assert_bad_input,
    assert_conflict,
    astra_gateway,
    backup_id,
    database_id,
    is_gone,
    upstream_writes,
)
from tests.gateway_client import GatewayClient

CREATE_BACKUP = """
mutation($input: CreateBackupInput!) {
  createBackup(input: $input) {
    backup { id nativeId name kind status vendorStatus database { name } } replayed
  }
}
"""

DELETE_BACKUP = """
mutation($id: ID!) {
  deleteBackup(input: {id: $id}) { deletedId backup { id status vendorStatus } }
}
"""

BACKUPS = "query($id: ID!) { database(id: $id) { backups { id name kind status } } }"

BACKUP = "query($id: ID!) { node(id: $id) { ... on Backup { name status vendorStatus } } }"

ORDERS = sd.APP_IDS["postgres-orders"]
BILLING = sd.APP_IDS["mysql-billing"]  # failed: cannot be protected
COMPLETED_BACKUP = sd.BACKUPS[0][0]
DELETING_BACKUP = sd.BACKUPS[6]  # (id, app, ...) of a backup being deleted
COMPLETED_SNAPSHOT = sd.SNAPS[0][0]


@pytest.mark.parametrize(
    ("kind", "collection"), [("BACKUP", "appBackups"), ("SNAPSHOT", "appSnaps")]
)
async def test_create_backup_posts_to_the_collection_of_its_kind(
    astra: GatewayClient, kind: str, collection: str
) -> None:
    sim = astra.simulator("astra")

    payload = await astra.data(
        CREATE_BACKUP, {"input": {"databaseId": database_id(ORDERS), "name": "now", "kind": kind}}
    )

    backup = payload["createBackup"]["backup"]
    assert (backup["name"], backup["kind"], backup["status"], backup["vendorStatus"]) == (
        "now",
        kind,
        "PENDING",
        "pending",
    )
    assert backup["database"]["name"] == "postgres-orders"
    assert sim.log.count("POST", f"{ACCOUNT}/k8s/v1/apps/{ORDERS}/{collection}") == 1
    listed = (await astra.data(BACKUPS, {"id": database_id(ORDERS)}))["database"]["backups"]
    assert {"id": backup["id"], "name": "now", "kind": kind, "status": "PENDING"} in listed


async def test_a_backup_runs_and_completes_on_the_simulators_clock() -> None:
    clock = FakeClock()
    sim = AstraSimulator(transition_seconds=10, clock=clock)
    async with astra_gateway(sim) as gw:
        created = await gw.data(
            CREATE_BACKUP, {"input": {"databaseId": database_id(ORDERS), "name": "timed"}}
        )
        backup = created["createBackup"]["backup"]["id"]
        seen = []
        for _ in range(3):
            seen.append((await gw.data(BACKUP, {"id": backup}))["node"]["status"])
            clock.advance(10)
            gw.expire_cache()  # the vendor moved on: let cached reads expire

    assert seen == ["PENDING", "IN_PROGRESS", "COMPLETED"]


async def test_create_backup_checks_the_name_before_any_call(astra: GatewayClient) -> None:
    body = await astra.post(
        CREATE_BACKUP, {"input": {"databaseId": database_id(ORDERS), "name": "b" * 64}}
    )

    assert_bad_input(body, "input.name", "1 to 63")
    assert upstream_writes(astra.simulator("astra")) == 0


async def test_backing_up_an_app_that_is_not_ready_is_astras_conflict(
    astra: GatewayClient,
) -> None:
    body = await astra.post(
        CREATE_BACKUP, {"input": {"databaseId": database_id(BILLING), "name": "b"}}
    )

    assert_conflict(body, "The app isn't ready, so it can't be protected now.")


async def test_delete_backup_shows_it_deleting_until_astra_is_done(astra: GatewayClient) -> None:
    backup = backup_id(ORDERS, "appBackups", COMPLETED_BACKUP)

    payload = await astra.data(DELETE_BACKUP, {"id": backup})

    assert payload["deleteBackup"]["deletedId"] == backup
    assert payload["deleteBackup"]["backup"]["status"] == "DELETING"
    assert (await astra.data(BACKUP, {"id": backup}))["node"]["status"] == "DELETING"
    astra.simulator("astra").settle()
    astra.expire_cache()  # the vendor moved on: let cached reads expire
    assert await is_gone(astra, BACKUP, backup)


async def test_delete_backup_answers_null_when_astra_deleted_it_at_once() -> None:
    sim = AstraSimulator(transition_seconds=0)
    snapshot = backup_id(ORDERS, "appSnaps", COMPLETED_SNAPSHOT)
    async with astra_gateway(sim) as gw:
        payload = await gw.data(DELETE_BACKUP, {"id": snapshot})

    assert payload["deleteBackup"] == {"deletedId": snapshot, "backup": None}
    assert sim.log.count("DELETE") == 1


async def test_deleting_a_backup_twice_is_astras_conflict(astra: GatewayClient) -> None:
    backup_key, app = DELETING_BACKUP[0], sd.APP_IDS[DELETING_BACKUP[1]]

    body = await astra.post(DELETE_BACKUP, {"id": backup_id(app, "appBackups", backup_key)})

    assert_conflict(body, "The resource is already being deleted.")
