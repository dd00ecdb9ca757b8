"""ClickPipes writes -> checked request bodies (2026-06 spec), before any upstream call.

A pipe write spends the key's small rate budget and its vendor 400 names no input field,
so the spec's ranges, enums, required fields and field names are checked here. The source
object is taken as the spec's own shape (eight kinds of many fields each, credentials
among them): its kind and field names are checked, its values are the vendor's to refuse.
The tables below are transcribed from the spec; ``tests/clickhouse/test_clickpipes_spec.py``
holds them to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from adapters.clickhouse.validation import Invalid
from adapters.clickpipe_details import (
    PIPE_SETTINGS,
    DestinationWrite,
    NewReverseEndpoint,
    PipeScaling,
    PipeWrite,
    SettingValue,
)

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
DATABASE_KINDS = ("postgres", "mysql", "bigquery", "mongodb")
#: POST source fields per kind (``ClickPipePost*Source`` / ``ClickPipeMutate*Source``)
CREATE_FIELDS: Mapping[str, frozenset[str]] = {
    "kafka": frozenset(
        [
            "type",
            "format",
            "brokers",
            "topics",
            "consumerGroup",
            "authentication",
            "iamRole",
            "offset",
            "schemaRegistry",
            "caCertificate",
            "reversePrivateEndpointIds",
            "exactlyOnce",
            "credentials",
        ]
    ),
    "objectStorage": frozenset(
        [
            "type",
            "format",
            "url",
            "delimiter",
            "compression",
            "isContinuous",
            "queueUrl",
            "authentication",
            "iamRole",
            "connectionString",
            "path",
            "azureContainerName",
            "accessKey",
            "serviceAccountKey",
        ]
    ),
    "kinesis": frozenset(
        [
            "format",
            "streamName",
            "region",
            "useEnhancedFanOut",
            "iteratorType",
            "timestamp",
            "authentication",
            "iamRole",
            "accessKey",
        ]
    ),
    "pubsub": frozenset(
        [
            "format",
            "projectId",
            "topic",
            "authentication",
            "seekType",
            "seekTimestamp",
            "filter",
            "enableOrdering",
            "ackDeadline",
            "serviceAccountKey",
        ]
    ),
    "postgres": frozenset(
        [
            "type",
            "credentials",
            "host",
            "port",
            "database",
            "settings",
            "authentication",
            "iamRole",
            "tlsHost",
            "caCertificate",
            "disableTls",
            "skipCertVerification",
            "tableMappings",
        ]
    ),
    "mysql": frozenset(
        [
            "type",
            "credentials",
            "host",
            "port",
            "settings",
            "authentication",
            "iamRole",
            "tlsHost",
            "caCertificate",
            "disableTls",
            "skipCertVerification",
            "tableMappings",
        ]
    ),
    "bigquery": frozenset(["snapshotStagingPath", "settings", "tableMappings", "credentials"]),
    "mongodb": frozenset(
        [
            "credentials",
            "uri",
            "readPreference",
            "tlsHost",
            "disableTls",
            "skipCertVerification",
            "caCertificate",
            "settings",
            "tableMappings",
        ]
    ),
}
#: required POST source fields per kind, where the spec requires any
CREATE_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "pubsub": ("format", "projectId", "topic", "authentication", "seekType", "serviceAccountKey"),
    "mysql": ("host", "port", "settings", "tableMappings"),
    "mongodb": ("uri", "readPreference", "settings", "tableMappings"),
}
#: PATCH source fields per kind (``ClickPipePatch*Source``); BigQuery's cannot change
UPDATE_FIELDS: Mapping[str, frozenset[str]] = {
    "kafka": frozenset(
        ["authentication", "iamRole", "caCertificate", "reversePrivateEndpointIds", "credentials"]
    ),
    "objectStorage": frozenset(
        [
            "authentication",
            "iamRole",
            "connectionString",
            "path",
            "azureContainerName",
            "accessKey",
            "serviceAccountKey",
        ]
    ),
    "kinesis": frozenset(["authentication", "iamRole", "accessKey"]),
    "pubsub": frozenset(["authentication", "ackDeadline", "serviceAccountKey"]),
    "postgres": frozenset(
        [
            "credentials",
            "host",
            "port",
            "database",
            "tlsHost",
            "caCertificate",
            "disableTls",
            "skipCertVerification",
            "settings",
            "tableMappingsToAdd",
            "tableMappingsToRemove",
        ]
    ),
    "mysql": frozenset(
        [
            "credentials",
            "host",
            "port",
            "authentication",
            "iamRole",
            "tlsHost",
            "caCertificate",
            "disableTls",
            "skipCertVerification",
            "settings",
            "tableMappingsToAdd",
            "tableMappingsToRemove",
        ]
    ),
    "mongodb": frozenset(
        [
            "credentials",
            "uri",
            "readPreference",
            "tlsHost",
            "disableTls",
            "skipCertVerification",
            "caCertificate",
            "settings",
            "tableMappingsToAdd",
            "tableMappingsToRemove",
        ]
    ),
}
UPDATE_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "pubsub": ("authentication", "serviceAccountKey"),
    "mysql": ("host", "port"),
    "mongodb": ("uri", "readPreference"),
}
ENGINES = ("MergeTree", "ReplacingMergeTree", "SummingMergeTree", "Null")
STATE_COMMANDS = ("start", "stop", "resync")
#: ``ClickPipeScalingPatchRequest`` / ``ClickPipeScaling``
REPLICAS = (1, 40)
REPLICA_CPU_MILLICORES = (125, 2000)
REPLICA_MEMORY_GB = (0.5, 8.0)
#: ``ClickPipesCdcScalingPatchRequest``: multiples of 1000 and 4, memory 4x the cores
CDC_CPU_MILLICORES = (1000, 32000, 1000)
CDC_MEMORY_GB = (4, 128, 4)
#: type -> the fields it requires (``CreateReversePrivateEndpoint``)
ENDPOINT_TYPES: Mapping[str, tuple[str, ...]] = {
    "VPC_ENDPOINT_SERVICE": ("vpc_endpoint_service_name",),
    "VPC_RESOURCE": ("vpc_resource_configuration_id", "vpc_resource_share_arn"),
    "MSK_MULTI_VPC": ("msk_cluster_arn", "msk_authentication"),
    "GCP_PSC_SERVICE_ATTACHMENT": ("gcp_service_attachment",),
}
MSK_AUTHENTICATION = ("SASL_IAM", "SASL_SCRAM")
MAX_NAME = 255
MAX_DESCRIPTION = 255
#: our reading: a source object is a few kilobytes (a CA certificate, a key file); a bound
#: keeps a runaway input from becoming a runaway request body
MAX_SOURCE_BYTES = 256 * 1024
MAX_SOURCE_DEPTH = 8


def native_id(value: str, field: str, invalid: Invalid) -> str:
    if not UUID.fullmatch(value):
        raise invalid((field,), "must be the vendor's ID (a UUID)")
    return value


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_SOURCE_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def source_body(source: Mapping[str, Any], create: bool, invalid: Invalid) -> dict[str, Any]:
    fields = CREATE_FIELDS if create else UPDATE_FIELDS
    required = CREATE_REQUIRED if create else UPDATE_REQUIRED
    try:
        size = len(json.dumps(source))
    except (TypeError, ValueError, RecursionError):
        raise invalid(("source",), "must be a JSON object") from None
    if size > MAX_SOURCE_BYTES or _depth(source) > MAX_SOURCE_DEPTH:
        raise invalid(("source",), f"must be at most {MAX_SOURCE_BYTES} bytes, nested 8 deep")
    kinds = [k for k in source if k != "validateSamples"]
    if len(kinds) != 1 or kinds[0] not in fields:
        raise invalid(("source",), f"must set exactly one of {', '.join(fields)}")
    kind = kinds[0]
    given = source[kind]
    if not isinstance(given, dict):
        raise invalid(("source", kind), "must be an object")
    unknown = sorted(set(given) - fields[kind])
    if unknown:
        # names only: a value here may be a credential
        shown = ", ".join(name[:64] for name in unknown[:10])
        raise invalid(("source", kind), f"unknown field(s) {shown}")
    missing = [f for f in required.get(kind, ()) if given.get(f) in (None, "")]
    if missing:
        raise invalid(("source", kind), f"needs {', '.join(missing)}")
    if "validateSamples" in source and not isinstance(source["validateSamples"], bool):
        raise invalid(("source", "validateSamples"), "must be true or false")
    return dict(source)


def scaling_body(scaling: PipeScaling, invalid: Invalid, *, some: bool) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, field, value, (low, high) in (
        ("replicas", "replicas", scaling.replicas, REPLICAS),
        (
            "replicaCpuMillicores",
            "replica_cpu_millicores",
            scaling.replica_cpu_millicores,
            REPLICA_CPU_MILLICORES,
        ),
        ("replicaMemoryGb", "replica_memory_gb", scaling.replica_memory_gb, REPLICA_MEMORY_GB),
    ):
        if value is None:
            continue
        if not low <= value <= high:
            raise invalid(("scaling", field), f"must be {low} to {high}")
        body[name] = value
    if some and not body:
        raise invalid(("scaling",), "must give replicas, replicaCpuMillicores or replicaMemoryGb")
    return body


def settings_body(
    settings: Mapping[str, SettingValue], invalid: Invalid, *, some: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, value in settings.items():
        spec = PIPE_SETTINGS.get(name)
        if spec is None:
            raise invalid(("settings",), f"unknown setting {name[:64]}")
        if value is None:
            continue
        kind, low, high = spec
        if kind is bool:
            if not isinstance(value, bool):
                raise invalid(("settings", name), "must be true or false")
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise invalid(("settings", name), f"must be a whole number {low} to {high}")
        body[name] = value
    if some and not body:
        raise invalid(("settings",), "must set at least one setting")
    return body


def _text(value: str | None, field: tuple[str, ...], invalid: Invalid) -> str | None:
    if value is not None and not value.strip():
        raise invalid(field, "must not be blank")
    return value


def destination_body(d: DestinationWrite, streaming: bool, invalid: Invalid) -> dict[str, Any]:
    field = ("destination",)
    for name in ("database", "table", "partition_by", "primary_key", "version_column"):
        _text(getattr(d, name), (*field, name), invalid)
    if streaming and (not d.table or not d.columns):
        raise invalid(field, "a streaming or object storage pipe needs a table and its columns")
    body: dict[str, Any] = {}
    if d.database is not None:
        body["database"] = d.database
    if d.table is not None:
        body["table"] = d.table
    if d.managed_table is not None:
        body["managedTable"] = d.managed_table
    elif streaming:
        body["managedTable"] = True  # our reading: ClickPipes creates the table unless told
    if d.engine is not None and d.engine not in ENGINES:
        raise invalid((*field, "engine"), f"must be one of {', '.join(ENGINES)}")
    if d.version_column is not None and d.engine != "ReplacingMergeTree":
        raise invalid((*field, "version_column"), "is for the ReplacingMergeTree engine only")
    if d.sum_columns is not None and d.engine != "SummingMergeTree":
        raise invalid((*field, "sum_columns"), "is for the SummingMergeTree engine only")
    definition: dict[str, Any] = {}
    if d.engine is not None:
        engine: dict[str, Any] = {"type": d.engine}
        if d.version_column is not None:
            engine["versionColumnId"] = d.version_column
        if d.sum_columns is not None:
            engine["columnIds"] = list(d.sum_columns)
        definition["engine"] = engine
    if d.sorting_key is not None:
        definition["sortingKey"] = list(d.sorting_key)
    if d.partition_by is not None:
        definition["partitionBy"] = d.partition_by
    if d.primary_key is not None:
        definition["primaryKey"] = d.primary_key
    if definition:
        body["tableDefinition"] = definition
    if d.columns is not None:
        body["columns"] = columns(d.columns, invalid)
    if d.roles is not None:
        body["roles"] = list(d.roles)
    return body


def columns(given: tuple[tuple[str, str], ...], invalid: Invalid) -> list[dict[str, str]]:
    if any(not name.strip() or not kind.strip() for name, kind in given):
        raise invalid(("destination", "columns"), "each column needs a name and a type")
    return [{"name": name, "type": kind} for name, kind in given]


def field_mappings(given: tuple[tuple[str, str], ...], invalid: Invalid) -> list[dict[str, str]]:
    if any(not a.strip() or not b.strip() for a, b in given):
        raise invalid(("field_mappings",), "each mapping needs a source and a destination field")
    return [{"sourceField": a, "destinationField": b} for a, b in given]


def create_body(pipe: PipeWrite, invalid: Invalid) -> dict[str, Any]:
    if pipe.name is None or not pipe.name.strip() or len(pipe.name) > MAX_NAME:
        raise invalid(("name",), f"must be 1 to {MAX_NAME} characters")
    if pipe.source is None:
        raise invalid(("source",), "is required")
    source = source_body(pipe.source, True, invalid)
    streaming = not any(k in source for k in DATABASE_KINDS)
    if pipe.destination is None:
        raise invalid(("destination",), "is required")
    body: dict[str, Any] = {
        "name": pipe.name,
        "source": source,
        "destination": destination_body(pipe.destination, streaming, invalid),
    }
    if pipe.field_mappings is not None:
        body["fieldMappings"] = field_mappings(pipe.field_mappings, invalid)
    if pipe.scaling is not None:
        body["scaling"] = scaling_body(pipe.scaling, invalid, some=False)
    if pipe.settings is not None:
        body["settings"] = settings_body(pipe.settings, invalid, some=False)
    return body


def update_body(change: PipeWrite, invalid: Invalid) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if change.name is not None:
        if not change.name.strip() or len(change.name) > MAX_NAME:
            raise invalid(("name",), f"must be 1 to {MAX_NAME} characters")
        body["name"] = change.name
    if change.source is not None:
        body["source"] = source_body(change.source, False, invalid)
    if change.destination is not None:
        # the spec's PATCH changes a destination's columns only
        if change.destination.columns is None or change.destination != DestinationWrite(
            columns=change.destination.columns
        ):
            raise invalid(("destination",), "only its columns can change")
        body["destination"] = {"columns": columns(change.destination.columns, invalid)}
    if change.field_mappings is not None:
        body["fieldMappings"] = field_mappings(change.field_mappings, invalid)
    if change.scaling is not None:
        raise invalid(("scaling",), "changes with scaleClickHousePipe")
    if change.settings is not None:
        body["settings"] = settings_body(change.settings, invalid, some=False)
    if not body:
        raise invalid(("name",), "give at least one of name, source, destination, ...")
    return body


def cdc_body(cpu: int, memory: float, invalid: Invalid) -> dict[str, Any]:
    low, high, step = CDC_CPU_MILLICORES
    if not low <= cpu <= high or cpu % step:
        raise invalid(("replica_cpu_millicores",), f"must be {low} to {high}, a multiple of {step}")
    mlow, mhigh, mstep = CDC_MEMORY_GB
    if not mlow <= memory <= mhigh or memory % mstep:
        raise invalid(("replica_memory_gb",), f"must be {mlow} to {mhigh}, a multiple of {mstep}")
    if memory != cpu / 1000 * 4:
        raise invalid(("replica_memory_gb",), "must be 4 GiB per CPU core")
    return {"replicaCpuMillicores": cpu, "replicaMemoryGb": memory}


def dns_mappings(names: tuple[str, ...], invalid: Invalid) -> list[dict[str, str]]:
    if any(not n.strip() or len(n) > 253 for n in names):
        raise invalid(("custom_private_dns_names",), "must be DNS names")
    return [{"privateDnsName": n} for n in names]


def endpoint_body(e: NewReverseEndpoint, invalid: Invalid) -> dict[str, Any]:
    required = ENDPOINT_TYPES.get(e.type)
    if required is None:
        raise invalid(("type",), f"must be one of {', '.join(ENDPOINT_TYPES)}")
    if e.description is not None and len(e.description) > MAX_DESCRIPTION:
        raise invalid(("description",), f"must be at most {MAX_DESCRIPTION} characters")
    for name in required:
        value = getattr(e, name)
        if value is None or not value.strip():
            raise invalid((name,), f"is required for type {e.type}")
    if e.msk_authentication is not None and e.msk_authentication not in MSK_AUTHENTICATION:
        raise invalid(("msk_authentication",), f"must be one of {', '.join(MSK_AUTHENTICATION)}")
    body: dict[str, Any] = {"type": e.type}
    for name, key in (
        ("description", "description"),
        ("vpc_endpoint_service_name", "vpcEndpointServiceName"),
        ("vpc_resource_configuration_id", "vpcResourceConfigurationId"),
        ("vpc_resource_share_arn", "vpcResourceShareArn"),
        ("msk_cluster_arn", "mskClusterArn"),
        ("msk_authentication", "mskAuthentication"),
        ("gcp_service_attachment", "gcpServiceAttachment"),
    ):
        value = getattr(e, name)
        if value is not None:
            body[key] = value
    if e.custom_private_dns_names is not None:
        body["customPrivateDnsMappings"] = dns_mappings(e.custom_private_dns_names, invalid)
    return body
