"""FeatureBase Cloud end to end: GraphQL over HTTP -> gateway -> adapter -> simulator.

What every vendor does (listing, paging, batching, errors, hostile IDs) is the contract
suite's (tests/contract); this file keeps what only FeatureBase does.
"""

from __future__ import annotations

from typing import Any

from adapters.featurebase.mapping import CAN_QUERY
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from schema.ids import encode_id
from tests.featurebase.conftest import KEY_TOML, ORG_ID, FakeClock, gateway_over
from tests.gateway_client import GatewayClient, error_codes

ORGANIZATION = """
{ organizations(connection: "fb-key") {
    id nativeId name createdAt connection { name vendor simulated capabilities { backups
      apiKeys members invitations plans activities metrics } }
    featurebase { companyName address orgType techContactEmail billingContactEmail
                  roles { name acl } }
} }
"""

ALL_DATABASES = """
query($first: Int, $after: String, $filter: DatabaseFilter) {
  databases(first: $first, after: $after, filter: $filter) {
    totalCount
    nodes { id nativeId name status vendorStatus canQuery createdAt connection { name } }
  }
}
"""

DATABASE_DETAILS = """
query($id: ID!) {
  database(id: $id) {
    name status canQuery raw
    organization { name }
    featurebase { shape ownerId createdById updatedAt updatedById
                  owner { name email } createdBy { name }
                  plan { name nodeCount instanceType hourlyRate region cloudProvider } }
    backups { id nativeId status kind sizeBytes startedAt database { name }
              featurebase { url storageClass timestamp } }
  }
}
"""

ORGANIZATION_CHILDREN = """
{ organizations(connection: "fb-key") {
    members { id nativeId name email role vendorRole joinedAt organization { name }
              featurebase { firstName lastName username status roles acl } }
    apiKeys { id nativeId name state vendorState createdAt lastUsedAt expiresAt raw
              owner { name } organization { name } }
    invitations { id nativeId email role vendorRole createdAt expiresAt organization { name } }
    plans { id nativeId name description cloudProvider region nodeCount instanceType hourlyRate }
} }
"""

USERS_LIST = "/v2/users"
USER_DETAIL = r"/v2/users/[0-9a-f-]{36}"


async def _databases(gw: GatewayClient, **variables: Any) -> list[dict[str, Any]]:
    data = await gw.data(ALL_DATABASES, {"first": 200, **variables})
    nodes: list[dict[str, Any]] = data["databases"]["nodes"]
    return nodes


async def _database_named(
    gw: GatewayClient, name: str, connection: str = "fb-key"
) -> dict[str, Any]:
    (db,) = [
        d
        for d in await _databases(gw, filter={"connection": connection, "nameContains": name})
        if d["name"] == name
    ]
    return db


