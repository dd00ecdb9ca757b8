"""A ClickHouse connection's upstream policy over a mock transport, with an in-process
cache: what the cache's tests and their attack tests drive."""

from __future__ import annotations

from typing import Any

import httpx

from adapters.cache.store import CachePolicy, ConnectionCache, MemoryBackend
from adapters.model import ConnectionInfo, Vendor
from adapters.registry import VENDORS
from adapters.upstream.http import HttpSettings, UpstreamHttp, VendorErrorBody


def cached_http(
    handler: Any, settings: HttpSettings | None = None, auth: httpx.Auth | None = None
) -> UpstreamHttp:
    """A ClickHouse connection's policy over ``handler``, with an in-process cache."""
    spec = VENDORS[Vendor("clickhouse")]
    assert spec.resource_kind is not None
    return UpstreamHttp(
        ConnectionInfo("ch", Vendor("clickhouse"), "https://api.clickhouse.cloud", simulated=True),
        base_url="https://api.clickhouse.cloud",
        read_error=lambda response: VendorErrorBody(),
        auth=auth,
        transport=httpx.MockTransport(handler),
        cache=ConnectionCache(MemoryBackend(), "ch:x", CachePolicy(), spec.resource_kind),
        settings=settings,
    )
