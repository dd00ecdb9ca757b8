"""The reference vendor's wire protocol over one connection's UpstreamHttp."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import httpx

from adapters.upstream.http import UpstreamHttp, VendorErrorBody
from adapters.upstream.url_segments import segment

DEFAULT_BASE_URL = "https://api.reference.example"
Json = dict[str, Any]
#: more pages than any real organization has: a vendor that keeps answering "next" is broken
MAX_PAGES = 10_000


def read_error(body: dict[str, Any]) -> VendorErrorBody:
    """``{"error": {"code", "message"}, "request_id"}``."""
    error = body.get("error")
    error = error if isinstance(error, dict) else {}
    return VendorErrorBody(
        message=error.get("message"),
        vendor_code=error.get("code"),
        request_id=body.get("request_id"),
    )


class BearerToken(httpx.Auth):
    """``Authorization: Bearer <token>``; the repr never shows the token."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "BearerToken('***')"


class ReferenceClient:
    def __init__(self, http: UpstreamHttp) -> None:
        self.http = http

    def _segment(self, value: str) -> str:
        # IDs come from callers' global IDs: each is exactly one path segment, or refused
        return segment(value, connection=self.http.connection.name, vendor="reference")

    def _databases(self, org: str) -> str:
        return f"/v1/orgs/{self._segment(org)}/databases"

    def _database(self, org: str, database: str) -> str:
        return f"{self._databases(org)}/{self._segment(database)}"

    async def _object(self, response: httpx.Response) -> Json:
        body = self.http.json(response)
        if not isinstance(body, dict):
            raise self.http.bad_response("an object was expected")
        return body

    async def _items(
        self, path: str, params: dict[str, str] | None = None
    ) -> tuple[list[Json], str | None]:
        body = await self._object(await self.http.get(path, params=params))
        items, after = body.get("items"), body.get("next")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise self.http.bad_response("a list of items was expected")
        return items, after if isinstance(after, str) and after else None

    async def organizations(self) -> list[Json]:
        items, _ = await self._items("/v1/orgs")
        return items

    async def databases(self, org: str) -> list[Json]:
        """Every page, following ``next`` until a page has none."""
        found, seen, cursor = [], set(), None
        for _ in range(MAX_PAGES):
            items, cursor = await self._items(
                self._databases(org), None if cursor is None else {"cursor": cursor}
            )
            found += items
            if cursor is None:
                return found
            if cursor in seen:
                raise self.http.bad_response("the same page cursor came twice")
            seen.add(cursor)
        raise self.http.bad_response(f"more than {MAX_PAGES} pages")

    async def database(self, org: str, database: str) -> Json:
        return await self._object(await self.http.get(self._database(org, database)))

    async def rename_database(self, org: str, database: str, name: str) -> Json:
        response = await self.http.request(
            "PATCH", self._database(org, database), json_body={"name": name}
        )
        return await self._object(response)
