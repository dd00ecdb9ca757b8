"""A ClickHouse service's own backup bucket (2026-06 spec) end to end: created, read,
changed and deleted through the simulator, which validates each body against the spec's
three provider forms. Its credential goes to the vendor and nowhere else: not in an
answer, not in the cache, not in an error, even from a vendor that echoes it."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.clickhouse.sim.validation import ApiError
from tests.auth_fixtures import OPERATOR, answer, secured
from tests.clickhouse.writes import simulator
from tests.gateway_client import GatewayClient, error_codes
from tests.leak_guard import GUARD

SVC = r"/v1/organizations/[0-9a-f-]{36}/services/[0-9a-f-]{36}"
PRODUCTION = '{ databases(first: 1, filter: { nameContains: "Acme Production" }) { nodes { id } } }'
FIELDS = "id provider bucketPath iamRoleArn iamRoleSessionName accessKeyIdHint containerName"
READ = f"""query($id: ID!) {{ database(id: $id) {{ clickhouse {{
    backupBucket {{ {FIELDS} }} }} }} }}"""
CREATE = f"""mutation($input: ClickHouseBackupBucketInput!) {{
  createClickHouseBackupBucket(input: $input) {{ backupBucket {{ {FIELDS} }} }} }}"""
UPDATE = f"""mutation($input: ClickHouseBackupBucketInput!) {{
  updateClickHouseBackupBucket(input: $input) {{ backupBucket {{ {FIELDS} }} }} }}"""
DELETE = """mutation($id: ID!) {
  deleteClickHouseBackupBucket(input: { id: $id }) { backupBucket { id } } }"""
HMAC_SECRET = "bGNzLWhtYWMtc2VjcmV0LWZvci10ZXN0cy0wMDAx"
AZURE_SECRET = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=c2VjcmV0LWF6dXJlLWtleQ=="
GCP = {
    "bucketPath": "gs://acme-backups",
    "accessKeyId": "GOOG1EXAMPLEKEY7Q2W",
    "secretAccessKey": HMAC_SECRET,
}
ROLE_ARN = "arn:aws:iam::123456789012:role/clickhouse-backups"
# the leak guard searches every later answer and log line of the run for them
GUARD.add("test GCS HMAC secret", HMAC_SECRET)
GUARD.add("test Azure connection string", AZURE_SECRET)


async def _production(gw: GatewayClient) -> str:
    return str((await gw.data(PRODUCTION))["databases"]["nodes"][0]["id"])


def _cache_holds(gw: GatewayClient, text: str) -> bool:
    return any(text.encode() in e.encode() for e in gw.cached_entries())


async def test_a_bucket_is_created_read_changed_and_deleted(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)

    nothing = await clickhouse.data(READ, {"id": db})
    made = await clickhouse.data(CREATE, {"input": {"id": db, "gcp": GCP}})
    read = await clickhouse.data(READ, {"id": db})
    changed = await clickhouse.data(
        UPDATE, {"input": {"id": db, "aws": {"iamRoleArn": ROLE_ARN, "bucketPath": "s3://b"}}}
    )
    dropped = await clickhouse.data(DELETE, {"id": db})
    gone = await clickhouse.data(READ, {"id": db})

    assert nothing["database"]["clickhouse"]["backupBucket"] is None
    bucket = made["createClickHouseBackupBucket"]["backupBucket"]
    assert bucket["provider"] == "GCP" and bucket["bucketPath"] == "gs://acme-backups"
    assert bucket["accessKeyIdHint"] == "…7Q2W"  # never the whole key ID
    assert read["database"]["clickhouse"]["backupBucket"] == bucket
    aws = changed["updateClickHouseBackupBucket"]["backupBucket"]
    assert aws["provider"] == "AWS" and aws["iamRoleArn"] == ROLE_ARN
    assert dropped["deleteClickHouseBackupBucket"]["backupBucket"] is None
    assert gone["database"]["clickhouse"]["backupBucket"] is None
    log = simulator(clickhouse).log
    assert (
        log.count("POST", SVC + "/backupBucket"),
        log.count("PATCH", SVC + "/backupBucket"),
    ) == (
        1,
        1,
    )


async def test_a_bucket_is_never_cached(clickhouse: GatewayClient) -> None:
    db = await _production(clickhouse)
    await clickhouse.data(CREATE, {"input": {"id": db, "gcp": GCP}})
    simulator(clickhouse).log.clear()

    await clickhouse.data(READ, {"id": db})
    await clickhouse.data(READ, {"id": db})

    assert simulator(clickhouse).log.count("GET", SVC + "/backupBucket") == 2
    assert not _cache_holds(clickhouse, "acme-backups")


async def test_a_vendor_that_echoes_the_secret_shows_none_of_it(
    clickhouse: GatewayClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = simulator(clickhouse)
    # a hostile vendor: every bucket answer carries everything it was sent
    monkeypatch.setattr(sim, "_shown_bucket", lambda bucket: dict(bucket))
    db = await _production(clickhouse)

    made = await clickhouse.post(CREATE, {"input": {"id": db, "gcp": GCP}})
    read = await clickhouse.post(READ, {"id": db})
    azure = {"containerName": "backups", "connectionString": AZURE_SECRET}
    changed = await clickhouse.post(UPDATE, {"input": {"id": db, "azure": azure}})

    for body in (made, read, changed):
        assert "errors" not in body
        assert HMAC_SECRET not in str(body) and AZURE_SECRET not in str(body)
    assert "GOOG1EXAMPLEKEY7Q2W" not in str(read)
    assert not _cache_holds(clickhouse, HMAC_SECRET)


async def test_a_vendor_error_that_repeats_the_secret_is_blanked(
    clickhouse: GatewayClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(ctx: Any) -> Any:
        raise ApiError(400, f"Invalid HMAC secret {HMAC_SECRET}")

    sim = simulator(clickhouse)
    routes = sim.app.router.routes
    monkeypatch.setattr(sim, "_create_bucket", refuse)
    sim.app.router.routes = sim._routes()  # the handler table, with the hostile one
    db = await _production(clickhouse)

    body = await clickhouse.post(CREATE, {"input": {"id": db, "gcp": GCP}})

    sim.app.router.routes = routes
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert HMAC_SECRET not in str(body)
    assert "Invalid HMAC secret [redacted]" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("mutation", "bucket", "field"),
    [
        (CREATE, {}, "input.aws"),
        (CREATE, {"gcp": GCP, "aws": {"iamRoleArn": ROLE_ARN}}, "input.aws"),
        (CREATE, {"aws": {"iamRoleArn": ROLE_ARN}}, "input.bucketPath"),
        (CREATE, {"aws": {"bucketPath": "s3://b"}}, "input.iamRoleArn"),
        (CREATE, {"aws": {"bucketPath": "s3://b", "iamRoleArn": "admin"}}, "input.iamRoleArn"),
        (CREATE, {"gcp": GCP | {"bucketPath": None}}, "input.bucketPath"),
        (CREATE, {"gcp": GCP | {"secretAccessKey": " "}}, "input.secretAccessKey"),
        (CREATE, {"azure": {"connectionString": AZURE_SECRET}}, "input.containerName"),
        (UPDATE, {"aws": {"bucketPath": "s3://b"}}, "input.iamRoleArn"),
    ],
)
async def test_a_bucket_rule_is_checked_before_any_call(
    clickhouse: GatewayClient, mutation: str, bucket: dict[str, Any], field: str
) -> None:
    db = await _production(clickhouse)
    simulator(clickhouse).log.clear()

    body = await clickhouse.post(mutation, {"input": {"id": db, **bucket}})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert HMAC_SECRET not in str(body) and AZURE_SECRET not in str(body)
    assert simulator(clickhouse).log.entries == []


async def test_a_second_bucket_and_a_missing_one_keep_the_vendors_codes(
    clickhouse: GatewayClient,
) -> None:
    db = await _production(clickhouse)

    missing = await clickhouse.post(UPDATE, {"input": {"id": db, "gcp": GCP}})
    await clickhouse.data(CREATE, {"input": {"id": db, "gcp": GCP}})
    second = await clickhouse.post(CREATE, {"input": {"id": db, "gcp": GCP}})

    assert error_codes(missing) == ["NOT_FOUND"]
    assert error_codes(second) == ["CONFLICT"]


async def test_an_operator_cannot_move_the_backups() -> None:
    async with secured() as gw:
        nodes = (await answer(gw, OPERATOR, PRODUCTION))["data"]["databases"]["nodes"]
        gw.simulator("clickhouse").log.clear()

        body = await answer(gw, OPERATOR, CREATE, {"input": {"id": nodes[0]["id"], "gcp": GCP}})

        assert error_codes(body) == ["FORBIDDEN"]
        assert gw.simulator("clickhouse").log.entries == []


@pytest.mark.parametrize(
    "bucket",
    [
        {"gcp": GCP},  # no id: graphql-core would show the whole input it could not take
        {"id": "x", "gcp": GCP | {"region": "eu"}},
    ],
)
async def test_an_input_the_schema_cannot_take_does_not_repeat_the_secret(
    clickhouse: GatewayClient, bucket: dict[str, Any]
) -> None:
    body = await clickhouse.post(CREATE, {"input": bucket})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "has invalid value" in body["errors"][0]["message"]
    assert HMAC_SECRET not in str(body)
