"""Route handlers of the ClickHouse Cloud simulator for what a service has beside its own
record (the 2026-06 spec): its upgrade window, its ClickHouse settings and its query API
endpoint. Bodies are validated against the spec's own schemas (``current_spec``).

Our reading where the spec is silent: a service has no upgrade window or query endpoint
until one is set (404 before); the configurable settings are the few below, with the
values the vendor documents as examples; a setting reset returns to its default; a
settings body names only known settings (400 otherwise).
"""

from __future__ import annotations

import json
from typing import Any

from adapters.clickhouse.sim import current_spec as spec
from adapters.clickhouse.sim.state import Ctx, SimulatorBase
from adapters.clickhouse.sim.validation import JSON, ApiError, _fail

SVC = "/v1/organizations/{organizationId}/services/{serviceId}"
#: name -> (type, default, warning)
SETTINGS: dict[str, tuple[str, str, str | None]] = {
    "compatibility": (
        "string",
        "24.8",
        "Changing the compatibility version without comprehensive testing can cause "
        "query failures or instability.",
    ),
    "max_threads": ("uint64", "8", None),
    "max_memory_usage": ("uint64", "0", None),
}


class ServiceExtraRoutes(SimulatorBase):
    def service_extra_routes(self) -> list[tuple[str, str, Any, bool]]:
        return [
            ("GET", SVC + "/upgradeWindow", self._get_upgrade_window, False),
            ("PUT", SVC + "/upgradeWindow", self._put_upgrade_window, False),
            ("DELETE", SVC + "/upgradeWindow", self._delete_upgrade_window, False),
            ("GET", SVC + "/clickhouseSettings", self._list_settings, False),
            ("PATCH", SVC + "/clickhouseSettings", self._patch_settings, False),
            ("GET", SVC + "/clickhouseSettings/schema", self._settings_schema, False),
            ("GET", SVC + "/clickhouseSettings/{settingName}", self._get_setting, False),
            ("DELETE", SVC + "/clickhouseSettings/{settingName}", self._reset_setting, False),
            ("GET", SVC + "/serviceQueryEndpoint", self._get_query_endpoint, False),
            ("POST", SVC + "/serviceQueryEndpoint", self._post_query_endpoint, False),
            ("DELETE", SVC + "/serviceQueryEndpoint", self._delete_query_endpoint, False),
        ]

    def _extras(self, ctx: Ctx) -> JSON:
        service = self._service(ctx)
        return ctx.org.service_extras.setdefault(service["id"], {"settings": {}})

    # --- upgrade window -------------------------------------------------------------------

    async def _get_upgrade_window(self, ctx: Ctx) -> Any:
        window = self._extras(ctx).get("upgradeWindow")
        if window is None:
            raise ApiError(404, "No upgrade window is set for this service")
        return window

    async def _put_upgrade_window(self, ctx: Ctx) -> Any:
        extras = self._extras(ctx)
        body = await spec.body(ctx, "PUT", SVC + "/upgradeWindow")
        extras["upgradeWindow"] = body | {"duration": 6}  # "currently only a 6-hour window"
        return extras["upgradeWindow"]

    async def _delete_upgrade_window(self, ctx: Ctx) -> Any:
        self._extras(ctx).pop("upgradeWindow", None)
        return None

    # --- ClickHouse settings --------------------------------------------------------------

    def _values(self, ctx: Ctx) -> dict[str, str]:
        changed: dict[str, str] = self._extras(ctx)["settings"]
        return {name: changed.get(name, default) for name, (_, default, _w) in SETTINGS.items()}

    async def _list_settings(self, ctx: Ctx) -> Any:
        return {"settings": [{"name": k, "value": v} for k, v in self._values(ctx).items()]}

    async def _patch_settings(self, ctx: Ctx) -> Any:
        extras = self._extras(ctx)
        body = await spec.body(ctx, "PATCH", SVC + "/clickhouseSettings")
        try:
            wanted = json.loads(body["settings"])
        except ValueError:
            raise _fail("settings must be a JSON object of setting names to values") from None
        if not isinstance(wanted, dict) or not wanted:
            raise _fail("settings must be a JSON object naming at least one setting")
        unknown = sorted(set(wanted) - set(SETTINGS))
        if unknown:
            raise _fail(f"Unknown setting(s): {', '.join(unknown)}")
        applied = {k: str(v) for k, v in wanted.items()}
        extras["settings"].update(applied)
        warnings = [
            {"name": k, "message": SETTINGS[k][2]} for k in applied if SETTINGS[k][2] is not None
        ]
        return {"settings": json.dumps(applied), "warnings": warnings}

    async def _settings_schema(self, ctx: Ctx) -> Any:
        self._service(ctx)
        return {
            "settings": [
                {"name": name, "type": kind, "description": f"The {name} setting"}
                | {"example": default}
                | ({"warning": warning} if warning else {})
                for name, (kind, default, warning) in SETTINGS.items()
            ]
        }

    async def _get_setting(self, ctx: Ctx) -> Any:
        name = ctx.params["settingName"]
        values = self._values(ctx)
        if name not in values:
            raise ApiError(404, f"Setting {name} not found")
        return {"name": name, "value": values[name]}

    async def _reset_setting(self, ctx: Ctx) -> Any:
        name = ctx.params["settingName"]
        if name not in SETTINGS:
            raise ApiError(404, f"Setting {name} not found")
        self._extras(ctx)["settings"].pop(name, None)
        return None

    # --- query API endpoint ---------------------------------------------------------------

    async def _get_query_endpoint(self, ctx: Ctx) -> Any:
        endpoint = self._extras(ctx).get("queryEndpoint")
        if endpoint is None:
            raise ApiError(404, "The service has no query endpoint")
        return endpoint

    async def _post_query_endpoint(self, ctx: Ctx) -> Any:
        extras = self._extras(ctx)
        body = await spec.body(ctx, "POST", SVC + "/serviceQueryEndpoint")
        for key_id in body.get("openApiKeys", []):
            if key_id not in ctx.org.keys:
                raise _fail(f"openApiKeys: {key_id} is no API key of this organization")
        previous = extras.get("queryEndpoint") or {"id": self._new_id("queryEndpoint")}
        extras["queryEndpoint"] = {
            "id": previous["id"],
            "openApiKeys": body.get("openApiKeys", []),
            "roles": body.get("roles", []),
            "allowedOrigins": body.get("allowedOrigins", ""),
        }
        return extras["queryEndpoint"]

    async def _delete_query_endpoint(self, ctx: Ctx) -> Any:
        if self._extras(ctx).pop("queryEndpoint", None) is None:
            raise ApiError(404, "The service has no query endpoint")
        return None
