"""The ClickHouse Cloud simulator, specified from the vendor docs.

Every test drives the simulator over real HTTP (httpx.ASGITransport). Time is pinned: the
wall clock for timestamps and key expiry, and a fake monotonic clock for the rate limit.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from adapters.clickhouse.sim import seed_data as sd
from adapters.clickhouse.sim.simulator import DEMO_ACCOUNTS, SEED_CREDENTIALS, ClickHouseSimulator

BASE_URL = "https://api.clickhouse.cloud"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ACME = sd.seed_uuid("organization", "acme")
GLOBEX = sd.seed_uuid("organization", "globex")
ACME_PROD = sd.seed_uuid("service", "acme", "Acme Production")  # running, production, aws
ACME_STAGING = sd.seed_uuid("service", "acme", "Acme Staging")  # stopped, production, aws
ACME_SANDBOX = sd.seed_uuid("service", "acme", "Acme Sandbox")  # idle, development, gcp
ACME_ORG = f"/v1/organizations/{ACME}"
PROD = f"{ACME_ORG}/services/{ACME_PROD}"
MISSING = "00000000-0000-4000-8000-000000000000"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_sim(**kwargs: Any) -> ClickHouseSimulator:
    sim = ClickHouseSimulator(**kwargs)
    sim.wall_clock = lambda: NOW
    return sim


def client(sim: ClickHouseSimulator, key: str = "acme admin") -> httpx.AsyncClient:
    credentials = SEED_CREDENTIALS[key]
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url=BASE_URL,
        auth=(credentials["key_id"], credentials["key_secret"]),
    )


@pytest.fixture
def sim() -> ClickHouseSimulator:
    return make_sim()


@pytest.fixture
async def acme(sim: ClickHouseSimulator) -> AsyncIterator[httpx.AsyncClient]:
    async with client(sim) as http:
        yield http


def assert_error(response: httpx.Response, status: int, text: str = "") -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"status", "error", "requestId"}
    assert body["status"] == status
    assert re.fullmatch(r"[0-9a-f-]{36}", body["requestId"])
    assert text.lower() in body["error"].lower()


# --- seed ------------------------------------------------------------------------------------


def test_seed_covers_every_service_state_with_openapi_tiers_and_matching_regions() -> None:
    sim = make_sim()
    services = [s for org in sim.state.organizations.values() for s in org.services.values()]
    assert {s["state"] for s in services} == set(sd.SERVICE_STATES)
    assert {s["tier"] for s in services} <= set(sd.OPENAPI_TIERS)
    assert {s["provider"] for s in services} == {"aws", "gcp", "azure"}
    assert all(s["region"] in sd.PROVIDER_REGIONS[s["provider"]] for s in services)
    backups = [b for org in sim.state.organizations.values() for b in org.backups.values()]
    assert {b["status"] for b in backups} == {"done", "error", "in_progress"}
    assert [o.organization["name"] for o in sim.state.organizations.values()] == [
        "Acme Analytics",
        "Globex Data",
    ]


def test_seed_is_deterministic() -> None:
    first, second = make_sim(), make_sim()
    assert [o.services for o in first.state.organizations.values()] == [
        o.services for o in second.state.organizations.values()
    ]


@pytest.mark.parametrize(("account", "organization"), [("acme", ACME), ("globex", GLOBEX)])
async def test_each_demo_account_is_an_enabled_admin_key_of_its_organization(
    sim: ClickHouseSimulator, account: str, organization: str
) -> None:
    credentials = DEMO_ACCOUNTS[account]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url=BASE_URL,
        auth=(credentials["key_id"], credentials["key_secret"]),
    ) as http:
        path = f"/v1/organizations/{organization}"
        name = (await http.get(path)).json()["result"]["name"]
        assert (await http.patch(path, json={"name": name})).status_code == 200
    assert set(DEMO_ACCOUNTS) == {"acme", "globex"}


# --- authentication and authorization ------------------------------------------------------


async def test_demo_account_lists_only_its_own_organization(sim: ClickHouseSimulator) -> None:
    async with client(sim, "globex admin") as http:
        response = await http.get("/v1/organizations")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "requestId", "result"}
    assert [org["id"] for org in body["result"]] == [GLOBEX]


@pytest.mark.parametrize("auth", [None, ("AcmeDemoAdminKeyId01", "wrong"), ("nobody", "x")])
async def test_missing_or_wrong_credentials_are_401(
    sim: ClickHouseSimulator, auth: tuple[str, str] | None
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url=BASE_URL, auth=auth
    ) as http:
        assert_error(await http.get("/v1/organizations"), 401)


@pytest.mark.parametrize("header", ["Basic !!!", "Bearer abc", "Basic"])
async def test_malformed_authorization_header_is_401(sim: ClickHouseSimulator, header: str) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url=BASE_URL
    ) as http:
        response = await http.get("/v1/organizations", headers={"Authorization": header})
    assert_error(response, 401)


@pytest.mark.parametrize(
    ("key", "text"), [("acme legacy", "disabled"), ("globex expired", "expired")]
)
async def test_disabled_and_expired_keys_are_401(
    sim: ClickHouseSimulator, key: str, text: str
) -> None:
    async with client(sim, key) as http:
        assert_error(await http.get("/v1/organizations"), 401, text)


async def test_another_organizations_id_is_403(acme: httpx.AsyncClient) -> None:
    assert_error(await acme.get(f"/v1/organizations/{GLOBEX}/services"), 403)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (ACME_ORG, {"name": "Renamed"}),
        (f"{PROD}/backupConfiguration", {"backupRetentionPeriodInHours": 48}),
    ],
)
async def test_developer_keys_cannot_make_admin_only_writes(
    sim: ClickHouseSimulator, path: str, body: dict
) -> None:
    async with client(sim, "acme ci") as http:
        assert_error(await http.patch(path, json=body), 403, "admin")
        assert (await http.get(path)).status_code == 200


async def test_developer_keys_may_make_writes_without_the_admin_note(
    sim: ClickHouseSimulator,
) -> None:
    async with client(sim, "acme ci") as http:
        response = await http.patch(f"{PROD}/state", json={"command": "stop"})
    assert response.status_code == 200
    assert response.json()["result"]["state"] == "stopping"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/organizations/not-a-uuid",
        f"{ACME_ORG}/services/123",
        f"{PROD}/backups/abc",
        f"{ACME_ORG}/keys/x",
        f"{ACME_ORG}/members/x",
        f"{ACME_ORG}/invitations/x",
    ],
)
async def test_malformed_uuid_in_path_is_400(acme: httpx.AsyncClient, path: str) -> None:
    assert_error(await acme.get(path), 400, "uuid")


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/organizations/{MISSING}",
        f"{ACME_ORG}/services/{MISSING}",
        f"{PROD}/backups/{MISSING}",
        f"{ACME_ORG}/keys/{MISSING}",
        f"{ACME_ORG}/members/{MISSING}",
        f"{ACME_ORG}/invitations/{MISSING}",
        f"{ACME_ORG}/activities/no-such-activity",  # activity IDs are plain strings
        f"{ACME_ORG}/services/{sd.seed_uuid('service', 'globex', 'Globex ETL')}",
    ],
)
async def test_unknown_ids_are_404(acme: httpx.AsyncClient, path: str) -> None:
    assert_error(await acme.get(path), 404, "not found")


async def test_unknown_paths_and_methods_answer_with_the_vendor_error_body(
    acme: httpx.AsyncClient,
) -> None:
    assert_error(await acme.get("/v1/nothing"), 404)
    response = await acme.put(ACME_ORG)
    assert_error(response, 405)
    assert "PATCH" in response.headers["allow"]


# --- request log, faults, rate limit ---------------------------------------------------------


async def test_log_records_method_path_query_identity_and_status(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    await acme.get(f"{ACME_ORG}/activities", params={"from_date": "2026-06-01T00:00:00Z"})
    await acme.get(f"/v1/organizations/{GLOBEX}")
    entry, forbidden = sim.log.entries
    assert (entry.method, entry.path, entry.identity, entry.status) == (
        "GET",
        f"{ACME_ORG}/activities",
        "AcmeDemoAdminKeyId01",
        200,
    )
    assert "from_date=" in entry.query
    assert (forbidden.identity, forbidden.status) == ("AcmeDemoAdminKeyId01", 403)
    assert sim.log.count("GET", r"/v1/organizations/[^/]+/activities") == 1


async def test_unauthenticated_requests_are_logged_without_identity(
    sim: ClickHouseSimulator,
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url=BASE_URL
    ) as http:
        await http.get("/v1/organizations")
    assert [(e.identity, e.status) for e in sim.log.entries] == [(None, 401)]


async def test_injected_fault_renders_the_vendor_error_body_once(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    sim.faults.add(503, path=r"/v1/organizations/[^/]+/services", message="upstream down")
    assert_error(await acme.get(f"{ACME_ORG}/services"), 503, "upstream down")
    assert (await acme.get(f"{ACME_ORG}/services")).status_code == 200


async def test_rate_limit_answers_429_with_seconds_until_a_slot_frees() -> None:
    clock = FakeClock()
    sim = make_sim(rate_limit=(3, 10.0), clock=clock)
    async with client(sim) as acme, client(sim, "acme ci") as other:
        for _ in range(3):
            assert (await acme.get("/v1/organizations")).status_code == 200
            clock.now += 1
        limited = await acme.get("/v1/organizations")
        assert_error(limited, 429, "rate limit")
        assert limited.headers["X-RateLimit-Reset"] == "7"  # the first hit leaves at +10s
        assert (await other.get("/v1/organizations")).status_code == 200  # limits are per key
        clock.now += 6.5
        assert (await acme.get("/v1/organizations")).headers["X-RateLimit-Reset"] == "1"
        clock.now += 0.5
        assert (await acme.get("/v1/organizations")).status_code == 200


async def test_rate_limit_is_off_by_default(acme: httpx.AsyncClient) -> None:
    for _ in range(30):
        assert (await acme.get("/v1/organizations")).status_code == 200


# --- write validation ------------------------------------------------------------------------

GOOD_SERVICE = {
    "name": "New Service",
    "provider": "aws",
    "region": "us-east-1",
    "tier": "production",
}
BAD_WRITES = [
    ("POST", "/services", GOOD_SERVICE | {"name": "x" * 51}, "name"),
    ("POST", "/services", GOOD_SERVICE | {"name": "with-hyphen"}, "name"),
    ("POST", "/services", {"name": "No Provider", "region": "us-east-1"}, "provider"),
    ("POST", "/services", GOOD_SERVICE | {"provider": "ibm"}, "provider"),
    ("POST", "/services", GOOD_SERVICE | {"region": "mars-1"}, "region"),
    ("POST", "/services", GOOD_SERVICE | {"region": "europe-west4"}, "not a aws region"),
    ("POST", "/services", GOOD_SERVICE | {"tier": "enterprise"}, "tier"),
    (
        "POST",
        "/services",
        GOOD_SERVICE | {"provider": "azure", "region": "eastus", "tier": "development"},
        "azure",
    ),
    ("POST", "/services", GOOD_SERVICE | {"minTotalMemoryGb": 30}, "multiple of 12"),
    ("POST", "/services", GOOD_SERVICE | {"minTotalMemoryGb": 12}, "between 24 and 720"),
    ("POST", "/services", GOOD_SERVICE | {"maxTotalMemoryGb": 732}, "maxTotalMemoryGb"),
    (
        "POST",
        "/services",
        GOOD_SERVICE | {"minTotalMemoryGb": 96, "maxTotalMemoryGb": 48},
        "must not exceed",
    ),
    (
        "POST",
        "/services",
        GOOD_SERVICE | {"tier": "development", "minTotalMemoryGb": 48},
        "only for 'production'",
    ),
    ("POST", "/services", GOOD_SERVICE | {"numReplicas": 2}, "numReplicas"),
    ("POST", "/services", GOOD_SERVICE | {"numReplicas": 21}, "between 3 and 20"),
    ("POST", "/services", GOOD_SERVICE | {"idleTimeoutMinutes": 4}, ">= 5"),
    ("POST", "/services", GOOD_SERVICE | {"idleScaling": "yes"}, "boolean"),
    ("POST", "/services", GOOD_SERVICE | {"idleTimeoutMinutes": "10"}, "must be a number"),
    ("POST", "/services", GOOD_SERVICE | {"ipAccessList": [{"source": "not-an-ip"}]}, "IPv4"),
    ("POST", "/services", GOOD_SERVICE | {"cloudProvider": "aws"}, "unknown field"),
    ("POST", "/services", GOOD_SERVICE | {"backupId": MISSING}, "no such backup"),
    ("POST", "/services", GOOD_SERVICE | {"backupId": "nope"}, "uuid"),
    ("PATCH", f"/services/{ACME_PROD}/scaling", {"numReplicas": 25}, "between 3 and 20"),
    (
        "PATCH",
        f"/services/{ACME_SANDBOX}/scaling",
        {"maxTotalMemoryGb": 48},
        "only for 'production'",
    ),
    ("PATCH", f"/services/{ACME_SANDBOX}/scaling", {"idleScaling": False}, "development"),
    ("PATCH", f"/services/{ACME_PROD}/scaling", {"minReplicaMemoryGb": 16}, "unknown field"),
    ("PATCH", f"/services/{ACME_PROD}/replicaScaling", {"minReplicaMemoryGb": 10}, "multiple of 4"),
    (
        "PATCH",
        f"/services/{ACME_PROD}/replicaScaling",
        {"maxReplicaMemoryGb": 244},
        "between 8 and 240",
    ),
    (
        "PATCH",
        f"/services/{ACME_PROD}/replicaScaling",
        {"minReplicaMemoryGb": 200},
        "minReplicaMemoryGb (200) must not exceed maxReplicaMemoryGb (120)",
    ),
    ("PATCH", f"/services/{ACME_PROD}/state", {"command": "restart"}, "command"),
    ("PATCH", f"/services/{ACME_PROD}/state", {}, "command is required"),
    ("PATCH", f"/services/{ACME_PROD}", {"name": "bad/name"}, "name"),
    ("PATCH", f"/services/{ACME_PROD}", {"ipAccessList": [{"source": "1.2.3.4"}]}, "object"),
    ("PATCH", f"/services/{ACME_PROD}/password", {"newPasswordHash": "plain"}, "SHA-256"),
    ("PATCH", f"/services/{ACME_PROD}/backupConfiguration", {"backupStartTime": "25:00"}, "HH:MM"),
    (
        "PATCH",
        f"/services/{ACME_PROD}/backupConfiguration",
        {"backupPeriodInHours": 12},
        "must be 24 while backupStartTime is set",
    ),
    (
        "PATCH",
        "",
        {"privateEndpoints": {"add": [{"id": "x", "cloudProvider": "gcp", "region": "us-east-1"}]}},
        "not a gcp region",
    ),
    ("POST", "/keys", {"name": "k", "roles": []}, "at least 1"),
    ("POST", "/keys", {"name": "k", "roles": ["owner"]}, "roles"),
    ("POST", "/keys", {"roles": ["admin"]}, "name is required"),
    ("POST", "/keys", {"name": "k", "roles": ["admin"], "expireAt": "tomorrow"}, "ISO-8601"),
    ("PATCH", f"/keys/{sd.seed_uuid('key', 'acme', 'acme ci')}", {"state": "paused"}, "state"),
    (
        "PATCH",
        f"/members/{sd.seed_uuid('user', 'bob@acme-analytics.example')}",
        {"role": "owner"},
        "role",
    ),
    ("POST", "/invitations", {"email": "not-an-email", "role": "admin"}, "email"),
    ("POST", "/invitations", {"email": "x@example.com"}, "role is required"),
]


@pytest.mark.parametrize(("method", "suffix", "body", "text"), BAD_WRITES)
async def test_invalid_writes_are_400_with_a_clear_text(
    acme: httpx.AsyncClient, method: str, suffix: str, body: dict, text: str
) -> None:
    response = await acme.request(method, ACME_ORG + suffix, json=body)
    assert_error(response, 400, text)


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'"text"'])
async def test_a_body_that_is_not_a_json_object_is_400(
    acme: httpx.AsyncClient, content: bytes
) -> None:
    response = await acme.post(
        f"{ACME_ORG}/services", content=content, headers={"Content-Type": "application/json"}
    )
    assert_error(response, 400)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ({}, "cloud_provider is required"),
        ({"cloud_provider": "aws"}, "region_id is required"),
        ({"cloud_provider": "oracle", "region_id": "x"}, "cloud_provider"),
        ({"cloud_provider": "azure", "region_id": "us-east-1"}, "not a azure region"),
    ],
)
async def test_org_private_endpoint_config_needs_a_provider_and_its_region(
    acme: httpx.AsyncClient, query: dict, text: str
) -> None:
    assert_error(await acme.get(f"{ACME_ORG}/privateEndpointConfig", params=query), 400, text)


async def test_org_private_endpoint_config_accepts_the_documented_parameter_titles(
    acme: httpx.AsyncClient,
) -> None:
    response = await acme.get(
        f"{ACME_ORG}/privateEndpointConfig",
        params={"Cloud provider identifier": "gcp", "Cloud provider region": "us-east1"},
    )
    assert response.status_code == 200
    assert "us-east1" in response.json()["result"]["endpointServiceId"]


async def test_activities_reject_a_malformed_date(acme: httpx.AsyncClient) -> None:
    response = await acme.get(f"{ACME_ORG}/activities", params={"from_date": "last week"})
    assert_error(response, 400, "from_date")


# --- service lifecycle -----------------------------------------------------------------------


async def test_created_service_provisions_and_shows_its_password_once(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    response = await acme.post(f"{ACME_ORG}/services", json=GOOD_SERVICE)
    assert response.status_code == 200
    result = response.json()["result"]
    service, password = result["service"], result["password"]
    assert service["state"] == "provisioning" and len(password) >= 12
    path = f"{ACME_ORG}/services/{service['id']}"
    fetched = (await acme.get(path)).json()["result"]
    assert password not in json.dumps(fetched)
    sim.settle()
    assert (await acme.get(path)).json()["result"]["state"] == "running"


async def test_stop_start_and_delete_a_service(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    assert_error(await acme.delete(PROD), 409, "stopped")
    stopping = await acme.patch(f"{PROD}/state", json={"command": "stop"})
    assert stopping.json()["result"]["state"] == "stopping"
    assert_error(await acme.delete(PROD), 409, "stopping")
    sim.settle()
    assert (await acme.get(PROD)).json()["result"]["state"] == "stopped"
    starting = await acme.patch(f"{PROD}/state", json={"command": "start"})
    assert starting.json()["result"]["state"] == "starting"
    sim.settle()
    assert (await acme.get(PROD)).json()["result"]["state"] == "running"
    await acme.patch(f"{PROD}/state", json={"command": "stop"})
    sim.settle()
    deleted = await acme.delete(PROD)
    assert deleted.status_code == 200 and set(deleted.json()) == {"status", "requestId"}
    assert (await acme.get(PROD)).json()["result"]["state"] == "terminating"
    assert_error(await acme.patch(f"{PROD}/state", json={"command": "start"}), 409)
    sim.settle()
    assert_error(await acme.get(PROD), 404)


async def test_restore_needs_the_region_and_tier_of_the_backups_service(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    backups = (await acme.get(f"{PROD}/backups")).json()["result"]
    done = next(b["id"] for b in backups if b["status"] == "done")
    in_progress = next(b["id"] for b in backups if b["status"] == "in_progress")
    other_region = GOOD_SERVICE | {"region": "us-east-2", "backupId": done}
    assert_error(await acme.post(f"{ACME_ORG}/services", json=other_region), 400, "region")
    other_tier = GOOD_SERVICE | {"tier": "development", "backupId": done}
    assert_error(await acme.post(f"{ACME_ORG}/services", json=other_tier), 400, "tier")
    unfinished = GOOD_SERVICE | {"backupId": in_progress}
    assert_error(await acme.post(f"{ACME_ORG}/services", json=unfinished), 400, "in_progress")
    restored = await acme.post(f"{ACME_ORG}/services", json=GOOD_SERVICE | {"backupId": done})
    assert restored.status_code == 200


async def test_scaling_per_replica_is_a_third_of_total_memory(acme: httpx.AsyncClient) -> None:
    response = await acme.patch(
        f"{PROD}/replicaScaling", json={"minReplicaMemoryGb": 16, "maxReplicaMemoryGb": 64}
    )
    result = response.json()["result"]
    assert (result["minReplicaMemoryGb"], result["maxReplicaMemoryGb"]) == (16, 64)
    assert (result["minTotalMemoryGb"], result["maxTotalMemoryGb"]) == (48, 192)
    service = (await acme.get(PROD)).json()["result"]
    assert "minReplicaMemoryGb" not in service  # only the replicaScaling answer has them
    scaled = await acme.patch(
        f"{PROD}/scaling",
        json={"maxTotalMemoryGb": 720, "numReplicas": 5, "idleTimeoutMinutes": 10},
    )
    assert {
        k: scaled.json()["result"][k]
        for k in ("maxTotalMemoryGb", "numReplicas", "idleTimeoutMinutes")
    } == {"maxTotalMemoryGb": 720, "numReplicas": 5, "idleTimeoutMinutes": 10}


async def test_service_patch_removes_then_adds(acme: httpx.AsyncClient) -> None:
    response = await acme.patch(
        PROD,
        json={
            "name": "Acme Prod 2",
            "ipAccessList": {
                "remove": [{"source": "203.0.113.0/24"}],
                "add": [{"source": "10.0.0.0/8", "description": "VPN"}],
            },
            "privateEndpointIds": {"add": ["vpce-2"], "remove": ["vpce-0a1b2c3d4e5f60001"]},
        },
    )
    service = response.json()["result"]
    assert service["name"] == "Acme Prod 2"
    assert [e["source"] for e in service["ipAccessList"]] == ["198.51.100.7", "10.0.0.0/8"]
    assert service["privateEndpointIds"] == ["vpce-2"]


async def test_password_change_generates_a_password_unless_a_hash_is_given(
    acme: httpx.AsyncClient,
) -> None:
    generated = (await acme.patch(f"{PROD}/password", json={})).json()["result"]
    assert generated["password"]
    digest = base64.b64encode(hashlib.sha256(b"secret").digest()).decode()
    hashed = await acme.patch(f"{PROD}/password", json={"newPasswordHash": digest})
    assert hashed.status_code == 200 and hashed.json()["result"] == {}


async def test_service_filter_by_tag(acme: httpx.AsyncClient) -> None:
    response = await acme.get(
        f"{ACME_ORG}/services", params={"filter": "tag:Environment=Production"}
    )
    assert {s["name"] for s in response.json()["result"]} == {
        "Acme Production",
        "Acme Analytics EU",
    }


async def test_prometheus_is_plain_text(acme: httpx.AsyncClient) -> None:
    response = await acme.get(f"{PROD}/prometheus")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert f'clickhouse_service="{ACME_PROD}"' in response.text


async def test_backups_come_newest_first_with_sizes(acme: httpx.AsyncClient) -> None:
    backups = (await acme.get(f"{PROD}/backups")).json()["result"]
    started = [b["startedAt"] for b in backups]
    assert started == sorted(started, reverse=True)
    done = [b for b in backups if b["status"] == "done"]
    assert all(b["sizeInBytes"] > 0 and b["durationInSeconds"] > 0 for b in done)


async def test_backup_configuration_resets_with_null_and_start_time_fixes_the_period(
    acme: httpx.AsyncClient,
) -> None:
    path = f"{ACME_ORG}/services/{ACME_STAGING}/backupConfiguration"
    assert (await acme.get(path)).json()["result"] == sd.DEFAULT_BACKUP_CONFIGURATION
    changed = await acme.patch(
        path, json={"backupPeriodInHours": 6, "backupRetentionPeriodInHours": 48}
    )
    assert changed.json()["result"]["backupPeriodInHours"] == 6
    timed = await acme.patch(path, json={"backupStartTime": "03:30"})
    assert timed.json()["result"] == {
        "backupPeriodInHours": 24,
        "backupRetentionPeriodInHours": 48,
        "backupStartTime": "03:30",
    }
    reset = await acme.patch(path, json=dict.fromkeys(sd.DEFAULT_BACKUP_CONFIGURATION))
    assert reset.json()["result"] == sd.DEFAULT_BACKUP_CONFIGURATION


# --- organization, keys, members, invitations, activities ------------------------------------


async def test_organization_patch_renames_and_edits_private_endpoints(
    acme: httpx.AsyncClient,
) -> None:
    response = await acme.patch(
        ACME_ORG,
        json={
            "name": "Acme Analytics Inc",
            "privateEndpoints": {
                "remove": [{"id": "acme-psc-europe"}],
                "add": [
                    {
                        "id": "vpce-new",
                        "cloudProvider": "aws",
                        "region": "eu-north-1",
                        "description": "Nordics",
                    }
                ],
            },
        },
    )
    organization = response.json()["result"]
    assert organization["name"] == "Acme Analytics Inc"
    assert [e["id"] for e in organization["privateEndpoints"]] == [
        "vpce-0a1b2c3d4e5f60001",
        "vpce-new",
    ]


async def test_a_new_key_shows_its_secret_once_and_can_authenticate(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    response = await acme.post(f"{ACME_ORG}/keys", json={"name": "ci", "roles": ["developer"]})
    created = response.json()["result"]
    assert set(created) == {"key", "keyId", "keySecret"}
    assert created["key"]["keySuffix"] == created["keyId"][-4:]
    fetched = (await acme.get(f"{ACME_ORG}/keys/{created['key']['id']}")).json()["result"]
    assert created["keySecret"] not in json.dumps(fetched)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app),
        base_url=BASE_URL,
        auth=(created["keyId"], created["keySecret"]),
    ) as new:
        assert (await new.get(f"{ACME_ORG}/services")).status_code == 200
        assert_error(await new.delete(f"{ACME_ORG}/keys/{created['key']['id']}"), 409)
    deleted = await acme.delete(f"{ACME_ORG}/keys/{created['key']['id']}")
    assert deleted.status_code == 200 and "result" not in deleted.json()
    assert_error(await acme.get(f"{ACME_ORG}/keys/{created['key']['id']}"), 404)


async def test_a_key_created_from_hash_data_returns_no_secrets_and_authenticates(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    key_id, secret = "HashedKeyIdForTest99", "4b1dHashedSecret"
    hash_data = {
        "keyIdHash": sd.credential_hash(key_id),
        "keyIdSuffix": key_id[-4:],
        "keySecretHash": sd.credential_hash(secret),
    }
    response = await acme.post(
        f"{ACME_ORG}/keys", json={"name": "hashed", "roles": ["admin"], "hashData": hash_data}
    )
    assert set(response.json()["result"]) == {"key"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url=BASE_URL, auth=(key_id, secret)
    ) as hashed:
        assert (await hashed.get("/v1/organizations")).status_code == 200


async def test_key_patch_disables_a_key_and_clears_its_expiry(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    key = sd.seed_uuid("key", "acme", "acme ci")
    response = await acme.patch(
        f"{ACME_ORG}/keys/{key}", json={"state": "disabled", "expireAt": ""}
    )
    assert response.json()["result"]["state"] == "disabled"
    assert "expireAt" not in response.json()["result"]
    async with client(sim, "acme ci") as developer:
        assert_error(await developer.get("/v1/organizations"), 401, "disabled")


async def test_keys_cannot_exceed_one_hundred_per_organization(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    for n in range(100 - len(sim.state.organizations[ACME].keys)):
        sim.add_key(ACME, f"bulk {n}")
    response = await acme.post(
        f"{ACME_ORG}/keys", json={"name": "one too many", "roles": ["admin"]}
    )
    assert_error(response, 400, "at most 100")


async def test_members_change_role_and_leave(acme: httpx.AsyncClient) -> None:
    bob = f"{ACME_ORG}/members/{sd.seed_uuid('user', 'bob@acme-analytics.example')}"
    promoted = await acme.patch(bob, json={"role": "admin"})
    assert promoted.json()["result"]["role"] == "admin"
    assert (await acme.delete(bob)).status_code == 200
    assert_error(await acme.get(bob), 404)


async def test_invitations_store_the_email_in_lowercase_and_can_be_revoked(
    acme: httpx.AsyncClient,
) -> None:
    response = await acme.post(
        f"{ACME_ORG}/invitations", json={"email": "New.Person@Example.COM", "role": "developer"}
    )
    invitation = response.json()["result"]
    assert invitation["email"] == "new.person@example.com"
    assert invitation["createdAt"] == "2026-11-23T12:00:00Z"
    path = f"{ACME_ORG}/invitations/{invitation['id']}"
    assert (await acme.delete(path)).status_code == 200
    assert_error(await acme.get(path), 404)


async def test_activities_filter_by_inclusive_dates_and_record_writes(
    acme: httpx.AsyncClient,
) -> None:
    path = f"{ACME_ORG}/activities"
    everything = (await acme.get(path)).json()["result"]
    assert len(everything) >= 10 and len({a["type"] for a in everything}) >= 8
    window = await acme.get(
        path, params={"from_date": "2026-03-14T11:00:00Z", "to_date": "2026-06-30T07:00:00Z"}
    )
    assert [a["createdAt"] for a in window.json()["result"]] == [
        "2026-03-14T11:00:00Z",
        "2026-04-02T08:00:00Z",
        "2026-05-18T19:00:00Z",
        "2026-06-30T07:00:00Z",
    ]
    await acme.patch(f"{PROD}/state", json={"command": "stop"})
    latest = (await acme.get(path, params={"from_date": "2026-11-23T00:00:00Z"})).json()
    assert [(a["type"], a["actorType"], a.get("serviceId")) for a in latest["result"]] == [
        ("service_stop", "api", ACME_PROD)
    ]


async def test_builders_make_many_services(
    sim: ClickHouseSimulator, acme: httpx.AsyncClient
) -> None:
    for n in range(40):
        sim.add_service(ACME, f"Bulk {n}", state="stopped", tier="development")
    services = (await acme.get(f"{ACME_ORG}/services")).json()["result"]
    assert len(services) == 47
    assert services[-1]["minTotalMemoryGb"] == sd.FIXED_MEMORY_GB["development"]


# --- every documented operation against the OpenAPI response schemas -----------------------

OPENAPI = json.loads((Path(__file__).parent / "data" / "clickhouse-cloud-openapi.json").read_text())
#: ClickHouse Cloud's current OpenAPI (2026-06, 109 operations; shared/specs/)
CURRENT = json.loads(
    (Path(__file__).parent / "data" / "clickhouse-cloud-openapi-2026-06.json").read_text()
)
CURRENT_SERVICE = CURRENT["components"]["schemas"]["Service"]["properties"]


def _strict_components() -> dict:
    """The OpenAPI components, closed to undocumented fields, plus the fields that only the
    newer rendered docs show (backup size, duration and type; per-replica memory)."""
    components = copy.deepcopy(OPENAPI["components"])
    schemas = components["schemas"]
    schemas["Backup"]["properties"].update(
        {
            "sizeInBytes": {"type": "number"},
            "durationInSeconds": {"type": "number"},
            "type": {"type": "string", "enum": ["full", "incremental"]},
        }
    )
    schemas["Service"]["properties"].update(
        {
            "minReplicaMemoryGb": {"type": "number", "minimum": 8, "maximum": 240, "multipleOf": 4},
            "maxReplicaMemoryGb": {"type": "number", "minimum": 8, "maximum": 240, "multipleOf": 4},
        }
        # and what the 2026-06 spec adds that the simulator answers
        | {
            name: CURRENT_SERVICE[name]
            for name in ("clickhouseVersion", "releaseChannel", "isReadonly", "currentScaling")
        }
        | {"tags": {"type": "array", "items": CURRENT["components"]["schemas"]["ResourceTagsV1"]}}
    )
    current = CURRENT["components"]["schemas"]
    schemas["CurrentScaling"] = current["CurrentScaling"]
    schemas["AssignedRole"] = current["AssignedRole"]
    for holder in ("Member", "ApiKey", "Invitation"):  # the roles each holds (2026-06 spec)
        schemas[holder]["properties"]["assignedRoles"] = current[holder]["properties"][
            "assignedRoles"
        ]
    for schema in schemas.values():
        schema["additionalProperties"] = False
    return components


COMPONENTS = _strict_components()
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


# Operations the rendered docs have and the OpenAPI file lacks: schemas from the rendered docs.
RENDERED_ONLY = {
    ("PATCH", "/v1/organizations/:organizationId/services/:serviceId/replicaScaling"): {
        "$ref": "#/components/schemas/Service"
    },
    ("GET", "/v1/organizations/:organizationId/services/:serviceId/backupConfiguration"): {
        "type": "object",
        "additionalProperties": False,
        "required": ["backupPeriodInHours", "backupRetentionPeriodInHours", "backupStartTime"],
        "properties": {
            "backupPeriodInHours": {"type": "number"},
            "backupRetentionPeriodInHours": {"type": "number"},
            "backupStartTime": {"type": ["string", "null"]},
        },
    },
}
RENDERED_ONLY[
    ("PATCH", "/v1/organizations/:organizationId/services/:serviceId/backupConfiguration")
] = RENDERED_ONLY[
    ("GET", "/v1/organizations/:organizationId/services/:serviceId/backupConfiguration")
]
TEMPLATES = [*OPENAPI["paths"], *{path for _, path in RENDERED_ONLY}]


def _template(path: str) -> str:
    matches = [t for t in TEMPLATES if re.fullmatch(re.sub(r":\w+", "[^/]+", t), path)]
    assert len(matches) == 1, (path, matches)
    return matches[0]


def _envelope_schema(method: str, template: str) -> dict:
    if (method, template) in RENDERED_ONLY:
        envelope = {
            "type": "object",
            "properties": {
                "status": {"type": "number"},
                "requestId": {"type": "string", "format": "uuid"},
                "result": RENDERED_ONLY[(method, template)],
            },
        }
    else:
        responses = OPENAPI["paths"][template][method.lower()]["responses"]
        envelope = responses["200"]["content"]["application/json"]["schema"]
    required = ["status", "requestId", *(["result"] if "result" in envelope["properties"] else [])]
    return {
        **envelope,
        "required": required,
        "additionalProperties": False,
        "components": COMPONENTS,
    }


class SchemaChecker:
    """Sends requests and validates each 200 answer against its documented schema."""

    def __init__(self, http: httpx.AsyncClient, covered: set[tuple[str, str]]) -> None:
        self.http, self.covered = http, covered

    async def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, path, **kwargs)
        assert response.status_code == 200, (method, path, response.text)
        template = _template(path)
        self.covered.add((method, template))
        if path.endswith("/prometheus"):
            assert response.headers["content-type"].startswith("text/plain")
            return response.text
        body = response.json()
        validator = Draft202012Validator(_envelope_schema(method, template), format_checker=FORMATS)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, (method, path, errors)
        return body.get("result")


async def test_every_operation_answers_with_its_documented_schema(sim: ClickHouseSimulator) -> None:
    covered: set[tuple[str, str]] = set()
    async with client(sim) as acme_http, client(sim, "globex admin") as globex_http:
        for http in (acme_http, globex_http):
            call = SchemaChecker(http, covered)
            [organization] = await call("GET", "/v1/organizations")
            org = f"/v1/organizations/{organization['id']}"
            await call("GET", org)
            for service in await call("GET", f"{org}/services"):
                svc = f"{org}/services/{service['id']}"
                await call("GET", svc)
                await call("GET", f"{svc}/privateEndpointConfig")
                await call("GET", f"{svc}/prometheus")
                await call("GET", f"{svc}/backupConfiguration")
                for backup in await call("GET", f"{svc}/backups"):
                    await call("GET", f"{svc}/backups/{backup['id']}")
            for key in await call("GET", f"{org}/keys"):
                await call("GET", f"{org}/keys/{key['id']}")
            for member in await call("GET", f"{org}/members"):
                await call("GET", f"{org}/members/{member['userId']}")
            for invitation in await call("GET", f"{org}/invitations"):
                await call("GET", f"{org}/invitations/{invitation['id']}")
            for activity in await call(
                "GET", f"{org}/activities", params={"from_date": "2026-01-01T00:00:00Z"}
            ):
                await call("GET", f"{org}/activities/{activity['id']}")
            await call(
                "GET",
                f"{org}/privateEndpointConfig",
                params={"cloud_provider": "azure", "region_id": "eastus2"},
            )

        call = SchemaChecker(acme_http, covered)
        await call(
            "PATCH",
            ACME_ORG,
            json={
                "name": "Acme",
                "privateEndpoints": {
                    "add": [{"id": "pe-1", "cloudProvider": "azure", "region": "azure-eastus"}]
                },
            },
        )
        created = await call(
            "POST",
            f"{ACME_ORG}/services",
            json=GOOD_SERVICE
            | {
                "ipAccessList": [{"source": "10.1.0.0/16", "description": "VPC"}],
                "minTotalMemoryGb": 48,
                "maxTotalMemoryGb": 96,
                "encryptionKey": "k",
            },
        )
        new = f"{ACME_ORG}/services/{created['service']['id']}"
        await call(
            "PATCH",
            new,
            json={
                "name": "Renamed",
                "ipAccessList": {"add": [{"source": "10.2.0.1"}]},
                "privateEndpointIds": {"add": ["pe-1"]},
            },
        )
        await call("PATCH", f"{new}/scaling", json={"maxTotalMemoryGb": 120, "numReplicas": 4})
        await call("PATCH", f"{new}/replicaScaling", json={"minReplicaMemoryGb": 12})
        await call("PATCH", f"{new}/password", json={})
        await call("PATCH", f"{new}/backupConfiguration", json={"backupStartTime": "01:00"})
        await call("PATCH", f"{new}/state", json={"command": "stop"})
        sim.settle()
        await call("DELETE", new)
        key = await call(
            "POST",
            f"{ACME_ORG}/keys",
            json={"name": "temp", "roles": ["developer"], "expireAt": "2027-01-01T00:00:00Z"},
        )
        await call("PATCH", f"{ACME_ORG}/keys/{key['key']['id']}", json={"name": "temp 2"})
        await call("DELETE", f"{ACME_ORG}/keys/{key['key']['id']}")
        member = f"{ACME_ORG}/members/{sd.seed_uuid('user', 'carol@acme-analytics.example')}"
        await call("PATCH", member, json={"role": "admin"})
        await call("DELETE", member)
        invitation = await call(
            "POST", f"{ACME_ORG}/invitations", json={"email": "zoe@example.com", "role": "admin"}
        )
        await call("DELETE", f"{ACME_ORG}/invitations/{invitation['id']}")

    documented = {
        (method.upper(), path)
        for path, operations in OPENAPI["paths"].items()
        for method in operations
    }
    assert covered == documented | set(RENDERED_ONLY)
