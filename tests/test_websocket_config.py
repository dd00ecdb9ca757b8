"""The settings of issue 15's WebSocket and subscription limits: defaults, and one clear
line for a bad value (kept apart from tests/test_config.py's table of bad files)."""

from __future__ import annotations

import pytest

from gateway.config import ConfigError, parse_config
from tests.conftest import CLICKHOUSE_TWO_ORGS
from tests.gateway_client import with_open_auth

CONNECTIONS = with_open_auth(CLICKHOUSE_TWO_ORGS)


def test_the_defaults() -> None:
    config = parse_config(CONNECTIONS, "gw.toml", {})

    assert config.limits.body_timeout_seconds == 10
    assert config.limits.websocket_init_timeout_seconds == 5
    assert config.limits.max_websocket_connections == 1000
    assert config.subscriptions.max_per_caller == 20
    assert config.subscriptions.max_polled_per_connection == 20
    assert {c.http.poll_share for c in config.connections} == {0.5}


def test_each_can_be_set() -> None:
    text = CONNECTIONS.replace(
        'simulator_account = "acme"', 'simulator_account = "acme"\npoll_share = 1'
    )
    text += (
        "[limits]\nbody_timeout_seconds = 2.5\nwebsocket_init_timeout_seconds = 1\n"
        "max_websocket_connections = 10\n"
        "[subscriptions]\nmax_per_caller = 3\nmax_polled_per_connection = 4\n"
    )

    config = parse_config(text, "gw.toml", {})

    assert config.limits.body_timeout_seconds == 2.5
    assert config.limits.websocket_init_timeout_seconds == 1.0
    assert config.limits.max_websocket_connections == 10
    assert (
        config.subscriptions.max_per_caller,
        config.subscriptions.max_polled_per_connection,
    ) == (3, 4)
    assert [c.http.poll_share for c in config.connections] == [1.0, 0.5]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "[limits]\nbody_timeout_seconds = 0\n",
            "[limits]: field 'body_timeout_seconds': must be a number greater than 0 "
            "and at most 31536000 (365 days)",
        ),
        (
            "[limits]\nwebsocket_init_timeout_seconds = inf\n",
            "[limits]: field 'websocket_init_timeout_seconds': must be a finite number greater "
            "than 0 and at most 31536000 (365 days), not inf",
        ),
        (
            "[limits]\nwebsocket_init_timeout_seconds = nan\n",
            "[limits]: field 'websocket_init_timeout_seconds': must be a finite number greater "
            "than 0 and at most 31536000 (365 days), not nan",
        ),
        (
            "[limits]\nmax_websocket_connections = 0\n",
            "[limits]: field 'max_websocket_connections': must be a whole number >= 1",
        ),
        (
            "[subscriptions]\nmax_per_caller = 0\n",
            "[subscriptions]: field 'max_per_caller': must be a whole number >= 1",
        ),
        (
            "[subscriptions]\nmax_polled_per_connection = 2.5\n",
            "[subscriptions]: field 'max_polled_per_connection': wrong type float: "
            "must be a whole number >= 1",
        ),
    ],
)
def test_a_bad_value_is_one_line_naming_the_field(table: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(CONNECTIONS + table, "gw.toml", {})

    assert str(caught.value) == f"gw.toml: {expected}"


@pytest.mark.parametrize("share", ["0", "1.5", "-0.5", "nan"])
def test_a_poll_share_outside_0_to_1_is_refused(share: str) -> None:
    text = CONNECTIONS.replace(
        'simulator_account = "acme"', f'simulator_account = "acme"\npoll_share = {share}'
    )

    with pytest.raises(ConfigError) as caught:
        parse_config(text, "gw.toml", {})

    assert str(caught.value).startswith("gw.toml: connection 'ch-acme': field 'poll_share': ")
    assert "greater than 0 and at most 1" in str(caught.value)
