"""Route handlers of the ClickHouse Cloud simulator for services: their lifecycle, scaling,
passwords, Prometheus metrics and private endpoints, and their backups.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from starlette.responses import PlainTextResponse

from adapters.clickhouse.sim import seed_data as sd
from adapters.clickhouse.sim.state import Ctx, OrgState, SimulatorBase, _generate
from adapters.clickhouse.sim.validation import (
    _UUID,
    JSON,
    TOTAL_PER_REPLICA_MEMORY,
    ApiError,
    _add_remove,
    _body,
    _bool,
    _enum,
    _fail,
    _ip_entries,
    _merge,
    _num,
    _scaling,
    _service_name,
    _str,
    _strings,
    _tags,
)

_HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_DOWN_STATES = ("stopped", "stopping")


def _replica_view(service: JSON) -> JSON:
    """The replicaScaling answer: the service plus per-replica memory (only there, per the docs)."""
    return service | {
        "minReplicaMemoryGb": service["minTotalMemoryGb"] // TOTAL_PER_REPLICA_MEMORY,
        "maxReplicaMemoryGb": service["maxTotalMemoryGb"] // TOTAL_PER_REPLICA_MEMORY,
    }


_SERVICE_POST_FIELDS = (
    "name",
    "provider",
    "region",
    "tier",
    "ipAccessList",
    "minTotalMemoryGb",
    "maxTotalMemoryGb",
    "numReplicas",
    "idleScaling",
    "idleTimeoutMinutes",
    "backupId",
    "tags",
    "encryptionKey",
    "encryptionAssumedRoleIdentifier",
    "privateEndpointIds",
    "privatePreviewTermsChecked",
)
_SCALING_FIELDS = (
    "minTotalMemoryGb",
    "maxTotalMemoryGb",
    "numReplicas",
    "idleScaling",
    "idleTimeoutMinutes",
)
_REPLICA_SCALING_FIELDS = (
    "minReplicaMemoryGb",
    "maxReplicaMemoryGb",
    "numReplicas",
    "idleScaling",
    "idleTimeoutMinutes",
)
_BACKUP_CONFIGURATION_FIELDS = tuple(sd.DEFAULT_BACKUP_CONFIGURATION)


class ServiceRoutes(SimulatorBase):
    """Handlers for services and their backups."""

    # --- services -------------------------------------------------------------------------

    async def _list_services(self, ctx: Ctx) -> Any:
        services = list(ctx.org.services.values())
        # the OpenAPI (2026-06): "only filtering by resource tags is supported", examples
        # tag:Environment=Production and tag:isActive (the key, any value); every filter
        # given must hold
        for expression in ctx.request.query_params.getlist("filter"):
            match = re.fullmatch(r"tag:([^=]+)(?:=(.*))?", expression)
            if not match:
                raise _fail(f"Unsupported filter '{expression}': expected tag:<key>[=<value>]")
            key, value = match[1], match[2]
            services = [
                s
                for s in services
                if key in (tags := ctx.org.service_tags.get(s["id"], {}))
                and (value is None or tags[key] == value)
            ]
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
        fields = (
            _scaling(body, tier, self._memory_defaults(tier), per_replica=False)
            | {
                "ipAccessList": _ip_entries(body.get("ipAccessList", []), "ipAccessList"),
                "privateEndpointIds": _strings(
                    body.get("privateEndpointIds", []), "privateEndpointIds"
                ),
            }
            | {
                key: _str(body.get(key), key)
                for key in ("encryptionKey", "encryptionAssumedRoleIdentifier")
            }
        )
        _bool(body.get("privatePreviewTermsChecked"), "privatePreviewTermsChecked")
        backup_id = _str(body.get("backupId"), "backupId")
        if backup_id is not None:
            self._check_restore(ctx.org, backup_id, region, tier)
        tags = _tags(body.get("tags", []), "tags")
        service = self.add_service(
            ctx.org.organization["id"],
            name,
            tags=tags,
            provider=provider,
            region=region,
            tier=tier,
            **fields,
        )
        self._begin(ctx.org, service, "provisioning")  # "started asynchronously"
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
            raise _fail(
                f"A service restored from backup {backup_id} must have the region and "
                f"tier of the original service ({source['region']}, {source['tier']})"
            )

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
            service["ipAccessList"] = _merge(
                service["ipAccessList"], ip_change, lambda e: e["source"]
            )
            self._audit(ctx, "service_update_ip_access_list", service["id"])
        if endpoint_change:
            service["privateEndpointIds"] = _merge(
                service["privateEndpointIds"], endpoint_change, lambda e: e
            )
        return service

    async def _delete_service(self, ctx: Ctx) -> Any:
        service = self._service(ctx)
        if service["state"] != "stopped":
            raise ApiError(
                409,
                f"Service {service['id']} must be stopped before it is deleted "
                f"(state: {service['state']})",
            )
        self._begin(ctx.org, service, "terminating")  # "deleted asynchronously"
        self._audit(ctx, "service_delete", service["id"])
        return None

    async def _service_private_endpoint_config(self, ctx: Ctx) -> Any:
        service = self._service(ctx)
        prefix = service["id"].replace("-", "")[:10]
        hostname = f"{prefix}.{service['region']}.vpce.{service['provider']}.clickhouse.cloud"
        return {
            "endpointServiceId": sd.endpoint_service_id(service["provider"], service["region"]),
            "privateDnsHostname": hostname,
        }

    async def _change_state(self, ctx: Ctx) -> Any:
        service = self._service(ctx, live=True)
        body = await _body(ctx.request, ("command",))
        command = _enum(body.get("command"), "command", ("start", "stop"), required=True)
        down = service["state"] in _DOWN_STATES
        # Our reading: a command for the state a service is in, or heading to, changes
        # nothing; an idle service counts as started (it wakes by itself on a query).
        if command == "start" and down:
            self._begin(ctx.org, service, "starting")  # the docs' example answer: "starting"
        elif command == "stop" and not down:
            self._begin(ctx.org, service, "stopping")
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

    async def _org_prometheus(self, ctx: Ctx) -> Any:
        """Every service's metrics in one exposition (2026-06 spec). ``filtered_metrics``
        (true or false) is accepted; our reading: the simulator's metrics are the filtered
        set either way."""
        flag = ctx.request.query_params.get("filtered_metrics")
        if flag is not None and flag not in ("true", "false"):
            raise _fail(f"filtered_metrics '{flag}' is not a boolean")
        texts = [sd.prometheus_metrics(ctx.org.organization, s) for s in ctx.org.services.values()]
        return PlainTextResponse("".join(texts))

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
            service["id"], dict(sd.DEFAULT_BACKUP_CONFIGURATION)
        )

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
