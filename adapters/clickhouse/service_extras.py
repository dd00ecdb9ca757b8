"""What a ClickHouse service has beside its own record (2026-06 spec): its upgrade window,
its ClickHouse settings and its query API endpoint, read and written through the
``ClickHouseServiceExtras`` protocol of ``adapters.base``. The spec's rules are checked
before any call: an upgrade window starts on a weekday 0-6 at hour 0, 6, 12 or 18 (UTC);
settings are named; endpoint roles are the spec's two; endpoint keys are the
organization's own API keys."""

from __future__ import annotations

import json
from typing import Any

from adapters.base import HttpAdapter
from adapters.clickhouse import mapping
from adapters.clickhouse.client import ClickHouseClient
from adapters.coerce import as_int, as_str
from adapters.details import ClickHouseSetting, QueryEndpoint, UpgradeWindow
from adapters.errors import ErrorCode, GatewayError
from adapters.model import Key

START_HOURS = (0, 6, 12, 18)
ENDPOINT_ROLES = ("sql_console_read_only", "sql_console_admin")


class ServiceExtras(HttpAdapter):
    client: ClickHouseClient

    def _service_key(self, database: Key) -> tuple[str, str]:
        if len(database) != 2 or database[1] == mapping.POSTGRES:
            raise GatewayError(
                ErrorCode.NOT_FOUND,
                f"clickhouse connection '{self.connection.name}' has no such ClickHouse service",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        return database[0], database[1]

    async def get_upgrade_window(self, database: Key) -> UpgradeWindow | None:
        org, service = self._service_key(database)
        body = await self._get_or_none(self.client.service_part(org, service, "upgradeWindow"))
        return _window(body) if body is not None else None

    async def set_upgrade_window(
        self, database: Key, weekday: int, start_hour: int
    ) -> UpgradeWindow:
        org, service = self._service_key(database)
        if not 0 <= weekday <= 6:
            raise self.invalid(("weekday",), "must be 0 (Sunday) to 6 (Saturday)")
        if start_hour not in START_HOURS:
            raise self.invalid(("start_hour_utc",), "must be 0, 6, 12 or 18")
        body = {"weekday": weekday, "startHourUtc": start_hour}
        answer = await self.client.write_service_part("PUT", org, service, ("upgradeWindow",), body)
        return _window(answer if isinstance(answer, dict) else {})

    async def delete_upgrade_window(self, database: Key) -> None:
        org, service = self._service_key(database)
        await self.client.write_service_part("DELETE", org, service, ("upgradeWindow",), None)

    async def list_clickhouse_settings(self, database: Key) -> list[ClickHouseSetting]:
        org, service = self._service_key(database)
        body = await self.client.service_part(org, service, "clickhouseSettings")
        listed = body.get("settings")
        return [
            ClickHouseSetting(str(s["name"]), as_str(s.get("value")))
            for s in (listed if isinstance(listed, list) else [])
            if isinstance(s, dict) and isinstance(s.get("name"), str)
        ]

    async def change_clickhouse_settings(
        self, database: Key, values: dict[str, str]
    ) -> list[ClickHouseSetting]:
        org, service = self._service_key(database)
        if not values or not all(name.strip() for name in values):
            raise self.invalid(("settings",), "must name at least one setting")
        body = {"settings": json.dumps(values)}
        answer = await self.client.write_service_part(
            "PATCH", org, service, ("clickhouseSettings",), body
        )
        answer = answer if isinstance(answer, dict) else {}
        try:
            applied = json.loads(answer.get("settings") or "{}")
        except ValueError:
            raise self.http.bad_response("settings answered without a JSON object") from None
        warnings = {
            str(w.get("name")): as_str(w.get("message"))
            for w in answer.get("warnings") or []
            if isinstance(w, dict)
        }
        return [
            ClickHouseSetting(str(k), str(v), warnings.get(str(k)))
            for k, v in (applied.items() if isinstance(applied, dict) else [])
        ]

    async def reset_clickhouse_setting(self, database: Key, name: str) -> None:
        org, service = self._service_key(database)
        if not name.strip():
            raise self.invalid(("name",), "must name a setting")
        await self.client.write_service_part(
            "DELETE", org, service, ("clickhouseSettings", name), None
        )

    async def get_query_endpoint(self, database: Key) -> QueryEndpoint | None:
        org, service = self._service_key(database)
        body = await self._get_or_none(
            self.client.service_part(org, service, "serviceQueryEndpoint")
        )
        return _endpoint(body) if body is not None else None

    async def set_query_endpoint(
        self, database: Key, api_keys: tuple[Key, ...], roles: tuple[str, ...], origins: str | None
    ) -> QueryEndpoint:
        org, service = self._service_key(database)
        for role in roles:
            if role not in ENDPOINT_ROLES:
                raise self.invalid(("roles",), f"must be of {', '.join(ENDPOINT_ROLES)}")
        for key in api_keys:
            if len(key) != 2 or key[0] != org:
                raise self.invalid(("api_key_ids",), "must be API keys of this organization")
        body: dict[str, Any] = {"roles": list(roles), "openApiKeys": [k[1] for k in api_keys]}
        if origins is not None:
            body["allowedOrigins"] = origins
        answer = await self.client.write_service_part(
            "POST", org, service, ("serviceQueryEndpoint",), body
        )
        return _endpoint(answer if isinstance(answer, dict) else {})

    async def delete_query_endpoint(self, database: Key) -> None:
        org, service = self._service_key(database)
        await self.client.write_service_part(
            "DELETE", org, service, ("serviceQueryEndpoint",), None
        )


def _window(body: dict[str, Any]) -> UpgradeWindow:
    return UpgradeWindow(
        weekday=as_int(body.get("weekday")),
        start_hour_utc=as_int(body.get("startHourUtc")),
        duration_hours=as_int(body.get("duration")),
    )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _endpoint(body: dict[str, Any]) -> QueryEndpoint:
    return QueryEndpoint(
        id=as_str(body.get("id")),
        api_key_ids=_strings(body.get("openApiKeys")),
        roles=_strings(body.get("roles")),
        allowed_origins=as_str(body.get("allowedOrigins")),
    )
