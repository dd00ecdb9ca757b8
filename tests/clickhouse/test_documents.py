"""ClickHouse's declared paths are its OpenAPI documents' (the seed's, plus what the newer
API reference and the 2026-06 spec add that the gateway calls): the declaration the contract
suite checks requests against stays true to the vendor's own documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

from adapters.clickhouse.documents import PATHS

DATA = Path(__file__).parent / "data"
OPENAPI = DATA / "clickhouse-cloud-openapi.json"
CURRENT = DATA / "clickhouse-cloud-openapi-2026-06.json"
#: from the API reference (shared/seeds/clickhouse-cloud-api.txt), newer than the OpenAPI
REFERENCE_ONLY = {"/v1/organizations/{x}/services/{x}/backupConfiguration"}


def _templates(spec: Path, pattern: str) -> set[str]:
    return {re.sub(pattern, "{x}", p) for p in json.loads(spec.read_text())["paths"]}


def test_the_declared_paths_are_the_documented_ones() -> None:
    seed = _templates(OPENAPI, r":\w+")
    current = _templates(CURRENT, r"\{\w+\}")
    postgres = {p for p in current if "/postgres" in p}
    billing = {"/v1/organizations/{x}/usageCost", "/v1/organizations/{x}/prometheus"}
    roles = {"/v1/organizations/{x}/roles", "/v1/organizations/{x}/roles/{x}"}
    service = "/v1/organizations/{x}/services/{x}"
    extras = {
        f"{service}/upgradeWindow",
        f"{service}/clickhouseSettings",
        f"{service}/clickhouseSettings/{{x}}",
        f"{service}/serviceQueryEndpoint",
        # issue 21 items 4 and 6 (adapters.clickhouse_ops)
        f"{service}/clickhouseSettings/schema",
        f"{service}/replicaScaling",
        f"{service}/scalingSchedule",
        f"{service}/privateEndpoint",
        f"{service}/backupBucket",
        "/v1/organizations/{x}/byocInfrastructure",
        "/v1/organizations/{x}/byocInfrastructure/{x}",
    }
    clickpipes = {p for p in current if "/clickpipes" in p}
    clickstack = {p for p in current if "/clickstack" in p}

    assert set(PATHS.templates) == (
        seed | REFERENCE_ONLY | postgres | billing | roles | extras | clickpipes | clickstack
    )
    assert billing | roles | extras <= current
    # the seed's paths are the current spec's too, under its own parameter names
    assert seed | REFERENCE_ONLY <= current


def test_the_declared_query_parameters_are_documented_ones() -> None:
    documented = {
        p["name"]
        for spec in (OPENAPI, CURRENT)
        for item in json.loads(spec.read_text())["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for p in op.get("parameters", [])
        if p.get("in") == "query"
    }
    assert PATHS.query_params <= documented, sorted(PATHS.query_params - documented)
