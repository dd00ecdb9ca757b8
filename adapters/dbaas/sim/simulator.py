"""In-process fake of the DBaaS REST API, written only from the vendor docs.

Contract: ``/work/shared/seeds/dbaas-api.txt`` plus the vendor notes. The real service is
a Django REST framework app, so where the docs are silent this mimics DRF: errors come as
``{"detail": ...}`` or ``{"<field>": [...]}``, 401 is checked before 405 before 404, a path
missing its trailing slash gets Django's 301, and pagination follows PageNumberPagination.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import random
import re
import string
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from adapters.dbaas.sim.drf import (
    BAD_LOGIN,
    DETAIL_RE,
    DUPLICATE_CREDENTIAL,
    DUPLICATE_DATABASE,
    FORBIDDEN,
    IMMUTABLE,
    LIST_RE,
    NOT_PROVIDED,
    RESET_RE,
    WWW_AUTHENTICATE,
    ApiError,
    Errors,
    datetime_field,
    error_response,
    link_field,
    raise_if,
    read_body,
    render_datetime,
    text_field,
)
from adapters.dbaas.sim.seed_data import seed as seed_sample_data
from adapters.dbaas.sim.state import DBaaSState, Record
from adapters.simulation.middleware import (
    FaultInjector,
    RequestLog,
    SimulatorMiddleware,
    set_identity,
)

MAX_PAGE_SIZE = 100
# The seed's create example reports this used size for a brand-new, empty database.
NEW_DATABASE_USED_BYTES = 16924
ENDPOINT_TEMPLATES = {
    "mongodb": "mongodb://<user>:<password>@127.0.0.1:27017/{name}",
    "mysql": "mysql://<user>:<password>@127.0.0.1:3306/{name}",
    # Redis has no users, so its endpoint deliberately has no <user> placeholder.
    "redis": "redis://:<password>@127.0.0.1:6379/0",
}
# Methods each view implements (DRF adds HEAD to GET views and OPTIONS to all).
LIST_METHODS = {
    "database": ("GET", "POST"),
    "credential": ("GET", "POST"),
    "plan": ("GET",),
    "environment": ("GET",),
    "project": ("GET", "POST"),
}
DETAIL_METHODS = {
    "database": ("GET", "PUT", "PATCH", "DELETE"),
    "credential": ("GET", "DELETE"),
    "plan": ("GET",),
    "environment": ("GET",),
    "project": ("GET", "PUT", "PATCH", "DELETE"),
}
RESET_METHODS = ("POST",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Every method reaches the dispatcher, so even TRACE gets DRF's JSON 405.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
# DRF lists allowed methods in the order of View.http_method_names.
_METHOD_ORDER = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def normalize_name(name: str) -> str:
    # The seed creates "test database2" and answers "test_database2".
    return re.sub(r"[^A-Za-z0-9_]+", "_", name.strip())


def _with_query(url: str, key: str, value: int | None) -> str:
    """DRF's replace_query_param / remove_query_param (value None removes)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.pop(key, None)
    if value is not None:
        query[key] = str(value)
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()))))


