"""Route handlers of the ClickHouse Cloud simulator for a service's private endpoint
creation and its own backup bucket (the 2026-06 spec). Bodies are validated against the
spec's own schemas (``current_spec``); a bucket body is one of three provider forms
(``oneOf``), checked against the form its ``bucketProvider`` names.

Our reading where the spec is silent: a service has no bucket until one is created (404
before, 409 on a second create); the bucket's secret (a GCP HMAC secret, an Azure
connection string) is kept and never answered, as the spec's ``BackupBucket`` forms leave
it out; a new private endpoint is registered with the organization, in the service's
cloud and region, and attached to the service.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.clickhouse.sim import current_spec as spec
from adapters.clickhouse.sim.state import Ctx, SimulatorBase
from adapters.clickhouse.sim.validation import JSON, ApiError, _fail
from adapters.simulation.json_schema import SchemaViolation, validate

SVC = "/v1/organizations/{organizationId}/services/{serviceId}"
#: what a bucket answer shows of each form: the spec's ``BackupBucket`` forms
_SHOWN = {
    "AWS": ("bucketPath", "iamRoleArn", "iamRoleSessionName"),
    "GCP": ("bucketPath", "accessKeyId"),
    "AZURE": ("containerName",),
}


class BucketRoutes(SimulatorBase):
    def bucket_routes(self) -> list[tuple[str, str, Any, bool]]:
        return [
            ("POST", SVC + "/privateEndpoint", self._create_private_endpoint, False),
            ("GET", SVC + "/backupBucket", self._get_bucket, False),
            # "Requires ADMIN auth key role"
            ("POST", SVC + "/backupBucket", self._create_bucket, True),
            ("PATCH", SVC + "/backupBucket", self._patch_bucket, True),
            ("DELETE", SVC + "/backupBucket", self._delete_bucket, True),
        ]

    # --- private endpoint -----------------------------------------------------------------

    async def _create_private_endpoint(self, ctx: Ctx) -> Any:
        service = self._service(ctx, live=True)
        body = await spec.body(ctx, "POST", SVC + "/privateEndpoint")
        endpoint_id = body.get("id", "")
        if not endpoint_id.strip():
            raise _fail("id is required")
        registered = ctx.org.organization.get("privateEndpoints", [])
        if any(e.get("id") == endpoint_id for e in registered):
            raise ApiError(409, f"Private endpoint {endpoint_id} already exists")
        endpoint = {
            "id": endpoint_id,
            "description": body.get("description", ""),
            "cloudProvider": service["provider"],
            "region": service["region"],
        }
        # new lists, not appends: a seeded record's lists are the seed data's own
        ctx.org.organization["privateEndpoints"] = [*registered, endpoint]
        service["privateEndpointIds"] = [*service.get("privateEndpointIds", []), endpoint_id]
        self._audit(ctx, "service_update_private_endpoints", service["id"])
        return endpoint

    # --- backup bucket --------------------------------------------------------------------

    def _extras(self, ctx: Ctx) -> JSON:
        service = self._service(ctx)
        return ctx.org.service_extras.setdefault(service["id"], {"settings": {}})

    async def _bucket_body(self, ctx: Ctx, method: str) -> JSON:
        raw = await ctx.request.body()
        try:
            value = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise _fail("Request body is not valid JSON") from None
        if not isinstance(value, dict):
            raise _fail("request body must be an object")
        schema = spec.operation(method, SVC + "/backupBucket")["body"]
        union = spec.COMPONENTS[schema["$ref"].removeprefix("#/components/schemas/")]
        forms = [spec.COMPONENTS[f["$ref"].rsplit("/", 1)[-1]] for f in union["oneOf"]]
        provider = value.get("bucketProvider")
        form = next(
            (f for f in forms if provider in f["properties"]["bucketProvider"]["enum"]), None
        )
        if form is None:
            raise _fail("bucketProvider must be one of AWS, GCP, AZURE")
        unknown = sorted(set(value) - set(form["properties"]))
        if unknown:
            raise _fail(f"Unknown field(s) in request body: {', '.join(unknown)}")
        try:
            validate(value, schema, spec.COMPONENTS)
        except SchemaViolation as exc:
            raise _fail(str(exc)) from None
        return value

    def _shown_bucket(self, bucket: JSON) -> JSON:
        return {"id": bucket["id"], "bucketProvider": bucket["bucketProvider"]} | {
            k: bucket[k] for k in _SHOWN[bucket["bucketProvider"]] if k in bucket
        }

    async def _get_bucket(self, ctx: Ctx) -> Any:
        bucket = self._extras(ctx).get("backupBucket")
        if bucket is None:
            raise ApiError(404, "The service has no backup bucket")
        return self._shown_bucket(bucket)

    async def _create_bucket(self, ctx: Ctx) -> Any:
        extras = self._extras(ctx)
        body = await self._bucket_body(ctx, "POST")
        if extras.get("backupBucket") is not None:
            raise ApiError(409, "The service already has a backup bucket")
        needed = {
            "AWS": ("bucketPath", "iamRoleArn"),
            "GCP": ("bucketPath", "accessKeyId", "secretAccessKey"),
            "AZURE": ("containerName", "connectionString"),
        }[body["bucketProvider"]]
        missing = [f for f in needed if not body.get(f)]
        if missing:
            raise _fail(f"{', '.join(missing)} required for a {body['bucketProvider']} bucket")
        extras["backupBucket"] = {"id": self._new_id("backupBucket")} | body
        self._audit(ctx, "service_update_backup_bucket", ctx.params["serviceId"])
        return self._shown_bucket(extras["backupBucket"])

    async def _patch_bucket(self, ctx: Ctx) -> Any:
        extras = self._extras(ctx)
        body = await self._bucket_body(ctx, "PATCH")
        bucket = extras.get("backupBucket")
        if bucket is None:
            raise ApiError(404, "The service has no backup bucket")
        secrets = {"GCP": ("accessKeyId", "secretAccessKey"), "AZURE": ("connectionString",)}
        missing = [f for f in secrets.get(body["bucketProvider"], ()) if not body.get(f)]
        if missing:  # "The secrets of the specified bucket provider are always required"
            raise _fail(f"{', '.join(missing)} required")
        if body["bucketProvider"] != bucket["bucketProvider"]:
            bucket = {"id": bucket["id"]}
        extras["backupBucket"] = bucket | {k: v for k, v in body.items() if v is not None}
        self._audit(ctx, "service_update_backup_bucket", ctx.params["serviceId"])
        return self._shown_bucket(extras["backupBucket"])

    async def _delete_bucket(self, ctx: Ctx) -> Any:
        if self._extras(ctx).pop("backupBucket", None) is None:
            raise ApiError(404, "The service has no backup bucket")
        return None
