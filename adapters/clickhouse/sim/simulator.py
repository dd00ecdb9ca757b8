"""An in-process fake of the ClickHouse Cloud control-plane API, written from the vendor docs.

Sources: ``shared/seeds/clickhouse-cloud-api.txt`` (rendered docs, the newer source: it wins
where the two disagree), ``shared/seeds/clickhouse-cloud-openapi.json`` and
``shared/vendor-notes/clickhouse.md``. Comments marked "our reading" resolve a point the docs
leave open; the adapter is written separately, so a disagreement between the two is a question
to take back to the docs, not something to paper over here.

Layout: this module assembles the app (routing, authentication, rate limit, error shape);
``sim_org_routes`` and ``sim_service_routes`` hold the route handlers, ``sim_state`` the
records and their builders, ``sim_validation`` the request value checks.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.clickhouse.sim import seed_data as sd
from adapters.clickhouse.sim.billing_routes import BillingRoutes
from adapters.clickhouse.sim.bucket_routes import BucketRoutes
from adapters.clickhouse.sim.byoc_routes import ByocRoutes
from adapters.clickhouse.sim.clickpipe_routes import ClickPipeRoutes
from adapters.clickhouse.sim.clickstack_routes import ClickStackRoutes
from adapters.clickhouse.sim.org_routes import OrgRoutes
from adapters.clickhouse.sim.postgres_routes import PostgresRoutes
from adapters.clickhouse.sim.role_routes import RoleRoutes
from adapters.clickhouse.sim.scaling_routes import ScalingRoutes
from adapters.clickhouse.sim.seed_data import DEMO_ACCOUNTS, SEED_CREDENTIALS
from adapters.clickhouse.sim.service_extra_routes import ServiceExtraRoutes
from adapters.clickhouse.sim.service_routes import ServiceRoutes
from adapters.clickhouse.sim.state import Ctx, OrgState, SimulatorState
from adapters.clickhouse.sim.validation import _UUID, JSON, ApiError, _fail, _iso, _parse_time
from adapters.simulation.middleware import (
    FaultInjector,
    RequestLog,
    SimulatorMiddleware,
    set_identity,
)

__all__ = ["DEMO_ACCOUNTS", "SEED_CREDENTIALS", "ClickHouseSimulator", "vendor_error_response"]


def vendor_error_response(status: int, message: str) -> JSONResponse:
    """The documented error body: ``{"status", "error", "requestId"}``."""
    return JSONResponse(
        {"status": status, "error": message, "requestId": _request_id()}, status_code=status
    )


def _request_id() -> str:
    return str(uuid.uuid4())


async def _routing_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = vendor_error_response(exc.status_code, exc.detail)
    response.headers.update(exc.headers or {})
    return response


Handler = Callable[[Ctx], Awaitable[Any]]
Endpoint = Callable[[Request], Awaitable[Response]]


def _by_method(endpoints: dict[str, Endpoint]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method](request)

    return endpoint


class ClickHouseSimulator(
    ClickStackRoutes,
    ClickPipeRoutes,
    ScalingRoutes,
    BucketRoutes,
    ByocRoutes,
    PostgresRoutes,
    RoleRoutes,
    ServiceExtraRoutes,
    BillingRoutes,
    OrgRoutes,
    ServiceRoutes,
):
    """A fake ClickHouse Cloud control plane: every documented path, with auth and validation.

    Authentication is HTTP Basic with a key ID and secret. ``state`` holds plain vendor JSON
    per organization that tests may read and change; the ``add_*`` builders create records.
    Asynchronous vendor work goes through transitional states: a new service is
    "provisioning", a started one "starting", a stopped one "stopping", a deleted one
    "terminating". With ``transition_seconds=None`` (the default) they stay so until
    ``settle()`` finishes every transition at once; with a number, each transition begun
    through the API finishes that many seconds later on ``clock``, applied lazily when the
    next request arrives (no background task).
    """

    vendor = "clickhouse"

    def __init__(
        self,
        *,
        seed: bool = True,
        rate_limit: tuple[int, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        transition_seconds: float | None = None,
    ) -> None:
        self.state = SimulatorState()
        self.log = RequestLog()
        self.faults = FaultInjector()
        self.rate_limit = rate_limit
        self.clock = clock  # paces the rate limit and times transitions
        self.transition_seconds = transition_seconds
        self._transitions = {}
        # Timestamps of new records and key expiry use wall time; tests may pin it.
        self.wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._hits: dict[str, deque[float]] = {}
        self._sequence = 0
        self.app = Starlette(
            routes=self._routes(),
            middleware=[
                Middleware(
                    SimulatorMiddleware,
                    log=self.log,
                    faults=self.faults,
                    render_error=vendor_error_response,
                )
            ],
            exception_handlers={HTTPException: _routing_error},
        )
        if seed:
            self._seed()

    # --- routing, authentication, rate limit ---------------------------------------------

    def _routes(self) -> list[Route]:
        org = "/v1/organizations/{organizationId}"
        svc = org + "/services/{serviceId}"
        table: list[tuple[str, str, Handler, bool]] = [  # (method, path, handler, admin only)
            ("GET", "/v1/organizations", self._list_organizations, False),
            ("GET", org, self._get_organization, False),
            ("PATCH", org, self._patch_organization, True),  # "Requires ADMIN auth key role"
            ("GET", org + "/privateEndpointConfig", self._org_private_endpoint_config, False),
            ("GET", org + "/services", self._list_services, False),
            ("POST", org + "/services", self._create_service, False),
            ("GET", svc, self._get_service, False),
            ("PATCH", svc, self._patch_service, False),
            ("DELETE", svc, self._delete_service, False),
            ("GET", svc + "/privateEndpointConfig", self._service_private_endpoint_config, False),
            ("PATCH", svc + "/state", self._change_state, False),
            ("PATCH", svc + "/scaling", self._scale_total, False),
            ("PATCH", svc + "/replicaScaling", self._scale_per_replica, False),
            ("PATCH", svc + "/password", self._change_password, False),
            ("GET", svc + "/prometheus", self._prometheus, False),
            ("GET", svc + "/backups", self._list_backups, False),
            ("GET", svc + "/backups/{backupId}", self._get_backup, False),
            ("GET", svc + "/backupConfiguration", self._get_backup_configuration, False),
            ("PATCH", svc + "/backupConfiguration", self._patch_backup_configuration, True),
            ("GET", org + "/keys", self._list("keys"), False),
            ("POST", org + "/keys", self._create_key, False),
            ("GET", org + "/keys/{keyId}", self._get("keys", "keyId", "API key"), False),
            ("PATCH", org + "/keys/{keyId}", self._patch_key, False),
            ("DELETE", org + "/keys/{keyId}", self._delete_key, False),
            ("GET", org + "/members", self._list("members"), False),
            ("GET", org + "/members/{userId}", self._get("members", "userId", "Member"), False),
            ("PATCH", org + "/members/{userId}", self._patch_member, False),
            ("DELETE", org + "/members/{userId}", self._delete_member, False),
            ("GET", org + "/invitations", self._list("invitations"), False),
            ("POST", org + "/invitations", self._create_invitation, False),
            (
                "GET",
                org + "/invitations/{invitationId}",
                self._get("invitations", "invitationId", "Invitation"),
                False,
            ),
            ("DELETE", org + "/invitations/{invitationId}", self._delete_invitation, False),
            ("GET", org + "/activities", self._list_activities, False),
            (
                "GET",
                org + "/activities/{activityId}",
                self._get("activities", "activityId", "Activity"),
                False,
            ),
            ("GET", org + "/usageCost", self._usage_cost, False),
            ("GET", org + "/prometheus", self._org_prometheus, False),
            *self.postgres_routes(),
            *self.role_routes(),
            *self.service_extra_routes(),
            *self.clickpipe_routes(),
            *self.clickstack_routes(),
            # after the seed's table: the 2026-06 replicaScaling replaces the seed's
            *self.scaling_routes(),
            *self.bucket_routes(),
            *self.byoc_routes(),
        ]
        by_path: dict[str, dict[str, Endpoint]] = {}
        for method, path, handler, admin in table:
            by_path.setdefault(path, {})[method] = self._endpoint(handler, admin)
        # One route per path, so a wrong method answers 405 with every allowed method.
        return [
            Route(path, _by_method(endpoints), methods=list(endpoints))
            for path, endpoints in by_path.items()
        ]

    def _endpoint(self, handler: Handler, admin: bool) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            self._advance()
            try:
                result = await handler(self._authorize(request, admin))
            except ApiError as exc:
                response = vendor_error_response(exc.status, exc.message)
                response.headers.update(exc.headers)
                return response
            if isinstance(result, Response):
                return result
            body: JSON = {"status": 200, "requestId": _request_id()}
            return JSONResponse(body if result is None else body | {"result": result})

        return endpoint

    def _authorize(self, request: Request, admin: bool) -> Ctx:
        key, key_org = self._authenticate(request)
        self._count_request(key["id"])
        params = dict(request.path_params)
        for name, value in params.items():
            # the docs type these as plain strings
            if name in (
                "activityId",
                "queryId",
                "settingName",
                "clickStackDashboardId",
                "clickStackAlertId",
            ):
                continue
            if not _UUID.fullmatch(value):
                raise _fail(f"{name} '{value}' is not a valid UUID")
            params[name] = value.lower()
        org = key_org
        if "organizationId" in params:
            found = self.state.organizations.get(params["organizationId"])
            if found is None:
                raise ApiError(404, f"Organization {params['organizationId']} not found")
            if found is not key_org:
                # Our reading: another organization's ID is forbidden (403), not hidden (404).
                raise ApiError(403, "The API key does not belong to this organization")
            org = found
        if admin and "admin" not in key["roles"]:
            raise ApiError(403, "This operation requires an API key with the ADMIN role")
        return Ctx(request, key, org, params)

    def _authenticate(self, request: Request) -> tuple[JSON, OrgState]:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            if scheme.lower() != "basic":
                raise ValueError
            key_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (ValueError, binascii.Error):
            raise ApiError(
                401, "Authentication required: HTTP Basic with key ID and secret"
            ) from None
        id_hash, secret_hash = sd.credential_hash(key_id), sd.credential_hash(secret)
        for org in self.state.organizations.values():
            for key_uuid, credential in org.credentials.items():
                if hmac.compare_digest(credential.key_id_hash, id_hash):
                    if not hmac.compare_digest(credential.secret_hash, secret_hash):
                        break
                    key, now = org.keys[key_uuid], self.wall_clock()
                    if key["state"] != "enabled":
                        raise ApiError(401, "The API key is disabled")
                    if "expireAt" in key and _parse_time(key["expireAt"], "expireAt") <= now:
                        raise ApiError(401, "The API key has expired")
                    set_identity(request, key_id)
                    key["usedAt"] = _iso(now)
                    return key, org
        raise ApiError(401, "Invalid API key ID or secret")

    def _count_request(self, key_uuid: str) -> None:
        """A sliding window per key: more than N requests within it answer 429."""
        if self.rate_limit is None:
            return
        limit, window = self.rate_limit
        now, hits = self.clock(), self._hits.setdefault(key_uuid, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            reset = max(1, math.ceil(hits[0] + window - now))
            raise ApiError(
                429,
                f"Rate limit exceeded: {limit} requests per {window:g} seconds per API key",
                {"X-RateLimit-Reset": str(reset)},
            )
        hits.append(now)

    # --- handler factories for plain listings and lookups ----------------------------------

    def _list(self, collection: str) -> Handler:
        async def handler(ctx: Ctx) -> Any:
            return [
                self._shown(ctx.org, collection, r) for r in getattr(ctx.org, collection).values()
            ]

        return handler

    def _get(self, collection: str, param: str, what: str) -> Handler:
        async def handler(ctx: Ctx) -> Any:
            found = self._find(getattr(ctx.org, collection), ctx.params[param], what)
            return self._shown(ctx.org, collection, found)

        return handler
