"""An in-process fake of the ClickHouse Cloud control-plane API, written from the vendor docs.

Sources: ``shared/seeds/clickhouse-cloud-api.txt`` (rendered docs, the newer source: it wins
where the two disagree), ``shared/seeds/clickhouse-cloud-openapi.json`` and
``shared/vendor-notes/clickhouse.md``. Comments marked "our reading" resolve a point the docs
leave open; the adapter is written separately, so a disagreement between the two is a question
to take back to the docs, not something to paper over here.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import json
import math
import re
import secrets
import string
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from adapters.clickhouse import seed_data as sd
from adapters.clickhouse.seed_data import DEMO_ACCOUNTS, SEED_CREDENTIALS
from adapters.simulation import FaultInjector, RequestLog, SimulatorMiddleware, set_identity

__all__ = ["DEMO_ACCOUNTS", "SEED_CREDENTIALS", "ClickHouseSimulator", "vendor_error_response"]

JSON = dict[str, Any]
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SERVICE_NAME = re.compile(r"[A-Za-z0-9 ]+")  # "Alphanumerical string with whitespaces"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_ALPHANUMERIC = string.ascii_letters + string.digits
_FINAL_STATES = ("terminating", "terminated")
# What settle() turns each transitional state into; "terminating" services are removed.
_SETTLED = {"provisioning": "running", "starting": "running", "awaking": "running",
            "stopping": "stopped"}
# Our reading: total memory is per-replica memory times 3. The docs' ranges only agree at
# that factor (24..720 step 12 total vs 8..240 step 4 per replica), whatever numReplicas is.
TOTAL_PER_REPLICA_MEMORY = 3
MAX_KEYS_PER_ORGANIZATION = 100  # vendor notes: at most 100 keys per organization
INVITATION_LIFETIME = timedelta(days=30)  # our choice: the docs do not say


class ApiError(Exception):
    """A vendor error answer: HTTP status, the ``error`` text and any extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def vendor_error_response(status: int, message: str) -> JSONResponse:
    """The documented error body: ``{"status", "error", "requestId"}``."""
    return JSONResponse({"status": status, "error": message, "requestId": _request_id()},
                        status_code=status)


def _request_id() -> str:
    return str(uuid.uuid4())


async def _routing_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = vendor_error_response(exc.status_code, exc.detail)
    response.headers.update(exc.headers or {})
    return response


# --- state -------------------------------------------------------------------------------

@dataclass
class Credential:
    """How a key authenticates: hashes of its key ID and secret, as the docs' hashData."""

    key_id_hash: str
    secret_hash: str


@dataclass
class OrgState:
    """One organization and everything in it; each record is exactly its vendor JSON."""

    organization: JSON
    services: dict[str, JSON] = field(default_factory=dict)
    service_tags: dict[str, dict[str, str]] = field(default_factory=dict)  # not in the body
    service_passwords: dict[str, str] = field(default_factory=dict)  # base64 SHA-256
    backups: dict[str, JSON] = field(default_factory=dict)  # by backup id; has serviceId
    backup_configurations: dict[str, JSON] = field(default_factory=dict)  # by service id
    keys: dict[str, JSON] = field(default_factory=dict)
    credentials: dict[str, Credential] = field(default_factory=dict)  # by key id (UUID)
    members: dict[str, JSON] = field(default_factory=dict)
    invitations: dict[str, JSON] = field(default_factory=dict)
    activities: dict[str, JSON] = field(default_factory=dict)


@dataclass
class SimulatorState:
    organizations: dict[str, OrgState] = field(default_factory=dict)

    def org_of_service(self, service_id: str) -> OrgState:
        for org in self.organizations.values():
            if service_id in org.services:
                return org
        raise KeyError(service_id)


@dataclass
class Ctx:
    """One authenticated request: the key, the organization in the path, the path params."""

    request: Request
    key: JSON
    org: OrgState
    params: dict[str, str]


Handler = Callable[[Ctx], Awaitable[Any]]
Endpoint = Callable[[Request], Awaitable[Response]]


def _by_method(endpoints: dict[str, Endpoint]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method](request)
    return endpoint


# --- value validation (400 with a text naming the field) --------------------------------

def _fail(message: str) -> ApiError:
    return ApiError(400, message)


