"""A hostile or broken vendor (or a proxy or WAF in front of it) cannot leak the gateway's
credentials, disable a connection, spoil an answer's JSON, fill memory or crash a request.

Every vendor runs behind a proxy from ``tests.hostile_upstream``; the answers are searched
for exactly what the proxy echoed, and the leak guard searches them too.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import gzip
import json
import math
import uuid
from collections.abc import Iterable
from typing import Any

import pytest

from adapters import registry
from adapters.upstream.scrub import MAX_VENDOR_TEXT
from gateway.answers import encode_answer
from gateway.app import GatewayGraphQL
from tests.gateway_client import GatewayClient, connections_toml
from tests.hostile_upstream import EchoingProxy, Scripted, ScriptedProxy, install
from tests.vendors import demo_account_connections

#: every credential form every vendor seeds, each its own connection
TABLES = demo_account_connections()
CONNECTIONS = tuple(table["name"] for table in TABLES)

#: every connection makes at least one upstream call (DBaaS names its organization from the
#: configuration, so only its databases call)
EVERY_CONNECTION = "{ organizations { name } databases(first: 1) { nodes { name } } }"
ORGANIZATIONS = "{ organizations { name } }"
HEALTH = "{ connections { name health { lastError } } }"
READ_ALL = """
{ organizations { id name raw members { name email raw } apiKeys { name raw }
    databases(first: 50) { nodes { name raw backups { name raw } } } } }
"""


def gateway(attempts: int = 1, max_bytes: int = 16 * 1024 * 1024) -> GatewayClient:
    connections = connections_toml(
        TABLES,
        retry_attempts=attempts,
        max_retry_after_seconds=0.5,
        max_response_bytes=max_bytes,
    )
    return GatewayClient.from_toml(f"[server]\nrequest_timeout_seconds = 5\n\n{connections}")


def behind(
    client: GatewayClient, make: Any, vendors: Iterable[str] = registry.builtin_names()
) -> None:
    for vendor in vendors:
        install(client.simulator(vendor), make)


def strict_json(text: str) -> Any:
    """JSON as a browser's ``JSON.parse`` reads it: no NaN, no Infinity."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the answer")

    return json.loads(text, parse_constant=refuse)


def echoing(**options: Any) -> tuple[list[EchoingProxy], Any]:
    """The proxies made so far, and a maker for ``behind`` that records each."""
    proxies: list[EchoingProxy] = []

    def make(app: Any) -> EchoingProxy:
        proxies.append(EchoingProxy(app, **options))
        return proxies[-1]

    return proxies, make


def codes_by_connection(body: dict[str, Any]) -> dict[str, str]:
    return {e["extensions"]["connection"]: e["extensions"]["code"] for e in body["errors"]}


def shown(proxies: list[EchoingProxy], text: str) -> list[str]:
    return sorted(word for proxy in proxies for word in proxy.echoed if word in text)


# -- 1. no credential in any answer ------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 502, 503])
async def test_a_vendor_error_that_echoes_the_credentials_shows_none_of_them(status: int) -> None:
    proxies, make = echoing(status=status)

    client = gateway()
    behind(client, make)
    async with client:
        answer = await client.http.post("/graphql", json={"query": EVERY_CONNECTION})
        health = await client.http.post("/graphql", json={"query": HEALTH})

    assert all(p.echoed for p in proxies)  # every vendor was sent credentials and echoed them
    assert set(codes_by_connection(answer.json())) == set(CONNECTIONS)
    assert "[redacted]" in answer.text  # the echo reached the gateway, and stopped there
    assert shown(proxies, answer.text + health.text) == []


async def test_records_that_echo_the_credentials_show_none_of_them() -> None:
    proxies, make = echoing()

    client = gateway()
    behind(client, make)
    async with client:
        answer = await client.http.post("/graphql", json={"query": READ_ALL})

    body = answer.json()
    assert "errors" not in body, body["errors"]
    assert all(p.echoed for p in proxies)
    databases = [db for org in body["data"]["organizations"] for db in org["databases"]["nodes"]]
    assert databases
    # the echo is in every record the proxy passed on (its own field, whatever the vendor
    # calls a name), and reached the caller scrubbed
    assert all("[redacted]" in db["raw"]["echo"] for db in databases)
    # the FeatureBase login's token was learned from the header it went out in
    assert any(word.count(".") == 2 for p in proxies for word in p.echoed)
    assert shown(proxies, answer.text) == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
