"""Configuration: a bad file stops startup with one line naming file, connection, field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from adapters.model import Vendor
from gateway.config import ConfigError, load_config, parse_config
from tests.gateway_client import OPEN_AUTH, with_open_auth

GOOD = """
[[connections]]
name = "ch-prod"
vendor = "clickhouse"
base_url = "https://api.clickhouse.cloud"
key_id_env = "CH_KEY_ID"
key_secret_env = "CH_KEY_SECRET"
"""
ENV = {"CH_KEY_ID": "key-id", "CH_KEY_SECRET": "very-secret"}


def test_a_good_file_gives_connections_with_secrets_from_the_environment() -> None:
    config = parse_config(with_open_auth(GOOD), "gw.toml", ENV)

    (conn,) = config.connections
    assert conn.name == "ch-prod"
    assert conn.vendor == Vendor("clickhouse")
    assert conn.secrets["key_secret"].reveal() == "very-secret"
    assert "very-secret" not in repr(conn)
    # real ClickHouse connections are paced to the documented 10 requests per 10 s
    assert conn.http.rate_limit == (10, 10.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD + 'colour = "blue"\n', "gw.toml: connection 'ch-prod': unknown field 'colour'"),
        (
            GOOD.replace('base_url = "https://api.clickhouse.cloud"\n', ""),
            "gw.toml: connection 'ch-prod': field 'base_url': missing",
        ),
        (GOOD + GOOD, "gw.toml: connection 'ch-prod': field 'name': duplicate name"),
        (
            GOOD.replace('"clickhouse"', '"oracle"'),
            "gw.toml: connection 'ch-prod': field 'vendor': unknown vendor 'oracle'",
        ),
        (
            GOOD.replace("CH_KEY_SECRET", "NOT_SET_ANYWHERE"),
            "gw.toml: connection 'ch-prod': field 'key_secret_env': environment variable "
            "NOT_SET_ANYWHERE is not set",
        ),
        (
            GOOD.replace('key_secret_env = "CH_KEY_SECRET"\n', ""),
            "gw.toml: connection 'ch-prod': field 'key_secret_env': missing",
        ),
        (
            GOOD.replace("https://api.clickhouse.cloud", "ftp://x"),
            "gw.toml: connection 'ch-prod': field 'base_url': 'ftp://x' is not an http(s) URL",
        ),
        (
            GOOD + "max_concurrency = 0\n",
            "gw.toml: connection 'ch-prod': field 'max_concurrency': must be a whole number >= 1",
        ),
        (
            GOOD + 'max_concurrency = "8"\n',
            "gw.toml: connection 'ch-prod': field 'max_concurrency': wrong type str",
        ),
        ("[metrics]\nport = 1\n" + GOOD, "gw.toml: unknown top-level key 'metrics'"),
        ("[server]\nport = 1\n" + GOOD, "gw.toml: [server]: unknown field 'port'"),
        (
            "[server]\nrequest_timeout_seconds = 0\n" + GOOD,
            "gw.toml: [server]: field 'request_timeout_seconds': must be a number greater than 0",
        ),
        (
            GOOD + "retry_attempts = 0\n",
            "gw.toml: connection 'ch-prod': field 'retry_attempts': must be a whole number >= 1",
        ),
        ("", "gw.toml: no [[connections]] defined"),
        ("[cache]\nsize = 1\n" + GOOD, "gw.toml: [cache]: unknown field 'size'"),
        (
            "[subscriptions]\npoll_interval_seconds = 0\n" + GOOD,
            "gw.toml: [subscriptions]: field 'poll_interval_seconds': must be a number >= 0.01",
        ),
        (
            "[subscriptions]\npush = true\n" + GOOD,
            "gw.toml: [subscriptions]: unknown field 'push'",
        ),
        (
            '[cache]\nbackend = "memcached"\n' + GOOD,
            "gw.toml: [cache]: field 'backend': unknown backend 'memcached' (known: memory, redis)",
        ),
        (
            '[cache]\nbackend = "redis"\n' + GOOD,
            "gw.toml: [cache]: field 'url': missing (required with backend = \"redis\")",
        ),
        (
            '[cache]\nbackend = "redis"\nurl = "http://r:6379"\n' + GOOD,
            "gw.toml: [cache]: field 'url': not a redis://, rediss:// or unix:// URL",
        ),
        (
            '[cache]\nurl = "redis://r:6379"\n' + GOOD,
            "gw.toml: [cache]: field 'url': only with backend = \"redis\"",
        ),
        (
            "[cache]\ninstances = 0\n" + GOOD,
            "gw.toml: [cache]: field 'instances': must be a whole number >= 1",
        ),
        (
            "[cache.ttl]\nwidgets = 5\n" + GOOD,
            "gw.toml: [cache].ttl: unknown resource kind 'widgets'",
        ),
        (
            "[cache.stale]\ndatabases = -1\n" + GOOD,
            "gw.toml: [cache].stale: field 'databases': must be a number >= 0",
        ),
        ("[cache]\nenabled = 1\n" + GOOD, "gw.toml: [cache]: field 'enabled': wrong type int"),
        ("[[connections]\n", "gw.toml: not valid TOML"),
        (
            '[[connections]]\nvendor = "clickhouse"\n',
            "gw.toml: connection #1: field 'name': missing",
        ),
        (
            GOOD + 'simulator_account = "acme"\n',
            "gw.toml: connection 'ch-prod': field 'simulator_account': only with simulated = true",
        ),
    ],
)
def test_a_bad_file_names_file_connection_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "gw.toml", ENV)

    assert str(caught.value).startswith(expected)
    assert "very-secret" not in str(caught.value)


def test_a_simulated_connection_needs_no_url_or_credentials() -> None:
    config = parse_config(
        with_open_auth('[[connections]]\nname = "s"\nvendor = "clickhouse"\nsimulated = true\n'),
        "x",
        {},
    )

    (conn,) = config.connections
    assert conn.simulated
    assert conn.base_url == "https://api.clickhouse.cloud"
    assert conn.http.rate_limit is None


def test_cache_settings_default_per_kind_and_can_be_overridden() -> None:
    config = parse_config(
        "[cache]\nmax_entries = 50\n[cache.ttl]\ndatabases = 2\n[cache.stale]\nbackups = 60\n"
        + with_open_auth(GOOD),
        "gw.toml",
        ENV,
    )
    policy = config.cache.policy
    assert (config.cache.backend, config.cache.max_entries) == ("memory", 50)
    assert (policy.ttl_for("databases"), policy.ttl_for("organizations")) == (2.0, 60.0)
    assert (policy.stale_for("backups"), policy.stale_for("databases")) == (60.0, 0.0)


def test_rate_limit_can_be_configured() -> None:
    text = GOOD + "rate_limit_requests = 5\nrate_limit_window_seconds = 1\n"

    (conn,) = parse_config(with_open_auth(text), "gw.toml", ENV).connections

    assert conn.http.rate_limit == (5, 1.0)


def test_an_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **(env or {})},
        timeout=60,
        check=False,
    )


def test_check_config_reports_a_bad_file_in_one_line_with_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(GOOD.replace("CH_KEY_SECRET", "UNSET_VAR"))

    result = _cli("check-config", str(path), env={"CH_KEY_ID": "x"})

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"dbaas-gateway: configuration error: {path}: connection 'ch-prod': "
        "field 'key_secret_env': environment variable UNSET_VAR is not set"
    ]


def test_check_config_accepts_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(with_open_auth(GOOD))

    result = _cli("check-config", str(path), env=ENV)

    assert result.returncode == 0, result.stderr
    assert "ch-prod (clickhouse)" in result.stdout


def test_serve_with_a_bad_config_from_the_environment_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(GOOD + "bogus = 1\n")

    result = _cli("serve", env={"DBAAS_GATEWAY_CONFIG": str(path), **ENV})

    assert result.returncode == 2
    assert "unknown field 'bogus'" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_documents_the_options() -> None:
    result = _cli("--help")

    assert result.returncode == 0
    for option in ("--host", "--port", "--config", "--log-level", "check-config", "schema"):
        assert option in result.stdout


def test_a_bad_vendor_value_is_a_config_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(
        '[[connections]]\nname = "astra"\nvendor = "astra"\nsimulated = true\n'
        'account_id = "4a3c1f0e-7b2d-4e91-a6c5-0d8f2b7e9c13"\npage_size = "many"\n' + OPEN_AUTH
    )

    result = _cli("check-config", str(path))

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "connection 'astra'" in result.stderr and "page_size" in result.stderr
