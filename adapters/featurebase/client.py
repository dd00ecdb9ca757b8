"""FeatureBase Cloud wire protocol: /v2 paths, list envelopes and their cursors, error bodies.

Lists answer ``{"next": "<cursor>", "resources": [...]}`` (backups: ``{"continuation",
"backups"}``; shapes: ``{"shapes"}``), the cursor empty on the last page. How a cursor is
passed back is not documented publicly; the project's convention (vendor notes): a cursor
that is a path or URL is requested as it is (same host only, so credentials never leave
for another host), any other value goes back as ``?<field>=<cursor>`` on the same path.

Errors come as ``{"code", "message"}`` or, in the seed's examples, ``{"response_code",
"message"}``. No rate limit is documented, so nothing is paced by default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from adapters.paging import PageRequest, UpstreamPage, VendorPage, read_pages
from adapters.upstream.http import UpstreamHttp, VendorErrorBody
from adapters.upstream.url_segments import segment

DEFAULT_BASE_URL = "https://api.featurebase.com"
#: a guard against a vendor that keeps answering cursors: far beyond any real org
MAX_PAGES = 1000
#: codes the seed's table says to retry although their status alone would not
#: (400 ResourceThroughputExceeded, 409 IncorrectState "retry with backoff")
RETRYABLE_CODES = frozenset({"ResourceThroughputExceeded", "IncorrectState"})

Json = dict[str, Any]


def read_error(body: dict[str, Any]) -> VendorErrorBody:
    message = body.get("message")
    text = message if isinstance(message, str) else None
    code = body.get("code")
    if isinstance(code, str) and code:
        return VendorErrorBody(
            message=text, vendor_code=code, retryable=True if code in RETRYABLE_CODES else None
        )
    # {"response_code": 401, "message": ...}: the code only repeats the HTTP status, which
    # callers already get as upstreamStatus, so there is no vendor code to pass on
    return VendorErrorBody(message=text)


class FeatureBaseClient:
    """Typed access to the FeatureBase Cloud v2 API over one connection's UpstreamHttp."""

    def __init__(self, http: UpstreamHttp) -> None:
        self.http = http

    def _segment(self, value: str) -> str:
        # IDs come from callers' global IDs: never let one climb out of its path segment
        return segment(value, connection=self.http.connection.name, vendor="featurebase")

    def _path(self, *parts: str) -> str:
        head, *rest = parts
        return "/".join((head, *(self._segment(p) for p in rest)))

    async def _object(self, path: str) -> Json:
        body = self.http.json(await self.http.get(path))
        if not isinstance(body, dict):
            raise self.http.bad_response("detail endpoint answered a non-object")
        return body

    async def _send(self, method: str, path: str, body: Json | None = None) -> Json | None:
        """A write; its answer as an object, or None when the vendor sends no body (202)."""
        response = await self.http.request(method, path, json_body=body)
        if not response.content:
            return None
        answer = self.http.json(response)
        if not isinstance(answer, dict):
            raise self.http.bad_response(f"{method} answered a non-object")
        return answer

    async def _write(self, method: str, path: str, body: Json | None = None) -> Json:
        """A write whose answer the docs show as an object."""
        answer = await self._send(method, path, body)
        if answer is None:
            raise self.http.bad_response(f"{method} answered without a body")
        return answer

    async def _pages(self, path: str, items: str, cursor_field: str = "next") -> list[Json]:
        """Every item of a list, following its cursor to the last page."""
        found = await self._read(path, items, cursor_field, PageRequest())
        return [item for _, item in found.items]

    async def _read(
        self,
        path: str,
        items: str,
        cursor_field: str,
        request: PageRequest,
        keep: Callable[[Json], bool] | None = None,
    ) -> VendorPage[Json]:
        """The items ``request`` asks for, from the upstream pages they are on."""

        async def fetch(cursor: str | None) -> UpstreamPage[Json]:
            url, params = (
                (path, None) if cursor is None else self._follow(path, cursor_field, cursor)
            )
            body = self.http.json(await self.http.get(url, params=params))
            page = body.get(items) if isinstance(body, dict) else None
            if not isinstance(page, list) or not all(isinstance(i, dict) for i in page):
                raise self.http.bad_response(f"list endpoint answered without a '{items}' list")
            following = body.get(cursor_field)
            if following is not None and not isinstance(following, str):
                raise self.http.bad_response(f"list endpoint answered an unusable '{cursor_field}'")
            return UpstreamPage(page, following or None)

        def bad(what: str) -> Exception:
            return self.http.bad_response(
                f"list endpoint answered an unusable '{cursor_field}': {what}"
            )

        def accept(cursor: str) -> bool:
            if not cursor.startswith(("http://", "https://", "/")):
                return True  # an opaque token: the vendor says whether it is one of its own
            target, base = httpx.URL(cursor), self.http.client.base_url
            same_host = not target.is_absolute_url or (
                (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port)
            )
            return same_host and target.path == path

        return await read_pages(
            fetch, request, max_pages=MAX_PAGES, bad=bad, keep=keep, accept=accept
        )

    def _follow(
        self, path: str, cursor_field: str, cursor: str
    ) -> tuple[str, Mapping[str, str] | None]:
        if cursor.startswith(("http://", "https://")):
            target, base = httpx.URL(cursor), self.http.client.base_url
            if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
                raise self.http.bad_response(
                    f"list cursor points at another host ({target.host}); not followed"
                )
            self._same_listing(path, target.path)
            return cursor, None
        if cursor.startswith("/"):
            self._same_listing(path, httpx.URL(cursor).path)
            return cursor, None
        return path, {cursor_field: cursor}

    def _same_listing(self, path: str, target: str) -> None:
        # a cursor also comes back from a caller (inside a gateway cursor): it may choose
        # the page, never another path to send the connection's credentials to
        if target != path:
            raise self.http.bad_response(f"list cursor leaves the listing {path}; not followed")

    # users and orgs ------------------------------------------------------------------
    async def current_user(self) -> Json:
        return await self._object("/v2/users/current")

    async def org(self, org_id: str) -> Json:
        return await self._object(self._path("/v2/orgs", org_id))

    async def patch_org(self, org_id: str, body: Json) -> Json:
        return await self._write("PATCH", self._path("/v2/orgs", org_id), body)

    async def users(self) -> list[Json]:
        return await self._pages("/v2/users", "resources")

    async def user(self, user_id: str) -> Json:
        return await self._object(self._path("/v2/users", user_id))

    async def org_keys(self, org_id: str) -> list[Json]:
        return await self._pages(self._path("/v2/orgs", org_id, "keys"), "resources")

    # one page of the gateway each: only the upstream pages it needs (adapters.paging)
    async def users_page(self, request: PageRequest) -> VendorPage[Json]:
        return await self._read("/v2/users", "resources", "next", request)

    async def org_keys_page(self, org_id: str, request: PageRequest) -> VendorPage[Json]:
        path = self._path("/v2/orgs", org_id, "keys")
        return await self._read(path, "resources", "next", request)

    async def invites_page(
        self, request: PageRequest, keep: Callable[[Json], bool]
    ) -> VendorPage[Json]:
        return await self._read("/v2/invites", "resources", "next", request, keep)

    async def shapes_page(self, request: PageRequest) -> VendorPage[Json]:
        return await self._read("/v2/shapes", "shapes", "next", request)

    async def backups_page(self, database_id: str, request: PageRequest) -> VendorPage[Json]:
        path = self._path("/v2/databases", database_id, "backups")
        return await self._read(path, "backups", "continuation", request)

    async def add_user_roles(self, user_id: str, rolenames: list[str]) -> Json:
        path = self._path("/v2/users", user_id, "roles")
        return await self._write("POST", path, {"rolenames": rolenames})

    async def user_key(self, user_id: str, key_id: str) -> Json:
        return await self._object(self._path("/v2/users", user_id, "keys", key_id))

    async def create_user_key(self, user_id: str, body: Json) -> Json:
        """``{"id", "secret"}``: the only answer that ever carries the secret."""
        return await self._write("POST", self._path("/v2/users", user_id, "keys"), body)

    async def patch_user_key(self, user_id: str, key_id: str, body: Json) -> Json:
        return await self._write("PATCH", self._path("/v2/users", user_id, "keys", key_id), body)

    async def invites(self) -> list[Json]:
        return await self._pages("/v2/invites", "resources")

    async def invite(self, invite_id: str) -> Json:
        return await self._object(self._path("/v2/invites", invite_id))

    async def create_invite(self, body: Json) -> Json:
        return await self._write("POST", "/v2/invites", body)

    # people beyond the normalized model (issue 21 item 8) ------------------------------
    async def create_user(self, body: Json) -> Json:
        return await self._write("POST", "/v2/users", body)

    async def patch_user(self, user_id: str, body: Json) -> Json:
        return await self._write("PATCH", self._path("/v2/users", user_id), body)

    async def user_keys(self, user_id: str) -> list[Json]:
        """``{"resources": [...]}``, no cursor in the seed: read as a list of one page."""
        return await self._pages(self._path("/v2/users", user_id, "keys"), "resources")

    async def patch_invite(self, invite_id: str, body: Json) -> Json:
        return await self._write("PATCH", self._path("/v2/invites", invite_id), body)

    async def role(self, name: str) -> Json:
        return await self._object(self._path("/v2/roles", name))

    async def roles(self) -> list[Json]:
        return await self._pages("/v2/roles", "resources")

    async def create_role(self, body: Json) -> Json:
        return await self._write("POST", "/v2/roles", body)

    async def patch_role(self, name: str, body: Json) -> Json:
        return await self._write("PATCH", self._path("/v2/roles", name), body)

    async def delete_role(self, name: str) -> None:
        await self._send("DELETE", self._path("/v2/roles", name))

    # databases -----------------------------------------------------------------------
    async def databases(self) -> list[Json]:
        return await self._pages("/v2/databases", "resources")

    async def database(self, database_id: str) -> Json:
        return await self._object(self._path("/v2/databases", database_id))

    async def create_database(self, body: Json) -> Json:
        return await self._write("POST", "/v2/databases", body)

    async def patch_database(self, database_id: str, body: Json) -> Json:
        return await self._write("PATCH", self._path("/v2/databases", database_id), body)

    async def database_action(self, database_id: str, action: str) -> Json:
        """``PUT .../action/start`` or ``.../action/stop``; answers the database."""
        return await self._write("PUT", self._path("/v2/databases", database_id, "action", action))

    async def delete_database(self, database_id: str) -> None:
        await self._send("DELETE", self._path("/v2/databases", database_id))  # 202, no body

    async def backups(self, database_id: str) -> list[Json]:
        path = self._path("/v2/databases", database_id, "backups")
        return await self._pages(path, "backups", cursor_field="continuation")

    # shapes --------------------------------------------------------------------------
    async def shapes(self) -> list[Json]:
        return await self._pages("/v2/shapes", "shapes")

    async def shape(self, name: str) -> Json:
        return await self._object(self._path("/v2/shapes", name))
