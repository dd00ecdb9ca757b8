"""Requests that try to leave the pinned packages' folders, sent byte for byte to a served
gateway (an HTTP client would normalize the dots away before they reach the server)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.graphiql_support import ASSETS, require_assets
from tests.served import serve_demo

REACT = "/graphiql/assets/react@18.2.0/umd/react.production.min.js"


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    require_assets()
    with serve_demo("--log-level", "warning") as (base, _):
        yield base


def raw_get(base: str, target: str) -> tuple[int, bytes]:
    """GET ``target`` exactly as written; (status, body)."""
    url = urlsplit(base)
    assert url.hostname and url.port
    request = f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n"
    with socket.create_connection((url.hostname, url.port), timeout=10) as conn:
        conn.sendall(request.encode("latin-1"))
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_plain_request_reaches_the_file(served: str) -> None:
    status, body = raw_get(served, REACT)

    assert status == 200
    assert body == (ASSETS / "react/umd/react.production.min.js").read_bytes()


@pytest.mark.parametrize(
    "target",
    [
        # each would name an existing file if the path were followed
        "/graphiql/assets/react@18.2.0/../react-dom/package.json",
        "/graphiql/assets/react@18.2.0/../../package.json",
        "/graphiql/assets/react@18.2.0/umd/../../../package.json",
        "/graphiql/assets/react@18.2.0/%2e%2e/react-dom/package.json",
        "/graphiql/assets/react@18.2.0/%2E%2E/%2E%2E/package.json",
        "/graphiql/assets/react@18.2.0/..%2f..%2fpackage.json",
        "/graphiql/assets/react@18.2.0/.%2e/react-dom/package.json",
        "/graphiql/assets/react@18.2.0/..%5c..%5cpackage.json",
        "/graphiql/assets/react@18.2.0//etc/passwd",
        "/graphiql/assets/react@18.2.0/%2fetc%2fpasswd",
        "/graphiql/assets/react@18.2.0/%2Fetc/passwd",
        "/graphiql/assets/react@18.2.0/umd/%00/package.json",
        "/graphiql/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/graphiql/assets/%2fetc%2fpasswd",
    ],
)
def test_traversal_is_refused(served: str, target: str) -> None:
    status, body = raw_get(served, target)

    assert status == 404
    assert b'"name"' not in body and b"root:" not in body
