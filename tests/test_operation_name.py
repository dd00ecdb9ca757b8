"""Which operation runs is never guessed, over HTTP or WebSocket.

``operationName`` must be a string or null: anything else is a 400 with code BAD_REQUEST
(strawberry's view answered a plain text 500). A document of several operations needs
one (GraphQL over HTTP; strawberry ran the first), and one the document does not have is
refused too. Over graphql-transport-ws the same ``subscribe`` gets an ``error`` message
with code BAD_REQUEST, and the socket serves the next operation.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from gateway.config import load_demo_config
from tests.gateway_client import GatewayClient, error_codes
from tests.served import serve_demo

ONE = "query A { __typename }"
TWO = "query A { __typename } query B { connections { name } }"
NOT_STRINGS = {"number": 5, "float": 1.5, "object": {"a": 1}, "list": ["A"], "true": True}
SUBSCRIPTIONS = """
subscription A { databaseStatusChanged(id: "x") { status } }
subscription B { databaseStatusChanged(id: "y") { status } }"""


@pytest.fixture
async def gw() -> AsyncIterator[GatewayClient]:
    async with GatewayClient(load_demo_config()) as gateway:
        yield gateway


def assert_bad_request(status: int, content_type: str, body: Any) -> None:
    assert status == 400
    assert content_type.startswith("application/json")
    assert error_codes(body) == ["BAD_REQUEST"]


@pytest.mark.parametrize("name", list(NOT_STRINGS))
async def test_an_operation_name_that_is_not_a_string_is_a_coded_400(
    gw: GatewayClient, name: str
) -> None:
    response = await gw.http.post(
        "/graphql", json={"query": ONE, "operationName": NOT_STRINGS[name]}
    )

    assert_bad_request(response.status_code, response.headers["content-type"], response.json())
    assert response.json()["errors"][0]["message"] == "operationName must be a string or null"


async def test_several_operations_without_a_name_are_a_coded_400(gw: GatewayClient) -> None:
    posted = await gw.http.post("/graphql", json={"query": TWO})
    null = await gw.http.post("/graphql", json={"query": TWO, "operationName": None})
    got = await gw.http.get("/graphql", params={"query": TWO})

    for response in (posted, null, got):
        assert_bad_request(response.status_code, response.headers["content-type"], response.json())
    assert "2 operations" in posted.json()["errors"][0]["message"]


async def test_several_operations_with_a_name_run_that_one(gw: GatewayClient) -> None:
    response = await gw.http.post("/graphql", json={"query": TWO, "operationName": "B"})

    assert response.status_code == 200
    assert "connections" in response.json()["data"]


async def test_an_unknown_operation_name_is_a_coded_400(gw: GatewayClient) -> None:
    response = await gw.http.post("/graphql", json={"query": TWO, "operationName": "Z"})

    assert_bad_request(response.status_code, response.headers["content-type"], response.json())
    assert response.json()["errors"][0]["message"] == 'Unknown operation named "Z".'


# -- over WebSocket ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with serve_demo("--log-level", "warning") as (base, _):
        yield base


async def _open(base: str) -> ClientConnection:
    url = base.replace("http://", "ws://") + "/graphql"
    ws = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init"}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    return ws


async def _answer(ws: ClientConnection, op: str, payload: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("id") == op:
            return message  # type: ignore[no-any-return]


WS_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "not a string": ({"query": ONE, "operationName": 5}, "operationName must be a string"),
    "two queries, no name": ({"query": TWO}, "2 operations"),
    "two subscriptions, no name": ({"query": SUBSCRIPTIONS}, "2 operations"),
    "unknown name": ({"query": TWO, "operationName": "Z"}, 'Unknown operation named "Z"'),
}


@pytest.mark.parametrize("case", list(WS_CASES))
async def test_over_websocket_the_choice_is_a_coded_error_and_the_socket_stays(
    served: str, case: str
) -> None:
    payload, words = WS_CASES[case]
    ws = await _open(served)

    refused = await _answer(ws, "1", payload)
    answered = await _answer(ws, "2", {"query": TWO, "operationName": "A"})
    await ws.close()

    assert refused["type"] == "error"
    assert [e["extensions"]["code"] for e in refused["payload"]] == ["BAD_REQUEST"]
    assert words in refused["payload"][0]["message"]
    assert answered == {"id": "2", "type": "next", "payload": {"data": {"__typename": "Query"}}}
