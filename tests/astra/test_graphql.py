"""NetApp Astra Control end to end: GraphQL over HTTP -> gateway -> adapter -> simulator.

What every vendor does (listing, paging, batching, errors, hostile IDs) is the contract
suite's (tests/contract); this file keeps what only Astra does.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from adapters.astra.mapping import APP_STATES, PROTECTION_STATES, ROLES
from adapters.astra.sim.simulator import AstraSimulator
from schema.ids import encode_id
from tests.astra.conftest import ACCOUNT, ACCOUNT_ID, UUID, Probe, astra_gateway, astra_toml
from tests.gateway_client import GatewayClient, error_codes

ORGANIZATION = """
{ organizations(vendor: ASTRA) { id nativeId name createdAt raw
    connection { name vendor capabilities { featureFlags apiKeys members invitations backups
                                            plans activities credentials } }
    featureFlags { id nativeId name enabled createdAt organization { name } } } }
"""

DATABASES = """
{ databases(first: 200, filter: {vendor: ASTRA}) { totalCount nodes {
    id nativeId name status vendorStatus cloudProvider createdAt
    astra { protectionState namespaces clusterId clusterName clusterType } } } }
"""

BACKUPS = """
{ databases(first: 200, filter: {vendor: ASTRA}) { nodes { name backups {
    id nativeId name kind status vendorStatus sizeBytes progressPercent bucket startedAt
    database { name } } } } }
"""

PEOPLE = """
{ organizations(vendor: ASTRA) {
    members { id nativeId name email role vendorRole joinedAt organization { name } }
    invitations { id nativeId email role vendorRole createdAt }
} }
"""

API_KEYS = """
{ organizations(vendor: ASTRA) { apiKeys { id nativeId name state vendorState createdAt raw
    owner { name email } organization { name } } } }
