"""Injection strings and Unicode edge cases in every string argument get a clear answer.

Every String and DateTime argument and input field of the schema (a test checks the list is
complete) is given each hostile string (SQL, template, format strings, JSON in a string,
CRLF, NUL, RTL override, zero-width, a lone surrogate, 5000 characters) in an otherwise
valid request. The gateway may accept the value (a vendor may allow any name) or refuse it,
but always with data or coded errors, never INTERNAL, and the upstream requests stay on the
vendor's documented paths. IDs are covered by ``test_url_safety_ids.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, GraphQLScalarType, get_named_type

from schema.build import build_schema
from schema.ids import GlobalId, encode_id
from tests.gateway_client import GatewayClient, post_ascii
from tests.hostile_values import INJECTIONS, PATH_ATTACKS, UNICODE
from tests.upstream_paths import malformed
from tests.url_safety import forget, real_ids, upstream

VALUES = [
    *INJECTIONS.values(),
    *UNICODE.values(),
    *(PATH_ATTACKS[k] for k in ("crlf", "nul", "traversal", "very-long", "query")),
]
CH, FB, AS, DB = "clickhouse", "featurebase", "astra", "dbaas"
GKE = "c1a50000-0000-4000-8000-000000000001"

Real = Callable[[str], str]

#: (label, vendor, document, variables with {value} at the paths, paths, covers)
#: a path is dotted into the variables; ``covers`` names (type, field) it exercises
QUERIES: list[tuple[str, str, str, list[str], set[tuple[str, str]]]] = [
    (
        "organizations-connection",
        "query($v: String) { organizations(connection: $v) { id } }",
        CH,
        ["v"],
        {("Query", "organizations.connection")},
    ),
    (
        "databases-after-and-filter",
        "query($v: String, $f: DatabaseFilter) { databases(after: $v, filter: $f) { totalCount } }",
        CH,
        ["v", "f.connection", "f.nameContains"],
        {
            ("Query", "databases.after"),
            ("DatabaseFilter", "connection"),
            ("DatabaseFilter", "nameContains"),
        },
    ),
    (
        "organization-children",
        "query($v: String, $d: DateTime) { organizations { databases(after: $v) { totalCount }"
        " activities(from: $d, to: $d) { id } } }",
        CH,
        ["v", "d"],
        {
            ("Organization", "databases.after"),
            ("Organization", "activities.from"),
            ("Organization", "activities.to"),
        },
    ),
    (
        "organizations-page",
        "query($v: String) { organizationsConnection(connection: $v, after: $v) { totalCount } }",
        CH,
        ["v"],
        {
            ("Query", "organizationsConnection.connection"),
            ("Query", "organizationsConnection.after"),
        },
    ),
    (
        "pages-before",
        "query($v: String) { organizationsConnection(before: $v) { totalCount }"
        " databases(before: $v) { totalCount } }",
        CH,
        ["v"],
        {("Query", "organizationsConnection.before"), ("Query", "databases.before")},
    ),
    (
        "database-filter-pushed-to-clickhouse",
        "query($f: DatabaseFilter) { databases(filter: $f) { totalCount } }",
        CH,
        ["f.name", "f.project", "f.environment", "f.tags.0.key", "f.tags.0.value"],
        {
            ("DatabaseFilter", "name"),
            ("DatabaseFilter", "project"),
            ("DatabaseFilter", "environment"),
            ("TagFilter", "key"),
            ("TagFilter", "value"),
        },
    ),
    (
        "database-filter-pushed-to-astra",
        "query($f: DatabaseFilter) { databases(filter: $f) { totalCount } }",
        AS,
        ["f.name"],
        {("DatabaseFilter", "name")},
    ),
    (
        "featurebase-pages",
        "query($v: String) { organizationsConnection { nodes {"
        " membersConnection(after: $v) { totalCount }"
        " m: membersConnection(before: $v) { totalCount }"
        " apiKeysConnection(after: $v) { totalCount }"
        " k: apiKeysConnection(before: $v) { totalCount }"
        " invitationsConnection(after: $v) { totalCount }"
        " i: invitationsConnection(before: $v) { totalCount }"
        " plansConnection(after: $v) { totalCount } p: plansConnection(before: $v) { totalCount }"
        " databases(first: 2, before: $v) { nodes { backupsConnection(after: $v) { totalCount }"
        " b: backupsConnection(before: $v) { totalCount } } }"
        " featurebase { rolesConnection(after: $v) { totalCount }"
        " r: rolesConnection(before: $v) { totalCount } } } } }",
        FB,
        ["v"],
        {
            (type_name, f"{field}.{arg}")
            for type_name, field in (
                ("Organization", "membersConnection"),
                ("Organization", "apiKeysConnection"),
                ("Organization", "invitationsConnection"),
                ("Organization", "plansConnection"),
                ("Database", "backupsConnection"),
                ("FeatureBaseOrganization", "rolesConnection"),
            )
            for arg in ("after", "before")
        }
        | {("Organization", "databases.before")},
    ),
    (
        "astra-pages",
        "query($v: String) { organizationsConnection { nodes {"
        " featureFlagsConnection(after: $v) { totalCount }"
        " f: featureFlagsConnection(before: $v) { totalCount } } } }",
        AS,
        ["v"],
        {
            ("Organization", "featureFlagsConnection.after"),
            ("Organization", "featureFlagsConnection.before"),
        },
    ),
    (
        "clickhouse-activity-pages",
        "query($v: String, $d: DateTime) { organizationsConnection { nodes {"
        " activitiesConnection(from: $d, to: $d, after: $v) { totalCount }"
        " a: activitiesConnection(before: $v) { totalCount } } } }",
        CH,
        ["v", "d"],
        {
            ("Organization", "activitiesConnection.from"),
            ("Organization", "activitiesConnection.to"),
            ("Organization", "activitiesConnection.after"),
            ("Organization", "activitiesConnection.before"),
        },
    ),
    (
        "dbaas-credential-pages",
        "query($v: String) { databases(first: 2) { nodes {"
        " credentialsConnection(after: $v) { totalCount }"
        " c: credentialsConnection(before: $v) { totalCount } } } }",
        DB,
        ["v"],
        {("Database", "credentialsConnection.after"), ("Database", "credentialsConnection.before")},
    ),
    (
        "private-endpoint-config",
        'query($p: String!, $r: String!) { organizations(connection: "clickhouse-acme") {'
        " clickhouse { privateEndpointConfig(cloudProvider: $p, region: $r) { endpointServiceId }"
        " } } }",
        CH,
        ["p", "r"],
        {
            ("ClickHouseOrganization", "privateEndpointConfig.cloudProvider"),
            ("ClickHouseOrganization", "privateEndpointConfig.region"),
        },
    ),
]

#: the variables a query case starts from, where it needs some besides the hostile one
BASELINES: dict[str, dict[str, Any]] = {
    "private-endpoint-config": {"p": "aws", "r": "us-east-1"},
    "database-filter-pushed-to-clickhouse": {"f": {"tags": [{"key": "Environment"}]}},
}
_POSTGRES = (
    '{ databases(first: 50, filter: { nameContains: "Acme Orders" }) { nodes {'
    " clickhousePostgres { %s } } } }"
)
QUERIES += [
    (
        "clickhouse-pipes",
        'query($v: String) { databases(first: 50, filter: { nameContains: "Acme Production" })'
        " { nodes { clickhouse { clickPipes(after: $v) { totalCount }"
        " b: clickPipes(before: $v) { totalCount } clickPipe(pipeId: $v) { name }"
        " reversePrivateEndpoint(endpointId: $v) { nativeId } } } } }",
        CH,
        ["v"],
        {
            ("ClickHouseDatabase", "clickPipes.after"),
            ("ClickHouseDatabase", "clickPipes.before"),
            ("ClickHouseDatabase", "clickPipe.pipeId"),
            ("ClickHouseDatabase", "reversePrivateEndpoint.endpointId"),
        },
    ),
    (
        "postgres-metrics-window",
        "query($d: DateTime!) " + _POSTGRES % "metrics(from: $d, to: $d) { key }",
        CH,
        ["d"],
        {("ClickHousePostgres", "metrics.from"), ("ClickHousePostgres", "metrics.to")},
    ),
    (
        "postgres-slow-queries",
        "query($v: String, $d: DateTime!) "
        + _POSTGRES
        % (
            'slowQueries(from: $d, to: "2026-11-02T00:00:00Z", dbName: $v, dbUser: $v,'
            " dbOperation: $v, app: $v) { queryId }"
        ),
        CH,
        ["v", "d"],
        {
            ("ClickHousePostgres", f"slowQueries.{a}")
            for a in ("from", "to", "dbName", "dbUser", "dbOperation", "app")
        },
    ),
    (
        "featurebase-role-and-metrics",
        "query($v: String!) { organizations { featurebase { role(name: $v) { name } }"
        " databases(first: 3) { nodes { featurebase { metrics(names: [$v]) { truncated } } } } } }",
        FB,
        ["v"],
        {("FeatureBaseOrganization", "role.name"), ("FeatureBaseDatabase", "metrics.names")},
    ),
    (
        "astra-credential-and-role-binding",
        "query($v: String!) { organizations { astra { credential(nativeId: $v) { name }"
        " roleBinding(nativeId: $v) { role } } } }",
        AS,
        ["v"],
        {
            ("AstraOrganization", "credential.nativeId"),
            ("AstraOrganization", "roleBinding.nativeId"),
        },
    ),
    (
        "usage-cost-tags",
        'query($v: String!) { organizations(connection: "clickhouse-acme") {'
        ' usageCost(from: "2026-11-01", to: "2026-11-02",'
        " filter: { tags: [{ key: $v, value: $v }] }) { grandTotal } } }",
        CH,
        ["v"],
        {("TagFilterInput", "key"), ("TagFilterInput", "value")},
    ),
]

#: (mutation, input type, vendor, baseline input, string paths in it)
MUTATIONS: list[tuple[str, str, str, Callable[[Real], dict[str, Any]], list[str]]] = [
    (
        "createDatabase",
        "CreateDatabaseInput",
        CH,
        lambda real: {
            "organizationId": real("Organization"),
            "name": "x",
            "clickhouse": {
                "provider": "aws",
                "region": "us-east-1",
                "tier": "development",
                "ipAccessList": [{"source": "10.0.0.0/8", "description": "office"}],
            },
        },
        [
            "name",
            "idempotencyKey",
            "clickhouse.provider",
            "clickhouse.region",
            "clickhouse.tier",
            "clickhouse.ipAccessList.0.source",
            "clickhouse.ipAccessList.0.description",
        ],
    ),
    (
        "createDatabase",
        "CreateDatabaseInput",
        AS,
        lambda real: {
            "organizationId": real("Organization"),
            "name": "x",
            "astra": {"clusterId": GKE, "namespace": "ns"},
        },
        ["astra.clusterId", "astra.namespace"],
    ),
    (
        "createDatabase",
        "CreateDatabaseInput",
        DB,
        lambda real: {
            "organizationId": real("Organization"),
            "name": "x",
            "dbaas": {"planId": encode_id("Plan", "dbaas", ("1",)), "environment": "1"},
        },
        ["dbaas.environment", "dbaas.project"],
    ),
    (
        "createDatabase",
        "CreateDatabaseInput",
        FB,
        lambda real: {
            "organizationId": real("Organization"),
            "name": "x",
            "featurebase": {"shape": "8GB"},
        },
        ["featurebase.shape"],
    ),
    (
        "updateDatabase",
        "UpdateDatabaseInput",
        CH,
        lambda real: {"id": real("Database"), "name": "renamed"},
        ["name"],
    ),
    (
        "createDatabase",
        "CreateDatabaseInput",
        CH,
        lambda real: {
            "organizationId": real("Organization"),
            "name": "x",
            "clickhouse": {
                "region": "us-east-1",
                "postgres": {"size": "m6gd.large", "restoreTo": "2026-01-01T00:00:00Z"},
            },
        },
        [
            "clickhouse.postgres.size",
            "clickhouse.postgres.postgresVersion",
            "clickhouse.postgres.haType",
            "clickhouse.postgres.restoreTo",
        ],
    ),
    (
        "updateDatabase",
        "UpdateDatabaseInput",
        CH,
        lambda real: {"id": real("Database"), "clickhouse": {"postgres": {"size": "m6gd.large"}}},
        ["clickhouse.postgres.size", "clickhouse.postgres.haType"],
    ),
    (
        "writeClickHouseRole",
        "ClickHouseRoleInput",
        CH,
        lambda real: {
            "organizationId": real("Organization"),
            "name": "r",
            "policies": [{"allow": True, "permissions": ["p"], "resources": ["instance/*"]}],
        },
        ["name", "roleId", "policies.0.permissions.0", "policies.0.resources.0"],
    ),
    (
        "createFeatureBaseRole",
        "FeatureBaseRoleInput",
        FB,
        lambda real: {"organizationId": real("Organization"), "name": "r", "acl": ["A:*"]},
        ["name", "acl.0"],
    ),
    (
        "deleteFeatureBaseRole",
        "DeleteFeatureBaseRoleInput",
        FB,
        lambda real: {"organizationId": real("Organization"), "name": "r"},
        ["name"],
    ),
    (
        "createFeatureBaseUser",
        "CreateFeatureBaseUserInput",
        FB,
        lambda real: {"organizationId": real("Organization"), "firstName": "a", "lastName": "b"},
        ["firstName", "lastName"],
    ),
    (
        "updateFeatureBaseUser",
        "UpdateFeatureBaseUserInput",
        FB,
        lambda real: {"id": real("Member"), "firstName": "a", "acl": ["A:*"], "status": "Active"},
        ["firstName", "lastName", "acl.0", "status"],
    ),
    (
        "updateAstraUser",
        "UpdateAstraUserInput",
        AS,
        lambda real: {"id": real("Member"), "firstName": "a"},
        ["firstName", "lastName"],
    ),
    (
        "deleteAstraRoleBinding",
        "DeleteAstraRoleBindingInput",
        AS,
        lambda real: {"organizationId": real("Organization"), "bindingId": "x"},
        ["bindingId"],
    ),
    (
        "createAstraCredential",
        "CreateAstraCredentialInput",
        AS,
        lambda real: {
            "organizationId": real("Organization"),
            "name": "n",
            "keyType": "kubeconfig",
            "keyStore": [{"name": "base64", "value": "YQ=="}],
        },
        ["name", "keyType", "keyStore.0.name", "keyStore.0.value"],
    ),
    (
        "createDBaaSCredential",
        "CreateDBaaSCredentialInput",
        DB,
        lambda real: {"databaseId": real("Database"), "user": "u_x"},
        ["user"],
    ),
    (
        "writeDBaaSProject",
        "DBaaSProjectInput",
        DB,
        lambda real: {"organizationId": real("Organization"), "projectId": "1", "name": "p"},
        ["projectId", "name"],
    ),
    (
        "assignClickHouseRoles",
        "AssignClickHouseRolesInput",
        CH,
        lambda real: {"id": real("Member"), "roleIds": ["x"]},
        ["roleIds.0"],
    ),
    (
        "deleteClickHouseRole",
        "DeleteClickHouseRoleInput",
        CH,
        lambda real: {"organizationId": real("Organization"), "roleId": "x"},
        ["roleId"],
    ),
    (
        "resetClickHouseSetting",
        "ResetClickHouseSettingInput",
        CH,
        lambda real: {"id": real("Database"), "name": "max_threads"},
        ["name"],
    ),
    (
        "setClickHouseQueryEndpoint",
        "SetClickHouseQueryEndpointInput",
        CH,
        lambda real: {"id": real("Database"), "apiKeyIds": [], "roles": ["sql_console_admin"]},
        ["allowedOrigins", "roles.0"],
    ),
    (
        "createClickHousePipe",
        "CreateClickHousePipeInput",
        CH,
        lambda real: {
            "id": real("Database"),
            "name": "p",
            "source": {"kafka": {"brokers": "b:9092", "topics": "t", "format": "JSONEachRow"}},
            "destination": {
                "database": "default",
                "table": "t",
                "engine": "ReplacingMergeTree",
                "versionColumn": "v",
                "sortingKey": ["id"],
                "partitionBy": "id",
                "primaryKey": "id",
                "roles": ["r"],
                "columns": [{"name": "id", "type": "String"}],
            },
            "fieldMappings": [{"sourceField": "id", "destinationField": "id"}],
        },
        [
            "name",
            "idempotencyKey",
            "destination.database",
            "destination.table",
            "destination.engine",
            "destination.versionColumn",
            "destination.sortingKey.0",
            "destination.partitionBy",
            "destination.primaryKey",
            "destination.roles.0",
            "destination.columns.0.name",
            "destination.columns.0.type",
            "fieldMappings.0.sourceField",
            "fieldMappings.0.destinationField",
        ],
    ),
    (
        "createClickHousePipe",
        "CreateClickHousePipeInput",
        CH,
        lambda real: {
            "id": real("Database"),
            "name": "s",
            "source": {"kafka": {"brokers": "b:9092", "topics": "t", "format": "JSONEachRow"}},
            "destination": {
                "database": "default",
                "table": "t",
                "engine": "SummingMergeTree",
                "sumColumns": ["n"],
                "columns": [{"name": "n", "type": "UInt64"}],
            },
        },
        ["destination.sumColumns.0"],
    ),
    (
        "updateClickHousePipe",
        "UpdateClickHousePipeInput",
        CH,
        lambda real: {
            "id": real("Database"),
            "pipeId": "00000000-0000-4000-8000-000000000000",
            "name": "n",
            "destinationColumns": [{"name": "id", "type": "String"}],
        },
        ["pipeId", "name", "destinationColumns.0.name", "destinationColumns.0.type"],
    ),
    (
        "deleteClickHousePipe",
        "ClickHousePipeRefInput",
        CH,
        lambda real: {"id": real("Database"), "pipeId": "p"},
        ["pipeId"],
    ),
    (
        "setClickHousePipeSettings",
        "SetClickHousePipeSettingsInput",
        CH,
        lambda real: {
            "id": real("Database"),
            "pipeId": "p",
            "settings": {"clickhouseMaxThreads": 1},
        },
        ["pipeId"],
    ),
    (
        "scaleClickHousePipe",
        "ScaleClickHousePipeInput",
        CH,
        lambda real: {"id": real("Database"), "pipeId": "p", "scaling": {"replicas": 1}},
        ["pipeId"],
    ),
    (
        "changeClickHousePipeState",
        "ChangeClickHousePipeStateInput",
        CH,
        lambda real: {"id": real("Database"), "pipeId": "p", "command": "START"},
        ["pipeId"],
    ),
    (
        "createClickHouseReversePrivateEndpoint",
        "CreateClickHouseReversePrivateEndpointInput",
        CH,
        lambda real: {
            "id": real("Database"),
            "type": "VPC_RESOURCE",
            "description": "d",
            "vpcEndpointServiceName": "s",
            "vpcResourceConfigurationId": "c",
            "vpcResourceShareArn": "a",
            "mskClusterArn": "m",
            "mskAuthentication": "SASL_IAM",
            "gcpServiceAttachment": "g",
            "customPrivateDnsNames": ["n.internal"],
        },
        [
            "type",
            "description",
            "vpcEndpointServiceName",
            "vpcResourceConfigurationId",
            "vpcResourceShareArn",
            "mskClusterArn",
            "mskAuthentication",
            "gcpServiceAttachment",
            "customPrivateDnsNames.0",
        ],
    ),
    (
        "updateClickHouseReversePrivateEndpoint",
        "UpdateClickHouseReversePrivateEndpointInput",
        CH,
        lambda real: {"id": real("Database"), "endpointId": "e", "customPrivateDnsNames": ["n"]},
        ["endpointId", "customPrivateDnsNames.0"],
    ),
    (
        "deleteClickHouseReversePrivateEndpoint",
        "ClickHouseReversePrivateEndpointRefInput",
        CH,
        lambda real: {"id": real("Database"), "endpointId": "e"},
        ["endpointId"],
    ),
    (
        "updateDatabase",
        "UpdateDatabaseInput",
        DB,
        lambda real: {"id": real("Database"), "dbaas": {"project": "1"}},
        ["dbaas.project"],
    ),
    (
        "createApiKey",
        "CreateApiKeyInput",
        CH,
        lambda real: {
            "organizationId": real("Organization"),
            "name": "ci",
            "role": "ADMIN",
            "expiresAt": "2030-01-01T00:00:00Z",
        },
        ["name", "expiresAt", "idempotencyKey"],
    ),
    (
        "updateApiKey",
        "UpdateApiKeyInput",
        CH,
        lambda real: {"id": real("ApiKey"), "name": "n", "expiresAt": "2030-01-01T00:00:00Z"},
        ["name", "expiresAt"],
    ),
    (
        "inviteMember",
        "InviteMemberInput",
        CH,
        lambda real: {
            "organizationId": real("Organization"),
            "email": "new@example.com",
            "role": "MEMBER",
        },
        ["email", "idempotencyKey"],
    ),
    (
        "updateOrganization",
        "UpdateOrganizationInput",
        CH,
        lambda real: {"id": real("Organization"), "name": "n"},
        ["name"],
    ),
    (
        "createBackup",
        "CreateBackupInput",
        AS,
        lambda real: {"databaseId": real("Database"), "name": "b"},
        ["name", "idempotencyKey"],
    ),
    (
        "updateBackupConfiguration",
        "UpdateBackupConfigurationInput",
        CH,
        lambda real: {"databaseId": real("Database"), "startTime": "03:00"},
        ["startTime"],
    ),
]

# ClickHouse's 2026-06 reads and writes of issue 21 items 4 and 6 (adapters.clickhouse_ops)
_PRODUCTION = (
    '{ databases(first: 50, filter: { nameContains: "Acme Production" }) { nodes {'
    " clickhouse { %s } } } }"
)
QUERIES += [
    (
        "clickhouse-one-setting",
        "query($v: String!) " + _PRODUCTION % "clickhouseSetting(name: $v) { value }",
        CH,
        ["v"],
        {("ClickHouseDatabase", "clickhouseSetting.name")},
    ),
    (
        "clickhouse-role-by-id",
        'query($v: String!) { organizations(connection: "clickhouse-acme") {'
        " clickhouse { role(nativeId: $v) { name } } } }",
        CH,
        ["v"],
        {("ClickHouseOrganization", "role.nativeId")},
    ),
    (
        "postgres-slow-query",
        "query($v: String!, $d: DateTime) "
        + _POSTGRES
        % (
            "slowQuery(queryId: $v, dbName: $v, dbUser: $v, dbOperation: $v, app: $v, at: $d)"
            " { aggregate { queryId } }"
        ),
        CH,
        ["v", "d"],
        {
            ("ClickHousePostgres", f"slowQuery.{a}")
            for a in ("queryId", "dbName", "dbUser", "dbOperation", "app", "at")
        },
    ),
]
BASELINES["postgres-slow-query"] = {"v": "x"}
_GCP_BUCKET = {"bucketPath": "gs://b", "accessKeyId": "k", "secretAccessKey": "s"}
_BYOC = {
    "region": "eu-west-1",
    "accountId": "1",
    "availabilityZoneSuffixes": ["a"],
    "vpcCidrRange": "10.0.0.0/16",
    "displayName": "B",
}
_BYOC_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
MUTATIONS += [
    (
        "createClickHousePrivateEndpoint",
        "CreateClickHousePrivateEndpointInput",
        CH,
        lambda real: {"id": real("Database"), "endpointId": "vpce-1"},
        ["endpointId", "description"],
    ),
    (
        "createClickHouseBackupBucket",
        "ClickHouseBackupBucketInput",
        CH,
        lambda real: {"id": real("Database"), "gcp": _GCP_BUCKET},
        ["gcp.bucketPath", "gcp.accessKeyId", "gcp.secretAccessKey"],
    ),
    (
        "updateClickHouseBackupBucket",
        "ClickHouseBackupBucketInput",
        CH,
        lambda real: {"id": real("Database"), "aws": {"bucketPath": "s3://b"}},
        ["aws.bucketPath", "aws.iamRoleArn", "aws.iamRoleSessionName"],
    ),
    (
        "createClickHouseBackupBucket",
        "ClickHouseBackupBucketInput",
        FB,  # another vendor's database: NOT_SUPPORTED whatever the strings
        lambda real: {"id": real("Database"), "azure": {"connectionString": "c"}},
        ["azure.containerName", "azure.connectionString"],
    ),
    (
        "setClickHouseScalingSchedule",
        "SetClickHouseScalingScheduleInput",
        CH,
        lambda real: {
            "id": real("Database"),
            "windows": [{"name": "n", "weekdays": [1], "startHourUtc": 1, "endHourUtc": 2}],
        },
        ["windows.0.name"],
    ),
    (
        "createClickHouseByocInfrastructure",
        "CreateClickHouseByocInfrastructureInput",
        CH,
        lambda real: {"organizationId": real("Organization"), **_BYOC},
        [
            "region",
            "accountId",
            "availabilityZoneSuffixes.0",
            "vpcCidrRange",
            "displayName",
        ],
    ),
    (
        "renameClickHouseByocInfrastructure",
        "RenameClickHouseByocInfrastructureInput",
        CH,
        lambda real: {
            "organizationId": real("Organization"),
            "byocInfrastructureId": _BYOC_ID,
            "displayName": "n",
        },
        ["byocInfrastructureId", "displayName"],
    ),
    (
        "deleteClickHouseByocInfrastructure",
        "DeleteClickHouseByocInfrastructureInput",
        CH,
        lambda real: {"organizationId": real("Organization"), "byocInfrastructureId": _BYOC_ID},
        ["byocInfrastructureId"],
    ),
]

_STACK = (
    'query($v: String) { databases(first: 50, filter: { nameContains: "Acme Production" })'
    " { nodes { clickhouse { clickStack { %s } } } } }"
)
QUERIES += [
    (
        "clickhouse-clickstack",
        _STACK
        % (
            "dashboards(after: $v) { totalCount } d: dashboards(before: $v) { totalCount }"
            " dashboard(dashboardId: $v) { name } alerts(after: $v) { totalCount }"
            " a: alerts(before: $v) { totalCount } alert(alertId: $v) { name }"
            " sources(after: $v) { totalCount } s: sources(before: $v) { totalCount }"
            " webhooks(after: $v) { totalCount } w: webhooks(before: $v) { totalCount }"
        ),
        CH,
        ["v"],
        {
            ("ClickHouseClickStack", f"{field}.{arg}")
            for field, arg in (
                ("dashboards", "after"),
                ("dashboards", "before"),
                ("dashboard", "dashboardId"),
                ("alerts", "after"),
                ("alerts", "before"),
                ("alert", "alertId"),
                ("sources", "after"),
                ("sources", "before"),
                ("webhooks", "after"),
                ("webhooks", "before"),
            )
        },
    ),
]
_STACK_ID = "65f5e4a3b9e77c001a567890"
_TILE = {
    "name": "t",
    "x": 0,
    "y": 0,
    "w": 1,
    "h": 1,
    "id": _STACK_ID,
    "containerId": "c",
    "tabId": "t",
    "config": {"displayType": "markdown", "markdown": "m"},
}
_FILTER = {"name": "f", "expression": "e", "sourceId": _STACK_ID, "where": "w"}
_CONTAINER = {"id": "c", "title": "C", "collapsed": False, "tabs": [{"id": "t", "title": "T"}]}


def _dashboard(real: Real) -> dict[str, Any]:
    return {
        "id": real("Database"),
        "name": "d",
        "tiles": [_TILE],
        "tags": ["x"],
        "filters": [_FILTER],
        "savedQuery": "q",
        "savedFilterValues": ["c = 1"],
        "containers": [_CONTAINER],
    }


def _alert(real: Real, **change: Any) -> dict[str, Any]:
    return {
        "id": real("Database"),
        "source": "SAVED_SEARCH",
        "savedSearchId": _STACK_ID,
        "threshold": 1,
        "thresholdType": "ABOVE",
        "interval": "ONE_HOUR",
        "channel": {"type": "EMAIL", "emailRecipients": ["a@example.com"]},
        **change,
    }


MUTATIONS += [
    (
        "createClickHouseClickStackDashboard",
        "CreateClickHouseClickStackDashboardInput",
        CH,
        _dashboard,
        [
            "name",
            "tiles.0.name",
            "tiles.0.id",
            "tiles.0.containerId",
            "tiles.0.tabId",
            "tags.0",
            "filters.0.name",
            "filters.0.expression",
            "filters.0.sourceId",
            "filters.0.where",
            "filters.0.id",
            "savedQuery",
            "savedFilterValues.0",
            "containers.0.id",
            "containers.0.title",
            "containers.0.tabs.0.id",
            "containers.0.tabs.0.title",
            "idempotencyKey",
        ],
    ),
    (
        "updateClickHouseClickStackDashboard",
        "UpdateClickHouseClickStackDashboardInput",
        CH,
        lambda real: _dashboard(real) | {"dashboardId": _STACK_ID, "filters": []},
        ["dashboardId", "name", "tags.0", "savedQuery", "savedFilterValues.0"],
    ),
    (
        "deleteClickHouseClickStackDashboard",
        "ClickHouseClickStackDashboardRefInput",
        CH,
        lambda real: {"id": real("Database"), "dashboardId": _STACK_ID},
        ["dashboardId"],
    ),
    (
        "createClickHouseClickStackAlert",
        "CreateClickHouseClickStackAlertInput",
        CH,
        lambda real: _alert(real, groupBy="g", name="n", message="m", note="n"),
        [
            "savedSearchId",
            "groupBy",
            "name",
            "message",
            "note",
            "scheduleStartAt",
            "dashboardId",
            "tileId",
            "channel.emailRecipients.0",
            "idempotencyKey",
        ],
    ),
    (
        "createClickHouseClickStackAlert",
        "CreateClickHouseClickStackAlertInput",
        CH,
        lambda real: _alert(
            real,
            channel={
                "type": "WEBHOOK",
                "webhookId": _STACK_ID,
                "webhookService": "slack_api",
                "slackChannelId": "C1",
            },
        ),
        ["channel.webhookId", "channel.webhookService", "channel.slackChannelId"],
    ),
    (
        "updateClickHouseClickStackAlert",
        "UpdateClickHouseClickStackAlertInput",
        CH,
        lambda real: {"id": real("Database"), "alertId": _STACK_ID, "name": "n"},
        [
            "alertId",
            "name",
            "message",
            "note",
            "groupBy",
            "savedSearchId",
            "dashboardId",
            "tileId",
            "scheduleStartAt",
        ],
    ),
    (
        "deleteClickHouseClickStackAlert",
        "ClickHouseClickStackAlertRefInput",
        CH,
        lambda real: {"id": real("Database"), "alertId": _STACK_ID},
        ["alertId"],
    ),
]


def _with(variables: dict[str, Any], path: str, value: str) -> dict[str, Any]:
    """``variables`` with ``value`` at the dotted ``path`` (list indexes as digits)."""
    result = copy.deepcopy(variables)
    *parents, last = path.split(".")
    node: Any = result
    for part in parents:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return result


def _assert_clear(body: dict[str, Any], where: str) -> None:
    errors = body.get("errors") or []
    assert body.get("data") is not None or errors, (where, body)
    codes = [e.get("extensions", {}).get("code") for e in errors]
    assert all(isinstance(c, str) for c in codes) and "INTERNAL" not in codes, (where, errors)


@pytest.mark.parametrize(("label", "document", "vendor", "paths", "covers"), QUERIES)
async def test_hostile_strings_in_query_arguments_get_a_clear_answer(
    demo: GatewayClient, label: str, document: str, vendor: str, paths: list[str], covers: Any
) -> None:
    baseline: dict[str, Any] = BASELINES.get(label, {})
    forget(demo)

    for path in paths:
        for value in VALUES:
            body = await post_ascii(demo, document, _with(baseline, path, value))
            _assert_clear(body, f"{label} {path}={value[:20]!r}")

    assert malformed(vendor, upstream(demo, vendor)) == []


@pytest.mark.parametrize(
    ("mutation", "input_type", "vendor", "baseline", "paths"),
    [pytest.param(*case, id=f"{case[0]}-{case[2]}") for case in MUTATIONS],
)
async def test_hostile_strings_in_mutation_inputs_get_a_clear_answer(
    demo: GatewayClient,
    mutation: str,
    input_type: str,
    vendor: str,
    baseline: Callable[[Real], dict[str, Any]],
    paths: list[str],
) -> None:
    found = await real_ids(demo)

    def real(type_name: str) -> str:
        gid: GlobalId = found[(vendor, type_name)]
        return encode_id(gid.type_name, gid.connection, gid.key)

    document = f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ __typename }} }}"
    forget(demo)

    for path in paths:
        for value in VALUES:
            body = await post_ascii(demo, document, {"i": _with(baseline(real), path, value)})
            _assert_clear(body, f"{mutation} {vendor} {path}={value[:20]!r}")

    assert malformed(vendor, upstream(demo, vendor)) == []


def test_every_string_argument_and_input_field_is_in_the_corpus() -> None:
    schema = build_schema()._schema
    strings = {"String", "DateTime"}
    every: set[tuple[str, str]] = set()
    for name, type_ in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(type_, GraphQLInputObjectType):
            every |= {
                (name, f) for f, field in type_.fields.items() if _named(field.type) in strings
            }
        if isinstance(type_, GraphQLObjectType):
            every |= {
                (name, f"{f}.{a}")
                for f, field in type_.fields.items()
                for a, arg in field.args.items()
                if _named(arg.type) in strings
            }
    input_types = {case[0]: case[1] for case in MUTATIONS}  # mutation -> its input type
    covered = {c for case in QUERIES for c in case[4]}
    for mutation, input_type, _, _, paths in MUTATIONS:
        assert input_types[mutation] == input_type
        for path in paths:
            covered.add(_owner(input_type, path))

    assert every - covered == set()


def _named(type_: Any) -> str | None:
    named = get_named_type(type_)
    return named.name if isinstance(named, GraphQLScalarType) else None


_NESTED = {
    "clickhouse": "ClickHouseCreateDatabaseInput",
    "astra": "AstraCreateDatabaseInput",
    "featurebase": "FeatureBaseCreateDatabaseInput",
    "ipAccessList": "IpAccessEntryInput",
    "policies": "ClickHouseRolePolicyInput",
    "keyStore": "AstraKeyStoreEntryInput",
    "destination": "ClickHousePipeDestinationInput",
    "columns": "ClickHousePipeColumnInput",
    "destinationColumns": "ClickHousePipeColumnInput",
    "fieldMappings": "ClickHousePipeFieldMappingInput",
    "aws": "ClickHouseAwsBucketInput",
    "gcp": "ClickHouseGcpBucketInput",
    "azure": "ClickHouseAzureBucketInput",
    "windows": "ClickHouseScalingWindowInput",
    "tiles": "ClickHouseClickStackTileInput",
    "filters": "ClickHouseClickStackFilterInput",
    "containers": "ClickHouseClickStackContainerInput",
    "tabs": "ClickHouseClickStackContainerTabInput",
    "channel": "ClickHouseClickStackAlertChannelInput",
}


def _owner(input_type: str, path: str) -> tuple[str, str]:
    """The (input type, field) a dotted path of ``input_type`` ends in."""
    *parents, field = [p for p in path.split(".") if not p.isdigit()]
    owner = input_type
    for part in parents:
        if part == "postgres":
            update = input_type.startswith("Update")
            owner = "ClickHousePostgres" + ("UpdateInput" if update else "CreateInput")
        elif part == "clickhouse" and input_type.startswith("Update"):
            owner = "ClickHouseUpdateDatabaseInput"
        elif part == "dbaas":
            owner = (
                "DBaaSUpdateDatabaseInput"
                if input_type.startswith("Update")
                else ("DBaaSCreateDatabaseInput")
            )
        else:
            owner = _NESTED[part]
    return owner, field
