"""The gateway composes as a Federation v2 subgraph: Apollo's own composition and gateway
(from the npm registry, tests/federation/package-lock.json) join it with a second subgraph
that extends Database, and queries through that router cross both.

Needs node; .ci/run installs it and runs ``npm ci --prefix tests/federation``. A checkout
without node_modules gets them from ``npm ci`` on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import selectors
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.registry import builtin_names
from tests.node_clients import needs_node
from tests.served import serve_demo

HERE = Path(__file__).parent

NO_NODE = (
    "node is not installed: the composition test runs Apollo's JavaScript "
    "composition and gateway (.ci/run installs nodejs and npm)"
)


@pytest.fixture(autouse=True)
def _needs_node() -> None:
    needs_node(NO_NODE)


THROUGH_BOTH = """{ databases(first: 200) { totalCount
                   nodes { id name connection { vendor } costCenter } } }"""

DIRECT = "{ databases(first: 200) { nodes { id name } } }"

COST_LINES = """query($ids: [ID!]!) {
  costLines(databaseIds: $ids) { costCenter database { id name status } } }"""


def cost_center_of(database_id: str) -> str:
    """The second subgraph's rule (tests/federation/cost-subgraph.mjs)."""
    return "CC-" + hashlib.sha256(database_id.encode()).hexdigest()[:6].upper()


def _install_node_modules() -> None:
    if (HERE / "node_modules" / ".package-lock.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is missing: run `npm ci --prefix tests/federation` (see .ci/run)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=600)


@contextlib.contextmanager
def federate(gateway_graphql_url: str) -> Iterator[dict[str, str]]:
    """Run federate.mjs against the gateway; yield its URLs once the router answers."""
    proc = subprocess.Popen(
        ["node", "federate.mjs", gateway_graphql_url],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + 60
            while not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                if time.monotonic() >= deadline:
                    pytest.fail("federate.mjs printed no URLs within 60 s")
        line = proc.stdout.readline()
        if not line:
            proc.wait(timeout=10)
            pytest.fail(f"federate.mjs exited {proc.returncode}: {proc.stderr.read()}")
        yield json.loads(line)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    """{"gateway": our /graphql, "router": the supergraph's endpoint}."""
    _install_node_modules()
    with serve_demo() as (base, _), federate(base + "/graphql") as started:
        yield {"gateway": base + "/graphql", "router": started["router"]}


def post(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(url, json={"query": query, "variables": variables}, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_query_through_the_router_joins_both_subgraphs(urls: dict[str, str]) -> None:
    direct = post(urls["gateway"], DIRECT)["data"]["databases"]["nodes"]

    body = post(urls["router"], THROUGH_BOTH)

    assert "errors" not in body, body["errors"]
    nodes = body["data"]["databases"]["nodes"]
    # names from the gateway, cost centers from the second subgraph, for every vendor
    assert [(n["id"], n["name"]) for n in nodes] == [(d["id"], d["name"]) for d in direct]
    assert all(n["costCenter"] == cost_center_of(n["id"]) for n in nodes)
    assert {n["connection"]["vendor"] for n in nodes} == {v.upper() for v in builtin_names()}
    assert body["data"]["databases"]["totalCount"] == len(nodes)


def test_the_router_resolves_our_databases_for_the_other_subgraph(urls: dict[str, str]) -> None:
    direct = post(urls["gateway"], DIRECT)["data"]["databases"]["nodes"][:5]
    ids = [d["id"] for d in direct]

    body = post(urls["router"], COST_LINES, {"ids": ids})

    # costLines comes from the second subgraph; each line's database from our _entities
    assert "errors" not in body, body["errors"]
    lines = body["data"]["costLines"]
    assert [line["database"]["name"] for line in lines] == [d["name"] for d in direct]
    assert [line["costCenter"] for line in lines] == [cost_center_of(i) for i in ids]


def test_a_bad_reference_fails_only_its_own_entity(urls: dict[str, str]) -> None:
    good = post(urls["gateway"], DIRECT)["data"]["databases"]["nodes"][0]

    body = post(urls["router"], COST_LINES, {"ids": [good["id"], "not-an-id"]})

    first, second = body["data"]["costLines"]
    assert first["database"]["name"] == good["name"]
    assert second == {"costCenter": cost_center_of("not-an-id"), "database": None}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["costLines", 1, "database"]
