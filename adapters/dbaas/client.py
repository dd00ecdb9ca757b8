"""DBaaS wire protocol: paths, Basic auth, the HAL envelope, pagination, error bodies.

A Django REST framework service. Every path ends in a slash. Objects carry
``_links.self``; a list is ``{"_links": {"self", "next", "previous", "count"},
"<resource>": [...]}`` whose item key is the resource name. Errors are ``{"detail": ...}``,
``{"<field>": ["..."]}`` or ``{"__all__": ["..."]}``. No rate limit is documented.

Links are absolute URLs naming the server's own host, which a proxy in between may have
rewritten to anything. The gateway never lets a response body choose where it connects:
a ``next`` link contributes only its query (its path must be the listing's own), and
links to other objects contribute only the ID in their path.

Writes send related objects as relative links (``/api/plan/1/``), as the seed's examples
do. A 400 saying an object "already exists" is answered as CONFLICT: the input is well
formed, the vendor refuses it in its current state.
"""

from __future__ import annotations

import asyncio
import functools
import re
from typing import Any
from urllib.parse import urlsplit

from adapters.errors import ErrorCode, UpstreamError
from adapters.paging import PageRequest, UpstreamPage, VendorPage, read_pages
from adapters.upstream.http import UpstreamHttp, UpstreamResponse, VendorErrorBody
from adapters.upstream.read_log import ReadLog, note_unchecked, open_log
from adapters.upstream.url_segments import shown
from adapters.upstream.wire import HeaderAuth

#: where the seed's examples point; a self-hosted API has no public default
DEFAULT_BASE_URL = "http://localhost:8000"
#: the documented maximum of ``page_size``: ten times fewer calls than the default of 10
MAX_PAGE_SIZE = 100
#: a listing longer than this many pages is a server looping on its own links
MAX_PAGES = 10_000
RESOURCES = frozenset({"database", "credential", "plan", "environment", "project"})
_ID = re.compile(r"^[0-9]{1,18}$")
_LINK_PATH = re.compile(r"/api/(?P<resource>[a-z_]+)/(?P<id>[0-9]{1,18})/?$")
#: Django's uniqueness messages: "Database with this Name and Environment already exists."
_UNIQUE_MESSAGE = re.compile(r" with this .+ already exists\.$")
UNIQUE, UNIQUE_TOGETHER = "unique", "unique_together"

Body = dict[str, Any]


def read_error(body: dict[str, Any]) -> VendorErrorBody:
    """``{"detail": ...}``, or DRF field errors ``{"<field>": [...]}`` / ``{"__all__": [...]}``.

    DRF sends no error codes; a uniqueness message gets Django's own code for it
    (``unique`` on a field, ``unique_together`` under ``__all__``) so a write can tell
    "already exists" from other 400s.
    """
    detail = body.get("detail")
    if isinstance(detail, str):
        return VendorErrorBody(message=detail)
    problems = []
    code = None
    for field, messages in body.items():
        if field == "_links":
            continue
        texts = [str(t) for t in (messages if isinstance(messages, list) else [messages])]
        if code is None and any(_UNIQUE_MESSAGE.search(t) for t in texts):
            code = UNIQUE_TOGETHER if field == "__all__" else UNIQUE
        joined = " ".join(texts)
        problems.append(joined if field == "__all__" else f"{field}: {joined}")
    return VendorErrorBody(message="; ".join(problems) or None, vendor_code=code)


def is_id(value: str) -> bool:
    """Whether ``value`` has the shape of a DBaaS object ID (digits)."""
    return bool(_ID.fullmatch(value))


def basic_auth(username: str, password: str) -> HeaderAuth:
    return HeaderAuth.basic(username, password)


def link_id(link: Any, resource: str) -> str | None:
    """The ID in a link to ``/api/<resource>/<id>/``, whatever host it names; else None."""
    if not isinstance(link, str):
        return None
    # Every database links one of a few plans and environments: remember what a link
    # says. Plain short strings only (a str subclass may hash or compare unlike its text).
    if type(link) is str and len(link) <= _MEMO_MAX_CHARS:
        return _remembered_link_id(link, resource)
    return _link_id(link, resource)


