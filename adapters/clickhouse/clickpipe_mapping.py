"""ClickPipes answers (2026-06 spec) -> ``adapters.clickpipe_details``, redacted first.

The spec answers a pipe's source without its credentials, but a vendor (or a proxy) that
echoes what it was sent would hand them to every reader and to ``raw``: so the whole answer
is redacted before anything is read from it. The shared ``redact`` goes by field name;
``credentials`` (an object of them) and ``serviceAccountKey`` (a GCP key file) are secret
names only a pipe uses, so they are blanked here first. Wrong shapes read as null, never
as an error: one odd pipe must not hide the others.
"""

from __future__ import annotations

from typing import Any

from adapters.clickpipe_details import (
    PIPE_SETTINGS,
    CdcScaling,
    ClickPipe,
    PipeColumn,
    PipeDestination,
    PipeFieldMapping,
    PipeScaling,
    PipeSource,
    PipeTableMapping,
    ReversePrivateEndpoint,
    SettingValue,
)
from adapters.coerce import as_bool, as_float, as_int, as_str
from adapters.timeparse import parse_datetime
from adapters.upstream.redact import MAX_DEPTH, REDACTED, TOO_DEEP, redact

SOURCE_KINDS = (
    "kafka",
    "objectStorage",
    "kinesis",
    "pubsub",
    "postgres",
    "mysql",
    "bigquery",
    "mongodb",
)
_PIPE_SECRETS = frozenset({"credentials", "serviceaccountkey"})
#: the field each source kind names its place by
_LOCATION = {
    "kafka": "brokers",
    "objectStorage": "url",
    "kinesis": "streamName",
    "pubsub": "topic",
    "postgres": "host",
    "mysql": "host",
    "bigquery": "snapshotStagingPath",
    "mongodb": "uri",
}


def redact_pipe(value: Any, depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        return TOO_DEEP
    if isinstance(value, dict):
        return redact(
            {
                k: REDACTED
                if str(k).lower() in _PIPE_SECRETS and v not in (None, "")
                else redact_pipe(v, depth + 1)
                for k, v in value.items()
            }
        )
    if isinstance(value, list):
        return [redact_pipe(v, depth + 1) for v in value]
    return value


def _strings_in(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_strings_in(v) for v in value))
    return set()


def secrets_in(sent: Any, depth: int = 0) -> set[str]:
    """The secret values of a request body: whatever ``redact_pipe`` would replace."""
    return _secrets(sent, redact_pipe(sent), depth)


