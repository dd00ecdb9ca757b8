"""Configuration refuses what is dangerous (issue 15, class 11).

Each dangerous input stops ``check-config`` and ``serve`` with exit code 2 and one line
naming the file, the table or connection, and the field, never a traceback and never the
secret; a legitimate but dangerous choice (a trusted proxy covering everything) is a
warning at startup instead. The bulk runs through ``gateway.cli.main`` in this process;
one case of each kind runs the real command as a child process.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from gateway.cli import main, startup_lines
from gateway.config import (
    CACHE_KEYS,
    COMMON_KEYS,
    SUBSCRIPTION_KEYS,
    load_config,
    parse_config,
)
from gateway.limits import LIMIT_KEYS
from gateway.server_settings import SERVER_KEYS
from tests.gateway_client import OPEN_AUTH, GatewayClient
from tests.served import free_port, serving

SIMULATED = '[[connections]]\nname = "ch"\nvendor = "clickhouse"\nsimulated = true\n'
REAL = """
[[connections]]
name = "ch"
vendor = "clickhouse"
base_url = "https://api.clickhouse.cloud"
key_id_env = "CH_KEY_ID"
key_secret_env = "CH_KEY_SECRET"
"""
KEY_SECRET = "ch-key-secret-9d3f7a2b6c1e"
ENV = {"CH_KEY_ID": "ch-key-id-4a1b", "CH_KEY_SECRET": KEY_SECRET}
CONNECTIONS_QUERY = "{ connections { name baseUrl } }"


@pytest.fixture
def vendor_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The credentials ``REAL`` names, in this process's environment."""
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)


def check_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> tuple[int, Path, list[str], str]:
    """``dbaas-gateway check-config`` on ``text`` as a file, through the CLI's ``main``:
    (exit code, path, stderr lines, stdout)."""
    path = tmp_path / "gw.toml"
    path.write_text(text)
    code = main(["check-config", str(path)])
    out, err = capsys.readouterr()
    return code, path, err.strip().splitlines(), out


