"""Hostile ID parts: a forged global ID never reshapes an upstream URL.

Every key part of a real ID of every node type the vendor's demo data has is replaced by
each value of the hostile corpus (``tests.hostile_values``). Its *control* replaces the
same part with an unknown value of the right shape (``tests.url_safety.unknown_like``),
which the vendor answers with its own not-found. The simulator's log must show only the
vendor's documented paths (``VendorSpec.paths``), well encoded, and nothing the controls
did not request too with the hostile value as exactly one segment; every ID must be
answered by BAD_USER_INPUT, NOT_FOUND or what the vendor answered the control.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from schema.ids import GlobalId, encode_id
from tests.contract.support import demo_gateway, every_vendor, forget_requests, requests
from tests.gateway_client import GatewayClient, error_codes
from tests.hostile_values import IN_IDS, around
from tests.upstream_paths import malformed
from tests.url_safety import forge, real_ids, shapes, unknown_like

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
TYPED = "query($o: ID!, $d: ID!) { organization(id: $o) { id } database(id: $d) { id } }"
CODED = {"BAD_USER_INPUT", "NOT_FOUND"}


async def _nodes(gw: GatewayClient, vendor: str, ids: list[str]) -> tuple[dict[str, Any], list]:
    forget_requests(gw, vendor)
    gw.expire_cache()
    body = await gw.post(NODES, {"ids": ids})
    return body, requests(gw, vendor)


async def _ids(gw: GatewayClient) -> dict[str, GlobalId]:
    """One real ID of each node type the vendor's demo data has."""
    found = {type_name: gid for (_, type_name), gid in (await real_ids(gw)).items()}
    assert {"Organization", "Database"} <= set(found), found
    return found


@every_vendor
async def test_hostile_key_parts_reach_upstream_only_as_one_encoded_segment(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        for type_name, real in (await _ids(gw)).items():
            for position, part in enumerate(real.key):
                values = around(part)
                controls = [unknown_like(part, n) for n in range(len(values))]
                control, control_requests = await _nodes(
                    gw, vendor, [forge(real, position, v) for v in controls]
                )
                body, sent = await _nodes(gw, vendor, [forge(real, position, v) for v in values])

                where = f"{type_name} key part {position}"
                assert malformed(vendor, sent) == [], where
                assert shapes(sent, values) <= shapes(control_requests, controls), where
                assert body["data"]["nodes"] == [None] * len(values), where
                codes = Counter(error_codes(body))
                accepted = CODED | set(error_codes(control))
                assert set(codes) <= accepted, (where, body["errors"])
                assert codes.total() == len(values), where


@every_vendor
async def test_organization_and_database_fields_refuse_hostile_parts_as_node_does(
    vendor: str,
) -> None:
    async with demo_gateway(vendor) as gw:
        found = await _ids(gw)
        org, db = found["Organization"], found["Database"]
        positions = range(min(len(org.key), len(db.key)))
        unknown = {
            "o": forge(org, 0, unknown_like(org.key[0], 0)),
            "d": forge(db, 0, unknown_like(db.key[0], 0)),
        }
        control = await gw.post(TYPED, unknown)
        forget_requests(gw, vendor)

        for position in positions:
            for value in around(db.key[position]):  # one request each: no aliases
                body = await gw.post(
                    TYPED, {"o": forge(org, position, value), "d": forge(db, position, value)}
                )

                assert body["data"] == {"organization": None, "database": None}
                codes = Counter(error_codes(body))
                # a vendor may answer a foreign organization otherwise (FeatureBase: 403)
                accepted = CODED | set(error_codes(control))
                assert set(codes) <= accepted and codes.total() == 2, body["errors"]
        assert malformed(vendor, requests(gw, vendor)) == []


@every_vendor
async def test_a_hostile_connection_name_in_an_id_is_not_found_without_upstream_calls(
    vendor: str,
) -> None:
    async with demo_gateway(vendor) as gw:
        real = (await _ids(gw))["Database"]
        ids = [encode_id("Database", value, real.key) for value in IN_IDS.values()]

        body, sent = await _nodes(gw, vendor, ids)

    assert sent == []
    codes = Counter(error_codes(body))  # the 5000-character one is too long to be an ID
    assert codes == {"NOT_FOUND": len(ids) - 1, "BAD_USER_INPUT": 1}


@every_vendor
async def test_every_node_type_is_found_again_by_its_id(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        found = await _ids(gw)
        ids = [encode_id(g.type_name, g.connection, g.key) for g in found.values()]

        data = await gw.data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids}
        )

    assert [(n["__typename"], n["id"]) for n in data["nodes"]] == list(zip(found, ids, strict=True))


@every_vendor
async def test_a_key_with_a_part_too_many_or_too_few_finds_nothing(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        found = (await _ids(gw)).values()
        forged = [encode_id(g.type_name, g.connection, (*g.key, g.key[-1])) for g in found]
        forged += [encode_id(g.type_name, g.connection, g.key[:-1]) for g in found if g.key[:-1]]

        body = await gw.post(NODES, {"ids": forged})

    assert body["data"]["nodes"] == [None] * len(forged)
    assert set(error_codes(body)) <= CODED and len(error_codes(body)) == len(forged)


@every_vendor
async def test_an_unknown_database_is_not_found(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        real = (await _ids(gw))["Database"]
        unknown = forge(real, len(real.key) - 1, unknown_like(real.key[-1], 0))

        body = await gw.post("query($id: ID!) { database(id: $id) { id } }", {"id": unknown})

    assert body["data"] == {"database": None}
    assert error_codes(body) == ["NOT_FOUND"]


@every_vendor
async def test_ordinary_traffic_uses_only_documented_paths(vendor: str) -> None:
    """The vendor's declared paths are not stricter than its adapter."""
    async with demo_gateway(vendor) as gw:
        await real_ids(gw)

        assert requests(gw, vendor)
        assert malformed(vendor, requests(gw, vendor)) == []
