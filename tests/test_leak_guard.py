"""The leak guard (tests/leak_guard.py) catches what it should, and the places it does not
watch by itself (/metrics after a workload with every kind of secret, the printed SDL)
hold no secret either."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from graphql import GraphQLObjectType, GraphQLString, get_nullable_type

from adapters.clickhouse.sim.seed_data import DEMO_ACCOUNTS as CLICKHOUSE_ACCOUNTS
from adapters.dbaas.sim.seed_data import DEMO_ACCOUNTS as DBAAS_ACCOUNTS
from schema.build import build_schema, print_sdl
from tests.gateway_client import GatewayClient, error_codes
from tests.leak_guard import GUARD, SECRET_FIELDS, secrets_in, without_secret_fields

ROOT = Path(__file__).resolve().parents[1]
ACME = CLICKHOUSE_ACCOUNTS["acme"]

#: a session of its own, with the guard and one test that leaks: the run must fail
LEAKING_SESSION = """
    import logging

    from adapters.clickhouse.sim.seed_data import DEMO_ACCOUNTS

    def test_logs_a_key_secret():
        secret = DEMO_ACCOUNTS["acme"]["key_secret"]
        logging.getLogger("dbaas_gateway.upstream").debug("calling with %s", secret)
"""
CONFTEST = """
    from tests.leak_guard import LeakGuardPlugin

    def pytest_configure(config):
        config.pluginmanager.register(LeakGuardPlugin(), "leak-guard")
"""

WORKLOAD = """
[[connections]]
name = "ch"
vendor = "clickhouse"
simulated = true
simulator_account = "acme"

[[connections]]
name = "ch-wrong"
vendor = "clickhouse"
simulated = true
key_id_env = "WRONG_KEY_ID"
key_secret_env = "WRONG_KEY_SECRET"

[[connections]]
name = "dbaas"
vendor = "dbaas"
simulated = true
"""
WRONG = {"WRONG_KEY_ID": "AcmeDemoAdminKey01", "WRONG_KEY_SECRET": "not-the-secret-Zq81xLw"}
READ_ALL = """
{ organizations { id name raw apiKeys { name raw } members { name raw }
    databases(first: 50) { nodes { id nativeId raw credentials { user password raw } } } } }
"""
CREATE_KEY = """
mutation($org: ID!) { createApiKey(input: {organizationId: $org, name: "ci", role: ADMIN}) {
  secret apiKey { raw } } }
"""
RESET = """
mutation($id: ID!) { resetDatabasePassword(input: {id: $id}) { password } }
"""


def test_a_session_that_logs_a_seeded_secret_fails_and_names_it_without_showing_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    (tmp_path / "test_leaky.py").write_text(textwrap.dedent(LEAKING_SESSION))

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed" in run.stdout  # the test itself passed: the guard failed the session
    assert "leak guard: 1 secret leak(s)" in run.stdout
    assert "log record of dbaas_gateway.upstream" in run.stdout
    assert "<clickhouse key 'acme admin' secret>" in run.stdout
    assert ACME["key_secret"] not in run.stdout + run.stderr


def test_a_basic_auth_header_counts_as_its_password() -> None:
    admin = DBAAS_ACCOUNTS["admin"]
    header = base64.b64encode(f"{admin['username']}:{admin['password']}".encode()).decode()

    assert secrets_in(f"Authorization: Basic {header}") == [
        "dbaas account 'admin' password (Basic header)"
    ]
    assert secrets_in("timeout after 1234567 ms") == []  # "123456" only as a whole token


def test_only_the_documented_secret_fields_of_data_are_let_through() -> None:
    secret = ACME["key_secret"]
    body = {
        "data": {"createApiKey": {"secret": secret, "apiKey": {"raw": {"note": secret}}}},
        "errors": [{"message": f"failed with {secret}"}],
    }

    kept = str(without_secret_fields(body))

    assert kept.count(secret) == 2  # raw and the error message are still searched


def test_the_let_through_fields_are_exactly_the_schemas_secret_fields() -> None:
    """A new field that carries a secret must be added to SECRET_FIELDS on purpose."""
    schema = build_schema()._schema
    found = {
        (name, field_name)
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__")
        for field_name, field in type_.fields.items()
        if field_name in ("password", "secret", "token", "keySecret")
        and get_nullable_type(field.type) is GraphQLString
    }

    assert found == SECRET_FIELDS


def test_the_printed_sdl_holds_no_secret() -> None:
    assert secrets_in(print_sdl()) == []


async def test_metrics_after_every_kind_of_secret_hold_none() -> None:
    """Reads with passwords and raw records, a new key, a password reset, a connection with
    a wrong secret (errors): /metrics names connections, operations and codes, no secret."""
    async with GatewayClient.from_toml(WORKLOAD, WRONG) as gateway:
        assert "not-the-secret-Zq81xLw" in GUARD.secrets  # the configured one is watched
        body = await gateway.post(READ_ALL)
        assert "UNAUTHENTICATED" in error_codes(body)  # ch-wrong
        orgs = {o["id"]: o for o in body["data"]["organizations"]}
        clickhouse_org = next(i for i, o in orgs.items() if o["apiKeys"] is not None)
        created = await gateway.data(CREATE_KEY, {"org": clickhouse_org})
        listed = (await gateway.post(CREDENTIAL_IDS))["data"]["databases"]["nodes"]
        credential_id = next(c["id"] for db in listed for c in db["credentials"] or [])
        reset = await gateway.data(RESET, {"id": credential_id})

        metrics = (await gateway.http.get("/metrics")).text

    assert created["createApiKey"]["secret"] and reset["resetDatabasePassword"]["password"]
    assert "dbaas_gateway" in metrics or "graphql" in metrics
    one_time = [created["createApiKey"]["secret"], reset["resetDatabasePassword"]["password"]]
    assert secrets_in(metrics) == []
    assert not any(value in metrics for value in one_time)


CREDENTIAL_IDS = "{ databases(first: 50) { nodes { credentials { id } } } }"
