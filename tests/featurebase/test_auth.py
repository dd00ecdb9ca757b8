"""FeatureBase authentication end to end: API key, login, token expiry, shared re-logins.

The simulator and the adapter share one clock (a simulated connection keeps time with its
simulator), so expiry is driven by moving the clock, never by sleeping.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from adapters.featurebase.auth import REFUSED_LOGIN_BACKOFF_SECONDS
from adapters.featurebase.sim.simulator import DEMO_ACCOUNTS, FeatureBaseSimulator
from gateway.config import ConfigError, parse_config
from schema.ids import encode_id
from tests.featurebase.conftest import LOGIN_TOML, ORG_ID, FakeClock, gateway_over
from tests.gateway_client import GatewayClient, error_codes, with_open_auth

ORGANIZATIONS = "{ organizations { name connection { name } } }"
DATABASE_NAME = "query($id: ID!) { database(id: $id) { name } }"
API_PATHS = r"/v2/.*"
PASSWORD = DEMO_ACCOUNTS["demo-user"]["password"]
USERNAME = DEMO_ACCOUNTS["demo-user"]["username"]

CREDENTIALS_TOML = """
[[connections]]
name = "fb-prod"
vendor = "featurebase"
base_url = "https://api.featurebase.com"
"""


def _database_ids(sim: FeatureBaseSimulator, connection: str = "fb-login") -> list[str]:
    return [encode_id("Database", connection, (ORG_ID, d)) for d in sim.state.databases]


def _with_more_databases(sim: FeatureBaseSimulator, total: int) -> FeatureBaseSimulator:
    for n in range(total - len(sim.state.databases)):
        sim.add_database(f"extra-{n:02d}", owned_by=next(iter(sim.state.users)))
    return sim


async def test_an_api_key_goes_in_x_api_key_and_never_logs_in(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(ORGANIZATIONS)

    assert data["organizations"] == [
        {"name": "Initech FeatureBase", "connection": {"name": "fb-key"}}
    ]
    assert sim.identity_log.entries == []
    assert {e.status for e in sim.log.entries} == {200}


async def test_a_login_is_made_once_and_its_token_reused(
    fb_login: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    await fb_login.data(ORGANIZATIONS)
    await fb_login.data("{ databases { totalCount } }")

    assert sim.identity_log.count("POST", "/") == 1
    assert len(sim.log.entries) >= 3
    assert {e.status for e in sim.log.entries} == {200}


async def test_the_token_is_renewed_shortly_before_it_expires(clock: FakeClock) -> None:
    sim = FeatureBaseSimulator(clock=clock, token_ttl_seconds=300)
    async with gateway_over(sim, LOGIN_TOML) as gw:
        await gw.data(ORGANIZATIONS)
        clock.advance(250)  # well inside the lifetime: the token is kept
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        await gw.data(ORGANIZATIONS)
        assert sim.identity_log.count("POST", "/") == 1

        clock.advance(40)  # 290 s: 10 s left, inside the renewal margin
        gw.expire_cache()  # the vendor moved on: let cached reads expire
        await gw.data(ORGANIZATIONS)

    assert sim.identity_log.count("POST", "/") == 2
    # renewed before the simulator would refuse it: no request ever saw a 401
    assert {e.status for e in sim.log.entries} == {200}


async def test_an_expired_token_is_replaced_before_the_request_leaves(
    fb_login: GatewayClient, sim: FeatureBaseSimulator, clock: FakeClock
) -> None:
    await fb_login.data(ORGANIZATIONS)
    clock.advance(sim.token_ttl_seconds + 1)
    fb_login.expire_cache()  # the vendor moved on: let cached reads expire

    await fb_login.data(ORGANIZATIONS)

    assert sim.identity_log.count("POST", "/") == 2
    assert {e.status for e in sim.log.entries} == {200}


async def test_twenty_concurrent_queries_after_expiry_share_one_login(clock: FakeClock) -> None:
    sim = _with_more_databases(FeatureBaseSimulator(clock=clock), 20)
    async with gateway_over(sim, LOGIN_TOML) as gw:
        await gw.data(ORGANIZATIONS)
        clock.advance(sim.token_ttl_seconds + 1)
        sim.identity_log.clear()
        sim.log.clear()

        # 20 different upstream GETs, so no single-flight coalescing hides a login storm
        answers = await asyncio.gather(
            *(gw.data(DATABASE_NAME, {"id": i}) for i in _database_ids(sim))
        )

    assert len({a["database"]["name"] for a in answers}) == 20
    assert sim.identity_log.count("POST", "/") == 1
    assert sim.log.count("GET", r"/v2/databases/[^/]+") == 20
    assert {e.status for e in sim.log.entries} == {200}


async def test_a_401_mid_session_costs_one_login_and_one_retry(
    fb_login: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    await fb_login.data(ORGANIZATIONS)
    sim.faults.add(401, path="/v2/databases", method="GET", times=1)

    data = await fb_login.data("{ databases(first: 100) { totalCount } }")

    assert data["databases"]["totalCount"] == 13
    assert sim.identity_log.count("POST", "/") == 2
    assert [e.status for e in sim.log.matching("GET", "/v2/databases")] == [401, 200]


async def test_a_401_that_persists_is_answered_after_one_retry_not_a_loop(
    fb_login: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    await fb_login.data(ORGANIZATIONS)
    sim.faults.add(401, path="/v2/databases", method="GET", times=None)

    body = await fb_login.post("{ databases(first: 100) { totalCount } }")

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["extensions"]["connection"] == "fb-login"
    assert sim.identity_log.count("POST", "/") == 2
    assert sim.log.count("GET", "/v2/databases") == 2


async def test_tokens_the_vendor_dropped_are_replaced_by_one_shared_login(
    clock: FakeClock,
) -> None:
    sim = _with_more_databases(FeatureBaseSimulator(clock=clock), 20)
    async with gateway_over(sim, LOGIN_TOML) as gw:
        await gw.data(ORGANIZATIONS)
        sim.state.sessions.clear()  # the vendor forgets every session: 20 requests see 401
        sim.log.clear()

        answers = await asyncio.gather(
            *(gw.data(DATABASE_NAME, {"id": i}) for i in _database_ids(sim))
        )

    assert all(a["database"] for a in answers)
    assert sim.identity_log.count("POST", "/") == 2
    by_path: dict[str, list[int]] = {}
    for entry in sim.log.entries:
        by_path.setdefault(entry.path, []).append(entry.status)
    # requests in flight with the dropped token retry once; later ones start with the new
    # one (the connection sends 8 at a time)
    assert set(map(tuple, by_path.values())) == {(401, 200), (200,)}
    assert len(by_path) == 20


async def test_a_wrong_password_is_unauthenticated_and_never_shown(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Swordfish-wrong-2026"
    toml = LOGIN_TOML + 'username_env = "FB_USER"\npassword_env = "FB_PASSWORD"\n'
    sim = FeatureBaseSimulator(clock=clock)
    async with gateway_over(sim, toml, {"FB_USER": USERNAME, "FB_PASSWORD": wrong}) as gw:
        body = await gw.post(ORGANIZATIONS)
        adapter_repr = repr(vars(gw.runtime.adapters["fb-login"]))

    assert body["data"] == {"organizations": []}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["extensions"]["connection"] == "fb-login"
    assert "fb-login" in error["message"]
    for shown in (str(body), caplog.text, adapter_repr):
        assert wrong not in shown
        assert USERNAME not in shown  # a secret too (username_env)
    assert sim.log.entries == []  # nothing reached the API without a token


async def test_a_refused_login_is_not_retried_until_the_backoff_passes(
    clock: FakeClock,
) -> None:
    toml = LOGIN_TOML + 'username_env = "FB_USER"\npassword_env = "FB_PASSWORD"\n'
    sim = FeatureBaseSimulator(clock=clock)
    env = {"FB_USER": USERNAME, "FB_PASSWORD": "not-it"}
    async with gateway_over(sim, toml, env) as gw:
        first = await gw.post(ORGANIZATIONS)
        again = await gw.post(ORGANIZATIONS)
        assert sim.identity_log.count("POST", "/") == 1  # identity services lock accounts
        clock.advance(REFUSED_LOGIN_BACKOFF_SECONDS + 1)
        later = await gw.post(ORGANIZATIONS)

    assert error_codes(first) == error_codes(again) == error_codes(later) == ["UNAUTHENTICATED"]
    assert sim.identity_log.count("POST", "/") == 2


async def test_a_wrong_api_key_is_unauthenticated_without_a_retry(clock: FakeClock) -> None:
    toml = 'name = "fb-key"\nvendor = "featurebase"\nsimulated = true\napi_key_env = "FB_KEY"\n'
    sim = FeatureBaseSimulator(clock=clock)
    async with gateway_over(sim, "[[connections]]\n" + toml, {"FB_KEY": "no-such-key"}) as gw:
        body = await gw.post(ORGANIZATIONS)

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["extensions"]["connection"] == "fb-key"
    assert error["extensions"]["upstreamStatus"] == 401
    assert "no-such-key" not in str(body)
    assert len(sim.log.entries) == 1 and sim.identity_log.entries == []


def test_configuration_takes_exactly_one_credential_form() -> None:
    env = {"K": "key", "U": "user", "P": "pw"}
    key = parse_config(with_open_auth(CREDENTIALS_TOML + 'api_key_env = "K"\n'), "fb.toml", env)
    login = parse_config(
        with_open_auth(
            CREDENTIALS_TOML + 'username_env = "U"\npassword_env = "P"\n'
            'identity_url = "https://id.example.test"\n'
        ),
        "fb.toml",
        env,
    )

    assert key.connections[0].secrets["api_key"].reveal() == "key"
    assert "identity_url" not in key.connections[0].options  # the default applies in the adapter
    assert login.connections[0].options["identity_url"] == "https://id.example.test"
    assert "pw" not in repr(login.connections[0])
    for extra, expected in [
        ('api_key_env = "K"\nusername_env = "U"\npassword_env = "P"\n', "give exactly one of"),
        ("", "give exactly one of"),
        ('username_env = "U"\n', "field 'password_env': missing"),
    ]:
        with pytest.raises(ConfigError, match=expected):
            parse_config(CREDENTIALS_TOML + extra, "fb.toml", env)
