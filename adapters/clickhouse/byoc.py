"""An organization's BYOC (bring your own cloud) infrastructure (2026-06 spec), through the
``ClickHouseByoc`` protocol of ``adapters.clickhouse_ops``. The spec has no BYOC list or
GET: what exists is the organization's own ``byocConfig``, read with it. Before any call:
a region of the spec's, zone suffixes a to f, a private IPv4 CIDR for the VPC, a name."""

from __future__ import annotations

import ipaddress
from typing import Any

from adapters.base import HttpAdapter
from adapters.clickhouse.client import ClickHouseClient
from adapters.clickhouse_ops import ByocInfrastructure, NewByocInfrastructure
from adapters.coerce import as_str
from adapters.model import Key

#: ``ByocInfrastructurePostRequest.regionId``
REGIONS = (
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "il-central-1",
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "us-east1",
    "us-central1",
    "europe-west2",
    "europe-west4",
    "asia-southeast1",
    "asia-northeast1",
    "eastus",
    "eastus2",
    "westus3",
    "germanywestcentral",
    "centralus",
)
ZONE_SUFFIXES = ("a", "b", "c", "d", "e", "f")
MAX_NAME = 100  # our reading: the spec gives no bound


class ByocAccess(HttpAdapter):
    client: ClickHouseClient

    def _byoc_org(self, organization: Key) -> str:
        if len(organization) != 1:
            raise self.not_supported("BYOC infrastructure of a malformed organization")
        return self.client.check_id(organization[0])

    def _name(self, value: str) -> str:
        if not value.strip() or len(value) > MAX_NAME:
            raise self.invalid(("display_name",), f"must be 1 to {MAX_NAME} characters")
        if any(ord(c) < 32 for c in value):
            raise self.invalid(("display_name",), "must not hold control characters")
        return value

    async def list_byoc_infrastructures(self, organization: Key) -> list[ByocInfrastructure]:
        org = self._byoc_org(organization)
        listed = (await self.client.organization(org)).get("byocConfig")
        return [
            _infrastructure(c)
            for c in (listed if isinstance(listed, list) else [])
            if isinstance(c, dict) and isinstance(c.get("id"), str)
        ]

    async def create_byoc_infrastructure(
        self, organization: Key, new: NewByocInfrastructure
    ) -> ByocInfrastructure:
        org = self._byoc_org(organization)
        if new.region not in REGIONS:
            raise self.invalid(("region",), "is not a region the vendor offers BYOC in")
        if not new.account_id.strip() or len(new.account_id) > MAX_NAME:
            raise self.invalid(("account_id",), "must name the cloud account")
        suffixes = new.availability_zone_suffixes
        if not suffixes or any(s not in ZONE_SUFFIXES for s in suffixes):
            raise self.invalid(("availability_zone_suffixes",), "name zones a to f")
        if len(set(suffixes)) != len(suffixes):
            raise self.invalid(("availability_zone_suffixes",), "name each zone once")
        try:
            network = ipaddress.ip_network(new.vpc_cidr_range, strict=True)
        except ValueError:
            raise self.invalid(("vpc_cidr_range",), "must be a CIDR, e.g. 10.0.0.0/16") from None
        if network.version != 4 or not network.is_private:
            raise self.invalid(("vpc_cidr_range",), "must be a private IPv4 range")
        body = {
            "regionId": new.region,
            "accountId": new.account_id,
            "availabilityZoneSuffixes": list(suffixes),
            "vpcCidrRange": str(network),
            "displayName": self._name(new.display_name),
        }
        answer = await self.client.write_org_part("POST", org, ("byocInfrastructure",), body)
        return self._answered(answer)

    async def rename_byoc_infrastructure(
        self, organization: Key, infrastructure: str, display_name: str
    ) -> ByocInfrastructure:
        org = self._byoc_org(organization)
        body = {"displayName": self._name(display_name)}
        answer = await self.client.write_org_part(
            "PATCH", org, ("byocInfrastructure", infrastructure), body
        )
        return self._answered(answer)

    async def delete_byoc_infrastructure(self, organization: Key, infrastructure: str) -> None:
        org = self._byoc_org(organization)
        await self.client.write_org_part(
            "DELETE", org, ("byocInfrastructure", infrastructure), None
        )

    def _answered(self, answer: Any) -> ByocInfrastructure:
        if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
            raise self.http.bad_response("BYOC write answered without an infrastructure")
        return _infrastructure(answer)


def _infrastructure(body: dict[str, Any]) -> ByocInfrastructure:
    return ByocInfrastructure(
        id=str(body["id"]),
        state=as_str(body.get("state")),
        account_name=as_str(body.get("accountName")),
        region=as_str(body.get("regionId")),
        cloud_provider=as_str(body.get("cloudProvider")),
        display_name=as_str(body.get("displayName")),
    )
