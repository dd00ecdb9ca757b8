"""ClickHouse's declared paths are its OpenAPI document's, plus what the newer API
reference adds: the declaration the contract suite checks requests against stays true to
the vendor's own document."""

from __future__ import annotations

import json
import re
from pathlib import Path

from adapters.clickhouse.documents import PATHS

OPENAPI = Path(__file__).parent / "data" / "clickhouse-cloud-openapi.json"
#: from the API reference (shared/seeds/clickhouse-cloud-api.txt), newer than the OpenAPI
REFERENCE_ONLY = {"/v1/organizations/{x}/services/{x}/backupConfiguration"}


def test_the_declared_paths_are_the_documented_ones() -> None:
    documented = {re.sub(r":\w+", "{x}", p) for p in json.loads(OPENAPI.read_text())["paths"]}

    assert set(PATHS.templates) == documented | REFERENCE_ONLY
