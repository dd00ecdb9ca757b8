"""The Astra Control simulator answers as the vendor docs describe.

These tests pin the simulator's own reading of the docs (paths, envelopes, paging, problem
bodies), so an adapter test that fails against it points at one side or the other.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.astra.sim import seed_data as sd
from adapters.astra.sim.simulator import (
    APP_STATES,
    BACKUP_STATES,
    DEMO_ACCOUNTS,
    NIL_UUID,
    PROTECTION_STATES,
    ROLES,
    AstraSimulator,
)

BASE = "https://astra.netapp.io"
ACCOUNT = f"/accounts/{sd.ACCOUNT_ID}"
USERS, APPS = f"{ACCOUNT}/core/v1/users", f"{ACCOUNT}/k8s/v2/apps"
ORDERS = sd.APP_IDS["postgres-orders"]
BACKUPS = f"{ACCOUNT}/k8s/v1/apps/{ORDERS}/appBackups"
SNAPS = f"{ACCOUNT}/k8s/v1/apps/{ORDERS}/appSnaps"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab0][0-9a-f]{3}-[0-9a-f]{12}")
MISSING = "0badc0de-0000-4000-8000-000000000000"


def client(sim: AstraSimulator, token: str | None = sd.DEMO_TOKEN) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url=BASE, headers=headers
    )


@pytest.fixture
def sim() -> AstraSimulator:
    return AstraSimulator()


@pytest.fixture
async def api(sim: AstraSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with client(sim) as c:
        yield c


def body(kind: str, **fields: Any) -> dict[str, Any]:
    versions = {"app": "2.0", "user": "1.2"}
    return {"type": f"application/astra-{kind}", "version": versions.get(kind, "1.1"), **fields}


def assert_problem(response: httpx.Response, number: int, status: int) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"https://astra.netapp.io/problems/{number}"
    assert problem["status"] == str(status)  # a string, per the seed
    assert problem["title"] and problem["detail"]
    assert UUID_RE.fullmatch(problem["correlationID"])
    return problem


async def list_all(api: httpx.AsyncClient, path: str, **params: str) -> list[Any]:
    """Follow metadata.continue to the end, as a client would."""
    items: list[Any] = []
    query = dict(params)
    while True:
        page = (await api.get(path, params=query)).raise_for_status().json()
        items += page["items"]
        if "continue" not in page["metadata"]:
            return items
        query = {**params, "continue": page["metadata"]["continue"]}


# ----- auth and account ---------------------------------------------------------------
async def test_missing_bearer_token_is_problem_3(sim: AstraSimulator) -> None:
    async with client(sim, token=None) as anonymous:
        problem = assert_problem(await anonymous.get(USERS), 3, 401)
        basic = await anonymous.get(USERS, headers={"Authorization": "Basic YTpi"})
    assert problem["title"] == "Missing bearer token"
    assert_problem(basic, 3, 401)
    assert sim.log.entries[-1].identity is None


@pytest.mark.parametrize("token", ["not-a-token", sd.TOKENS["suspended"]])
async def test_unknown_or_suspended_users_token_is_problem_4(
    sim: AstraSimulator, token: str
) -> None:
    async with client(sim, token) as c:
        response = await c.get(USERS)
    assert_problem(response, 4, 401)
    assert response.headers["www-authenticate"] == "Bearer"


async def test_other_account_is_forbidden_and_malformed_account_is_invalid_id(
    api: httpx.AsyncClient,
) -> None:
    assert_problem(await api.get(f"/accounts/{MISSING}/core/v1/users"), 11, 403)
    assert_problem(await api.get("/accounts/wayne/core/v1/users"), 35, 400)


async def test_account_get_and_owner_put(sim: AstraSimulator, api: httpx.AsyncClient) -> None:
    account = (await api.get(ACCOUNT)).json()
    assert account["type"] == "application/astra-account"
    assert (account["name"], account["state"], account["isEnabled"]) == (
        "Wayne Enterprises Astra",
        "active",
        "true",
    )
    response = await api.put(ACCOUNT, json={**account, "name": "Wayne Astra"})
    assert (response.status_code, response.content) == (204, b"")
    assert sim.state.account["name"] == "Wayne Astra"
    assert sim.state.account["metadata"]["modifiedBy"] == sd.BRUCE
    async with client(sim, sd.TOKENS["admin"]) as admin:
        assert_problem(await admin.put(ACCOUNT, json=account), 11, 403)


# ----- not found, invalid IDs, methods ------------------------------------------------------
async def test_not_found_problems(api: httpx.AsyncClient) -> None:
    assert_problem(await api.get(f"{USERS}/{MISSING}"), 1, 404)
    assert_problem(await api.get(f"{ACCOUNT}/core/v1/clusterz"), 2, 404)
    assert_problem(await api.get(f"{USERS}/"), 2, 404)  # no trailing-slash redirect
    # A collection under a parent that doesn't exist is itself missing.
    assert_problem(await api.get(f"{ACCOUNT}/k8s/v1/apps/{MISSING}/appBackups"), 2, 404)
    assert_problem(await api.get(f"{ACCOUNT}/k8s/v1/apps/{MISSING}/appBackups/{MISSING}"), 1, 404)


async def test_unknown_path_still_authenticates_first(sim: AstraSimulator) -> None:
    async with client(sim, token=None) as anonymous:
        assert_problem(await anonymous.get(f"{ACCOUNT}/core/v1/clusterz"), 3, 401)


async def test_malformed_ids_are_problem_35(api: httpx.AsyncClient) -> None:
    assert_problem(await api.get(f"{USERS}/42"), 35, 400)
    assert_problem(await api.get(f"{ACCOUNT}/k8s/v1/apps/orders/appSnaps"), 35, 400)
    assert_problem(await api.delete(f"{APPS}/not-a-uuid"), 35, 400)


async def test_unsupported_method_is_a_405_problem(api: httpx.AsyncClient) -> None:
    response = await api.put(f"{BACKUPS}/{sd.BACKUPS[0][0]}", json={})
    assert response.status_code == 405
    assert response.json()["type"] == "about:blank"
    assert "DELETE" in response.headers["allow"]
    assert (await api.post(f"{ACCOUNT}/core/v1/features", json={})).status_code == 405


# ----- collections: paging, include, filter, count, orderBy ------------------------------
async def test_limit_and_continue_page_to_the_end(api: httpx.AsyncClient) -> None:
    first = (await api.get(APPS, params={"limit": "4"})).json()
    assert first["type"] == "application/astra-apps" and first["version"] == "2.0"
    assert len(first["items"]) == 4 and "count" not in first["metadata"]
    base64.urlsafe_b64decode(first["metadata"]["continue"])  # opaque, but base64
    names = [a["name"] for a in await list_all(api, APPS, limit="4")]
    assert names == list(sd.APPS)


async def test_max_page_size_caps_pages_without_limit() -> None:
    sim = AstraSimulator(max_page_size=2)
    async with client(sim) as c:
        page = (await c.get(USERS)).json()
        assert len(page["items"]) == 2 and "continue" in page["metadata"]
        # A bigger limit can't lift the cap; the last page carries no continue.
        users = await list_all(c, USERS, limit="100")
        last = (await c.get(USERS, params={"skip": "4"})).json()
    assert [u["id"] for u in users] == list(sim.state.users)
    assert len(last["items"]) == 1 and last["metadata"] == {}


async def test_count_is_all_matches_not_the_page(api: httpx.AsyncClient) -> None:
    page = (await api.get(APPS, params={"count": "true", "limit": "2"})).json()
    assert page["metadata"]["count"] == 9 and len(page["items"]) == 2
    ready = (await api.get(APPS, params={"count": "true", "filter": "state eq 'ready'"})).json()
    assert ready["metadata"] == {"count": 1}


async def test_include_turns_items_into_arrays_in_order(api: httpx.AsyncClient) -> None:
    page = (await api.get(APPS, params={"include": "state,name,id", "limit": "2"})).json()
    assert page["items"] == [
        ["ready", "postgres-orders", ORDERS],
        ["discovering", "mongodb-catalog", sd.APP_IDS["mongodb-catalog"]],
    ]
    nested = (
        await api.get(
            USERS, params={"include": "email,metadata.createdBy", "filter": f"id eq '{sd.LUCIUS}'"}
        )
    ).json()
    assert nested["items"] == [["lucius.fox@wayne-enterprises.example", sd.BRUCE]]


async def test_filter_eq_and_combinations(api: httpx.AsyncClient) -> None:
    async def names(path: str, flt: str) -> list[str]:
        items = (await api.get(path, params={"filter": flt, "include": "name"})).json()["items"]
        return [i[0] for i in items]

    assert await names(APPS, "clusterType eq 'openshift' and protectionState eq 'atRisk'") == [
        "mysql-billing",
        "mariadb-legacy",
    ]
    assert await names(APPS, "namespaces eq 'analytics-etl'") == ["postgres-analytics"]
    assert await names(BACKUPS, "state ne 'completed' and state ne 'failed'") == [
        "orders-daily-20260111",
        "orders-adhoc",
        "orders-weekly-02",
    ]
    assert await names(f"{ACCOUNT}/core/v1/features", "isEnabled eq 'false'") == [
        "astra.account.ldap"
    ]
    pending = (await api.get(USERS, params={"filter": "state eq 'pending'"})).json()["items"]
    assert [u["id"] for u in pending] == [sd.DICK] and "lastActTimestamp" not in pending[0]


async def test_order_by_and_skip(api: httpx.AsyncClient) -> None:
    page = (
        await api.get(APPS, params={"orderBy": "name desc", "skip": "7", "include": "name"})
    ).json()
    assert page["items"] == [[n] for n in sorted(sd.APPS, reverse=True)[7:]]


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"limit": "ten"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"skip": "-1"}, "skip"),
        ({"count": "yes"}, "count"),
        ({"continue": "%%%not-base64"}, "continue"),
        ({"continue": base64.urlsafe_b64encode(b'{"offset": 2}').decode()}, "continue"),
        ({"include": "name,password"}, "include"),
        ({"filter": "name = 'x'"}, "filter"),
        ({"filter": "secret eq 'x'"}, "filter"),
        ({"orderBy": "name sideways"}, "orderBy"),
        ({"pageSize": "10"}, "pageSize"),
    ],
)
async def test_invalid_query_parameters_are_problem_5(
    api: httpx.AsyncClient, params: dict[str, str], bad: str
) -> None:
    problem = assert_problem(await api.get(APPS, params=params), 5, 400)
    assert [p["name"] for p in problem["invalidParams"]] == [bad]
    assert problem["invalidParams"][0]["reason"]


async def test_continue_is_bound_to_its_filter(api: httpx.AsyncClient) -> None:
    flt = "clusterType eq 'eks'"
    page = (await api.get(APPS, params={"filter": flt, "limit": "1"})).json()
    token = page["metadata"]["continue"]
    assert_problem(await api.get(APPS, params={"continue": token}), 5, 400)
    rest = (await api.get(APPS, params={"filter": flt, "continue": token})).json()
    assert [a["clusterType"] for a in rest["items"]] == ["eks", "eks"]


# ----- writes: 201/204, validation, conflicts, permissions ---------------------------------
async def test_post_put_delete_user(sim: AstraSimulator, api: httpx.AsyncClient) -> None:
    new = body("user", firstName="Alfred", lastName="Pennyworth", email="alfred@wayne.example")
    response = await api.post(
        USERS, json=new, headers={"Content-Type": "application/astra-user+json"}
    )
    assert response.status_code == 201
    user = response.json()
    assert response.headers["location"] == f"{BASE}{USERS}/{user['id']}"
    assert UUID_RE.fullmatch(user["id"]) and user["state"] == "pending"
    assert user["metadata"]["createdBy"] == sd.BRUCE and "modifiedBy" not in user["metadata"]
    assert (await api.get(response.headers["location"])).json() == user

    put = await api.put(f"{USERS}/{user['id']}", json={**user, "lastName": "Pennyworth-Beagle"})
    assert (put.status_code, put.content) == (204, b"")
    changed = (await api.get(f"{USERS}/{user['id']}")).json()
    assert changed["lastName"] == "Pennyworth-Beagle"
    assert changed["metadata"]["modifiedBy"] == sd.BRUCE
    assert changed["metadata"]["modificationTimestamp"] > changed["metadata"]["creationTimestamp"]

    deleted = await api.delete(f"{USERS}/{user['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert_problem(await api.get(f"{USERS}/{user['id']}"), 1, 404)


async def test_body_problems_7_9_19(api: httpx.AsyncClient) -> None:
    assert_problem(await api.post(USERS, content=b"{nope"), 7, 400)
    assert_problem(await api.post(USERS, json=["a list"]), 7, 400)
    problem = assert_problem(await api.post(USERS, json={"firstName": "X"}), 9, 400)
    # only email is required: the OpenAPI makes firstName and lastName optional
    assert {f["name"] for f in problem["invalidFields"]} == {"type", "version", "email"}
    # Booleans are strings: a JSON true is an invalid resource.
    as_bool = body("user", firstName="A", lastName="B", email="a@b.example", isEnabled=True)
    assert_problem(await api.post(USERS, json=as_bool), 9, 400)
    duplicate = body(
        "user", firstName="B", lastName="W", email="BRUCE.WAYNE@wayne-enterprises.example"
    )
    assert_problem(await api.post(USERS, json=duplicate), 19, 409)
    # PUT is a full replace: a partial body is invalid, and email can't change.
    bruce = (await api.get(f"{USERS}/{sd.BRUCE}")).json()
    assert_problem(await api.put(f"{USERS}/{sd.BRUCE}", json=body("user", firstName="B")), 9, 400)
    assert_problem(
        await api.put(f"{USERS}/{sd.BRUCE}", json={**bruce, "email": "b@x.example"}), 9, 400
    )


async def test_conflicts_are_problem_10(api: httpx.AsyncClient) -> None:
    bindings = f"{ACCOUNT}/core/v1/roleBindings"
    again = body("roleBinding", userID=sd.LUCIUS, role="viewer")
    assert_problem(await api.post(bindings, json=again), 10, 409)
    failed_app = sd.APP_IDS["mysql-billing"]
    backup = body("appBackup", name="billing-now")
    assert_problem(
        await api.post(f"{ACCOUNT}/k8s/v1/apps/{failed_app}/appBackups", json=backup), 10, 409
    )
    same_name = body(
        "app",
        name="postgres-orders",
        clusterID=sd.CLUSTER_GKE[0],
        namespaceScopedResources=[{"namespace": "orders"}],
    )
    assert_problem(await api.post(APPS, json=same_name), 10, 409)


async def test_roles_limit_writes_with_problem_11(sim: AstraSimulator) -> None:
    viewer_token = sim.add_token(sd.DICK, "viewer-cli")["token"]
    new_user = body("user", firstName="J", lastName="Todd", email="jason@wayne.example")
    async with (
        client(sim, viewer_token) as viewer,
        client(sim, sd.TOKENS["member"]) as member,
        client(sim, sd.TOKENS["admin"]) as admin,
    ):
        assert (await viewer.get(APPS)).status_code == 200
        assert_problem(await viewer.post(SNAPS, json=body("appSnap", name="s")), 11, 403)
        assert (await member.post(SNAPS, json=body("appSnap", name="s"))).status_code == 201
        assert_problem(await member.post(USERS, json=new_user), 11, 403)
        assert (await admin.post(USERS, json=new_user)).status_code == 201
        # Only an owner hands out the owner role.
        owner = body("roleBinding", userID=sd.DICK, role="owner")
        dick = next(b["id"] for b in sim.state.role_bindings.values() if b["userID"] == sd.DICK)
        bindings = f"{ACCOUNT}/core/v1/roleBindings"
        assert_problem(await admin.put(f"{bindings}/{dick}", json=owner), 11, 403)


async def test_app_backup_snapshot_lifecycle(sim: AstraSimulator, api: httpx.AsyncClient) -> None:
    app_body = body(
        "app",
        name="postgres-new",
        clusterID=sd.CLUSTER_EKS[0],
        namespaceScopedResources=[{"namespace": "new"}],
        metadata={"labels": [{"name": "tier", "value": "dev"}]},
    )
    app = (await api.post(APPS, json=app_body)).json()
    assert (app["state"], app["protectionState"], app["clusterName"], app["clusterType"]) == (
        "pending",
        "none",
        sd.CLUSTER_EKS[1],
        "eks",
    )
    assert app["metadata"]["labels"] == [{"name": "tier", "value": "dev"}]
    unknown_cluster = body(
        "app", name="x", clusterID=MISSING, namespaceScopedResources=[{"namespace": "x"}]
    )
    assert_problem(await api.post(APPS, json=unknown_cluster), 9, 400)

    made = await api.post(BACKUPS, json=body("appBackup", name="orders-now"))
    backup = made.json()
    assert made.status_code == 201 and made.headers["location"].endswith(backup["id"])
    assert (backup["state"], backup["percentDone"], backup["bucketID"]) == (
        "pending",
        "0",
        sd.BUCKET_PRIMARY,
    )
    assert (await api.delete(f"{BACKUPS}/{backup['id']}")).status_code == 204

    # Unmanaging an app takes its backups and snapshots with it.
    assert (await api.delete(f"{APPS}/{ORDERS}")).status_code == 204
    assert ORDERS not in sim.state.app_backups and ORDERS not in sim.state.app_snaps
    assert_problem(await api.get(BACKUPS), 2, 404)


# ----- tokens and credentials: secrets ------------------------------------------------------
async def test_token_secret_is_shown_once(sim: AstraSimulator, api: httpx.AsyncClient) -> None:
    tokens = f"{USERS}/{sd.BRUCE}/tokens"
    response = await api.post(tokens, json=body("apiToken", name="laptop"))
    assert response.status_code == 201
    created = response.json()
    secret = created.pop("token")
    assert secret and created["userID"] == sd.BRUCE
    shown = (await api.get(f"{tokens}/{created['id']}")).json()
    listed = (await api.get(tokens)).json()["items"]
    assert shown == created and "token" not in shown
    assert all("token" not in t for t in listed) and secret not in json.dumps(listed)
    assert_problem(await api.get(tokens, params={"include": "token"}), 5, 400)

    async with client(sim, secret) as laptop:
        assert (await laptop.get(USERS)).status_code == 200
        assert (await api.delete(f"{tokens}/{created['id']}")).status_code == 204
        assert_problem(await laptop.get(USERS), 4, 401)  # revoked


async def test_token_ownership(sim: AstraSimulator) -> None:
    barbara_tokens = f"{USERS}/{sd.BARBARA}/tokens"
    async with client(sim, sd.TOKENS["member"]) as member, client(sim, sd.TOKENS["admin"]) as admin:
        assert (
            await member.post(barbara_tokens, json=body("apiToken", name="mine"))
        ).status_code == 201
        assert_problem(await member.get(f"{USERS}/{sd.LUCIUS}/tokens"), 11, 403)
        # Admins may list and revoke others' tokens but not mint them.
        assert len((await admin.get(barbara_tokens)).json()["items"]) == 2
        assert_problem(await admin.post(barbara_tokens, json=body("apiToken", name="x")), 11, 403)
        assert_problem(await admin.get(f"{USERS}/{MISSING}/tokens"), 2, 404)


async def test_credentials_never_show_their_content(api: httpx.AsyncClient) -> None:
    creds = f"{ACCOUNT}/core/v1/credentials"
    secret = "apiVersion: v1\nusers: [{token: TOP-SECRET-KUBECONFIG}]"
    response = await api.post(
        creds, json=body("credential", name="eks-admin", keyType="kubeconfig", keyStore=secret)
    )
    assert response.status_code == 201 and "keyStore" not in response.json()
    listed = await api.get(creds)
    shown = await api.get(response.headers["location"])
    for text in (response.text, listed.text, shown.text):
        assert "TOP-SECRET" not in text and "s3cr3t" not in text and "keyStore" not in text
    assert {c["keyType"] for c in listed.json()["items"]} == {"kubeconfig", "s3"}


# ----- seed data --------------------------------------------------------------------------
def test_seed_covers_every_state_and_role(sim: AstraSimulator) -> None:
    state = sim.state
    assert {a["state"] for a in state.apps.values()} == set(APP_STATES)
    assert {a["protectionState"] for a in state.apps.values()} == set(PROTECTION_STATES)
    backups = [b for per_app in state.app_backups.values() for b in per_app.values()]
    snaps = [s for per_app in state.app_snaps.values() for s in per_app.values()]
    assert {b["state"] for b in backups} == set(BACKUP_STATES)
    assert {s["state"] for s in snaps} == set(BACKUP_STATES)
    assert {b["role"] for b in state.role_bindings.values()} == set(ROLES)
    assert {u["state"] for u in state.users.values()} == {"active", "pending", "suspended"}
    group = [b for b in state.role_bindings.values() if b["principalType"] == "group"]
    assert [(b["groupID"], b["userID"]) for b in group] == [(sd.LDAP_GROUP_ID, NIL_UUID)]
    assert DEMO_ACCOUNTS == {"demo": {"account_id": sd.ACCOUNT_ID, "token": sd.DEMO_TOKEN}}


def test_every_seeded_resource_has_the_envelope(sim: AstraSimulator) -> None:
    state = sim.state
    resources = [
        state.account,
        *state.users.values(),
        *state.role_bindings.values(),
        *state.credentials.values(),
        *state.features.values(),
        *state.apps.values(),
    ]
    for nested in (state.tokens, state.app_backups, state.app_snaps):
        resources += [r for per_parent in nested.values() for r in per_parent.values()]
    for r in resources:
        assert r["type"].startswith("application/astra-") and r["version"]
        assert UUID_RE.fullmatch(r["id"])
        meta = r["metadata"]
        assert meta["labels"] == [] or all(set(x) == {"name", "value"} for x in meta["labels"])
        assert meta["creationTimestamp"].endswith("Z") and meta["createdBy"]
        for flag in ("isEnabled", "valid"):
            assert r.get(flag, "true") in ("true", "false")


async def test_seed_feature_matches_the_vendor_example(api: httpx.AsyncClient) -> None:
    feature = (await api.get(f"{ACCOUNT}/core/v1/features/{sd.FEATURE_RBAC_ID}")).json()
    assert feature == {
        "type": "application/astra-feature",
        "version": "1.1",
        "id": "2d960b50-10be-5a19-a3ef-80bd08c12a89",
        "name": "astra.account.rbac",
        "isEnabled": "true",
        "metadata": {
            "labels": [],
            "creationTimestamp": "2022-10-06T20:58:16.305662Z",
            "modificationTimestamp": "2022-10-06T20:58:16.305662Z",
            "createdBy": "8f84cf09-8036-51e4-b579-bd30cb07b269",
        },
    }


async def test_unseeded_simulator_keeps_only_the_owner() -> None:
    sim = AstraSimulator(seed=False)
    async with client(sim) as c:
        users = (await c.get(USERS)).json()["items"]
        apps = (await c.get(APPS)).json()
    assert [u["id"] for u in users] == [sd.BRUCE]
    assert apps["items"] == [] and apps["metadata"] == {}


async def test_runs_are_deterministic() -> None:
    async def snapshot() -> list[Any]:
        sim = AstraSimulator()
        async with client(sim) as c:
            made = await c.post(
                APPS,
                json=body(
                    "app",
                    name="n",
                    clusterID=sd.CLUSTER_GKE[0],
                    namespaceScopedResources=[{"namespace": "n"}],
                ),
            )
            missing = await c.get(f"{USERS}/{MISSING}")
            return [made.json(), missing.json(), (await c.get(f"{USERS}/{sd.BRUCE}/tokens")).json()]

    assert await snapshot() == await snapshot()


async def test_builders_make_many_users_with_tokens() -> None:
    sim = AstraSimulator(seed=False, max_page_size=3)
    for n in range(10):
        user = sim.add_user(f"User{n}", "Test", f"user{n}@example.com")
        sim.add_role_binding(user["id"], "member")
        first, second = (sim.add_token(user["id"], f"key-{k}") for k in range(2))
        assert first["token"] != second["token"] and first["userID"] == user["id"]
    async with client(sim) as c:
        users = await list_all(c, USERS)
        per_user = [await list_all(c, f"{USERS}/{u['id']}/tokens") for u in users]
    assert len(users) == 11
    assert [len(t) for t in per_user] == [1] + [2] * 10


# ----- log and faults -------------------------------------------------------------------
async def test_request_log_records_identity_and_status(
    sim: AstraSimulator, api: httpx.AsyncClient
) -> None:
    await api.get(APPS, params={"limit": "1"})
    await api.get(f"{USERS}/{MISSING}")
    first, second = sim.log.entries
    assert (first.method, first.path, first.query, first.identity, first.status) == (
        "GET",
        APPS,
        "limit=1",
        sd.BRUCE,
        200,
    )
    assert (second.identity, second.status) == (sd.BRUCE, 404)
    assert sim.log.count("GET", r".*/k8s/v2/apps") == 1


async def test_injected_faults_use_the_problem_form(
    sim: AstraSimulator, api: httpx.AsyncClient
) -> None:
    sim.faults.add(503, path=r".*/k8s/v2/apps", times=1, headers={"Retry-After": "2"})
    sim.faults.add(500, path=r".*/core/v1/users", method="POST")
    unavailable = await api.get(APPS)
    problem = assert_problem(unavailable, 41, 503)
    assert problem["title"] == "Service not ready"
    assert unavailable.headers["retry-after"] == "2"
    assert (await api.get(APPS)).status_code == 200  # times=1: gone
    broken = await api.post(USERS, json={})
    assert broken.status_code == 500
    assert broken.json()["type"] == "about:blank" and broken.json()["status"] == "500"
    assert [e.status for e in sim.log.entries] == [503, 200, 500]
