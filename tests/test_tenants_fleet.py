"""Two tenants on a fleet of real processes: two ``dbaas-gateway serve`` instances sharing
one redis-server, one ClickHouse simulator on a socket, and a template connection to it.
A tenant's answer fetched by one instance is what the other serves that tenant (shared
under the credential's fingerprint), and never what it serves the other tenant: counted
from the simulator's own request count."""

from __future__ import annotations

from typing import Any

import httpx

from tests.deployment import Deployment, Instance, deployment
from tests.gateway_client import OPEN_AUTH
from tests.tenants_support import BFF, ORG_NAMES, ORGS, TOKENS


def template(simulator_url: str) -> str:
    return f"""
[[connections]]
name = "ch"
vendor = "clickhouse"
base_url = "{simulator_url}"
credentials = "caller"
rate_limit_requests = 1000    # the documented 10 per 10 s would only slow the test down
rate_limit_window_seconds = 1
"""


def credentials(fleet: Deployment) -> dict[str, dict[str, str]]:
    """Each seeded organization's credential headers, as the simulator lists them."""
    accounts = httpx.get(f"{fleet.simulator_url}/_simulator/accounts", timeout=10).json()
    return {
        a["organization"]: {
            "Authorization": f"Bearer {BFF}",
            "X-Credential-Clickhouse-Key-Id": a["secrets"]["key_id"],
            "X-Credential-Clickhouse-Key-Secret": a["secrets"]["key_secret"],
        }
        for a in accounts
        if a["organization"] in ORG_NAMES
    }


def organizations(instance: Instance, request_headers: dict[str, str]) -> list[Any]:
    response = httpx.post(
        f"{instance.url}/graphql", json={"query": ORGS}, headers=request_headers, timeout=60
    )
    assert response.status_code == 200, response.text
    return [o["name"] for o in response.json()["data"]["organizations"]]


def test_two_tenants_on_two_instances_share_only_their_own_answers() -> None:
    # the template's simulator URL is known once the simulator runs: the fleet starts with
    # no instance, then each gets the configuration with the template
    with deployment(0) as fleet:
        configured = fleet.config.read_text().replace(OPEN_AUTH, "")
        fleet.config.write_text(configured + template(fleet.simulator_url) + "[auth]\n" + TOKENS)
        one, two = fleet.start_instance(), fleet.start_instance()
        tenants = credentials(fleet)
        counts = []

        for instance, tenant in ((one, "acme"), (two, "acme"), (two, "globex"), (one, "globex")):
            before = fleet.requests()
            assert organizations(instance, tenants[tenant]) == [ORG_NAMES[tenant]]
            counts.append(fleet.requests() - before)

    # each tenant's first ask goes upstream; the other instance serves it from Redis
    assert counts == [1, 0, 1, 0]
