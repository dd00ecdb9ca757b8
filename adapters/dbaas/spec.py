"""How the gateway configures, builds and simulates a DBaaS connection."""

from __future__ import annotations

import httpx

from adapters.cache.store import kinds_by_segment
from adapters.dbaas import documents
from adapters.dbaas.adapter import DBaaSAdapter
from adapters.dbaas.client import DEFAULT_BASE_URL, basic_auth, read_error
from adapters.dbaas.sim import seed_scale
from adapters.dbaas.sim.seed_data import DEMO_ACCOUNTS
from adapters.dbaas.sim.simulator import DBaaSSimulator
from adapters.model import Vendor
from adapters.upstream.http import UpstreamHttp
from adapters.vendor_spec import ConfigField, ConnectionSettings, VendorSpec

VENDOR = Vendor("dbaas")


def build(settings: ConnectionSettings, simulator: DBaaSSimulator | None) -> DBaaSAdapter:
    transport: httpx.AsyncBaseTransport | None = None
    if simulator is not None:
        transport = httpx.ASGITransport(app=simulator.app)
    if "username" in settings.secrets:
        username = settings.secrets["username"].reveal()
        password = settings.secrets["password"].reveal()
    else:
        account = DEMO_ACCOUNTS[settings.simulator_account or next(iter(DEMO_ACCOUNTS))]
        username, password = account["username"], account["password"]
    http = UpstreamHttp(
        settings.info,
        base_url=settings.base_url,
        read_error=read_error,
        auth=basic_auth(username, password),
        settings=settings.http,
        cache=settings.cache,
        transport=transport,
    )
    # the API has no organizations: the one the gateway shows is named in the config
    name = settings.options.get("organization_name") or settings.name
    return DBaaSAdapter(http, organization_name=str(name))


SPEC = VendorSpec(
    vendor=VENDOR,
    title="DBaaS",
    default_base_url=DEFAULT_BASE_URL,
    fields=(
        ConfigField(
            "username", "HTTP Basic user name", secret=True, group="basic", names_holder=True
        ),
        ConfigField("password", "HTTP Basic password", secret=True, group="basic"),
        ConfigField(
            "organization_name",
            "name of the one organization this connection shows (default: the connection name)",
            required=False,
        ),
    ),
    build=build,
    simulator=DBaaSSimulator,
    demo_accounts=DEMO_ACCOUNTS,
    scale_seeder=seed_scale,
    minimums=documents.MINIMUMS,
    paths=documents.PATHS,
    errors=documents.ERRORS,
    write_example=documents.WRITE,
    # the vendor notes: "No rate limit is configured"
    documented_rate_limit=None,
    resource_kind=kinds_by_segment(
        {
            "organization": "organizations",
            "project": "organizations",
            "environment": "organizations",
            "database": "databases",
            "plan": "plans",
            # a credential's detail carries its password
            "credential": None,
        }
    ),
    # the API has no organizations: the one the gateway shows is named here
    demo_connections={"dbaas": {"organization_name": "DBaaS sample data"}},
)