def run_cli(
    *args: str, env: Mapping[str, str] | Mapping[bytes, bytes] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The real command, as an operator runs it (``env``: its whole environment but PATH;
    bytes where a value is not text)."""
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **(env or {})},  # type: ignore[dict-item]
        timeout=timeout,
        check=False,
    )


def assert_one_config_error(code: int, lines: list[str], path: Path, *expected: str) -> None:
    assert code == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"dbaas-gateway: configuration error: {path}: ")
    for part in expected:
        assert part in lines[0]


# -- non-finite numbers -------------------------------------------------------------------

#: every non-whole numeric setting: (where the message says it is, TOML table, key)
FRACTIONS = frozenset({"poll_share"})
NUMBER_SETTINGS = [
    ("connection 'ch'", None, "connect_timeout_seconds"),
    ("connection 'ch'", None, "read_timeout_seconds"),
    ("connection 'ch'", None, "rate_limit_window_seconds"),
    ("connection 'ch'", None, "retry_backoff_seconds"),
    ("connection 'ch'", None, "breaker_cooldown_seconds"),
    ("connection 'ch'", None, "max_retry_after_seconds"),
    ("connection 'ch'", None, "poll_share"),
    ("[server]", "server", "request_timeout_seconds"),
    ("[limits]", "limits", "rate_limit_window_seconds"),
    ("[limits]", "limits", "body_timeout_seconds"),
    ("[limits]", "limits", "websocket_init_timeout_seconds"),
    ("[subscriptions]", "subscriptions", "poll_interval_seconds"),
    ("[subscriptions]", "subscriptions", "max_backoff_seconds"),
    ("[cache]", "cache", "timeout_seconds"),
    ("[cache].ttl", "cache.ttl", "databases"),
    ("[cache].stale", "cache.stale", "databases"),
]


def with_setting(table: str | None, key: str, value: str) -> str:
    if table is None:  # a connection's own key; a window comes with its request count
        extra = "rate_limit_requests = 5\n" if key == "rate_limit_window_seconds" else ""
        return SIMULATED + f"{key} = {value}\n{extra}" + OPEN_AUTH
    return f"[{table}]\n{key} = {value}\n" + SIMULATED + OPEN_AUTH


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+inf", "-nan"])
@pytest.mark.parametrize(("where", "table", "key"), NUMBER_SETTINGS)
def test_a_non_finite_number_is_refused_in_every_numeric_setting(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    table: str | None,
    key: str,
    value: str,
) -> None:
    code, path, lines, _ = check_config(tmp_path, capsys, with_setting(table, key, value))

    assert_one_config_error(code, lines, path, f"{where}: field '{key}': must be a finite number")


@pytest.mark.parametrize(("where", "table", "key"), NUMBER_SETTINGS)
def test_a_duration_longer_than_a_year_is_refused_in_every_numeric_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, table: str | None, key: str
) -> None:
    # finite, but as a Redis expiry or window it fails every call ("out of range"), which
    # the gateway takes for Redis being away
    code, path, lines, _ = check_config(tmp_path, capsys, with_setting(table, key, "1e300"))

    # a fraction (poll_share) has its own, smaller, maximum
    most = "at most 1" if key in FRACTIONS else "at most 31536000"
    assert_one_config_error(code, lines, path, f"{where}: field '{key}': must be a number", most)


def test_every_numeric_setting_is_in_the_non_finite_list() -> None:
    from gateway.config_values import Number  # (here: the cases above run on older code)

    tables = {
        None: COMMON_KEYS,
        "server": SERVER_KEYS,
        "limits": LIMIT_KEYS,
        "subscriptions": SUBSCRIPTION_KEYS,
        "cache": CACHE_KEYS,
    }
    declared = {
        (table, key)
        for table, keys in tables.items()
        for key, (_, kind) in keys.items()
        if isinstance(kind, Number) and not kind.whole
    }

    assert declared | {("cache.ttl", "databases"), ("cache.stale", "databases")} == {
        (table, key) for _, table, key in NUMBER_SETTINGS
    }


#: every whole-number setting: (where the message says it is, TOML table, key)
WHOLE_SETTINGS = [
    ("[limits]", "limits", key)
    for key, (_, kind) in LIMIT_KEYS.items()
    if getattr(kind, "whole", False)
] + [
    ("[subscriptions]", "subscriptions", key)
    for key, (_, kind) in SUBSCRIPTION_KEYS.items()
    if getattr(kind, "whole", False)
]


@pytest.mark.parametrize("digits", ["1" + "0" * 400, "-1" + "0" * 400, str(2**53)])
@pytest.mark.parametrize(("where", "table", "key"), WHOLE_SETTINGS)
def test_a_whole_number_past_what_a_float_holds_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    table: str,
    key: str,
    digits: str,
) -> None:
    """400 digits used to end in OverflowError's traceback."""
    code, path, lines, _ = check_config(tmp_path, capsys, with_setting(table, key, digits))

    assert_one_config_error(
        code, lines, path, f"{where}: field '{key}'", "at most 9007199254740991"
    )


def test_toml_nested_past_the_parser_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = "x = " + "[" * 2000 + "1" + "]" * 2000 + "\n"

    code, path, lines, _ = check_config(tmp_path, capsys, nested + SIMULATED + OPEN_AUTH)

    assert_one_config_error(code, lines, path, "not valid TOML: nested too deeply")


@pytest.mark.parametrize("value", ["1e-9", "0.001", "0"])
def test_a_poll_interval_that_would_be_a_busy_loop_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    text = with_setting("subscriptions", "poll_interval_seconds", value)

    code, path, lines, _ = check_config(tmp_path, capsys, text)

    assert_one_config_error(code, lines, path, "poll_interval_seconds", ">= 0.01")


def test_a_non_finite_number_stops_the_real_serve_command_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(with_setting(None, "rate_limit_window_seconds", "nan"))

    result = run_cli("serve", "--config", str(path), "--port", str(free_port()), timeout=30)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"dbaas-gateway: configuration error: {path}: connection 'ch': "
        "field 'rate_limit_window_seconds': must be a finite number greater than 0 and at "
        "most 31536000 (365 days), not nan"
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("serve", "--transition-seconds", "nan"),
        ("serve", "--transition-seconds", "inf"),
        ("simulator", "--vendor", "clickhouse", "--latency-ms", "inf"),
        ("simulator", "--vendor", "clickhouse", "--rate-limit", "10/inf"),
        ("simulator", "--vendor", "clickhouse", "--rate-limit", "10/nan"),
    ],
)
def test_a_non_finite_number_on_the_command_line_is_refused(args: tuple[str, ...]) -> None:
    # (today's main starts serving instead: the timeout ends it)
    result = run_cli(*args, "--port", str(free_port()), timeout=30)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert args[-1] in result.stderr.strip().splitlines()[-1]