def _secrets(sent: Any, shown: Any, depth: int) -> set[str]:
    if depth > MAX_DEPTH or sent == shown:
        return set()
    if isinstance(sent, dict) and isinstance(shown, dict):
        return set().union(*(_secrets(v, shown.get(k), depth + 1) for k, v in sent.items()))
    if isinstance(sent, list) and isinstance(shown, list):
        return set().union(*(_secrets(a, b, depth + 1) for a, b in zip(sent, shown, strict=False)))
    # our reading: a value shorter than 4 characters is no secret worth blanking words for
    return {s for s in _strings_in(sent) if len(s) >= 4}


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _objects(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def scaling(body: Any) -> PipeScaling:
    body = _obj(body)
    return PipeScaling(
        replicas=as_int(body.get("replicas")),
        concurrency=as_int(body.get("concurrency")),
        replica_cpu_millicores=as_int(body.get("replicaCpuMillicores")),
        replica_memory_gb=as_float(body.get("replicaMemoryGb")),
    )


def settings(body: Any) -> dict[str, SettingValue]:
    body = _obj(body)
    found: dict[str, SettingValue] = {}
    for name, (kind, _, _) in PIPE_SETTINGS.items():
        value = body.get(name)
        found[name] = as_bool(value) if kind is bool else as_int(value)
    return found


def _table_mapping(m: dict[str, Any]) -> PipeTableMapping:
    return PipeTableMapping(
        source_schema=as_str(
            m.get("sourceSchemaName") or m.get("sourceDatasetName") or m.get("sourceDatabaseName")
        ),
        source_table=as_str(m.get("sourceTable") or m.get("sourceCollection")),
        target_table=as_str(m.get("targetTable")),
        excluded_columns=_strings(m.get("excludedColumns")),
        table_engine=as_str(m.get("tableEngine")),
    )


def source(body: Any) -> PipeSource | None:
    body = _obj(body)
    kind = next((k for k in SOURCE_KINDS if isinstance(body.get(k), dict)), None)
    if kind is None:
        return None
    s: dict[str, Any] = body[kind]
    return PipeSource(
        kind=kind,
        type=as_str(s.get("type")),
        format=as_str(s.get("format")),
        authentication=as_str(s.get("authentication")),
        iam_role=as_str(s.get("iamRole")),
        location=as_str(s.get(_LOCATION[kind])),
        topics=as_str(s.get("topics")),
        region=as_str(s.get("region")),
        project_id=as_str(s.get("projectId")),
        port=as_int(s.get("port")),
        database=as_str(s.get("database")),
        table_mappings=tuple(_table_mapping(m) for m in _objects(s.get("tableMappings"))),
        reverse_private_endpoint_ids=_strings(s.get("reversePrivateEndpointIds")),
        details=s,
    )


def destination(body: Any) -> PipeDestination | None:
    if not isinstance(body, dict):
        return None
    definition = _obj(body.get("tableDefinition"))
    return PipeDestination(
        database=as_str(body.get("database")),
        table=as_str(body.get("table")),
        managed_table=as_bool(body.get("managedTable")),
        engine=as_str(_obj(definition.get("engine")).get("type")),
        sorting_key=_strings(definition.get("sortingKey")),
        partition_by=as_str(definition.get("partitionBy")),
        primary_key=as_str(definition.get("primaryKey")),
        columns=tuple(
            PipeColumn(as_str(c.get("name")), as_str(c.get("type")))
            for c in _objects(body.get("columns"))
        ),
    )


def pipe(answer: Any) -> ClickPipe | None:
    """A pipe from the vendor's answer; None where it has no ID (nothing could name it)."""
    body = redact_pipe(_obj(answer))
    native_id = as_str(body.get("id"))
    if not native_id:
        return None
    return ClickPipe(
        native_id=native_id,
        service_id=as_str(body.get("serviceId")),
        name=as_str(body.get("name")),
        state=as_str(body.get("state")),
        scaling=scaling(body["scaling"]) if isinstance(body.get("scaling"), dict) else None,
        source=source(body.get("source")),
        destination=destination(body.get("destination")),
        field_mappings=tuple(
            PipeFieldMapping(as_str(m.get("sourceField")), as_str(m.get("destinationField")))
            for m in _objects(body.get("fieldMappings"))
        ),
        settings=settings(body["settings"]) if isinstance(body.get("settings"), dict) else None,
        created_at=parse_datetime(body.get("createdAt")),
        updated_at=parse_datetime(body.get("updatedAt")),
        raw=body,
    )


def cdc_scaling(answer: Any) -> CdcScaling:
    body = _obj(answer)
    return CdcScaling(
        replica_cpu_millicores=as_int(body.get("replicaCpuMillicores")),
        replica_memory_gb=as_float(body.get("replicaMemoryGb")),
    )


def reverse_endpoint(answer: Any) -> ReversePrivateEndpoint | None:
    body = _obj(answer)
    native_id = as_str(body.get("id"))
    if not native_id:
        return None
    return ReversePrivateEndpoint(
        native_id=native_id,
        service_id=as_str(body.get("serviceId")),
        description=as_str(body.get("description")),
        type=as_str(body.get("type")),
        status=as_str(body.get("status")),
        endpoint_id=as_str(body.get("endpointId")),
        vpc_endpoint_service_name=as_str(body.get("vpcEndpointServiceName")),
        vpc_resource_configuration_id=as_str(body.get("vpcResourceConfigurationId")),
        vpc_resource_share_arn=as_str(body.get("vpcResourceShareArn")),
        msk_cluster_arn=as_str(body.get("mskClusterArn")),
        msk_authentication=as_str(body.get("mskAuthentication")),
        gcp_service_attachment=as_str(body.get("gcpServiceAttachment")),
        dns_names=_strings(body.get("dnsNames")),
        private_dns_names=_strings(body.get("privateDnsNames")),
        custom_private_dns_names=tuple(
            n
            for n in (
                as_str(m.get("privateDnsName"))
                for m in _objects(body.get("customPrivateDnsMappings"))
            )
            if n
        ),
    )
