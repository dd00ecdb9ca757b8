"""DBaaS end to end: GraphQL over HTTP -> gateway -> adapter -> simulator.

Upstream call counts come from the simulator's request log. What every vendor does
(listing, paging, batching, errors, hostile IDs) is the contract suite's
(tests/contract); this file keeps what only DBaaS does.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from adapters.dbaas.sim.simulator import DBaaSSimulator
from schema.ids import encode_id
from tests.dbaas.conftest import (
    BASE_URL,
    DBAAS_TOML,
    ORGANIZATION_NAME,
    HostRecorder,
    bulk_simulator,
    gateway_over,
)
from tests.gateway_client import GatewayClient, error_codes

ORGANIZATION = """
{ organizations { id nativeId name createdAt raw connection { name vendor
    capabilities { organizations databases plans credentials members apiKeys invitations
                   backups activities } }
    members { id } apiKeys { id } invitations { id } activities { id }
    plans { id nativeId name description raw } } }
"""

DATABASES = """
query($first: Int, $filter: DatabaseFilter) {
  databases(first: $first, filter: $filter) {
    totalCount
    nodes { id nativeId name status vendorStatus canQuery createdAt raw
            organization { name } backups { id } }
  }
}
"""

DBAAS_DETAILS = """
{ databases(first: 200) { nodes { name dbaas {
    endpoint totalSizeBytes usedSizeBytes quarantinedAt
    plan { id nativeId name description }
    environment { id nativeId name stage provisioner }
    project { id nativeId name } } } } }