def _link_id(link: str, resource: str) -> str | None:
    match = _LINK_PATH.search(urlsplit(link).path)
    if match is None or match["resource"] != resource:
        return None
    return match["id"]


_remembered_link_id = functools.lru_cache(maxsize=1024)(_link_id)
#: longer than any link the API makes: longer text is read but never remembered
_MEMO_MAX_CHARS = 512


class DBaaSClient:
    """Typed access to the DBaaS API over one connection's UpstreamHttp."""

    def __init__(self, http: UpstreamHttp, *, page_size: int = MAX_PAGE_SIZE) -> None:
        self.http = http
        self.page_size = page_size
        self._base_path = http.client.base_url.path.rstrip("/")
        # whole listings in flight, so concurrent callers (one per database asking for its
        # credentials, say) share one walk through the pages; dropped when it ends
        self._walks: dict[str, asyncio.Future[list[Body]]] = {}
        #: the answer log of the request each walk was started for (``read_log``)
        self._walk_logs: dict[str, ReadLog | None] = {}

    @property
    def _conn(self) -> str:
        return self.http.connection.name

    def _id(self, value: str) -> str:
        # IDs come from caller-supplied global IDs; anything but digits could reshape the path
        if not _ID.fullmatch(value):
            raise UpstreamError(
                ErrorCode.BAD_USER_INPUT,
                f"dbaas connection '{self._conn}': '{shown(value)}' is not a DBaaS ID",
                connection=self._conn,
                vendor="dbaas",
            )
        return value

    # -- envelopes ---------------------------------------------------------------------
    def _object(self, response: UpstreamResponse) -> Body:
        body = self.http.json(response)
        if not isinstance(body, dict) or "id" not in body:
            raise self.http.bad_response("detail endpoint answered no object")
        return body

    def _page(self, response: UpstreamResponse, resource: str) -> tuple[list[Body], Any]:
        items, following, _ = self._counted_page(response, resource)
        return items, following

    def _counted_page(
        self, response: UpstreamResponse, resource: str
    ) -> tuple[list[Body], Any, int | None]:
        """A page's items, its next link and the list's count (``_links.count``)."""
        body = self.http.json(response)
        items = body.get(resource) if isinstance(body, dict) else None
        links = body.get("_links") if isinstance(body, dict) else None
        if not isinstance(items, list) or not isinstance(links, dict):
            raise self.http.bad_response(f"list answered without '_links' and '{resource}'")
        count = links.get("count")
        counted = count if isinstance(count, int) and not isinstance(count, bool) else None
        return [i for i in items if isinstance(i, dict)], links.get("next"), counted

    def _next_target(self, link: Any, path: str) -> str:
        """Where the ``next`` link points, as a path and query on our own base URL."""
        if not isinstance(link, str):
            raise self.http.bad_response("a next link is not a string")
        parts = urlsplit(link)
        link_path = parts.path
        # a server behind a path prefix repeats the prefix our base URL already has
        if self._base_path and link_path.startswith(self._base_path + "/"):
            link_path = link_path[len(self._base_path) :]
        if link_path != path:
            raise self.http.bad_response(f"a next link of {path} leaves the listing")
        return f"{path}?{parts.query}" if parts.query else path

    # -- listings ----------------------------------------------------------------------
    async def list_all(self, resource: str) -> list[Body]:
        """Every item of ``/api/<resource>/``, following ``_links.next`` to the end."""
        assert resource in RESOURCES, resource
        walk = self._walks.get(resource)
        if walk is None:
            walk = asyncio.ensure_future(self._walk(resource))
            self._walks[resource] = walk
            self._walk_logs[resource] = open_log()
            walk.add_done_callback(lambda done: self._forget(resource, done))
        elif self._walk_logs.get(resource) is not open_log():
            # its reads were stamped for the request that started it, not for this one
            note_unchecked()
        return list(await asyncio.shield(walk))

    def _forget(self, resource: str, walk: asyncio.Future[list[Body]]) -> None:
        if self._walks.get(resource) is walk:
            del self._walks[resource]
            self._walk_logs.pop(resource, None)
        if not walk.cancelled():
            walk.exception()  # retrieved here so a walk nobody awaits any more stays quiet

    async def _walk(self, resource: str) -> list[Body]:
        path = f"/api/{resource}/"
        response = await self.http.get(path, params={"page_size": str(self.page_size)})
        items, link = self._page(response, resource)
        seen: set[str] = set()
        while link:
            target = self._next_target(link, path)
            if target in seen or len(seen) >= MAX_PAGES:
                raise self.http.bad_response(f"the pages of {path} do not end")
            seen.add(target)
            page, link = self._page(await self.http.get(target), resource)
            items.extend(page)
        return items

    async def read(self, resource: str, request: PageRequest) -> VendorPage[Body]:
        """The items ``request`` asks for, from the pages they are on. A page's token is
        its ``next`` link, which contributes only its query (``_next_target``), from the
        vendor or back from a caller's cursor alike; the count comes with every page."""
        assert resource in RESOURCES, resource
        path = f"/api/{resource}/"

        async def fetch(link: str | None) -> UpstreamPage[Body]:
            if link is None:
                response = await self.http.get(path, params={"page_size": str(self.page_size)})
            else:
                response = await self.http.get(self._next_target(link, path))
            items, following, count = self._counted_page(response, resource)
            if following is not None and not isinstance(following, str):
                raise self.http.bad_response("a next link is not a string")
            return UpstreamPage(items, following or None, count)

        def accept(link: str) -> bool:
            try:
                self._next_target(link, path)
            except UpstreamError:
                return False
            return True

        return await read_pages(
            fetch, request, max_pages=MAX_PAGES, bad=self.http.bad_response, accept=accept
        )

    # -- objects -----------------------------------------------------------------------
    async def get(self, resource: str, object_id: str) -> Body:
        assert resource in RESOURCES, resource
        return self._object(await self.http.get(f"/api/{resource}/{self._id(object_id)}/"))

    def path(self, resource: str, object_id: str) -> str:
        """``/api/<resource>/<id>/``: the relative link the API accepts in request bodies."""
        assert resource in RESOURCES, resource
        return f"/api/{resource}/{self._id(object_id)}/"

    async def credential_with_password(self, credential_id: str) -> Body:
        """The one response that carries a password. It bypasses ``UpstreamHttp.get``
        (single-flight, and any response cache added there) so it is never shared."""
        path = f"/api/credential/{self._id(credential_id)}/"
        return self._object(await self.http.request("GET", path))

    # -- writes ------------------------------------------------------------------------
    async def create(self, resource: str, body: Body) -> Body:
        assert resource in RESOURCES, resource
        return self._object(await self._write("POST", f"/api/{resource}/", body))

    async def update(self, resource: str, object_id: str, changes: Body) -> Body:
        """PATCH: only the fields given change; the answer is the whole object."""
        return self._object(await self._write("PATCH", self.path(resource, object_id), changes))

    async def delete(self, resource: str, object_id: str) -> None:
        await self._write("DELETE", self.path(resource, object_id), None)

    async def reset_password(self, credential_id: str) -> Body:
        """The credential with its new password (the API ignores the request body)."""
        path = f"{self.path('credential', credential_id)}reset_password/"
        return self._object(await self._write("POST", path, None))

    async def _write(self, method: str, path: str, body: Body | None) -> UpstreamResponse:
        try:
            return await self.http.request(method, path, json_body=body)
        except UpstreamError as exc:
            if exc.vendor_code not in (UNIQUE, UNIQUE_TOGETHER):
                raise
            # "already exists" is the vendor refusing in the current state, not bad input
            raise UpstreamError(
                ErrorCode.CONFLICT,
                exc.message,
                connection=exc.connection or self._conn,
                vendor="dbaas",
                upstream_status=exc.upstream_status,
                vendor_code=exc.vendor_code,
                upstream_request_id=exc.upstream_request_id,
            ) from exc