"""

DATABASE_BY_ID = "query($id: ID!) { database(id: $id) { name } }"


async def _organization(gw: GatewayClient) -> dict[str, Any]:
    (org,) = (await gw.data(ORGANIZATION))["organizations"]
    return org  # type: ignore[no-any-return]


async def _databases(gw: GatewayClient) -> list[dict[str, Any]]:
    return (await gw.data(DATABASES))["databases"]["nodes"]  # type: ignore[no-any-return]


def _bare_simulator(**options: Any) -> AstraSimulator:
    """The account, its owner and the demo token only: a test adds what it needs."""
    return AstraSimulator(seed=False, **options)


# -- organization (the account) and feature flags -------------------------------------


async def test_the_account_is_the_organization_with_its_feature_flags(
    astra: GatewayClient,
) -> None:
    org = await _organization(astra)

    assert org["nativeId"] == ACCOUNT_ID
    assert org["name"] == "Wayne Enterprises Astra"
    assert org["createdAt"].endswith("+00:00")
    # state and enabled stay in raw, with the string boolean turned into a real one
    assert org["raw"]["state"] == "active" and org["raw"]["isEnabled"] is True
    caps = org["connection"]["capabilities"]
    assert caps["featureFlags"] and caps["apiKeys"] and caps["members"] and caps["backups"]
    assert not (caps["plans"] or caps["activities"] or caps["credentials"])
    flags = {f["name"]: f["enabled"] for f in org["featureFlags"]}
    assert flags["astra.account.rbac"] is True
    assert False in flags.values()
    assert {f["organization"]["name"] for f in org["featureFlags"]} == {org["name"]}


async def test_a_feature_flag_is_found_again_by_its_id_with_the_detail_endpoint(
    astra: GatewayClient,
) -> None:
    flag = (await _organization(astra))["featureFlags"][0]
    sim = astra.simulator("astra")
    sim.log.clear()

    data = await astra.data(
        "query($id: ID!) { node(id: $id) { ... on FeatureFlag { name enabled } } }",
        {"id": flag["id"]},
    )

    assert data["node"] == {"name": flag["name"], "enabled": flag["enabled"]}
    assert sim.log.count("GET", f"{ACCOUNT}/core/v1/features/{flag['nativeId']}") == 1
    assert len(sim.log.entries) == 1


# -- paging ---------------------------------------------------------------------------


async def test_collections_are_followed_to_the_end_when_the_vendor_pages_small() -> None:
    sim = AstraSimulator(max_page_size=2)
    async with astra_gateway(sim) as gw:
        dbs = await _databases(gw)

    apps = len(sim.state.apps)
    assert apps > 4 and len(dbs) == apps
    assert len({d["nativeId"] for d in dbs}) == apps
    calls = sim.log.matching("GET", f"{ACCOUNT}/k8s/v2/apps")
    assert len(calls) == math.ceil(apps / 2)
    assert "continue=" not in calls[0].query
    assert all("continue=" in c.query for c in calls[1:])


async def test_the_configured_page_size_is_sent_as_limit() -> None:
    sim = _bare_simulator()
    for n in range(7):
        sim.add_user(f"User{n}", "Paged", f"user{n}@example.test")
    async with astra_gateway(sim, astra_toml(page_size="3")) as gw:
        org = (await gw.data("{ organizations { members { email } } }"))["organizations"][0]

    assert len(org["members"]) == 8
    calls = sim.log.matching("GET", f"{ACCOUNT}/core/v1/users")
    assert len(calls) == 3
    assert all("limit=3" in c.query for c in calls)


# -- every state value ----------------------------------------------------------------


async def test_every_app_state_is_mapped_as_its_table_says() -> None:
    sim = _bare_simulator()
    for state in APP_STATES:
        sim.add_app(f"app-{state}", state=state, namespaces=[f"ns-{state}"])
    async with astra_gateway(sim) as gw:
        dbs = await _databases(gw)

    seen = {d["vendorStatus"]: d["status"] for d in dbs}
    assert seen == {state: status.value for state, status in APP_STATES.items()}
    assert {d["name"]: d["astra"]["namespaces"] for d in dbs}["app-ready"] == ["ns-ready"]


async def test_every_backup_and_snapshot_state_is_mapped_as_its_table_says() -> None:
    sim = _bare_simulator()
    app = sim.add_app("orders")
    for state in PROTECTION_STATES:
        sim.add_backup(app["id"], f"backup-{state}", state=state)
        sim.add_snapshot(app["id"], f"snap-{state}", state=state)
    async with astra_gateway(sim) as gw:
        (db,) = (await gw.data(BACKUPS))["databases"]["nodes"]

    by_kind: dict[str, dict[str, str]] = {"BACKUP": {}, "SNAPSHOT": {}}
    for b in db["backups"]:
        by_kind[b["kind"]][b["vendorStatus"]] = b["status"]
    expected = {state: status.value for state, status in PROTECTION_STATES.items()}
    assert by_kind == {"BACKUP": expected, "SNAPSHOT": expected}
    assert {b["database"]["name"] for b in db["backups"]} == {"orders"}


async def test_a_backup_has_size_progress_bucket_and_creation_time() -> None:
    sim = _bare_simulator()
    app = sim.add_app("orders")
    bucket = "b0c70000-0000-4000-8000-0000000000aa"
    sim.add_backup(
        app["id"],
        "nightly",
        state="running",
        bucket_id=bucket,
        total_bytes=5 * 2**30,
        percent_done=40,
        backup_created="2026-02-01T01:00:00.000000Z",
    )
    async with astra_gateway(sim) as gw:
        (db,) = (await gw.data(BACKUPS))["databases"]["nodes"]

    (backup,) = db["backups"]
    assert backup["name"] == "nightly"
    assert (backup["status"], backup["kind"]) == ("IN_PROGRESS", "BACKUP")
    assert backup["sizeBytes"] == 5 * 2**30
    assert backup["progressPercent"] == 40
    assert backup["bucket"] == bucket
    assert backup["startedAt"] == "2026-02-01T01:00:00+00:00"


async def test_the_seeded_apps_carry_their_cluster_and_protection(astra: GatewayClient) -> None:
    dbs = await _databases(astra)

    assert {d["astra"]["protectionState"] for d in dbs} == {
        "protected",
        "partial",
        "none",
        "atRisk",
    }
    for d in dbs:
        assert d["astra"]["clusterId"] and d["astra"]["clusterName"] and d["astra"]["namespaces"]
    by_type = {d["astra"]["clusterType"]: d["cloudProvider"] for d in dbs}
    assert (by_type["gke"], by_type["eks"]) == ("gcp", "aws")


# -- members, roles, invitations ------------------------------------------------------


async def test_members_carry_their_role_binding_and_pending_users_are_invitations() -> None:
    sim = _bare_simulator()
    for role in ROLES:
        user = sim.add_user(role.title(), "Person", f"{role}@example.test")
        sim.add_role_binding(user["id"], role)
    both = sim.add_user("Two", "Bindings", "two@example.test")
    sim.add_role_binding(both["id"], "viewer")
    sim.add_role_binding(both["id"], "admin")
    sim.add_user("No", "Binding", "none@example.test")
    invited = sim.add_user("New", "Hire", "new@example.test", state="pending")
    sim.add_role_binding(invited["id"], "member")
    async with astra_gateway(sim) as gw:
        org = (await gw.data(PEOPLE))["organizations"][0]

    roles = {m["email"]: (m["role"], m["vendorRole"]) for m in org["members"]}
    for role, normalized in ROLES.items():
        assert roles[f"{role}@example.test"] == (normalized.value, role)
    assert roles["two@example.test"] == ("ADMIN", "admin")
    assert roles["none@example.test"] == ("UNKNOWN", None)
    assert roles["new@example.test"] == ("MEMBER", "member")
    assert {m["name"] for m in org["members"]} >= {"Owner Person", "New Hire"}
    (invitation,) = org["invitations"]
    assert (invitation["email"], invitation["role"]) == ("new@example.test", "MEMBER")
    assert invitation["nativeId"] == invited["id"]


# -- API tokens -----------------------------------------------------------------------


async def test_api_keys_are_one_users_list_then_every_users_tokens_at_once() -> None:
    sim = _bare_simulator()
    while len(sim.state.users) < 10:
        user = sim.add_user("User", str(len(sim.state.users)), f"u{len(sim.state.users)}@x.test")
        sim.add_token(user["id"], f"token-{user['id'][-4:]}")
    tokens_path = f"{ACCOUNT}/core/v1/users/{UUID}/tokens"
    # the token lists must all be under way at once, four at a time (max_concurrency)
    probe = Probe.install(sim, tokens_path, gate=4)
    async with astra_gateway(sim, astra_toml(max_concurrency=4)) as gw:
        org = (await gw.data("{ organizations { apiKeys { name } } }"))["organizations"][0]

    assert len(org["apiKeys"]) == 10
    assert sim.log.count("GET", f"{ACCOUNT}/core/v1/users") == 1
    assert sim.log.count("GET", tokens_path) == 10
    assert probe.peak == 4


async def test_an_api_key_names_its_owner_and_never_its_secret() -> None:
    sim = _bare_simulator()
    user = sim.add_user("Alfred", "Pennyworth", "alfred@example.test")
    sim.add_role_binding(user["id"], "admin")
    sim.add_token(user["id"], "butler-scripts", secret="very-secret-token-value")
    async with astra_gateway(sim) as gw:
        body = await gw.post(API_KEYS)

    keys = {k["name"]: k for k in body["data"]["organizations"][0]["apiKeys"]}
    key = keys["butler-scripts"]
    assert key["owner"] == {"name": "Alfred Pennyworth", "email": "alfred@example.test"}
    assert (key["state"], key["vendorState"]) == ("ENABLED", None)
    assert "token" not in key["raw"]
    assert "very-secret-token-value" not in str(body)


async def test_a_viewer_token_lists_the_keys_it_may_see() -> None:
    sim = AstraSimulator()
    viewer = sim.add_user("Vicki", "Vale", "vicki@example.test")
    sim.add_role_binding(viewer["id"], "viewer")
    sim.add_token(viewer["id"], "dashboards", secret="viewer-token-0123456789abcdef")
    toml = astra_toml(token_env="VIEWER_TOKEN")
    async with astra_gateway(sim, toml, {"VIEWER_TOKEN": "viewer-token-0123456789abcdef"}) as gw:
        data = await gw.data("{ organizations { apiKeys { name owner { email } } } }")

    # other users' token lists answer 403 to a viewer; its own user's list still counts
    (org,) = data["organizations"]
    assert org["apiKeys"] == [{"name": "dashboards", "owner": {"email": "vicki@example.test"}}]


async def test_api_keys_forbidden_for_every_user_are_a_forbidden_error(
    astra: GatewayClient,
) -> None:
    sim = astra.simulator("astra")
    sim.faults.add(403, path=f"{ACCOUNT}/core/v1/users/{UUID}/tokens", times=None)

    body = await astra.post("{ organizations { name apiKeys { name } } }")

    assert body["data"]["organizations"][0]["apiKeys"] is None
    assert error_codes(body) == ["FORBIDDEN"]


# -- errors ---------------------------------------------------------------------------


async def test_a_service_not_ready_problem_is_retryable_and_fails_only_its_field(
    astra: GatewayClient,
) -> None:
    sim = astra.simulator("astra")
    sim.faults.add(503, path=f"{ACCOUNT}/core/v1/features", method="GET", times=None)

    body = await astra.post("{ organizations { name featureFlags { name } members { name } } }")

    (org,) = body["data"]["organizations"]
    assert org["featureFlags"] is None and org["members"]
    (error,) = body["errors"]
    ext = error["extensions"]
    assert (ext["code"], ext["vendorCode"], ext["retryable"]) == (
        "UPSTREAM_UNAVAILABLE",
        "41",
        True,
    )
    assert ext["upstreamRequestId"]


async def test_an_id_of_another_account_is_not_found_without_a_call(astra: GatewayClient) -> None:
    other = encode_id("Database", "astra", ("0badc0de-0000-4000-8000-000000000000", "x"))
    sim = astra.simulator("astra")

    body = await astra.post(DATABASE_BY_ID, {"id": other})

    assert error_codes(body) == ["NOT_FOUND"]
    assert sim.log.entries == []


async def test_a_suspended_member_is_visible_as_such(astra: GatewayClient) -> None:
    query = "{ organizations { members { email state vendorState } invitations { accepted } } }"
    org = (await astra.data(query))["organizations"][0]

    states = {m["email"].split("@")[0]: (m["state"], m["vendorState"]) for m in org["members"]}
    assert states["selina.kyle"] == ("SUSPENDED", "suspended")
    assert states["dick.grayson"] == ("PENDING", "pending")
    assert states["barbara.gordon"] == ("ACTIVE", "active")
    # a pending user is the one invitation, not yet accepted
    assert org["invitations"] == [{"accepted": False}]


@pytest.mark.parametrize(
    ("state", "enabled", "normalized"),
    [
        ("active", True, "ACTIVE"),
        ("active", False, "DISABLED"),
        ("suspended", False, "SUSPENDED"),
        ("retired", True, "UNKNOWN"),
    ],
)
async def test_user_states_normalize_and_an_unknown_one_is_unknown(
    state: str, enabled: bool, normalized: str
) -> None:
    sim = _bare_simulator()
    sim.add_user("Some", "One", "one@example.test", state=state, is_enabled=enabled)
    async with astra_gateway(sim) as gw:
        org = await gw.data("{ organizations { members { email state vendorState } } }")
    (member,) = [m for m in org["organizations"][0]["members"] if m["email"] == "one@example.test"]
    assert (member["state"], member["vendorState"]) == (normalized, state)


async def test_an_astra_app_names_no_engine(astra: GatewayClient) -> None:
    data = await astra.data("{ databases(first: 200) { nodes { engine } } }")
    assert {d["engine"] for d in data["databases"]["nodes"]} == {None}


async def test_stored_credentials_are_listed_by_name_never_by_content(
    astra: GatewayClient,
) -> None:
    query = "{ organizations { astra { credentials { name keyType valid validUntil } } } }"
    sim: AstraSimulator = astra.simulator("astra")
    sim.log.clear()

    body = await astra.post(query)

    credentials = {c["name"]: c for c in body["data"]["organizations"][0]["astra"]["credentials"]}
    assert credentials["gke-prod-kubeconfig"]["keyType"] == "kubeconfig"
    assert credentials["ocp-expired-kubeconfig"]["valid"] is False
    assert "s3cr3t-batcave" not in str(body) and "apiVersion" not in str(body)
    assert len(sim.log.entries) == 2  # the account, then the credentials list
