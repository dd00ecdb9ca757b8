"""In-process fake of the NetApp Astra Control REST API, written from the vendor docs alone.

Sources: the seed page (feature resource, metadata block, RFC 7807 problems) and the vendor
notes (resources, paths, fields, problem numbers). Where the docs are silent, the choice
made here is marked "Reading:" so an adapter test failing on it can be judged quickly.
"""

from __future__ import annotations

import base64
import copy
import json
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from http import HTTPStatus
from typing import Any, TypedDict, Unpack

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.astra.sim import seed_data
from adapters.astra.sim.query import (
    InvalidQuery,
    encode_continue,
    get_path,
    matches,
    parse_query,
    sort_key,
)
from adapters.astra.sim.seed_data import DEMO_ACCOUNTS
from adapters.astra.sim.transitions import Transitions
from adapters.astra.sim.vocabulary import (
    APP_STATES,
    BACKUP_STATES,
    KINDS,
    NAME_LENGTH,
    NIL_UUID,
    PROBLEM_BASE,
    PROBLEM_FOR_STATUS,
    PROBLEMS,
    PROTECTION_STATES,
    ROLES,
    USER_STATES,
    Kind,
    Problem,
    check_id,
    invalid,
)
from adapters.astra.sim.writes import CREATORS, delete_protection, guard_owner
from adapters.simulation.middleware import (
    FaultInjector,
    RequestLog,
    SimulatorMiddleware,
    set_identity,
)

__all__ = [
    "APP_STATES",
    "BACKUP_STATES",
    "DEMO_ACCOUNTS",
    "NIL_UUID",
    "PROTECTION_STATES",
    "ROLES",
    "AstraSimulator",
    "AstraState",
    "Problem",
]

Resource = dict[str, Any]


class Meta(TypedDict, total=False):
    """Optional envelope values for builders; unset ones come from the RNG and clock."""

    id: str
    created: str
    created_by: str
    labels: list[dict[str, str]]
    parent: str  # internal: the user or app a token, backup or snapshot belongs to


@dataclass
class AstraState:
    """Everything the simulator serves, as plain dicts of vendor JSON keyed by ID."""

    account: Resource = field(default_factory=dict)
    users: dict[str, Resource] = field(default_factory=dict)
    role_bindings: dict[str, Resource] = field(default_factory=dict)
    tokens: dict[str, dict[str, Resource]] = field(default_factory=dict)  # user -> id -> token
    token_secrets: dict[str, str] = field(default_factory=dict)  # secret -> token id
    credentials: dict[str, Resource] = field(default_factory=dict)
    credential_data: dict[str, Any] = field(default_factory=dict)  # keyStore: never served
    features: dict[str, Resource] = field(default_factory=dict)
    clusters: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, type)
    apps: dict[str, Resource] = field(default_factory=dict)
    app_backups: dict[str, dict[str, Resource]] = field(default_factory=dict)  # app -> id ->
    app_snaps: dict[str, dict[str, Resource]] = field(default_factory=dict)
    default_bucket_id: str = seed_data.BUCKET_PRIMARY


# kind -> (AstraState attribute, nested under a parent?)
STORES = {
    "user": ("users", False),
    "roleBinding": ("role_bindings", False),
    "token": ("tokens", True),
    "credential": ("credentials", False),
    "feature": ("features", False),
    "app": ("apps", False),
    "appBackup": ("app_backups", True),
    "appSnap": ("app_snaps", True),
}
COLLECTION_PATHS = {
    "user": "/core/v1/users",
    "roleBinding": "/core/v1/roleBindings",
    "token": "/core/v1/users/{parent_id}/tokens",
    "credential": "/core/v1/credentials",
    "feature": "/core/v1/features",
    "app": "/k8s/v2/apps",
    "appBackup": "/k8s/v1/apps/{parent_id}/appBackups",
    "appSnap": "/k8s/v1/apps/{parent_id}/appSnaps",
}


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _method(request: Request) -> str:
    """HEAD (which Starlette adds to GET routes) is handled as GET, never as a write."""
    return "GET" if request.method == "HEAD" else request.method