async def test_the_org_of_the_current_user_with_its_details_and_roles(
    fb: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb.data(ORGANIZATION)

    (org,) = data["organizations"]
    assert (org["nativeId"], org["name"]) == (ORG_ID, "Initech FeatureBase")
    assert org["connection"] == {
        "name": "fb-key",
        "vendor": "FEATUREBASE",
        "simulated": True,
        "capabilities": {
            "backups": True,
            "apiKeys": True,
            "members": True,
            "invitations": True,
            "plans": True,
            "activities": False,
            "metrics": False,
        },
    }
    fb_org = org["featurebase"]
    assert (fb_org["companyName"], fb_org["orgType"]) == ("Initech", "trial")
    assert fb_org["techContactEmail"] == "peter.gibbons@initech.example"
    assert {"name": "Org Owner", "acl": ["MANAGE_ORG:*"]} in fb_org["roles"]
    assert [e.path for e in sim.log.entries] == [
        "/v2/users/current",
        f"/v2/orgs/{ORG_ID}",
        "/v2/roles",
    ]


async def test_both_credential_forms_see_the_same_org(fb: GatewayClient) -> None:
    data = await fb.data("{ organizations { nativeId connection { name } } }")

    assert [(o["nativeId"], o["connection"]["name"]) for o in data["organizations"]] == [
        (ORG_ID, "fb-key"),
        (ORG_ID, "fb-login"),
    ]


async def test_every_database_status_of_the_seed_is_normalized(fb_key: GatewayClient) -> None:
    dbs = await _databases(fb_key)

    assert len(dbs) == 13
    seen = {d["vendorStatus"]: (d["status"], d["canQuery"]) for d in dbs}
    assert set(seen) == set(CAN_QUERY)  # the seed has one database in each of the 11 states
    assert "UNKNOWN" not in {status for status, _ in seen.values()}
    assert {v: q for v, (_, q) in seen.items()} == CAN_QUERY
    assert seen["BACKUP"] == ("BACKING_UP", True)
    assert seen["DEPROVISIONING"] == ("DELETING", False)


async def test_an_unknown_status_is_unknown_not_an_error(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    db = next(iter(sim.state.databases.values()))
    db["database_status"] = "HIBERNATING"

    dbs = await _databases(fb_key, filter={"nameContains": db["name"]})

    assert (dbs[0]["status"], dbs[0]["vendorStatus"], dbs[0]["canQuery"]) == (
        "UNKNOWN",
        "HIBERNATING",
        None,
    )


async def test_database_details_answer_every_featurebase_field(fb_key: GatewayClient) -> None:
    db = await _database_named(fb_key, "analytics-prod")

    data = await fb_key.data(DATABASE_DETAILS, {"id": db["id"]})

    detail = data["database"]
    assert detail["organization"]["name"] == "Initech FeatureBase"
    fb = detail["featurebase"]
    assert fb["shape"] == "32GB"
    assert fb["owner"] == {"name": "Peter Gibbons", "email": "peter.gibbons@initech.example"}
    assert fb["createdBy"] == {"name": "Peter Gibbons"}
    assert fb["ownerId"] == fb["createdById"] == detail["raw"]["owned_by"]
    assert fb["updatedAt"].startswith("2026-02-01")
    assert fb["plan"] is None  # "32GB" is the docs' short form, not a shape name
    backups = detail["backups"]
    assert len(backups) == 3
    assert [b["startedAt"] for b in backups] == sorted(
        (b["startedAt"] for b in backups), reverse=True
    )
    assert {b["database"]["name"] for b in backups} == {"analytics-prod"}
    assert {(b["status"], b["kind"]) for b in backups} == {("COMPLETED", "BACKUP")}
    newest = backups[0]
    assert newest["sizeBytes"] == 741_343_232
    assert newest["featurebase"]["storageClass"] == "STANDARD"
    assert newest["featurebase"]["url"].startswith("s3://")
    assert newest["featurebase"]["timestamp"] == newest["startedAt"]


async def test_a_database_on_a_named_shape_links_its_plan(fb_key: GatewayClient) -> None:
    db = await _database_named(fb_key, "gcp-experiment")

    data = await fb_key.data(DATABASE_DETAILS, {"id": db["id"]})

    assert data["database"]["featurebase"]["plan"] == {
        "name": "8gb-gcp:us-central1",
        "nodeCount": 1,
        "instanceType": "n2-highmem-2",
        "hourlyRate": 0.19,
        "region": "us-central1",
        "cloudProvider": "gcp",
    }


async def test_backup_ids_are_derived_stably_and_found_again(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    db = await _database_named(fb_key, "clickstream")
    first = await fb_key.data(DATABASE_DETAILS, {"id": db["id"]})
    second = await fb_key.data(DATABASE_DETAILS, {"id": db["id"]})
    ids = [b["id"] for b in first["database"]["backups"]]
    sim.log.clear()
    fb_key.expire_cache()  # count the calls of a cold request

    found = await fb_key.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Backup { featurebase { url } } } }",
        {"ids": ids},
    )

    assert ids == [b["id"] for b in second["database"]["backups"]]
    assert len(set(ids)) == 2
    assert [n["featurebase"]["url"] for n in found["nodes"]] == [
        b["featurebase"]["url"] for b in first["database"]["backups"]
    ]
    # both backups of one database come from one backups list
    assert sim.log.count("GET", r"/v2/databases/[^/]+/backups") == 1


async def test_organization_children_and_navigation_back(fb_key: GatewayClient) -> None:
    data = await fb_key.data(ORGANIZATION_CHILDREN)

    (org,) = data["organizations"]
    members = {m["name"]: m for m in org["members"]}
    assert len(members) == 5
    peter, milton = members["Peter Gibbons"], members["Milton Waddams"]
    assert (peter["role"], peter["vendorRole"]) == ("OWNER", "Org Owner")
    assert (milton["role"], milton["vendorRole"]) == ("UNKNOWN", "Viewer")
    assert peter["featurebase"] == {
        "firstName": "Peter",
        "lastName": "Gibbons",
        "username": "peter.gibbons@initech.example",
        "status": "Active",
        "roles": ["Org Owner"],
        "acl": ["MANAGE_ORG:*"],
    }
    assert {m["organization"]["name"] for m in org["members"]} == {"Initech FeatureBase"}

    keys = {k["name"]: k for k in org["apiKeys"]}
    assert keys["old laptop"]["state"] == "REVOKED"
    assert keys["ci pipeline"]["state"] == "ENABLED"
    assert keys["ci pipeline"]["owner"] == {"name": "Samir Nagheenanajar"}
    assert all(k["expiresAt"] is None and "secret" not in k["raw"] for k in org["apiKeys"])

    # the accepted invite is history, not a pending invitation
    (invite,) = org["invitations"]
    assert invite["email"] == "joanna@chotchkies.example"
    assert (invite["role"], invite["vendorRole"]) == ("UNKNOWN", None)
    assert invite["expiresAt"] > invite["createdAt"]

    plans = {p["name"]: p for p in org["plans"]}
    assert plans["32gb-aws:us-east-2"] | {"id": None, "nativeId": None} == {
        "id": None,
        "nativeId": None,
        "name": "32gb-aws:us-east-2",
        "description": "3 x r7g.large (arm64), AWS us-east-2",
        "cloudProvider": "aws",
        "region": "us-east-2",
        "nodeCount": 3,
        "instanceType": "r7g.large",
        "hourlyRate": 0.65,
    }


