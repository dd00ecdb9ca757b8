"""How the gateway configures, builds and simulates a FeatureBase Cloud connection."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import httpx

from adapters.cache.store import kinds_by_segment
from adapters.featurebase import documents
from adapters.featurebase.adapter import FeatureBaseAdapter
from adapters.featurebase.auth import (
    DEFAULT_IDENTITY_URL,
    ApiKeyAuth,
    LoginAuth,
    LoginSession,
    read_identity_error,
)
from adapters.featurebase.client import DEFAULT_BASE_URL, read_error
from adapters.featurebase.query_host import DEFAULT_QUERY_URL
from adapters.featurebase.sim import seed_scale
from adapters.featurebase.sim.simulator import DEMO_ACCOUNTS, FeatureBaseSimulator
from adapters.model import Vendor
from adapters.upstream.http import UpstreamHttp
from adapters.vendor_spec import ConfigField, ConnectionSettings, VendorSpec

VENDOR = Vendor("featurebase")


def _credentials(settings: ConnectionSettings) -> dict[str, str]:
    """The configured credentials, else (simulated only) the chosen demo account's."""
    given = {name: secret.reveal() for name, secret in settings.secrets.items()}
    if given:
        return given
    return dict(DEMO_ACCOUNTS[settings.simulator_account or next(iter(DEMO_ACCOUNTS))])


def build(
    settings: ConnectionSettings, simulator: FeatureBaseSimulator | None
) -> FeatureBaseAdapter:
    api_transport: httpx.AsyncBaseTransport | None = None
    identity_transport: httpx.AsyncBaseTransport | None = None
    # ExpiresIn is relative, so a monotonic clock measures it; a simulated connection keeps
    # time with its simulator instead, so tests drive token expiry with one clock
    clock: Callable[[], float] = time.monotonic
    if simulator is not None:
        api_transport = httpx.ASGITransport(app=simulator.app)
        identity_transport = httpx.ASGITransport(app=simulator.identity_app)
        clock = simulator.clock
    credentials = _credentials(settings)
    auth: httpx.Auth
    login: LoginSession | None = None
    if "api_key" in credentials:
        auth = ApiKeyAuth(credentials["api_key"])
    else:
        identity_url = str(settings.options.get("identity_url", DEFAULT_IDENTITY_URL))
        identity = UpstreamHttp(
            settings.info,
            base_url=identity_url,
            read_error=read_identity_error,
            # logins are shared, so one at a time is plenty; the API's pacing is not theirs
            settings=dataclasses.replace(settings.http, max_concurrency=1, rate_limit=None),
            transport=identity_transport,
        )
        login = LoginSession(
            identity, identity_url, credentials["username"], credentials["password"], clock
        )
        auth = LoginAuth(login)
    http = UpstreamHttp(
        settings.info,
        base_url=settings.base_url,
        read_error=read_error,
        auth=auth,
        settings=settings.http,
        cache=settings.cache,
        transport=api_transport,
    )
    # the query host takes the same credentials; metrics are live, so never cached
    query = UpstreamHttp(
        settings.info,
        base_url=str(settings.options.get("query_url", DEFAULT_QUERY_URL)),
        read_error=read_error,
        auth=auth,
        settings=settings.http,
        transport=None if simulator is None else httpx.ASGITransport(app=simulator.query_app),
    )
    return FeatureBaseAdapter(http, login, query)


SPEC = VendorSpec(
    vendor=VENDOR,
    title="FeatureBase Cloud",
    default_base_url=DEFAULT_BASE_URL,
    fields=(
        ConfigField("api_key", "API key secret (sent as X-API-Key)", secret=True, group="api_key"),
        ConfigField(
            "username", "login user name (email)", secret=True, group="login", names_holder=True
        ),
        ConfigField("password", "login password", secret=True, group="login"),
        ConfigField(
            "query_url",
            f"the query host, for database metrics (default {DEFAULT_QUERY_URL})",
            required=False,
            url=True,
        ),
        ConfigField(
            "identity_url",
            f"where username/password log in (default {DEFAULT_IDENTITY_URL})",
            required=False,
            url=True,
        ),
    ),
    build=build,
    simulator=FeatureBaseSimulator,
    demo_accounts=DEMO_ACCOUNTS,
    scale_seeder=seed_scale,
    minimums=documents.MINIMUMS,
    paths=documents.PATHS,
    errors=documents.ERRORS,
    write_example=documents.WRITE,
    documented_rate_limit=None,  # none documented
    resource_kind=kinds_by_segment(
        {
            "orgs": "organizations",
            "databases": "databases",
            "backups": "backups",
            "keys": "api_keys",
            "users": "members",
            "roles": "members",
            "invites": "invitations",
            "shapes": "plans",
        }
    ),
    # the org owner logs in with username and password (the simulated id.featurebase.com);
    # the "demo-key" account uses an X-API-Key instead
    demo_connections={"featurebase": {"simulator_account": "demo-user"}},
    socket_accounts=("demo-key",),
)
