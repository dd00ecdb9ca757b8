"""The [auth], [limits] and new [server] keys: what they give, and each mistake stopping
startup with one line naming the file, the table and the field (exit code 2)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gateway.auth import token_digest
from gateway.cli import main, startup_lines
from gateway.config import ConfigError, load_demo_config, parse_config
from schema.permissions import Role
from tests.auth_fixtures import CONNECTIONS, SECURED, VIEWER, token_table
from tests.gateway_client import OPEN_AUTH

DIGEST = token_digest("t")
ONE_TOKEN = token_table("dash", "t", "viewer")


def config_error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "gw.toml", {})
    return str(caught.value)


def test_tokens_give_names_roles_digests_and_allowlists() -> None:
    auth = parse_config(SECURED, "gw.toml", {}).auth

    by_name = {t.name: t for t in auth.tokens}
    assert by_name["dashboard"].role is Role.VIEWER
    assert by_name["ops"].role is Role.OPERATOR
    assert by_name["acme-admin"].connections == frozenset({"ch-acme"})
    assert by_name["root"].connections is None
    assert by_name["dashboard"].digest.hex() == token_digest(VIEWER)
    assert not auth.allow_anonymous and not auth.open
    assert "digest" not in repr(by_name["root"]) and DIGEST not in repr(auth)


def test_a_digest_in_capitals_is_the_same_digest() -> None:
    text = CONNECTIONS + ONE_TOKEN.replace(DIGEST, DIGEST.upper())

    (token,) = parse_config(text, "gw.toml", {}).auth.tokens

    assert token.digest.hex() == DIGEST


def test_allow_anonymous_alone_is_an_open_gateway_of_viewers() -> None:
    auth = parse_config(CONNECTIONS + "[auth]\nallow_anonymous = true\n", "gw.toml", {}).auth

    assert auth.open and auth.anonymous_role is Role.VIEWER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CONNECTIONS, "gw.toml: no [auth] table: list client tokens"),
        (CONNECTIONS + "[auth]\n", "gw.toml: [auth]: nobody could call"),
        (CONNECTIONS + "[auth]\nallow_anonymous = false\n", "gw.toml: [auth]: nobody could call"),
        (CONNECTIONS + "[auth]\nallow_anonymous = 1\n", "field 'allow_anonymous': must be true"),
        (CONNECTIONS + "[auth]\nusers = 1\n", "gw.toml: [auth]: unknown field 'users'"),
        (
            CONNECTIONS + '[auth]\nallow_anonymous = true\nanonymous_role = "root"\n',
            "[auth]: field 'anonymous_role': unknown role 'root' (known: viewer, operator, admin)",
        ),
        (
            CONNECTIONS + f'[[auth.tokens]]\nsha256 = "{DIGEST}"\nrole = "viewer"\n',
            "gw.toml: [[auth.tokens]] #1: field 'name': missing",
        ),
        (
            CONNECTIONS + ONE_TOKEN.replace('"dash"', '"anonymous"'),
            "field 'name': 'anonymous' is the name of callers without a token",
        ),
        (
            CONNECTIONS + ONE_TOKEN.replace(DIGEST, "not-hex"),
            "gw.toml: [[auth.tokens]] 'dash': field 'sha256': must be the 64 hex digits",
        ),
        (
            CONNECTIONS + ONE_TOKEN.replace('"viewer"', '"owner"'),
            "[[auth.tokens]] 'dash': field 'role': unknown role 'owner'",
        ),
        (
            CONNECTIONS + ONE_TOKEN.replace('role = "viewer"\n', ""),
            "[[auth.tokens]] 'dash': field 'role': missing",
        ),
        (CONNECTIONS + ONE_TOKEN + 'token = "t"\n', "'dash': unknown field 'token'"),
        (
            CONNECTIONS + ONE_TOKEN + 'connections = ["ch-nowhere"]\n',
            "'dash': field 'connections': no connection named 'ch-nowhere'",
        ),
        (
            CONNECTIONS + ONE_TOKEN + "connections = []\n",
            "'dash': field 'connections': empty",
        ),
        (CONNECTIONS + ONE_TOKEN + ONE_TOKEN, "'dash': field 'name': duplicate name"),
        (
            CONNECTIONS + ONE_TOKEN + ONE_TOKEN.replace('"dash"', '"other"'),
            "'other': field 'sha256': the same token as 'dash'",
        ),
        (
            CONNECTIONS + "[auth.trusted_proxy]\n",
            "[auth.trusted_proxy]: field 'addresses'",
        ),
        (
            CONNECTIONS + '[auth.trusted_proxy]\naddresses = ["10.0.0.300"]\n',
            "[auth.trusted_proxy]: field 'addresses': '10.0.0.300' is not an IP address",
        ),
        (
            CONNECTIONS + '[auth.trusted_proxy]\naddresses = ["10.0.0.1"]\nuser_header = "A B"\n',
            "[auth.trusted_proxy]: field 'user_header': must be an HTTP header name",
        ),
        (
            CONNECTIONS
            + '[auth.trusted_proxy]\naddresses = ["10.0.0.1"]\nuser_header = "Authorization"\n',
            "[auth.trusted_proxy]: field 'user_header': must differ",
        ),
        ("[limits]\nmax_depth = 0\n" + CONNECTIONS + OPEN_AUTH, "[limits]: field 'max_depth'"),
        ("[limits]\nmax_cost = true\n" + CONNECTIONS + OPEN_AUTH, "[limits]: field 'max_cost'"),
        ("[limits]\nmax_speed = 1\n" + CONNECTIONS + OPEN_AUTH, "[limits]: unknown field"),
        (
            "[limits]\nrate_limit_window_seconds = 0\n" + CONNECTIONS + OPEN_AUTH,
            "[limits]: field 'rate_limit_window_seconds': must be a number greater than 0",
        ),
        (
            '[server]\nprofile = "prod"\n' + CONNECTIONS + OPEN_AUTH,
            "gw.toml: [server]: field 'profile': unknown profile 'prod'",
        ),
        (
            '[server]\nintrospection = "no"\n' + CONNECTIONS + OPEN_AUTH,
            "[server]: field 'introspection': wrong type str",
        ),
        (
            '[server]\ncors_origins = ["*"]\n' + CONNECTIONS + OPEN_AUTH,
            "[server]: field 'cors_origins': '*' is not an origin",
        ),
        (
            '[server]\ncors_origins = ["https://app.example.com/path"]\n' + CONNECTIONS + OPEN_AUTH,
            "is not an origin like https://app.example.com",
        ),
    ],
)
def test_a_bad_auth_limits_or_server_table_names_the_field(text: str, expected: str) -> None:
    message = config_error(text)

    assert expected in message
    assert "\n" not in message


def test_limits_and_server_keys_are_read() -> None:
    text = (
        (
            "[limits]\nmax_depth = 4\nrate_limit_requests = 0\n"
            '[server]\nprofile = "production"\ngraphiql = true\n'
            'cors_origins = ["https://app.example.com", "http://localhost:5173"]\n'
        )
        + CONNECTIONS
        + OPEN_AUTH
    )

    config = parse_config(text, "gw.toml", {})

    assert (config.limits.max_depth, config.limits.rate_limit_requests) == (4, 0)
    assert config.limits.max_aliases == 30  # the default
    assert config.server.production and config.server.graphiql_enabled
    assert not config.server.introspection_enabled
    assert config.server.cors_origins == ("https://app.example.com", "http://localhost:5173")


def test_serve_refuses_a_file_without_auth_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(CONNECTIONS)

    for argv in (["--config", str(path)], ["check-config", str(path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "configuration error" in err and "no [auth] table" in err


def test_demo_mode_says_it_is_open() -> None:
    lines = startup_lines(load_demo_config(), "http://127.0.0.1:8000/graphql")

    assert "demo mode is open: no client authentication, every caller is admin" in lines
    assert lines[-1] == "profile development: introspection on, GraphiQL on"


def test_an_open_configuration_warns_at_startup() -> None:
    config = parse_config(CONNECTIONS + "[auth]\nallow_anonymous = true\n", "gw.toml", {})

    lines = startup_lines(config, "http://h/graphql")

    assert (
        "WARNING: allow_anonymous = true: no client authentication, every caller is viewer" in lines
    )


def test_a_secured_configuration_says_how_callers_are_known() -> None:
    config = parse_config(SECURED, "gw.toml", {})
    production = dataclasses.replace(config, server=config.server.with_profile("production"))

    lines = startup_lines(production, "http://h/graphql")

    assert lines == [
        "3 connection(s) from gw.toml. GraphQL at http://h/graphql",
        "client authentication: 4 client token(s)",
        "profile production: introspection off, GraphiQL off",
    ]