"""

PLANS_OF_EVERY_DATABASE = "{ databases(first: 200) { nodes { dbaas { plan { name } } } } }"

CREDENTIALS = """
{ databases(first: 200) { nodes { name credentials { id nativeId user raw database { name } } } } }
"""

PASSWORDS = "{ databases(first: 200) { nodes { name credentials { user password } } } }"

DATABASE_BY_ID = "query($id: ID!) { database(id: $id) { name status } }"


async def _databases(gw: GatewayClient, **filter: Any) -> dict[str, dict[str, Any]]:
    data = await gw.data(DATABASES, {"first": 200, "filter": filter or None})
    return {n["name"]: n for n in data["databases"]["nodes"]}


def _plan_calls(sim: DBaaSSimulator) -> int:
    return sim.log.count("GET", r"/api/plan/(\d+/)?")


# ----- organization and capabilities ----------------------------------------------------------


async def test_the_one_organization_is_named_in_the_config_and_costs_no_call(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    data = await dbaas.data("{ organizations { id nativeId name createdAt raw } }")

    (org,) = data["organizations"]
    assert (org["name"], org["nativeId"], org["createdAt"], org["raw"]) == (
        ORGANIZATION_NAME,
        "default",
        None,
        {},
    )
    assert org["id"] == encode_id("Organization", "dbaas-dc1", ("default",))
    assert sim.log.entries == []


async def test_the_organization_name_defaults_to_the_connection_name() -> None:
    toml = DBAAS_TOML.replace(f'organization_name = "{ORGANIZATION_NAME}"\n', "")
    async with gateway_over(DBaaSSimulator(), toml) as gw:
        data = await gw.data("{ organizations { name } }")

    assert data["organizations"] == [{"name": "dbaas-dc1"}]


async def test_plans_of_the_organization_are_listed(dbaas: GatewayClient) -> None:
    sim = dbaas.simulator("dbaas")
    data = await dbaas.data(ORGANIZATION)

    plans = data["organizations"][0]["plans"]
    assert [(p["nativeId"], p["name"]) for p in plans] == [
        ("1", "mongodb_small"),
        ("2", "mysql_ha"),
        ("3", "redis_cache"),
        ("4", "mongodb_legacy"),
    ]
    assert plans[0]["description"] == "MongoDB single instance, 1 GB"
    assert plans[3]["raw"]["is_active"] is False
    assert sim.log.count("GET", "/api/plan/") == 1


# ----- databases and their status -------------------------------------------------------------


async def test_databases_map_status_codes_and_quarantine_wins(dbaas: GatewayClient) -> None:
    dbs = await _databases(dbaas)

    assert {name: (d["status"], d["vendorStatus"], d["canQuery"]) for name, d in dbs.items()} == {
        "my_first_database": ("RUNNING", None, None),  # no status field: the seed's shape
        "orders": ("RUNNING", "alive", True),
        "session_cache": ("RUNNING", "alive", True),
        "events": ("DEGRADED", "alert", True),
        "reporting": ("PROVISIONING", "initializing", False),
        # status 0 (dead) as well, but quarantined
        "legacy_catalog": ("QUARANTINED", "quarantined", False),
    }
    assert dbs["orders"]["createdAt"] == "2023-11-02T14:05:09+00:00"
    assert {d["organization"]["name"] for d in dbs.values()} == {ORGANIZATION_NAME}


async def test_a_quarantined_database_says_since_when(dbaas: GatewayClient) -> None:
    sim = dbaas.simulator("dbaas")
    sim.add_database("dead_one", plan=1, environment=1, extra={"status": 0})
    sim.state.databases[2]["quarantine_dt"] = "2025-03-01T10:00:00Z"

    data = await dbaas.data(
        "{ databases(first: 50, filter: {status: [QUARANTINED, FAILED]}) { nodes {"
        " name status dbaas { quarantinedAt } } } }"
    )

    found = {
        n["name"]: (n["status"], n["dbaas"]["quarantinedAt"]) for n in data["databases"]["nodes"]
    }
    assert found == {
        "orders": ("QUARANTINED", "2025-03-01T10:00:00+00:00"),
        "legacy_catalog": ("QUARANTINED", "2024-02-29T18:45:12+00:00"),
        "dead_one": ("FAILED", None),
    }


async def test_a_provisioner_sent_as_a_name_is_passed_through(dbaas: GatewayClient) -> None:
    # the codes are undocumented: a server may name its provisioner instead of numbering it
    sim: DBaaSSimulator = dbaas.simulator("dbaas")
    env = sim.add_environment("staging", provisioner="kubernetes")
    plan = sim.add_plan("pg_small", engine="postgresql", environments=[env["id"]])
    sim.add_database("ledger", plan=plan["id"], environment=env["id"])

    data = await dbaas.data(DBAAS_DETAILS)

    (ledger,) = (d["dbaas"] for d in data["databases"]["nodes"] if d["name"] == "ledger")
    assert ledger["environment"]["provisioner"] == "kubernetes"


async def test_dbaas_details_resolve_plan_environment_and_project(dbaas: GatewayClient) -> None:
    data = await dbaas.data(DBAAS_DETAILS)

    dbs = {n["name"]: n["dbaas"] for n in data["databases"]["nodes"]}
    orders = dbs["orders"]
    assert orders["endpoint"] == "mysql://<user>:<password>@127.0.0.1:3306/orders"
    assert (orders["totalSizeBytes"], orders["usedSizeBytes"]) == (10737418240, 2254857830)
    assert orders["quarantinedAt"] is None
    assert orders["plan"]["name"] == "mysql_ha"
    assert orders["plan"]["id"] == encode_id("Plan", "dbaas-dc1", ("2",))
    assert {k: orders["environment"][k] for k in ("nativeId", "name", "stage", "provisioner")} == {
        "nativeId": "2",
        "name": "prod",
        "stage": 2,
        "provisioner": "1",
    }
    assert (orders["project"]["nativeId"], orders["project"]["name"]) == ("1", "checkout")
    assert dbs["my_first_database"]["project"] is None
    assert dbs["session_cache"]["endpoint"] == "redis://:<password>@127.0.0.1:6379/0"


async def test_the_database_list_follows_next_links_to_the_end() -> None:
    sim = bulk_simulator(databases=250, plans=2)
    async with gateway_over(sim) as gw:
        data = await gw.data("{ databases(first: 200) { totalCount } }")

    assert data["databases"]["totalCount"] == 250
    pages = sim.log.matching("GET", "/api/database/")
    # the documented maximum page size, then the server's own next links
    assert [p.query for p in pages] == [
        "page_size=100",
        "page=2&page_size=100",
        "page=3&page_size=100",
    ]


async def test_the_gateway_asks_for_big_pages_whatever_the_server_default() -> None:
    sim = DBaaSSimulator(page_size=2)
    async with gateway_over(sim) as gw:
        dbs = await _databases(gw)

    assert len(dbs) == 6
    assert sim.log.count("GET", "/api/database/") == 1


async def test_twenty_databases_on_two_plans_cost_at_most_two_plan_calls() -> None:
    sim = bulk_simulator(databases=20, plans=2)
    async with gateway_over(sim) as gw:
        data = await gw.data(PLANS_OF_EVERY_DATABASE)

    plans = [n["dbaas"]["plan"]["name"] for n in data["databases"]["nodes"]]
    assert len(plans) == 20 and set(plans) == {"plan_0", "plan_1"}
    details = sim.log.count("GET", r"/api/plan/\d+/")
    listings = sim.log.count("GET", "/api/plan/")
    assert (details, listings) in {(0, 1), (1, 0), (2, 0)}, (details, listings)
    assert _plan_calls(sim) <= 2


async def test_environments_and_projects_are_fetched_once_per_request() -> None:
    sim = bulk_simulator(databases=20, plans=2)
    project = sim.add_project("shared")
    for record in sim.state.databases.values():
        record["project"] = project["id"]
    async with gateway_over(sim) as gw:
        data = await gw.data(DBAAS_DETAILS)
        gw.expire_cache()  # the second request is cold as well: counted per request
        again = await gw.data(DBAAS_DETAILS)

    nodes = data["databases"]["nodes"]
    assert {n["dbaas"]["environment"]["name"] for n in nodes} == {"dev"}
    assert {n["dbaas"]["project"]["name"] for n in nodes} == {"shared"}
    assert again == data
    # one environment and one project for 20 databases: one detail call each, per request
    assert sim.log.count("GET", r"/api/environment/(\d+/)?") == 2
    assert sim.log.count("GET", r"/api/project/(\d+/)?") == 2
    assert _plan_calls(sim) <= 4


async def test_listed_plans_are_not_fetched_again_for_databases(dbaas: GatewayClient) -> None:
    sim = dbaas.simulator("dbaas")

    await dbaas.data(
        "{ organizations { plans { name } databases { nodes { dbaas { plan { name } } } } } }"
    )

    assert _plan_calls(sim) == 1


# ----- credentials and passwords ----------------------------------------------------------------


async def test_credentials_of_every_database_cost_one_list_call_and_no_password(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")

    data = await dbaas.data(CREDENTIALS)

    users = {
        n["name"]: sorted(c["user"] for c in n["credentials"]) for n in data["databases"]["nodes"]
    }
    assert users["my_first_database"] == ["u_my_first_database", "u_readonly"]
    assert users["legacy_catalog"] == ["u_legacy_catalog"]
    assert sum(len(u) for u in users.values()) == 10
    creds = [c for n in data["databases"]["nodes"] for c in n["credentials"]]
    assert {c["database"]["name"] for c in creds} == set(users)
    assert all("password" not in c["raw"] for c in creds)
    assert sim.log.count("GET", "/api/credential/") == 1
    assert sim.log.count("GET", r"/api/credential/\d+/") == 0


async def test_credentials_of_twenty_databases_cost_one_list_call() -> None:
    sim = bulk_simulator(databases=20, plans=2)
    async with gateway_over(sim) as gw:
        data = await gw.data(CREDENTIALS)

    assert sum(len(n["credentials"]) for n in data["databases"]["nodes"]) == 20
    assert sim.log.count("GET", "/api/credential/") == 1


async def test_passwords_are_fetched_only_when_asked_once_per_credential(
    dbaas: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim = dbaas.simulator("dbaas")
    passwords = {c["user"]: c["password"] for c in sim.state.credentials.values()}

    without = await dbaas.data(CREDENTIALS)
    assert sim.log.count("GET", r"/api/credential/\d+/") == 0

    data = await dbaas.data(PASSWORDS)

    got = {c["user"]: c["password"] for n in data["databases"]["nodes"] for c in n["credentials"]}
    assert got == passwords
    details = [e.path for e in sim.log.matching("GET", r"/api/credential/\d+/")]
    assert sorted(details) == sorted(f"/api/credential/{i}/" for i in sim.state.credentials)
    for secret in passwords.values():
        assert secret not in str(without)
        assert secret not in caplog.text


async def test_a_password_asked_twice_in_one_request_is_fetched_once(
    dbaas: GatewayClient,
) -> None:
    sim = dbaas.simulator("dbaas")
    cred_id = encode_id("DatabaseCredential", "dbaas-dc1", ("1",))
    query = """query($id: ID!) {
        a: node(id: $id) { ... on DatabaseCredential { password } }
        b: node(id: $id) { ... on DatabaseCredential { user password } } }"""

    data = await dbaas.data(query, {"id": cred_id})

    assert data["a"]["password"] == data["b"]["password"] == "26WcA33q6F"
    assert sim.log.count("GET", "/api/credential/1/") == 1


async def test_passwords_are_never_cached_across_requests(dbaas: GatewayClient) -> None:
    sim = dbaas.simulator("dbaas")
    cred_id = encode_id("DatabaseCredential", "dbaas-dc1", ("1",))
    query = "query($id: ID!) { node(id: $id) { ... on DatabaseCredential { password } } }"

    first = await dbaas.data(query, {"id": cred_id})
    sim.state.credentials[1]["password"] = "rotated0001"
    second = await dbaas.data(query, {"id": cred_id})

    assert (first["node"]["password"], second["node"]["password"]) == ("26WcA33q6F", "rotated0001")
    assert sim.log.count("GET", "/api/credential/1/") == 2


async def test_a_credential_looked_up_by_id_costs_no_password_call(dbaas: GatewayClient) -> None:
    sim = dbaas.simulator("dbaas")
    cred_id = encode_id("DatabaseCredential", "dbaas-dc1", ("7",))

    data = await dbaas.data(
        "query($id: ID!) { node(id: $id) { ... on DatabaseCredential { user raw } } }",
        {"id": cred_id},
    )

    assert data["node"]["user"] == "u_readonly"
    assert sim.log.count("GET", r"/api/credential/\d+/") == 0


# ----- links and hosts --------------------------------------------------------------------------


async def test_a_next_link_naming_another_host_is_followed_on_the_configured_host() -> None:
    sim = bulk_simulator(databases=150, plans=1)
    recorder = HostRecorder(sim.app, next_host="attacker.example:9999")
    sim.app = recorder  # the adapter's transport is built from sim.app when the gateway starts
    async with gateway_over(sim) as gw:
        data = await gw.data("{ databases(first: 200) { totalCount } }")

    assert data["databases"]["totalCount"] == 150
    assert [p.query for p in sim.log.matching("GET", "/api/database/")] == [
        "page_size=100",
        "page=2&page_size=100",
    ]
    assert recorder.hosts and set(recorder.hosts) == {BASE_URL.removeprefix("http://")}


async def test_a_next_link_to_another_path_is_a_bad_response_not_a_request() -> None:
    sim = bulk_simulator(databases=150, plans=1)
    sim.app = _NextLinkTo(sim.app, "http://dbaas.internal:8000/api/credential/1/")
    async with gateway_over(sim) as gw:
        body = await gw.post("{ databases(first: 200) { totalCount } }")

    assert error_codes(body) == ["UPSTREAM_BAD_RESPONSE"]
    assert sim.log.count("GET", r"/api/credential/.*") == 0


class _NextLinkTo(HostRecorder):
    """Replaces every next link with a fixed URL."""

    def __init__(self, app: Any, url: str) -> None:
        super().__init__(app, next_host="unused")
        self.url = url

    def _rewrite(self, body: bytes) -> bytes:
        import json

        data = json.loads(body)
        if isinstance(data.get("_links"), dict) and data["_links"].get("next"):
            data["_links"]["next"] = self.url
        return json.dumps(data).encode()


# ----- errors -----------------------------------------------------------------------------------


async def test_an_upstream_failure_of_a_link_fails_only_that_field(dbaas: GatewayClient) -> None:
    sim = dbaas.simulator("dbaas")
    sim.faults.add(503, path=r"/api/environment/.*", method="GET", times=None)

    body = await dbaas.post(
        '{ databases(first: 1, filter: {nameContains: "orders"}) { nodes { name'
        " dbaas { plan { name } environment { name } } } } }"
    )

    (node,) = body["data"]["databases"]["nodes"]
    assert node["dbaas"] == {"plan": {"name": "mysql_ha"}, "environment": None}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["path"][-1] == "environment"


ENGINES = """
{ databases(first: 200) { nodes { name engine dbaas { description team engine isLocked } } } }
"""


async def test_optional_database_fields_are_typed_and_the_engine_falls_back_to_the_plan(
    dbaas: GatewayClient,
) -> None:
    sim: DBaaSSimulator = dbaas.simulator("dbaas")
    sim.log.clear()

    data = await dbaas.data(ENGINES)

    dbs = {d["name"]: d for d in data["databases"]["nodes"]}
    assert dbs["orders"]["dbaas"] == {
        "description": "Checkout orders",
        "team": "payments",
        "engine": "mysql 8.0",
        "isLocked": False,
    }
    assert dbs["events"]["dbaas"]["isLocked"] is True
    assert dbs["reporting"]["dbaas"]["team"] == "bi"
    # the database's own engine by name; else its plan's (mongodb, mysql: one plan lookup)
    assert {name: d["engine"] for name, d in dbs.items()} == {
        "my_first_database": "mongodb",
        "orders": "mysql",
        "session_cache": "redis",
        "events": "mongodb",
        "reporting": "mysql",
        "legacy_catalog": "mongodb",
    }
    assert sum(1 for e in sim.log.entries if e.path.startswith("/api/plan/")) == 1
