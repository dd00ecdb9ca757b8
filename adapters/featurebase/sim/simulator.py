"""In-process fake of the FeatureBase Cloud control-plane API, written from the vendor docs.

Two Starlette apps: ``app`` plays ``https://api.featurebase.com`` (the ``/v2`` paths) and
``identity_app`` plays ``https://id.featurebase.com`` (the Cognito-backed login) and
``query_app`` plays ``https://query.featurebase.com/v2`` for database metrics only
(``query_host``); SQL and PQL are not simulated.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, NoReturn

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ExceptionHandler

from adapters.featurebase.sim import query_host, seed_data
from adapters.featurebase.sim.lifecycle import CREATE, DELETE, START, STOP, Lifecycle
from adapters.featurebase.sim.seed_data import FeatureBaseData, Json, Session
from adapters.simulation.middleware import (
    FaultInjector,
    RequestLog,
    SimulatorMiddleware,
    set_identity,
)

DEMO_ACCOUNTS: dict[str, dict[str, str]] = seed_data.DEMO_ACCOUNTS

_GONE = {"DELETING", "DEPROVISIONING", "DELETED"}
_DELETABLE = {"RUNNING", "FAILED", "FROZEN", seed_data.STOPPED}
KEY_STATUSES = ("ACTIVE", "REVOKED")
USER_STATUSES = ("Active", "Inactive")
ORG_FIELDS = ("name", "company_name", "address", "tech_contact_emali", "billing_contact_emali")
OWNER_ACL = "MANAGE_ORG:*"
# Codes per status from the notes; 403/405/413/422/429/5xx have none there: ours.
ERROR_CODES = {
    400: "InvalidParameter",
    401: "Unauthorized",
    403: "Forbidden",
    404: "ResourceNotFound",
    405: "MethodNotAllowed",
    408: "RequestTimeout",
    409: "IncorrectState",
    413: "PayloadTooLarge",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
    500: "InternalServerError",
    501: "NotImplemented",
    503: "ServiceUnavailable",
}
COGNITO_TYPES = {
    400: "InvalidParameterException",
    401: "NotAuthorizedException",
    404: "UserNotFoundException",
    429: "TooManyRequestsException",
}
_NOT_AUTH = "NotAuthorizedException"
_FORBIDDEN = "User does not have the access to perform this action."


def vendor_error_response(status: int, message: str) -> Response:
    """The API's error body: ``{"code", "message"}`` with a code picked from the status."""
    code = ERROR_CODES.get(status, "InternalServerError" if status >= 500 else "InvalidParameter")
    return JSONResponse({"code": code, "message": message}, status_code=status)


def identity_error_response(status: int, message: str, kind: str | None = None) -> Response:
    """Errors from id.featurebase.com look like the Cognito user pool behind it."""
    kind = kind or COGNITO_TYPES.get(status, "InternalErrorException")
    return JSONResponse({"__type": kind, "message": message}, status_code=status)


class ApiError(Exception):
    """A vendor error a handler raises; ``legacy`` picks the seed's ``response_code`` form."""

    def __init__(self, status: int, code: str, message: str, *, legacy: bool = False) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.legacy = status, code, message, legacy

    def response(self) -> Response:
        if self.legacy:
            body: Json = {"response_code": self.status, "message": self.message}
        else:
            body = {"code": self.code, "message": self.message}
        return JSONResponse(body, status_code=self.status)


def _fail(status: int, code: str, message: str) -> NoReturn:
    raise ApiError(status, code, message)


