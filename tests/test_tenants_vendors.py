"""Every vendor's credential scheme on a template connection, and FeatureBase's logins:
obtained with a caller's password, kept only by that credential's client, for at most the
token's lifetime."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.astra.sim.seed_data import DEMO_ACCOUNTS as ASTRA_ACCOUNTS
from adapters.dbaas.sim.seed_data import DEMO_ACCOUNTS as DBAAS_ACCOUNTS
from adapters.featurebase.sim.seed_data import DEMO_ACCOUNTS as FEATUREBASE_ACCOUNTS
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from adapters.model import Vendor
from tests.featurebase.conftest import FakeClock
from tests.gateway_client import GatewayClient, error_codes
from tests.tenants_support import BFF, TOKENS, ask, headers

LOGIN = FEATUREBASE_ACCOUNTS["demo-user"]
PASSWORD = {
    "X-Credential-Featurebase-Username": LOGIN["username"],
    "X-Credential-Featurebase-Password": LOGIN["password"],
}
API_KEY = {"X-Credential-Featurebase-Api-Key": FEATUREBASE_ACCOUNTS["demo-key"]["api_key"]}
ASTRA = {
    "X-Credential-Astra-Token": ASTRA_ACCOUNTS["demo"]["token"],
    "X-Credential-Astra-Account-Id": ASTRA_ACCOUNTS["demo"]["account_id"],
}
DBAAS = {
    "X-Credential-Dbaas-Username": DBAAS_ACCOUNTS["admin"]["username"],
    "X-Credential-Dbaas-Password": DBAAS_ACCOUNTS["admin"]["password"],
}


def template(vendor: str) -> str:
    return f"""
[[connections]]
name = "{vendor}-tenant"
vendor = "{vendor}"
simulated = true
credentials = "caller"
"""


def orgs(vendor: str) -> str:
    return f'{{ organizations(connection: "{vendor}-tenant") {{ name }} }}'


def databases(vendor: str) -> str:
    return f'{{ databases(filter: {{connection: "{vendor}-tenant"}}) {{ totalCount }} }}'


@pytest.mark.parametrize(
    ("vendor", "credential"),
    [("featurebase", API_KEY), ("featurebase", PASSWORD), ("astra", ASTRA), ("dbaas", DBAAS)],
)
async def test_each_vendors_scheme_reaches_its_simulator(
    vendor: str, credential: dict[str, str]
) -> None:
    async with GatewayClient.from_toml(template(vendor) + "[auth]\n" + TOKENS) as gw:
        _, body = await ask(gw, databases(vendor), headers(BFF, credential))
        assert "errors" not in body, body
        assert body["data"]["databases"]["totalCount"] > 0
        wrong = {name: value + "-wrong" for name, value in credential.items()}
        wrong = {**credential, **{n: v for n, v in wrong.items() if "Account-Id" not in n}}

        _, refused = await ask(gw, databases(vendor), headers(BFF, wrong))

        assert error_codes(refused) in (["UNAUTHENTICATED"], ["FORBIDDEN"])
        assert all(v not in str(refused) for v in wrong.values() if len(v) > 8)


def _featurebase(clock: FakeClock) -> tuple[GatewayClient, FeatureBaseSimulator]:
    sim = FeatureBaseSimulator(clock=clock, token_ttl_seconds=300)
    gw = GatewayClient.from_toml(template("featurebase") + "[auth]\n" + TOKENS)
    gw.runtime.simulators[Vendor("featurebase")] = sim
    return gw, sim


async def _ask_orgs(gw: GatewayClient, credential: dict[str, str]) -> dict[str, Any]:
    _, body = await ask(gw, orgs("featurebase"), headers(BFF, credential))
    return body


async def test_a_callers_login_is_kept_by_its_credential_only_for_the_tokens_lifetime() -> None:
    clock = FakeClock()
    gw, sim = _featurebase(clock)
    async with gw:
        for _ in range(3):
            assert "errors" not in await _ask_orgs(gw, PASSWORD)
        assert sim.identity_log.count("POST", "/") == 1  # one login, reused

        # another credential (the same user's API key) never uses that login
        assert "errors" not in await _ask_orgs(gw, API_KEY)
        assert sim.identity_log.count("POST", "/") == 1

        # a wrong password logs in for itself, and is refused
        wrong = {**PASSWORD, "X-Credential-Featurebase-Password": "not-" + LOGIN["password"]}
        assert error_codes(await _ask_orgs(gw, wrong)) == ["UNAUTHENTICATED"]
        assert sim.identity_log.count("POST", "/") == 2

        clock.advance(301)  # the login's lifetime is over: it is not used again
        gw.expire_cache()
        assert "errors" not in await _ask_orgs(gw, PASSWORD)
        assert sim.identity_log.count("POST", "/") == 3
        assert {e.status for e in sim.log.entries} == {200}


async def test_an_astra_token_with_another_accounts_id_is_the_vendors_refusal() -> None:
    other = {**ASTRA, "X-Credential-Astra-Account-Id": "a1b2c3d4-0000-4000-8000-000000000099"}
    async with GatewayClient.from_toml(template("astra") + "[auth]\n" + TOKENS) as gw:
        _, body = await ask(gw, databases("astra"), headers(BFF, other))

        (request,) = gw.simulator("astra").log.entries
    assert error_codes(body) in (["FORBIDDEN"], ["NOT_FOUND"], ["UNAUTHENTICATED"])
    assert "000000000099" in request.path  # asked with the caller's account, and refused
