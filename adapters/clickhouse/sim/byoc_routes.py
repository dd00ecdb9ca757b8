"""Route handlers of the ClickHouse Cloud simulator for BYOC infrastructure (2026-06 spec):
create, rename, remove. There is no BYOC list or GET in the spec: what exists shows in the
organization's own answer, its ``byocConfig``.

Our reading where the spec is silent: a new infrastructure is ready at once (no
provisioning is modelled); its cloud provider follows from its region; one per region; a
VPC range must be a private IPv4 CIDR; the account name is the account ID given; a
removed one leaves ``byocConfig``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from adapters.clickhouse.sim import current_spec as spec
from adapters.clickhouse.sim.state import Ctx, SimulatorBase
from adapters.clickhouse.sim.validation import JSON, ApiError, _fail

ORG = "/v1/organizations/{organizationId}"
BYOC = ORG + "/byocInfrastructure"
_GCP = {
    "us-east1",
    "us-central1",
    "europe-west2",
    "europe-west4",
    "asia-southeast1",
    "asia-northeast1",
}
_AZURE = {"eastus", "eastus2", "westus3", "germanywestcentral", "centralus"}


def _provider(region: str) -> str:
    if region in _GCP:
        return "gcp"
    return "azure" if region in _AZURE else "aws"


class ByocRoutes(SimulatorBase):
    def byoc_routes(self) -> list[tuple[str, str, Any, bool]]:
        return [
            ("POST", BYOC, self._create_byoc, True),
            ("PATCH", BYOC + "/{byocInfrastructureId}", self._patch_byoc, True),
            ("DELETE", BYOC + "/{byocInfrastructureId}", self._delete_byoc, True),
        ]

    def _configs(self, ctx: Ctx) -> list[JSON]:
        found: list[JSON] = ctx.org.organization.get("byocConfig", [])
        return found

    def _byoc(self, ctx: Ctx) -> JSON:
        wanted = ctx.params["byocInfrastructureId"]
        for config in self._configs(ctx):
            if config["id"] == wanted:
                return config
        raise ApiError(404, f"BYOC infrastructure {wanted} not found")

    async def _create_byoc(self, ctx: Ctx) -> Any:
        body = await spec.body(ctx, "POST", BYOC)
        for required in ("regionId", "accountId", "vpcCidrRange", "displayName"):
            if not body.get(required):
                raise _fail(f"{required} is required")
        try:
            network = ipaddress.ip_network(body["vpcCidrRange"], strict=True)
        except ValueError:
            raise _fail("vpcCidrRange must be a CIDR range") from None
        if network.version != 4 or not network.is_private:
            raise _fail("vpcCidrRange must be a private IPv4 range")
        region = body["regionId"]
        if any(c["regionId"] == region for c in self._configs(ctx)):
            raise ApiError(409, f"A BYOC infrastructure already exists in {region}")
        config = {
            "id": self._new_id("byoc"),
            "state": "infra-ready",
            "accountName": body["accountId"],
            "regionId": region,
            "cloudProvider": _provider(region),
            "displayName": body["displayName"],
        }
        ctx.org.organization["byocConfig"] = [*self._configs(ctx), config]
        return config

    async def _patch_byoc(self, ctx: Ctx) -> Any:
        config = self._byoc(ctx)
        body = await spec.body(ctx, "PATCH", BYOC + "/{byocInfrastructureId}")
        if "displayName" in body:
            if not body["displayName"].strip():
                raise _fail("displayName must not be empty")
            config["displayName"] = body["displayName"]
        return config

    async def _delete_byoc(self, ctx: Ctx) -> Any:
        config = self._byoc(ctx)
        ctx.org.organization["byocConfig"] = [c for c in self._configs(ctx) if c is not config]
        return None
