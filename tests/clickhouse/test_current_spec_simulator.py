"""The simulator against the 2026-06 spec (Postgres services, roles, service extras): the
schemas it validates with are the spec's own (extracted, current), every such operation
answers with its documented schema (closed to undocumented fields), and bodies the spec
refuses are 400s."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from adapters.clickhouse.postgres_rules import HA_TYPES, PROVIDERS, SIZES, VERSIONS
from adapters.clickhouse.sim.current_spec import SPEC_FILE
from adapters.clickhouse.sim.seed_data import seed_uuid
from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from tests.clickhouse.current_spec import CURRENT_SPEC, render
from tests.clickhouse.test_simulator import ACME_ORG, client

SPEC = json.loads(CURRENT_SPEC.read_text())
ORDERS = f"{ACME_ORG}/postgres/{seed_uuid('postgres', 'acme', 'Acme Orders')}"
WINDOW = {"from_date": "2026-11-01T00:00:00Z", "to_date": "2026-11-01T02:00:00Z"}


def test_the_simulators_schemas_are_the_current_specs() -> None:
    assert SPEC_FILE.read_text(encoding="utf-8") == render(), (
        "stale: run python -m tests.clickhouse.current_spec"
    )


def test_the_adapters_rules_use_the_specs_enums() -> None:
    schemas = SPEC["components"]["schemas"]
    assert tuple(schemas["pgSize"]["enum"]) == SIZES
    assert set(VERSIONS) == set(schemas["pgVersion"]["enum"])
    assert set(HA_TYPES) == set(schemas["pgHaType"]["enum"])
    assert set(PROVIDERS) == set(schemas["pgProvider"]["enum"])


def _closed(schema: Any) -> Any:
    """A copy where every object schema with properties refuses others."""
    if isinstance(schema, dict):
        out = {k: _closed(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    return schema


COMPONENTS = _closed(copy.deepcopy(SPEC["components"]))


def _answer_schema(method: str, template: str) -> dict[str, Any] | None:
    response = SPEC["paths"][template][method.lower()]["responses"]["200"]
    content = response["content"].get("application/json")
    if content is None:
        return None
    return _closed(content["schema"]) | {"components": COMPONENTS}


class Checked:
    """Sends requests and validates each 200 JSON answer against the spec's schema."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.covered: set[tuple[str, str]] = set()

    async def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.http.request(method, path, **kwargs)
        assert response.status_code == 200, (method, path, response.text)
        templates = [t for t in SPEC["paths"] if re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", t), path)]
        template = min(templates, key=lambda t: t.count("{"))  # prometheus beats {postgresId}
        self.covered.add((method, template))
        schema = _answer_schema(method, template)
        if schema is None:
            return response.text
        body = response.json()
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(body)]
        assert not errors, (method, path, errors)
        return body.get("result")


