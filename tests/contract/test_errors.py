"""Errors: every status and error body the vendor documents (``VendorSpec.errors``)
becomes a coded GraphQL error naming its connection and vendor, with the vendor's own
words; wrong credentials fail only their own connection.

The status's code is the gateway's one table (``adapters.errors.code_for_status``);
connections here try once (``retry_attempts = 1``), so each failure is one call.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from adapters.errors import code_for_status
from adapters.registry import VENDORS
from adapters.simulation.scale import Scale
from adapters.simulation.seeding import scaled_simulator
from adapters.vendor_documents import ErrorExample
from tests.contract.support import SPECS, demo_gateway, every_vendor, scaled_gateway

DATABASES = "{ organizations { name } databases(first: 1) { totalCount } }"

STATUSES = [
    pytest.param(spec.vendor.value, status, id=f"{spec.vendor}-{status}")
    for spec in SPECS
    for status in spec.errors.statuses
]
SHAPES = [
    pytest.param(spec.vendor.value, shape, id=f"{spec.vendor}-{n}")
    for spec in SPECS
    for n, shape in enumerate(spec.errors.shapes)
]


class Answering:
    """An upstream that answers every request with one documented error body."""

    def __init__(self, example: ErrorExample) -> None:
        self.example = example

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = json.dumps(self.example.body).encode()
        headers = [(b"content-type", b"application/json")]
        await send(
            {"type": "http.response.start", "status": self.example.status, "headers": headers}
        )
        await send({"type": "http.response.body", "body": body})


def errors_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert body.get("errors"), body
    return body["errors"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("vendor", "status"), STATUSES)
async def test_every_documented_status_is_its_code_with_the_vendors_words(
    vendor: str, status: int
) -> None:
    words = f"the contract suite's {status}"
    gw = demo_gateway(vendor, retry_attempts=1)
    gw.simulator(vendor).faults.add(status, times=None, message=words)

    async with gw:
        body = await gw.post(DATABASES)

    for error in errors_of(body):
        extensions = error["extensions"]
        assert extensions["code"] == code_for_status(status), error
        assert (extensions["vendor"], extensions["upstreamStatus"]) == (vendor, status), error
        assert extensions["connection"] in gw.runtime.adapters
        assert words in error["message"]


@pytest.mark.parametrize(("vendor", "example"), SHAPES)
async def test_every_documented_error_body_is_read(vendor: str, example: ErrorExample) -> None:
    gw = demo_gateway(vendor, retry_attempts=1)
    sim = gw.simulator(vendor)
    sim.app = Answering(example)  # the API only: a login host keeps logging in

    async with gw:
        body = await gw.post(DATABASES)

    for error in errors_of(body):
        extensions = error["extensions"]
        assert extensions["code"] == code_for_status(example.status), error
        assert extensions["upstreamStatus"] == example.status
        assert example.message in error["message"]
        assert extensions.get("vendorCode") == example.vendor_code
        assert extensions.get("upstreamRequestId") == example.request_id


@every_vendor
async def test_wrong_credentials_fail_only_their_own_connection(vendor: str) -> None:
    scaled = scaled_simulator(vendor, Scale(2, 1, backups=0))
    holders = {f.name for f in VENDORS[vendor].fields if f.names_holder}
    good, other = scaled.accounts
    wrong = {k: v if k in holders else f"wrong-{v}" for k, v in other.secrets.items()}

    async with scaled_gateway(scaled, [good, replace(other, secrets=wrong)]) as gw:
        body = await gw.post(DATABASES)

    # the good connection's organization and its one database (the DBaaS organization
    # is named by the configuration, so the wrong one's is listed too, without a call)
    assert {"name": good.organization} in body["data"]["organizations"]
    assert body["data"]["databases"]["totalCount"] == 1
    assert {
        (e["extensions"]["code"], e["extensions"]["connection"], e["extensions"]["upstreamStatus"])
        for e in errors_of(body)
    } == {("UNAUTHENTICATED", f"{vendor}-2", 401)}
    assert not any(secret in json.dumps(body) for secret in wrong.values() if "wrong-" in secret)