def _str(value: Any, label: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise _fail(f"{label} is required")
        return None
    if not isinstance(value, str):
        raise _fail(f"{label} must be a string")
    if required and not value.strip():
        raise _fail(f"{label} must not be empty")
    return value


def _enum(value: Any, label: str, allowed: Iterable[str], *, required: bool = False) -> str | None:
    allowed = tuple(allowed)
    text = _str(value, label, required=required)
    if text is not None and text not in allowed:
        raise _fail(f"{label} must be one of: {', '.join(allowed)} (got '{text}')")
    return text


def _bool(value: Any, label: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise _fail(f"{label} must be a boolean")
    return value


def _num(value: Any, label: str, lo: int, hi: int | None = None,
         step: int | None = None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(f"{label} must be a number")
    if value < lo or (hi is not None and value > hi) or (step and value % step):
        rule = f"between {lo} and {hi}" if hi is not None else f">= {lo}"
        kind = "a whole number " if step == 1 else f"a multiple of {step} " if step else ""
        raise _fail(f"{label} must be {kind}{rule} (got {value})")
    return int(value) if float(value).is_integer() else value


def _list(value: Any, label: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(f"{label} must be an array")
    return value


def _strings(value: Any, label: str) -> list[str]:
    return [_str(item, f"{label}[]", required=True) or "" for item in _list(value, label)]


def _object(value: Any, label: str, allowed: Iterable[str]) -> JSON:
    if not isinstance(value, dict):
        raise _fail(f"{label} must be an object")
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise _fail(f"Unknown field(s) in {label}: {', '.join(unknown)}")
    return value


def _ip_entries(value: Any, label: str) -> list[JSON]:
    entries = []
    for item in _list(value, label):
        entry = _object(item, f"{label}[]", ("source", "description"))
        source = _str(entry.get("source"), f"{label}[].source", required=True) or ""
        try:  # the docs: "IPv4 address or IPv4 CIDR"
            ipaddress.IPv4Network(source, strict=False)
        except ValueError:
            raise _fail(f"{label}[].source '{source}' is not an IPv4 address or CIDR") from None
        description = _str(entry.get("description"), f"{label}[].description")
        entries.append({"source": source} | ({"description": description} if description else {}))
    return entries


def _private_endpoints(value: Any, label: str, *, full: bool) -> list[JSON]:
    entries = []
    for item in _list(value, label):
        entry = _object(item, f"{label}[]", ("id", "description", "cloudProvider", "region"))
        provider = _enum(entry.get("cloudProvider"), f"{label}[].cloudProvider",
                         sd.PRIVATE_ENDPOINT_REGIONS, required=full)
        region = _enum(entry.get("region"), f"{label}[].region",
                       (r for rs in sd.PRIVATE_ENDPOINT_REGIONS.values() for r in rs),
                       required=full)
        if provider and region and region not in sd.PRIVATE_ENDPOINT_REGIONS[provider]:
            raise _fail(f"{label}[].region '{region}' is not a {provider} region")
        values = {"id": _str(entry.get("id"), f"{label}[].id", required=True),
                  "description": _str(entry.get("description"), f"{label}[].description"),
                  "cloudProvider": provider, "region": region}
        entries.append({k: v for k, v in values.items() if v is not None})
    return entries


def _add_remove(body: JSON, name: str, items: Callable[[Any, str], list[Any]]
                ) -> tuple[list[Any], list[Any]] | None:
    if body.get(name) is None:
        return None
    patch = _object(body[name], name, ("add", "remove"))
    return items(patch.get("remove", []), f"{name}.remove"), items(patch.get("add", []),
                                                                   f"{name}.add")


def _merge(current: list[Any], change: tuple[list[Any], list[Any]],
           key: Callable[[Any], Any]) -> list[Any]:
    """The docs' add/remove patch: "remove" runs first, then "add" (replacing equal keys)."""
    remove, add = change
    dropped = {key(item) for item in remove}
    kept = [item for item in current if key(item) not in dropped]
    for item in add:
        kept = [other for other in kept if key(other) != key(item)] + [item]
    return kept


def _service_name(value: Any, *, required: bool) -> str | None:
    name = _str(value, "name", required=required)
    if name is not None and (len(name) > 50 or not _SERVICE_NAME.fullmatch(name)):
        raise _fail("name must be 1 to 50 letters, digits and spaces")
    return name


def _roles(value: Any) -> list[str]:
    roles = [_enum(r, "roles[]", sd.ROLES, required=True) or "" for r in _list(value, "roles")]
    if not roles:
        raise _fail("roles must contain at least 1 element")
    return list(dict.fromkeys(roles))


def _parse_time(value: str, label: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{label} must be an ISO-8601 date-time (got '{value}')") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # our reading: naive = UTC


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _expiry(value: Any) -> str | None:
    """``expireAt``: the docs say an empty value means "never expires"; we accept null too."""
    text = _str(value, "expireAt")
    return _iso(_parse_time(text, "expireAt")) if text else None


def _scaling(body: JSON, tier: str, current: JSON, *, per_replica: bool) -> JSON:
    """Validated scaling changes, in the service's own (total memory) fields."""
    if per_replica:
        names, lo, hi, step = ("minReplicaMemoryGb", "maxReplicaMemoryGb"), 8, 240, 4
        factor = TOTAL_PER_REPLICA_MEMORY
    else:
        names, lo, hi, step, factor = ("minTotalMemoryGb", "maxTotalMemoryGb"), 24, 720, 12, 1
    changes: JSON = {}
    for name, target in zip(names, ("minTotalMemoryGb", "maxTotalMemoryGb"), strict=True):
        value = _num(body.get(name), name, lo, hi, step)
        if value is not None:
            changes[target] = value * factor
    if changes and tier != "production":
        raise _fail(f"{' and '.join(names)} are available only for 'production' services")
    merged = current | changes
    low, high = merged["minTotalMemoryGb"], merged["maxTotalMemoryGb"]
    if low > high:
        raise _fail(f"{names[0]} ({low // factor}) must not exceed {names[1]} ({high // factor})")
    idle = _bool(body.get("idleScaling"), "idleScaling")
    if idle is False and tier == "development":
        raise _fail("idleScaling is always true for development services")
    more = {"numReplicas": _num(body.get("numReplicas"), "numReplicas", 3, 20, 1),
            "idleScaling": idle,
            "idleTimeoutMinutes": _num(body.get("idleTimeoutMinutes"), "idleTimeoutMinutes", 5)}
    return changes | {k: v for k, v in more.items() if v is not None}


async def _body(request: Request, allowed: Iterable[str]) -> JSON:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise _fail("Request body is not valid JSON") from None
    # Our reading: unknown fields are refused, so a misspelt field cannot pass unnoticed.
    return _object(body, "request body", allowed)


def _replica_view(service: JSON) -> JSON:
    """The replicaScaling answer: the service plus per-replica memory (only there, per the docs)."""
    return service | {"minReplicaMemoryGb": service["minTotalMemoryGb"] // TOTAL_PER_REPLICA_MEMORY,
                      "maxReplicaMemoryGb": service["maxTotalMemoryGb"] // TOTAL_PER_REPLICA_MEMORY}


def _generate(prefix: str, length: int) -> str:
    return prefix + "".join(secrets.choice(_ALPHANUMERIC) for _ in range(length - len(prefix)))


_SERVICE_POST_FIELDS = (
    "name", "provider", "region", "tier", "ipAccessList", "minTotalMemoryGb", "maxTotalMemoryGb",
    "numReplicas", "idleScaling", "idleTimeoutMinutes", "backupId", "encryptionKey",
    "encryptionAssumedRoleIdentifier", "privateEndpointIds", "privatePreviewTermsChecked",
)
_SCALING_FIELDS = ("minTotalMemoryGb", "maxTotalMemoryGb", "numReplicas", "idleScaling",
                   "idleTimeoutMinutes")
_REPLICA_SCALING_FIELDS = ("minReplicaMemoryGb", "maxReplicaMemoryGb", "numReplicas",
                           "idleScaling", "idleTimeoutMinutes")
_BACKUP_CONFIGURATION_FIELDS = tuple(sd.DEFAULT_BACKUP_CONFIGURATION)
_KEY_FIELDS = ("name", "roles", "expireAt", "state")


class ClickHouseSimulator:
    """A fake ClickHouse Cloud control plane: every documented path, with auth and validation.

    Authentication is HTTP Basic with a key ID and secret. ``state`` holds plain vendor JSON
    per organization that tests may read and change; the ``add_*`` builders create records.
    Asynchronous vendor work is made deterministic: a new service stays "provisioning", a
    deleted one "terminating", until ``settle()`` finishes every transition at once; the start
    and stop commands take effect immediately ("running", "stopped").
    """

    vendor = "clickhouse"

    def __init__(self, *, seed: bool = True, rate_limit: tuple[int, float] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.state = SimulatorState()
        self.log = RequestLog()
        self.faults = FaultInjector()
        self.rate_limit = rate_limit
        self.clock = clock  # paces the rate limit only
        # Timestamps of new records and key expiry use wall time; tests may pin it.
        self.wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._hits: dict[str, deque[float]] = {}
        self._sequence = 0
        self.app = Starlette(
            routes=self._routes(),
            middleware=[Middleware(SimulatorMiddleware, log=self.log, faults=self.faults,
                                   render_error=vendor_error_response)],
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
            ("GET", org + "/invitations/{invitationId}",
             self._get("invitations", "invitationId", "Invitation"), False),
            ("DELETE", org + "/invitations/{invitationId}", self._delete_invitation, False),
            ("GET", org + "/activities", self._list_activities, False),
            ("GET", org + "/activities/{activityId}",
             self._get("activities", "activityId", "Activity"), False),
        ]
        by_path: dict[str, dict[str, Endpoint]] = {}
        for method, path, handler, admin in table:
            by_path.setdefault(path, {})[method] = self._endpoint(handler, admin)
        # One route per path, so a wrong method answers 405 with every allowed method.
        return [Route(path, _by_method(endpoints), methods=list(endpoints))
                for path, endpoints in by_path.items()]

    def _endpoint(self, handler: Handler, admin: bool) -> Endpoint:
        async def endpoint(request: Request) -> Response:
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
            if name == "activityId":  # the docs type activity IDs as plain strings
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
            raise ApiError(401, "Authentication required: HTTP Basic with key ID and secret") \
                from None
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
            raise ApiError(429, f"Rate limit exceeded: {limit} requests per {window:g} seconds "
                           "per API key", {"X-RateLimit-Reset": str(reset)})
        hits.append(now)

    # --- lookups shared by handlers ---------------------------------------------------------

    def _find(self, records: dict[str, JSON], record_id: str, what: str) -> JSON:
        if record_id not in records:
            raise ApiError(404, f"{what} {record_id} not found")
        return records[record_id]

    def _service(self, ctx: Ctx, *, live: bool = False) -> JSON:
        service = self._find(ctx.org.services, ctx.params["serviceId"], "Service")
        if live and service["state"] in _FINAL_STATES:
            raise ApiError(409, f"Service {service['id']} is {service['state']}")
        return service

    def _list(self, collection: str) -> Handler:
        async def handler(ctx: Ctx) -> Any:
            return list(getattr(ctx.org, collection).values())
        return handler

    def _get(self, collection: str, param: str, what: str) -> Handler:
        async def handler(ctx: Ctx) -> Any:
            return self._find(getattr(ctx.org, collection), ctx.params[param], what)
        return handler

    def _audit(self, ctx: Ctx, kind: str, service_id: str | None = None) -> None:
        """Writes leave an activity, as the vendor's audit log would."""
        client = ctx.request.client
        self.add_activity(ctx.org.organization["id"], kind, actorType="api",
                          actorId=ctx.key["id"], actorDetails=f"API key {ctx.key['name']}",
                          actorIpAddress=client.host if client else None, serviceId=service_id)

    # --- organizations -------------------------------------------------------------------

    async def _list_organizations(self, ctx: Ctx) -> Any:
        return [ctx.org.organization]  # "a list with a single organization"

    async def _get_organization(self, ctx: Ctx) -> Any:
        return ctx.org.organization

    async def _patch_organization(self, ctx: Ctx) -> Any:
        body = await _body(ctx.request, ("name", "privateEndpoints"))
        name = _str(body.get("name"), "name")
        if name is not None and not name.strip():
            raise _fail("name must not be empty")
        change = _add_remove(body, "privateEndpoints",
                             lambda v, label: _private_endpoints(v, label, full="add" in label))
        organization = ctx.org.organization
        if change:
            organization["privateEndpoints"] = _merge(organization["privateEndpoints"], change,
                                                      lambda e: e["id"])
        if name is not None and name != organization["name"]:
            organization["name"] = name
            self._audit(ctx, "organization_update_name")
        return organization

    async def _org_private_endpoint_config(self, ctx: Ctx) -> Any:
        # Our reading: the docs name the query parameters only by their titles; we accept
        # those and snake_case names in the style of from_date/to_date.
        query = ctx.request.query_params
        provider = _enum(query.get("cloud_provider", query.get("Cloud provider identifier")),
                         "cloud_provider", sd.PROVIDER_REGIONS, required=True) or ""
        region = _str(query.get("region_id", query.get("Cloud provider region")), "region_id",
                      required=True) or ""
        if region not in sd.PROVIDER_REGIONS[provider] + sd.PRIVATE_ENDPOINT_REGIONS[provider]:
            raise _fail(f"region_id '{region}' is not a {provider} region")
        return {"endpointServiceId": sd.endpoint_service_id(provider, region)}

    # --- services -------------------------------------------------------------------------

    async def _list_services(self, ctx: Ctx) -> Any:
        services = list(ctx.org.services.values())
        for expression in ctx.request.query_params.getlist("filter"):  # tag:Key=Value
            match = re.fullmatch(r"tag:([^=]+)=(.*)", expression)
            if not match:
                raise _fail(f"Unsupported filter '{expression}': expected tag:<key>=<value>")
            services = [s for s in services
                        if ctx.org.service_tags.get(s["id"], {}).get(match[1]) == match[2]]
        return services

    async def _get_service(self, ctx: Ctx) -> Any:
        return self._service(ctx)

    async def _create_service(self, ctx: Ctx) -> Any:
        body = await _body(ctx.request, _SERVICE_POST_FIELDS)
        name = _service_name(body.get("name"), required=True) or ""
        provider = _enum(body.get("provider"), "provider", sd.PROVIDER_REGIONS, required=True)
        region = _enum(body.get("region"), "region", sd.SERVICE_REGIONS, required=True) or ""
        if provider is None or region not in sd.PROVIDER_REGIONS[provider]:
            raise _fail(f"region '{region}' is not a {provider} region")
        # Our reading: tier is optional and defaults to production, the scaling tier.
        tier = _enum(body.get("tier"), "tier", sd.TIERS) or "production"
        if provider == "azure" and tier == "development":
            raise _fail("Azure services don't support the development tier")
        fields = _scaling(body, tier, self._memory_defaults(tier), per_replica=False) | {
            "ipAccessList": _ip_entries(body.get("ipAccessList", []), "ipAccessList"),
            "privateEndpointIds": _strings(body.get("privateEndpointIds", []),
                                           "privateEndpointIds"),
        } | {key: _str(body.get(key), key)
             for key in ("encryptionKey", "encryptionAssumedRoleIdentifier")}
        _bool(body.get("privatePreviewTermsChecked"), "privatePreviewTermsChecked")
        backup_id = _str(body.get("backupId"), "backupId")
        if backup_id is not None:
            self._check_restore(ctx.org, backup_id, region, tier)
        service = self.add_service(ctx.org.organization["id"], name, state="provisioning",
                                   provider=provider, region=region, tier=tier, **fields)
        password = _generate("", 16)  # shown once, in this answer only
        ctx.org.service_passwords[service["id"]] = sd.credential_hash(password)
        self._audit(ctx, "service_create", service["id"])
        return {"service": service, "password": password}

    def _check_restore(self, org: OrgState, backup_id: str, region: str, tier: str) -> None:
        if not _UUID.fullmatch(backup_id):
            raise _fail(f"backupId '{backup_id}' is not a valid UUID")
        backup = org.backups.get(backup_id.lower())
        if backup is None:
            raise _fail(f"backupId {backup_id}: no such backup in this organization")
        if backup["status"] != "done":  # our reading: only a finished backup can seed a service
            raise _fail(f"backupId {backup_id}: backup status is {backup['status']}, not done")
        source = org.services.get(backup["serviceId"])
        if source is None:
            raise _fail(f"backupId {backup_id}: the backup's service no longer exists")
        if (source["region"], source["tier"]) != (region, tier):
            raise _fail(f"A service restored from backup {backup_id} must have the region and "
                        f"tier of the original service ({source['region']}, {source['tier']})")

    async def _patch_service(self, ctx: Ctx) -> Any:
        service = self._service(ctx, live=True)
        body = await _body(ctx.request, ("name", "ipAccessList", "privateEndpointIds"))
        name = _service_name(body.get("name"), required=False)
        ip_change = _add_remove(body, "ipAccessList", _ip_entries)
        endpoint_change = _add_remove(body, "privateEndpointIds", _strings)
        if name is not None and name != service["name"]:
            service["name"] = name
            self._audit(ctx, "service_update_name", service["id"])
        if ip_change:
            service["ipAccessList"] = _merge(service["ipAccessList"], ip_change,
                                             lambda e: e["source"])
            self._audit(ctx, "service_update_ip_access_list", service["id"])
        if endpoint_change:
            service["privateEndpointIds"] = _merge(service["privateEndpointIds"],
                                                   endpoint_change, lambda e: e)
        return service

    async def _delete_service(self, ctx: Ctx) -> Any:
        service = self._service(ctx)
        if service["state"] != "stopped":
            raise ApiError(409, f"Service {service['id']} must be stopped before it is deleted "
                           f"(state: {service['state']})")
        service["state"] = "terminating"  # deletion is asynchronous; settle() removes it
        self._audit(ctx, "service_delete", service["id"])
        return None

    async def _service_private_endpoint_config(self, ctx: Ctx) -> Any:
        service = self._service(ctx)
        prefix = service["id"].replace("-", "")[:10]
        return {"endpointServiceId": sd.endpoint_service_id(service["provider"],
                                                            service["region"]),
                "privateDnsHostname":
                    f"{prefix}.{service['region']}.vpce.{service['provider']}.clickhouse.cloud"}

    async def _change_state(self, ctx: Ctx) -> Any:
        service = self._service(ctx, live=True)
        body = await _body(ctx.request, ("command",))
        command = _enum(body.get("command"), "command", ("start", "stop"), required=True)
        service["state"] = "running" if command == "start" else "stopped"
        self._audit(ctx, f"service_{command}", service["id"])
        return service

    async def _scale_total(self, ctx: Ctx) -> Any:
        return await self._scale(ctx, _SCALING_FIELDS, per_replica=False)

    async def _scale_per_replica(self, ctx: Ctx) -> Any:
        return _replica_view(await self._scale(ctx, _REPLICA_SCALING_FIELDS, per_replica=True))

    async def _scale(self, ctx: Ctx, fields: tuple[str, ...], *, per_replica: bool) -> JSON:
        service = self._service(ctx, live=True)
        body = await _body(ctx.request, fields)
        changes = _scaling(body, service["tier"], service, per_replica=per_replica)
        if {"minTotalMemoryGb", "maxTotalMemoryGb"} & set(changes):
            self._audit(ctx, "service_update_autoscaling_memory", service["id"])
        if {"idleScaling", "idleTimeoutMinutes"} & set(changes):
            self._audit(ctx, "service_update_autoscaling_idling", service["id"])
        service.update(changes)
        return service

    async def _change_password(self, ctx: Ctx) -> Any:
        service = self._service(ctx, live=True)
        body = await _body(ctx.request, ("newPasswordHash", "newDoubleSha1Hash"))
        password_hash = _str(body.get("newPasswordHash"), "newPasswordHash")
        double_sha1 = _str(body.get("newDoubleSha1Hash"), "newDoubleSha1Hash")
        result: JSON = {}
        if password_hash is None:  # then newDoubleSha1Hash is ignored, as documented
            result["password"] = password = _generate("", 16)
            password_hash = sd.credential_hash(password)
        else:
            try:
                digest_ok = len(base64.b64decode(password_hash, validate=True)) == 32
            except binascii.Error:
                digest_ok = False
            if not digest_ok:
                raise _fail("newPasswordHash must be the base64 of a SHA-256 digest")
            if double_sha1 is not None and not re.fullmatch(r"[0-9a-fA-F]{40}", double_sha1):
                raise _fail("newDoubleSha1Hash must be 40 hexadecimal characters")
        ctx.org.service_passwords[service["id"]] = password_hash
        self._audit(ctx, "service_update_password", service["id"])
        return result

    async def _prometheus(self, ctx: Ctx) -> Any:
        text = sd.prometheus_metrics(ctx.org.organization, self._service(ctx))
        return PlainTextResponse(text)

    # --- backups --------------------------------------------------------------------------

    async def _list_backups(self, ctx: Ctx) -> Any:
        service = self._service(ctx)
        backups = [b for b in ctx.org.backups.values() if b["serviceId"] == service["id"]]
        return sorted(backups, key=lambda b: b["startedAt"], reverse=True)  # newest first

    async def _get_backup(self, ctx: Ctx) -> Any:
        service = self._service(ctx)
        backup = ctx.org.backups.get(ctx.params["backupId"])
        if backup is None or backup["serviceId"] != service["id"]:
            raise ApiError(404, f"Backup {ctx.params['backupId']} not found")
        return backup

    async def _get_backup_configuration(self, ctx: Ctx) -> Any:
        service = self._service(ctx)
        return ctx.org.backup_configurations.setdefault(
            service["id"], dict(sd.DEFAULT_BACKUP_CONFIGURATION))

    async def _patch_backup_configuration(self, ctx: Ctx) -> Any:
        current = await self._get_backup_configuration(ctx)
        self._service(ctx, live=True)
        body = await _body(ctx.request, _BACKUP_CONFIGURATION_FIELDS)
        updated = dict(current)
        for name in ("backupPeriodInHours", "backupRetentionPeriodInHours"):
            if name in body:  # null resets to the default, as documented
                value = _num(body[name], name, 1, step=1)
                updated[name] = sd.DEFAULT_BACKUP_CONFIGURATION[name] if value is None else value
        if "backupStartTime" in body:
            start = _str(body["backupStartTime"], "backupStartTime")
            if start is not None and not _HH_MM.fullmatch(start):
                raise _fail(f"backupStartTime must be HH:MM in UTC (got '{start}')")
            updated["backupStartTime"] = start
            if start is not None and body.get("backupPeriodInHours") is None:
                updated["backupPeriodInHours"] = 24  # "the backup period resets to every 24 hours"
        if updated["backupStartTime"] is not None and updated["backupPeriodInHours"] != 24:
            raise _fail("backupPeriodInHours must be 24 while backupStartTime is set")
        current.update(updated)
        return current

    # --- keys, members, invitations, activities --------------------------------------------

    async def _create_key(self, ctx: Ctx) -> Any:
        body = await _body(ctx.request, (*_KEY_FIELDS, "hashData"))
        name = _str(body.get("name"), "name", required=True) or ""
        roles = _roles(body.get("roles"))
        state = _enum(body.get("state"), "state", ("enabled", "disabled")) or "enabled"
        expire_at = _expiry(body.get("expireAt"))
        hash_data = None
        if body.get("hashData") is not None:
            hash_data = _object(body["hashData"], "hashData",
                                ("keyIdHash", "keyIdSuffix", "keySecretHash"))
            for part in ("keyIdHash", "keyIdSuffix", "keySecretHash"):
                _str(hash_data.get(part), f"hashData.{part}", required=True)
        if len(ctx.org.keys) >= MAX_KEYS_PER_ORGANIZATION:
            raise _fail(f"An organization can have at most {MAX_KEYS_PER_ORGANIZATION} keys")
        created = self.add_key(ctx.org.organization["id"], name, hash_data=hash_data,
                               roles=roles, state=state, expireAt=expire_at)
        self._audit(ctx, "key_create")
        return created

    async def _patch_key(self, ctx: Ctx) -> Any:
        key = self._find(ctx.org.keys, ctx.params["keyId"], "API key")
        body = await _body(ctx.request, _KEY_FIELDS)
        changes: JSON = {
            "name": _str(body.get("name"), "name", required="name" in body),
            "roles": _roles(body["roles"]) if "roles" in body else None,
            "state": _enum(body.get("state"), "state", ("enabled", "disabled")),
        }
        # Our reading: an absent expireAt leaves it alone; "" or null removes the expiry.
        if "expireAt" in body:
            expire_at = _expiry(body["expireAt"])
            key.pop("expireAt", None)
            if expire_at:
                key["expireAt"] = expire_at
        key.update({k: v for k, v in changes.items() if v is not None})
        return key

    async def _delete_key(self, ctx: Ctx) -> Any:
        key = self._find(ctx.org.keys, ctx.params["keyId"], "API key")
        if key["id"] == ctx.key["id"]:  # "Only a key not used to authenticate ... can be deleted"
            raise ApiError(409, "A key cannot delete itself: authenticate with another key")
        del ctx.org.keys[key["id"]], ctx.org.credentials[key["id"]]
        self._audit(ctx, "key_delete")
        return None

    async def _patch_member(self, ctx: Ctx) -> Any:
        member = self._find(ctx.org.members, ctx.params["userId"], "Member")
        body = await _body(ctx.request, ("role",))
        member["role"] = _enum(body.get("role"), "role", sd.ROLES, required=True)
        self._audit(ctx, "organization_member_update_role")
        return member

    async def _delete_member(self, ctx: Ctx) -> Any:
        member = self._find(ctx.org.members, ctx.params["userId"], "Member")
        del ctx.org.members[member["userId"]]
        self._audit(ctx, "organization_member_delete")
        return None

    async def _create_invitation(self, ctx: Ctx) -> Any:
        body = await _body(ctx.request, ("email", "role"))
        email = _str(body.get("email"), "email", required=True) or ""
        if not _EMAIL.fullmatch(email):
            raise _fail(f"email '{email}' is not a valid email address")
        role = _enum(body.get("role"), "role", sd.ROLES, required=True) or ""
        invitation = self.add_invitation(ctx.org.organization["id"], email, role=role)
        self._audit(ctx, "organization_invite_create")
        return invitation

    async def _delete_invitation(self, ctx: Ctx) -> Any:
        invitation = self._find(ctx.org.invitations, ctx.params["invitationId"], "Invitation")
        del ctx.org.invitations[invitation["id"]]
        self._audit(ctx, "organization_invite_delete")
        return None

    async def _list_activities(self, ctx: Ctx) -> Any:
        query = ctx.request.query_params
        since = _parse_time(query["from_date"], "from_date") if "from_date" in query else None
        until = _parse_time(query["to_date"], "to_date") if "to_date" in query else None
        activities = sorted(ctx.org.activities.values(), key=lambda a: a["createdAt"])
        return [a for a in activities  # our reading: both bounds inclusive, oldest first
                if (since is None or _parse_time(a["createdAt"], "createdAt") >= since)
                and (until is None or _parse_time(a["createdAt"], "createdAt") <= until)]

    # --- builders (tests and the seed) -------------------------------------------------------

    def _new_id(self, kind: str) -> str:
        self._sequence += 1
        return sd.seed_uuid("generated", kind, str(self._sequence))

    def _memory_defaults(self, tier: str) -> JSON:
        low, high = sd.PRODUCTION_DEFAULT_MEMORY_GB
        fixed = sd.FIXED_MEMORY_GB.get(tier)
        return {"minTotalMemoryGb": fixed or low, "maxTotalMemoryGb": fixed or high}

    # Builders take vendor fields (camelCase, as stored) that override a plain default record.

    def _record(self, defaults: JSON, fields: JSON) -> JSON:
        return {k: v for k, v in (defaults | fields).items() if v is not None}

    def add_organization(self, name: str, **fields: Any) -> JSON:
        organization = self._record({"id": self._new_id("organization"), "name": name,
                                     "createdAt": _iso(self.wall_clock()),
                                     "privateEndpoints": []}, fields)
        self.state.organizations[organization["id"]] = OrgState(organization)
        return organization

    def add_service(self, organization_id: str, name: str, *, tags: dict[str, str] | None = None,
                    mysql_endpoint: bool = False, **fields: Any) -> JSON:
        """Add a service: by default a running production AWS service in us-east-1."""
        service_id = fields.pop("id", None) or self._new_id("service")
        provider, region = fields.get("provider", "aws"), fields.get("region", "us-east-1")
        tier = fields.get("tier", "production")
        service = self._record({
            "id": service_id, "name": name, "provider": provider, "region": region,
            "state": "running",
            "endpoints": sd.service_endpoints(service_id, provider, region, mysql=mysql_endpoint),
            "tier": tier, **self._memory_defaults(tier), "numReplicas": 3,
            "idleScaling": True, "idleTimeoutMinutes": 15, "ipAccessList": [],
            "createdAt": _iso(self.wall_clock()), "privateEndpointIds": [],
        }, fields)
        org = self.state.organizations[organization_id]
        org.services[service["id"]] = service
        org.service_tags[service["id"]] = dict(tags or {})
        return service

    def add_backup(self, service_id: str, **fields: Any) -> JSON:
        backup = self._record({"id": self._new_id("backup"), "status": "done",
                               "serviceId": service_id, "startedAt": _iso(self.wall_clock()),
                               "type": "full"}, fields)
        self.state.org_of_service(service_id).backups[backup["id"]] = backup
        return backup

    def add_key(self, organization_id: str, name: str, *, key_id: str | None = None,
                key_secret: str | None = None, hash_data: JSON | None = None,
                **fields: Any) -> JSON:
        """Add a key (admin, enabled by default); answers like the key POST:
        ``{key, keyId, keySecret}``, without the two secrets when ``hash_data`` is given."""
        key = self._record({"id": self._new_id("key"), "name": name, "state": "enabled",
                            "roles": ["admin"], "createdAt": _iso(self.wall_clock())}, fields)
        if hash_data is not None:
            key["keySuffix"] = hash_data["keyIdSuffix"]
            credential = Credential(hash_data["keyIdHash"], hash_data["keySecretHash"])
            created: JSON = {"key": key}
        else:
            key_id = key_id or _generate("", 20)
            key_secret = key_secret or _generate("4b1d", 42)
            key["keySuffix"] = key_id[-4:]
            credential = Credential(sd.credential_hash(key_id), sd.credential_hash(key_secret))
            created = {"key": key, "keyId": key_id, "keySecret": key_secret}
        org = self.state.organizations[organization_id]
        org.keys[key["id"]], org.credentials[key["id"]] = key, credential
        return created

    def add_member(self, organization_id: str, name: str, email: str, **fields: Any) -> JSON:
        member = self._record({"userId": self._new_id("user"), "name": name, "email": email,
                               "role": "developer", "joinedAt": _iso(self.wall_clock())}, fields)
        self.state.organizations[organization_id].members[member["userId"]] = member
        return member

    def add_invitation(self, organization_id: str, email: str, **fields: Any) -> JSON:
        now = self.wall_clock()
        invitation = self._record({"role": "developer", "id": self._new_id("invitation"),
                                   "email": email.lower(),  # "stored in a lowercase form"
                                   "createdAt": _iso(now),
                                   "expireAt": _iso(now + INVITATION_LIFETIME)}, fields)
        self.state.organizations[organization_id].invitations[invitation["id"]] = invitation
        return invitation

    def add_activity(self, organization_id: str, type: str, **fields: Any) -> JSON:
        activity = self._record({"id": self._new_id("activity").replace("-", ""),
                                 "createdAt": _iso(self.wall_clock()), "type": type,
                                 "actorType": "system", "organizationId": organization_id},
                                fields)
        self.state.organizations[organization_id].activities[activity["id"]] = activity
        return activity

    def settle(self) -> None:
        """Finish every transition at once: the deterministic stand-in for the vendor's async
        work (provisioning/starting/awaking -> running, stopping -> stopped, terminating ->
        removed with its backups)."""
        for org in self.state.organizations.values():
            for service_id, service in list(org.services.items()):
                if service["state"] != "terminating":
                    service["state"] = _SETTLED.get(service["state"], service["state"])
                    continue
                for store in (org.services, org.service_tags, org.service_passwords,
                              org.backup_configurations):
                    store.pop(service_id, None)
                org.backups = {k: b for k, b in org.backups.items()
                               if b["serviceId"] != service_id}

    def _seed(self) -> None:
        for spec in sd.ORGANIZATIONS:
            org_id = self.add_organization(**spec["organization"])["id"]
            for service in spec["services"]:
                self.add_service(org_id, **service)
            for backup in spec["backups"]:
                self.add_backup(backup["serviceId"], **backup)
            configurations = self.state.organizations[org_id].backup_configurations
            configurations.update({k: dict(v) for k, v in spec["backup_configurations"].items()})
            for key in spec["keys"]:
                self.add_key(org_id, **key)
            for member in spec["members"]:
                self.add_member(org_id, **member)
            for invitation in spec["invitations"]:
                self.add_invitation(org_id, **invitation)
            for activity in spec["activities"]:
                self.add_activity(org_id, **activity)