# -- a file that is not UTF-8 -------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    head = SIMULATED.encode() + b'simulator_account = "acm'
    path.write_bytes(head + b'\xe9"\n' + OPEN_AUTH.encode())  # Latin-1, not UTF-8

    for args in (("check-config", str(path)), ("serve", "--config", str(path))):
        result = run_cli(*args, timeout=30)

        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [
            f"dbaas-gateway: configuration error: {path}: not UTF-8 text (byte {len(head) + 1} "
            "is not valid UTF-8); TOML files are UTF-8: save it as UTF-8"
        ]


# -- a secret where the name of its variable belongs --------------------------------------

#: what an operator pastes into key_secret_env instead of a variable name
PASTED_SECRETS = [
    "hunter2-correct-horse-battery",  # not a name at all ("-")
    "4b1d7e0c9a8f6e5d4c3b2a1908f7e6d5",  # hex, starts with a digit
    "Zq8vR2mLk4pW7tY3uB9xQe",  # mixed case: a legal name, but not one anybody writes
    "AKIAIOSFODNN7EXAMPLE",  # upper case, no "_": an access key ID, not a name
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",  # a JWT
    "s3cr3t value with spaces",
]


@pytest.mark.parametrize("secret", PASTED_SECRETS)
@pytest.mark.usefixtures("vendor_env")
def test_a_secret_pasted_into_an_env_field_is_refused_without_echoing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret: str
) -> None:
    text = REAL.replace('"CH_KEY_SECRET"', f'"{secret}"') + OPEN_AUTH

    code, path, lines, out = check_config(tmp_path, capsys, text)

    assert_one_config_error(code, lines, path, "connection 'ch': field 'key_secret_env': ")
    assert secret not in lines[0] and secret not in out
    assert "not shown" in lines[0]


@pytest.mark.parametrize("secret", PASTED_SECRETS[:2])
def test_a_secret_pasted_into_the_cache_key_field_is_refused_without_echoing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], secret: str
) -> None:
    text = f'[cache]\nkey_secret_env = "{secret}"\n' + SIMULATED + OPEN_AUTH

    code, path, lines, out = check_config(tmp_path, capsys, text)

    assert_one_config_error(code, lines, path, "[cache]: field 'key_secret_env': ")
    assert secret not in lines[0] and secret not in out


def test_the_real_command_never_prints_a_pasted_secret(tmp_path: Path) -> None:
    secret = "Zq8vR2mLk4pW7tY3uB9xQe"
    path = tmp_path / "gw.toml"
    path.write_text(REAL.replace('"CH_KEY_SECRET"', f'"{secret}"') + OPEN_AUTH)

    result = run_cli("check-config", str(path), env={"CH_KEY_ID": "x"})

    assert result.returncode == 2
    assert secret not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"dbaas-gateway: configuration error: {path}: connection 'ch': field 'key_secret_env': "
        "the environment variable it names (not shown: it does not read as a name) is not set"
    ]


def test_a_conventional_variable_name_is_still_named_when_it_is_not_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, path, lines, _ = check_config(tmp_path, capsys, REAL + OPEN_AUTH)

    assert_one_config_error(
        code, lines, path, "field 'key_id_env': environment variable CH_KEY_ID is not set"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (KEY_SECRET.encode() + b"\n", "holds a control character"),
        (KEY_SECRET.encode() + b"\xff", "is not UTF-8 text"),
    ],
)
def test_a_secret_that_cannot_go_into_a_header_is_refused_without_echoing_it(
    tmp_path: Path, value: bytes, problem: str
) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(REAL + OPEN_AUTH)
    env = {b"CH_KEY_ID": b"ch-key-id-4a1b", b"CH_KEY_SECRET": value}  # bytes: any value

    result = run_cli("check-config", str(path), env=env)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert KEY_SECRET not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"dbaas-gateway: configuration error: {path}: connection 'ch': field 'key_secret_env': "
        f"environment variable CH_KEY_SECRET {problem}"
        + (" (a trailing newline from a file?)" if "control" in problem else "")
    ]


# -- credentials (and other damage) in a vendor URL -----------------------------------------


