"""ClickPipes against the 2026-06 spec: the simulator answers each of the 16 operations with
its documented schema (closed to undocumented fields) and refuses bodies the spec refuses;
the adapter's rule tables are the spec's own."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.clickhouse import clickpipe_rules as rules
from adapters.clickhouse.clickpipe_mapping import SOURCE_KINDS
from adapters.clickhouse.sim.simulator import ClickHouseSimulator
from adapters.clickpipe_details import PIPE_SETTINGS
from tests.clickhouse.test_current_spec_simulator import SPEC, Checked
from tests.clickhouse.test_simulator import PROD, client

SCHEMAS = SPEC["components"]["schemas"]
PIPES = f"{PROD}/clickpipes"
KAFKA = {
    "type": "msk",
    "format": "JSONEachRow",
    "brokers": "b-1.msk:9098",
    "topics": "events",
    "authentication": "IAM_USER",
    "credentials": {"accessKeyId": "AKIA", "secretKey": "s3cret-key"},
    "schemaRegistry": {"url": "https://sr", "authentication": "PLAIN"},
}
DESTINATION = {
    "database": "default",
    "table": "events",
    "managedTable": True,
    "tableDefinition": {"engine": {"type": "MergeTree"}, "sortingKey": ["id"]},
    "columns": [{"name": "id", "type": "String"}],
    "roles": ["writer"],
}
POSTGRES = {
    "host": "db.example.com",
    "port": 5432,
    "database": "app",
    "credentials": {"username": "u", "password": "pg-s3cret"},
    "settings": {"replicationMode": "cdc"},
    "tableMappings": [{"sourceSchemaName": "public", "sourceTable": "t", "targetTable": "t"}],
}


def _ref(schema: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = SCHEMAS[schema["$ref"].removeprefix("#/components/schemas/")]
    return found


def _kind_schema(container: str, kind: str) -> dict[str, Any]:
    prop = SCHEMAS[container]["properties"][kind]
    typed = [s for s in prop.get("oneOf", [prop]) if s.get("type") != "null"]
    return _ref(typed[0])


async def test_every_clickpipes_operation_answers_with_its_documented_schema() -> None:
    sim = ClickHouseSimulator()
    async with client(sim) as http:
        call = Checked(http)
        streaming = await call(
            "POST",
            PIPES,
            json={
                "name": "Events",
                "source": {"kafka": KAFKA, "validateSamples": False},
                "destination": DESTINATION,
                "fieldMappings": [{"sourceField": "id", "destinationField": "id"}],
                "scaling": {"replicas": 2},
                "settings": {"streaming_max_insert_wait_ms": 1000},
            },
        )
        cdc = await call(
            "POST",
            PIPES,
            json={
                "name": "CDC",
                "source": {"postgres": POSTGRES},
                "destination": {"database": "d"},
            },
        )
        assert "credentials" not in str(streaming) + str(cdc)
        one = f"{PIPES}/{streaming['id']}"
        await call("GET", PIPES)
        await call("GET", one)
        await call("PATCH", one, json={"name": "Events 2", "destination": {"columns": []}})
        await call(
            "PATCH",
            f"{PIPES}/{cdc['id']}",
            json={"source": {"postgres": {"tableMappingsToAdd": [POSTGRES["tableMappings"][0]]}}},
        )
        await call("GET", f"{one}/settings")
        await call("PUT", f"{one}/settings", json={"clickhouse_max_threads": 4})
        await call("PATCH", f"{one}/scaling", json={"replicaCpuMillicores": 250})
        await call("PATCH", f"{one}/state", json={"command": "stop"})
        await call("PATCH", f"{PIPES}/{cdc['id']}/state", json={"command": "resync"})
        await call("DELETE", one)
        await call("GET", f"{PROD}/clickpipesCdcScaling")
        await call(
            "PATCH",
            f"{PROD}/clickpipesCdcScaling",
            json={"replicaCpuMillicores": 3000, "replicaMemoryGb": 12},
        )
        endpoints = f"{PROD}/clickpipesReversePrivateEndpoints"
        made = await call(
            "POST",
            endpoints,
            json={
                "type": "MSK_MULTI_VPC",
                "description": "MSK",
                "mskClusterArn": "arn:aws:kafka:us-east-1:1:cluster/c/1",
                "mskAuthentication": "SASL_IAM",
            },
        )
        await call("GET", endpoints)
        await call("GET", f"{endpoints}/{made['id']}")
        await call(
            "PATCH",
            f"{endpoints}/{made['id']}",
            json={"customPrivateDnsMappings": [{"privateDnsName": "kafka.internal"}]},
        )
        await call("DELETE", f"{endpoints}/{made['id']}")
        sim.settle()

    documented = {
        (method.upper(), path)
        for path, item in SPEC["paths"].items()
        if "/clickpipes" in path
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    assert len(documented) == 16
    assert call.covered == documented


@pytest.mark.parametrize(
    ("method", "path", "body", "text"),
    [
        ("POST", PIPES, {"name": "x", "source": {"kafka": {"format": "XML"}}}, "format"),
        ("POST", PIPES, {"name": "x", "colour": "red"}, "colour"),
        ("POST", PIPES, {"name": "x", "source": {"pubsub": {"format": "Avro"}}}, "projectId"),
        (
            "PATCH",
            f"{PROD}/clickpipesCdcScaling",
            {"replicaCpuMillicores": 1500, "replicaMemoryGb": 4},
            "replicaCpuMillicores",
        ),
        (
            "PATCH",
            f"{PROD}/clickpipesCdcScaling",
            {"replicaCpuMillicores": 2000, "replicaMemoryGb": 12},
            "4x",
        ),
        (
            "POST",
            f"{PROD}/clickpipesReversePrivateEndpoints",
            {"type": "VPC_RESOURCE", "vpcResourceConfigurationId": "r"},
            "vpcResourceShareArn",
        ),
    ],
)
async def test_bodies_the_spec_refuses_are_400s(
    method: str, path: str, body: dict[str, Any], text: str
) -> None:
    async with client(ClickHouseSimulator()) as http:
        response = await http.request(method, path, json=body)
    assert response.status_code == 400, response.text
    assert text in response.json()["error"]


def test_the_adapters_rules_are_the_specs() -> None:
    assert set(SOURCE_KINDS) == set(SCHEMAS["ClickPipeSource"]["properties"])
    post = {k: _kind_schema("ClickPipePostSource", k) for k in SOURCE_KINDS}
    assert {k: set(s["properties"]) for k, s in post.items()} == rules.CREATE_FIELDS
    assert {k: tuple(s["required"]) for k, s in post.items() if s.get("required")} == dict(
        rules.CREATE_REQUIRED
    )
    patch = {
        k: _kind_schema("ClickPipePatchSource", k)
        for k in SCHEMAS["ClickPipePatchSource"]["properties"]
        if k != "validateSamples"
    }
    assert {k: set(s["properties"]) for k, s in patch.items()} == rules.UPDATE_FIELDS
    assert {k: tuple(s["required"]) for k, s in patch.items() if s.get("required")} == dict(
        rules.UPDATE_REQUIRED
    )
    settings = SCHEMAS["ClickPipeSettings"]["properties"]
    assert set(settings) == set(PIPE_SETTINGS)
    for name, (kind, low, high) in PIPE_SETTINGS.items():
        if kind is int:
            assert (settings[name]["minimum"], settings[name]["maximum"]) == (low, high), name
        else:
            assert "boolean" in settings[name]["type"], name
    engine = SCHEMAS["ClickPipeDestinationTableEngine"]["properties"]["type"]["enum"]
    assert tuple(engine) == rules.ENGINES
    commands = SCHEMAS["ClickPipeStatePatchRequest"]["properties"]["command"]["enum"]
    assert tuple(commands) == rules.STATE_COMMANDS
    scaling = SCHEMAS["ClickPipeScalingPatchRequest"]["properties"]
    assert (scaling["replicas"]["minimum"], scaling["replicas"]["maximum"]) == rules.REPLICAS
    cpu = scaling["replicaCpuMillicores"]
    assert (cpu["minimum"], cpu["maximum"]) == rules.REPLICA_CPU_MILLICORES
    memory = scaling["replicaMemoryGb"]
    assert (memory["minimum"], memory["maximum"]) == rules.REPLICA_MEMORY_GB
    cdc = SCHEMAS["ClickPipesCdcScalingPatchRequest"]["properties"]
    c, m = cdc["replicaCpuMillicores"], cdc["replicaMemoryGb"]
    assert (c["minimum"], c["maximum"], c["multipleOf"]) == rules.CDC_CPU_MILLICORES
    assert (m["minimum"], m["maximum"], m["multipleOf"]) == rules.CDC_MEMORY_GB
    endpoint = SCHEMAS["CreateReversePrivateEndpoint"]["properties"]
    assert tuple(endpoint["type"]["enum"]) == tuple(rules.ENDPOINT_TYPES)
    assert tuple(v for v in endpoint["mskAuthentication"]["enum"] if v) == rules.MSK_AUTHENTICATION
