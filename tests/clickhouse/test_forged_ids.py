"""A ClickHouse ID naming another organization than the key's names nothing (NOT_FOUND),
never FORBIDDEN, as docs/security.md promises: the key belongs to one organization, so
once its organizations are listed a forged ID costs no call at all."""

from __future__ import annotations

from typing import Any

from adapters.clickhouse.sim.seed_data import SEED_CREDENTIALS, seed_uuid
from schema.ids import decode_id, encode_id
from tests.gateway_client import GatewayClient, error_codes

ACME_DATABASES = '{ databases(first: 1, filter: { connection: "ch-acme" }) { nodes { id } } }'
GLOBEX_ORGANIZATIONS = '{ organizations(connection: "ch-globex") { id } }'
UPDATE_ORGANIZATION = """
mutation($id: ID!) {
  updateOrganization(input: { id: $id, name: "Mine Now" }) { organization { id } }
}
"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
RENAME = """
mutation($id: ID!) { updateDatabase(input: { id: $id, name: "Taken Over" }) { database { id } } }
"""


async def _acme_database_forged_for_globex(gw: GatewayClient) -> tuple[str, str]:
    """An Acme database's ID, and the same key under Globex's connection (whose key
    belongs to Globex only); also the Acme organization forged the same way."""
    (db,) = (await gw.data(ACME_DATABASES))["databases"]["nodes"]
    key = decode_id(db["id"]).key
    return encode_id("Database", "ch-globex", key), encode_id("Organization", "ch-globex", key[:1])


def _log(gw: GatewayClient) -> Any:
    return gw.simulator("clickhouse").log


async def test_a_forged_id_costs_no_call_once_the_organizations_are_known(
    clickhouse: GatewayClient,
) -> None:
    forged_db, forged_org = await _acme_database_forged_for_globex(clickhouse)
    await clickhouse.data(GLOBEX_ORGANIZATIONS)
    _log(clickhouse).clear()

    for forged in (forged_db, forged_org):
        body = await clickhouse.post(NODE, {"id": forged})
        assert body["data"] == {"node": None}
        assert error_codes(body) == ["NOT_FOUND"]
    written = await clickhouse.post(RENAME, {"id": forged_db})

    assert error_codes(written) == ["NOT_FOUND"]
    assert _log(clickhouse).entries == []


async def test_before_the_organizations_are_known_a_forged_id_is_still_not_found(
    clickhouse: GatewayClient,
) -> None:
    forged_db, _ = await _acme_database_forged_for_globex(clickhouse)
    _log(clickhouse).clear()

    body = await clickhouse.post(NODE, {"id": forged_db})

    assert body["data"] == {"node": None}
    assert error_codes(body) == ["NOT_FOUND"]
    # the vendor's 403 for the service, then one organizations list tells it from a missing
    # role; afterwards the connection knows its organization and asks nothing
    assert [(e.path.count("/"), e.status) for e in _log(clickhouse).entries] == [(5, 403), (2, 200)]
    _log(clickhouse).clear()
    assert error_codes(await clickhouse.post(NODE, {"id": forged_db})) == ["NOT_FOUND"]
    assert _log(clickhouse).entries == []


async def test_a_key_lacking_a_role_in_its_own_organization_stays_forbidden() -> None:
    # the same 403 for the key's own organization is a missing role, not a forgery: told
    # apart by the organizations list even when nothing was listed before
    ci = SEED_CREDENTIALS["acme ci"]  # a developer key: PATCH organization needs ADMIN
    toml = """
[[connections]]
name = "ch-ci"
vendor = "clickhouse"
simulated = true
key_id_env = "K"
key_secret_env = "S"
"""
    async with GatewayClient.from_toml(toml, {"K": ci["key_id"], "S": ci["key_secret"]}) as gw:
        acme = encode_id("Organization", "ch-ci", (seed_uuid("organization", "acme"),))
        body = await gw.post(UPDATE_ORGANIZATION, {"id": acme})
        log = _log(gw)

    assert error_codes(body) == ["FORBIDDEN"]
    assert [(e.method, e.status) for e in log.entries] == [("PATCH", 403), ("GET", 200)]