@pytest.mark.usefixtures("vendor_env")
@pytest.mark.parametrize(
    ("url", "secret", "problem"),
    [
        ("https://admin:Pa55-w0rd-x@api.example.com", "Pa55-w0rd-x", "must not hold credentials"),
        ("https://:Pa55-w0rd-x@api.example.com", "Pa55-w0rd-x", "must not hold credentials"),
        ("https://tok-3c9e1f7a@api.example.com/v1", "tok-3c9e1f7a", "must not hold credentials"),
        ("https://api.example.com/?api_key=k-77f1a0c4", "k-77f1a0c4", "must not have a query"),
        ("https://api.example.com/v1#k-77f1a0c4", "k-77f1a0c4", "must not have a query"),
        ("admin:Pa55-w0rd-x@api.example.com", "Pa55-w0rd-x", "is not an http(s) URL"),
        ("http://[api.example.com", None, "is not an http(s) URL"),
        ("https://api.example.com:99999", None, "is not an http(s) URL"),
        ("https://api.example.com\\u0000", None, "is not an http(s) URL"),
        ("https://api example.com", None, "is not an http(s) URL"),
    ],
)
def test_a_dangerous_or_broken_base_url_is_refused_without_echoing_a_secret(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    url: str,
    secret: str | None,
    problem: str,
) -> None:
    text = REAL.replace("https://api.clickhouse.cloud", url) + OPEN_AUTH

    code, path, lines, _ = check_config(tmp_path, capsys, text)

    assert_one_config_error(code, lines, path, "connection 'ch': field 'base_url': ", problem)
    assert secret is None or secret not in lines[0]


def test_credentials_in_the_featurebase_identity_url_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        '[[connections]]\nname = "fb"\nvendor = "featurebase"\nsimulated = true\n'
        'identity_url = "https://me:Pa55-w0rd-x@id.featurebase.com"\n' + OPEN_AUTH
    )

    code, path, lines, _ = check_config(tmp_path, capsys, text)

    assert_one_config_error(
        code, lines, path, "connection 'fb': field 'identity_url': must not hold credentials"
    )
    assert "Pa55-w0rd-x" not in lines[0]


def test_the_real_command_refuses_credentials_in_base_url_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(
        REAL.replace("https://", "https://admin:Pa55-w0rd-x@") + OPEN_AUTH,
    )

    result = run_cli("check-config", str(path), env=ENV)

    assert result.returncode == 2
    assert "Pa55-w0rd-x" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"dbaas-gateway: configuration error: {path}: connection 'ch': field 'base_url': "
        "must not hold credentials (user:password@host); give them in the connection's "
        "*_env fields (the value is not shown)"
    ]


async def test_connections_never_show_user_info_even_if_one_slipped_past_the_config() -> None:
    config = parse_config(SIMULATED + OPEN_AUTH, "gw.toml", {})
    (connection,) = config.connections
    slipped = dataclasses.replace(
        connection, base_url="https://admin:Pa55-w0rd-x@api.clickhouse.cloud/v1?key=k-77f1a0c4"
    )
    gateway = GatewayClient(dataclasses.replace(config, connections=(slipped,)))

    async with gateway:
        data = await gateway.data(CONNECTIONS_QUERY)

    assert data == {"connections": [{"name": "ch", "baseUrl": "https://api.clickhouse.cloud/v1"}]}


# -- a trusted proxy covering everything ---------------------------------------------------


def proxy(*addresses: str) -> str:
    listed = ", ".join(f'"{a}"' for a in addresses)
    return SIMULATED + f"[auth]\n[auth.trusted_proxy]\naddresses = [{listed}]\n"


@pytest.mark.parametrize(
    ("address", "shown", "covers"),
    [
        ("0.0.0.0/0", "0.0.0.0/0", "every address"),
        ("::/0", "::/0", "every address"),
        ("192.0.2.1/0", "0.0.0.0/0", "every address"),  # host bits dropped: all of it
        ("0.0.0.0/1", "0.0.0.0/1", "2^31 addresses"),
        ("::ffff:0:0/96", "::ffff:0:0/96", "every IPv4 address (as ::ffff:a.b.c.d)"),
        ("::ffff:0:0/100", "::ffff:0:0/100", "2^28 addresses"),
        ("2000::/3", "2000::/3", "2^125 addresses"),
    ],
)
def test_a_trusted_proxy_covering_too_much_starts_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str, shown: str, covers: str
) -> None:
    code, _, lines, out = check_config(tmp_path, capsys, proxy("10.0.0.0/8", address))

    assert code == 0 and "OK" in out
    warning = (
        f"WARNING: [auth.trusted_proxy] addresses: '{shown}' covers {covers}: any client "
        "connecting from there can name itself any user and role; list only the proxy's "
        "own addresses"
    )
    assert lines == [f"dbaas-gateway: {warning}"]
    config = load_config(tmp_path / "gw.toml")
    assert startup_lines(config, "http://h/graphql")[-1] == warning


