"""ClickHouse Cloud wire protocol: paths, Basic auth, the result envelope, error bodies.

Success bodies are ``{"status", "requestId", "result"}``; errors ``{"status", "error",
"requestId"}``. No list endpoint paginates. The documented rate limit is 10 requests per 10
seconds per key, which the upstream policy paces to (``DOCUMENTED_RATE_LIMIT``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from adapters.errors import ErrorCode, UpstreamError
from adapters.http import UpstreamHttp, VendorErrorBody

DEFAULT_BASE_URL = "https://api.clickhouse.cloud"
DOCUMENTED_RATE_LIMIT = (10, 10.0)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def read_error(response: httpx.Response) -> VendorErrorBody:
    body = response.json()
    return VendorErrorBody(
        message=body.get("error"),
        vendor_code=None,
        request_id=body.get("requestId"),
    )


def basic_auth(key_id: str, key_secret: str) -> httpx.BasicAuth:
    return httpx.BasicAuth(key_id, key_secret)


class ClickHouseClient:
    """Typed access to the ClickHouse Cloud v1 API over one connection's UpstreamHttp."""

    def __init__(self, http: UpstreamHttp) -> None:
        self.http = http

    def _id(self, value: str) -> str:
        # the API answers 400 for a malformed UUID; saying so here saves a rate-limited call
        if not _UUID.match(value):
            raise UpstreamError(
                ErrorCode.BAD_USER_INPUT,
                f"clickhouse connection '{self.http.connection.name}': '{value}' is not a UUID",
                connection=self.http.connection.name,
                vendor="clickhouse",
            )
        return value

    def _org(self, org: str, *rest: str) -> str:
        return "/".join(("/v1/organizations", self._id(org), *rest))

    async def _result(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        body = self.http.json(await self.http.get(path, params=params))
        if not isinstance(body, dict) or "result" not in body:
            raise self.http.bad_response("GET answered without a result envelope")
        return body["result"]

    async def _list(
        self, path: str, params: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        result = await self._result(path, params)
        if not isinstance(result, list):
            raise self.http.bad_response("list endpoint answered a non-list result")
        return result

    async def _object(self, path: str) -> dict[str, Any]:
        return await self._result_object(path, None)

    async def _result_object(self, path: str, params: Mapping[str, str] | None) -> dict[str, Any]:
        result = await self._result(path, params)
        if not isinstance(result, dict):
            raise self.http.bad_response("detail endpoint answered a non-object result")
        return result

    async def organizations(self) -> list[dict[str, Any]]:
        return await self._list("/v1/organizations")

    async def organization(self, org: str) -> dict[str, Any]:
        return await self._object(self._org(org))

    async def services(self, org: str) -> list[dict[str, Any]]:
        return await self._list(self._org(org, "services"))

    async def service(self, org: str, service: str) -> dict[str, Any]:
        return await self._object(self._org(org, "services", self._id(service)))

    async def backups(self, org: str, service: str) -> list[dict[str, Any]]:
        return await self._list(self._org(org, "services", self._id(service), "backups"))

    async def backup(self, org: str, service: str, backup: str) -> dict[str, Any]:
        return await self._object(
            self._org(org, "services", self._id(service), "backups", self._id(backup))
        )

    async def backup_configuration(self, org: str, service: str) -> dict[str, Any]:
        return await self._object(
            self._org(org, "services", self._id(service), "backupConfiguration")
        )

    async def service_private_endpoint_config(self, org: str, service: str) -> dict[str, Any]:
        return await self._object(
            self._org(org, "services", self._id(service), "privateEndpointConfig")
        )

    async def prometheus(self, org: str, service: str) -> str:
        response = await self.http.get(self._org(org, "services", self._id(service), "prometheus"))
        return response.text

    async def organization_private_endpoint_config(
        self, org: str, cloud_provider: str, region: str
    ) -> dict[str, Any]:
        # the docs name these parameters only by title; the API's own style is snake_case
        params = {"cloud_provider": cloud_provider, "region_id": region}
        return await self._result_object(self._org(org, "privateEndpointConfig"), params)

    async def keys(self, org: str) -> list[dict[str, Any]]:
        return await self._list(self._org(org, "keys"))

    async def key(self, org: str, key: str) -> dict[str, Any]:
        return await self._object(self._org(org, "keys", self._id(key)))

    async def members(self, org: str) -> list[dict[str, Any]]:
        return await self._list(self._org(org, "members"))

    async def member(self, org: str, user: str) -> dict[str, Any]:
        return await self._object(self._org(org, "members", self._id(user)))

    async def invitations(self, org: str) -> list[dict[str, Any]]:
        return await self._list(self._org(org, "invitations"))

    async def invitation(self, org: str, invitation: str) -> dict[str, Any]:
        return await self._object(self._org(org, "invitations", self._id(invitation)))

    async def activities(
        self, org: str, from_date: str | None = None, to_date: str | None = None
    ) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("from_date", from_date), ("to_date", to_date)) if v}
        return await self._list(self._org(org, "activities"), params or None)

    async def activity(self, org: str, activity: str) -> dict[str, Any]:
        return await self._object(self._org(org, "activities", quote(activity, safe="")))
