"""WebSocket is no side door (issue 15, class 4): every operation over graphql-transport-ws
passes the admission an HTTP request passes (the caller's rate, the document and
variables sizes, with the same codes); a socket that never says who it is is closed after
a short wait; the sockets of a process are capped; a slow request body times out.

Against a gateway served by uvicorn, on real sockets."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus

from tests.auth_fixtures import ACME_ADMIN, ADMIN, OPERATOR, SECURED, VIEWER
from tests.gateway_client import with_open_auth
from tests.served import serve_demo
from tests.websocket_support import (
    acknowledged,
    close_code,
    errors_of,
    open_fds,
    result,
    subscribe,
    until,
    upgrade,
)

TYPENAME = "{ __typename }"
LIMITS = """
[server]
profile = "production"

[limits]
rate_limit_requests = 3
rate_limit_window_seconds = 3600
max_document_bytes = 4096
max_variables_bytes = 4096
"""
SOCKETS = """
[limits]
websocket_init_timeout_seconds = 2
max_body_bytes = 65536
body_timeout_seconds = 0.5
"""
COSTLY = """
[limits]
max_cost = 50
"""
SOCKETS_CAP = """
[limits]
max_websocket_connections = 3
"""
CONNECTIONS_ONLY = with_open_auth(SECURED.split("[[auth")[0])
UNIDENTIFIED_CAP = """
[limits]
max_websocket_connections = 10
max_unidentified_websockets_per_peer = 2
"""


def _served(tmp_path_factory: pytest.TempPathFactory, config: str) -> Iterator[tuple[str, int]]:
    path: Path = tmp_path_factory.mktemp("ws") / "gw.toml"
    path.write_text(config)
    with serve_demo("--config", str(path)) as (base, proc):
        yield base, proc.pid


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Tokens of every role, each caller 3 requests per hour, 4 KB documents and variables;
    the production profile."""
    for base, _ in _served(tmp_path_factory, SECURED + LIMITS):
        yield base


@pytest.fixture(scope="module")
def sockets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """Two seconds to send connection_init (long enough for 40 upgrades to be open at once
    on a loaded machine), half a second for a body, 64 KB bodies."""
    yield from _served(tmp_path_factory, CONNECTIONS_ONLY + SOCKETS)


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """At most 3 sockets at once."""
    for base, _ in _served(tmp_path_factory, CONNECTIONS_ONLY + SOCKETS_CAP):
        yield base


@pytest.fixture(scope="module")
def tokened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Client tokens; 10 sockets, at most 2 from one address before they send a token."""
    for base, _ in _served(tmp_path_factory, SECURED + UNIDENTIFIED_CAP):
        yield base


@pytest.fixture(scope="module")
def costly(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Operations may cost at most 50."""
    for base, _ in _served(tmp_path_factory, CONNECTIONS_ONLY + COSTLY):
        yield base


# -- every operation is admitted like an HTTP request ----------------------------------------


async def test_operations_over_a_socket_count_against_the_callers_rate(limited: str) -> None:
    # given a caller allowed 3 requests: the socket is one, two queries pass
    ws = await acknowledged(limited, VIEWER)
    answered = [await result(ws, f"q{n}", TYPENAME) for n in range(2)]

    # when it sends one more
    refused = await result(ws, "q2", TYPENAME)
    await ws.close()

    # then it is refused as over HTTP, with when to retry
    assert [a["type"] for a in answered] == ["next", "next"]
    assert refused["type"] == "error"
    (error,) = errors_of(refused)
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] >= 1


async def test_a_document_over_the_limit_is_refused_over_a_socket(limited: str) -> None:
    ws = await acknowledged(limited, OPERATOR)

    message = await result(ws, "big", TYPENAME + " " * 100_000)
    await ws.close()

    assert message["type"] == "error"
    (error,) = errors_of(message)
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "limit": 4096}


async def test_variables_over_the_limit_are_refused_over_a_socket(limited: str) -> None:
    ws = await acknowledged(limited, ADMIN)

    message = await result(ws, "vars", TYPENAME, {"padding": "x" * 200_000})
    await ws.close()

    assert message["type"] == "error"
    (error,) = errors_of(message)
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "limit": 4096}


async def test_a_subscription_over_the_cost_limit_is_refused_before_it_starts(
    costly: str,
) -> None:
    # every event would resolve a hundred databases with their backups
    expensive = """subscription { organizationEvents(organizationId: "x") {
        database { organization { databases(first: 100) { nodes { name backups { name } } } } }
    } }"""
    ws = await acknowledged(costly)

    message = await result(ws, "costly", expensive)
    await ws.close()

    assert message["type"] == "error"
    (error,) = errors_of(message)
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["maxCost"] == 50


