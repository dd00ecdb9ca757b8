"""Production hides the schema from everyone but a federation router's token.

``_service { sdl }`` is the whole schema. Where introspection is on (development, or
``[server] introspection = true``) every caller reads it; in production only a token
with ``federation = true`` does, and every other caller gets FORBIDDEN on the field and
no SDL, over HTTP and over WebSocket.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from gateway.config import ConfigError, parse_config
from schema.build import SDL_PATH
from tests.auth_fixtures import ADMIN, SECURED, VIEWER, answer, secured, token_table
from tests.gateway_client import error_codes
from tests.served import serve_demo

ROUTER = "router-token-3c8d"
ROUTER_TOKEN = token_table("router", ROUTER, "viewer") + "federation = true\n"
PRODUCTION = '[server]\nprofile = "production"\n'
SDL = "{ _service { sdl } }"
#: the same field reached another way: an alias, a fragment
DISGUISED = {
    "plain": SDL,
    "aliased": "{ s: _service { sdl } }",
    "in a fragment": "{ ...F } fragment F on Query { _service { sdl } }",
}
COMMITTED = SDL_PATH.read_text(encoding="utf-8").rstrip()


def served_sdl(body: dict[str, Any]) -> str:
    data = body["data"]
    return str((data.get("_service") or data.get("s"))["sdl"]).rstrip()


@pytest.mark.parametrize("document", list(DISGUISED))
@pytest.mark.parametrize("token", [VIEWER, ADMIN])
async def test_production_refuses_the_sdl_to_other_tokens(token: str, document: str) -> None:
    async with secured(ROUTER_TOKEN + PRODUCTION) as gw:
        body = await answer(gw, token, DISGUISED[document])

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert "type Query" not in json.dumps(body)


async def test_production_gives_the_sdl_to_a_federation_token() -> None:
    async with secured(ROUTER_TOKEN + PRODUCTION) as gw:
        body = await answer(gw, ROUTER, SDL)
        introspection = await answer(gw, ROUTER, "{ __schema { queryType { name } } }")

    assert served_sdl(body) == COMMITTED
    # the SDL, not introspection: that stays off for every caller
    assert set(error_codes(introspection)) == {"GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.parametrize(
    "server", ["", PRODUCTION + "introspection = true\n"], ids=["development", "introspection"]
)
async def test_where_introspection_is_on_every_caller_reads_the_sdl(server: str) -> None:
    async with secured(ROUTER_TOKEN + server) as gw:
        body = await answer(gw, VIEWER, SDL)

    assert served_sdl(body) == COMMITTED


def test_federation_is_true_or_false() -> None:
    text = SECURED + token_table("router", ROUTER, "viewer") + 'federation = "yes"\n'

    with pytest.raises(ConfigError) as caught:
        parse_config(text, "gw.toml", {})

    assert str(caught.value) == (
        "gw.toml: [[auth.tokens]] 'router': field 'federation': must be true or false"
    )


# -- over WebSocket ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("sdl") / "gw.toml"
    path.write_text(SECURED + ROUTER_TOKEN + PRODUCTION)
    with serve_demo("--config", str(path), "--log-level", "warning") as (base, _):
        yield base


async def over_websocket(base: str, token: str) -> dict[str, Any]:
    url = base.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await ws.send(json.dumps(init))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SDL}}))
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
    return message


async def test_over_websocket_too_only_the_federation_token_reads_the_sdl(served: str) -> None:
    refused = await over_websocket(served, VIEWER)
    allowed = await over_websocket(served, ROUTER)

    assert refused["type"] == "next"
    assert error_codes(refused["payload"]) == ["FORBIDDEN"]
    assert refused["payload"]["data"] is None
    assert served_sdl(allowed["payload"]) == COMMITTED
