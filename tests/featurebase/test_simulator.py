"""The FeatureBase Cloud simulator answers as the vendor docs (seed + notes) describe."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from adapters.featurebase.sim import seed_data
from adapters.featurebase.sim.seed_data import (
    BILL,
    DATABASE_STATUSES,
    DEMO_KEY_ID,
    MILTON,
    ORG_ID,
    PETER,
    SAMIR,
)
from adapters.featurebase.sim.simulator import DEMO_ACCOUNTS, FeatureBaseSimulator

API = "https://api.featurebase.com"
IDENTITY = "https://id.featurebase.com"
START = datetime(2026, 4, 1, 12, 0, tzinfo=UTC).timestamp()
OWNER_KEY = {"X-API-Key": DEMO_ACCOUNTS["demo-key"]["api_key"]}
VIEWER_KEY = {"X-API-Key": "fb5ec000-0000-4000-8000-000000000005"}  # Milton, role Viewer
DBADMIN_KEY = {"X-API-Key": "fb5ec000-0000-4000-8000-000000000002"}  # Samir, Database Admin
REVOKED_KEY = {"X-API-Key": "fb5ec000-0000-4000-8000-000000000003"}
UNAUTHORIZED = {"response_code": 401, "message": "unauthorized."}
ANALYTICS_PROD = "db000000-0000-4000-8000-000000000001"
GCP_DB = "db000000-0000-4000-8000-000000000012"


class FakeClock:
    """A clock tests move by hand, so token expiry needs no sleeping."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> FeatureBaseSimulator:
    return FeatureBaseSimulator(clock=clock)