async def test_records_echoed_in_another_unicode_encoding_show_none_of_them(
    encoding: str,
) -> None:
    proxies, make = echoing(encoding=encoding)

    client = gateway()
    behind(client, make)
    async with client:
        answer = await client.http.post("/graphql", json={"query": EVERY_CONNECTION})

    assert "errors" not in answer.json()
    assert "[redacted]" in answer.text
    assert shown(proxies, answer.text) == []


async def test_what_the_cache_keeps_holds_no_learned_credential() -> None:
    # another instance reading the shared cache never sent this instance's login token,
    # so it could not scrub it: the entry must be scrubbed before it is stored
    proxies, make = echoing()

    client = gateway()
    behind(client, make, ("featurebase",))
    async with client:
        await client.post(EVERY_CONNECTION)
        stored = [entry.body.decode("utf-8", "replace") for entry in client.cached_entries()]

    tokens = {w for p in proxies for w in p.echoed if w.count(".") == 2}
    assert tokens and stored
    assert [t for t in tokens if any(t in body for body in stored)] == []


async def test_a_token_the_vendor_issues_cannot_blank_another_vendors_answer() -> None:
    # a hostile identity host issues a token that is an ordinary word of other answers
    login = Scripted(200, b'{"AuthenticationResult": {"IdToken": "result", "ExpiresIn": 3600}}')
    client = gateway()
    install(client.simulator("featurebase"), lambda app: ScriptedProxy(app, {("POST", ""): login}))
    async with client:
        first = await client.post(EVERY_CONNECTION)
        again = await client.post(EVERY_CONNECTION)

    for body in (first, again):
        assert set(codes_by_connection(body)) <= {"featurebase-demo-user"}


async def test_a_vendor_error_message_of_megabytes_reaches_the_caller_bounded() -> None:
    huge = json.dumps({"error": "x" * 5_000_000, "requestId": "r" * 10_000}).encode()

    client = gateway()
    behind(client, lambda app: ScriptedProxy(app, {("GET", ""): Scripted(500, huge)}))
    async with client:
        body = await client.post(EVERY_CONNECTION)

    assert set(codes_by_connection(body)) == set(CONNECTIONS)
    for error in body["errors"]:
        assert len(error["message"]) < MAX_VENDOR_TEXT + 200
        assert len(error["extensions"].get("upstreamRequestId", "")) <= 200
    clickhouse = next(e for e in body["errors"] if e["extensions"]["vendor"] == "clickhouse")
    assert "[truncated 4999500 characters]" in clickhouse["message"]


# -- 6. a vendor cannot disable a connection -------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Retry-After", "3600"),
        ("Retry-After", "inf"),
        ("Retry-After", "nan"),
        ("Retry-After", "1e999"),
        ("Retry-After", "Fri, 31 Dec 2999 23:59:59 GMT"),
        ("X-RateLimit-Reset", "99999999999"),
    ],
)
async def test_one_429_asking_for_forever_does_not_disable_the_connection(
    header: str, value: str
) -> None:
    too_many = Scripted(429, b'{"status": 429, "error": "slow down"}', {header: value}, times=1)

    client = gateway()
    behind(
        client,
        lambda app: ScriptedProxy(app, {("GET", "/v1/organizations"): too_many}),
        ("clickhouse",),
    )
    async with client:
        refused = await client.http.post("/graphql", json={"query": ORGANIZATIONS})
        later = await client.post(ORGANIZATIONS)

    error = strict_json(refused.text)["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"].get("retryAfter", 0) <= 0.5
    # the connection waits at most the cap, well within the request's 5 s deadline
    assert "errors" not in later, later["errors"]


# -- 7. every answer is strict JSON ----------------------------------------------------------


def _with_non_finite_numbers(body: Any) -> Any:
    for record in body["result"]:
        record["score"] = float("nan")
        record["limit"] = float("inf")
        record["floor"] = float("-inf")
    return body


async def test_nan_and_infinity_in_a_vendor_record_leave_the_answer_strict_json() -> None:
    poisoned = Scripted(rewrite=_with_non_finite_numbers)

    client = gateway()
    behind(
        client,
        lambda app: ScriptedProxy(app, {("GET", "/v1/organizations"): poisoned}),
        ("clickhouse",),
    )
    async with client:
        answer = await client.http.post("/graphql", json={"query": "{ organizations { raw } }"})

    body = strict_json(answer.text)
    assert "errors" not in body, body["errors"]
    raws = [org["raw"] for org in body["data"]["organizations"]]
    clickhouse = next(raw for raw in raws if "score" in raw)
    assert (clickhouse["score"], clickhouse["limit"], clickhouse["floor"]) == (None, None, None)
    assert len(raws) == len(CONNECTIONS)  # the healthy vendors' data is all there


