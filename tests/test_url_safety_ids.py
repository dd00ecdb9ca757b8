"""A hostile value in any part of a global ID never changes an upstream path or query.

For every node type of every vendor, each key part of a real ID is replaced by each value
of the hostile corpus (``tests.hostile_values``): traversal, encoded dots and slashes,
``?``/``#``, CR/LF, NUL, Unicode look-alikes, 5000 characters. Given those IDs, the
simulators' logs must show only documented, well-encoded paths, nothing the same IDs
with an unknown but well-shaped value would not have requested too, and every ID must be
answered by BAD_USER_INPUT or NOT_FOUND (or by what the vendor answers the unknown
well-shaped value: FeatureBase says 403 for an organization the key is not in): no data,
never INTERNAL.
"""

from __future__ import annotations

from collections import Counter

import pytest

from adapters.model import Vendor
from schema.ids import encode_id
from tests.gateway_client import GatewayClient, error_codes, post_ascii
from tests.hostile_values import ALL, IN_IDS, around
from tests.upstream_paths import malformed
from tests.url_safety import forge, forget, real_ids, shapes, unknown_like, upstream

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
ONE_OF_EACH = """
query($id: ID!) {
  node(id: $id) { id }
  nodes(ids: [$id]) { id }
  organization(id: $id) { id }
  database(id: $id) { id }
}
"""
TYPED = "query($o: ID!, $d: ID!) { organization(id: $o) { id } database(id: $d) { id } }"
CODED = {"BAD_USER_INPUT", "NOT_FOUND"}

#: every node type each vendor's demo data has, so that each is covered
NODE_TYPES = [
    *(("clickhouse", t) for t in ("Organization", "Database", "Backup", "ApiKey", "Member")),
    *(("clickhouse", t) for t in ("Invitation", "Activity", "Plan")),
    *(("featurebase", t) for t in ("Organization", "Database", "Backup", "ApiKey", "Member")),
    *(("featurebase", t) for t in ("Invitation", "Plan")),
    *(("astra", t) for t in ("Organization", "Database", "Backup", "ApiKey", "Member")),
    *(("astra", t) for t in ("Invitation", "FeatureFlag")),
    *(("dbaas", t) for t in ("Organization", "Database", "Plan", "DatabaseCredential")),
]


async def _run(client: GatewayClient, vendor: str, ids: list[str]) -> tuple[dict, list]:
    forget(client)
    body = await client.post(NODES, {"ids": ids})
    return body, upstream(client, vendor)


@pytest.mark.parametrize(("vendor", "type_name"), NODE_TYPES)
async def test_hostile_key_parts_reach_upstream_only_as_one_encoded_segment(
    demo: GatewayClient, vendor: str, type_name: str
) -> None:
    real = (await real_ids(demo)).get((vendor, type_name))
    assert real is not None, f"the demo has no {vendor} {type_name} to forge from"
    for position, part in enumerate(real.key):
        values = around(part)
        controls = [unknown_like(part, n) for n in range(len(values))]
        control, control_requests = await _run(
            demo, vendor, [forge(real, position, v) for v in controls]
        )
        body, requests = await _run(demo, vendor, [forge(real, position, v) for v in values])

        where = f"{vendor} {type_name} key part {position}"
        assert malformed(vendor, requests) == [], where
        assert shapes(requests, values) <= shapes(control_requests, controls), where
        assert body["data"]["nodes"] == [None] * len(values), where
        codes = Counter(error_codes(body))
        accepted = CODED | set(error_codes(control))
        assert set(codes) <= accepted and codes.total() == len(values), (where, body["errors"])


@pytest.mark.parametrize("vendor", ["clickhouse", "featurebase", "astra", "dbaas"])
async def test_a_hostile_connection_name_in_an_id_is_not_found_without_upstream_calls(
    demo: GatewayClient, vendor: str
) -> None:
    real = (await real_ids(demo))[(vendor, "Database")]
    ids = [encode_id("Database", value, real.key) for value in IN_IDS.values()]

    body, requests = await _run(demo, vendor, ids)

    assert requests == []
    codes = Counter(error_codes(body))  # the 5000-character one is too long to be an ID
    assert codes == {"NOT_FOUND": len(ids) - 1, "BAD_USER_INPUT": 1}


@pytest.mark.parametrize("name", list(ALL))
async def test_a_raw_hostile_string_as_an_id_is_bad_user_input_in_every_id_field(
    demo: GatewayClient, name: str
) -> None:
    forget(demo)

    body = await post_ascii(demo, ONE_OF_EACH, {"id": ALL[name]})

    if name == "lone-surrogate":  # no text at all: refused before execution
        assert body["data"] is None and error_codes(body) == ["BAD_USER_INPUT"]
    else:
        nothing = {"node": None, "nodes": [None], "organization": None, "database": None}
        assert body["data"] == nothing
        assert error_codes(body) == ["BAD_USER_INPUT"] * 4
    assert all(upstream(demo, v.value) == [] for v in Vendor)


@pytest.mark.parametrize("vendor", ["clickhouse", "featurebase", "astra", "dbaas"])
async def test_organization_and_database_fields_refuse_hostile_parts_as_node_does(
    demo: GatewayClient, vendor: str
) -> None:
    found = await real_ids(demo)
    org, db = found[(vendor, "Organization")], found[(vendor, "Database")]
    cases = [
        (forge(org, position, value), forge(db, position, value))
        for position in range(min(len(org.key), len(db.key)))
        for value in around(db.key[position])
    ]
    forget(demo)

    for org_id, db_id in cases:  # one request each: no aliases, however many cases
        body = await demo.post(TYPED, {"o": org_id, "d": db_id})

        assert body["data"] == {"organization": None, "database": None}
        codes = Counter(error_codes(body))
        # FeatureBase answers 403 for an organization the key is not in, as for any other
        accepted = CODED | ({"FORBIDDEN"} if vendor == "featurebase" else set())
        assert set(codes) <= accepted and codes.total() == 2, body["errors"]
    assert malformed(vendor, upstream(demo, vendor)) == []


async def test_a_malformed_id_fails_alone_in_a_batch_with_well_formed_ones(
    demo: GatewayClient,
) -> None:
    real = (await real_ids(demo))[("clickhouse", "Database")]
    good = encode_id(real.type_name, real.connection, real.key)

    body = await demo.post(NODES, {"ids": [good, forge(real, 0, "../../keys"), good]})

    assert body["data"]["nodes"] == [{"id": good}, None, {"id": good}]
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_ordinary_traffic_uses_only_documented_paths(demo: GatewayClient) -> None:
    """The templates of ``tests.upstream_paths`` are not stricter than the gateway itself."""
    forget(demo)

    await real_ids(demo)

    for vendor in Vendor:
        assert upstream(demo, vendor.value), vendor
        assert malformed(vendor.value, upstream(demo, vendor.value)) == []