class AstraSimulator:
    """A Starlette app answering like Astra Control for one account, from plain state.

    ``state`` holds the vendor JSON; builder methods (``add_user`` ...) add to it and
    return the JSON a GET would show. IDs, secrets and timestamps come from a seeded RNG
    and a clock that ticks one minute per created resource, so runs are reproducible.

    Work Astra finishes after answering (apps becoming ready, backups completing, deleted
    backups going away) waits for ``settle()`` when ``transition_seconds`` is None, and
    otherwise finishes by itself that many seconds (on ``clock``) after it began.
    """

    vendor = "astra"

    def __init__(
        self,
        *,
        seed: bool = True,
        max_page_size: int | None = None,
        transition_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = AstraState()
        self.max_page_size = max_page_size
        self.transitions = Transitions(transition_seconds, clock)
        self.log = RequestLog()
        self.faults = FaultInjector()
        self._rng, self._error_rng = random.Random(0xA57A), random.Random(0xE44)
        self._clock = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        seed_data.bootstrap(self)
        if seed:
            seed_data.seed(self)
        self.app = Starlette(
            routes=self._routes(),
            middleware=[
                Middleware(
                    SimulatorMiddleware,
                    log=self.log,
                    faults=self.faults,
                    render_error=self.render_error,
                )
            ],
            exception_handlers={Problem: self._on_problem, HTTPException: self._on_http},
        )
        # A trailing slash is another (unknown) path to Astra, not a redirect.
        self.app.router.redirect_slashes = False

    # ----- problems -------------------------------------------------------------------
    def problem_response(self, number: int, detail: str | None = None, **extra: Any) -> Response:
        status, title, default_detail = PROBLEMS[number]
        body = {
            "type": f"{PROBLEM_BASE}{number}",
            "title": title,
            "detail": detail or default_detail,
            "status": str(status),
            "correlationID": self._correlation_id(),
            **extra,
        }
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status, headers, media_type="application/problem+json")

    def render_error(self, status: int, message: str) -> Response:
        """The problem body for an injected fault of this HTTP status."""
        if status in PROBLEM_FOR_STATUS:
            return self.problem_response(PROBLEM_FOR_STATUS[status], message)
        try:
            title = HTTPStatus(status).phrase
        except ValueError:
            title = "Error"
        body = {
            "type": "about:blank",
            "title": title,
            "detail": message,
            "status": str(status),
            "correlationID": self._correlation_id(),
        }
        return JSONResponse(body, status, media_type="application/problem+json")

    async def _on_problem(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return self.problem_response(exc.number, exc.detail, **exc.extra)

    async def _on_http(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:  # no route: authenticate first, like every other path
            try:
                if request.url.path.startswith("/accounts/"):
                    self._authenticate(request)
            except Problem as problem:
                return await self._on_problem(request, problem)
            return self.problem_response(2)
        response = self.render_error(exc.status_code, f"{request.method} isn't supported here.")
        response.headers.update(exc.headers or {})
        return response

    # ----- asynchronous work --------------------------------------------------------------
    def settle(self) -> None:
        """Finish every pending transition now (apps ready, backups completed, ...)."""
        self.transitions.settle()

    # ----- ids, clock, envelope --------------------------------------------------------
    def _new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _correlation_id(self) -> str:
        # Its own RNG, so errors don't shift the IDs later POSTs get.
        return str(uuid.UUID(int=self._error_rng.getrandbits(128), version=4))

    def now(self) -> str:
        """A timestamp for a new or changed resource: one minute after the last one."""
        self._clock += timedelta(minutes=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _store_new(self, kind: str, body: Resource, meta: Meta) -> Resource:
        """Wrap ``body`` in the envelope and file it under its ID (nested kinds: parent's)."""
        when = meta.get("created") or self.now()
        resource = {
            "type": KINDS[kind].media_type,
            "version": KINDS[kind].version,
            "id": meta.get("id") or self._new_id(),
            **body,
            "metadata": {
                "labels": copy.deepcopy(meta.get("labels") or []),
                "creationTimestamp": when,
                "modificationTimestamp": when,
                "createdBy": meta.get("created_by") or seed_data.BRUCE,
            },
        }
        attr, nested = STORES.get(kind, ("", False))
        if attr:
            store = getattr(self.state, attr)
            (store.setdefault(meta.get("parent", ""), {}) if nested else store)[resource["id"]] = (
                resource
            )
        return resource

    # ----- builders: tests use these to add data; each returns the vendor JSON ---------
    # ``meta`` (all optional): id, created, created_by, labels.
    def set_account(
        self,
        account_id: str,
        name: str,
        *,
        state: str = "active",
        is_enabled: bool = True,
        **meta: Unpack[Meta],
    ) -> Resource:
        body = {"name": name, "state": state, "isEnabled": _bool(is_enabled)}
        self.state.account = self._store_new("account", body, {**meta, "id": account_id})
        return copy.deepcopy(self.state.account)

    def add_user(
        self,
        first_name: str,
        last_name: str,
        email: str,
        *,
        state: str = "active",
        is_enabled: bool = True,
        auth_provider: str = "local",
        last_active: str | None = None,
        **meta: Unpack[Meta],
    ) -> Resource:
        user = self._store_new(
            "user",
            {
                "firstName": first_name,
                "lastName": last_name,
                "email": email,
                "state": state,
                "isEnabled": _bool(is_enabled),
                "authProvider": auth_provider,
                "lastActTimestamp": last_active,
            },
            meta,
        )
        user["lastActTimestamp"] = last_active or user["metadata"]["creationTimestamp"]
        if state == "pending":  # a pending user (an invitation) has never been active
            del user["lastActTimestamp"]
        self.state.tokens.setdefault(user["id"], {})
        return copy.deepcopy(user)

    def add_role_binding(
        self,
        user_id: str | None,
        role: str,
        *,
        group_id: str | None = None,
        role_constraints: list[str] | None = None,
        **meta: Unpack[Meta],
    ) -> Resource:
        # Reading: the unused principal ID is the nil UUID rather than absent.
        return copy.deepcopy(
            self._store_new(
                "roleBinding",
                {
                    "principalType": "group" if group_id else "user",
                    "userID": user_id or NIL_UUID,
                    "groupID": group_id or NIL_UUID,
                    "accountID": self.state.account["id"],
                    "role": role,
                    "roleConstraints": list(role_constraints or ["*"]),
                },
                meta,
            )
        )

    def add_token(
        self,
        user_id: str,
        name: str = "API token",
        *,
        secret: str | None = None,
        **meta: Unpack[Meta],
    ) -> Resource:
        """Add a token; the result alone carries ``token``, the secret, as POST does."""
        meta = {"created_by": user_id, **meta, "parent": user_id}
        token = self._store_new("token", {"name": name, "userID": user_id}, meta)
        secret = secret or base64.urlsafe_b64encode(self._rng.randbytes(33)).decode()
        self.state.token_secrets[secret] = token["id"]
        return {**copy.deepcopy(token), "token": secret}

    def add_credential(
        self,
        name: str,
        key_type: str,
        key_store: Any,
        *,
        valid: bool = True,
        valid_until: str | None = None,
        **meta: Unpack[Meta],
    ) -> Resource:
        body = {"name": name, "keyType": key_type, "valid": _bool(valid)}
        if valid_until:
            body["validUntilTimestamp"] = valid_until
        credential = self._store_new("credential", body, meta)
        self.state.credential_data[credential["id"]] = copy.deepcopy(key_store)
        return copy.deepcopy(credential)

    def add_feature(self, name: str, enabled: bool = True, **meta: Unpack[Meta]) -> Resource:
        body = {"name": name, "isEnabled": _bool(enabled)}
        return copy.deepcopy(self._store_new("feature", body, meta))

    def add_app(
        self,
        name: str,
        *,
        namespaces: list[str] | None = None,
        cluster: tuple[str, str, str] = seed_data.CLUSTER_GKE,
        state: str = "ready",
        protection_state: str = "none",
        **meta: Unpack[Meta],
    ) -> Resource:
        """``cluster`` is (clusterID, clusterName, clusterType); POSTs may use known ones."""
        self.state.clusters[cluster[0]] = (cluster[1], cluster[2])
        namespaces = list(namespaces or [name])
        app = self._store_new(
            "app",
            {
                "name": name,
                "state": state,
                "protectionState": protection_state,
                "namespaces": namespaces,
                "namespaceScopedResources": [{"namespace": n} for n in namespaces],
                "clusterID": cluster[0],
                "clusterName": cluster[1],
                "clusterType": cluster[2],
            },
            meta,
        )
        self.state.app_backups.setdefault(app["id"], {})
        self.state.app_snaps.setdefault(app["id"], {})
        return copy.deepcopy(app)

    def add_backup(
        self,
        app_id: str,
        name: str,
        *,
        state: str = "completed",
        bucket_id: str | None = None,
        total_bytes: int = 0,
        percent_done: int | None = None,
        backup_created: str | None = None,
        **meta: Unpack[Meta],
    ) -> Resource:
        if percent_done is None:
            percent_done = 100 if state == "completed" else 0
        # Reading: numbers are strings, like booleans ("totalBytes": "1073741824").
        body: Resource = {
            "name": name,
            "bucketID": bucket_id or self.state.default_bucket_id,
            "state": state,
            "totalBytes": str(total_bytes),
            "percentDone": str(percent_done),
        }
        if backup_created:  # absent until the backup has started
            body["backupCreationTimestamp"] = backup_created
        meta = {"created": backup_created or "", **meta, "parent": app_id}
        return copy.deepcopy(self._store_new("appBackup", body, meta))

    def add_snapshot(
        self, app_id: str, name: str, *, state: str = "completed", **meta: Unpack[Meta]
    ) -> Resource:
        meta = {**meta, "parent": app_id}
        return copy.deepcopy(self._store_new("appSnap", {"name": name, "state": state}, meta))

    # ----- routing ---------------------------------------------------------------------
    def _routes(self) -> list[Route]:
        prefix = "/accounts/{account_id}"
        routes = [Route(prefix, self._account, methods=["GET", "PUT"])]
        for name, path in COLLECTION_PATHS.items():
            kind = KINDS[name]
            routes.append(
                Route(
                    prefix + path,
                    partial(self._collection, kind=kind),
                    methods=["GET"] if kind.methods == ("GET",) else ["GET", "POST"],
                )
            )
            routes.append(
                Route(
                    prefix + path + "/{id}",
                    partial(self._item, kind=kind),
                    methods=list(kind.methods),
                )
            )
        return routes

    # ----- auth ------------------------------------------------------------------------
    def _authenticate(self, request: Request) -> tuple[Resource, int]:
        """The caller and their highest role (-1: none); then check the path's account."""
        # every request passes here first, so work that is due shows in what it reads
        self.transitions.advance()
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Problem(3)
        token_id = self.state.token_secrets.get(secret.strip())
        user_id = next((u for u, tokens in self.state.tokens.items() if token_id in tokens), None)
        user = self.state.users.get(user_id or "")
        # Reading: a suspended or disabled user's tokens stop working (401, not 403).
        if user is None or user["state"] == "suspended" or user["isEnabled"] != "true":
            raise Problem(4)
        set_identity(request, user["id"])
        account_id = request.path_params.get("account_id")
        if account_id is not None and check_id(account_id) != self.state.account["id"]:
            # Reading: the token is good but not for that account: 403, revealing nothing.
            raise Problem(11, "The bearer token isn't valid for this account.")
        return user, self._role(user["id"])

    def _role(self, user_id: str) -> int:
        return max(
            (
                ROLES.index(b["role"])
                for b in self.state.role_bindings.values()
                if b["principalType"] == "user" and b["userID"] == user_id
            ),
            default=-1,
        )

    def _authorize(
        self, kind: Kind, method: str, role: int, caller: str, parent_id: str | None
    ) -> None:
        if role < 0:
            raise Problem(11, "The caller has no role in this account.")
        if kind.name == "token":
            # Reading: anyone manages their own tokens; admins may list and revoke others'
            # (the gateway lists every user's tokens) but never mint one for someone else.
            if parent_id == caller or (role >= 2 and method in ("GET", "DELETE")):
                return
            raise Problem(11, "Only the token's user may do this.")
        if method != "GET" and role < ROLES.index(kind.write_role):
            raise Problem(11, f"This operation needs the {kind.write_role} role.")

    # ----- handlers ----------------------------------------------------------------------
    async def _account(self, request: Request) -> Response:
        caller, role = self._authenticate(request)
        kind = KINDS["account"]
        self._authorize(kind, _method(request), role, caller["id"], None)
        if _method(request) == "GET":
            return JSONResponse(self.state.account)
        body = await self._body(request, kind)
        self._replace(kind, self.state.account, body, caller["id"])
        return Response(status_code=204)

    def _store(self, kind: Kind, request: Request, missing: int) -> tuple[dict, str | None]:
        attr, nested = STORES[kind.name]
        store = getattr(self.state, attr)
        if not nested:
            return store, None
        parent_id = check_id(request.path_params["parent_id"])
        if parent_id not in store:
            raise Problem(missing, "The parent resource in the request URI wasn't found.")
        return store[parent_id], parent_id

    async def _collection(self, request: Request, kind: Kind) -> Response:
        caller, role = self._authenticate(request)
        # Reading: a collection under a missing parent is itself missing (problem 2).
        store, parent_id = self._store(kind, request, 2)
        self._authorize(kind, _method(request), role, caller["id"], parent_id)
        if _method(request) == "GET":
            return self._list(kind, list(store.values()), dict(request.query_params))
        body = await self._body(request, kind)
        created = CREATORS[kind.name](self, body, caller["id"], role, parent_id)
        location = f"{request.url.scheme}://{request.url.netloc}{request.url.path}/{created['id']}"
        return JSONResponse(created, 201, {"Location": location})

    async def _item(self, request: Request, kind: Kind) -> Response:
        caller, role = self._authenticate(request)
        store, parent_id = self._store(kind, request, 1)
        resource_id = check_id(request.path_params["id"])
        self._authorize(kind, _method(request), role, caller["id"], parent_id)
        resource = store.get(resource_id)
        if resource is None:
            raise Problem(1, f"No {kind.name} with ID {resource_id}.")
        if _method(request) == "GET":
            return JSONResponse(resource)
        if request.method == "PUT":
            body = await self._body(request, kind)
            if kind.name == "roleBinding":
                guard_owner(role, resource["role"], body.get("role"))
            self._replace(kind, resource, body, caller["id"])
        else:
            self._delete(kind, store, resource, caller["id"], role)
        return Response(status_code=204)

    def _list(self, kind: Kind, items: list[Resource], params: dict[str, str]) -> Response:
        try:
            query = parse_query(params, kind.knows)
        except InvalidQuery as exc:
            raise Problem(5, invalidParams=exc.params) from None
        rows = [r for r in items if matches(r, query.filters)]
        for path, descending in reversed(query.order):  # stable sorts, last key first
            rows.sort(key=partial(sort_key, path), reverse=descending)
        caps = [n for n in (query.limit, self.max_page_size) if n]
        end = query.offset + min(caps) if caps else len(rows)
        page = rows[query.offset : end]
        metadata: dict[str, Any] = {}
        if end < len(rows):
            metadata["continue"] = encode_continue(end, query.fingerprint)
        if query.count:  # Reading: all matches of the filter, not just this page
            metadata["count"] = len(rows)
        out = [[get_path(r, f) for f in query.include] for r in page] if query.include else page
        return JSONResponse(
            {
                "type": f"{kind.media_type}s",
                "version": kind.version,
                "items": out,
                "metadata": metadata,
            }
        )

    # ----- request bodies ------------------------------------------------------------------
    async def _body(self, request: Request, kind: Kind) -> Resource:
        """The JSON object body; problem 7 if it isn't one, problem 9 if its envelope or
        required fields are wrong."""
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError) as exc:
            raise Problem(7, f"The request body isn't valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise Problem(7, "The request body must be a JSON object.")
        bad: list[dict[str, str]] = []
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype.startswith("application/astra-") and ctype != f"{kind.media_type}+json".lower():
            bad.append({"name": "Content-Type", "reason": f"Must be {kind.media_type}+json."})
        if body.get("type") != kind.media_type:
            bad.append({"name": "type", "reason": f"Must be '{kind.media_type}'."})
        # Reading: any version up to ours within our major version is accepted.
        major, minor = kind.version.split(".")
        version = str(body.get("version", ""))
        if not re.fullmatch(rf"{major}\.\d+", version) or int(version.split(".")[1]) > int(minor):
            bad.append({"name": "version", "reason": f"Must be {major}.x, at most {kind.version}."})
        for name in kind.required:
            if body.get(name) in (None, "", [], {}):
                bad.append({"name": name, "reason": "Required."})
        low, high = NAME_LENGTH
        given_name = body.get("name")
        # Reading: the seed's 1-63 characters for a feature name hold for every named kind
        if (
            "name" in kind.fields
            and given_name is not None
            and not low <= len(str(given_name)) <= high
        ):
            bad.append({"name": "name", "reason": f"Must be {low} to {high} characters."})
        for name in ("isEnabled", "valid"):
            if name in body and body[name] not in ("true", "false"):
                bad.append({"name": name, "reason": "Must be the string 'true' or 'false'."})
        labels = get_path(body, "metadata.labels")
        if labels is not None and not (
            isinstance(labels, list)
            and all(isinstance(x, dict) and {"name", "value"} <= set(x) for x in labels)
        ):
            bad.append({"name": "metadata.labels", "reason": "Must be a list of {name, value}."})
        if bad:
            raise Problem(9, invalidFields=bad)
        return body

    def _replace(self, kind: Kind, resource: Resource, body: Resource, caller: str) -> None:
        """PUT: a full replace of what the client may change; the rest stays as it was."""
        if body.get("id", resource["id"]) != resource["id"]:
            raise invalid("id", "Doesn't match the ID in the request URI.")
        for name in kind.immutable:
            if name in body and body[name] != resource.get(name):
                raise invalid(name, "Can't be changed.")
        enums = {"user": ("state", USER_STATES), "roleBinding": ("role", ROLES)}
        if kind.name in enums:
            name, allowed = enums[kind.name]
            if name in body and body[name] not in allowed:
                raise invalid(name, f"Must be one of {', '.join(allowed)}.")
        for name in kind.mutable:
            if name == "keyStore" and name in body:
                self.state.credential_data[resource["id"]] = copy.deepcopy(body[name])
            elif name in body:
                resource[name] = copy.deepcopy(body[name])
        meta = resource["metadata"]
        if get_path(body, "metadata.labels") is not None:
            meta["labels"] = copy.deepcopy(get_path(body, "metadata.labels"))
        meta.update(modificationTimestamp=self.now(), modifiedBy=caller)

    def _delete(self, kind: Kind, store: dict, resource: Resource, caller: str, role: int) -> None:
        rid = resource["id"]
        if kind.name == "user":
            if rid == caller:
                raise Problem(11, "Users can't delete themselves.")
            if self._role(rid) == ROLES.index("owner"):
                guard_owner(role, "owner", None)
            for binding_id in [
                b for b, v in self.state.role_bindings.items() if v["userID"] == rid
            ]:
                del self.state.role_bindings[binding_id]
            self._revoke(self.state.tokens.pop(rid, {}))
        elif kind.name == "roleBinding":
            guard_owner(role, resource["role"], None)
        elif kind.name == "token":
            self._revoke({rid: resource})
        elif kind.name == "credential":
            self.state.credential_data.pop(rid, None)
        elif kind.name == "app":  # unmanage: its backups and snapshots go with it
            self.transitions.cancel(rid)
            for nested in (self.state.app_backups.pop(rid, {}), self.state.app_snaps.pop(rid, {})):
                for item in nested:
                    self.transitions.cancel(item)
        elif kind.name in ("appBackup", "appSnap"):
            delete_protection(self, store, resource)
            return
        del store[rid]

    def _revoke(self, tokens: dict[str, Resource]) -> None:
        for secret in [s for s, t in self.state.token_secrets.items() if t in tokens]:
            del self.state.token_secrets[secret]
