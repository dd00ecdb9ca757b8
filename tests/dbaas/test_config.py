"""DBaaS configuration: Basic credentials from the environment, an optional organization name."""

from __future__ import annotations

import pytest

from gateway.config import ConfigError, parse_config
from tests.gateway_client import with_open_auth

REAL = """
[[connections]]
name = "dbaas-dc1"
vendor = "dbaas"
base_url = "http://dbaas.internal:8000"
username_env = "DBAAS_USER"
password_env = "DBAAS_PASSWORD"
organization_name = "DC1 databases"
"""
ENV = {"DBAAS_USER": "admin", "DBAAS_PASSWORD": "s3cret-pw"}


def test_the_issue_example_is_a_valid_connection() -> None:
    (conn,) = parse_config(with_open_auth(REAL), "gw.toml", ENV).connections

    assert conn.secrets["username"].reveal() == "admin"
    assert conn.secrets["password"].reveal() == "s3cret-pw"
    assert conn.options == {"organization_name": "DC1 databases"}
    # no documented rate limit: real connections are not paced
    assert conn.http.rate_limit is None
    assert "s3cret-pw" not in repr(conn)


def test_the_organization_name_is_optional() -> None:
    text = REAL.replace('organization_name = "DC1 databases"\n', "")
    (conn,) = parse_config(with_open_auth(text), "x", ENV).connections

    assert conn.options == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (REAL.replace('password_env = "DBAAS_PASSWORD"\n', ""), "field 'password_env': missing"),
        (
            REAL.replace('organization_name = "DC1 databases"', 'organization_name = ""'),
            "field 'organization_name': must be a non-empty string",
        ),
        (
            REAL.replace("organization_name", "organization_name_env"),
            "unknown field 'organization_name_env'",
        ),
    ],
)
def test_bad_dbaas_connections_name_the_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "gw.toml", ENV)

    assert expected in str(caught.value)
    assert "s3cret-pw" not in str(caught.value)
