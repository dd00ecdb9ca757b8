"""The DBaaS simulator answers as the vendor docs (seed + notes) describe."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from adapters.dbaas.sim.seed_data import DEMO_ACCOUNTS
from adapters.dbaas.sim.simulator import DBaaSSimulator

BASE = "http://dbaas.internal:8000"
ADMIN = (DEMO_ACCOUNTS["admin"]["username"], DEMO_ACCOUNTS["admin"]["password"])
FROZEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def make_client(
    sim: DBaaSSimulator, base_url: str = BASE, auth: tuple[str, str] | None = ADMIN
) -> httpx.AsyncClient:
    """A client that talks to the simulator in-process."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url=base_url, auth=auth
    )


@pytest.fixture
def sim() -> DBaaSSimulator:
    simulator = DBaaSSimulator()
    simulator.clock = lambda: FROZEN
    return simulator


@pytest.fixture
async def client(sim: DBaaSSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(sim) as c:
        yield c


# ----- authentication ---------------------------------------------------------------------


async def test_missing_credentials_is_401_with_challenge(sim: DBaaSSimulator) -> None:
    async with make_client(sim, auth=None) as anon:
        response = await anon.get("/api/database/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response.headers["WWW-Authenticate"] == 'Basic realm="api"'


async def test_wrong_password_and_unknown_user_are_401(sim: DBaaSSimulator) -> None:
    for auth in [("admin", "wrong"), ("nobody", "123456")]:
        async with make_client(sim, auth=auth) as bad:
            response = await bad.get("/api/plan/")
        assert response.status_code == 401
        assert response.json() == {"detail": "Invalid username/password"}


async def test_non_basic_scheme_counts_as_no_credentials(sim: DBaaSSimulator) -> None:
    async with make_client(sim, auth=None) as anon:
        response = await anon.get("/api/plan/", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided."


async def test_read_only_account_gets_403_on_writes(sim: DBaaSSimulator) -> None:
    sim.state.accounts["viewer"] = {"username": "viewer", "password": "pw", "role": "read_only"}
    async with make_client(sim, auth=("viewer", "pw")) as viewer:
        assert (await viewer.get("/api/database/")).status_code == 200
        response = await viewer.delete("/api/database/1/")
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert sim.state.databases[1]["quarantine_dt"] is None


# ----- lists and pagination -----------------------------------------------------------------


async def test_database_list_envelope_matches_seed(client: httpx.AsyncClient) -> None:
    body = (await client.get("/api/database/")).json()
    assert list(body) == ["_links", "database"]
    assert body["_links"] == {
        "count": 6,
        "self": f"{BASE}/api/database/",
        "previous": None,
        "next": None,
    }
    assert body["database"][0] == {
        "_links": {"self": f"{BASE}/api/database/1/"},
        "id": 1,
        "name": "my_first_database",
        "endpoint": "mongodb://<user>:<password>@127.0.0.1:27017/my_first_database",
        "plan": f"{BASE}/api/plan/1/",
        "environment": f"{BASE}/api/environment/1/",
        "project": None,
        "quarantine_dt": None,
        "total_size_in_bytes": 0,
        "used_size_in_bytes": 17064,
        "credentials": [f"{BASE}/api/credential/1/", f"{BASE}/api/credential/7/"],
    }
    names = [d["name"] for d in body["database"]]
    assert names == [
        "my_first_database",
        "orders",
        "session_cache",
        "events",
        "reporting",
        "legacy_catalog",
    ]
    # Some records carry the optional fields the notes list; one is quarantined.
    assert body["database"][1]["status"] == 1 and body["database"][1]["engine"] == "mysql 8.0"
    assert body["database"][5]["quarantine_dt"] == "2024-02-29T18:45:12Z"


@pytest.mark.parametrize("resource", ["database", "credential", "plan", "environment", "project"])
async def test_every_list_is_keyed_by_resource_name(
    client: httpx.AsyncClient, resource: str
) -> None:
    body = (await client.get(f"/api/{resource}/")).json()
    assert set(body) == {"_links", resource}
    assert set(body["_links"]) == {"count", "self", "previous", "next"}
    assert body["_links"]["count"] == len(body[resource])
    for item in body[resource]:
        assert item["_links"]["self"] == f"{BASE}/api/{resource}/{item['id']}/"


async def test_pagination_follows_absolute_next_links(client: httpx.AsyncClient) -> None:
    url: str | None = f"{BASE}/api/database/?page_size=2"
    ids: list[int] = []
    previous_links: list[str | None] = []
    while url is not None:
        assert url.startswith(f"{BASE}/")
        body = (await client.get(url)).json()
        assert body["_links"]["count"] == 6
        ids += [d["id"] for d in body["database"]]
        previous_links.append(body["_links"]["previous"])
        url = body["_links"]["next"]
    assert ids == [1, 2, 3, 4, 5, 6]
    # DRF's link back to page 1 drops the page parameter.
    assert previous_links == [
        None,
        f"{BASE}/api/database/?page_size=2",
        f"{BASE}/api/database/?page=2&page_size=2",
    ]


async def test_default_page_size_and_cap(sim: DBaaSSimulator, client: httpx.AsyncClient) -> None:
    for i in range(20):  # 20 databases on 2 plans
        sim.add_database(f"bulk_{i:02d}", plan=1 + i % 2, environment=1)
    first = (await client.get("/api/database/")).json()
    assert len(first["database"]) == 10
    assert first["_links"]["next"] == f"{BASE}/api/database/?page=2"
    for i in range(100):
        sim.add_database(f"more_{i:03d}", plan=1, environment=2, with_credential=False)
    capped = (await client.get("/api/database/", params={"page_size": 500})).json()
    assert len(capped["database"]) == 100 and capped["_links"]["count"] == 126
    fallback = (await client.get("/api/database/", params={"page_size": "x"})).json()
    assert len(fallback["database"]) == 10
    last = (await client.get("/api/database/", params={"page": "last"})).json()
    assert last["_links"]["next"] is None and len(last["database"]) == 6


async def test_constructor_page_size(sim: DBaaSSimulator) -> None:
    small = DBaaSSimulator(page_size=4)
    async with make_client(small) as c:
        body = (await c.get("/api/credential/")).json()
    assert len(body["credential"]) == 4 and body["_links"]["count"] == 10


@pytest.mark.parametrize("page", ["0", "3", "abc", "-1"])
async def test_bad_page_is_404(client: httpx.AsyncClient, page: str) -> None:
    response = await client.get("/api/database/", params={"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


async def test_empty_list_has_one_valid_page() -> None:
    empty = DBaaSSimulator(seed=False)
    async with make_client(empty) as c:
        body = (await c.get("/api/database/")).json()
    assert body == {
        "_links": {"count": 0, "self": f"{BASE}/api/database/", "previous": None, "next": None},
        "database": [],
    }


@pytest.mark.parametrize("base_url", ["http://dbaas.internal:8000", "https://api.example.com"])
async def test_links_use_the_host_the_client_called(sim: DBaaSSimulator, base_url: str) -> None:
    async with make_client(sim, base_url=base_url) as c:
        db = (await c.get("/api/database/1/")).json()
        page = (await c.get("/api/credential/?page_size=3")).json()
        plan = (await c.get("/api/plan/1/")).json()
    links = [
        db["_links"]["self"],
        db["plan"],
        db["environment"],
        *db["credentials"],
        page["_links"]["self"],
        page["_links"]["next"],
        plan["environments"][0]["url"],
    ]
    assert all(link.startswith(f"{base_url}/api/") for link in links), links


# ----- credentials and passwords -----------------------------------------------------------


async def test_password_only_on_retrieve_create_and_reset(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/api/credential/")).json()["credential"]
    assert listed[0] == {
        "_links": {"self": f"{BASE}/api/credential/1/"},
        "id": 1,
        "user": "u_my_first_database",
        "database": f"{BASE}/api/database/1/",
    }
    assert all("password" not in c for c in listed)

    one = (await client.get("/api/credential/1/")).json()
    assert one["password"] == "26WcA33q6F"

    created = await client.post(
        "/api/credential/", json={"user": "u_myusr1", "database": "/api/database/1/"}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["id"] == 11 and body["user"] == "u_myusr1" and len(body["password"]) == 10
    assert body["database"] == f"{BASE}/api/database/1/"
    db = (await client.get("/api/database/1/")).json()
    assert db["credentials"][-1] == f"{BASE}/api/credential/11/"

    # curl -d '' sends an empty form body; it is ignored.
    reset = await client.post(
        "/api/credential/1/reset_password/",
        content=b"",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert reset.status_code == 200
    assert set(reset.json()) == {"_links", "id", "user", "database", "password"}
    assert reset.json()["password"] != "26WcA33q6F"
    assert (await client.get("/api/credential/1/")).json()["password"] == reset.json()["password"]


async def test_credential_errors_and_delete(client: httpx.AsyncClient) -> None:
    missing = await client.post("/api/credential/", json={})
    assert missing.status_code == 400
    assert missing.json() == {
        "user": ["This field is required."],
        "database": ["This field is required."],
    }
    dup = await client.post(
        "/api/credential/", json={"user": "u_readonly", "database": "/api/database/1/"}
    )
    assert dup.status_code == 400 and list(dup.json()) == ["__all__"]
    assert dup.json()["__all__"][0].endswith("already exists.")
    gone = await client.post(
        "/api/credential/", json={"user": "u_x", "database": "/api/database/99/"}
    )
    assert gone.json() == {"database": ["Invalid hyperlink - Object does not exist."]}

    deleted = await client.delete("/api/credential/7/")
    assert deleted.status_code == 204 and deleted.content == b""
    assert (await client.get("/api/credential/7/")).status_code == 404
    db = (await client.get("/api/database/1/")).json()
    assert db["credentials"] == [f"{BASE}/api/credential/1/"]


# ----- databases ------------------------------------------------------------------------------


async def test_create_database_as_in_the_seed(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/database/",
        json={
            "name": "test database2",
            "plan": "/api/plan/1/",
            "environment": "/api/environment/1/",
        },
    )
    assert response.status_code == 201
    assert response.json() == {
        "_links": {"self": f"{BASE}/api/database/7/"},
        "id": 7,
        "name": "test_database2",
        "endpoint": "mongodb://<user>:<password>@127.0.0.1:27017/test_database2",
        "plan": f"{BASE}/api/plan/1/",
        "environment": f"{BASE}/api/environment/1/",
        "project": None,
        "quarantine_dt": None,
        "total_size_in_bytes": 0,
        "used_size_in_bytes": 16924,
        "credentials": [f"{BASE}/api/credential/11/"],
        # the notes' optional status, which the seed's example lacks: 2 is initializing
        "status": 2,
    }
    cred = (await client.get("/api/credential/11/")).json()
    assert cred["user"] == "u_test_database2" and len(cred["password"]) == 10


async def test_create_accepts_absolute_urls_from_any_host_and_form_bodies(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/api/database/",
        json={
            "name": "orders_copy",
            "plan": "http://localhost:8000/api/plan/2/",
            "environment": f"{BASE}/api/environment/2/",
            "project": "/api/project/1/",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["endpoint"].startswith("mysql://") and body["project"] == f"{BASE}/api/project/1/"
    form = await client.post(
        "/api/database/",
        data={
            "name": "from_curl",
            "plan": "/api/plan/1/",
            "environment": "/api/environment/1/",
        },
    )
    assert form.status_code == 201 and form.json()["name"] == "from_curl"


async def test_create_database_validation(client: httpx.AsyncClient) -> None:
    missing = await client.post("/api/database/", json={"name": "x"})
    assert missing.status_code == 400
    assert missing.json() == {
        "plan": ["This field is required."],
        "environment": ["This field is required."],
    }
    assert (await client.post("/api/database/", json={})).json() == {
        "name": ["This field is required."],
        "plan": ["This field is required."],
        "environment": ["This field is required."],
    }
    dup = await client.post(
        "/api/database/",
        json={
            "name": "my_first_database",
            "plan": "/api/plan/1/",
            "environment": "/api/environment/1/",
        },
    )
    assert dup.status_code == 400
    assert dup.json() == {"__all__": ["Database with this Name and Environment already exists."]}
    wrong = await client.post(
        "/api/database/",
        json={
            "name": "y",
            "plan": "/api/environment/1/",
            "environment": "/api/environment/9/",
        },
    )
    assert wrong.json() == {
        "plan": ["Invalid hyperlink - Incorrect URL match."],
        "environment": ["Invalid hyperlink - Object does not exist."],
    }
    inactive = await client.post(
        "/api/database/",
        json={
            "name": "z",
            "plan": "/api/plan/4/",
            "environment": "/api/environment/2/",
        },
    )
    assert inactive.status_code == 400 and list(inactive.json()) == ["plan"]
    redis_prod = await client.post(
        "/api/database/",
        json={
            "name": "z",
            "plan": "/api/plan/3/",
            "environment": "/api/environment/2/",
        },
    )
    assert redis_prod.status_code == 400 and list(redis_prod.json()) == ["environment"]
    bad_json = await client.post(
        "/api/database/", content=b"{", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400 and "detail" in bad_json.json()


async def test_delete_quarantines_then_deletes(
    sim: DBaaSSimulator, client: httpx.AsyncClient
) -> None:
    before = {c: sim.state.credentials[c]["password"] for c in (1, 7)}
    first = await client.delete("/api/database/1/")
    assert first.status_code == 204 and first.content == b""
    db = (await client.get("/api/database/1/")).json()
    assert db["quarantine_dt"] == "2025-01-02T03:04:05Z"
    after = {c: (await client.get(f"/api/credential/{c}/")).json()["password"] for c in (1, 7)}
    assert all(after[c] != before[c] for c in before)

    second = await client.delete("/api/database/1/")
    assert second.status_code == 204
    gone = await client.get("/api/database/1/")
    assert gone.status_code == 404
    assert gone.json() == {"_links": {"self": f"{BASE}/api/database/1/"}, "detail": "Not found"}
    assert (await client.get("/api/credential/1/")).status_code == 404
    listing = (await client.get("/api/database/")).json()
    assert listing["_links"]["count"] == 5


async def test_already_quarantined_database_is_deleted_at_once(client: httpx.AsyncClient) -> None:
    assert (await client.delete("/api/database/6/")).status_code == 204
    assert (await client.get("/api/database/6/")).status_code == 404


async def test_update_database(client: httpx.AsyncClient) -> None:
    patched = await client.patch(
        "/api/database/2/",
        json={"project": "/api/project/2/", "quarantine_dt": "2025-03-01T10:00:00+00:00"},
    )
    assert patched.status_code == 200
    assert patched.json()["project"] == f"{BASE}/api/project/2/"
    assert patched.json()["quarantine_dt"] == "2025-03-01T10:00:00Z"
    released = await client.patch("/api/database/2/", json={"quarantine_dt": None, "project": None})
    assert released.json()["quarantine_dt"] is None and released.json()["project"] is None

    renamed = await client.patch("/api/database/2/", json={"name": "other"})
    assert renamed.status_code == 400
    assert renamed.json() == {"name": ["This field cannot be changed after creation."]}

    current = (await client.get("/api/database/3/")).json()
    put = await client.put(
        "/api/database/3/",
        json={
            "name": current["name"],
            "plan": current["plan"],
            "environment": current["environment"],
            "project": None,
        },
    )
    assert put.status_code == 200 and put.json()["project"] is None
    partial_put = await client.put("/api/database/3/", json={"project": None})
    assert partial_put.status_code == 400 and set(partial_put.json()) == {
        "name",
        "plan",
        "environment",
    }


# ----- plans, environments, projects ----------------------------------------------------------


async def test_plan_and_environment_shapes(client: httpx.AsyncClient) -> None:
    plan = (await client.get("/api/plan/1/")).json()
    assert plan == {
        "_links": {"self": f"{BASE}/api/plan/1/"},
        "id": 1,
        "name": "mongodb_small",
        "description": "MongoDB single instance, 1 GB",
        "is_active": True,
        "engine": "mongodb",
        "environments": [
            {
                "url": f"{BASE}/api/environment/1/",
                "id": 1,
                "name": "dev",
                "stage": 1,
                "provisioner": 2,
            },
            {
                "url": f"{BASE}/api/environment/2/",
                "id": 2,
                "name": "prod",
                "stage": 2,
                "provisioner": 1,
            },
        ],
    }
    plans = (await client.get("/api/plan/")).json()["plan"]
    assert [(p["engine"], p["is_active"]) for p in plans] == [
        ("mongodb", True),
        ("mysql", True),
        ("redis", True),
        ("mongodb", False),
    ]
    env = (await client.get("/api/environment/2/")).json()
    assert env == {
        "_links": {"self": f"{BASE}/api/environment/2/"},
        "id": 2,
        "name": "prod",
        "stage": 2,
        "provisioner": 1,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/plan/"),
        ("PUT", "/api/plan/1/"),
        ("PATCH", "/api/plan/1/"),
        ("DELETE", "/api/plan/1/"),
        ("POST", "/api/environment/"),
        ("DELETE", "/api/environment/1/"),
        ("PUT", "/api/credential/1/"),
        ("GET", "/api/credential/1/reset_password/"),
        ("TRACE", "/api/database/"),
    ],
)
async def test_read_only_routes_answer_405(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path, json={})
    assert response.status_code == 405
    assert response.json() == {"detail": f"Method '{method}' not allowed."}
    assert "OPTIONS" in response.headers["Allow"]


async def test_project_crud(sim: DBaaSSimulator, client: httpx.AsyncClient) -> None:
    created = await client.post("/api/project/", json={"name": "search"})
    assert created.status_code == 201
    assert created.json() == {
        "_links": {"self": f"{BASE}/api/project/3/"},
        "id": 3,
        "name": "search",
    }
    dup = await client.post("/api/project/", json={"name": "search"})
    assert dup.status_code == 400 and list(dup.json()) == ["name"]
    assert (await client.post("/api/project/", json={"name": " "})).json() == {
        "name": ["This field may not be blank."]
    }
    renamed = await client.put("/api/project/3/", json={"name": "search2"})
    assert renamed.json()["name"] == "search2"
    assert (await client.patch("/api/project/3/", json={})).json()["name"] == "search2"

    # Deleting a project leaves its databases without one.
    assert (await client.delete("/api/project/2/")).status_code == 204
    assert (await client.get("/api/project/2/")).status_code == 404
    assert (await client.get("/api/database/4/")).json()["project"] is None
    assert sim.state.databases[5]["project"] is None


# ----- routing, log, faults, determinism ------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/database/99/", "/api/database/abc/", "/api/plan/0/"])
async def test_unknown_ids_are_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json() == {"_links": {"self": f"{BASE}{path}"}, "detail": "Not found"}


async def test_missing_trailing_slash_redirects_and_unknown_route_404s(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/api/database", json={})
    assert response.status_code == 301
    assert response.headers["location"] == f"{BASE}/api/database/"
    assert (await client.get("/api/databases/")).status_code == 404


async def test_request_log_records_identity_and_status(
    sim: DBaaSSimulator, client: httpx.AsyncClient
) -> None:
    await client.get("/api/database/", params={"page": 1})
    async with make_client(sim, auth=None) as anon:
        await anon.get("/api/plan/")
    first, second = sim.log.entries
    assert (first.method, first.path, first.query, first.identity, first.status) == (
        "GET",
        "/api/database/",
        "page=1",
        "admin",
        200,
    )
    assert (second.identity, second.status) == (None, 401)
    assert sim.log.count("GET", r"/api/(database|plan)/") == 2


async def test_fault_injection(sim: DBaaSSimulator, client: httpx.AsyncClient) -> None:
    sim.faults.add(503, path=r"/api/database/\d+/", method="GET", message="upstream down")
    failed = await client.get("/api/database/1/")
    assert failed.status_code == 503 and failed.json() == {"detail": "upstream down"}
    assert (await client.get("/api/database/1/")).status_code == 200
    assert [e.status for e in sim.log.entries] == [503, 200]


async def test_generated_passwords_are_deterministic() -> None:
    passwords = []
    for _ in range(2):
        fresh = DBaaSSimulator()
        async with make_client(fresh) as c:
            body = (
                await c.post(
                    "/api/credential/", json={"user": "u_a", "database": "/api/database/2/"}
                )
            ).json()
        passwords.append(body["password"])
    assert passwords[0] == passwords[1]


def test_builders_return_stored_records() -> None:
    sim = DBaaSSimulator(seed=False)
    env = sim.add_environment("qa", stage=1)
    plan = sim.add_plan("p", engine="redis", environments=[env["id"]])
    db = sim.add_database("cache", plan=plan["id"], environment=env["id"])
    assert sim.state.databases[db["id"]] is db
    assert [c["user"] for c in sim.state.credentials_of(db["id"])] == ["u_cache"]
    with pytest.raises(ValueError):
        sim.add_database("x", plan=99, environment=env["id"])