async def test_errors_over_a_socket_read_as_over_http(limited: str) -> None:
    ws = await acknowledged(limited, ACME_ADMIN)

    # a document that does not parse is a coded error, and the socket stays open
    unparsed = await result(ws, "syntax", "{ databases ")
    # in production, no error suggests field names
    invalid = await result(ws, "invalid", "{ databasez { nodes { name } } }")
    await ws.close()

    assert unparsed["type"] == "error"
    assert errors_of(unparsed)[0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    (error,) = errors_of(invalid)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["message"] == "Cannot query field 'databasez' on type 'Query'."


# -- sockets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"subscribe"', "[" * 10_000])
async def test_a_message_that_is_not_a_json_object_closes_the_socket_4400(
    sockets: tuple[str, int], text: str
) -> None:
    base, _ = sockets
    ws = await acknowledged(base)

    await ws.send(text)

    assert await close_code(ws) == 4400


@pytest.mark.parametrize("kind", ["subscribe", "complete"])
@pytest.mark.parametrize("op", [["a"], {"a": 1}, 7])
async def test_a_message_whose_id_is_not_a_string_closes_the_socket_4400(
    sockets: tuple[str, int], kind: str, op: Any
) -> None:
    base, _ = sockets
    ws = await acknowledged(base)

    await ws.send(json.dumps({"id": op, "type": kind, "payload": {"query": TYPENAME}}))

    assert await close_code(ws) == 4400


async def test_a_subscribe_message_without_a_query_closes_the_socket_4400(
    sockets: tuple[str, int],
) -> None:
    base, _ = sockets
    ws = await acknowledged(base)

    await ws.send(json.dumps({"id": "x", "type": "subscribe", "payload": "{ __typename }"}))

    assert await close_code(ws) == 4400


async def test_an_upgrade_that_never_sends_connection_init_is_closed_after_the_wait(
    sockets: tuple[str, int],
) -> None:
    base, pid = sockets
    baseline = open_fds(pid)

    # given 40 sockets that upgrade without a token and then say nothing
    silent = await asyncio.gather(*(upgrade(base) for _ in range(40)))
    held = open_fds(pid)

    # then each is closed with 4408 after the wait, and its descriptor given back
    closes = await asyncio.gather(*(close_code(ws) for ws in silent))
    await until(lambda: open_fds(pid) <= baseline + 2, what="descriptors given back")

    assert held >= baseline + 40
    assert closes == [4408] * 40


async def test_over_the_socket_limit_an_upgrade_is_refused_with_503(capped: str) -> None:
    # given as many sockets as the process may hold
    held = [await acknowledged(capped) for _ in range(3)]

    # when one more upgrade comes, it is refused with a coded JSON answer
    with pytest.raises(InvalidStatus) as refused:
        await upgrade(capped)
    response = refused.value.response
    body = json.loads(response.body or b"{}")

    # and once a socket closes, an upgrade is accepted again
    await held.pop().close()

    async def accepted() -> bool:
        try:
            held.append(await acknowledged(capped))
        except InvalidStatus:
            return False
        return True

    await until(accepted, what="an upgrade accepted after a close")
    for ws in held:
        await ws.close()

    assert response.status_code == 503
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_CONNECTIONS"
    assert response.headers["Retry-After"] == "1"
    assert len(held) == 3


async def test_sockets_without_a_token_cannot_fill_the_process(tokened: str) -> None:
    # given two upgrades from this address that have not said who they are
    silent = [await upgrade(tokened) for _ in range(2)]

    # a third is refused, while a caller that names itself on the upgrade still gets in
    with pytest.raises(InvalidStatus) as refused:
        await upgrade(tokened)
    identified = await acknowledged(
        tokened, additional_headers={"Authorization": f"Bearer {VIEWER}"}
    )
    # and one that sends its token in connection_init frees its place at once
    await silent[0].send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {VIEWER}"}})
    )
    assert json.loads(await asyncio.wait_for(silent[0].recv(), 10))["type"] == "connection_ack"
    third = await upgrade(tokened)
    for ws in (*silent, identified, third):
        await ws.close()

    body = json.loads(refused.value.response.body or b"{}")
    assert refused.value.response.status_code == 503
    assert body["errors"][0]["extensions"] == {"code": "TOO_MANY_CONNECTIONS", "limit": 2}
    assert "without a token from this address" in body["errors"][0]["message"]


async def test_a_message_larger_than_a_body_may_be_closes_the_socket(
    sockets: tuple[str, int],
) -> None:
    base, _ = sockets
    ws = await acknowledged(base)

    await subscribe(ws, "huge", TYPENAME + " " * 100_000)

    assert await close_code(ws) == 1009  # message too big


async def test_a_request_body_that_trickles_in_is_cut_off_with_408(
    sockets: tuple[str, int],
) -> None:
    base, _ = sockets
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    body = json.dumps({"query": TYPENAME}).encode()
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )

    async def trickle() -> None:
        # one byte every 50 ms: the whole body would take about a second
        for byte in body:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.05)

    sending = asyncio.create_task(trickle())
    answer = await asyncio.wait_for(reader.read(-1), 10)  # until the server closes
    sending.cancel()
    await asyncio.gather(sending, return_exceptions=True)
    writer.close()
    await writer.wait_closed()

    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert json.loads(payload)["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


async def test_an_acknowledged_socket_outlives_the_wait(sockets: tuple[str, int]) -> None:
    base, _ = sockets
    ws = await acknowledged(base)
    acknowledged_at = time.monotonic()

    # the wait is for connection_init only: well past it the socket still answers
    await until(lambda: time.monotonic() - acknowledged_at > 2.5, what="past the wait")
    message = await result(ws, "a", TYPENAME)
    await ws.close()

    assert message["payload"] == {"data": {"__typename": "Query"}}
