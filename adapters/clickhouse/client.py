"""ClickHouse Cloud wire protocol: paths, Basic auth, the result envelope, error bodies.

Success bodies are ``{"status", "requestId", "result"}``; errors ``{"status", "error",
"requestId"}``. No list endpoint paginates. The documented rate limit is 10 requests per 10
seconds per key, which the upstream policy paces to (``DOCUMENTED_RATE_LIMIT``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from adapters.errors import ErrorCode, UpstreamError
from adapters.upstream.http import UpstreamHttp, VendorErrorBody
from adapters.upstream.url_segments import query_value, segment, shown
from adapters.upstream.wire import HeaderAuth

DEFAULT_BASE_URL = "https://api.clickhouse.cloud"
DOCUMENTED_RATE_LIMIT = (10, 10.0)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ORGS = "/v1/organizations"
T = TypeVar("T")


def _organization_of(path: str) -> str | None:
    """The organization ID a path is under (None: ``/v1/organizations`` itself)."""
    parts = path.split("/")
    return parts[3].lower() if len(parts) > 3 and path.startswith(_ORGS + "/") else None


def read_error(body: dict[str, Any]) -> VendorErrorBody:
    return VendorErrorBody(
        message=body.get("error"),
        vendor_code=None,
        request_id=body.get("requestId"),
    )


def basic_auth(key_id: str, key_secret: str) -> HeaderAuth:
    return HeaderAuth.basic(key_id, key_secret)


class ClickHouseClient:
    """Typed access to the ClickHouse Cloud v1 API over one connection's UpstreamHttp."""

    def __init__(self, http: UpstreamHttp) -> None:
        self.http = http
        #: the organizations the key belongs to, once ``GET /v1/organizations`` has answered
        #: (a key belongs to one: a forged ID naming any other names nothing, at no call)
        self.own: frozenset[str] | None = None

    def _no_such_organization(self, org: str) -> UpstreamError:
        return UpstreamError(
            ErrorCode.NOT_FOUND,
            f"clickhouse connection '{self.http.connection.name}' has no organization "
            f"'{shown(org)}'",
            connection=self.http.connection.name,
            vendor="clickhouse",
        )

    async def _gated(self, path: str, send: Callable[[], Awaitable[T]]) -> T:
        """``send()`` for a path under an organization that may be the key's own.

        Known not to be (the key's organizations were listed): NOT_FOUND with no call. Not
        known yet: the vendor answers another organization's ID with 403, as it does a key
        lacking a role; one organizations list (cached, and learnt once per process) tells
        the two apart, so a forged ID is NOT_FOUND there too, never FORBIDDEN."""
        org = _organization_of(path)
        if org is not None and self.own is not None and org not in self.own:
            raise self._no_such_organization(org)
        try:
            return await send()
        except UpstreamError as exc:
            if org is None or exc.code is not ErrorCode.FORBIDDEN or self.own is not None:
                raise
            try:
                await self.organizations()
            except UpstreamError:
                raise exc from None
            if self.own is not None and org not in self.own:
                raise self._no_such_organization(org) from None
            raise

    def check_id(self, value: str) -> str:
        """``value`` if it is a UUID, as every ClickHouse ID is; else BAD_USER_INPUT."""
        return self._id(value)

    def _id(self, value: str) -> str:
        # the API answers 400 for a malformed UUID; saying so here saves a rate-limited call.
        # fullmatch, not match with "$", which would let a trailing newline through
        if not _UUID.fullmatch(value):
            raise UpstreamError(
                ErrorCode.BAD_USER_INPUT,
                f"clickhouse connection '{self.http.connection.name}': '{shown(value)}' "
                "is not a UUID",
                connection=self.http.connection.name,
                vendor="clickhouse",
            )
        return value

    def _org(self, org: str, *rest: str) -> str:
        return "/".join(("/v1/organizations", self._id(org), *rest))

    async def _result(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        response = await self._gated(path, lambda: self.http.get(path, params=params))
        body = self.http.json(response)
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
        listed = await self._list(_ORGS)
        self.own = frozenset(str(o.get("id", "")).lower() for o in listed if isinstance(o, dict))
        return listed

    async def organization(self, org: str) -> dict[str, Any]:
        return await self._object(self._org(org))

    async def services(
        self, org: str, tags: Sequence[tuple[str, str | None]] = ()
    ) -> list[dict[str, Any]]:
        """Every service, or those carrying every one of ``tags``: (key, value) is
        ``filter=tag:K=V``, (key, None) ``filter=tag:K`` (the key with any value); the
        parameter repeats, once per tag."""
        path = self._org(org, "services")
        if tags:
            query = [("filter", self._tag_filter(k, v)) for k, v in tags]
            path = f"{path}?{urlencode(query, quote_via=quote)}"
        return await self._list(path)

    def _tag_filter(self, key: str, value: str | None) -> str:
        # tags come from callers' filters: a key holding "=" would read as key and value
        conn = self.http.connection.name
        if "=" in key:
            raise UpstreamError(
                ErrorCode.BAD_USER_INPUT,
                f"clickhouse connection '{conn}': a tag key cannot hold '=': '{shown(key)}'",
                connection=conn,
                vendor="clickhouse",
            )
        key = query_value(key, connection=conn, vendor="clickhouse", what="tag key")
        if value is None:
            return f"tag:{key}"
        value = query_value(value, connection=conn, vendor="clickhouse", what="tag value")
        return f"tag:{key}={value}"

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
        path = self._org(org, "services", self._id(service), "prometheus")
        response = await self._gated(path, lambda: self.http.get(path))
        return self.http.text(response)

    async def organization_private_endpoint_config(
        self, org: str, cloud_provider: str, region: str
    ) -> dict[str, Any]:
        # the docs name these parameters only by title; the API's own style is snake_case
        conn = self.http.connection.name
        params = {
            "cloud_provider": query_value(
                cloud_provider, connection=conn, vendor="clickhouse", what="cloud provider"
            ),
            "region_id": query_value(region, connection=conn, vendor="clickhouse", what="region"),
        }
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
        # activity IDs are opaque (not UUIDs): one encoded segment, never a dot segment
        name = self.http.connection.name
        part = segment(activity, connection=name, vendor="clickhouse")
        return await self._object(self._org(org, "activities", part))

    async def organization_prometheus(self, org: str, filtered: bool | None) -> str:
        path = self._org(org, "prometheus")
        params = None if filtered is None else {"filtered_metrics": str(filtered).lower()}
        return self.http.text(await self._gated(path, lambda: self.http.get(path, params=params)))

    async def usage_cost(
        self, org: str, dates: Mapping[str, str], filters: list[str]
    ) -> dict[str, Any]:
        """``GET .../usageCost``: ``filter`` repeats, one per tag, so it rides in the path's
        query; the dates go as parameters."""
        path = self._org(org, "usageCost")
        if filters:
            path += "?" + urlencode([("filter", f) for f in filters])
        return await self._result_object(path, dates)

    # -- what a service has beside its record (2026-06 spec) ------------------------------

    async def service_part(self, org: str, service: str, *part: str) -> dict[str, Any]:
        """``GET .../services/{id}/<part>``: upgradeWindow, clickhouseSettings[/name],
        serviceQueryEndpoint."""
        name = self.http.connection.name
        parts = [segment(p, connection=name, vendor="clickhouse") for p in part]
        return await self._object(self._service_path(org, service, *parts))

    async def service_list(self, org: str, service: str, *part: str) -> list[dict[str, Any]]:
        """``GET .../services/{id}/<part>`` answering a list: clickpipes,
        clickpipesReversePrivateEndpoints."""
        name = self.http.connection.name
        parts = [segment(p, connection=name, vendor="clickhouse") for p in part]
        return await self._list(self._service_path(org, service, *parts))

    async def write_service_part(
        self, method: str, org: str, service: str, part: tuple[str, ...], body: Any
    ) -> Any:
        name = self.http.connection.name
        parts = [segment(p, connection=name, vendor="clickhouse") for p in part]
        return await self._write(method, self._service_path(org, service, *parts), body)

    async def write_org_part(
        self, method: str, org: str, part: tuple[str, ...], body: Mapping[str, Any] | None
    ) -> Any:
        """A write under the organization (``byocInfrastructure[/{id}]``): a collection
        named by the gateway, then IDs, which are UUIDs."""
        return await self._write(method, self._org(org, part[0], *map(self._id, part[1:])), body)

    # -- RBAC roles (2026-06 spec) ---------------------------------------------------------

    async def roles(self, org: str) -> list[dict[str, Any]]:
        return await self._list(self._org(org, "roles"))

    async def role(self, org: str, role: str) -> dict[str, Any]:
        return await self._object(self._org(org, "roles", self._id(role)))

    async def create_role(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._write_object("POST", self._org(org, "roles"), body)

    async def patch_role(self, org: str, role: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._write_object("PATCH", self._org(org, "roles", self._id(role)), body)

    async def delete_role(self, org: str, role: str) -> None:
        await self._write("DELETE", self._org(org, "roles", self._id(role)), None)

    # -- managed Postgres services (2026-06 spec) -------------------------------------------

    def _pg(self, org: str, postgres: str, *rest: str) -> str:
        return self._org(org, "postgres", self._id(postgres), *rest)

    async def postgres_services(self, org: str) -> list[dict[str, Any]]:
        """``PostgresServiceListItem``s: no connection details, no password."""
        return await self._list(self._org(org, "postgres"))

    async def postgres_service(self, org: str, postgres: str) -> dict[str, Any]:
        """``PostgresService``, with its hostname, user and superuser password (never cached:
        the connection's classifier names ``postgres`` a secret item)."""
        return await self._object(self._pg(org, postgres))

    async def postgres_config(self, org: str, postgres: str) -> dict[str, Any]:
        return await self._object(self._pg(org, postgres, "config"))

    async def postgres_ca_certificates(self, org: str, postgres: str) -> str:
        path = self._pg(org, postgres, "caCertificates")
        return self.http.text(await self._gated(path, lambda: self.http.get(path)))

    async def postgres_prometheus(self, org: str, postgres: str | None = None) -> str:
        path = (
            self._pg(org, postgres, "prometheus")
            if postgres
            else self._org(org, "postgres", "prometheus")
        )
        return self.http.text(await self._gated(path, lambda: self.http.get(path)))

    async def postgres_metrics(
        self, org: str, postgres: str, params: Mapping[str, str]
    ) -> dict[str, Any]:
        return await self._result_object(self._pg(org, postgres, "metrics"), params)

    async def postgres_slow_query_patterns(
        self, org: str, postgres: str, params: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        return await self._list(self._pg(org, postgres, "slowQueryPatterns"), params)

    async def postgres_slow_query_pattern(
        self, org: str, postgres: str, query_id: str, params: Mapping[str, str]
    ) -> dict[str, Any]:
        part = segment(query_id, connection=self.http.connection.name, vendor="clickhouse")
        path = self._pg(org, postgres, "slowQueryPatterns", part)
        return await self._result_object(path, params)

    async def create_postgres(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``PostgresService`` with the superuser password, shown in this answer."""
        return await self._write_object("POST", self._org(org, "postgres"), body)

    async def restore_postgres(
        self, org: str, postgres: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self._write_object("POST", self._pg(org, postgres, "restoredService"), body)

    async def create_postgres_read_replica(
        self, org: str, postgres: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self._write_object("POST", self._pg(org, postgres, "readReplica"), body)

    async def patch_postgres(
        self, org: str, postgres: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self._write_object("PATCH", self._pg(org, postgres), body)

    async def delete_postgres(self, org: str, postgres: str) -> None:
        await self._write("DELETE", self._pg(org, postgres), None)

    async def reset_postgres_password(self, org: str, postgres: str) -> dict[str, Any]:
        """``{password}``: without one in the body the vendor generates it."""
        return await self._write_object("PATCH", self._pg(org, postgres, "password"), {})

    async def change_postgres_state(self, org: str, postgres: str, command: str) -> dict[str, Any]:
        path = self._pg(org, postgres, "state")
        return await self._write_object("PATCH", path, {"command": command})

    async def write_postgres_config(
        self, org: str, postgres: str, body: Mapping[str, Any], *, replace: bool
    ) -> dict[str, Any]:
        method = "POST" if replace else "PATCH"
        return await self._write_object(method, self._pg(org, postgres, "config"), body)

    # -- writes ------------------------------------------------------------------------------
    # Each answers the ``result`` of the envelope: the changed object, or None where the
    # vendor sends no result (the DELETEs).

    async def _write(self, method: str, path: str, body: Mapping[str, Any] | None) -> Any:
        response = await self._gated(path, lambda: self.http.request(method, path, json_body=body))
        payload = self.http.json(response)
        if not isinstance(payload, dict):
            raise self.http.bad_response(f"{method} answered without an envelope")
        return payload.get("result")

    async def _write_object(
        self, method: str, path: str, body: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        result = await self._write(method, path, body)
        if not isinstance(result, dict):
            raise self.http.bad_response(f"{method} answered without a result object")
        return result

    def _service_path(self, org: str, service: str, *rest: str) -> str:
        return self._org(org, "services", self._id(service), *rest)

    async def create_service(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``{service, password}``: the password is shown in this answer only."""
        return await self._write_object("POST", self._org(org, "services"), body)

    async def patch_service(
        self, org: str, service: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self._write_object("PATCH", self._service_path(org, service), body)

    async def delete_service(self, org: str, service: str) -> None:
        await self._write("DELETE", self._service_path(org, service), None)

    async def change_service_state(self, org: str, service: str, command: str) -> dict[str, Any]:
        path = self._service_path(org, service, "state")
        return await self._write_object("PATCH", path, {"command": command})

    async def scale_service(
        self, org: str, service: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        return await self._write_object("PATCH", self._service_path(org, service, "scaling"), body)

    async def reset_service_password(self, org: str, service: str) -> dict[str, Any]:
        """``{password}``: without ``newPasswordHash`` the vendor generates the password."""
        path = self._service_path(org, service, "password")
        return await self._write_object("PATCH", path, {})

    async def patch_backup_configuration(
        self, org: str, service: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        path = self._service_path(org, service, "backupConfiguration")
        return await self._write_object("PATCH", path, body)

    async def patch_organization(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._write_object("PATCH", self._org(org), body)

    async def create_key(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``{key, keyId, keySecret}``: the two credentials are shown in this answer only."""
        return await self._write_object("POST", self._org(org, "keys"), body)

    async def patch_key(self, org: str, key: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._write_object("PATCH", self._org(org, "keys", self._id(key)), body)

    async def delete_key(self, org: str, key: str) -> None:
        await self._write("DELETE", self._org(org, "keys", self._id(key)), None)

    async def patch_member(self, org: str, user: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._write_object("PATCH", self._org(org, "members", self._id(user)), body)

    async def delete_member(self, org: str, user: str) -> None:
        await self._write("DELETE", self._org(org, "members", self._id(user)), None)

    async def create_invitation(self, org: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return await self._write_object("POST", self._org(org, "invitations"), body)

    async def delete_invitation(self, org: str, invitation: str) -> None:
        await self._write("DELETE", self._org(org, "invitations", self._id(invitation)), None)
