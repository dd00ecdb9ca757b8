"""An in-process fake of the reference vendor's API (its documents: the package docstring).

Shares nothing with the adapter but the documents, like every simulator: a request log
and fault injection from ``adapters.simulation.middleware``, the vendor's error shape for
injected faults (``render_error``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.simulation.middleware import FaultInjector, RequestLog, SimulatorMiddleware
from tests.reference_vendor.documents import PAGE_SIZE
from tests.reference_vendor.sim import seed_data as sd
from tests.reference_vendor.validation import NAME

Json = dict[str, Any]
_REQUEST_IDS = itertools.count(1)


def render_error(status: int, message: str, code: str = "error") -> Response:
    """The documented error body."""
    body = {"error": {"code": code, "message": message}, "request_id": f"r-{next(_REQUEST_IDS)}"}
    return JSONResponse(body, status_code=status)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Organization:
    body: Json
    databases: dict[str, Json] = field(default_factory=dict)


class ReferenceSimulator:
    def __init__(self, *, seed: bool = True, transition_seconds: float | None = None) -> None:
        # nothing here takes time, so transition_seconds has nothing to pace
        self.organizations: dict[str, Organization] = {}
        self.tokens: dict[str, str] = {}  # token -> organization ID
        self.log = RequestLog()
        self.faults = FaultInjector()
        routes = [
            Route("/v1/orgs", self._orgs, methods=["GET"]),
            Route("/v1/orgs/{org}/databases", self._databases, methods=["GET"]),
            Route("/v1/orgs/{org}/databases/{db}", self._database, methods=["GET", "PATCH"]),
        ]
        middleware = [
            Middleware(
                SimulatorMiddleware, log=self.log, faults=self.faults, render_error=render_error
            )
        ]
        self.app = Starlette(routes=routes, middleware=middleware)
        if seed:
            org = self.add_organization(sd.ORGANIZATION, token=sd.DEMO_TOKEN)
            for db_id, name, state in sd.DATABASES:
                self.add_database(org, db_id, name, state)

    # -- builders (seed data, tests) ---------------------------------------------------------
    def add_organization(self, body: Json, *, token: str) -> str:
        self.organizations[body["id"]] = Organization(dict(body))
        self.tokens[token] = body["id"]
        return str(body["id"])

    def add_database(self, org: str, db_id: str, name: str, state: str = "running") -> Json:
        body = {"id": db_id, "name": name, "state": state, "created_at": "2026-02-01T12:00:00Z"}
        self.organizations[org].databases[db_id] = body
        return body

    # -- routes ------------------------------------------------------------------------------
    async def _orgs(self, request: Request) -> Response:
        return await self._answer(request, lambda org: {"items": [org.body]})

    async def _databases(self, request: Request) -> Response:
        def page(org: Organization) -> Json:
            items = list(org.databases.values())
            start = int(request.query_params.get("cursor") or 0)
            end = start + PAGE_SIZE
            return {"items": items[start:end], "next": str(end) if end < len(items) else None}

        return await self._answer(request, page)

    async def _database(self, request: Request) -> Response:
        async def one(org: Organization) -> Json:
            db = org.databases.get(request.path_params["db"])
            if db is None:
                raise ApiError(404, "not_found", f"no database {request.path_params['db']}")
            if request.method == "PATCH":
                name = (await request.json()).get("name")
                if not isinstance(name, str) or not NAME.fullmatch(name):
                    raise ApiError(400, "invalid", "name: 1 to 40 letters, digits and '-'")
                db["name"] = name
            return db

        return await self._answer(request, one)

    async def _answer(self, request: Request, handler: Any) -> Response:
        try:
            org = self._organization(request)
            result = handler(org)
            if hasattr(result, "__await__"):
                result = await result
        except ApiError as exc:
            return render_error(exc.status, exc.message, exc.code)
        return JSONResponse(result)

    def _organization(self, request: Request) -> Organization:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        org_id = self.tokens.get(token) if scheme == "Bearer" else None
        if org_id is None:
            raise ApiError(401, "unauthorized", "missing or unknown token")
        wanted = request.path_params.get("org", org_id)
        if wanted != org_id:  # another organization's, or none at all: the same answer
            raise ApiError(404, "not_found", f"no organization {wanted}")
        return self.organizations[org_id]
