"""Route handlers of the ClickHouse Cloud simulator for ClickPipes (the 2026-06 spec): a
service's pipes (CRUD, settings, scaling, state), its CDC scaling and its reverse private
endpoints. Bodies are validated against the spec's schemas (``current_spec``); answers are
the request projected onto the spec's answer schemas, so what the spec answers without
(a source's ``credentials``) is never answered, and what it answers with is (an Azure
``connectionString``: the gateway must redact it).

Our reading where the spec is silent: a new pipe is Provisioning until ``settle()``; start
and stop answer the pipe as it is when it already is so; resync is for database (CDC)
pipes, whose scaling is the service's CDC scaling, not their own; an update's source names
the pipe's own kind; settings PUT replaces them all (unset: null, the default); a service
without a CDC scaling set answers 2 cores and 8 GiB; a reverse private endpoint needs the
fields its type names (the spec's descriptions say "Required for ..."), and is Ready
after ``settle()``.
"""

from __future__ import annotations

import copy
from typing import Any

from adapters.clickhouse.sim import current_spec as spec
from adapters.clickhouse.sim.state import Ctx, SimulatorBase
from adapters.clickhouse.sim.validation import JSON, ApiError, _fail, _iso

SVC = "/v1/organizations/{organizationId}/services/{serviceId}"
PIPES = SVC + "/clickpipes"
PIPE = PIPES + "/{clickPipeId}"
CDC = SVC + "/clickpipesCdcScaling"
RPES = SVC + "/clickpipesReversePrivateEndpoints"
RPE = RPES + "/{reversePrivateEndpointId}"
DATABASE_KINDS = ("postgres", "mysql", "bigquery", "mongodb")
DEFAULT_CDC = {"replicaCpuMillicores": 2000, "replicaMemoryGb": 8}
STREAMING_SCALING = {"replicas": 1, "replicaCpuMillicores": 500, "replicaMemoryGb": 2}
ENDPOINT_REQUIRES = {
    "VPC_ENDPOINT_SERVICE": ("vpcEndpointServiceName",),
    "VPC_RESOURCE": ("vpcResourceConfigurationId", "vpcResourceShareArn"),
    "MSK_MULTI_VPC": ("mskClusterArn", "mskAuthentication"),
    "GCP_PSC_SERVICE_ATTACHMENT": ("gcpServiceAttachment",),
}


def project(value: Any, schema: Any) -> Any:
    """``value`` reduced to what ``schema`` (a spec answer schema) has room for."""
    if not isinstance(schema, dict):
        return value
    if "$ref" in schema:
        return project(value, spec.COMPONENTS[schema["$ref"].removeprefix("#/components/schemas/")])
    if "oneOf" in schema and value is not None:
        typed = [s for s in schema["oneOf"] if s.get("type") != "null"]
        return project(value, typed[0]) if len(typed) == 1 else value
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        return {k: project(v, props[k]) for k, v in value.items() if k in props}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [project(v, schema["items"]) for v in value]
    return value


def _answer(component: str, value: JSON) -> JSON:
    return project(value, spec.COMPONENTS[component])  # type: ignore[no-any-return]


def _kind(source: JSON) -> str:
    return next(k for k in source if k != "validateSamples")


