"""Astra Control database mutations, end to end over GraphQL.

A database is a managed app: createDatabase manages a namespace of a cluster (POST apps),
or restores a backup or snapshot into a new app; updateDatabase renames it (GET, PUT the
whole app, GET); deleteDatabase unmanages it.
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.astra.sim import seed_data as sd
from adapters.astra.sim.simulator import AstraSimulator
from schema.ids import encode_id
from tests.astra.conftest import (
    ACCOUNT,
    ACCOUNT_ID,
    FakeClock,
    assert_bad_input,
    assert_conflict,
    astra_gateway,
    backup_id,
    database_id,
    is_gone,
    org_id,
    upstream_writes,
)
from tests.gateway_client import GatewayClient, error_codes

CREATE_DATABASE = """
mutation($input: CreateDatabaseInput!) {
  createDatabase(input: $input) {
    database { id nativeId name status vendorStatus raw
               astra { namespaces clusterId clusterName } }
    password credential { id } replayed
  }
}
"""

UPDATE_DATABASE = """
mutation($input: UpdateDatabaseInput!) {
  updateDatabase(input: $input) { database { id name status astra { namespaces clusterId } } }
}
"""

DELETE_DATABASE = """
mutation($id: ID!) { deleteDatabase(input: {id: $id}) { deletedId outcome database { id } } }
"""

DATABASE = """
query($id: ID!) { database(id: $id) { name status vendorStatus
    backups { id name kind status } } }