async def test_a_database_id_of_another_org_is_not_found(fb_key: GatewayClient) -> None:
    foreign = encode_id(
        "Database", "fb-key", ("another-org", "db000000-0000-4000-8000-000000000001")
    )

    body = await fb_key.post("query($id: ID!) { database(id: $id) { name } }", {"id": foreign})

    assert body["data"] == {"database": None}
    assert error_codes(body) == ["NOT_FOUND"]


async def test_lists_follow_next_to_the_last_page(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, page_size=2)
    async with gateway_over(sim, KEY_TOML) as gw:
        dbs = await _databases(gw)
        members = await gw.data("{ organizations { members { name } invitations { email } } }")

    assert len(dbs) == len({d["id"] for d in dbs}) == 13
    pages = sim.log.matching("GET", "/v2/databases")
    assert len(pages) == 7  # 13 databases, 2 per page
    assert pages[0].query == "" and all(p.query.startswith("next=") for p in pages[1:])
    assert len(members["organizations"][0]["members"]) == 5
    assert sim.log.count("GET", USERS_LIST) == 3
    assert sim.log.count("GET", "/v2/invites") == 1  # 2 invites: one page


async def test_backups_follow_continuation(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, page_size=2)
    async with gateway_over(sim, KEY_TOML) as gw:
        db = await _database_named(gw, "analytics-prod")
        data = await gw.data(DATABASE_DETAILS, {"id": db["id"]})

    assert len(data["database"]["backups"]) == 3
    pages = sim.log.matching("GET", r"/v2/databases/[^/]+/backups")
    assert [p.query.split("=")[0] for p in pages] == ["", "continuation"]


async def test_fifty_keys_of_five_owners_cost_one_users_list(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    owners = list(sim.state.users)
    assert len(owners) == 5
    for n in range(50 - len(sim.state.keys)):
        sim.add_key(owners[n % 5], description=f"bulk key {n}")

    data = await fb_key.data("{ organizations { apiKeys { name owner { name } } } }")

    keys = data["organizations"][0]["apiKeys"]
    assert len(keys) == 50
    assert len({k["owner"]["name"] for k in keys}) == 5
    assert sim.log.count("GET", USERS_LIST) == 1
    assert sim.log.count("GET", USER_DETAIL) == 0


async def test_one_owner_costs_one_user_detail(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    db = await _database_named(fb_key, "tps-reports")
    sim.log.clear()

    data = await fb_key.data(
        "query($id: ID!) { database(id: $id) { featurebase { owner { name } } } }", {"id": db["id"]}
    )

    assert data["database"]["featurebase"]["owner"] == {"name": "Bill Lumbergh"}
    assert sim.log.count("GET", USER_DETAIL) == 1
    assert sim.log.count("GET", USERS_LIST) == 0


async def test_database_owners_of_a_whole_list_cost_one_users_list(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(
        "{ databases(first: 100) { nodes { featurebase { owner { name } createdBy { name } } } } }"
    )

    owners = {n["featurebase"]["owner"]["name"] for n in data["databases"]["nodes"]}
    assert len(owners) == 4
    assert sim.log.count("GET", USERS_LIST) == 1
    assert sim.log.count("GET", USER_DETAIL) == 0


ACCEPTED = """
{ organizations(connection: "fb-login") { invitations { email accepted }
    members { email state vendorState }
    featurebase { acceptedInvitations { nativeId email createdAt expiresAt acceptedAt } } } }
"""


async def test_accepted_invites_are_typed_beside_the_pending_ones(
    fb_login: GatewayClient,
) -> None:
    sim: FeatureBaseSimulator = fb_login.simulator("featurebase")
    sim.log.clear()

    (org,) = (await fb_login.data(ACCEPTED))["organizations"]

    assert org["invitations"] == [{"email": "joanna@chotchkies.example", "accepted": False}]
    (accepted,) = org["featurebase"]["acceptedInvitations"]
    assert accepted["email"].startswith("tom.smykowski@")
    assert accepted["createdAt"] == "2026-02-01T15:00:00+00:00"
    assert accepted["acceptedAt"] is not None
    assert {m["state"] for m in org["members"]} == {"ACTIVE"}
    # both halves of the invites come from one list call
    assert sim.log.count("GET", "/v2/invites") == 1


async def test_a_featurebase_database_names_its_engine(fb: GatewayClient) -> None:
    data = await fb.data("{ databases(first: 200) { nodes { engine } } }")
    assert {d["engine"] for d in data["databases"]["nodes"]} == {"featurebase"}
