"""How the gateway configures, builds and simulates a NetApp Astra Control connection."""

from __future__ import annotations

import httpx

from adapters.astra import documents
from adapters.astra.adapter import AstraAdapter
from adapters.astra.client import (
    DEFAULT_BASE_URL,
    DEFAULT_PAGE_SIZE,
    AstraClient,
    BearerToken,
    read_error,
)
from adapters.astra.sim import seed_scale
from adapters.astra.sim.simulator import DEMO_ACCOUNTS, AstraSimulator
from adapters.cache.store import kinds_by_segment
from adapters.model import Vendor
from adapters.upstream.http import UpstreamHttp
from adapters.vendor_spec import ConfigField, ConnectionSettings, VendorSpec

VENDOR = Vendor("astra")


def page_size(settings: ConnectionSettings) -> int:
    """The ``limit`` sent with every collection GET (configuration values are strings)."""
    value = settings.options.get("page_size")
    if value is None:
        return DEFAULT_PAGE_SIZE
    if not str(value).isdigit() or int(value) < 1:
        raise ValueError(
            f"astra connection '{settings.name}': page_size must be a positive integer, "
            f"got {value!r}"
        )
    return int(value)


def build(settings: ConnectionSettings, simulator: AstraSimulator | None) -> AstraAdapter:
    transport: httpx.AsyncBaseTransport | None = None
    if simulator is not None:
        transport = httpx.ASGITransport(app=simulator.app)
    if "token" in settings.secrets:
        token = settings.secrets["token"].reveal()
    else:
        # a simulated connection without a token uses its seeded account's
        token = DEMO_ACCOUNTS[settings.simulator_account or next(iter(DEMO_ACCOUNTS))]["token"]
    http = UpstreamHttp(
        settings.info,
        base_url=settings.base_url,
        read_error=read_error,
        auth=BearerToken(token),
        settings=settings.http,
        cache=settings.cache,
        transport=transport,
    )
    return AstraAdapter(AstraClient(http, settings.options["account_id"], page_size(settings)))


SPEC = VendorSpec(
    vendor=VENDOR,
    title="NetApp Astra Control",
    default_base_url=DEFAULT_BASE_URL,
    fields=(
        ConfigField("account_id", "Astra account ID (the UUID in every API path)", per_caller=True),
        ConfigField("token", "API token (Authorization: Bearer)", secret=True),
        ConfigField(
            "page_size",
            f"items per collection request, the limit parameter (default {DEFAULT_PAGE_SIZE})",
            required=False,
        ),
    ),
    build=build,
    simulator=AstraSimulator,
    demo_accounts=DEMO_ACCOUNTS,
    scale_seeder=seed_scale,
    minimums=documents.MINIMUMS,
    paths=documents.PATHS,
    errors=documents.ERRORS,
    write_example=documents.WRITE,
    # the notes document PUT as a full replace: sending the same body twice is harmless
    idempotent_methods=frozenset({"PUT"}),
    resource_kind=kinds_by_segment(
        {
            "accounts": "organizations",
            "apps": "databases",
            "appBackups": "backups",
            "appSnaps": "backups",
            "tokens": "api_keys",
            "users": "members",
            "roleBindings": "members",
            # cloud and cluster credentials are secrets
            "credentials": None,
        }
    ),
    # the account ID is in every path: the seeded account's
    demo_connections={"astra": {"account_id": DEMO_ACCOUNTS["demo"]["account_id"]}},
)
