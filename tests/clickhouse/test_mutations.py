"""ClickHouse Cloud service mutations, GraphQL over HTTP -> gateway -> adapter -> simulator.

Each documented rule is refused with BAD_USER_INPUT naming the input field before any
upstream write; vendor refusals keep the vendor's words; one-time passwords appear in the
payload only; a read in a later request shows the new state.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from tests.clickhouse.writes import at_now, simulator, upstream_writes
from tests.gateway_client import GatewayClient, error_codes

ORGANIZATION = """
query($connection: String!) { organizations(connection: $connection) { id } }
"""

DATABASES = """
query($connection: String!) {
  databases(first: 100, filter: {connection: $connection}) { nodes { id name } }
}
"""

BACKUPS = """
query($id: ID!) { database(id: $id) { backups { id vendorStatus } } }
"""

DATABASE_FIELDS = """
  id name status vendorStatus raw
  clickhouse {
    tier provider region minTotalMemoryGb maxTotalMemoryGb numReplicas idleScaling
    idleTimeoutMinutes ipAccessList { source description }
    backupConfiguration { periodHours retentionPeriodHours startTime }
  }
"""

DATABASE = f"query($id: ID!) {{ database(id: $id) {{ {DATABASE_FIELDS} }} }}"

CREATE_DATABASE = f"""
mutation($input: CreateDatabaseInput!) {{
  createDatabase(input: $input) {{ database {{ {DATABASE_FIELDS} }} password replayed }}
}}
"""

UPDATE_DATABASE = f"""
mutation($input: UpdateDatabaseInput!) {{
  updateDatabase(input: $input) {{ database {{ {DATABASE_FIELDS} }} }}
}}
"""

START_DATABASE = """
mutation($id: ID!) { startDatabase(input: {id: $id}) { database { id status vendorStatus } } }
"""

STOP_DATABASE = """
mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { id status vendorStatus } } }
"""

SCALE_DATABASE = f"""
mutation($input: ScaleDatabaseInput!) {{
  scaleDatabase(input: $input) {{ database {{ {DATABASE_FIELDS} }} }}
}}
"""

DELETE_DATABASE = """
mutation($id: ID!) {
  deleteDatabase(input: {id: $id}) { deletedId outcome database { status vendorStatus } }
}
"""

RESET_PASSWORD = """
mutation($id: ID!) {
  resetDatabasePassword(input: {id: $id}) { password database { id name raw } credential { id } }
}
"""

UPDATE_BACKUP_CONFIGURATION = f"""
mutation($input: UpdateBackupConfigurationInput!) {{
  updateBackupConfiguration(input: $input) {{ database {{ {DATABASE_FIELDS} }} }}
}}
"""

CREATE_BACKUP = """
mutation($id: ID!) { createBackup(input: {databaseId: $id, name: "now"}) { backup { id } } }
"""

DELETE_BACKUP = """mutation($id: ID!) { deleteBackup(input: {id: $id}) { deletedId } }"""

NEW_SERVICE = {"provider": "aws", "region": "us-east-1", "tier": "production"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def gw(clickhouse: GatewayClient) -> GatewayClient:
    return await at_now(clickhouse)


async def acme_org(gw: GatewayClient) -> str:
    (org,) = (await gw.data(ORGANIZATION, {"connection": "ch-acme"}))["organizations"]
    org_id: str = org["id"]
    return org_id


async def database_id(gw: GatewayClient, name: str) -> str:
    nodes = (await gw.data(DATABASES, {"connection": "ch-acme"}))["databases"]["nodes"]
    found: str = next(n["id"] for n in nodes if n["name"] == name)
    return found


async def backup_id(gw: GatewayClient, database: str, vendor_status: str = "done") -> str:
    backups = (await gw.data(BACKUPS, {"id": database}))["database"]["backups"]
    found: str = next(b["id"] for b in backups if b["vendorStatus"] == vendor_status)
    return found


async def read(gw: GatewayClient, database: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gw.data(DATABASE, {"id": database}))["database"]
    return found


async def create(gw: GatewayClient, name: str = "New Service", **options: Any) -> dict[str, Any]:
    variables = {
        "input": {
            "organizationId": await acme_org(gw),
            "name": name,
            "clickhouse": NEW_SERVICE | options,
        }
    }
    created: dict[str, Any] = (await gw.data(CREATE_DATABASE, variables))["createDatabase"]
    return created


def the_error(body: dict[str, Any], code: str) -> dict[str, Any]:
    assert error_codes(body) == [code], body.get("errors")
    error: dict[str, Any] = body["errors"][0]
    return error


# --- createDatabase ---------------------------------------------------------------------------


async def test_create_database_provisions_and_shows_its_password_once(
    gw: GatewayClient,
) -> None:
    created = await create(gw, "Fresh Service", minTotalMemoryGb=48, maxTotalMemoryGb=96)

    database, password = created["database"], created["password"]
    assert (database["name"], database["status"]) == ("Fresh Service", "PROVISIONING")
    assert database["clickhouse"]["tier"] == "production"
    assert database["clickhouse"]["maxTotalMemoryGb"] == 96
    assert password and password not in str(database["raw"])
    later = await read(gw, database["id"])
    assert later["status"] == "PROVISIONING"
    assert password not in str(later)
    assert simulator(gw).log.count("POST", r".*/services") == 1


async def test_a_created_database_runs_once_the_vendor_finishes(gw: GatewayClient) -> None:
    created = await create(gw)

    simulator(gw).settle()

    assert (await read(gw, created["database"]["id"]))["status"] == "RUNNING"


async def test_the_whole_lifecycle_follows_the_simulator_clock(gw: GatewayClient) -> None:
    sim, clock = simulator(gw), FakeClock()
    sim.clock, sim.transition_seconds = clock, 30.0
    database = (await create(gw, "Lifecycle"))["database"]["id"]

    clock.now += 29
    gw.expire_cache()  # the vendor moved on: let cached reads expire
    assert (await read(gw, database))["status"] == "PROVISIONING"
    clock.now += 1
    gw.expire_cache()  # the vendor moved on: let cached reads expire
    assert (await read(gw, database))["status"] == "RUNNING"

    stopping = await gw.data(STOP_DATABASE, {"id": database})
    assert stopping["stopDatabase"]["database"]["status"] == "STOPPING"
    clock.now += 30
    gw.expire_cache()  # the vendor moved on: let cached reads expire
    assert (await read(gw, database))["status"] == "STOPPED"

    deleted = (await gw.data(DELETE_DATABASE, {"id": database}))["deleteDatabase"]
    assert deleted["deletedId"] == database
    assert deleted["outcome"] == "DELETING"
    assert deleted["database"] == {"status": "DELETING", "vendorStatus": "terminating"}
    clock.now += 30
    gw.expire_cache()  # the vendor moved on: let cached reads expire
    gone = await gw.post(DATABASE, {"id": database})
    assert gone["data"] == {"database": None}
    assert error_codes(gone) == ["NOT_FOUND"]


async def test_restore_takes_provider_region_and_tier_from_the_backups_service(
    gw: GatewayClient,
) -> None:
    backup = await backup_id(gw, await database_id(gw, "Acme Staging"))
    variables = {
        "input": {
            "organizationId": await acme_org(gw),
            "name": "Restored Staging",
            "clickhouse": {"fromBackupId": backup},
        }
    }

    created = (await gw.data(CREATE_DATABASE, variables))["createDatabase"]

    ch = created["database"]["clickhouse"]
    assert (ch["provider"], ch["region"], ch["tier"]) == ("aws", "us-east-2", "production")
    assert created["database"]["status"] == "PROVISIONING" and created["password"]
    assert simulator(gw).log.count("POST", r".*/services") == 1


@pytest.mark.parametrize(
    ("options", "field", "text"),
    [
        ({"region": "us-east-1"}, "input.clickhouse.region", "backup's service ('us-east-2'"),
        ({"tier": "development"}, "input.clickhouse.tier", "backup's service ('production'"),
        ({"provider": "gcp", "region": "us-east1"}, "input.clickhouse.provider", "'aws'"),
    ],
)
async def test_restore_refuses_another_region_or_tier_than_the_backups_service(
    gw: GatewayClient, options: dict[str, Any], field: str, text: str
) -> None:
    backup = await backup_id(gw, await database_id(gw, "Acme Staging"))
    variables = {
        "input": {
            "organizationId": await acme_org(gw),
            "name": "Restored",
            "clickhouse": {"fromBackupId": backup} | options,
        }
    }

    body = await gw.post(CREATE_DATABASE, variables)

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == field
    assert text in error["message"]
    assert upstream_writes(gw) == 0


async def test_restore_of_an_unfinished_backup_is_the_vendors_400(gw: GatewayClient) -> None:
    source = await database_id(gw, "Acme Production")
    backup = await backup_id(gw, source, "in_progress")
    variables = {
        "input": {
            "organizationId": await acme_org(gw),
            "name": "Too Early",
            "clickhouse": {"fromBackupId": backup},
        }
    }

    body = await gw.post(CREATE_DATABASE, variables)

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["upstreamStatus"] == 400
    assert "in_progress" in error["message"]


async def test_create_database_without_clickhouse_options_names_the_field(
    gw: GatewayClient,
) -> None:
    variables = {"input": {"organizationId": await acme_org(gw), "name": "Bare"}}

    body = await gw.post(CREATE_DATABASE, variables)

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == "input.clickhouse"
    assert "provider, region" in error["message"]
    assert simulator(gw).log.count() == 1  # the organization lookup above, nothing more


@pytest.mark.parametrize(
    ("name", "options", "field", "text"),
    [
        ("x" * 51, {}, "input.name", "1 to 50 letters, digits and spaces"),
        ("with-dash", {}, "input.name", "letters, digits and spaces"),
        ("   ", {}, "input.name", "letters, digits and spaces"),
        ("ok", {"provider": None}, "input.clickhouse.provider", "required"),
        ("ok", {"region": None}, "input.clickhouse.region", "required"),
        ("ok", {"provider": "ibm"}, "input.clickhouse.provider", "aws, gcp, azure"),
        ("ok", {"region": "mars-1"}, "input.clickhouse.region", "must be one of"),
        ("ok", {"region": "us-east1"}, "input.clickhouse.region", "not a aws region"),
        ("ok", {"tier": "huge"}, "input.clickhouse.tier", "development, production"),
        (
            "ok",
            {"provider": "azure", "region": "eastus", "tier": "development"},
            "input.clickhouse.tier",
            "Azure",
        ),
        ("ok", {"minTotalMemoryGb": 30}, "input.clickhouse.minTotalMemoryGb", "multiple of 12"),
        ("ok", {"minTotalMemoryGb": 12}, "input.clickhouse.minTotalMemoryGb", "24 and 720"),
        ("ok", {"maxTotalMemoryGb": 732}, "input.clickhouse.maxTotalMemoryGb", "24 and 720"),
        (
            "ok",
            {"minTotalMemoryGb": 96, "maxTotalMemoryGb": 48},
            "input.clickhouse.minTotalMemoryGb",
            "must not exceed",
        ),
        (
            "ok",
            {"tier": "development", "maxTotalMemoryGb": 48},
            "input.clickhouse.maxTotalMemoryGb",
            "only for production",
        ),
        ("ok", {"numReplicas": 2}, "input.clickhouse.numReplicas", "between 3 and 20"),
        ("ok", {"numReplicas": 21}, "input.clickhouse.numReplicas", "between 3 and 20"),
        ("ok", {"idleTimeoutMinutes": 4}, "input.clickhouse.idleTimeoutMinutes", "at least 5"),
        (
            "ok",
            {"tier": "development", "idleScaling": False},
            "input.clickhouse.idleScaling",
            "always true for development",
        ),
        (
            "ok",
            {"ipAccessList": [{"source": "10.0.0.0/8"}, {"source": "not-an-ip"}]},
            "input.clickhouse.ipAccessList.1.source",
            "IPv4 address or CIDR",
        ),
    ],
)
async def test_create_database_checks_each_documented_rule_before_any_write(
    gw: GatewayClient, name: str, options: dict[str, Any], field: str, text: str
) -> None:
    variables = {
        "input": {
            "organizationId": await acme_org(gw),
            "name": name,
            "clickhouse": NEW_SERVICE | options,
        }
    }

    body = await gw.post(CREATE_DATABASE, variables)

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == field
    assert error["extensions"]["vendor"] == "clickhouse"
    assert text in error["message"]
    assert upstream_writes(gw) == 0


# --- updateDatabase, startDatabase, stopDatabase -----------------------------------------------


async def test_update_database_renames_and_edits_the_ip_access_list(gw: GatewayClient) -> None:
    database = await database_id(gw, "Acme Production")
    variables = {
        "input": {
            "id": database,
            "name": "Acme Prod 2",
            "clickhouse": {
                "ipAccessListAdd": [{"source": "10.0.0.0/8", "description": "VPN"}],
                "ipAccessListRemove": [{"source": "198.51.100.7"}],
            },
        }
    }

    updated = (await gw.data(UPDATE_DATABASE, variables))["updateDatabase"]["database"]

    assert updated["name"] == "Acme Prod 2"
    assert {"source": "10.0.0.0/8", "description": "VPN"} in updated["clickhouse"]["ipAccessList"]
    later = await read(gw, database)
    assert later["name"] == "Acme Prod 2"
    assert "198.51.100.7" not in [e["source"] for e in later["clickhouse"]["ipAccessList"]]
    assert simulator(gw).log.count("PATCH") == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "bad_name!"}, "input.name"),
        (
            {"clickhouse": {"ipAccessListAdd": [{"source": "300.1.1.1"}]}},
            "input.clickhouse.ipAccessListAdd.0.source",
        ),
        (
            {"clickhouse": {"ipAccessListRemove": [{"source": "::1"}]}},
            "input.clickhouse.ipAccessListRemove.0.source",
        ),
    ],
)
async def test_update_database_checks_the_name_and_ip_sources(
    gw: GatewayClient, changes: dict[str, Any], field: str
) -> None:
    variables = {"input": {"id": await database_id(gw, "Acme Production")} | changes}

    body = await gw.post(UPDATE_DATABASE, variables)

    assert the_error(body, "BAD_USER_INPUT")["extensions"]["field"] == field
    assert upstream_writes(gw) == 0


async def test_start_database_starts_a_stopped_service(gw: GatewayClient) -> None:
    database = await database_id(gw, "Acme Staging")

    started = (await gw.data(START_DATABASE, {"id": database}))["startDatabase"]["database"]

    assert (started["status"], started["vendorStatus"]) == ("STARTING", "starting")
    simulator(gw).settle()
    assert (await read(gw, database))["status"] == "RUNNING"


async def test_stop_database_stops_a_running_service(gw: GatewayClient) -> None:
    database = await database_id(gw, "Acme Production")

    stopped = (await gw.data(STOP_DATABASE, {"id": database}))["stopDatabase"]["database"]

    assert stopped["status"] == "STOPPING"
    assert (await read(gw, database))["status"] == "STOPPING"
    simulator(gw).settle()
    gw.expire_cache()  # the vendor moved on: let cached reads expire
    assert (await read(gw, database))["status"] == "STOPPED"
    assert simulator(gw).log.count("PATCH", r".*/services/[^/]+/state") == 1


async def test_a_state_change_of_a_terminating_service_is_the_vendors_conflict(
    gw: GatewayClient,
) -> None:
    nodes = (await gw.data(DATABASES, {"connection": "ch-globex"}))["databases"]["nodes"]
    legacy = next(n["id"] for n in nodes if n["name"] == "Globex Legacy")

    body = await gw.post(START_DATABASE, {"id": legacy})

    error = the_error(body, "CONFLICT")
    assert "is terminating" in error["message"]


# --- scaleDatabase ------------------------------------------------------------------------------


async def test_scale_database_patches_total_memory_replicas_and_idling(
    gw: GatewayClient,
) -> None:
    database = await database_id(gw, "Acme Production")
    scaling = {
        "minTotalMemoryGb": 48,
        "maxTotalMemoryGb": 720,
        "numReplicas": 5,
        "idleScaling": True,
        "idleTimeoutMinutes": 10,
    }

    scaled = await gw.data(SCALE_DATABASE, {"input": {"id": database, "clickhouse": scaling}})

    ch = scaled["scaleDatabase"]["database"]["clickhouse"]
    assert {k: ch[k] for k in scaling} == scaling
    assert (await read(gw, database))["clickhouse"]["maxTotalMemoryGb"] == 720
    assert simulator(gw).log.count("PATCH", r".*/scaling") == 1
    assert simulator(gw).log.count("PATCH", r".*/replicaScaling") == 0


@pytest.mark.parametrize(
    ("scaling", "field", "text"),
    [
        (None, "input.clickhouse", "at least one of"),
        ({}, "input.clickhouse", "at least one of"),
        ({"minTotalMemoryGb": 25}, "input.clickhouse.minTotalMemoryGb", "multiple of 12"),
        ({"maxTotalMemoryGb": 744}, "input.clickhouse.maxTotalMemoryGb", "between 24 and 720"),
        (
            {"minTotalMemoryGb": 360, "maxTotalMemoryGb": 24},
            "input.clickhouse.minTotalMemoryGb",
            "must not exceed",
        ),
        ({"numReplicas": 0}, "input.clickhouse.numReplicas", "between 3 and 20"),
        ({"idleTimeoutMinutes": 1}, "input.clickhouse.idleTimeoutMinutes", "at least 5"),
    ],
)
async def test_scale_database_checks_each_documented_rule_before_any_write(
    gw: GatewayClient, scaling: dict[str, Any] | None, field: str, text: str
) -> None:
    database = await database_id(gw, "Acme Production")

    body = await gw.post(SCALE_DATABASE, {"input": {"id": database, "clickhouse": scaling}})

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == field
    assert text in error["message"]
    assert upstream_writes(gw) == 0


async def test_a_vendor_400_in_its_own_shape_is_bad_user_input_with_its_text(
    gw: GatewayClient,
) -> None:
    # memory settings are for production services only: a rule that needs the service's
    # tier, which the gateway leaves to the vendor rather than spend a read on it
    database = await database_id(gw, "Acme Dev")
    scaling = {"minTotalMemoryGb": 48}

    body = await gw.post(SCALE_DATABASE, {"input": {"id": database, "clickhouse": scaling}})

    error = the_error(body, "BAD_USER_INPUT")
    ext = error["extensions"]
    assert (ext["upstreamStatus"], ext["vendor"], ext["connection"]) == (
        400,
        "clickhouse",
        "ch-acme",
    )
    assert ext["upstreamRequestId"]
    assert "available only for 'production' services" in error["message"]


async def test_an_injected_vendor_400_surfaces_as_bad_user_input(gw: GatewayClient) -> None:
    database = await database_id(gw, "Acme Production")
    simulator(gw).faults.add(400, path=r".*/scaling", method="PATCH", message="bad scaling")

    body = await gw.post(
        SCALE_DATABASE, {"input": {"id": database, "clickhouse": {"numReplicas": 4}}}
    )

    error = the_error(body, "BAD_USER_INPUT")
    assert "bad scaling" in error["message"]


# --- deleteDatabase -----------------------------------------------------------------------------


async def test_deleting_a_running_service_is_the_vendors_conflict(gw: GatewayClient) -> None:
    database = await database_id(gw, "Acme Production")

    body = await gw.post(DELETE_DATABASE, {"id": database})

    error = the_error(body, "CONFLICT")
    assert "must be stopped before it is deleted" in error["message"]
    assert error["extensions"]["upstreamStatus"] == 409
    assert simulator(gw).log.count("GET", r".*/services/[^/]+") == 0  # no read before it
    assert (await read(gw, database))["status"] == "RUNNING"


async def test_deleting_a_stopped_service_is_asynchronous(gw: GatewayClient) -> None:
    database = await database_id(gw, "Acme Staging")

    deleted = (await gw.data(DELETE_DATABASE, {"id": database}))["deleteDatabase"]

    assert deleted["outcome"] == "DELETING"
    assert deleted["database"]["status"] == "DELETING"
    simulator(gw).settle()
    body = await gw.post(DATABASE, {"id": database})
    assert error_codes(body) == ["NOT_FOUND"]
    remaining = (await gw.data(DATABASES, {"connection": "ch-acme"}))["databases"]["nodes"]
    assert "Acme Staging" not in {n["name"] for n in remaining}


# --- resetDatabasePassword ----------------------------------------------------------------------


async def test_reset_password_shows_the_vendors_new_password_once(gw: GatewayClient) -> None:
    database = await database_id(gw, "Acme Production")

    reset = (await gw.data(RESET_PASSWORD, {"id": database}))["resetDatabasePassword"]

    password = reset["password"]
    assert len(password) >= 12
    assert reset["database"]["name"] == "Acme Production" and reset["credential"] is None
    assert password not in str(reset["database"]["raw"])
    native = reset["database"]["raw"]["id"]
    stored = simulator(gw).state.org_of_service(native).service_passwords[native]
    assert stored == base64.b64encode(hashlib.sha256(password.encode()).digest()).decode()
    assert password not in str(await read(gw, database))


# --- updateBackupConfiguration ------------------------------------------------------------------


async def test_update_backup_configuration_changes_only_what_is_given(
    gw: GatewayClient,
) -> None:
    database = await database_id(gw, "Acme Production")
    before = (await read(gw, database))["clickhouse"]["backupConfiguration"]
    variables = {"input": {"databaseId": database, "retentionPeriodHours": 48}}

    updated = await gw.data(UPDATE_BACKUP_CONFIGURATION, variables)

    configuration = updated["updateBackupConfiguration"]["database"]["clickhouse"][
        "backupConfiguration"
    ]
    assert configuration == before | {"retentionPeriodHours": 48}
    later = (await read(gw, database))["clickhouse"]["backupConfiguration"]
    assert later == configuration


async def test_a_backup_start_time_makes_backups_daily(gw: GatewayClient) -> None:
    database = await database_id(gw, "Acme Production")
    variables = {"input": {"databaseId": database, "startTime": "02:30"}}

    updated = await gw.data(UPDATE_BACKUP_CONFIGURATION, variables)

    configuration = updated["updateBackupConfiguration"]["database"]["clickhouse"][
        "backupConfiguration"
    ]
    assert (configuration["startTime"], configuration["periodHours"]) == ("02:30", 24)


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"startTime": "25:00"}, "input.startTime", "HH:MM"),
        ({"startTime": "2:30"}, "input.startTime", "HH:MM"),
        ({"startTime": "02:30", "periodHours": 12}, "input.periodHours", "must be 24"),
        ({"periodHours": 0}, "input.periodHours", "at least 1"),
        ({"retentionPeriodHours": -1}, "input.retentionPeriodHours", "at least 1"),
    ],
)
async def test_update_backup_configuration_checks_the_documented_rules(
    gw: GatewayClient, changes: dict[str, Any], field: str, text: str
) -> None:
    variables = {"input": {"databaseId": await database_id(gw, "Acme Production")} | changes}

    body = await gw.post(UPDATE_BACKUP_CONFIGURATION, variables)

    error = the_error(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == field
    assert text in error["message"]
    assert upstream_writes(gw) == 0


# --- what ClickHouse does not offer ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "operation"),
    [(CREATE_BACKUP, "createBackup"), (DELETE_BACKUP, "deleteBackup")],
)
async def test_backups_are_automatic_so_writing_them_is_not_supported(
    gw: GatewayClient, document: str, operation: str
) -> None:
    database = await database_id(gw, "Acme Production")
    target = database if operation == "createBackup" else await backup_id(gw, database)

    body = await gw.post(document, {"id": target})

    error = the_error(body, "NOT_SUPPORTED")
    assert "clickhouse" in error["message"] and operation in error["message"]
    assert upstream_writes(gw) == 0
