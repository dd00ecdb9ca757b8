"""How the gateway configures, builds and simulates a ClickHouse Cloud connection."""

from __future__ import annotations

import httpx

from adapters.cache.store import kinds_by_segment
from adapters.clickhouse import documents
from adapters.clickhouse.adapter import ClickHouseAdapter
from adapters.clickhouse.client import (
    DEFAULT_BASE_URL,
    DOCUMENTED_RATE_LIMIT,
    basic_auth,
    read_error,
)
from adapters.clickhouse.sim import seed_scale
from adapters.clickhouse.sim.simulator import DEMO_ACCOUNTS, ClickHouseSimulator
from adapters.model import Vendor
from adapters.upstream.http import UpstreamHttp
from adapters.vendor_spec import ConfigField, ConnectionSettings, VendorSpec

VENDOR = Vendor("clickhouse")


def build(settings: ConnectionSettings, simulator: ClickHouseSimulator | None) -> ClickHouseAdapter:
    transport: httpx.AsyncBaseTransport | None = None
    if simulator is not None:
        transport = httpx.ASGITransport(app=simulator.app)
    if "key_id" in settings.secrets:
        key_id = settings.secrets["key_id"].reveal()
        key_secret = settings.secrets["key_secret"].reveal()
    else:
        account = DEMO_ACCOUNTS[settings.simulator_account or next(iter(DEMO_ACCOUNTS))]
        key_id, key_secret = account["key_id"], account["key_secret"]
    http = UpstreamHttp(
        settings.info,
        base_url=settings.base_url,
        read_error=read_error,
        auth=basic_auth(key_id, key_secret),
        settings=settings.http,
        cache=settings.cache,
        transport=transport,
    )
    return ClickHouseAdapter(http)


SPEC = VendorSpec(
    vendor=VENDOR,
    title="ClickHouse Cloud",
    default_base_url=DEFAULT_BASE_URL,
    fields=(
        ConfigField(
            "key_id",
            "API key ID (HTTP Basic user name)",
            secret=True,
            group="key",
            names_holder=True,
        ),
        ConfigField("key_secret", "API key secret (HTTP Basic password)", secret=True, group="key"),
    ),
    build=build,
    simulator=ClickHouseSimulator,
    demo_accounts=DEMO_ACCOUNTS,
    scale_seeder=seed_scale,
    minimums=documents.MINIMUMS,
    paths=documents.PATHS,
    errors=documents.ERRORS,
    write_example=documents.WRITE,
    documented_rate_limit=DOCUMENTED_RATE_LIMIT,
    resource_kind=kinds_by_segment(
        {
            "organizations": "organizations",
            "services": "databases",
            "backups": "backups",
            "backupConfiguration": "backups",
            "keys": "api_keys",
            "members": "members",
            "invitations": "invitations",
            # a service's password is answered only by writes, but never keep one
            "password": None,
            # a pipe is kept as the vendor sent it, and a vendor echoing a source's
            # credentials would leave them in the cache: pipes are read per request
            "clickpipes": None,
            "postgres": "databases",
            # written with a credential: however the vendor answers, never keep it
            "backupBucket": None,
            # a webhook's URL is its token; dashboards and alerts are read per request too,
            # so a ClickStack write is never hidden by a kept answer
            "clickstack": None,
        },
        # a Postgres service's own answer holds its superuser password (its list does not)
        secret_items=frozenset({"postgres"}),
    ),
    # a ClickHouse Cloud key belongs to one organization: each seeded one is a connection
    demo_connections={
        "clickhouse-acme": {"simulator_account": "acme"},
        "clickhouse-globex": {"simulator_account": "globex"},
    },
)