def api(sim: FeatureBaseSimulator, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    """A client for the API host; the demo org owner's API key unless told otherwise."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url=API,
        headers=OWNER_KEY if headers is None else headers,
    )


def identity(sim: FeatureBaseSimulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.identity_app), base_url=IDENTITY)


async def login(sim: FeatureBaseSimulator, account: str = "demo-user") -> dict[str, Any]:
    creds = DEMO_ACCOUNTS[account]
    async with identity(sim) as client:
        response = await client.post(
            "/", json={"USERNAME": creds["username"], "PASSWORD": creds["password"]}
        )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()["AuthenticationResult"]
    return result


async def walk(
    client: httpx.AsyncClient, path: str, token_key: str = "next", body_key: str = "resources"
) -> tuple[list[dict[str, Any]], int]:
    """Every item of a paged list, and how many pages it took."""
    items: list[dict[str, Any]] = []
    params: dict[str, str] = {}
    pages = 0
    while True:
        response = await client.get(path, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        items += body[body_key]
        if body[token_key] == "":
            return items, pages
        params = {token_key: body[token_key]}


# ------------------------------------------------------------------------ seed data
def test_seed_is_deterministic_and_covers_every_database_status() -> None:
    first, second = FeatureBaseSimulator(clock=FakeClock()), FeatureBaseSimulator()
    assert first.state == second.state
    statuses = {d["database_status"] for d in first.state.databases.values()}
    assert statuses == set(DATABASE_STATUSES) and len(DATABASE_STATUSES) == 11
    assert first.state.org["name"] == "Initech FeatureBase"
    assert len(first.state.users) == 5
    assert first.state.databases[ANALYTICS_PROD]["name"] == "analytics-prod"


def test_unseeded_simulator_has_only_the_org() -> None:
    sim = FeatureBaseSimulator(seed=False)
    assert sim.state.org["id"] == ORG_ID
    assert not (sim.state.users or sim.state.databases or sim.state.shapes or sim.state.keys)


# ------------------------------------------------------------------------- identity
async def test_login_returns_tokens_and_id_token_authenticates(sim: FeatureBaseSimulator) -> None:
    result = await login(sim)
    assert set(result) == {"AccessToken", "ExpiresIn", "IdToken", "RefreshToken", "TokenType"}
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    assert sim.identity_log.entries[-1].identity == PETER
    assert sim.identity_log.entries[-1].status == 200

    async with api(sim, {"Authorization": f"Bearer {result['IdToken']}"}) as client:
        me = await client.get("/v2/users/current")
    assert me.status_code == 200
    assert me.json()["id"] == PETER and me.json()["roles"] == ["Org Owner"]
    assert sim.log.entries[-1].identity == PETER


@pytest.mark.parametrize(
    ("username", "password"),
    [
        (DEMO_ACCOUNTS["demo-user"]["username"], "wrong"),
        ("nobody@initech.example", "whatever"),
    ],
)
async def test_login_rejects_bad_credentials_like_cognito(
    sim: FeatureBaseSimulator, username: str, password: str
) -> None:
    async with identity(sim) as client:
        response = await client.post("/", json={"USERNAME": username, "PASSWORD": password})
    assert response.status_code == 400
    assert response.json() == {
        "__type": "NotAuthorizedException",
        "message": "Incorrect username or password.",
    }
    assert sim.identity_log.entries[-1].identity is None


async def test_login_without_password_is_invalid(sim: FeatureBaseSimulator) -> None:
    async with identity(sim) as client:
        response = await client.post("/", json={"USERNAME": "peter.gibbons@initech.example"})
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidParameterException"


async def test_id_token_expires_after_ttl_on_the_clock(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, token_ttl_seconds=60)
    result = await login(sim)
    assert result["ExpiresIn"] == 60
    async with api(sim, {"Authorization": f"Bearer {result['IdToken']}"}) as client:
        clock.advance(59)
        assert (await client.get("/v2/databases")).status_code == 200
        clock.advance(1)
        expired = await client.get("/v2/databases")
    assert expired.status_code == 401
    assert expired.json() == UNAUTHORIZED


async def test_access_token_is_not_an_id_token(sim: FeatureBaseSimulator) -> None:
    result = await login(sim)
    async with api(sim, {"Authorization": f"Bearer {result['AccessToken']}"}) as client:
        response = await client.get("/v2/users/current")
    assert response.status_code == 401


# ---------------------------------------------------------------------- API auth
async def test_missing_credentials_answer_missing_authentication_token(
    sim: FeatureBaseSimulator,
) -> None:
    async with api(sim, {}) as client:
        response = await client.get("/v2/databases")
    assert response.status_code == 401
    assert response.json()["code"] == "MissingAuthenticationToken"
    assert sim.log.entries[-1].identity is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic cGV0ZXI6cGFzcw=="},
        {"X-API-Key": "no-such-secret"},
        REVOKED_KEY,
    ],
)
async def test_bad_credentials_answer_the_seed_401_form(
    sim: FeatureBaseSimulator, headers: dict[str, str]
) -> None:
    async with api(sim, headers) as client:
        response = await client.get("/v2/databases")
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED


async def test_api_key_authenticates_as_its_owner(
    sim: FeatureBaseSimulator, clock: FakeClock
) -> None:
    async with api(sim) as client:
        me = await client.get("/v2/users/current")
    assert me.json()["id"] == PETER
    assert sim.log.entries[-1].identity == DEMO_KEY_ID
    assert sim.state.keys[DEMO_KEY_ID]["used_at"] == "2026-04-01T12:00:00Z"


async def test_new_key_secret_is_shown_once_and_revocation_is_final(
    sim: FeatureBaseSimulator,
) -> None:
    async with api(sim) as client:
        created = await client.post(f"/v2/users/{PETER}/keys", json={"description": "laptop"})
        assert created.status_code == 201
        assert set(created.json()) == {"id", "secret"}
        key_id, secret = created.json()["id"], created.json()["secret"]

        shown = await client.get(f"/v2/users/{PETER}/keys/{key_id}")
        assert shown.status_code == 200 and "secret" not in shown.json()
        assert shown.json()["status"] == "ACTIVE" and shown.json()["owned_by"] == PETER

        async with api(sim, {"X-API-Key": secret}) as new_key:
            assert (await new_key.get("/v2/users/current")).json()["id"] == PETER
            revoked = await client.patch(
                f"/v2/users/{PETER}/keys/{key_id}", json={"status": "REVOKED"}
            )
            assert revoked.status_code == 202 and revoked.json()["status"] == "REVOKED"
            rejected = await new_key.get("/v2/users/current")
        assert rejected.status_code == 401 and rejected.json() == UNAUTHORIZED

        again = await client.patch(f"/v2/users/{PETER}/keys/{key_id}", json={"status": "ACTIVE"})
    assert again.status_code == 409 and again.json()["code"] == "IncorrectState"


async def test_keys_are_created_only_by_their_owner(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        response = await client.post(f"/v2/users/{SAMIR}/keys", json={"description": "x"})
    assert response.status_code == 403 and response.json()["code"] == "Forbidden"


async def test_key_lookups_follow_the_seed_statuses(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        # Key GET and user key list list 422, not 404, in the seed.
        wrong_user = await client.get(f"/v2/users/{SAMIR}/keys/{DEMO_KEY_ID}")
        no_user = await client.get("/v2/users/05e10000-0000-4000-8000-000000000099/keys")
        patch_missing = await client.patch(f"/v2/users/{PETER}/keys/nope", json={})
    assert wrong_user.status_code == 422 and wrong_user.json()["code"] == "UnprocessableEntity"
    assert no_user.status_code == 422
    assert patch_missing.status_code == 404 and patch_missing.json()["code"] == "ResourceNotFound"


# -------------------------------------------------------------------- pagination
async def test_database_list_pages_with_next_tokens(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, page_size=2)
    async with api(sim) as client:
        databases, pages = await walk(client, "/v2/databases")
    assert [d["id"] for d in databases] == list(sim.state.databases)
    assert pages == 7  # 13 databases, 2 a page
    queries = [e.query for e in sim.log.matching("GET", "/v2/databases")]
    assert queries[0] == "" and all(q.startswith("next=") for q in queries[1:])


async def test_fifty_keys_of_five_users_page_through_the_org_list() -> None:
    sim = FeatureBaseSimulator(seed=False, page_size=7, clock=FakeClock())
    sim.add_role("Org Owner", acl=["MANAGE_ORG:*"])
    users = [sim.add_user(f"User{n}", "Test", roles=["Org Owner"]) for n in range(5)]
    for n in range(50):
        sim.add_key(users[n % 5]["id"], description=f"key {n}")
    token = sim.issue_token(users[0]["id"])
    async with api(sim, {"Authorization": f"Bearer {token}"}) as client:
        keys, pages = await walk(client, f"/v2/orgs/{ORG_ID}/keys")
        mine = await client.get(f"/v2/users/{users[3]['id']}/keys")
    assert len(keys) == 50 and pages == 8
    assert Counter(k["owned_by"] for k in keys) == {u["id"]: 10 for u in users}
    # The seed's user key list has no "next": all of a user's keys at once.
    assert set(mine.json()) == {"resources"} and len(mine.json()["resources"]) == 10


@pytest.mark.parametrize("token", ["garbage!", "dXNlcnN8Mg", "ZGF0YWJhc2VzfDA"])
async def test_bad_next_token_is_invalid_parameter(sim: FeatureBaseSimulator, token: str) -> None:
    # "dXNlcnN8Mg" is the users list's token; "ZGF0YWJhc2VzfDA" points at offset 0.
    async with api(sim) as client:
        response = await client.get("/v2/databases", params={"next": token})
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameter"


async def test_backups_page_with_the_continuation_key(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, page_size=2)
    async with api(sim) as client:
        first = (await client.get(f"/v2/databases/{ANALYTICS_PROD}/backups")).json()
        backups, pages = await walk(
            client,
            f"/v2/databases/{ANALYTICS_PROD}/backups",
            token_key="continuation",
            body_key="backups",
        )
        gcp = (await client.get(f"/v2/databases/{GCP_DB}/backups")).json()
    assert set(first) == {"continuation", "backups"} and first["continuation"]
    assert len(backups) == 3 and pages == 2
    backup = backups[0]
    assert set(backup) == {"org_id", "deployment_id", "url", "timestamp", "size", "storage_class"}
    assert backup["deployment_id"] == ANALYTICS_PROD
    assert backup["url"] == (
        f"s3://database-backups-20230117171601968300000001/backups/"
        f"{ORG_ID}/{ANALYTICS_PROD}/2026-03-01T04:00:30.000000.tar.gz"
    )
    assert gcp == {"continuation": "", "backups": []}  # backups are AWS-only


# --------------------------------------------------------------------- databases
async def test_unknown_ids_and_paths_answer_vendor_404s(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        database = await client.get("/v2/databases/db000000-0000-4000-8000-000000000099")
        path = await client.get("/v2/nothing-here")
        method = await client.post(f"/v2/databases/{ANALYTICS_PROD}")
    assert database.status_code == 404
    assert database.json() == {
        "code": "ResourceNotFound",
        "message": "Database 'db000000-0000-4000-8000-000000000099' not found.",
    }
    assert path.status_code == 404 and path.json()["code"] == "ResourceNotFound"
    assert method.status_code == 405 and method.json()["code"] == "MethodNotAllowed"


async def test_create_database_answers_201_creating(sim: FeatureBaseSimulator) -> None:
    body = {"name": "example-database", "database_options": {"shape": "8GB"}}
    async with api(sim) as client:
        created = await client.post("/v2/databases", json=body)
        fetched = await client.get(f"/v2/databases/{created.json()['id']}")
    assert created.status_code == 201
    database = created.json()
    assert database["database_status"] == "CREATING"
    assert database["database_options"] == {"shape": "8GB"}
    assert database["owned_by"] == database["created_by"] == PETER
    assert database["org_id"] == ORG_ID and database["created_at"] == "2026-04-01T12:00:00Z"
    assert fetched.json() == database
    sim.settle()
    assert sim.state.databases[database["id"]]["database_status"] == "RUNNING"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"name": "analytics-prod", "database_options": {"shape": "8GB"}},
            409,
            "ResourceAlreadyExists",
        ),
        ({"name": "x", "database_options": {"shape": "4GB"}}, 400, "RelatedResourceNotFound"),
        (
            {"name": "x", "database_options": {"shape": "8GB"}, "region": "us-east-2"},
            400,
            "InvalidBody",
        ),
        ({"database_options": {"shape": "8GB"}}, 400, "MissingParameter"),
        ({"name": "x", "database_options": {}}, 400, "MissingParameter"),
        ([1, 2], 400, "InvalidBody"),
    ],
)
async def test_create_database_rejects_bad_bodies(
    sim: FeatureBaseSimulator, body: Any, status: int, code: str
) -> None:
    async with api(sim) as client:
        response = await client.post("/v2/databases", json=body)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["message"]


async def test_create_database_content_checks(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        broken = await client.post(
            "/v2/databases", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        text = await client.post(
            "/v2/databases", content=b"name=x", headers={"Content-Type": "text/plain"}
        )
        full_name = await client.post(
            "/v2/databases", json={"name": "y", "database_options": {"shape": "32gb-aws:us-east-2"}}
        )
    assert broken.json()["code"] == "InvalidBody"
    assert text.json()["code"] == "InvalidContentType"
    assert full_name.status_code == 201


async def test_viewers_cannot_create_databases(sim: FeatureBaseSimulator) -> None:
    async with api(sim, VIEWER_KEY) as client:
        response = await client.post(
            "/v2/databases", json={"name": "x", "database_options": {"shape": "8GB"}}
        )
    assert response.status_code == 403


async def test_patch_then_delete_database(sim: FeatureBaseSimulator) -> None:
    path = f"/v2/databases/{ANALYTICS_PROD}"
    async with api(sim) as client:
        patched = await client.patch(path, json={"name": "analytics", "owned_by": BILL})
        bad_owner = await client.patch(path, json={"owned_by": "nobody"})
        deleted = await client.delete(path)
        after = await client.get(path)
        again = await client.delete(path)
    assert patched.status_code == 200
    assert patched.json()["name"] == "analytics" and patched.json()["owned_by"] == BILL
    assert patched.json()["updated_by"] == PETER
    assert bad_owner.json()["code"] == "RelatedResourceNotFound"
    assert deleted.status_code == 202 and deleted.content == b""
    assert after.json()["database_status"] == "DELETING"
    assert again.status_code == 409 and again.json()["code"] == "IncorrectState"
    sim.settle()
    assert sim.state.databases[ANALYTICS_PROD]["database_status"] == "DELETED"


async def test_stop_and_start_database(sim: FeatureBaseSimulator) -> None:
    stop, start = (f"/v2/databases/{ANALYTICS_PROD}/action/{a}" for a in ("stop", "start"))
    async with api(sim) as client:
        stopped = await client.put(stop)
        sim.settle()
        twice = await client.put(stop)
        started = await client.put(start)
        gcp = await client.put(f"/v2/databases/{GCP_DB}/action/stop")
        async with api(sim, DBADMIN_KEY) as admin:
            forbidden = await admin.put(stop)
    assert stopped.status_code == 200 and stopped.json()["database_status"] == "UPDATING"
    assert twice.status_code == 409 and twice.json()["code"] == "IncorrectState"
    assert started.status_code == 200
    assert gcp.status_code == 501 and gcp.json()["code"] == "NotImplemented"
    assert forbidden.status_code == 403


# --------------------------------------------------------------- org, users, roles
async def test_org_keeps_the_seed_field_spelling(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        org = await client.get(f"/v2/orgs/{ORG_ID}")
        patched = await client.patch(
            f"/v2/orgs/{ORG_ID}",
            json={"name": "Initech", "tech_contact_emali": "it@initech.example"},
        )
        misspelt = await client.patch(
            f"/v2/orgs/{ORG_ID}", json={"tech_contact_email": "it@initech.example"}
        )
        other = await client.get("/v2/orgs/0e9a0000-0000-4000-8000-000000000002")
        user = await client.get(f"/v2/users/{SAMIR}")
    assert set(org.json()) == {
        "id",
        "name",
        "company_name",
        "address",
        "tech_contact_emali",
        "billing_contact_emali",
        "org_type",
        "created_at",
        "updated_at",
        "updated_by",
    }
    assert patched.status_code == 200 and patched.json()["tech_contact_emali"] == (
        "it@initech.example"
    )
    assert misspelt.status_code == 400 and misspelt.json()["code"] == "InvalidBody"
    assert other.status_code == 403
    assert user.json()["org_name"] == "Initech"


async def test_users_and_roles(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        users = (await client.get("/v2/users")).json()
        created = await client.post("/v2/users", json={"firstname": "Tom", "lastname": "Smykowski"})
        uid = created.json()["id"]
        granted = await client.post(f"/v2/users/{uid}/roles", json={"rolenames": ["Viewer"]})
        unknown_role = await client.post(f"/v2/users/{uid}/roles", json={"rolenames": ["Bob"]})
        updated = await client.patch(f"/v2/users/{uid}", json={"status": "Inactive"})
        missing = await client.get("/v2/users/05e10000-0000-4000-8000-000000000099")
    assert users["next"] == "" and len(users["resources"]) == 5
    assert set(users["resources"][0]) == {
        "id",
        "org_id",
        "org_name",
        "idp_id",
        "username",
        "firstname",
        "lastname",
        "status",
        "acl",
        "roles",
        "primary_email",
        "created_at",
        "updated_at",
        "updated_by",
    }
    assert created.status_code == 201
    assert created.json()["username"] == "tom.smykowski@initech.example"
    assert granted.status_code == 201
    assert granted.json() == {"user_id": uid, "org_id": ORG_ID, "rolenames": ["Viewer"]}
    assert sim.state.users[uid]["acl"] == ["VIEW_ORG:*"]
    assert unknown_role.json()["code"] == "RelatedResourceNotFound"
    assert updated.status_code == 202 and updated.json()["status"] == "Inactive"
    assert missing.status_code == 404


async def test_roles_crud(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        listed = (await client.get("/v2/roles")).json()
        created = await client.post("/v2/roles", json={"rolename": "Auditor", "acl": ["READ"]})
        duplicate = await client.post("/v2/roles", json={"rolename": "Auditor", "acl": []})
        owner = await client.get("/v2/roles/Org Owner")
        patched = await client.patch("/v2/roles/Auditor", json={"acl": ["READ", "AUDIT"]})
        deleted = await client.delete("/v2/roles/Auditor")
        keep_owner = await client.delete("/v2/roles/Org Owner")
    assert [r["rolename"] for r in listed["resources"]] == ["Org Owner", "Database Admin", "Viewer"]
    assert created.status_code == 201
    assert created.json() == {"rolename": "Auditor", "org_id": ORG_ID, "acl": ["READ"]}
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "ResourceAlreadyExists"
    assert owner.json()["acl"] == ["MANAGE_ORG:*"]
    assert patched.status_code == 202 and patched.json()["acl"] == ["READ", "AUDIT"]
    assert deleted.status_code == 202 and "Auditor" not in sim.state.roles
    assert keep_owner.status_code == 409


async def test_invites_are_for_org_owners(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        listed = (await client.get("/v2/invites")).json()
        created = await client.post("/v2/invites", json={"email": "nina@initech.example"})
        duplicate = await client.post("/v2/invites", json={"email": "nina@initech.example"})
        accepted = await client.patch(
            f"/v2/invites/{created.json()['id']}", json={"accepted": True}
        )
    async with api(sim, VIEWER_KEY) as viewer:
        forbidden = await viewer.get("/v2/invites")
    assert len(listed["resources"]) == 2 and listed["next"] == ""
    invite = created.json()
    assert created.status_code == 201
    assert invite["accepted"] is False and invite["move_org"] is False
    assert invite["org_name"] == "Initech FeatureBase"
    assert invite["date_expiry"] == "2026-04-08T12:00:00Z"
    assert duplicate.status_code == 409
    assert accepted.status_code == 200 and accepted.json()["accepted"] is True
    assert forbidden.status_code == 403 and sim.log.entries[-1].identity == (
        "ae000000-0000-4000-8000-000000000005"
    )


async def test_shapes_list_and_lookup(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        shapes = (await client.get("/v2/shapes")).json()
        shape = (await client.get("/v2/shapes/32gb-aws:us-east-2")).json()
        missing = await client.get("/v2/shapes/1tb-aws:us-east-2")
    assert set(shapes) == {"shapes"} and len(shapes["shapes"]) == 4
    assert shape["vendor"] == "AWS" and shape["region"] == "us-east-2"
    assert shape["metadata"]["hourly_rate_info"] == "0.65"
    assert shape["properties"]["node_count"] == 3
    assert shape["properties"]["compute"] == {"arch": "arm64", "instance_type": "r7g.large"}
    assert missing.status_code == 404


# ------------------------------------------------------------- log and faults
async def test_log_records_method_path_query_identity_status(sim: FeatureBaseSimulator) -> None:
    async with api(sim) as client:
        await client.get("/v2/databases", params={"next": ""})
        await client.get(f"/v2/databases/{ANALYTICS_PROD}")
    async with api(sim, VIEWER_KEY) as client:
        await client.get(f"/v2/users/{MILTON}")
    assert [(e.method, e.path, e.query, e.identity, e.status) for e in sim.log.entries] == [
        ("GET", "/v2/databases", "next=", DEMO_KEY_ID, 200),
        ("GET", f"/v2/databases/{ANALYTICS_PROD}", "", DEMO_KEY_ID, 200),
        ("GET", f"/v2/users/{MILTON}", "", "ae000000-0000-4000-8000-000000000005", 200),
    ]
    assert sim.log.count("GET", "/v2/databases.*") == 2


async def test_injected_faults_use_the_vendor_error_form(sim: FeatureBaseSimulator) -> None:
    sim.faults.add(503, path="/v2/databases", method="GET")
    sim.faults.add(429, path="/v2/shapes", headers={"X-Sim": "1"})
    async with api(sim) as client:
        failed = await client.get("/v2/databases")
        recovered = await client.get("/v2/databases")
        limited = await client.get("/v2/shapes")
    assert failed.status_code == 503
    assert failed.json() == {"code": "ServiceUnavailable", "message": "injected fault"}
    assert recovered.status_code == 200
    assert limited.status_code == 429 and limited.headers["X-Sim"] == "1"
    assert limited.json()["code"] == "TooManyRequests"
    assert [e.status for e in sim.log.entries] == [503, 200, 429]


async def test_identity_faults_use_the_cognito_form(sim: FeatureBaseSimulator) -> None:
    sim.identity_faults.add(500)
    async with identity(sim) as client:
        response = await client.post("/", json={"USERNAME": "a", "PASSWORD": "b"})
    assert response.status_code == 500
    assert response.json() == {"__type": "InternalErrorException", "message": "injected fault"}
    assert sim.identity_log.count("POST", "/") == 1
    assert await login(sim)  # the fault was used up


def test_demo_accounts_match_the_seed() -> None:
    sim = FeatureBaseSimulator()
    user = sim.state.users[PETER]
    assert DEMO_ACCOUNTS["demo-user"]["username"] == user["username"]
    assert sim.state.passwords[user["username"]] == DEMO_ACCOUNTS["demo-user"]["password"]
    assert sim.secret_for(DEMO_KEY_ID) == DEMO_ACCOUNTS["demo-key"]["api_key"]
    assert seed_data.DEMO_ACCOUNTS is DEMO_ACCOUNTS
