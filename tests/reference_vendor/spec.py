"""How the gateway configures, builds and simulates a reference vendor connection."""

from __future__ import annotations

import httpx

from adapters.cache.store import kinds_by_segment
from adapters.model import Vendor
from adapters.upstream.http import UpstreamHttp
from adapters.vendor_spec import ConfigField, ConnectionSettings, VendorSpec
from tests.reference_vendor import documents
from tests.reference_vendor.adapter import ReferenceAdapter
from tests.reference_vendor.client import DEFAULT_BASE_URL, BearerToken, read_error
from tests.reference_vendor.sim import seed_scale
from tests.reference_vendor.sim.seed_data import DEMO_ACCOUNTS
from tests.reference_vendor.sim.simulator import ReferenceSimulator

VENDOR = Vendor("reference")


def build(settings: ConnectionSettings, simulator: ReferenceSimulator | None) -> ReferenceAdapter:
    return ReferenceAdapter(upstream(settings, simulator))


def upstream(settings: ConnectionSettings, simulator: ReferenceSimulator | None) -> UpstreamHttp:
    """The connection's UpstreamHttp: to the simulator when simulated, with the configured
    token, else (simulated only) the chosen demo account's."""
    transport = None if simulator is None else httpx.ASGITransport(app=simulator.app)
    if "token" in settings.secrets:
        token = settings.secrets["token"].reveal()
    else:
        token = DEMO_ACCOUNTS[settings.simulator_account or next(iter(DEMO_ACCOUNTS))]["token"]
    return UpstreamHttp(
        settings.info,
        base_url=settings.base_url,
        read_error=read_error,
        auth=BearerToken(token),
        settings=settings.http,
        cache=settings.cache,
        transport=transport,
    )


SPEC = VendorSpec(
    vendor=VENDOR,
    title="Reference vendor",
    default_base_url=DEFAULT_BASE_URL,
    fields=(ConfigField("token", "API token (Authorization: Bearer)", secret=True),),
    build=build,
    simulator=ReferenceSimulator,
    demo_accounts=DEMO_ACCOUNTS,
    scale_seeder=seed_scale,
    minimums=documents.MINIMUMS,
    paths=documents.PATHS,
    errors=documents.ERRORS,
    write_example=documents.WRITE,
    resource_kind=kinds_by_segment({"orgs": "organizations", "databases": "databases"}),
)