"""

BACKUP = "query($id: ID!) { node(id: $id) { ... on Backup { name status vendorStatus } } }"

ORDERS = sd.APP_IDS["postgres-orders"]
GKE = sd.CLUSTER_GKE[0]
COMPLETED_BACKUP, RUNNING_BACKUP = sd.BACKUPS[0][0], sd.BACKUPS[1][0]
COMPLETED_SNAPSHOT = sd.SNAPS[0][0]


async def create(gw: GatewayClient, name: str, **astra: Any) -> dict[str, Any]:
    """The createDatabase response body (data and errors) for these Astra options."""
    options = {"clusterId": GKE, "namespace": name} | astra
    return await gw.post(
        CREATE_DATABASE,
        {"input": {"organizationId": await org_id(gw), "name": name, "astra": options}},
    )


# -- createDatabase -----------------------------------------------------------------------


async def test_create_database_manages_a_namespace_and_shows_it_provisioning(
    astra: GatewayClient,
) -> None:
    sim = astra.simulator("astra")

    body = await create(astra, "orders-v2", namespace="orders-v2")

    created = body["data"]["createDatabase"]
    database = created["database"]
    assert (database["name"], database["status"], database["vendorStatus"]) == (
        "orders-v2",
        "PROVISIONING",
        "pending",
    )
    assert database["astra"] == {
        "namespaces": ["orders-v2"],
        "clusterId": GKE,
        "clusterName": sd.CLUSTER_GKE[1],
    }
    assert created["password"] is None and created["credential"] is None
    assert sim.log.count("POST", f"{ACCOUNT}/k8s/v2/apps") == 1
    # read after write: a second request finds the app as the payload showed it
    again = (await astra.data(DATABASE, {"id": database["id"]}))["database"]
    assert (again["name"], again["status"]) == ("orders-v2", "PROVISIONING")


async def test_a_new_database_runs_once_astra_has_finished_and_can_then_be_deleted() -> None:
    clock = FakeClock()
    sim = AstraSimulator(transition_seconds=30, clock=clock)
    async with astra_gateway(sim) as gw:
        created = (await create(gw, "lifecycle"))["data"]["createDatabase"]["database"]
        assert created["status"] == "PROVISIONING"

        clock.advance(29)
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        status_before = (await gw.data(DATABASE, {"id": created["id"]}))["database"]["status"]
        clock.advance(1)
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        status_after = (await gw.data(DATABASE, {"id": created["id"]}))["database"]["status"]
        deleted = (await gw.data(DELETE_DATABASE, {"id": created["id"]}))["deleteDatabase"]
        gone = await is_gone(gw, DATABASE, created["id"])

    assert (status_before, status_after) == ("PROVISIONING", "RUNNING")
    assert deleted == {"deletedId": created["id"], "outcome": "DELETED", "database": None}
    assert gone


async def test_settle_finishes_provisioning_when_no_delay_is_configured(
    astra: GatewayClient,
) -> None:
    created = (await create(astra, "settled"))["data"]["createDatabase"]["database"]

    astra.simulator("astra").settle()

    database = (await astra.data(DATABASE, {"id": created["id"]}))["database"]
    assert (database["status"], database["vendorStatus"]) == ("RUNNING", "ready")


INVALID_CREATES = [
    pytest.param({"clusterId": None}, "input.astra.clusterId", ["required"], id="no-cluster"),
    pytest.param({"namespace": None}, "input.astra.namespace", ["required"], id="no-namespace"),
    pytest.param({"clusterId": "gke-prod"}, "input.astra.clusterId", ["UUID"], id="cluster-id"),
    pytest.param(
        {"namespace": "Orders_DB"}, "input.astra.namespace", ["namespace"], id="namespace-chars"
    ),
    pytest.param({"namespace": "n" * 64}, "input.astra.namespace", ["63"], id="namespace-long"),
    pytest.param(
        {"fromBackupId": encode_id("Backup", "astra", (ACCOUNT_ID, ORDERS))},
        "input.astra.fromBackupId",
        ["backup"],
        id="backup-key",
    ),
]


@pytest.mark.parametrize(("options", "field", "words"), INVALID_CREATES)
async def test_create_database_checks_the_astra_options_before_any_call(
    astra: GatewayClient, options: dict[str, Any], field: str, words: list[str]
) -> None:
    sim = astra.simulator("astra")
    given = {k: v for k, v in ({"clusterId": GKE, "namespace": "ns"} | options).items() if v}

    body = await astra.post(
        CREATE_DATABASE,
        {"input": {"organizationId": await org_id(astra), "name": "x", "astra": given}},
    )

    assert_bad_input(body, field, *words)
    assert upstream_writes(sim) == 0


async def test_create_database_needs_the_astra_options(astra: GatewayClient) -> None:
    body = await astra.post(
        CREATE_DATABASE, {"input": {"organizationId": await org_id(astra), "name": "bare"}}
    )

    assert_bad_input(body, "input.astra", "clusterId", "namespace")
    assert upstream_writes(astra.simulator("astra")) == 0


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "1 to 63"), ("n" * 64, "1 to 63"), ("   ", "blank")],
    ids=["empty", "too-long", "blank"],
)
async def test_create_database_checks_the_name(
    astra: GatewayClient, name: str, problem: str
) -> None:
    body = await astra.post(
        CREATE_DATABASE,
        {
            "input": {
                "organizationId": await org_id(astra),
                "name": name,
                "astra": {"clusterId": GKE, "namespace": "ns"},
            }
        },
    )

    assert_bad_input(body, "input.name", problem)
    assert upstream_writes(astra.simulator("astra")) == 0


async def test_managing_a_name_twice_on_one_cluster_is_astras_conflict(
    astra: GatewayClient,
) -> None:
    body = await create(astra, "postgres-orders", namespace="orders")

    assert_conflict(body, "An app with this name is already managed on this cluster.")
    assert body["errors"][0]["extensions"]["vendorCode"] == "10"


async def test_an_unknown_cluster_is_astras_own_400_naming_the_field(astra: GatewayClient) -> None:
    # a well-formed UUID: only Astra knows that no managed cluster has it
    body = await create(astra, "nowhere", clusterId="0badc0de-0000-4000-8000-000000000000")

    assert error_codes(body) == ["BAD_USER_INPUT"]
    error = body["errors"][0]
    assert error["extensions"]["upstreamStatus"] == 400
    assert error["extensions"]["vendorCode"] == "9"
    assert "clusterID (No managed cluster has this ID.)" in error["message"]


async def test_an_injected_upstream_400_surfaces_as_bad_user_input(astra: GatewayClient) -> None:
    sim = astra.simulator("astra")
    sim.faults.add(400, path=r".*/k8s/v2/apps", method="POST", message="Rejected by policy.")

    body = await create(astra, "refused")

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "Invalid JSON resource: Rejected by policy." in body["errors"][0]["message"]


# -- restore: createDatabase with fromBackupId ---------------------------------------------


@pytest.mark.parametrize(
    ("collection", "item"),
    [("appBackups", COMPLETED_BACKUP), ("appSnaps", COMPLETED_SNAPSHOT)],
    ids=["backup", "snapshot"],
)
async def test_restore_creates_an_app_from_a_backup_or_snapshot(
    astra: GatewayClient, collection: str, item: str
) -> None:
    source = backup_id(ORDERS, collection, item)

    body = await create(astra, "orders-restored", fromBackupId=source)

    database = body["data"]["createDatabase"]["database"]
    assert (database["status"], database["vendorStatus"]) == ("PROVISIONING", "provisioning")
    astra.simulator("astra").settle()
    assert (await astra.data(DATABASE, {"id": database["id"]}))["database"]["status"] == "RUNNING"


async def test_restoring_an_unfinished_backup_is_astras_conflict(astra: GatewayClient) -> None:
    body = await create(
        astra, "too-early", fromBackupId=backup_id(ORDERS, "appBackups", RUNNING_BACKUP)
    )

    assert_conflict(body, "The backup is running, not completed: can't restore.")


async def test_restoring_a_backup_astra_does_not_have_is_its_400(astra: GatewayClient) -> None:
    missing = backup_id(ORDERS, "appBackups", "0badc0de-0000-4000-8000-000000000000")

    body = await create(astra, "from-nothing", fromBackupId=missing)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "backupID (No backup has this ID.)" in body["errors"][0]["message"]


# -- updateDatabase -----------------------------------------------------------------------


async def test_update_database_renames_the_app_with_a_full_replace(astra: GatewayClient) -> None:
    sim = astra.simulator("astra")

    payload = await astra.data(
        UPDATE_DATABASE, {"input": {"id": database_id(ORDERS), "name": "orders-primary"}}
    )

    database = payload["updateDatabase"]["database"]
    assert database["name"] == "orders-primary"
    assert database["astra"] == {"namespaces": ["orders"], "clusterId": GKE}
    assert sim.log.count("PUT", f"{ACCOUNT}/k8s/v2/apps/{ORDERS}") == 1
    again = (await astra.data(DATABASE, {"id": database_id(ORDERS)}))["database"]
    assert again["name"] == "orders-primary"


@pytest.mark.parametrize(
    ("name", "words"),
    [(None, ["required"]), ("n" * 64, ["1 to 63"])],
    ids=["no-name", "too-long"],
)
async def test_update_database_checks_the_name_before_any_call(
    astra: GatewayClient, name: str | None, words: list[str]
) -> None:
    body = await astra.post(UPDATE_DATABASE, {"input": {"id": database_id(ORDERS), "name": name}})

    assert_bad_input(body, "input.name", *words)
    assert astra.simulator("astra").log.entries == []


# -- deleteDatabase -----------------------------------------------------------------------


async def test_delete_database_unmanages_the_app_and_its_backups(astra: GatewayClient) -> None:
    backup = backup_id(ORDERS, "appBackups", COMPLETED_BACKUP)

    payload = await astra.data(DELETE_DATABASE, {"id": database_id(ORDERS)})

    assert payload["deleteDatabase"]["outcome"] == "DELETED"
    assert payload["deleteDatabase"]["database"] is None
    assert await is_gone(astra, DATABASE, database_id(ORDERS))
    assert await is_gone(astra, BACKUP, backup)


async def test_deleting_an_app_astra_does_not_have_is_not_found(astra: GatewayClient) -> None:
    body = await astra.post(
        DELETE_DATABASE, {"id": database_id("0badc0de-0000-4000-8000-000000000000")}
    )

    assert error_codes(body) == ["NOT_FOUND"]


async def test_update_organization_renames_the_account(astra: GatewayClient) -> None:
    (org,) = (await astra.data("{ organizations { id name } }"))["organizations"]
    query = """mutation($id: ID!) { updateOrganization(input: { id: $id, name: "Wayne Labs" }) {
        organization { name } } }"""

    data = await astra.data(query, {"id": org["id"]})

    assert data["updateOrganization"]["organization"]["name"] == "Wayne Labs"
    assert (await astra.data("{ organizations { name } }"))["organizations"] == [
        {"name": "Wayne Labs"}
    ]