@pytest.mark.parametrize(
    "address", ["10.0.0.0/8", "127.0.0.1", "172.16.0.0/12", "2001:db8::/32", "::ffff:10.0.0.0/104"]
)
def test_a_trusted_proxy_of_ordinary_networks_starts_without_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str
) -> None:
    code, _, lines, _ = check_config(tmp_path, capsys, proxy(address))

    assert code == 0
    assert lines == []


def test_serve_prints_the_proxy_warning_at_startup(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(proxy("0.0.0.0/0"))
    command = [sys.executable, "-m", "gateway.cli", "serve", "--config", str(path)]
    port = free_port()

    with serving([*command, "--port", str(port), "--log-level", "warning"], port) as (_, proc):
        proc.terminate()
        stdout, _ = proc.communicate(timeout=10)

    assert "dbaas-gateway: WARNING: [auth.trusted_proxy] addresses: '0.0.0.0/0'" in stdout


# -- credentials over plain http ------------------------------------------------------------

DBAAS = """
[[connections]]
name = "dc1"
vendor = "dbaas"
base_url = "{url}"
username_env = "DBAAS_USER"
password_env = "DBAAS_PASSWORD"
"""


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("http://dbaas.internal:8000", True),
        ("http://10.1.2.3", True),
        ("http://127.0.0.1:8000", False),
        ("http://localhost:8000", False),
        ("http://[::1]:8000", False),
        ("https://dbaas.internal", False),
    ],
)
def test_credentials_sent_over_plain_http_to_another_host_start_with_a_warning(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    warned: bool,
) -> None:
    monkeypatch.setenv("DBAAS_USER", "dbaas-user")
    monkeypatch.setenv("DBAAS_PASSWORD", "dbaas-password-0c7e")

    code, _, lines, _ = check_config(tmp_path, capsys, DBAAS.format(url=url) + OPEN_AUTH)

    assert code == 0
    expected = (
        "dbaas-gateway: WARNING: connection 'dc1': base_url is plain http to another host: "
        "its credentials and answers cross the network unencrypted; use https"
    )
    assert lines == ([expected] if warned else [])


def test_a_plain_http_identity_url_starts_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FB_USER", "someone@example.com")
    monkeypatch.setenv("FB_PASSWORD", "fb-password-5a2d")
    text = (
        '[[connections]]\nname = "fb"\nvendor = "featurebase"\n'
        'base_url = "https://api.featurebase.com"\nidentity_url = "http://id.example.com"\n'
        'username_env = "FB_USER"\npassword_env = "FB_PASSWORD"\n' + OPEN_AUTH
    )

    code, _, lines, _ = check_config(tmp_path, capsys, text)

    assert code == 0
    assert lines == [
        "dbaas-gateway: WARNING: connection 'fb': identity_url is plain http to another "
        "host: its credentials and answers cross the network unencrypted; use https"
    ]


# -- the cache key secret ------------------------------------------------------------------


def test_a_redis_cache_without_a_key_secret_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '[cache]\nbackend = "redis"\nurl = "redis://127.0.0.1:6379/0"\n' + SIMULATED
    code, path, lines, _ = check_config(tmp_path, capsys, text + OPEN_AUTH)

    assert_one_config_error(
        code,
        lines,
        path,
        "[cache]: field 'key_secret_env': missing (required with backend = \"redis\")",
    )


def test_a_short_cache_key_secret_is_refused_without_echoing_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GW_CACHE_KEY", "short-key-5f1c")
    text = '[cache]\nkey_secret_env = "GW_CACHE_KEY"\n' + SIMULATED + OPEN_AUTH

    code, path, lines, _ = check_config(tmp_path, capsys, text)

    assert_one_config_error(
        code,
        lines,
        path,
        "[cache]: field 'key_secret_env': environment variable GW_CACHE_KEY holds fewer "
        "than 32 characters",
    )
    assert "short-key-5f1c" not in lines[0]