async def test_a_number_too_large_for_a_float_is_null_not_infinity() -> None:
    # 1e999 is valid JSON, and Python reads it as inf
    huge = Scripted(200, b'{"status": 200, "requestId": "r", "result": [{"id": "x", "n": 1e999}]}')

    client = gateway()
    behind(
        client,
        lambda app: ScriptedProxy(app, {("GET", "/v1/organizations"): huge}),
        ("clickhouse",),
    )
    async with client:
        answer = await client.http.post("/graphql", json={"query": "{ organizations { raw } }"})

    strict_json(answer.text)
    assert '"n":null' in answer.text.replace(" ", "")


def test_the_view_writes_a_non_finite_number_as_null() -> None:
    view: Any = None  # encode_json needs no state of the view

    encoded = GatewayGraphQL.encode_json(view, {"data": {"x": [1.5, float("nan"), -math.inf]}})

    assert encoded == '{"data":{"x":[1.5,null,null]}}'


@pytest.mark.parametrize(
    "data",
    [
        {"n": [2**64, -(2**70), 1.5, float("nan")]},  # past orjson's integers
        {"s": "\ud800 lone", "e": "caf\u00e9"},  # a lone surrogate: no UTF-8
        {"d": json.loads("[" * 300 + "]" * 300)},  # past orjson's depth
        {"k": {"a": [None, True, "x", 0.1, -0.0]}},
    ],
    ids=["long-integers", "surrogate", "deep", "plain"],
)
def test_an_answer_reads_back_as_the_standard_encoder_writes_it(data: Any) -> None:
    encoded = encode_answer(data)

    strict_json(encoded)
    assert json.loads(encoded) == json.loads(
        json.dumps(data, allow_nan=True).replace("NaN", "null")
    )


@dataclasses.dataclass
class _Point:
    x: int


class _Colour(enum.Enum):
    RED = "red"


class _Items(dict[str, int]):
    def items(self) -> Any:  # the standard encoder asks a dict subclass for its items
        return [("shown", 1)]


@pytest.mark.parametrize(
    "data",
    [
        {"t": datetime.datetime(2024, 1, 2, 3, 4, 5)},
        {"t": datetime.date(2024, 1, 2)},
        {"t": datetime.time(3, 4)},
        {"p": _Point(1)},
        pytest.param(
            {"u": uuid.UUID(int=1)},
            marks=pytest.mark.xfail(strict=True, reason="orjson has no option to refuse a UUID"),
        ),
        pytest.param(
            {"c": _Colour.RED},
            marks=pytest.mark.xfail(strict=True, reason="orjson has no option to refuse an Enum"),
        ),
    ],
    ids=["datetime", "date", "time", "dataclass", "uuid", "enum"],
)
def test_an_answer_the_standard_encoder_refuses_is_refused(data: Any) -> None:
    with pytest.raises(TypeError):
        json.dumps(data)

    with pytest.raises(TypeError):
        encode_answer(data)


def test_a_dict_subclass_is_written_as_the_standard_encoder_writes_it() -> None:
    data = {"d": _Items(hidden=2)}

    assert json.loads(encode_answer(data)) == json.loads(json.dumps(data))


# -- 8. bounded upstream bodies --------------------------------------------------------------

LIMIT = 64 * 1024


@pytest.mark.parametrize(
    "scripted",
    [
        pytest.param(Scripted(200, b"[" + b"1," * LIMIT + b"1]"), id="content-length"),
        pytest.param(Scripted(200, b"[" + b"1," * LIMIT + b"1]", chunked=True), id="chunked"),
        pytest.param(
            Scripted(
                200,
                gzip.compress(b"[" + b"0," * (4 * LIMIT) + b"0]"),
                {"content-encoding": "gzip"},
            ),
            id="gzip-bomb",
        ),
    ],
)
async def test_a_body_over_the_limit_is_refused_as_a_bad_response(scripted: Scripted) -> None:
    client = gateway(max_bytes=LIMIT)
    behind(client, lambda app: ScriptedProxy(app, {("GET", ""): scripted}))
    async with client:
        body = await client.post(EVERY_CONNECTION)

    assert codes_by_connection(body) == dict.fromkeys(CONNECTIONS, "UPSTREAM_BAD_RESPONSE")
    assert all(f"larger than {LIMIT} bytes" in e["message"] for e in body["errors"])


async def test_a_body_within_the_limit_is_read_whole() -> None:
    async with gateway(max_bytes=LIMIT) as client:
        body = await client.post(ORGANIZATIONS)

    assert "errors" not in body


# -- 9. malformed vendor bodies are coded ----------------------------------------------------

