"""The FeatureBase wire protocol against a scripted vendor: every cursor form of the notes,
and both error body forms through the upstream policy.

The simulator answers only the token form of ``next`` (the notes say simulators do), so
the path and URL forms, which adapters must also follow, are scripted here.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from adapters.errors import UpstreamError
from adapters.featurebase.client import FeatureBaseClient, read_error
from adapters.model import ConnectionInfo, Vendor
from adapters.upstream.http import UpstreamHttp

BASE = "https://api.featurebase.com"
CONN = ConnectionInfo("fb", Vendor("featurebase"), BASE)

Pages = dict[str, dict[str, object]]


def _client(pages: Pages, seen: list[str]) -> FeatureBaseClient:
    """A client whose vendor answers ``pages[<path?query>]`` (404 otherwise)."""

    def handle(request: httpx.Request) -> httpx.Response:
        url = request.url
        where = url.raw_path.decode()
        seen.append(f"{url.host}{where}")
        if where in pages:
            return httpx.Response(200, json=pages[where])
        return httpx.Response(
            404, json={"code": "ResourceNotFound", "message": "Resource not found."}
        )

    http = UpstreamHttp(
        CONN, base_url=BASE, read_error=read_error, transport=httpx.MockTransport(handle)
    )
    return FeatureBaseClient(http)


def _db(n: int) -> dict[str, object]:
    return {"id": f"db-{n}", "name": f"db {n}", "database_status": "RUNNING"}


@pytest.mark.parametrize(
    ("cursor", "second_page"),
    [
        ("tok2", "/v2/databases?next=tok2"),  # an opaque token goes back as ?next=
        ("/v2/databases?page=2", "/v2/databases?page=2"),  # a path is requested as is
        (f"{BASE}/v2/databases?page=2", "/v2/databases?page=2"),  # so is a same-host URL
    ],
)
async def test_every_cursor_form_is_followed_to_the_last_page(
    cursor: str, second_page: str
) -> None:
    seen: list[str] = []
    client = _client(
        {
            "/v2/databases": {"next": cursor, "resources": [_db(1), _db(2)]},
            second_page: {"next": "", "resources": [_db(3)]},
        },
        seen,
    )

    found = await client.databases()

    assert [d["id"] for d in found] == ["db-1", "db-2", "db-3"]
    assert seen == ["api.featurebase.com/v2/databases", f"api.featurebase.com{second_page}"]
    await client.http.aclose()


async def test_backups_pass_continuation_back() -> None:
    seen: list[str] = []
    client = _client(
        {
            "/v2/databases/db-1/backups": {"continuation": "c2", "backups": [{"url": "s3://a"}]},
            "/v2/databases/db-1/backups?continuation=c2": {
                "continuation": "",
                "backups": [{"url": "s3://b"}],
            },
        },
        seen,
    )

    found = await client.backups("db-1")

    assert [b["url"] for b in found] == ["s3://a", "s3://b"]
    await client.http.aclose()


@pytest.mark.parametrize(
    ("first_page", "problem"),
    [
        ({"next": "https://evil.example/v2/databases", "resources": []}, "another host"),
        ({"next": "/v2/databases", "resources": []}, "unusable 'next'"),  # a cursor loop
        ({"next": "", "items": []}, "without a 'resources' list"),
        ({"next": 7, "resources": []}, "unusable 'next'"),
    ],
)
async def test_unusable_cursors_and_envelopes_are_bad_responses(
    first_page: dict[str, object], problem: str
) -> None:
    seen: list[str] = []
    pages: Pages = {"/v2/databases": first_page}
    client = _client(pages, seen)

    with pytest.raises(UpstreamError) as caught:
        await client.databases()

    assert caught.value.code.value == "UPSTREAM_BAD_RESPONSE"
    assert problem in caught.value.message
    assert all(s.startswith("api.featurebase.com") for s in seen)  # never another host
    assert len(seen) <= 2
    await client.http.aclose()


def _failing(status: int, body: object) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("status", "body", "code", "vendor_code", "retryable", "text"),
    [
        (
            401,
            {"response_code": 401, "message": "unauthorized."},
            "UNAUTHENTICATED",
            None,
            False,
            "unauthorized.",
        ),
        (
            404,
            {"code": "ResourceNotFound", "message": "Resource not found."},
            "NOT_FOUND",
            "ResourceNotFound",
            False,
            "Resource not found.",
        ),
        (
            409,
            {"code": "IncorrectState", "message": "not ready to process requests"},
            "CONFLICT",
            "IncorrectState",
            True,
            "not ready",
        ),
        (
            409,
            {"code": "ResourceAlreadyExists", "message": "Requested resource already exists."},
            "CONFLICT",
            "ResourceAlreadyExists",
            False,
            "already exists",
        ),
    ],
)
async def test_error_bodies_become_coded_upstream_errors(
    status: int, body: object, code: str, vendor_code: str | None, retryable: bool, text: str
) -> None:
    http = UpstreamHttp(
        CONN,
        base_url=BASE,
        read_error=read_error,
        transport=httpx.MockTransport(_failing(status, body)),
    )

    with pytest.raises(UpstreamError) as caught:
        await FeatureBaseClient(http).database("db-1")
    await http.aclose()

    error = caught.value
    assert (error.code.value, error.vendor_code, error.retryable) == (code, vendor_code, retryable)
    assert (error.connection, error.upstream_status) == ("fb", status)
    assert text in error.message
