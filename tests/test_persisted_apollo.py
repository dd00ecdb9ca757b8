"""Apollo Client 4 (npm, tests/clients/apollo-apq.mjs) with ``PersistedQueryLink`` against
a served gateway: the first hash-only request is PERSISTED_QUERY_NOT_FOUND and the client
falls back to sending the document; the second time the hash alone is served. With
automatic persisted queries off the client is told PERSISTED_QUERY_NOT_SUPPORTED once and
stops sending hashes. With trusted documents only, the manifest Apollo's
``generate-persisted-query-manifest`` writes is what the gateway trusts: a client sending
its IDs (``@apollo/persisted-query-lists``) and one sending the same operation's text are
served, any other document is refused (tests/clients/apollo-trusted.mjs).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from tests.node_clients import CLIENTS, run_script
from tests.served import free_port, serve_demo, serving

CONFIG = """
[[connections]]
name = "ch-acme"
vendor = "clickhouse"
simulated = true
simulator_account = "acme"

[persisted_documents]
automatic = false

[auth]
allow_anonymous = true
"""
NEW = "application/graphql-response+json"


def split(lines: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    requests = [line["request"] for line in lines if "request" in line]
    results = [line["result"] for line in lines if "result" in line]
    return requests, results


def test_apollo_client_falls_back_to_the_document_then_is_served_by_hash() -> None:
    with serve_demo() as (base, _):
        requests, results = split(run_script("apollo-apq.mjs", f"{base}/graphql", "get"))

    hashes = {r["hash"] for r in requests}
    assert len(hashes) == 1 and None not in hashes
    shape = [(r["method"], r["query"], r["status"], r["contentType"]) for r in requests]
    assert shape == [
        ("GET", False, 400, NEW),  # hash alone: PERSISTED_QUERY_NOT_FOUND
        ("POST", True, 200, NEW),  # the fallback: hash and document, registered
        ("GET", False, 200, NEW),  # the second query: the hash alone is served
    ]
    assert len(results) == 2
    for result in results:
        assert result["error"] is None
        names = [c["name"] for c in result["data"]["connections"]]
        assert "clickhouse-acme" in names


def test_apollo_client_stops_sending_hashes_when_they_are_not_supported(
    tmp_path: Path,
) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(CONFIG)
    port = free_port()
    command = [sys.executable, "-m", "gateway.cli", "--config", str(config)]
    with serving([*command, "serve", "--port", str(port)], port) as (base, _):
        requests, results = split(run_script("apollo-apq.mjs", f"{base}/graphql", "post"))

    shape = [(r["method"], r["hash"] is not None, r["query"], r["status"]) for r in requests]
    assert shape == [
        ("POST", True, False, 400),  # PERSISTED_QUERY_NOT_SUPPORTED
        ("POST", False, True, 200),  # the document, without a hash
        ("POST", False, True, 200),  # and from then on
    ]
    assert [r["error"] for r in results] == [None, None]
    assert [r["data"]["connections"][0]["name"] for r in results] == ["ch-acme", "ch-acme"]


TRUSTED_CONFIG = """
[[connections]]
name = "ch-acme"
vendor = "clickhouse"
simulated = true
simulator_account = "acme"

[persisted_documents]
manifest = "trusted/persisted-query-manifest.json"
trusted_only = true

[auth]
allow_anonymous = true
"""
GENERATOR = "node_modules/@apollo/generate-persisted-query-manifest/cli.js"


def test_apollo_clients_against_the_manifest_apollos_generator_wrote(tmp_path: Path) -> None:
    # the client's operations (tests/clients/trusted/src) through Apollo's own generator
    shutil.copytree(CLIENTS / "trusted", tmp_path / "trusted")
    run_script(
        GENERATOR, "--config", "persisted-query-manifest.config.json", cwd=tmp_path / "trusted"
    )
    manifest = tmp_path / "trusted" / "persisted-query-manifest.json"
    operations = json.loads(manifest.read_text())["operations"]
    config = tmp_path / "gateway.toml"
    config.write_text(TRUSTED_CONFIG)
    port = free_port()
    command = [sys.executable, "-m", "gateway.cli", "--config", str(config)]
    with serving([*command, "serve", "--port", str(port)], port) as (base, _):
        lines = run_script("apollo-trusted.mjs", f"{base}/graphql", str(manifest))

    requests, results = split(lines)
    assert [o["name"] for o in operations] == ["ConnectionNames"]
    assert [(r["client"], r["hash"], r["query"], r["status"]) for r in requests] == [
        ("manifest", operations[0]["id"], False, 200),  # the manifest's ID alone
        ("plain", None, True, 200),  # the same operation's text: trusted
        ("rogue", None, True, 400),  # any other document
    ]
    names = {"connections": [{"__typename": "VendorConnection", "name": "ch-acme"}]}
    assert results == [
        {"client": "manifest", "data": names, "codes": None},
        {"client": "plain", "data": names, "codes": None},
        {"client": "rogue", "data": None, "codes": ["QUERY_NOT_IN_SAFELIST"]},
    ]
