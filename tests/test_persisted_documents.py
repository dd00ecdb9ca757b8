"""Persisted documents over HTTP: Apollo's automatic persisted queries (hash only, hash
and document, GET and POST, the hash checked, the store bounded and shared through Redis)
and trusted documents (a manifest in Apollo's or GraphQL Codegen's format, and
``trusted_only``, which refuses everything else, over WebSocket too).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from gateway.cli import startup_lines
from gateway.config import ConfigError, parse_config
from tests.gateway_client import GatewayClient, error_codes
from tests.redis_server import CACHE_KEY, CACHE_KEY_ENV, RedisServer
from tests.served import free_port, serving
from tests.test_scale_out import redis_config

CONNECTION = """
[[connections]]
name = "ch-acme"
vendor = "clickhouse"
simulated = true
simulator_account = "acme"
"""
QUERY = "query Names { connections { name } }"
OTHER = "query Vendors { connections { vendor } }"
MUTATION = 'mutation Forget { deleteDatabase(input: { id: "x" }) { deletedId } }'
NEW = "application/graphql-response+json"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(sha256: object, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha256}}


async def send(
    gw: GatewayClient,
    document: str | None,
    extensions: Any,
    *,
    get: bool = False,
    accept: str | None = None,
    operation_name: Any = None,
) -> Any:
    headers = {} if accept is None else {"Accept": accept}
    if get:
        params = {"extensions": json.dumps(extensions)}
        if document is not None:
            params["query"] = document
        return await gw.http.get("/graphql", params=params, headers=headers)
    body: dict[str, Any] = {"extensions": extensions}
    if document is not None:
        body["query"] = document
    if operation_name is not None:
        body["operationName"] = operation_name
    return await gw.http.post("/graphql", json=body, headers=headers)


def gateway(table: str = "", base: str = CONNECTION) -> GatewayClient:
    return GatewayClient.from_toml(base + (f"[persisted_documents]\n{table}" if table else ""))


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with gateway() as client:
        yield client


@pytest.mark.parametrize("get", [False, True], ids=["POST", "GET"])
async def test_a_hash_alone_is_not_found_then_served_once_the_document_was_sent(
    gw: GatewayClient, get: bool
) -> None:
    first = await send(gw, None, persisted(sha(QUERY)), get=get)
    registered = await send(gw, QUERY, persisted(sha(QUERY)), get=get)
    by_hash = await send(gw, None, persisted(sha(QUERY)), get=get)

    assert first.status_code == 200
    assert first.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    assert registered.json() == {"data": {"connections": [{"name": "ch-acme"}]}}
    assert by_hash.json() == registered.json()


async def test_not_found_is_a_400_request_error_under_the_new_media_type(
    gw: GatewayClient,
) -> None:
    response = await send(gw, None, persisted(sha(OTHER)), accept=NEW)

    assert (response.status_code, response.headers["content-type"]) == (400, NEW)
    assert "data" not in response.json()
    assert error_codes(response.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_the_hash_must_be_the_documents(gw: GatewayClient) -> None:
    wrong = await send(gw, QUERY, persisted(sha(OTHER)))
    afterwards = await send(gw, None, persisted(sha(OTHER)))

    assert wrong.status_code == 400
    assert error_codes(wrong.json()) == ["BAD_REQUEST"]
    assert wrong.json()["errors"][0]["message"] == "provided sha does not match query"
    # the mismatched document was not registered under either hash
    assert error_codes(afterwards.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_an_upper_case_hash_is_the_same_hash(gw: GatewayClient) -> None:
    await send(gw, QUERY, persisted(sha(QUERY).upper()))
    response = await send(gw, None, persisted(sha(QUERY)))

    assert response.json() == {"data": {"connections": [{"name": "ch-acme"}]}}


async def test_a_document_that_does_not_validate_is_not_registered(gw: GatewayClient) -> None:
    broken = "{ connections { noSuchField } }"
    sent = await send(gw, broken, persisted(sha(broken)))
    by_hash = await send(gw, None, persisted(sha(broken)))

    assert sent.json()["errors"][0]["message"].startswith("Cannot query field")
    assert error_codes(by_hash.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_a_persisted_mutation_is_refused_over_get(gw: GatewayClient) -> None:
    await send(gw, MUTATION, persisted(sha(MUTATION)))
    response = await send(gw, None, persisted(sha(MUTATION)), get=True)

    assert response.status_code == 405
    assert error_codes(response.json()) == ["METHOD_NOT_ALLOWED"]


HOSTILE = {
    "number": persisted(5),
    "list": persisted([sha(QUERY)]),
    "object": persisted({"$gt": ""}),
    "empty": persisted(""),
    "short": persisted(sha(QUERY)[:63]),
    "not hex": persisted("z" * 64),
    "huge": persisted("a" * 100_000),
    "unicode": persisted("\u00e9" * 64),
    "nul": persisted("\0" * 64),
    "traversal": persisted("../" * 20),
    "version 2": persisted(sha(QUERY), version=2),
    "version true": persisted(sha(QUERY), version=True),
    "no version": {"persistedQuery": {"sha256Hash": sha(QUERY)}},
    "not an object": {"persistedQuery": "yes"},
    "a list": {"persistedQuery": [1]},
}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_a_malformed_persisted_query_is_a_coded_400(gw: GatewayClient, name: str) -> None:
    response = await send(gw, None, HOSTILE[name])

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert error_codes(response.json()) == ["BAD_REQUEST"]
    assert "persistedQuery" in response.json()["errors"][0]["message"]
    assert "aaaaaaaaaa" not in response.text  # the hash is not echoed


async def test_a_non_string_operation_name_is_refused_before_the_hash_is_read(
    gw: GatewayClient,
) -> None:
    response = await send(gw, None, persisted(sha(QUERY)), operation_name=["Names"])

    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]


async def test_extensions_that_are_not_an_object_are_a_coded_400(gw: GatewayClient) -> None:
    response = await gw.http.get(
        "/graphql", params={"query": QUERY, "extensions": '"persistedQuery"'}
    )

    assert response.status_code == 400
    assert error_codes(response.json()) == ["BAD_REQUEST"]


async def test_with_automatic_off_a_hash_is_not_supported() -> None:
    async with gateway("automatic = false") as gw:
        alone = await send(gw, None, persisted(sha(QUERY)))
        with_document = await send(gw, QUERY, persisted(sha(QUERY)))
        plain = await gw.post(QUERY)

    for response in (alone, with_document):
        assert response.json()["errors"] == [
            {
                "message": "PersistedQueryNotSupported",
                "extensions": {"code": "PERSISTED_QUERY_NOT_SUPPORTED"},
            }
        ]
    assert plain == {"data": {"connections": [{"name": "ch-acme"}]}}


async def test_the_store_keeps_at_most_max_entries() -> None:
    documents = [f"query Q{i} {{ connections {{ name }} }}" for i in range(3)]
    async with gateway("max_entries = 2") as gw:
        for document in documents:
            await send(gw, document, persisted(sha(document)))
        answers = [await send(gw, None, persisted(sha(d))) for d in documents]

    assert error_codes(answers[0].json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert [a.json().get("errors") for a in answers[1:]] == [None, None]


async def test_instances_sharing_redis_share_the_documents(redis_server: RedisServer) -> None:
    config = redis_config(redis_server.url) + "[persisted_documents]\nmax_entries = 2\n"
    env = {CACHE_KEY_ENV: CACHE_KEY}
    documents = [f"query Q{i} {{ connections {{ name }} }}" for i in range(3)]
    async with (
        GatewayClient.from_toml(config, env) as a,
        GatewayClient.from_toml(config, env) as b,
    ):
        await send(a, QUERY, persisted(sha(QUERY)))
        on_b = await send(b, None, persisted(sha(QUERY)))
        for document in documents:  # through both instances, the bound is one
            await send(b, document, persisted(sha(document)))
        evicted = await send(a, None, persisted(sha(QUERY)))
        kept = await send(a, None, persisted(sha(documents[-1])))

    assert on_b.json() == {"data": {"connections": [{"name": "ch-acme"}]}}
    assert error_codes(evicted.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert kept.json() == on_b.json()
    keys = redis_server.client().keys("dbgw:doc:*")
    assert len([k for k in keys if not k.endswith(b"index")]) == 2


async def test_a_document_swapped_in_redis_under_another_hash_is_not_run(
    redis_server: RedisServer,
) -> None:
    env = {CACHE_KEY_ENV: CACHE_KEY}
    async with GatewayClient.from_toml(redis_config(redis_server.url), env) as gw:
        await send(gw, QUERY, persisted(sha(QUERY)))
        # someone with write access to Redis puts another document under QUERY's hash
        redis_server.client().set(f"dbgw:doc:{sha(QUERY)}", OTHER)
        response = await send(gw, None, persisted(sha(QUERY)))

    assert error_codes(response.json()) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_while_redis_is_away_a_hash_is_not_found_and_the_document_still_runs(
    redis_server: RedisServer,
) -> None:
    async with GatewayClient.from_toml(
        redis_config(redis_server.url), {CACHE_KEY_ENV: CACHE_KEY}
    ) as gw:
        redis_server.kill()
        alone = await send(gw, None, persisted(sha(QUERY)))
        with_document = await send(gw, QUERY, persisted(sha(QUERY)))

    assert error_codes(alone.json()) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert with_document.json() == {"data": {"connections": [{"name": "ch-acme"}]}}


# --- trusted documents -----------------------------------------------------------------


def apollo_manifest(*documents: str) -> dict[str, Any]:
    return {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": sha(d), "name": d.split()[1], "type": "query", "body": d} for d in documents
        ],
    }


def codegen_manifest(*documents: str) -> dict[str, str]:
    return {sha(d): d for d in documents}


def trusted_gateway(tmp_path: Path, manifest: Any, table: str = "trusted_only = true") -> Any:
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    text = CONNECTION + f'[persisted_documents]\nmanifest = "manifest.json"\n{table}\n'
    config = parse_config(
        text + '[auth]\nallow_anonymous = true\nanonymous_role = "admin"\n',
        "test.toml",
        {},
        base_dir=tmp_path,
    )
    return GatewayClient(config)


@pytest.mark.parametrize("make", [apollo_manifest, codegen_manifest], ids=["apollo", "codegen"])
async def test_trusted_only_runs_the_manifest_and_refuses_the_rest(
    tmp_path: Path, make: Any
) -> None:
    async with trusted_gateway(tmp_path, make(QUERY)) as gw:
        by_id = await send(gw, None, persisted(sha(QUERY)), get=True)
        by_text = await gw.http.post("/graphql", json={"query": QUERY})
        both = await send(gw, QUERY, persisted(sha(QUERY)))
        other = await gw.http.post("/graphql", json={"query": OTHER}, headers={"Accept": NEW})
        unknown_id = await send(gw, None, persisted(sha(OTHER)))
        registering = await send(gw, OTHER, persisted(sha(OTHER)))
        lying = await send(gw, OTHER, persisted(sha(QUERY)))

    ok = {"data": {"connections": [{"name": "ch-acme"}]}}
    assert by_id.json() == by_text.json() == both.json() == ok
    assert (other.status_code, error_codes(other.json())) == (400, ["QUERY_NOT_IN_SAFELIST"])
    assert "data" not in other.json()
    assert error_codes(unknown_id.json()) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert error_codes(registering.json()) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert lying.status_code == 400
    assert error_codes(lying.json()) == ["BAD_REQUEST"]


async def test_a_manifest_without_trusted_only_adds_to_automatic_persisted_queries(
    tmp_path: Path,
) -> None:
    custom = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": "names-v1", "name": "Names", "type": "query", "body": QUERY}],
    }
    async with trusted_gateway(tmp_path, custom, table="") as gw:
        by_custom_id = await send(gw, None, persisted("names-v1"))
        other = await gw.post(OTHER)

    assert by_custom_id.json() == {"data": {"connections": [{"name": "ch-acme"}]}}
    assert other == {"data": {"connections": [{"vendor": "CLICKHOUSE"}]}}


def test_trusted_only_holds_over_websocket(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(codegen_manifest(QUERY)))
    port = free_port()
    config = tmp_path / "gateway.toml"
    config.write_text(
        CONNECTION
        + '[persisted_documents]\nmanifest = "manifest.json"\ntrusted_only = true\n'
        + '[auth]\nallow_anonymous = true\nanonymous_role = "admin"\n'
    )
    command = [sys.executable, "-m", "gateway.cli", "--config", str(config), "serve"]
    command += ["--port", str(port)]

    async def exchange(url: str) -> list[Any]:
        async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            answers = []
            for i, document in enumerate((OTHER, QUERY)):
                message = {"id": str(i), "type": "subscribe", "payload": {"query": document}}
                await ws.send(json.dumps(message))
                answers.append(json.loads(await ws.recv()))
            return answers

    with serving(command, port) as (base, _):
        refused, served = asyncio.run(exchange(base.replace("http", "ws") + "/graphql"))

    assert refused["type"] == "error"
    assert error_codes({"errors": refused["payload"]}) == ["QUERY_NOT_IN_SAFELIST"]
    assert served["type"] == "next"
    assert served["payload"] == {"data": {"connections": [{"name": "ch-acme"}]}}


BAD_MANIFESTS = {
    "not json": (b"{nope", "is not UTF-8 JSON"),
    "a list": (b"[]", "not a manifest"),
    "other format": (
        json.dumps({"format": "relay", "version": 1, "operations": []}).encode(),
        "unknown manifest format",
    ),
    "version 2": (
        json.dumps({"format": "apollo-persisted-query-manifest", "version": 2}).encode(),
        "unknown manifest format",
    ),
    "operations not a list": (
        json.dumps({"format": "apollo-persisted-query-manifest", "version": 1}).encode(),
        '"operations" is not a list',
    ),
    "operation not an object": (
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": [1]}
        ).encode(),
        "operation #1 is not an object",
    ),
    "bad id": (json.dumps({"<script>": QUERY}).encode(), "is not 1-128 letters"),
    "body not a string": (json.dumps({sha(QUERY): 5}).encode(), "the body is not a document"),
    "empty body": (json.dumps({sha(QUERY): "  "}).encode(), "the body is not a document"),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "is not UTF-8 JSON"),
    "latin-1": ('{"a": "\u00e9"}'.encode("latin-1"), "is not UTF-8 JSON"),
}


@pytest.mark.parametrize("name", list(BAD_MANIFESTS))
def test_a_bad_manifest_stops_startup_with_one_line(tmp_path: Path, name: str) -> None:
    content, problem = BAD_MANIFESTS[name]
    (tmp_path / "manifest.json").write_bytes(content)

    with pytest.raises(ConfigError) as raised:
        parse_config(
            CONNECTION + '[persisted_documents]\nmanifest = "manifest.json"\n[auth]\n'
            "allow_anonymous = true\n",
            "gw.toml",
            {},
            base_dir=tmp_path,
        )

    message = str(raised.value)
    assert message.startswith("gw.toml: [persisted_documents]: field 'manifest': ")
    assert problem in message
    assert "\n" not in message


def test_a_huge_manifest_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gateway.trusted_manifest as trusted

    monkeypatch.setattr(trusted, "MAX_MANIFEST_BYTES", 1000)
    monkeypatch.setattr(trusted, "MAX_OPERATIONS", 3)
    (tmp_path / "big.json").write_text(json.dumps({"x": "{ a }" * 1000}))
    (tmp_path / "many.json").write_text(
        json.dumps({f"id{i}": f"query Q{i} {{ a }}" for i in range(4)})
    )

    for name, problem in (("big", "larger than 1000 bytes"), ("many", "more than 3")):
        with pytest.raises(ConfigError, match=problem):
            parse_config(
                CONNECTION + f'[persisted_documents]\nmanifest = "{name}.json"\n[auth]\n'
                "allow_anonymous = true\n",
                "gw.toml",
                {},
                base_dir=tmp_path,
            )


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ("trusted_only = true", "field 'trusted_only': needs a manifest"),
        ('manifest = "missing.json"', "field 'manifest': cannot read"),
        ("max_entries = 0", "field 'max_entries'"),
        ("ttl_seconds = nan", "field 'ttl_seconds'"),
        ("automatic = 1", "field 'automatic'"),
        ("hashes = true", "unknown field 'hashes'"),
    ],
)
def test_bad_persisted_settings_are_refused(tmp_path: Path, table: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        parse_config(
            CONNECTION + f"[persisted_documents]\n{table}\n[auth]\nallow_anonymous = true\n",
            "gw.toml",
            {},
            base_dir=tmp_path,
        )


def test_startup_says_which_documents_run(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(codegen_manifest(QUERY, OTHER)))
    auth = "[auth]\nallow_anonymous = true\n"

    def said(table: str) -> list[str]:
        text = CONNECTION + f"[persisted_documents]\n{table}\n" + auth
        config = parse_config(text, "gw.toml", {}, base_dir=tmp_path)
        return [
            line
            for line in startup_lines(config, "http://h/graphql")
            if "document" in line or "persisted" in line
        ]

    manifest = 'manifest = "manifest.json"'
    assert said("") == []
    assert said("automatic = false") == ["automatic persisted queries off"]
    assert said(manifest) == [
        f"trusted documents: 2 operation(s) from {tmp_path / 'manifest.json'}, served beside "
        "automatic persisted queries"
    ]
    assert said(f"{manifest}\ntrusted_only = true") == [
        f"trusted documents only: 2 operation(s) from {tmp_path / 'manifest.json'}; every "
        "other document is refused"
    ]
