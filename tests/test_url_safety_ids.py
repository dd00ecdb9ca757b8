"""A hostile string as a global ID, or a malformed ID among good ones, whatever the vendor.

Per vendor, hostile values in each key part of a real ID are the contract suite's
(``tests/contract/test_hostile_ids.py``); here, strings that are no ID at all are
BAD_USER_INPUT in every field that takes an ID, with no upstream call, and a malformed ID
fails alone in a batch.
"""

from __future__ import annotations

import pytest

from adapters.registry import VENDORS
from schema.ids import encode_id
from tests.gateway_client import GatewayClient, error_codes, post_ascii
from tests.hostile_values import ALL
from tests.url_safety import forge, forget, real_ids, upstream

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
ONE_OF_EACH = """
query($id: ID!) {
  node(id: $id) { id }
  nodes(ids: [$id]) { id }
  organization(id: $id) { id }
  database(id: $id) { id }
}
"""


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
    assert all(upstream(demo, vendor) == [] for vendor in VENDORS)


async def test_a_malformed_id_fails_alone_in_a_batch_with_well_formed_ones(
    demo: GatewayClient,
) -> None:
    real = (await real_ids(demo))[("clickhouse", "Database")]
    good = encode_id(real.type_name, real.connection, real.key)

    body = await demo.post(NODES, {"ids": [good, forge(real, 0, "../../keys"), good]})

    assert body["data"]["nodes"] == [{"id": good}, None, {"id": good}]
    assert error_codes(body) == ["BAD_USER_INPUT"]