class ClickPipeRoutes(SimulatorBase):
    def clickpipe_routes(self) -> list[tuple[str, str, Any, bool]]:
        return [
            ("GET", PIPES, self._list_pipes, False),
            ("POST", PIPES, self._create_pipe, False),
            ("GET", PIPE, self._get_pipe, False),
            ("PATCH", PIPE, self._patch_pipe, False),
            ("DELETE", PIPE, self._delete_pipe, False),
            ("GET", PIPE + "/settings", self._get_pipe_settings, False),
            ("PUT", PIPE + "/settings", self._put_pipe_settings, False),
            ("PATCH", PIPE + "/scaling", self._scale_pipe, False),
            ("PATCH", PIPE + "/state", self._pipe_state, False),
            ("GET", CDC, self._get_cdc, False),
            ("PATCH", CDC, self._patch_cdc, False),
            ("GET", RPES, self._list_endpoints, False),
            ("POST", RPES, self._create_endpoint, False),
            ("GET", RPE, self._get_endpoint, False),
            ("PATCH", RPE, self._patch_endpoint, False),
            ("DELETE", RPE, self._delete_endpoint, False),
        ]

    def _pipes_of(self, ctx: Ctx) -> JSON:
        service = self._service(ctx)
        return ctx.org.clickpipes.setdefault(service["id"], {"pipes": {}, "endpoints": {}})

    def add_clickpipe(self, organization_id: str, service_id: str, pipe: JSON) -> JSON:
        """Store a pipe answered exactly as given, undocumented fields and all (tests: a
        vendor that echoes what it should not)."""
        org = self.state.organizations[organization_id]
        held = org.clickpipes.setdefault(service_id, {"pipes": {}, "endpoints": {}})
        held["pipes"][pipe["id"]] = pipe
        self._verbatim.add(pipe["id"])
        return pipe

    def settle(self) -> None:
        """Every transition finished, pipes' and reverse private endpoints' too."""
        super().settle()
        for org in self.state.organizations.values():
            for held in org.clickpipes.values():
                for pipe in held["pipes"].values():
                    if pipe["state"] in ("Provisioning", "Setup", "Snapshot", "Resync"):
                        pipe["state"] = "Running"
                for endpoint in held["endpoints"].values():
                    if endpoint["status"] == "Provisioning":
                        endpoint["status"] = "Ready"

    # --- pipes ----------------------------------------------------------------------------

    def _held_pipe(self, ctx: Ctx) -> JSON:
        found: JSON | None = self._pipes_of(ctx)["pipes"].get(ctx.params["clickPipeId"])
        if found is None:
            raise ApiError(404, f"ClickPipe {ctx.params['clickPipeId']} not found")
        return found

    @property
    def _verbatim(self) -> set[str]:
        found: set[str] = self.__dict__.setdefault("_verbatim_pipes", set())
        return found

    def _pipe_answer(self, pipe: JSON) -> JSON:
        return pipe if pipe["id"] in self._verbatim else _answer("ClickPipe", pipe)

    async def _list_pipes(self, ctx: Ctx) -> Any:
        return [self._pipe_answer(p) for p in self._pipes_of(ctx)["pipes"].values()]

    async def _create_pipe(self, ctx: Ctx) -> Any:
        held = self._pipes_of(ctx)
        body = await spec.body(ctx, "POST", PIPES)
        for name in ("name", "source", "destination"):
            if name not in body:
                raise _fail(f"{name} is required")
        source = body["source"]
        kinds = [k for k in source if k != "validateSamples" and source[k] is not None]
        if len(kinds) != 1:
            raise _fail("source must set exactly one source type")
        database_pipe = kinds[0] in DATABASE_KINDS
        now = _iso(self.wall_clock())
        pipe: JSON = {
            "id": self._new_id("clickpipe"),
            "serviceId": ctx.params["serviceId"],
            "name": body["name"],
            "state": "Provisioning",
            "source": {kinds[0]: copy.deepcopy(source[kinds[0]])},
            "destination": copy.deepcopy(body["destination"]),
            "fieldMappings": body.get("fieldMappings", []),
            "settings": dict(body.get("settings") or {}),
            "createdAt": now,
            "updatedAt": now,
        }
        if not database_pipe:
            pipe["scaling"] = STREAMING_SCALING | (body.get("scaling") or {})
        held["pipes"][pipe["id"]] = pipe
        return self._pipe_answer(pipe)

    async def _get_pipe(self, ctx: Ctx) -> Any:
        return self._pipe_answer(self._held_pipe(ctx))

    async def _patch_pipe(self, ctx: Ctx) -> Any:
        pipe = self._held_pipe(ctx)
        body = await spec.body(ctx, "PATCH", PIPE)
        if body.get("source"):
            kind = _kind(body["source"])
            own = _kind(pipe["source"])
            if kind != own:
                raise _fail(f"source: this ClickPipe's source is {own}, not {kind}")
            change = dict(body["source"][kind] or {})
            current = pipe["source"][own]
            added = change.pop("tableMappingsToAdd", [])
            removed = change.pop("tableMappingsToRemove", [])
            current.update(change)
            if added or removed:
                kept = [t for t in current.get("tableMappings", []) if t not in removed]
                current["tableMappings"] = kept + added
        if body.get("name") is not None:
            pipe["name"] = body["name"]
        if body.get("destination"):
            pipe["destination"]["columns"] = body["destination"].get("columns", [])
        if "fieldMappings" in body:
            pipe["fieldMappings"] = body["fieldMappings"]
        if body.get("settings"):
            pipe["settings"].update(body["settings"])
        pipe["updatedAt"] = _iso(self.wall_clock())
        return self._pipe_answer(pipe)

    async def _delete_pipe(self, ctx: Ctx) -> Any:
        pipe = self._held_pipe(ctx)
        del self._pipes_of(ctx)["pipes"][pipe["id"]]
        return None

    async def _get_pipe_settings(self, ctx: Ctx) -> Any:
        return _answer("ClickPipeSettings", self._held_pipe(ctx).get("settings") or {})

    async def _put_pipe_settings(self, ctx: Ctx) -> Any:
        pipe = self._held_pipe(ctx)
        body = await spec.body(ctx, "PUT", PIPE + "/settings")
        pipe["settings"] = {k: v for k, v in body.items() if v is not None}
        return _answer("ClickPipeSettings", pipe["settings"])

    async def _scale_pipe(self, ctx: Ctx) -> Any:
        pipe = self._held_pipe(ctx)
        body = await spec.body(ctx, "PATCH", PIPE + "/scaling")
        if _kind(pipe["source"]) in DATABASE_KINDS:
            raise _fail("Database ClickPipes scale with the service's clickpipesCdcScaling")
        pipe["scaling"].update({k: v for k, v in body.items() if v is not None})
        return self._pipe_answer(pipe)

    async def _pipe_state(self, ctx: Ctx) -> Any:
        pipe = self._held_pipe(ctx)
        body = await spec.body(ctx, "PATCH", PIPE + "/state")
        command = body.get("command")
        if command is None:
            raise _fail("command is required")
        database_pipe = _kind(pipe["source"]) in DATABASE_KINDS
        if command == "resync":
            if not database_pipe:
                raise _fail("Only database ClickPipes can be resynced")
            pipe["state"] = "Resync"
        elif command == "stop":
            pipe["state"] = "Paused" if database_pipe else "Stopped"
        else:
            pipe["state"] = "Running"
        return self._pipe_answer(pipe)

    # --- CDC scaling ----------------------------------------------------------------------

    async def _get_cdc(self, ctx: Ctx) -> Any:
        return self._pipes_of(ctx).get("cdcScaling", DEFAULT_CDC)

    async def _patch_cdc(self, ctx: Ctx) -> Any:
        held = self._pipes_of(ctx)
        body = await spec.body(ctx, "PATCH", CDC)
        scaling = DEFAULT_CDC | held.get("cdcScaling", {}) | body
        if scaling["replicaMemoryGb"] != scaling["replicaCpuMillicores"] / 1000 * 4:
            raise _fail("replicaMemoryGb must be 4x the CPU core count")
        held["cdcScaling"] = scaling
        return scaling

    # --- reverse private endpoints --------------------------------------------------------

    def _held_endpoint(self, ctx: Ctx) -> JSON:
        eid = ctx.params["reversePrivateEndpointId"]
        found: JSON | None = self._pipes_of(ctx)["endpoints"].get(eid)
        if found is None:
            raise ApiError(404, f"Reverse private endpoint {eid} not found")
        return found

    async def _list_endpoints(self, ctx: Ctx) -> Any:
        return list(self._pipes_of(ctx)["endpoints"].values())

    async def _create_endpoint(self, ctx: Ctx) -> Any:
        held = self._pipes_of(ctx)
        body = await spec.body(ctx, "POST", RPES)
        kind = body.get("type")
        if kind is None:
            raise _fail("type is required")
        for name in ENDPOINT_REQUIRES[kind]:
            if not body.get(name):
                raise _fail(f"{name} is required for type {kind}")
        eid = self._new_id("reversePrivateEndpoint")
        short = eid.replace("-", "")[:17]
        endpoint: JSON = {
            "id": eid,
            "serviceId": ctx.params["serviceId"],
            "description": body.get("description", ""),
            **{k: v for k, v in body.items() if k != "description"},
            "endpointId": f"vpce-{short}",
            "dnsNames": [f"vpce-{short}.vpce-svc.clickpipes.internal"],
            "privateDnsNames": [],
            "status": "Provisioning",
        }
        endpoint.setdefault("customPrivateDnsMappings", [])
        held["endpoints"][eid] = endpoint
        return endpoint

    async def _get_endpoint(self, ctx: Ctx) -> Any:
        return self._held_endpoint(ctx)

    async def _patch_endpoint(self, ctx: Ctx) -> Any:
        endpoint = self._held_endpoint(ctx)
        body = await spec.body(ctx, "PATCH", RPE)
        if "customPrivateDnsMappings" in body:
            endpoint["customPrivateDnsMappings"] = body["customPrivateDnsMappings"]
            endpoint["privateDnsNames"] = [
                m["privateDnsName"]
                for m in body["customPrivateDnsMappings"]
                if "privateDnsName" in m
            ]
        return endpoint

    async def _delete_endpoint(self, ctx: Ctx) -> Any:
        endpoint = self._held_endpoint(ctx)
        del self._pipes_of(ctx)["endpoints"][endpoint["id"]]
        return None
