"""A FeatureBase database's metrics (issue 21 item 8), end to end: read from the query host
(``https://query.featurebase.com/v2``) with the connection's own credentials, as typed
samples; no call for a database that cannot be queried; bad names refused first; a hostile
answer is bounded. The reader itself is tested on the seed's example text."""

from __future__ import annotations

import httpx
import pytest

from adapters.featurebase.openmetrics import parse
from adapters.featurebase.query_host import MAX_SAMPLES
from adapters.featurebase.sim.simulator import FeatureBaseSimulator
from tests.featurebase.conftest import KEY_TOML, LOGIN_TOML, gateway_over
from tests.featurebase.helpers import database_gid, database_native_id
from tests.gateway_client import GatewayClient, error_codes

METRICS = """query($id: ID!, $names: [String!]) { database(id: $id) { featurebase {
  metrics(names: $names) { truncated samples { name type help value labels { name value } } }
} } }"""

#: the seed's example, one sample per family, as the vendor writes it (one per line)
SEED_EXAMPLE = """\
# HELP pilosa_key_translation_total_writes total writes (add/delete) to key translation stores
# TYPE pilosa_key_translation_total_writes unknown
pilosa_key_translation_total_writes{fb_node_id="b4083209-eeed-46b0-b319-3282b36bc383"} 2.881812e+06
# HELP go_memstats_gc_sys_bytes Number of bytes used for garbage collection system metadata.
# TYPE go_memstats_gc_sys_bytes gauge
go_memstats_gc_sys_bytes{fb_node_id="b4083209-eeed-46b0-b319-3282b36bc383"} 1.594612e+07
"""


def test_the_seeds_example_reads_as_typed_samples() -> None:
    found = parse(SEED_EXAMPLE, None, 10)

    first, second = found.samples
    assert first.name == "pilosa_key_translation_total_writes" and first.type == "unknown"
    assert first.labels == (("fb_node_id", "b4083209-eeed-46b0-b319-3282b36bc383"),)
    assert first.value == 2.881812e06
    assert second.help == "Number of bytes used for garbage collection system metadata."
    assert not found.truncated


def test_unreadable_lines_are_skipped_and_odd_values_are_null() -> None:
    text = 'ok 1\nbroken{a="x" 2\nnan_one NaN\n{}{} 3\nlabelled{a="q\\"uote"} +Inf\nword abc\n'

    found = parse(text, None, 10)

    assert [(s.name, s.value) for s in found.samples] == [
        ("ok", 1.0),
        ("nan_one", None),
        ("labelled", None),
    ]
    assert found.samples[2].labels == (("a", 'q"uote'),)


def test_samples_are_bounded_and_filtered() -> None:
    text = "".join(f"m_{n % 3} {n}\n" for n in range(50))

    assert parse(text, None, 10).truncated
    assert len(parse(text, None, 10).samples) == 10
    assert {s.name for s in parse(text, frozenset({"m_1"}), 100).samples} == {"m_1"}


@pytest.mark.parametrize("toml", [KEY_TOML, LOGIN_TOML])
async def test_a_running_databases_metrics_come_from_the_query_host(
    sim: FeatureBaseSimulator, toml: str
) -> None:
    connection = "fb-key" if toml is KEY_TOML else "fb-login"
    async with gateway_over(sim, toml) as gw:
        data = await gw.data(METRICS, {"id": database_gid("analytics-prod", connection)})

    metrics = data["database"]["featurebase"]["metrics"]
    names = {s["name"] for s in metrics["samples"]}
    assert names == {
        "pilosa_key_translation_total_writes",
        "go_memstats_gc_sys_bytes",
        "go_memstats_last_gc_time_seconds",
    }
    gauge = next(s for s in metrics["samples"] if s["name"] == "go_memstats_gc_sys_bytes")
    assert gauge["type"] == "gauge" and gauge["labels"][0]["name"] == "fb_node_id"
    assert isinstance(gauge["value"], float)
    path = f"/v2/databases/{database_native_id('analytics-prod')}/metrics"
    assert sim.query_log.count("GET", path) == 1
    assert sim.log.count("GET", path) == 0  # never the API host


async def test_names_keep_only_those_metrics(fb_key: GatewayClient) -> None:
    data = await fb_key.data(
        METRICS, {"id": database_gid("analytics-prod"), "names": ["go_memstats_gc_sys_bytes"]}
    )

    samples = data["database"]["featurebase"]["metrics"]["samples"]
    assert samples and {s["name"] for s in samples} == {"go_memstats_gc_sys_bytes"}


async def test_a_database_that_cannot_be_queried_costs_no_call(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    data = await fb_key.data(METRICS, {"id": database_gid("new-ingest")})  # CREATING

    assert data["database"]["featurebase"]["metrics"] is None
    assert sim.query_log.count() == 0


async def test_bad_names_are_refused_before_any_call(
    fb_key: GatewayClient, sim: FeatureBaseSimulator
) -> None:
    body = await fb_key.post(METRICS, {"id": database_gid("analytics-prod"), "names": ["a b", "}"]})

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["data"]["database"]["featurebase"]["metrics"] is None
    assert sim.query_log.count() == 0


async def test_a_flood_of_samples_is_cut_at_the_bound(sim: FeatureBaseSimulator) -> None:
    flood = "".join(f'flood{{n="{n}"}} {n}\n' for n in range(MAX_SAMPLES + 500))

    async def hostile(scope, receive, send):  # type: ignore[no-untyped-def]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": flood.encode()})

    sim.query_app = hostile  # type: ignore[assignment]
    async with gateway_over(sim, KEY_TOML) as gw:
        data = await gw.data(METRICS, {"id": database_gid("analytics-prod")})

    metrics = data["database"]["featurebase"]["metrics"]
    assert metrics["truncated"] and len(metrics["samples"]) == MAX_SAMPLES


async def test_the_query_host_refusing_the_credentials_is_an_error_not_a_null(
    sim: FeatureBaseSimulator,
) -> None:
    async def refusing(scope, receive, send):  # type: ignore[no-untyped-def]
        body = httpx.Response(401, json={"code": "Unauthorized", "message": "no"}).content
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    sim.query_app = refusing  # type: ignore[assignment]
    async with gateway_over(sim, KEY_TOML) as gw:
        body = await gw.post(METRICS, {"id": database_gid("analytics-prod")})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"]["database"]["featurebase"]["metrics"] is None
