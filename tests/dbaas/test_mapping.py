"""DBaaS JSON -> records, and the wire details of the client, without a gateway."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from adapters.base import OPERATION_METHODS, BaseAdapter
from adapters.dbaas import mapping
from adapters.dbaas.adapter import CAPABILITIES, DBaaSAdapter
from adapters.dbaas.client import DBaaSClient, link_id, read_error
from adapters.dbaas.sim.simulator import DBaaSSimulator
from adapters.details import DBaaSDatabaseDetails
from adapters.errors import UpstreamError
from adapters.model import ConnectionInfo, DatabaseStatus, Operation, Vendor
from adapters.upstream.http import UpstreamHttp
from adapters.upstream.redact import redact

CONN = ConnectionInfo("dbaas-dc1", Vendor("dbaas"), "http://dbaas.internal:8000")
HOST = "http://localhost:8000"

#: the database of the seed's "Get data about one database" example, as printed
SEED_DATABASE: dict[str, Any] = {
    "_links": {"self": f"{HOST}/api/database/1/"},
    "id": 1,
    "name": "test_database2",
    "endpoint": "mongodb://<user>:<password>@127.0.0.1:27017/test_database2",
    "plan": f"{HOST}/api/plan/1/",
    "environment": f"{HOST}/api/environment/1/",
    "project": None,
    "quarantine_dt": None,
    "total_size_in_bytes": 0,
    "used_size_in_bytes": 16924,
    "credentials": [f"{HOST}/api/credential/1/"],
}


def _db(**changes: Any) -> dict[str, Any]:
    return {**SEED_DATABASE, **changes}


# ----- status -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(mapping.STATUS_NAMES))
def test_every_documented_status_code_is_mapped(code: int) -> None:
    record = mapping.database(CONN, _db(status=code))

    assert record.status is not DatabaseStatus.UNKNOWN
    assert record.status is mapping.STATUS_CODES[code]
    assert record.vendor_status == mapping.STATUS_NAMES[code]
    assert record.can_query is mapping.CAN_QUERY[code]


def test_the_status_tables_cover_the_same_codes() -> None:
    assert (
        set(mapping.STATUS_NAMES)
        == set(mapping.STATUS_CODES)
        == set(mapping.CAN_QUERY)
        == {0, 1, 2, 3}
    )


@pytest.mark.parametrize("code", [None, 0, 1, 2, 3, 42])
def test_quarantine_wins_over_any_status(code: int | None) -> None:
    record = mapping.database(CONN, _db(status=code, quarantine_dt="2024-02-29T18:45:12Z"))

    assert (record.status, record.vendor_status, record.can_query) == (
        DatabaseStatus.QUARANTINED,
        "quarantined",
        False,
    )
    assert isinstance(record.details, DBaaSDatabaseDetails)
    assert record.details.quarantined_at == datetime(2024, 2, 29, 18, 45, 12, tzinfo=UTC)


def test_the_seed_shape_without_status_is_running() -> None:
    record = mapping.database(CONN, SEED_DATABASE)

    assert (record.status, record.vendor_status, record.can_query) == (
        DatabaseStatus.RUNNING,
        None,
        None,
    )


@pytest.mark.parametrize("value", [42, -1, "dead", True, 1.5])
def test_an_undocumented_status_is_unknown_not_an_error(value: Any) -> None:
    record = mapping.database(CONN, _db(status=value))

    assert record.status is DatabaseStatus.UNKNOWN
    assert record.vendor_status == str(value)


# ----- databases ------------------------------------------------------------------------------


def test_a_database_maps_every_seed_field() -> None:
    record = mapping.database(CONN, SEED_DATABASE)

    assert (record.key, record.native_id, record.name) == (("1",), "1", "test_database2")
    assert record.organization_key == mapping.ORGANIZATION_KEY
    assert record.details == DBaaSDatabaseDetails(
        endpoint="mongodb://<user>:<password>@127.0.0.1:27017/test_database2",
        plan_key=("1",),
        environment_key=("1",),
        project_key=None,
        total_size_bytes=0,
        used_size_bytes=16924,
        quarantined_at=None,
    )
    assert record.raw == SEED_DATABASE


def test_the_optional_fields_are_accepted_and_not_required() -> None:
    extra = _db(
        status=1,
        description="Checkout orders",
        created_at="2023-11-02T14:05:09Z",
        team="payments",
        engine="mysql 8.0",
        is_locked=True,
    )
    minimal = {"id": 9, "name": "bare"}

    full, bare = mapping.database(CONN, extra), mapping.database(CONN, minimal)

    assert full.created_at == datetime(2023, 11, 2, 14, 5, 9, tzinfo=UTC)
    assert full.raw["engine"] == "mysql 8.0" and full.raw["is_locked"] is True
    assert (bare.name, bare.status, bare.created_at) == ("bare", DatabaseStatus.RUNNING, None)
    assert bare.details == DBaaSDatabaseDetails(None, None, None, None, None, None, None)


def test_links_give_ids_whatever_host_they_name() -> None:
    record = mapping.database(
        CONN,
        _db(
            plan="https://elsewhere.example/api/plan/7/",
            environment="/api/environment/3/",
            project="http://localhost:8000/api/project/2/",
        ),
    )

    assert isinstance(record.details, DBaaSDatabaseDetails)
    assert (
        record.details.plan_key,
        record.details.environment_key,
        record.details.project_key,
    ) == (("7",), ("3",), ("2",))


@pytest.mark.parametrize(
    "link",
    [None, 5, "", f"{HOST}/api/environment/1/", f"{HOST}/api/plan/abc/", f"{HOST}/api/plan/"],
)
def test_a_link_of_the_wrong_kind_gives_no_id(link: Any) -> None:
    assert link_id(link, "plan") is None


def test_a_real_password_in_an_endpoint_never_leaves_the_gateway() -> None:
    record = mapping.database(CONN, _db(endpoint="mysql://root:hunter2@10.0.0.5:3306/x"))

    assert isinstance(record.details, DBaaSDatabaseDetails)
    assert record.details.endpoint == "mysql://root:[redacted]@10.0.0.5:3306/x"
    # ``raw`` is redacted where the schema shows it (schema.common.RAW)
    assert "hunter2" not in str(redact(record.raw))


# ----- credentials, plans, environments, projects ---------------------------------------------


def test_a_credential_never_carries_its_password() -> None:
    body = {
        "_links": {"self": f"{HOST}/api/credential/1/"},
        "id": 1,
        "user": "u_test_database2",
        "database": f"{HOST}/api/database/1/",
        "password": "26WcA33q6F",
    }

    record = mapping.credential(CONN, body)

    assert (record.key, record.user, record.database_key) == (("1",), "u_test_database2", ("1",))
    assert "26WcA33q6F" not in str(record)
    assert mapping.password(body) == "26WcA33q6F"


def test_plan_environment_and_project() -> None:
    plan = mapping.plan(
        CONN,
        {
            "id": 2,
            "name": "mysql_ha",
            "description": "HA",
            "is_active": True,
            "engine": "mysql",
            "environments": [],
        },
    )
    env = mapping.environment(CONN, {"id": 2, "name": "prod", "stage": 2, "provisioner": 1})
    project = mapping.project(CONN, {"id": 1, "name": "checkout"})

    assert (plan.key, plan.name, plan.description, plan.organization_key) == (
        ("2",),
        "mysql_ha",
        "HA",
        mapping.ORGANIZATION_KEY,
    )
    assert (env.key, env.name, env.stage, env.provisioner) == (("2",), "prod", 2, "1")
    assert (project.key, project.name) == (("1",), "checkout")


@pytest.mark.parametrize(
    ("sent", "read"),
    [(1, "1"), ("kubernetes", "kubernetes"), (1.5, None), (True, None), ({}, None), (None, None)],
)
def test_the_provisioner_is_passed_through_as_text(sent: object, read: str | None) -> None:
    env = mapping.environment(CONN, {"id": 2, "name": "prod", "stage": 2, "provisioner": sent})
    assert env.provisioner == read


# ----- error bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"detail": "Invalid username/password"}, "Invalid username/password"),
        ({"_links": {"self": f"{HOST}/api/database/9/"}, "detail": "Not found"}, "Not found"),
        (
            {"name": ["This field is required."], "plan": ["This field is required."]},
            "name: This field is required.; plan: This field is required.",
        ),
        (
            {"__all__": ["Database with this Name and Environment already exists."]},
            "Database with this Name and Environment already exists.",
        ),
    ],
)
def test_error_bodies_are_read(body: Any, message: str | None) -> None:
    assert read_error(body).message == message


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"__all__": ["Database with this Name and Environment already exists."]},
            "unique_together",
        ),
        ({"name": ["Project with this Name already exists."]}, "unique"),
        ({"name": ["This field cannot be changed after creation."]}, None),
        ({"detail": "Database with this Name already exists."}, None),
    ],
)
def test_uniqueness_errors_get_djangos_code(body: Any, code: str | None) -> None:
    assert read_error(body).vendor_code == code


# ----- capabilities ---------------------------------------------------------------------------

#: capability -> the adapter methods that implement it
CAPABILITY_METHODS = {
    "organizations": ("list_organizations",),
    "databases": ("list_databases", "get_databases"),
    "backups": ("list_backups",),
    "backup_configuration": ("get_backup_configuration",),
    "api_keys": ("list_api_keys",),
    "members": ("list_members",),
    "invitations": ("list_invitations",),
    "activities": ("list_activities",),
    "plans": ("list_plans", "get_plans"),
    "credentials": ("list_credentials", "get_credentials", "get_credential_password"),
    "private_endpoints": ("get_private_endpoint_config",),
    "metrics": ("get_metrics",),
}


@pytest.mark.parametrize("capability", sorted(CAPABILITY_METHODS))
def test_capabilities_match_what_the_adapter_implements(capability: str) -> None:
    implemented = {
        getattr(DBaaSAdapter, m) is not getattr(BaseAdapter, m)
        for m in CAPABILITY_METHODS[capability]
    }

    assert implemented == {getattr(CAPABILITIES, capability)}


def test_declared_operations_are_exactly_the_overridden_writes() -> None:
    overridden = {
        op
        for op, methods in OPERATION_METHODS.items()
        if any(getattr(DBaaSAdapter, m) is not getattr(BaseAdapter, m) for m in methods)
    }
    # DBaaS cannot restore, so create_database stands for creation alone
    assert CAPABILITIES.operations == overridden - {Operation.RESTORE_DATABASE}
    assert set(OPERATION_METHODS) == set(Operation)


# ----- the client against the simulator -------------------------------------------------------


def _client(sim: DBaaSSimulator, base_url: str, page_size: int) -> DBaaSClient:
    http = UpstreamHttp(
        CONN,
        base_url=base_url,
        read_error=read_error,
        auth=httpx.BasicAuth("admin", "123456"),
        transport=httpx.ASGITransport(app=sim.app),
    )
    return DBaaSClient(http, page_size=page_size)


async def test_small_pages_are_walked_to_the_end() -> None:
    sim = DBaaSSimulator(page_size=2)
    client = _client(sim, "http://dbaas.internal:8000", page_size=2)

    items = await client.list_all("credential")
    await client.http.aclose()

    assert [i["id"] for i in items] == list(range(1, 11))
    assert [e.query for e in sim.log.entries] == [
        "page_size=2",
        *(f"page={p}&page_size=2" for p in range(2, 6)),
    ]


async def test_concurrent_walks_of_one_listing_are_shared() -> None:
    import asyncio

    sim = DBaaSSimulator(page_size=2)
    client = _client(sim, "http://dbaas.internal:8000", page_size=2)

    results = await asyncio.gather(*(client.list_all("database") for _ in range(5)))
    await client.http.aclose()

    assert all(len(r) == 6 for r in results)
    assert len(sim.log.entries) == 3


async def test_a_base_url_with_a_path_prefix_keeps_it_for_next_links() -> None:
    sim = DBaaSSimulator(page_size=2)

    async def strip_prefix(scope: Any, receive: Any, send: Any) -> None:
        # a reverse proxy serving the API under /dbaas, whose links keep the prefix
        if scope["type"] == "http" and scope["path"].startswith("/dbaas/"):
            scope = {**scope, "path": scope["path"][len("/dbaas") :], "root_path": "/dbaas"}
        await sim.app(scope, receive, send)

    http = UpstreamHttp(
        CONN,
        base_url="http://proxy.internal/dbaas",
        read_error=read_error,
        auth=httpx.BasicAuth("admin", "123456"),
        transport=httpx.ASGITransport(app=strip_prefix),
    )
    client = DBaaSClient(http, page_size=2)
    # the simulator's links omit the proxy's prefix; a prefixed link must work too
    target = client._next_target("http://proxy.internal/dbaas/api/plan/?page=2", "/api/plan/")
    items = await client.list_all("plan")
    await http.aclose()

    assert target == "/api/plan/?page=2"
    assert len(items) == 4


async def test_a_malformed_id_never_reaches_the_api() -> None:
    sim = DBaaSSimulator()
    client = _client(sim, "http://dbaas.internal:8000", page_size=100)

    with pytest.raises(UpstreamError) as caught:
        await client.get("database", "1/../../credential/1")
    await client.http.aclose()

    assert caught.value.code.value == "BAD_USER_INPUT"
    assert sim.log.entries == []
