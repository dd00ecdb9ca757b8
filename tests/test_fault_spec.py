"""``--demo-faults``: the spec grammar, what a spec installs, and the CLI wiring."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from adapters.model import Vendor
from adapters.simulation.fault_spec import KEYS, FaultSpec, parse_fault_spec, parse_fault_specs
from adapters.simulation.faults import FaultInjector, FaultKind
from gateway.cli import main
from gateway.config import load_demo_config
from gateway.runtime import Runtime
from tests.gateway_client import with_open_auth

ORGANIZATIONS = "{ organizations { name connection { name } } }"


# --- grammar -----------------------------------------------------------------------------


def test_the_issue_example_parses() -> None:
    spec = parse_fault_spec("clickhouse:latency=200ms,error_rate=0.2")

    assert spec == FaultSpec(Vendor("clickhouse"), latency=0.2, error_rate=0.2)
    assert spec.error_status == 503


def test_every_key_parses() -> None:
    spec = parse_fault_spec(
        "astra: latency=1.5s, jitter=20ms, error_rate=0.1, error_status=500, "
        "throttle_rate=0.05, throttle_burst=2, retry_after=2s, hang_rate=0.01, "
        "malformed_rate=0.02, malformed=wrong-type, drop_rate=0.03, "
        r"path=/v1/.*/apps, method=get, seed=42"
    )

    assert spec == FaultSpec(
        Vendor("astra"),
        latency=1.5,
        jitter=0.02,
        error_rate=0.1,
        error_status=500,
        throttle_rate=0.05,
        throttle_burst=2,
        retry_after=2.0,
        hang_rate=0.01,
        malformed_rate=0.02,
        malformed="wrong-type",
        drop_rate=0.03,
        path="/v1/.*/apps",
        method="GET",
        seed=42,
    )


def test_every_spec_field_has_a_key() -> None:
    assert set(KEYS) == {f.name for f in dataclasses.fields(FaultSpec)} - {"vendor"}


def test_specs_come_from_repeated_flags_and_semicolons() -> None:
    specs = parse_fault_specs(["clickhouse:latency=1ms;dbaas:drop_rate=0.1;", "astra:hang_rate=1"])

    assert [s.vendor for s in specs] == [Vendor("clickhouse"), Vendor("dbaas"), Vendor("astra")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mongo:latency=1s", "unknown vendor 'mongo' (known: clickhouse, featurebase"),
        ("clickhouse", "no faults after 'clickhouse:'"),
        ("clickhouse:", "no faults after 'clickhouse:'"),
        ("clickhouse:latency=200", "latency: '200' is not a duration"),
        ("clickhouse:jitter=-5ms", "jitter: '-5ms' is not a duration"),
        ("clickhouse:error_rate=1.5", "error_rate: '1.5' is not a rate between 0 and 1"),
        ("clickhouse:error_rate=often", "error_rate: 'often' is not a rate"),
        ("clickhouse:error_status=200", "error_status: 200 is out of range (400..599)"),
        ("clickhouse:throttle_burst=0", "throttle_burst: 0 is out of range (at least 1)"),
        ("clickhouse:colour=red", "unknown key 'colour' (one of latency, jitter"),
        ("clickhouse:latency=1s,,drop_rate=0.1", "an empty setting"),
        ("clickhouse:error_rate", "'error_rate' needs a value"),
        ("clickhouse:error_rate=", "'error_rate' needs a value"),
        ("clickhouse:drop_rate=0.1,drop_rate=0.2", "'drop_rate' is given twice"),
        ("clickhouse:malformed=xml", "malformed: 'xml' is not one of html, truncated"),
        ("clickhouse:path=(", "path: '(' is not a regular expression"),
        ("clickhouse:method=G-T", "method: 'G-T' is not an HTTP method"),
        ("clickhouse:error_rate=0.6,drop_rate=0.6", "the rates add up to 1.2, more than 1"),
    ],
)
def test_a_bad_spec_names_the_bad_part(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(f"'{text}'")) as raised:
        parse_fault_spec(text)

    assert message in str(raised.value)


# --- what a spec installs ----------------------------------------------------------------


def _kinds(spec: str, requests: int = 2000) -> Counter[str]:
    faults = FaultInjector()
    parse_fault_spec(spec).install(faults)
    plans = [faults.plan("GET", "/v1/organizations") for _ in range(requests)]
    return Counter(p.fault.kind.value if p.fault and p.fault.kind else "ok" for p in plans)


def test_each_rate_is_its_share_of_all_requests() -> None:
    kinds = _kinds(
        "dbaas:seed=1,error_rate=0.2,drop_rate=0.1,hang_rate=0.1,malformed_rate=0.1", 4000
    )

    assert kinds["error"] == pytest.approx(800, rel=0.15)
    assert kinds["drop"] == pytest.approx(400, rel=0.15)
    assert kinds["hang"] == pytest.approx(400, rel=0.15)
    assert kinds["malformed"] == pytest.approx(400, rel=0.15)


def test_rates_that_add_up_to_one_leave_no_request_alone() -> None:
    kinds = _kinds("dbaas:seed=1,error_rate=0.5,drop_rate=0.5")

    assert kinds["ok"] == 0
    assert kinds["error"] + kinds["drop"] == 2000


def test_a_seeded_spec_rolls_the_same_dice_every_run() -> None:
    spec = "clickhouse:seed=3,latency=10ms,jitter=5ms,error_rate=0.3,throttle_rate=0.1"

    assert _kinds(spec) == _kinds(spec)


def test_latency_and_jitter_apply_to_every_matching_request() -> None:
    faults = FaultInjector()
    parse_fault_spec("astra:latency=200ms,jitter=50ms,path=/a/.*,method=POST").install(faults)

    matching = [faults.plan("POST", "/a/b").delay for _ in range(50)]
    other_path, other_method = faults.plan("POST", "/b"), faults.plan("GET", "/a/b")

    assert all(0.2 <= d <= 0.25 for d in matching)
    assert other_path.delay == other_method.delay == 0.0


def test_throttling_installs_bursts_with_retry_after_in_whole_seconds() -> None:
    faults = FaultInjector()
    parse_fault_spec("dbaas:throttle_rate=1,throttle_burst=4,retry_after=1500ms").install(faults)

    (fault,) = faults.faults

    assert (fault.kind, fault.status, fault.burst) == (FaultKind.ERROR, 429, 4)
    assert fault.headers["Retry-After"] == "2"


# --- the runtime and the CLI -------------------------------------------------------------


async def _post(app: Starlette, query: str) -> Any:
    """One GraphQL request into the app uvicorn would have served (startup as its lifespan)."""
    runtime = app.state.runtime
    runtime.start()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
        ) as http:
            return (await http.post("/graphql", json={"query": query})).json()
    finally:
        await runtime.close()


def test_the_runtime_installs_faults_on_simulators_built_before_and_after() -> None:
    runtime = Runtime(load_demo_config())
    before = runtime.simulator(Vendor("clickhouse"))

    runtime.install_faults(parse_fault_specs(["clickhouse:error_rate=1;astra:drop_rate=1"]))
    after = runtime.simulator(Vendor("astra"))

    assert [f.kind for f in before.faults.faults] == [FaultKind.ERROR]
    assert [f.kind for f in after.faults.faults] == [FaultKind.DROP]
    assert runtime.simulator(Vendor("dbaas")).faults.faults == []


def test_serve_with_a_bad_spec_is_a_configuration_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["serve", "--demo-faults", "clickhouse:latency=fast"])

    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("dbaas-gateway: configuration error: --demo-faults ")
    assert "latency: 'fast' is not a duration" in err


def test_serve_refuses_faults_for_a_vendor_without_a_simulated_connection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(
        with_open_auth('[[connections]]\nname = "ch"\nvendor = "clickhouse"\nsimulated = true\n')
    )

    code = main(["--config", str(config), "--demo-faults", "astra:drop_rate=0.1"])

    assert code == 2
    assert "no simulated astra connection" in capsys.readouterr().err


def test_serve_applies_the_faults_to_the_apps_simulators(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app))

    code = main(
        ["serve", "--demo-faults", "clickhouse:error_rate=1,error_status=403", "--log-level=error"]
    )
    body = asyncio.run(_post(served["app"], ORGANIZATIONS))

    assert code == 0
    assert "injecting simulator faults: clickhouse" in capsys.readouterr().out
    failed = {e["extensions"]["connection"] for e in body["errors"]}
    assert failed == {"clickhouse-acme", "clickhouse-globex"}
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}
    assert {o["connection"]["name"] for o in body["data"]["organizations"]} >= {"dbaas", "astra"}