async def test_every_postgres_operation_answers_with_its_documented_schema() -> None:
    sim = ClickHouseSimulator()
    async with client(sim) as http:
        call = Checked(http)
        listed = await call("GET", f"{ACME_ORG}/postgres")
        assert {p["name"] for p in listed} == {"Acme Orders", "Acme Orders Replica"}
        assert "password" not in str(listed)
        await call("GET", f"{ACME_ORG}/postgres/prometheus")
        assert (await call("GET", ORDERS))["password"]
        await call("GET", f"{ORDERS}/caCertificates")
        await call("GET", f"{ORDERS}/config")
        await call("GET", f"{ORDERS}/prometheus")
        await call("GET", f"{ORDERS}/metrics", params=WINDOW)
        (pattern, *_) = await call(
            "GET", f"{ORDERS}/slowQueryPatterns", params=WINDOW | {"limit": "5"}
        )
        await call(
            "GET",
            f"{ORDERS}/slowQueryPatterns/{pattern['queryId']}",
            params={
                "db_name": pattern["dbName"],
                "db_user": pattern["dbUser"],
                "db_operation": pattern["dbOperation"],
            },
        )
        config = {"pgConfig": {"max_connections": 300}, "pgBouncerConfig": {"pool_mode": "session"}}
        await call("PATCH", f"{ORDERS}/config", json=config)
        await call("POST", f"{ORDERS}/config", json=config)
        await call("PATCH", ORDERS, json={"name": "Orders", "size": "m6gd.2xlarge"})
        await call("PATCH", f"{ORDERS}/password", json={})
        await call("PATCH", f"{ORDERS}/state", json={"command": "restart"})
        sim.settle()
        restored = await call(
            "POST",
            f"{ORDERS}/restoredService",
            json={"name": "Orders Then", "restoreTarget": "2026-06-01T00:00:00Z"},
        )
        await call("POST", f"{ORDERS}/readReplica", json={"name": "Orders Reader"})
        created = await call(
            "POST",
            f"{ACME_ORG}/postgres",
            json={"name": "Fresh", "provider": "aws", "region": "us-east-1", "size": "i8g.large"},
        )
        await call("DELETE", f"{ACME_ORG}/postgres/{created['id']}")
        assert restored["state"] == "restoring_backup"

    documented = {
        (method.upper(), path)
        for path, item in SPEC["paths"].items()
        if "/postgres" in path
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    assert call.covered == documented


@pytest.mark.parametrize(
    ("method", "path", "body", "text"),
    [
        ("POST", f"{ACME_ORG}/postgres", {"name": "x", "region": "us-east-1"}, "provider"),
        (
            "POST",
            f"{ACME_ORG}/postgres",
            {"name": "x", "provider": "gcp", "region": "r", "size": "i8g.large"},
            "provider",
        ),
        ("PATCH", ORDERS, {"size": "tiny"}, "size"),
        ("PATCH", ORDERS, {"colour": "blue"}, "colour"),
        ("PATCH", f"{ORDERS}/password", {"password": "short"}, "password"),
        ("PATCH", f"{ORDERS}/password", {"password": "alllowercase1234"}, "password"),
        ("PATCH", f"{ORDERS}/state", {"command": "stop"}, "command"),
        ("POST", f"{ORDERS}/restoredService", {"name": "x"}, "restoreTarget"),
        (
            "PATCH",
            f"{ORDERS}/config",
            {"pgConfig": {"shared_buffers": "1GB"}, "pgBouncerConfig": {"a": "b"}},
            "shared_buffers",
        ),
    ],
)
async def test_bodies_the_spec_refuses_are_400s(
    method: str, path: str, body: dict[str, Any], text: str
) -> None:
    async with client(ClickHouseSimulator()) as http:
        response = await http.request(method, path, json=body)
    assert response.status_code == 400, response.text
    assert text in response.json()["error"]


async def test_query_parameters_are_checked_against_the_spec() -> None:
    async with client(ClickHouseSimulator()) as http:
        missing = await http.get(f"{ORDERS}/metrics", params={"from_date": WINDOW["from_date"]})
        too_many = await http.get(f"{ORDERS}/slowQueryPatterns", params=WINDOW | {"limit": "501"})
        unknown = await http.get(f"{ORDERS}/metrics", params=WINDOW | {"step": "5"})
    assert [r.status_code for r in (missing, too_many, unknown)] == [400, 400, 400]
    assert "to_date" in missing.json()["error"]


async def test_roles_and_service_extras_answer_with_their_documented_schemas() -> None:
    sim = ClickHouseSimulator()
    service = f"{ACME_ORG}/services/{seed_uuid('service', 'acme', 'Acme Production')}"
    async with client(sim) as http:
        call = Checked(http)
        (role, *_) = await call("GET", f"{ACME_ORG}/roles")
        await call("GET", f"{ACME_ORG}/roles/{role['id']}")
        policy = {"allowDeny": "ALLOW", "permissions": ["p"], "resources": ["instance/*"]}
        made = await call(
            "POST", f"{ACME_ORG}/roles", json={"name": "R", "actors": [], "policies": [policy]}
        )
        await call("PATCH", f"{ACME_ORG}/roles/{made['id']}", json={"name": "R2"})
        await call("DELETE", f"{ACME_ORG}/roles/{made['id']}")
        await call("PUT", f"{service}/upgradeWindow", json={"weekday": 1, "startHourUtc": 6})
        await call("GET", f"{service}/upgradeWindow")
        await call("DELETE", f"{service}/upgradeWindow")
        await call("GET", f"{service}/clickhouseSettings")
        await call(
            "PATCH", f"{service}/clickhouseSettings", json={"settings": '{"max_threads": 4}'}
        )
        await call("GET", f"{service}/clickhouseSettings/schema")
        await call("GET", f"{service}/clickhouseSettings/max_threads")
        await call("DELETE", f"{service}/clickhouseSettings/max_threads")
        await call("POST", f"{service}/serviceQueryEndpoint", json={"roles": ["sql_console_admin"]})
        await call("GET", f"{service}/serviceQueryEndpoint")
        await call("DELETE", f"{service}/serviceQueryEndpoint")
    documented = {
        (method.upper(), path)
        for path, item in SPEC["paths"].items()
        if any(part in path for part in ("/roles", "/upgradeWindow", "/clickhouseSettings"))
        or path.endswith("/serviceQueryEndpoint")
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    assert call.covered == documented