def _strings(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(400, "InvalidParameter", f"{name} must be a list of strings.")
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _route_error(render: Callable[[int, str], Response]) -> ExceptionHandler:
    """Unknown paths and wrong methods answer in the host's own error form."""

    async def handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return render(
            exc.status_code, "Resource not found." if exc.status_code == 404 else str(exc.detail)
        )

    return handler


@dataclass
class Caller:
    """Who a request authenticated as; API-key calls act as the key's owner."""

    user: Json
    key_id: str | None = None

    @property
    def is_owner(self) -> bool:
        return OWNER_ACL in self.user["acl"]


class FeatureBaseSimulator(FeatureBaseData):
    """A fake FeatureBase Cloud: the v2 control-plane API plus the id.featurebase.com login.

    Reads and writes ``state``; ``seed=True`` fills it from ``seed_data``. Lists page by
    ``page_size`` with opaque ``next`` tokens; IdTokens expire ``token_ttl_seconds`` after
    login on ``clock``. Builders (``add_*``) return the stored vendor JSON. Databases that
    writes create, delete, start or stop finish their transition on ``settle()``, or by
    themselves ``transition_seconds`` after it began (``sim_lifecycle``).
    """

    vendor = "featurebase"

    def __init__(
        self,
        *,
        seed: bool = True,
        page_size: int = 100,
        token_ttl_seconds: int = 3600,
        clock: Callable[[], float] = time.time,
        transition_seconds: float | None = None,
    ) -> None:
        super().__init__(clock)
        self.lifecycle = Lifecycle(clock, transition_seconds)
        self.page_size = page_size
        self.token_ttl_seconds = token_ttl_seconds
        self._logins = 0  # apart from the ID counter, so logging in never shifts new IDs
        self.log, self.identity_log = RequestLog(), RequestLog()
        self.faults, self.identity_faults = FaultInjector(), FaultInjector()
        self.app = Starlette(
            routes=self._api_routes(),
            middleware=[
                Middleware(
                    SimulatorMiddleware,
                    log=self.log,
                    faults=self.faults,
                    render_error=vendor_error_response,
                )
            ],
            exception_handlers={HTTPException: _route_error(vendor_error_response)},
        )
        self.identity_app = Starlette(
            routes=[Route("/", self._login, methods=["POST"])],
            middleware=[
                Middleware(
                    SimulatorMiddleware,
                    log=self.identity_log,
                    faults=self.identity_faults,
                    render_error=identity_error_response,
                )
            ],
            exception_handlers={HTTPException: _route_error(identity_error_response)},
        )
        self.query_log, self.query_faults = RequestLog(), FaultInjector()
        self.query_app = Starlette(
            routes=[self._route("GET", "/v2/databases/{database_id}/metrics", self._metrics)],
            middleware=[
                Middleware(
                    SimulatorMiddleware,
                    log=self.query_log,
                    faults=self.query_faults,
                    render_error=vendor_error_response,
                )
            ],
            exception_handlers={HTTPException: _route_error(vendor_error_response)},
        )
        if seed:
            seed_data.seed(self)

    # ------------------------------------------------------------- transitions
    def advance(self) -> None:
        """Bring timed transitions up to the clock; every API request does this first."""
        self.lifecycle.advance(self.state.databases)

    def settle(self) -> None:
        """Finish every transition now: writes' ones where their path ends, seeded ones
        as ``FeatureBaseData.settle`` says."""
        self.lifecycle.finish(self.state.databases)
        super().settle()

    def set_database_status(self, database_id: str, status: str) -> Json:
        self.lifecycle.forget(database_id)
        return super().set_database_status(database_id, status)

    # ----------------------------------------------------------------- helpers
    def _touch(self, record: Json, caller: Caller) -> None:
        record["updated_at"], record["updated_by"] = self._now(), caller.user["id"]

    def _is_aws(self, database: Json) -> bool:
        shape = self.resolve_shape(database["database_options"].get("shape", ""))
        return shape is not None and shape["vendor"] == "AWS"

    def issue_token(self, user_id: str) -> str:
        """An IdToken for ``user_id``, as if it had logged in now."""
        return self._tokens(self.state.users[user_id])["IdToken"]

    def _tokens(self, user: Json) -> Json:
        self._logins += 1
        now = self.clock()
        claims = {
            "sub": user["idp_id"],
            "email": user["username"],
            "iat": int(now),
            "exp": int(now + self.token_ttl_seconds),
            "jti": self._logins,
        }
        header = _b64(json.dumps({"alg": "RS256", "kid": "featurebase-sim"}).encode())

        def jwt(use: str) -> str:
            body = _b64(json.dumps({**claims, "token_use": use}).encode())
            return f"{header}.{body}.{_b64(f'sim-signature-{use}-{self._logins}'.encode())}"

        id_token = jwt("id")
        self.state.sessions[id_token] = Session(user["id"], now + self.token_ttl_seconds)
        return {
            "AccessToken": jwt("access"),
            "ExpiresIn": self.token_ttl_seconds,
            "IdToken": id_token,
            "RefreshToken": _b64(f"sim-refresh-{self._logins}".encode()),
            "TokenType": "Bearer",
        }

    # ------------------------------------------------------------ identity host
    async def _login(self, request: Request) -> Response:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return identity_error_response(400, "Request body is not valid JSON.")
        if not isinstance(body, dict):
            return identity_error_response(400, "Request body must be a JSON object.")
        username, password = body.get("USERNAME"), body.get("PASSWORD")
        for name, value in (("USERNAME", username), ("PASSWORD", password)):
            if not isinstance(value, str) or not value:
                return identity_error_response(400, f"Missing required parameter {name}")
        user = next(
            (
                u
                for u in self.state.users.values()
                if u["username"].lower() == str(username).lower()
            ),
            None,
        )
        # Like Cognito: a 400 NotAuthorizedException, the same for unknown user and bad password.
        if user is None or self.state.passwords.get(user["username"]) != password:
            return identity_error_response(400, "Incorrect username or password.", _NOT_AUTH)
        if user["status"] != "Active":
            return identity_error_response(400, "User is disabled.", _NOT_AUTH)
        set_identity(request, user["id"])
        return JSONResponse({"AuthenticationResult": self._tokens(user)})

    # -------------------------------------------------------------- API plumbing
    def _authenticate(self, request: Request) -> Caller:
        authorization = request.headers.get("authorization")
        api_key = request.headers.get("x-api-key")
        if authorization is None and api_key is None:
            _fail(401, "MissingAuthenticationToken", "Missing Authentication Token")
        # Bad credentials of any kind answer in the seed's other 401 form.
        unauthorized = ApiError(401, "Unauthorized", "unauthorized.", legacy=True)
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            session = self.state.sessions.get(token.strip()) if scheme.lower() == "bearer" else None
            if session is None or self.clock() >= session.expires_at:
                raise unauthorized
            user = self.state.users.get(session.user_id)
            if user is None or user["status"] != "Active":
                raise unauthorized
            set_identity(request, user["id"])
            return Caller(user)
        key_id = next((k for k, s in self.state.key_secrets.items() if s == api_key), None)
        key = self.state.keys.get(key_id or "")
        owner = self.state.users.get(key["owned_by"]) if key else None
        if key is None or key["status"] != "ACTIVE" or owner is None:
            raise unauthorized
        key["used_at"] = self._now()
        set_identity(request, key["id"])
        return Caller(owner, key["id"])

    def _route(
        self, method: str, path: str, handler: Callable[[Request, Caller], Awaitable[Response]]
    ) -> Route:
        async def endpoint(request: Request) -> Response:
            self.advance()
            try:
                return await handler(request, self._authenticate(request))
            except ApiError as error:
                return error.response()

        return Route(path, endpoint, methods=[method])

    async def _body(
        self, request: Request, *, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> Json:
        """The JSON object body. Unknown fields are rejected so misspelt ones surface."""
        raw = await request.body()
        content_type = request.headers.get("content-type", "")
        if raw and not content_type.startswith("application/json"):
            _fail(400, "InvalidContentType", "Content-Type must be application/json.")
        try:
            body = json.loads(raw or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            _fail(400, "InvalidBody", "Request body is not valid JSON.")
        if not isinstance(body, dict):
            _fail(400, "InvalidBody", "Request body must be a JSON object.")
        unknown = sorted(set(body) - set(allowed))
        if unknown:
            _fail(400, "InvalidBody", f"Unknown field(s): {', '.join(unknown)}.")
        for name in required:
            if body.get(name) in (None, ""):
                _fail(400, "MissingParameter", f"The parameter '{name}' is required.")
        return body

    def _page(
        self,
        request: Request,
        scope: str,
        items: list[Json],
        *,
        body_key: str = "resources",
        token_key: str = "next",
    ) -> Json:
        """One page of ``items``; the token is opaque and only valid for this ``scope``."""
        raw = request.query_params.get(token_key) or request.query_params.get("next") or ""
        offset = 0
        if raw:
            try:
                token_scope, _, number = (
                    base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode().rpartition("|")
                )
                offset = int(number)
            except (binascii.Error, UnicodeDecodeError, ValueError):
                token_scope = ""
            if token_scope != scope or offset <= 0:
                _fail(400, "InvalidParameter", f"The value for '{token_key}' is not valid.")
        end = offset + self.page_size
        token = _b64(f"{scope}|{end}".encode()) if end < len(items) else ""
        return {token_key: token, body_key: items[offset:end]}

    @staticmethod
    def _find(table: dict[str, Json], request: Request, param: str, status: int = 404) -> Json:
        """The record the path names, else ``status`` (404, or 422 where the seed says so)."""
        record = table.get(request.path_params[param])
        if record is None:
            what = param.removesuffix("_id").removesuffix("_name").capitalize()
            _fail(status, ERROR_CODES[status], f"{what} '{request.path_params[param]}' not found.")
        return record

    @staticmethod
    def _require_owner(caller: Caller) -> None:
        if not caller.is_owner:
            _fail(403, "Forbidden", _FORBIDDEN)

    def _check_org(self, org_id: str) -> None:
        if org_id != self.state.org["id"]:
            _fail(403, "Forbidden", _FORBIDDEN)  # "only the org to which they belong"

    def _api_routes(self) -> list[Route]:
        r = self._route
        return [
            r("GET", "/v2/users/current", self._current_user),
            r("GET", "/v2/orgs/{org_id}", self._get_org),
            r("PATCH", "/v2/orgs/{org_id}", self._patch_org),
            r("GET", "/v2/orgs/{org_id}/keys", self._org_keys),
            r("GET", "/v2/databases", self._list_databases),
            r("POST", "/v2/databases", self._create_database),
            r("GET", "/v2/databases/{database_id}", self._get_database),
            r("PATCH", "/v2/databases/{database_id}", self._patch_database),
            r("DELETE", "/v2/databases/{database_id}", self._delete_database),
            r("GET", "/v2/databases/{database_id}/backups", self._list_backups),
            r("PUT", "/v2/databases/{database_id}/action/start", partial(self._power, stop=False)),
            r("PUT", "/v2/databases/{database_id}/action/stop", partial(self._power, stop=True)),
            r("GET", "/v2/users", self._list_users),
            r("POST", "/v2/users", self._create_user),
            r("GET", "/v2/users/{user_id}", self._get_user),
            r("PATCH", "/v2/users/{user_id}", self._patch_user),
            r("POST", "/v2/users/{user_id}/roles", self._add_user_roles),
            r("GET", "/v2/users/{user_id}/keys", self._list_user_keys),
            r("POST", "/v2/users/{user_id}/keys", self._create_key),
            r("GET", "/v2/users/{user_id}/keys/{key_id}", self._get_key),
            r("PATCH", "/v2/users/{user_id}/keys/{key_id}", self._patch_key),
            r("GET", "/v2/invites", self._list_invites),
            r("POST", "/v2/invites", self._create_invite),
            r("GET", "/v2/invites/{invite_id}", self._get_invite),
            r("PATCH", "/v2/invites/{invite_id}", self._patch_invite),
            r("GET", "/v2/roles", self._list_roles),
            r("POST", "/v2/roles", self._create_role),
            r("GET", "/v2/roles/{role_name}", self._get_role),
            r("PATCH", "/v2/roles/{role_name}", self._patch_role),
            r("DELETE", "/v2/roles/{role_name}", self._delete_role),
            r("GET", "/v2/shapes", self._list_shapes),
            r("GET", "/v2/shapes/{shape_name}", self._get_shape),
        ]

    # ------------------------------------------------------------ org and users
    async def _current_user(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(caller.user)

    async def _get_org(self, request: Request, caller: Caller) -> Response:
        self._check_org(request.path_params["org_id"])
        return JSONResponse(self.state.org)

    async def _patch_org(self, request: Request, caller: Caller) -> Response:
        self._check_org(request.path_params["org_id"])
        self._require_owner(caller)
        body = await self._body(request, allowed=ORG_FIELDS)
        for name, value in body.items():
            if not isinstance(value, str):
                _fail(400, "InvalidParameter", f"The value for '{name}' must be a string.")
        org = self.state.org
        org.update(body)
        self._touch(org, caller)
        for record in (*self.state.users.values(), *self.state.invites.values()):
            record["org_name"] = org["name"]
        return JSONResponse(org)

    async def _org_keys(self, request: Request, caller: Caller) -> Response:
        self._check_org(request.path_params["org_id"])
        self._require_owner(caller)
        return JSONResponse(self._page(request, "org-keys", list(self.state.keys.values())))

    async def _list_users(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(self._page(request, "users", list(self.state.users.values())))

    async def _create_user(self, request: Request, caller: Caller) -> Response:
        # The seed's body has only names; "username" is accepted so a login can exist.
        body = await self._body(
            request,
            allowed=("firstname", "lastname", "username"),
            required=("firstname", "lastname"),
        )
        first, last = body["firstname"], body["lastname"]
        if not all(isinstance(v, str) for v in (first, last, body.get("username", ""))):
            _fail(400, "InvalidParameter", "firstname, lastname and username must be strings.")
        username = body.get("username") or f"{first}.{last}@{seed_data.EMAIL_DOMAIN}".lower()
        if any(u["username"].lower() == username.lower() for u in self.state.users.values()):
            _fail(409, "ResourceAlreadyExists", f"User '{username}' already exists.")
        user = self.add_user(first, last, username=username)
        user["updated_by"] = caller.user["id"]
        return JSONResponse(user, status_code=201)

    async def _get_user(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(self._find(self.state.users, request, "user_id"))

    async def _patch_user(self, request: Request, caller: Caller) -> Response:
        user = self._find(self.state.users, request, "user_id")
        body = await self._body(request, allowed=("firstname", "lastname", "acl", "status"))
        if (user is not caller.user or "acl" in body or "status" in body) and not caller.is_owner:
            _fail(403, "Forbidden", _FORBIDDEN)
        if "status" in body and body["status"] not in USER_STATUSES:
            _fail(400, "InvalidParameter", f"status must be one of {', '.join(USER_STATUSES)}.")
        if "acl" in body:
            _strings(body["acl"], "acl")
        user.update(body)
        self._touch(user, caller)
        return JSONResponse(user, status_code=202)

    async def _add_user_roles(self, request: Request, caller: Caller) -> Response:
        user = self._find(self.state.users, request, "user_id")
        self._require_owner(caller)
        body = await self._body(request, allowed=("rolenames",), required=("rolenames",))
        names = _strings(body["rolenames"], "rolenames")
        missing = [n for n in names if n not in self.state.roles]
        if missing:
            _fail(400, "RelatedResourceNotFound", f"Role(s) not found: {', '.join(missing)}.")
        user["roles"] += [n for n in names if n not in user["roles"]]
        user["acl"] += [a for a in self._acl_for(names) if a not in user["acl"]]
        self._touch(user, caller)
        return JSONResponse(
            {"user_id": user["id"], "org_id": user["org_id"], "rolenames": user["roles"]},
            status_code=201,
        )

    # --------------------------------------------------------------------- keys
    async def _list_user_keys(self, request: Request, caller: Caller) -> Response:
        # The seed lists 422 (not 404) for this path and shows no "next": one unpaged list.
        user = self._find(self.state.users, request, "user_id", 422)
        keys = [k for k in self.state.keys.values() if k["owned_by"] == user["id"]]
        return JSONResponse({"resources": keys})

    async def _create_key(self, request: Request, caller: Caller) -> Response:
        if request.path_params["user_id"] != caller.user["id"]:
            _fail(403, "Forbidden", "Keys can only be created by their owners.")
        body = await self._body(request, allowed=("description",))
        description = body.get("description", "")
        if not isinstance(description, str):
            _fail(400, "InvalidParameter", "description must be a string.")
        key = self.add_key(caller.user["id"], description=description)
        # The only time the secret leaves the simulator.
        return JSONResponse(
            {"id": key["id"], "secret": self.secret_for(key["id"])}, status_code=201
        )

    def _owned_key(self, request: Request, status: int) -> Json:
        user_id, key_id = request.path_params["user_id"], request.path_params["key_id"]
        key = self.state.keys.get(key_id)
        if key is None or key["owned_by"] != user_id:
            _fail(status, ERROR_CODES[status], f"Key '{key_id}' not found for user '{user_id}'.")
        return key

    async def _get_key(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(self._owned_key(request, 422))  # the seed lists 422, not 404

    async def _patch_key(self, request: Request, caller: Caller) -> Response:
        key = self._owned_key(request, 404)
        if key["owned_by"] != caller.user["id"] and not caller.is_owner:
            _fail(403, "Forbidden", "Keys can be revoked only by their owners and org admins.")
        body = await self._body(request, allowed=("description", "status"))
        status = body.get("status", key["status"])
        if status not in KEY_STATUSES:
            _fail(400, "InvalidParameter", f"status must be one of {', '.join(KEY_STATUSES)}.")
        if key["status"] == "REVOKED" and status != "REVOKED":
            _fail(409, "IncorrectState", "A revoked key cannot be unrevoked.")
        if not isinstance(body.get("description", ""), str):
            _fail(400, "InvalidParameter", "description must be a string.")
        key.update(body)
        self._touch(key, caller)
        return JSONResponse(key, status_code=202)

    # ---------------------------------------------------------------- databases
    async def _list_databases(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(self._page(request, "databases", list(self.state.databases.values())))

    def _check_name(self, name: Any, database_id: str | None = None) -> str:
        if not isinstance(name, str) or not name.strip():
            _fail(400, "InvalidParameter", "name must be a non-empty string.")
        for other in self.state.databases.values():
            if (
                other["name"] == name
                and other["id"] != database_id
                and other["database_status"] != "DELETED"
            ):
                _fail(409, "ResourceAlreadyExists", f"Database '{name}' already exists.")
        return name

    async def _create_database(self, request: Request, caller: Caller) -> Response:
        if not (caller.is_owner or "MANAGE_DATABASE:*" in caller.user["acl"]):
            _fail(403, "Forbidden", _FORBIDDEN)
        body = await self._body(
            request, allowed=("name", "database_options"), required=("name", "database_options")
        )
        options = body["database_options"]
        if not isinstance(options, dict):
            _fail(400, "InvalidParameter", "database_options must be an object.")
        if set(options) - {"shape"}:
            _fail(
                400,
                "InvalidBody",
                f"Unknown field(s) in database_options: "
                f"{', '.join(sorted(set(options) - {'shape'}))}.",
            )
        shape = options.get("shape")
        if not isinstance(shape, str) or not shape:
            _fail(400, "MissingParameter", "The parameter 'database_options.shape' is required.")
        if self.resolve_shape(shape) is None:
            _fail(400, "RelatedResourceNotFound", f"Shape '{shape}' not found.")
        database = self.add_database(
            self._check_name(body["name"]),
            shape=shape,
            status="CREATING",
            owned_by=caller.user["id"],
        )
        self.lifecycle.begin(database, CREATE)
        return JSONResponse(database, status_code=201)

    async def _get_database(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(self._find(self.state.databases, request, "database_id"))

    async def _patch_database(self, request: Request, caller: Caller) -> Response:
        database = self._find(self.state.databases, request, "database_id")
        body = await self._body(request, allowed=("name", "owned_by"))
        if not body:
            _fail(400, "MissingParameter", "Give at least one of 'name', 'owned_by'.")
        if database["database_status"] in _GONE:
            _fail(409, "IncorrectState", f"Database is {database['database_status']}.")
        if "name" in body:
            self._check_name(body["name"], database["id"])
        if "owned_by" in body and body["owned_by"] not in self.state.users:
            _fail(400, "RelatedResourceNotFound", f"User '{body['owned_by']}' not found.")
        database.update(body)
        self._touch(database, caller)
        return JSONResponse(database)

    async def _delete_database(self, request: Request, caller: Caller) -> Response:
        database = self._find(self.state.databases, request, "database_id")
        if database["database_status"] not in _DELETABLE:
            _fail(
                409,
                "IncorrectState",
                f"Database cannot be deleted while {database['database_status']}.",
            )
        self.lifecycle.begin(database, DELETE)
        self._touch(database, caller)
        return Response(status_code=202)  # "Accepted"; the seed documents no body

    async def _list_backups(self, request: Request, caller: Caller) -> Response:
        database = self._find(self.state.databases, request, "database_id")
        # Backups exist only for AWS databases; others list nothing.
        backups = self.state.backups.get(database["id"], []) if self._is_aws(database) else []
        return JSONResponse(
            self._page(
                request,
                f"backups:{database['id']}",
                backups,
                body_key="backups",
                token_key="continuation",
            )
        )

    async def _power(self, request: Request, caller: Caller, *, stop: bool) -> Response:
        database = self._find(self.state.databases, request, "database_id")
        self._require_owner(caller)  # "Only user with ORG OWNER permission"
        if not self._is_aws(database):
            _fail(501, "NotImplemented", "Only available for AWS databases.")
        status = database["database_status"]
        if status != ("RUNNING" if stop else seed_data.STOPPED):
            _fail(409, "IncorrectState", f"Database is {status}.")
        self.lifecycle.begin(database, STOP if stop else START)
        self._touch(database, caller)
        return JSONResponse(database)

    # ------------------------------------------------------------------ invites
    async def _list_invites(self, request: Request, caller: Caller) -> Response:
        self._require_owner(caller)
        return JSONResponse(self._page(request, "invites", list(self.state.invites.values())))

    async def _create_invite(self, request: Request, caller: Caller) -> Response:
        self._require_owner(caller)
        body = await self._body(request, allowed=("email",), required=("email",))
        email = body["email"]
        if not isinstance(email, str) or "@" not in email:
            _fail(400, "InvalidParameter", "email must be an email address.")
        if any(u["username"].lower() == email.lower() for u in self.state.users.values()) or any(
            i["email"].lower() == email.lower() and not i["accepted"]
            for i in self.state.invites.values()
        ):
            _fail(409, "ResourceAlreadyExists", f"'{email}' is already a member or invited.")
        return JSONResponse(self.add_invite(email, updated_by=caller.user["id"]), status_code=201)

    async def _get_invite(self, request: Request, caller: Caller) -> Response:
        self._require_owner(caller)
        return JSONResponse(self._find(self.state.invites, request, "invite_id"))

    async def _patch_invite(self, request: Request, caller: Caller) -> Response:
        self._require_owner(caller)
        invite = self._find(self.state.invites, request, "invite_id")
        body = await self._body(request, allowed=("accepted",), required=("accepted",))
        if not isinstance(body["accepted"], bool):
            _fail(400, "InvalidParameter", "accepted must be a boolean.")
        if invite["accepted"] and not body["accepted"]:
            _fail(409, "IncorrectState", "An accepted invite cannot be unaccepted.")
        invite["accepted"] = body["accepted"]
        self._touch(invite, caller)
        return JSONResponse(invite)

    # --------------------------------------------------------------- query host
    async def _metrics(self, request: Request, caller: Caller) -> Response:
        database = self.state.databases.get(request.path_params["database_id"])
        options = database.get("database_options") if database else None
        shape = self.resolve_shape(str(options.get("shape", ""))) if options else None
        return query_host.metrics_answer(database, shape, self.clock())

    # -------------------------------------------------------------------- roles
    async def _list_roles(self, request: Request, caller: Caller) -> Response:
        self._require_owner(caller)
        return JSONResponse(self._page(request, "roles", list(self.state.roles.values())))

    async def _create_role(self, request: Request, caller: Caller) -> Response:
        self._require_owner(caller)
        body = await self._body(request, allowed=("rolename", "acl"), required=("rolename", "acl"))
        if not isinstance(body["rolename"], str):
            _fail(400, "InvalidParameter", "rolename must be a string.")
        if body["rolename"] in self.state.roles:
            _fail(409, "ResourceAlreadyExists", f"Role '{body['rolename']}' already exists.")
        return JSONResponse(
            self.add_role(body["rolename"], acl=_strings(body["acl"], "acl")), status_code=201
        )

    async def _get_role(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(self._find(self.state.roles, request, "role_name"))

    async def _patch_role(self, request: Request, caller: Caller) -> Response:
        self._require_owner(caller)
        role = self._find(self.state.roles, request, "role_name")
        body = await self._body(request, allowed=("acl",), required=("acl",))
        role["acl"] = _strings(body["acl"], "acl")
        return JSONResponse(role, status_code=202)

    async def _delete_role(self, request: Request, caller: Caller) -> Response:
        self._require_owner(caller)
        role = self._find(self.state.roles, request, "role_name")
        if role["rolename"] == "Org Owner":
            _fail(409, "IncorrectState", "The Org Owner role cannot be deleted.")
        del self.state.roles[role["rolename"]]
        for user in self.state.users.values():
            if role["rolename"] in user["roles"]:
                user["roles"].remove(role["rolename"])
        return Response(status_code=202)

    # ------------------------------------------------------------------- shapes
    async def _list_shapes(self, request: Request, caller: Caller) -> Response:
        return JSONResponse({"shapes": list(self.state.shapes.values())})  # seed: no paging

    async def _get_shape(self, request: Request, caller: Caller) -> Response:
        return JSONResponse(self._find(self.state.shapes, request, "shape_name"))