class DBaaSSimulator:
    """A fake DBaaS API server as a Starlette app, with seeded sample data.

    Tests build extra data with the ``add_*`` methods, read ``state`` directly, inspect
    traffic in ``log`` and make requests fail through ``faults``. ``clock`` stamps
    quarantines and times creations; replace it for deterministic timestamps.

    A database created through the API is initializing (``status`` 2) until ``settle()``,
    or, with ``transition_seconds``, until that many seconds of ``clock`` have passed
    since its creation (seen by the next request); then it is alive (``status`` 1).
    """

    vendor = "dbaas"

    def __init__(
        self, *, seed: bool = True, page_size: int = 10, transition_seconds: float | None = None
    ) -> None:
        self.state = DBaaSState()
        self.page_size = page_size
        self.transition_seconds = transition_seconds
        self.log = RequestLog()
        self.faults = FaultInjector()
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        # Fixed seed: generated passwords are the same on every run.
        self._rng = random.Random(20240229)
        self.app = Starlette(
            routes=[Route("/{path:path}", self._dispatch, methods=ALL_METHODS)],
            middleware=[
                Middleware(
                    SimulatorMiddleware,
                    log=self.log,
                    faults=self.faults,
                    render_error=error_response,
                )
            ],
        )
        if seed:
            seed_sample_data(self)

    # ----- builders -------------------------------------------------------------------

    def add_environment(
        self, name: str, *, stage: int = 1, provisioner: int | str = 1, id: int | None = None
    ) -> Record:
        record: Record = {
            "id": self.state.new_id("environment", id),
            "name": name,
            "stage": stage,
            "provisioner": provisioner,
        }
        self.state.environments[record["id"]] = record
        return record

    def add_plan(
        self,
        name: str,
        *,
        engine: str = "mongodb",
        environments: Iterable[int] = (),
        description: str = "",
        is_active: bool = True,
        id: int | None = None,
    ) -> Record:
        env_ids = list(environments)
        for env_id in env_ids:
            self._require("environment", env_id)
        record: Record = {
            "id": self.state.new_id("plan", id),
            "name": name,
            "description": description,
            "is_active": is_active,
            "engine": engine,
            "environments": env_ids,
        }
        self.state.plans[record["id"]] = record
        return record

    def add_project(self, name: str, *, id: int | None = None) -> Record:
        record: Record = {"id": self.state.new_id("project", id), "name": name}
        self.state.projects[record["id"]] = record
        return record

    def add_database(
        self,
        name: str,
        *,
        plan: int,
        environment: int,
        project: int | None = None,
        quarantine_dt: str | None = None,
        total_size_in_bytes: int = 0,
        used_size_in_bytes: int = NEW_DATABASE_USED_BYTES,
        password: str | None = None,
        with_credential: bool = True,
        extra: Record | None = None,
        id: int | None = None,
    ) -> Record:
        """Store a database and, like the API does, its ``u_<name>`` credential.

        ``extra`` holds optional fields (status, description, ...) rendered as given.
        """
        self._require("plan", plan)
        self._require("environment", environment)
        if project is not None:
            self._require("project", project)
        record: Record = {
            "id": self.state.new_id("database", id),
            "name": name,
            "plan": plan,
            "environment": environment,
            "project": project,
            "quarantine_dt": quarantine_dt,
            "total_size_in_bytes": total_size_in_bytes,
            "used_size_in_bytes": used_size_in_bytes,
            "extra": dict(extra or {}),
        }
        self.state.databases[record["id"]] = record
        if with_credential:
            self.add_credential(record["id"], f"u_{name}", password=password)
        return record

    def add_credential(
        self, database: int, user: str, *, password: str | None = None, id: int | None = None
    ) -> Record:
        self._require("database", database)
        record: Record = {
            "id": self.state.new_id("credential", id),
            "user": user,
            "database": database,
            "password": password or self.new_password(),
        }
        self.state.credentials[record["id"]] = record
        return record

    def new_password(self) -> str:
        # Same shape as the seed's passwords ("26WcA33q6F"): 10 letters and digits.
        return "".join(self._rng.choices(string.ascii_letters + string.digits, k=10))

    def settle(self) -> None:
        """Finish every creation now, whatever the transition time."""
        self.state.finish_creations()

    def _advance(self) -> None:
        if self.transition_seconds is not None:
            due = self.clock() - timedelta(seconds=self.transition_seconds)
            self.state.finish_creations(begun_by=due)

    def _require(self, resource: str, record_id: int) -> None:
        if record_id not in self.state.table(resource):
            raise ValueError(f"no {resource} with id {record_id}")

    # ----- rendering ------------------------------------------------------------------

    @staticmethod
    def _url(base: str, resource: str, record_id: int) -> str:
        return f"{base}api/{resource}/{record_id}/"

    def _render(
        self, base: str, resource: str, record: Record, *, password: bool = False
    ) -> Record:
        """One object in the seed's shape, ``_links.self`` first."""
        body: Record = {"_links": {"self": self._url(base, resource, record["id"])}}
        if resource == "database":
            body.update(self._database_fields(base, record))
        elif resource == "credential":
            body.update(
                id=record["id"],
                user=record["user"],
                database=self._url(base, "database", record["database"]),
            )
            if password:
                body["password"] = record["password"]
        elif resource == "plan":
            body.update(
                {k: record[k] for k in ("id", "name", "description", "is_active", "engine")}
            )
            body["environments"] = [
                {
                    "url": self._url(base, "environment", env_id),
                    **{k: env[k] for k in ("id", "name", "stage", "provisioner")},
                }
                for env_id in record["environments"]
                if (env := self.state.environments.get(env_id)) is not None
            ]
        elif resource == "environment":
            body.update({k: record[k] for k in ("id", "name", "stage", "provisioner")})
        else:
            body.update(id=record["id"], name=record["name"])
        return body

    def _database_fields(self, base: str, db: Record) -> Record:
        engine = self.state.plans[db["plan"]]["engine"]
        template = ENDPOINT_TEMPLATES.get(engine, engine + "://<user>:<password>@127.0.0.1/{name}")
        project = db["project"]
        return {
            "id": db["id"],
            "name": db["name"],
            "endpoint": template.format(name=db["name"]),
            "plan": self._url(base, "plan", db["plan"]),
            "environment": self._url(base, "environment", db["environment"]),
            "project": None if project is None else self._url(base, "project", project),
            "quarantine_dt": db["quarantine_dt"],
            "total_size_in_bytes": db["total_size_in_bytes"],
            "used_size_in_bytes": db["used_size_in_bytes"],
            "credentials": [
                self._url(base, "credential", c["id"]) for c in self.state.credentials_of(db["id"])
            ],
            **db["extra"],
        }

    def _page(self, request: Request, resource: str) -> Record:
        """A HAL list page, following DRF's PageNumberPagination rules."""
        size = self.page_size
        try:  # DRF: a bad page_size falls back to the default; too big is capped.
            asked = int(request.query_params.get("page_size", ""))
            if asked > 0:
                size = min(asked, MAX_PAGE_SIZE)
        except ValueError:
            pass
        items = sorted(self.state.table(resource).values(), key=lambda r: r["id"])
        last = max(1, -(-len(items) // size))
        raw = request.query_params.get("page", "1")
        try:
            page = last if raw == "last" else int(raw)
        except ValueError:
            page = 0
        if not 1 <= page <= last:
            raise ApiError(404, {"detail": "Invalid page."})
        url, base = str(request.url), str(request.base_url)
        # DRF drops the page parameter from the link back to page 1.
        previous = None if page == 1 else _with_query(url, "page", None if page == 2 else page - 1)
        return {
            "_links": {
                "count": len(items),
                "self": url,
                "previous": previous,
                "next": _with_query(url, "page", page + 1) if page < last else None,
            },
            resource: [
                self._render(base, resource, r) for r in items[(page - 1) * size : page * size]
            ],
        }

    # ----- dispatch -------------------------------------------------------------------

    async def _dispatch(self, request: Request) -> Response:
        try:
            return await self._route(request)
        except ApiError as exc:
            return JSONResponse(exc.body, exc.status, headers=exc.headers)

    @staticmethod
    def _match(path: str) -> tuple[str, str | None, str] | None:
        """(resource, raw id or None, action) for a known route."""
        if m := RESET_RE.fullmatch(path):
            return "credential", m.group(1), "reset"
        if m := LIST_RE.fullmatch(path):
            return m.group(1), None, "list"
        if m := DETAIL_RE.fullmatch(path):
            return m.group(1), m.group(2), "detail"
        return None

    async def _route(self, request: Request) -> Response:
        self._advance()
        path = request.url.path
        matched = self._match(path)
        if matched is None:
            if not path.endswith("/") and self._match(path + "/"):
                # Django's APPEND_SLASH answers before any auth, for every method.
                return RedirectResponse(str(request.url.replace(path=path + "/")), 301)
            raise self._not_found(request)
        resource, raw_id, action = matched
        account = self._authenticate(request)
        methods = {
            "list": LIST_METHODS[resource],
            "detail": DETAIL_METHODS[resource],
            "reset": RESET_METHODS,
        }[action]
        allowed = [
            m
            for m in _METHOD_ORDER
            if m in methods or m == "OPTIONS" or (m == "HEAD" and "GET" in methods)
        ]
        method = request.method
        if method not in SAFE_METHODS and account.get("role") == "read_only":
            raise ApiError(403, {"detail": FORBIDDEN})
        if method not in allowed:
            raise ApiError(
                405, {"detail": f"Method '{method}' not allowed."}, {"Allow": ", ".join(allowed)}
            )
        if method == "OPTIONS":
            title = resource.title() + (" List" if action == "list" else " Instance")
            return JSONResponse(
                {
                    "name": title,
                    "description": "",
                    "renders": ["application/json"],
                    "parses": ["application/json", "application/x-www-form-urlencoded"],
                },
                headers={"Allow": ", ".join(allowed)},
            )
        base = str(request.base_url)
        if action == "list":
            if method == "POST":
                return await self._create(request, resource, base)
            return JSONResponse(self._page(request, resource))
        record = self._lookup(request, resource, raw_id)
        if action == "reset":  # the body is ignored, as the notes say
            record["password"] = self.new_password()
            return JSONResponse(self._render(base, resource, record, password=True))
        if method in ("GET", "HEAD"):
            return JSONResponse(self._render(base, resource, record, password=True))
        if method == "DELETE":
            self._destroy(resource, record)
            return Response(status_code=204)
        return await self._update(request, resource, record, base, partial=method == "PATCH")

    def _authenticate(self, request: Request) -> dict[str, str]:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            # DRF treats a missing or non-Basic Authorization header as no credentials.
            raise ApiError(401, {"detail": NOT_PROVIDED}, WWW_AUTHENTICATE)
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        username, sep, password = decoded.partition(":")
        account = self.state.accounts.get(username)
        if (
            not sep
            or account is None
            or not hmac.compare_digest(account["password"].encode(), password.encode())
        ):
            # DRF sends WWW-Authenticate with every 401, not only the first one.
            raise ApiError(401, {"detail": BAD_LOGIN}, WWW_AUTHENTICATE)
        set_identity(request, username)
        return account

    @staticmethod
    def _not_found(request: Request) -> ApiError:
        return ApiError(404, {"_links": {"self": str(request.url)}, "detail": "Not found"})

    def _link(
        self, data: Record, key: str, resource: str, errors: Errors, *, required: bool = True
    ) -> int | None:
        def exists(kind: str, record_id: int) -> bool:
            return record_id in self.state.table(kind)

        return link_field(data, key, resource, errors, exists, required=required)

    def _lookup(self, request: Request, resource: str, raw_id: str | None) -> Record:
        try:
            return self.state.table(resource)[int(raw_id or "")]
        except (KeyError, ValueError):
            raise self._not_found(request) from None

    # ----- writes ---------------------------------------------------------------------

    async def _create(self, request: Request, resource: str, base: str) -> Response:
        data = await read_body(request)
        if resource == "database":
            record = self._create_database(data)
        elif resource == "credential":
            record = self._create_credential(data)
        else:
            name = self._project_name(data, None)
            record = self.add_project(name)
        return JSONResponse(self._render(base, resource, record, password=True), 201)

    def _create_database(self, data: Record) -> Record:
        errors: Errors = {}
        name = text_field(data, "name", errors)
        plan_id = self._link(data, "plan", "plan", errors)
        env_id = self._link(data, "environment", "environment", errors)
        project_id = self._link(data, "project", "project", errors, required=False)
        raise_if(errors)
        assert name is not None and plan_id is not None and env_id is not None
        plan, env = self.state.plans[plan_id], self.state.environments[env_id]
        if not plan["is_active"]:
            errors["plan"] = [f"Plan '{plan['name']}' is not active."]
        elif env_id not in plan["environments"]:
            errors["environment"] = [
                f"Plan '{plan['name']}' is not available in environment '{env['name']}'."
            ]
        raise_if(errors)
        name = normalize_name(name)
        if any(
            d["name"] == name and d["environment"] == env_id for d in self.state.databases.values()
        ):
            raise ApiError(400, {"__all__": [DUPLICATE_DATABASE]})
        database = self.add_database(name, plan=plan_id, environment=env_id, project=project_id)
        self.state.begin_creation(database, self.clock())
        return database

    def _create_credential(self, data: Record) -> Record:
        errors: Errors = {}
        user = text_field(data, "user", errors)
        db_id = self._link(data, "database", "database", errors)
        raise_if(errors)
        assert user is not None and db_id is not None
        if any(c["user"] == user for c in self.state.credentials_of(db_id)):
            raise ApiError(400, {"__all__": [DUPLICATE_CREDENTIAL]})
        return self.add_credential(db_id, user)

    async def _update(
        self, request: Request, resource: str, record: Record, base: str, *, partial: bool
    ) -> Response:
        data = await read_body(request)
        if resource == "project":
            if "name" in data or not partial:
                record["name"] = self._project_name(data, record["id"])
            return JSONResponse(self._render(base, resource, record))
        errors: Errors = {}
        changes: Record = {}
        # name/plan/environment are writable at creation only ("no*" in the seed's table):
        # resending the same value is fine (PUT sends them all), a different one is not.
        for key in ("name", "plan", "environment"):
            if key in data or not partial:
                value: Any = (
                    text_field(data, key, errors)
                    if key == "name"
                    else self._link(data, key, key, errors)
                )
                if key == "name" and value is not None:
                    value = normalize_name(value)
                if value is not None and value != record[key]:
                    errors[key] = [IMMUTABLE]
        if "project" in data:
            changes["project"] = self._link(data, "project", "project", errors, required=False)
        if "quarantine_dt" in data:
            changes["quarantine_dt"] = datetime_field(data, "quarantine_dt", errors)
        raise_if(errors)
        record.update(changes)
        return JSONResponse(self._render(base, resource, record))

    def _destroy(self, resource: str, record: Record) -> None:
        if resource == "database" and record["quarantine_dt"] is None:
            # First DELETE: quarantine, and lock every user out with unknown passwords.
            record["quarantine_dt"] = render_datetime(self.clock())
            for credential in self.state.credentials_of(record["id"]):
                credential["password"] = self.new_password()
            return
        del self.state.table(resource)[record["id"]]
        if resource == "database":  # credentials belong to their database
            for credential in self.state.credentials_of(record["id"]):
                del self.state.credentials[credential["id"]]
        elif resource == "project":  # databases outlive their project
            for db in self.state.databases.values():
                if db["project"] == record["id"]:
                    db["project"] = None

    def _project_name(self, data: Record, current_id: int | None) -> str:
        errors: Errors = {}
        name = text_field(data, "name", errors)
        if name is not None and any(
            p["name"] == name and p["id"] != current_id for p in self.state.projects.values()
        ):
            errors["name"] = ["Project with this Name already exists."]
        raise_if(errors)
        assert name is not None
        return name