MALFORMED_ERRORS = [
    pytest.param(b'{"error": ' + b"9" * 5000 + b"}", id="5000-digit-integer"),
    pytest.param(b"[1, 2, 3]", id="list"),
    pytest.param(b'"a string"', id="string"),
    pytest.param(b"null", id="null"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply-nested"),
    pytest.param(b'{"error": {"deep": [1]}, "message": 5, "title": [], "detail": {}}', id="types"),
    pytest.param(b"<html><body>Bad Gateway</body></html>", id="html"),
    pytest.param(b"\xff\xfe\x00garbage", id="bytes"),
]


@pytest.mark.parametrize("content", MALFORMED_ERRORS)
@pytest.mark.parametrize(
    ("status", "code"), [(400, "BAD_USER_INPUT"), (503, "UPSTREAM_UNAVAILABLE")]
)
async def test_a_malformed_error_body_is_the_status_own_code(
    content: bytes, status: int, code: str
) -> None:
    client = gateway()
    behind(client, lambda app: ScriptedProxy(app, {("GET", ""): Scripted(status, content)}))
    async with client:
        body = await client.post(EVERY_CONNECTION)

    assert codes_by_connection(body) == dict.fromkeys(CONNECTIONS, code)


async def test_a_malformed_error_body_with_a_retryable_status_is_retried() -> None:
    proxies: list[ScriptedProxy] = []

    def make(app: Any) -> ScriptedProxy:
        proxies.append(ScriptedProxy(app, {("GET", ""): Scripted(503, b"[1, 2]")}))
        return proxies[-1]

    client = gateway(attempts=2)
    behind(client, make, ("clickhouse",))
    async with client:
        body = await client.post(ORGANIZATIONS)

    clickhouse = [t["name"] for t in TABLES if t["vendor"] == "clickhouse"]
    assert codes_by_connection(body) == dict.fromkeys(clickhouse, "UPSTREAM_UNAVAILABLE")
    assert all(error["extensions"]["retryable"] for error in body["errors"])
    assert proxies[0].answered == 2 * len(clickhouse)  # each connection tried twice


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="beyond-the-parser"),
        pytest.param(b"[" * 900 + b"]" * 900, id="within-the-parser"),
        pytest.param(b'{"status": 200, "result": NaN}', id="nan-result"),
        pytest.param(b'{"status": 200, "result": ' + b"7" * 5000 + b"}", id="5000-digits"),
    ],
)
async def test_a_malformed_success_body_is_a_bad_response(content: bytes) -> None:
    client = gateway()
    behind(client, lambda app: ScriptedProxy(app, {("GET", ""): Scripted(200, content)}))
    async with client:
        body = await client.post(EVERY_CONNECTION)

    assert codes_by_connection(body) == dict.fromkeys(CONNECTIONS, "UPSTREAM_BAD_RESPONSE")


async def test_a_deeply_nested_record_is_cut_in_raw_not_an_internal_error() -> None:
    def nest(body: Any) -> Any:
        deep: Any = "bottom"
        for _ in range(800):
            deep = {"d": deep}
        body["result"][0]["deep"] = deep
        return body

    client = gateway()
    behind(
        client,
        lambda app: ScriptedProxy(app, {("GET", "/v1/organizations"): Scripted(rewrite=nest)}),
        ("clickhouse",),
    )
    async with client:
        body = await client.post("{ organizations { raw } }")

    assert "errors" not in body, body["errors"]
    assert "[nested too deeply]" in json.dumps(body)


@pytest.mark.parametrize(("depth", "read"), [(1015, True), (1030, False)])
async def test_a_record_nested_past_what_the_standard_reader_reads_is_no_internal_error(
    depth: int, read: bool
) -> None:
    # 1015: past what Python's json reads (about 995), within what orjson reads (1024):
    # read, and cut in raw; 1030: past both, a bad response
    deep = b'{"d":' * depth + b"1" + b"}" * depth
    content = b'{"status":200,"requestId":"r","result":[{"id":"x","deep":' + deep + b"}]}"
    client = gateway()
    behind(
        client,
        lambda app: ScriptedProxy(app, {("GET", "/v1/organizations"): Scripted(200, content)}),
        ("clickhouse",),
    )
    async with client:
        body = await client.post("{ organizations { raw } }")

    codes = {e["extensions"]["code"] for e in body.get("errors", [])}
    if read:
        assert not codes, body["errors"]
        assert "[nested too deeply]" in json.dumps(body)
    else:
        assert codes == {"UPSTREAM_BAD_RESPONSE"}, body["errors"]
