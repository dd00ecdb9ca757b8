"""DBaaS fixtures: a gateway over a simulated DBaaS connection, and ways to bend the simulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit, urlunsplit

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.dbaas.sim.simulator import DBaaSSimulator
from adapters.model import Vendor
from schema.ids import encode_id
from tests.gateway_client import GatewayClient

BASE_URL = "http://dbaas.internal:8000"
ORGANIZATION_NAME = "DC1 databases"

DBAAS_TOML = f"""
[[connections]]
name = "dbaas-dc1"
vendor = "dbaas"
simulated = true
base_url = "{BASE_URL}"
organization_name = "{ORGANIZATION_NAME}"
"""

GatewayFactory = Callable[[DBaaSSimulator], GatewayClient]

CONNECTION = "dbaas-dc1"
ORGANIZATION_ID = encode_id("Organization", CONNECTION, ("default",))
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def gid(type_name: str, native_id: str) -> str:
    """The global ID of a DBaaS object of the test connection."""
    return encode_id(type_name, CONNECTION, (native_id,))


def writes(sim: DBaaSSimulator) -> int:
    """Upstream write calls the simulator answered."""
    return sum(sim.log.count(method) for method in WRITE_METHODS)


def gateway_over(
    sim: DBaaSSimulator, toml: str = DBAAS_TOML, env: dict[str, str] | None = None
) -> GatewayClient:
    """A gateway whose DBaaS connections talk to ``sim`` (enter it with ``async with``)."""
    gw = GatewayClient.from_toml(toml, env)
    gw.runtime.simulators[Vendor("dbaas")] = sim
    return gw


@pytest.fixture
async def dbaas() -> AsyncIterator[GatewayClient]:
    """One simulated DBaaS connection with the seed's sample data."""
    async with gateway_over(DBaaSSimulator()) as gw:
        yield gw


def bulk_simulator(databases: int, plans: int, **options: int) -> DBaaSSimulator:
    """No seed data: one environment, ``plans`` plans, ``databases`` databases spread
    round-robin over the plans, each with its ``u_<name>`` credential."""
    sim = DBaaSSimulator(seed=False, **options)
    env = sim.add_environment("dev", stage=1)
    plan_ids = [sim.add_plan(f"plan_{p}", environments=[env["id"]])["id"] for p in range(plans)]
    for i in range(databases):
        sim.add_database(f"db_{i:03d}", plan=plan_ids[i % plans], environment=env["id"])
    return sim


class HostRecorder:
    """ASGI wrapper around a simulator: records the Host every request was sent to, and
    can rewrite the host of ``_links.next`` in list bodies (a hostile or misconfigured
    proxy in front of the vendor) to show the gateway does not follow it."""

    def __init__(self, app: ASGIApp, *, next_host: str | None = None) -> None:
        self.app = app
        self.next_host = next_host
        self.hosts: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        self.hosts.append(headers.get(b"host", b"").decode())
        if self.next_host is None:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                body = self._rewrite(b"".join(chunks))
                start["headers"] = [
                    (k, str(len(body)).encode() if k == b"content-length" else v)
                    for k, v in start["headers"]
                ]
                await send(start)
                await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffer)

    def _rewrite(self, body: bytes) -> bytes:
        try:
            data = json.loads(body)
        except ValueError:
            return body
        links = data.get("_links") if isinstance(data, dict) else None
        if isinstance(links, dict) and isinstance(links.get("next"), str):
            parts = urlsplit(links["next"])
            links["next"] = urlunsplit(parts._replace(netloc=self.next_host))
            return json.dumps(data).encode()
        return body
