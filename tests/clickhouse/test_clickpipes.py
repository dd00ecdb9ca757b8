"""A ClickHouse service's ClickPipes (2026-06 spec) end to end: GraphQL over HTTP into the
gateway, the adapter over HTTP to the simulator. Pipe credentials are sent and never
answered (nor are those a vendor echoes), rules are checked before any call, reads cost one
call per service per request."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.clickhouse.sim.seed_data import seed_uuid
from tests.auth_fixtures import ADMIN, OPERATOR, VIEWER, answer, secured
from tests.clickhouse.writes import simulator, upstream_writes
from tests.gateway_client import GatewayClient, error_codes

SVC = r"/v1/organizations/[0-9a-f-]{36}/services/[0-9a-f-]{36}"
SECRETS = ("kafka-s3cret-pw", "AZSECRETKEY123", "mongo-pw-42", "gcp-key-file", "tls-priv-key")
PIPE_FIELDS = """nativeId name state
  scaling { replicas replicaCpuMillicores replicaMemoryGb }
  source { kind type format authentication location topics details
           tableMappings { sourceSchema sourceTable targetTable } }
  destination { database table managedTable engine sortingKey columns { name type } }
  fieldMappings { sourceField destinationField }
  settings { streamingMaxInsertWaitMs clickhouseMaxThreads objectStorageMaxInsertBytes }
  raw"""
READ = """query($id: ID!) { database(id: $id) { clickhouse {
    clickPipes(first: 10) { totalCount nodes { FIELDS } } } } }""".replace("FIELDS", PIPE_FIELDS)
CREATE = """mutation($input: CreateClickHousePipeInput!) {
  createClickHousePipe(input: $input) { pipe { FIELDS } } }""".replace("FIELDS", PIPE_FIELDS)
UPDATE = """mutation($input: UpdateClickHousePipeInput!) {
  updateClickHousePipe(input: $input) { pipe { name destination { columns { name } } raw } } }"""
SETTINGS = """mutation($input: SetClickHousePipeSettingsInput!) {
  setClickHousePipeSettings(input: $input) { settings {
    streamingMaxInsertWaitMs clickhouseMaxThreads clickhouseParallelViewProcessing } } }"""
SCALE = """mutation($input: ScaleClickHousePipeInput!) {
  scaleClickHousePipe(input: $input) { pipe { scaling { replicas replicaMemoryGb } } } }"""
STATE = """mutation($input: ChangeClickHousePipeStateInput!) {
  changeClickHousePipeState(input: $input) { pipe { state } } }"""
DELETE = """mutation($input: ClickHousePipeRefInput!) {
  deleteClickHousePipe(input: $input) { deletedPipeId } }"""
CDC = """mutation($input: SetClickHousePipesCdcScalingInput!) {
  setClickHousePipesCdcScaling(input: $input) {
    cdcScaling { replicaCpuMillicores replicaMemoryGb } } }"""
ONE = """query($id: ID!, $pipe: String!) { database(id: $id) { clickhouse {
  clickPipe(pipeId: $pipe) { name settings { clickhouseMaxThreads } } } } }"""
NEW_ENDPOINT = """mutation($input: CreateClickHouseReversePrivateEndpointInput!) {
  createClickHouseReversePrivateEndpoint(input: $input) { reversePrivateEndpoint {
    nativeId type status endpointId vpcEndpointServiceName customPrivateDnsNames } } }"""
SET_ENDPOINT = """mutation($input: UpdateClickHouseReversePrivateEndpointInput!) {
  updateClickHouseReversePrivateEndpoint(input: $input) {
    reversePrivateEndpoint { customPrivateDnsNames privateDnsNames } } }"""
DROP_ENDPOINT = """mutation($input: ClickHouseReversePrivateEndpointRefInput!) {
  deleteClickHouseReversePrivateEndpoint(input: $input) { deletedEndpointId } }"""
ENDPOINTS = """query($id: ID!, $e: String!) { database(id: $id) { clickhouse {
  clickPipesCdcScaling { replicaCpuMillicores replicaMemoryGb }
  reversePrivateEndpoints { nativeId status }
  reversePrivateEndpoint(endpointId: $e) { nativeId type } } } }"""

KAFKA = {
    "kafka": {
        "type": "confluent",
        "format": "JSONEachRow",
        "brokers": "pkc-1.confluent.cloud:9092",
        "topics": "events",
        "authentication": "PLAIN",
        "credentials": {"username": "ingest", "password": "kafka-s3cret-pw"},
    }
}
DESTINATION = {
    "database": "default",
    "table": "events",
    "columns": [{"name": "id", "type": "String"}, {"name": "at", "type": "DateTime"}],
}


async def _production(gw: GatewayClient) -> str:
    data = await gw.data(
        '{ databases(first: 1, filter: { nameContains: "Acme Production" }) { nodes { id } } }'
    )
    return str(data["databases"]["nodes"][0]["id"])


def _new_pipe(db: str, **change: Any) -> dict[str, Any]:
    return {
        "input": {
            "id": db,
            "name": "Events",
            "source": KAFKA,
            "destination": DESTINATION,
            "fieldMappings": [
                {"sourceField": "id", "destinationField": "id"},
                {"sourceField": "ts", "destinationField": "at"},
            ],
            "scaling": {"replicas": 2},
            "settings": {"streamingMaxInsertWaitMs": 5000},
            **change,
        }
    }


def _no_secret(value: Any) -> None:
    text = json.dumps(value)
    for secret in SECRETS:
        assert secret not in text, secret


async def test_a_pipe_is_created_and_read_with_its_credentials_never_answered(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)

    made = (await clickhouse.data(CREATE, _new_pipe(db)))["createClickHousePipe"]["pipe"]
    simulator(clickhouse).log.clear()
    read = (await clickhouse.data(READ, {"id": db}))["database"]["clickhouse"]["clickPipes"]

    sent = simulator(clickhouse).state  # the vendor got them: the pipe can connect
    assert "kafka-s3cret-pw" in json.dumps(
        [o.clickpipes for o in sent.organizations.values()], default=str
    )
    assert made["name"] == "Events" and made["state"] == "Provisioning"
    assert made["source"]["kind"] == "kafka" and made["source"]["type"] == "confluent"
    assert made["source"]["location"] == "pkc-1.confluent.cloud:9092"
    assert made["destination"]["columns"] == DESTINATION["columns"]
    assert made["destination"]["managedTable"] is True
    assert made["scaling"]["replicas"] == 2
    assert made["settings"]["streamingMaxInsertWaitMs"] == 5000
    assert read["totalCount"] == 1 and read["nodes"][0]["nativeId"] == made["nativeId"]
    _no_secret(made)
    _no_secret(read)
    assert simulator(clickhouse).log.count("GET", SVC + "/clickpipes") == 1
    assert simulator(clickhouse).log.count("GET", SVC + "/clickpipes/.*") == 0  # settings too


async def test_secrets_the_vendor_answers_are_redacted_everywhere(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)
    azure = {
        "objectStorage": {
            "type": "azureblobstorage",
            "format": "CSV",
            "url": "https://acct.blob.core.windows.net/c/*.csv",
            "authentication": "CONNECTION_STRING",
            "connectionString": "DefaultEndpointsProtocol=https;AccountKey=AZSECRETKEY123",
            "azureContainerName": "c",
        }
    }
    made = await clickhouse.data(CREATE, _new_pipe(db, source=azure, scaling=None))
    # a vendor that also echoes what the spec never answers
    sim = simulator(clickhouse)
    org, service = next(
        (o, s["id"])
        for o, held in sim.state.organizations.items()
        for s in held.services.values()
        if s["name"] == "Acme Production"
    )
    sim.add_clickpipe(
        org,
        service,
        {
            "id": seed_uuid("pipe", "hostile"),
            "serviceId": service,
            "name": "Echo",
            "state": "Running",
            "source": {
                "mongodb": {
                    "uri": "mongodb+srv://app:mongo-pw-42@cluster0.example.net/",
                    "readPreference": "primary",
                    "credentials": {"username": "app", "password": "mongo-pw-42"},
                    "serviceAccountKey": "gcp-key-file",
                    "nested": {"privateKey": "tls-priv-key"},
                }
            },
        },
    )

    read = await clickhouse.data(READ, {"id": db})

    pipes = read["database"]["clickhouse"]["clickPipes"]["nodes"]
    assert {p["name"] for p in pipes} == {"Events", "Echo"}
    _no_secret(made)
    _no_secret(read)
    echo = next(p for p in pipes if p["name"] == "Echo")
    assert echo["source"]["location"] == "mongodb+srv://app:[redacted]@cluster0.example.net/"
    assert echo["source"]["details"]["credentials"] == "[redacted]"
    assert echo["raw"]["source"]["mongodb"]["serviceAccountKey"] == "[redacted]"
    # no settings in its answer: read on their own, once
    assert set(echo["settings"].values()) == {None}
    assert sim.log.count("GET", SVC + "/clickpipes/[0-9a-f-]{36}/settings") == 1


async def test_a_pipe_is_changed_scaled_stopped_and_deleted(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)
    pipe = (await clickhouse.data(CREATE, _new_pipe(db)))["createClickHousePipe"]["pipe"]
    ref = {"id": db, "pipeId": pipe["nativeId"]}

    updated = await clickhouse.data(
        UPDATE,
        {
            "input": ref
            | {
                "name": "Events v2",
                "destinationColumns": [{"name": "id", "type": "String"}],
                "source": {
                    "kafka": {"credentials": {"username": "u", "password": "kafka-s3cret-pw"}}
                },
            }
        },
    )
    settings = await clickhouse.data(
        SETTINGS,
        {
            "input": ref
            | {"settings": {"clickhouseMaxThreads": 8, "clickhouseParallelViewProcessing": True}}
        },
    )
    scaled = await clickhouse.data(SCALE, {"input": ref | {"scaling": {"replicaMemoryGb": 4}}})
    stopped = await clickhouse.data(STATE, {"input": ref | {"command": "STOP"}})
    one = await clickhouse.data(ONE, {"id": db, "pipe": pipe["nativeId"]})
    deleted = await clickhouse.data(DELETE, {"input": ref})
    gone = await clickhouse.data(ONE, {"id": db, "pipe": pipe["nativeId"]})

    assert updated["updateClickHousePipe"]["pipe"]["name"] == "Events v2"
    assert updated["updateClickHousePipe"]["pipe"]["destination"]["columns"] == [{"name": "id"}]
    _no_secret(updated)
    assert settings["setClickHousePipeSettings"]["settings"] == {
        "streamingMaxInsertWaitMs": None,  # a PUT replaces them all
        "clickhouseMaxThreads": 8,
        "clickhouseParallelViewProcessing": True,
    }
    assert scaled["scaleClickHousePipe"]["pipe"]["scaling"] == {"replicas": 2, "replicaMemoryGb": 4}
    assert stopped["changeClickHousePipeState"]["pipe"]["state"] == "Stopped"
    assert one["database"]["clickhouse"]["clickPipe"] == {
        "name": "Events v2",
        "settings": {"clickhouseMaxThreads": 8},
    }
    assert deleted["deleteClickHousePipe"]["deletedPipeId"] == pipe["nativeId"]
    assert gone["database"]["clickhouse"]["clickPipe"] is None
    log = simulator(clickhouse).log
    assert log.count("PUT", SVC + "/clickpipes/[0-9a-f-]{36}/settings") == 1
    assert log.count("PATCH", SVC + "/clickpipes/[0-9a-f-]{36}/state") == 1


async def test_pipes_of_many_services_cost_one_call_each(clickhouse: GatewayClient) -> None:
    query = """{ databases(filter: { connection: "ch-acme" }) { nodes { clickhouse {
      a: clickPipes { totalCount } b: clickPipes(first: 1) { nodes { name } } } } } }"""
    simulator(clickhouse).log.clear()

    data = await clickhouse.data(query)

    services = [n for n in data["databases"]["nodes"] if n["clickhouse"] is not None]
    assert len(services) > 1
    assert simulator(clickhouse).log.count("GET", SVC + "/clickpipes") == len(services)


@pytest.mark.parametrize(
    ("mutation", "given", "field"),
    [
        (CREATE, {"source": {}}, "input.source"),
        (CREATE, {"source": KAFKA | {"kinesis": {}}}, "input.source"),
        (CREATE, {"source": {"kafka": {"brokers": "b", "passwd": "x"}}}, "input.source.kafka"),
        (CREATE, {"source": {"pubsub": {"format": "Avro"}}}, "input.source.pubsub"),
        (CREATE, {"source": [1]}, "input.source"),
        (CREATE, {"name": " "}, "input.name"),
        (CREATE, {"destination": {"database": "default"}}, "input.destination"),
        (CREATE, {"scaling": {"replicas": 41}}, "input.scaling.replicas"),
        (CREATE, {"settings": {"clickhouseMaxThreads": 65}}, "input.settings.clickhouseMaxThreads"),
        (
            CREATE,
            {"settings": {"objectStorageMaxInsertBytes": 1.5e7 + 0.5}},
            "input.settings.objectStorageMaxInsertBytes",
        ),
    ],
)
async def test_a_bad_pipe_is_refused_before_any_call(
    clickhouse: GatewayClient, mutation: str, given: dict[str, Any], field: str
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(mutation, _new_pipe(db, **given))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert "kafka-s3cret-pw" not in json.dumps(body)
    assert simulator(clickhouse).log.entries == []


@pytest.mark.parametrize(
    ("mutation", "given", "field"),
    [
        (STATE, {"pipeId": "../../keys", "command": "START"}, "input.pipeId"),
        (SCALE, {"pipeId": seed_uuid("p", "x"), "scaling": {}}, "input.scaling"),
        (
            SETTINGS,
            {"pipeId": seed_uuid("p", "x"), "settings": {}},
            "input.settings",
        ),
        (CDC, {"replicaCpuMillicores": 1500, "replicaMemoryGb": 8}, "input.replicaCpuMillicores"),
        (CDC, {"replicaCpuMillicores": 2000, "replicaMemoryGb": 12}, "input.replicaMemoryGb"),
        (
            NEW_ENDPOINT,
            {"type": "VPC_RESOURCE", "vpcResourceConfigurationId": "rcfg-1"},
            "input.vpcResourceShareArn",
        ),
        (NEW_ENDPOINT, {"type": "PEERING"}, "input.type"),
        (SET_ENDPOINT, {"endpointId": "nope", "customPrivateDnsNames": []}, "input.endpointId"),
    ],
)
async def test_other_bad_writes_are_refused_before_any_call(
    clickhouse: GatewayClient, mutation: str, given: dict[str, Any], field: str
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(mutation, {"input": {"id": db, **given}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert simulator(clickhouse).log.entries == []


async def test_vendor_refusals_are_mapped(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)
    pipe = (await clickhouse.data(CREATE, _new_pipe(db)))["createClickHousePipe"]["pipe"]

    resync = await clickhouse.post(
        STATE, {"input": {"id": db, "pipeId": pipe["nativeId"], "command": "RESYNC"}}
    )
    missing = await clickhouse.post(
        DELETE, {"input": {"id": db, "pipeId": seed_uuid("pipe", "missing")}}
    )

    assert error_codes(resync) == ["BAD_USER_INPUT"]
    assert "resync" in resync["errors"][0]["message"]
    assert error_codes(missing) == ["NOT_FOUND"]


async def test_cdc_scaling_and_reverse_private_endpoints(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)

    cdc = await clickhouse.data(
        CDC, {"input": {"id": db, "replicaCpuMillicores": 4000, "replicaMemoryGb": 16}}
    )
    made = await clickhouse.data(
        NEW_ENDPOINT,
        {
            "input": {
                "id": db,
                "type": "VPC_ENDPOINT_SERVICE",
                "vpcEndpointServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-1",
                "description": "Kafka",
            }
        },
    )
    endpoint = made["createClickHouseReversePrivateEndpoint"]["reversePrivateEndpoint"]
    ref = {"id": db, "endpointId": endpoint["nativeId"]}
    changed = await clickhouse.data(
        SET_ENDPOINT, {"input": ref | {"customPrivateDnsNames": ["kafka.internal"]}}
    )
    simulator(clickhouse).log.clear()
    read = await clickhouse.data(ENDPOINTS, {"id": db, "e": endpoint["nativeId"]})
    dropped = await clickhouse.data(DROP_ENDPOINT, {"input": ref})

    assert cdc["setClickHousePipesCdcScaling"]["cdcScaling"] == {
        "replicaCpuMillicores": 4000,
        "replicaMemoryGb": 16,
    }
    assert endpoint["type"] == "VPC_ENDPOINT_SERVICE" and endpoint["status"] == "Provisioning"
    assert endpoint["endpointId"].startswith("vpce-")
    changed_endpoint = changed["updateClickHouseReversePrivateEndpoint"]["reversePrivateEndpoint"]
    assert changed_endpoint["customPrivateDnsNames"] == ["kafka.internal"]
    ch = read["database"]["clickhouse"]
    assert ch["clickPipesCdcScaling"]["replicaMemoryGb"] == 16
    assert ch["reversePrivateEndpoints"] == [
        {"nativeId": endpoint["nativeId"], "status": "Provisioning"}
    ]
    assert ch["reversePrivateEndpoint"]["type"] == "VPC_ENDPOINT_SERVICE"
    assert simulator(clickhouse).log.count("GET") == 4  # the service, then one call each
    assert (
        dropped["deleteClickHouseReversePrivateEndpoint"]["deletedEndpointId"] == ref["endpointId"]
    )


async def test_pipe_writes_need_their_role() -> None:
    async with secured() as gw:
        found = await answer(
            gw,
            VIEWER,
            '{ databases(first: 1, filter: { nameContains: "Acme Production" }) { nodes { id } } }',
        )
        db = found["data"]["databases"]["nodes"][0]["id"]
        variables = _new_pipe(db)

        viewer = await answer(gw, VIEWER, CREATE, variables)
        operator = await answer(gw, OPERATOR, CREATE, variables)
        admin = await answer(gw, ADMIN, CREATE, variables)
        pipe = admin["data"]["createClickHousePipe"]["pipe"]["nativeId"]
        stop = {"input": {"id": db, "pipeId": pipe, "command": "STOP"}}
        viewer_stop = await answer(gw, VIEWER, STATE, stop)
        operator_stop = await answer(gw, OPERATOR, STATE, stop)

        assert error_codes(viewer) == ["FORBIDDEN"] and error_codes(operator) == ["FORBIDDEN"]
        assert error_codes(viewer_stop) == ["FORBIDDEN"]
        assert operator_stop["data"]["changeClickHousePipeState"]["pipe"]["state"] == "Stopped"
        assert upstream_writes(gw) == 2  # the admin's create and the operator's stop


async def test_another_vendors_database_has_no_pipes(demo: GatewayClient) -> None:
    found = await demo.data("{ databases(first: 1, filter: { vendor: DBAAS }) { nodes { id } } }")
    db = found["databases"]["nodes"][0]["id"]
    writes = upstream_writes(demo)

    body = await demo.post(CREATE, _new_pipe(db))
    read = await demo.post(READ, {"id": db})

    assert error_codes(body) == ["NOT_SUPPORTED"]
    assert read["data"]["database"]["clickhouse"] is None  # not a ClickHouse database
    assert upstream_writes(demo) == writes


async def test_a_postgres_service_has_no_pipes(clickhouse: GatewayClient) -> None:
    found = await clickhouse.data(
        '{ databases(filter: { nameContains: "Acme Orders" }) { nodes { id name } } }'
    )
    db = next(n["id"] for n in found["databases"]["nodes"] if n["name"] == "Acme Orders")
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(CREATE, _new_pipe(db))

    assert error_codes(body) == ["NOT_FOUND"]
    assert simulator(clickhouse).log.count("POST") == 0


async def test_odd_shapes_from_the_vendor_read_as_null(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)
    sim = simulator(clickhouse)
    org, service = next(
        (o, s["id"])
        for o, held in sim.state.organizations.items()
        for s in held.services.values()
        if s["name"] == "Acme Production"
    )
    sim.add_clickpipe(
        org,
        service,
        {
            "id": seed_uuid("pipe", "odd"),
            "name": 42,
            "state": ["Running"],
            "scaling": [1],
            "source": {"kafka": "nope", "postgres": {"port": "5432x", "tableMappings": [1, {}]}},
            "destination": "x",
            "fieldMappings": [1, {"sourceField": 3}],
            "settings": {
                "clickhouse_max_threads": "many",
                "clickhouse_parallel_view_processing": 1,
            },
            "createdAt": "yesterday",
        },
    )

    read = await clickhouse.data(READ, {"id": db})

    (pipe,) = read["database"]["clickhouse"]["clickPipes"]["nodes"]
    assert pipe["name"] is None and pipe["state"] is None and pipe["scaling"] is None
    assert pipe["source"]["kind"] == "postgres" and pipe["source"]["location"] is None
    assert pipe["source"]["tableMappings"] == [
        {"sourceSchema": None, "sourceTable": None, "targetTable": None}
    ]
    assert pipe["destination"] is None
    assert pipe["fieldMappings"] == [{"sourceField": None, "destinationField": None}]
    assert pipe["settings"]["clickhouseMaxThreads"] is None


CREATE_ONCE = """mutation($input: CreateClickHousePipeInput!) {
  createClickHousePipe(input: $input) { pipe { nativeId name } replayed } }"""


async def test_a_create_with_a_key_makes_one_pipe(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)
    keyed = _new_pipe(db, idempotencyKey="pipe-1")

    first = (await clickhouse.data(CREATE_ONCE, keyed))["createClickHousePipe"]
    again = (await clickhouse.data(CREATE_ONCE, keyed))["createClickHousePipe"]
    other = await clickhouse.post(CREATE_ONCE, _new_pipe(db, idempotencyKey="pipe-1", name="B"))

    assert first["replayed"] is False and again["replayed"] is True
    assert again["pipe"] == first["pipe"]
    assert error_codes(other) == ["CONFLICT"]
    assert simulator(clickhouse).log.count("POST", SVC + "/clickpipes") == 1


async def test_a_lost_answer_is_reconciled_by_name_on_retry(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)
    sim = simulator(clickhouse)
    # the vendor makes the pipe, then the connection drops before its answer
    sim.faults.add_drop(method="POST", path=SVC + "/clickpipes", processed=True)
    keyed = _new_pipe(db, idempotencyKey="pipe-lost")

    lost = await clickhouse.post(CREATE_ONCE, keyed)
    retry = (await clickhouse.data(CREATE_ONCE, keyed))["createClickHousePipe"]
    read = await clickhouse.data(READ, {"id": db})

    assert error_codes(lost) == ["UPSTREAM_OUTCOME_UNKNOWN"]
    assert retry["replayed"] is True and retry["pipe"]["name"] == "Events"
    assert read["database"]["clickhouse"]["clickPipes"]["totalCount"] == 1
    assert sim.log.count("POST", SVC + "/clickpipes") == 1


async def test_a_source_nested_too_deep_is_refused_before_any_call(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)
    deep: dict[str, Any] = {"x": 1}
    for _ in range(200):
        deep = {"x": deep}
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(
        CREATE_ONCE, _new_pipe(db, source={"kafka": {"offset": deep}}, idempotencyKey="deep")
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "input.source"
    assert simulator(clickhouse).log.entries == []


async def test_a_vendor_error_quoting_the_body_shows_no_credential(
    clickhouse: GatewayClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.clickhouse.sim import current_spec
    from adapters.clickhouse.sim.validation import _fail

    async def quoting(ctx: Any, method: str, path: str) -> Any:
        raise _fail(f"cannot parse {(await ctx.request.body()).decode()}")

    db = await _production(clickhouse)
    monkeypatch.setattr(current_spec, "body", quoting)

    body = await clickhouse.post(CREATE, _new_pipe(db))

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "cannot parse" in body["errors"][0]["message"]
    _no_secret(body)


async def test_reads_after_a_write_see_it(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)
    read = """query($id: ID!) { database(id: $id) { clickhouse {
      clickPipesCdcScaling { replicaCpuMillicores } reversePrivateEndpoints { nativeId }
      clickPipes { totalCount } } } }"""
    before = (await clickhouse.data(read, {"id": db}))["database"]["clickhouse"]

    await clickhouse.data(
        CDC, {"input": {"id": db, "replicaCpuMillicores": 1000, "replicaMemoryGb": 4}}
    )
    await clickhouse.data(
        NEW_ENDPOINT,
        {
            "input": {
                "id": db,
                "type": "GCP_PSC_SERVICE_ATTACHMENT",
                "gcpServiceAttachment": "projects/p/regions/r/sa/x",
            }
        },
    )
    await clickhouse.data(CREATE, _new_pipe(db))
    after = (await clickhouse.data(read, {"id": db}))["database"]["clickhouse"]

    assert before["clickPipesCdcScaling"]["replicaCpuMillicores"] == 2000
    assert after["clickPipesCdcScaling"]["replicaCpuMillicores"] == 1000
    assert (len(before["reversePrivateEndpoints"]), len(after["reversePrivateEndpoints"])) == (0, 1)
    assert (before["clickPipes"]["totalCount"], after["clickPipes"]["totalCount"]) == (0, 1)
