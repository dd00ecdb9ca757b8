"""NetApp Astra Control wire protocol: paths, Bearer auth, envelopes, paging, problem bodies.

Every path sits under ``/accounts/{account_id}``. A resource is an envelope ``{type,
version, id, metadata, ...}``; a collection is ``{"items": [...], "metadata": {"continue"?:
...}}``, followed here with ``limit`` + ``continue`` until no ``continue`` comes back. With
``include=a,b`` each item is an array of those values instead of an object. Booleans are
the strings ``"true"``/``"false"``. Errors are RFC 7807 problems ``{type, title, detail,
status (a string), correlationID?, invalidParams?, invalidFields?}``. No rate limit is
documented.

Writes: POST answers 201 with the new resource, PUT (a full replace) and DELETE answer 204
with no body; request bodies go as ``application/astra-<type>+json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from adapters.paging import PageRequest, UpstreamPage, VendorPage, read_pages
from adapters.upstream.http import UpstreamHttp, VendorErrorBody
from adapters.upstream.url_segments import problem, segment
from adapters.upstream.wire import HeaderAuth

DEFAULT_BASE_URL = "https://astra.netapp.io"
DEFAULT_PAGE_SIZE = 100
#: a runaway ``continue`` chain must end; 10k pages is far beyond any real account
MAX_PAGES = 10_000
#: fields the docs define as string booleans ("true"/"false"), on any resource
STRING_BOOLEANS = frozenset({"isEnabled", "valid"})
_PROBLEM_NUMBER = re.compile(r"/problems/(\d+)$")

Resource = dict[str, Any]


def read_error(body: dict[str, Any]) -> VendorErrorBody:
    """An RFC 7807 problem: the number (or title) is the vendor code, the correlation ID
    the upstream request id, and the invalid parameters are spelled out in the message."""
    problem_type = str(body.get("type") or "")
    title = body.get("title")
    number = _PROBLEM_NUMBER.search(problem_type)
    message = ": ".join(str(p) for p in (title, body.get("detail")) if p)
    # invalidParams for a bad query string, invalidFields for a bad request body
    invalid = [
        f"{p.get('name')} ({p.get('reason')})"
        for key in ("invalidParams", "invalidFields")
        for p in body.get(key) or []
        if isinstance(p, dict)
    ]
    if invalid:
        message += " [" + "; ".join(invalid) + "]"
    return VendorErrorBody(
        message=message or None,
        vendor_code=number.group(1) if number else (str(title) if title else None),
        request_id=body.get("correlationID"),
    )


class BearerToken(HeaderAuth):
    """``Authorization: Bearer <API token>``; the repr never shows the token."""

    def __init__(self, token: str) -> None:
        super().__init__({"Authorization": f"Bearer {token}"})

    def __repr__(self) -> str:
        return "BearerToken('***')"


def decode_booleans(resource: Resource) -> Resource:
    """The resource with its documented string booleans turned into real ones: a new
    object where it has one, else the resource itself (each reader parses its own body, so
    no other reader holds it; most items, backups and snapshots, have none)."""
    for key in STRING_BOOLEANS:
        if key in resource:
            break
    else:
        return resource
    return {
        k: (v == "true" if k in STRING_BOOLEANS and v in ("true", "false") else v)
        for k, v in resource.items()
    }


def encode_booleans(resource: Resource) -> Resource:
    """The reverse of ``decode_booleans``, for a resource read and then written back."""
    return {
        k: (("true" if v else "false") if k in STRING_BOOLEANS and isinstance(v, bool) else v)
        for k, v in resource.items()
    }


def media_type(body: Resource) -> str:
    """``application/astra-app`` -> the request Content-Type ``application/astra-app+json``."""
    return f"{body['type']}+json"


def filter_value(value: str) -> str:
    """A value in a ``filter`` clause: single-quoted, a quote doubled (the docs' escape)."""
    return "'" + value.replace("'", "''") + "'"


class AstraClient:
    """Typed access to one Astra account over one connection's UpstreamHttp."""

    def __init__(
        self, http: UpstreamHttp, account_id: str, page_size: int = DEFAULT_PAGE_SIZE
    ) -> None:
        self.http = http
        self.account_id = account_id
        self.page_size = page_size
        why = problem(account_id)
        if why is not None:
            raise ValueError(f"account_id {why}")  # configuration: a startup error
        self._base = f"/accounts/{quote(account_id, safe='')}"

    def _seg(self, value: str) -> str:
        # IDs come from caller-supplied global IDs: never let one add or remove segments
        return segment(value, connection=self.http.connection.name, vendor="astra")

    # -- envelopes ---------------------------------------------------------------------
    async def _resource(self, path: str) -> Resource:
        body = self.http.json(await self.http.get(path))
        if not isinstance(body, dict) or "id" not in body:
            raise self.http.bad_response("GET answered without a resource envelope")
        return decode_booleans(body)

    async def _collection(
        self,
        path: str,
        include: Sequence[str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> list[Resource]:
        """Every item of a collection, page after page, as objects; ``query`` adds the
        collection parameters the docs define (``filter``, ``orderBy``)."""
        params: dict[str, str] = {"limit": str(self.page_size), **(query or {})}
        if include:
            params["include"] = ",".join(include)
        items: list[Resource] = []
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            body = self.http.json(await self.http.get(path, params=params))
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise self.http.bad_response("GET answered without a collection envelope")
            items.extend(self._item(item, include) for item in body["items"])
            metadata = body.get("metadata")
            token = metadata.get("continue") if isinstance(metadata, Mapping) else None
            if not token:
                return items
            if token in seen:
                raise self.http.bad_response("collection repeated a continue token")
            seen.add(token)
            params = {**params, "continue": str(token)}
        raise self.http.bad_response(f"collection did not end within {MAX_PAGES} pages")

    async def _read(
        self, path: str, request: PageRequest, query: Mapping[str, str] | None = None
    ) -> VendorPage[Resource]:
        """The items ``request`` asks for, from the pages they are on; ``query`` adds
        the collection parameters the docs define (``filter``, ``orderBy``). The count
        comes with every page (``count=true``)."""
        params = {"limit": str(self.page_size), "count": "true", **(query or {})}

        async def fetch(token: str | None) -> UpstreamPage[Resource]:
            asked = params if token is None else {**params, "continue": token}
            body = self.http.json(await self.http.get(path, params=asked))
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise self.http.bad_response("GET answered without a collection envelope")
            metadata = body.get("metadata")
            metadata = metadata if isinstance(metadata, Mapping) else {}
            following, count = metadata.get("continue"), metadata.get("count")
            return UpstreamPage(
                [self._item(item, None) for item in body["items"]],
                str(following) if following else None,
                count if isinstance(count, int) and not isinstance(count, bool) else None,
            )

        return await read_pages(fetch, request, max_pages=MAX_PAGES, bad=self.http.bad_response)

    def _item(self, item: Any, include: Sequence[str] | None) -> Resource:
        if include and isinstance(item, list):
            if len(item) != len(include):
                raise self.http.bad_response("include item does not match the include list")
            item = dict(zip(include, item, strict=True))
        if not isinstance(item, dict):
            raise self.http.bad_response("collection item is not an object")
        return decode_booleans(item)

    # -- account and core --------------------------------------------------------------
    async def account(self) -> Resource:
        return await self._resource(self._base)

    async def replace_account(self, body: Resource) -> None:
        await self._put(self._base, body)

    async def credentials(self) -> list[Resource]:
        """Stored credentials' metadata: the list's items as Astra gives them; the mapping
        keeps only what names a credential, never its ``keyStore`` content."""
        return await self._collection(f"{self._base}/core/v1/credentials")

    async def users(self, include: Sequence[str] | None = None) -> list[Resource]:
        return await self._collection(f"{self._base}/core/v1/users", include)

    async def role_bindings(self) -> list[Resource]:
        return await self._collection(f"{self._base}/core/v1/roleBindings")

    async def tokens(self, user_id: str) -> list[Resource]:
        return await self._collection(f"{self._base}/core/v1/users/{self._seg(user_id)}/tokens")

    async def token(self, user_id: str, token_id: str) -> Resource:
        return await self._resource(
            f"{self._base}/core/v1/users/{self._seg(user_id)}/tokens/{self._seg(token_id)}"
        )

    async def features(self) -> list[Resource]:
        return await self._collection(f"{self._base}/core/v1/features")

    async def features_page(
        self, request: PageRequest, query: Mapping[str, str] | None = None
    ) -> VendorPage[Resource]:
        return await self._read(f"{self._base}/core/v1/features", request, query)

    async def users_page(
        self, request: PageRequest, query: Mapping[str, str] | None = None
    ) -> VendorPage[Resource]:
        return await self._read(f"{self._base}/core/v1/users", request, query)

    async def feature(self, feature_id: str) -> Resource:
        return await self._resource(f"{self._base}/core/v1/features/{self._seg(feature_id)}")

    # -- apps and their protection -----------------------------------------------------
    async def apps(self, query: Mapping[str, str] | None = None) -> list[Resource]:
        return await self._collection(f"{self._base}/k8s/v2/apps", query=query)

    async def app(self, app_id: str) -> Resource:
        return await self._resource(f"{self._base}/k8s/v2/apps/{self._seg(app_id)}")

    async def protections(self, app_id: str, collection: str) -> list[Resource]:
        """``collection`` is ``appBackups`` or ``appSnaps`` (both under v1 apps)."""
        return await self._collection(self._protection_path(app_id, collection))

    async def protection(self, app_id: str, collection: str, item_id: str) -> Resource:
        path = f"{self._protection_path(app_id, collection)}/{self._seg(item_id)}"
        return await self._resource(path)

    # -- writes ------------------------------------------------------------------------
    async def _post(self, path: str, body: Resource) -> Resource:
        response = await self.http.request(
            "POST", path, json_body=body, headers={"Content-Type": media_type(body)}
        )
        created = self.http.json(response)
        if not isinstance(created, dict) or "id" not in created:
            raise self.http.bad_response("POST answered without the new resource")
        return decode_booleans(created)

    async def _put(self, path: str, body: Resource) -> None:
        body = encode_booleans(body)
        await self.http.request(
            "PUT", path, json_body=body, headers={"Content-Type": media_type(body)}
        )

    async def _delete(self, path: str) -> None:
        await self.http.request("DELETE", path)

    def _app_path(self, app_id: str) -> str:
        return f"{self._base}/k8s/v2/apps/{self._seg(app_id)}"

    def _protection_path(self, app_id: str, collection: str) -> str:
        return f"{self._base}/k8s/v1/apps/{self._seg(app_id)}/{self._seg(collection)}"

    def _user_path(self, user_id: str) -> str:
        return f"{self._base}/core/v1/users/{self._seg(user_id)}"

    async def user(self, user_id: str) -> Resource:
        return await self._resource(self._user_path(user_id))

    async def create_app(self, body: Resource) -> Resource:
        return await self._post(f"{self._base}/k8s/v2/apps", body)

    async def replace_app(self, app_id: str, body: Resource) -> None:
        await self._put(self._app_path(app_id), body)

    async def delete_app(self, app_id: str) -> None:
        await self._delete(self._app_path(app_id))

    async def create_protection(self, app_id: str, collection: str, body: Resource) -> Resource:
        return await self._post(self._protection_path(app_id, collection), body)

    async def delete_protection(self, app_id: str, collection: str, item_id: str) -> None:
        await self._delete(f"{self._protection_path(app_id, collection)}/{self._seg(item_id)}")

    async def create_user(self, body: Resource) -> Resource:
        return await self._post(f"{self._base}/core/v1/users", body)

    async def delete_user(self, user_id: str) -> None:
        await self._delete(self._user_path(user_id))

    async def create_role_binding(self, body: Resource) -> Resource:
        return await self._post(f"{self._base}/core/v1/roleBindings", body)

    async def replace_role_binding(self, binding_id: str, body: Resource) -> None:
        await self._put(f"{self._base}/core/v1/roleBindings/{self._seg(binding_id)}", body)

    async def create_token(self, user_id: str, body: Resource) -> Resource:
        """The new token; only this answer carries ``token``, its secret."""
        return await self._post(f"{self._user_path(user_id)}/tokens", body)

    async def replace_token(self, user_id: str, token_id: str, body: Resource) -> None:
        await self._put(f"{self._user_path(user_id)}/tokens/{self._seg(token_id)}", body)

    async def delete_token(self, user_id: str, token_id: str) -> None:
        await self._delete(f"{self._user_path(user_id)}/tokens/{self._seg(token_id)}")

    # -- account access beyond the normalized model (issue 21 item 9) -----------------------
    async def replace_user(self, user_id: str, body: Resource) -> None:
        await self._put(self._user_path(user_id), body)

    def _binding_path(self, binding_id: str) -> str:
        return f"{self._base}/core/v1/roleBindings/{self._seg(binding_id)}"

    async def role_binding(self, binding_id: str) -> Resource:
        return await self._resource(self._binding_path(binding_id))

    async def delete_role_binding(self, binding_id: str) -> None:
        await self._delete(self._binding_path(binding_id))

    async def credential(self, credential_id: str) -> Resource:
        """One credential as Astra gives it; the mapping keeps only its metadata."""
        return await self._resource(f"{self._base}/core/v1/credentials/{self._seg(credential_id)}")

    async def create_credential(self, body: Resource) -> Resource:
        """The new credential; ``body`` carries its ``keyStore``, the secret itself."""
        return await self._post(f"{self._base}/core/v1/credentials", body)
