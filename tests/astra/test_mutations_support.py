"""Which mutations an Astra connection offers, and NOT_SUPPORTED for the others.

The declaration is data (``capabilities.operations``); it must be exactly the writes the
adapter overrides, and what it leaves out must fail before any upstream call.
"""

from __future__ import annotations

import pytest

from adapters.astra.sim import seed_data as sd
from adapters.base import OPERATION_METHODS as METHODS
from adapters.base import BaseAdapter
from adapters.model import Operation
from tests.astra.conftest import database_id, org_id
from tests.gateway_client import GatewayClient, error_codes

OPERATIONS = "{ connections { name capabilities { operations } } }"

RENAME_ORGANIZATION = """
mutation($id: ID!) { updateOrganization(input: {id: $id, name: "x"}) { organization { id } } }
"""

ORDERS = sd.APP_IDS["postgres-orders"]


EXPECTED_OPERATIONS = {
    Operation.CREATE_DATABASE,
    Operation.RESTORE_DATABASE,
    Operation.UPDATE_DATABASE,
    Operation.DELETE_DATABASE,
    Operation.CREATE_BACKUP,
    Operation.DELETE_BACKUP,
    Operation.CREATE_API_KEY,
    Operation.UPDATE_API_KEY,
    Operation.REVOKE_API_KEY,
    Operation.INVITE_MEMBER,
    Operation.CANCEL_INVITATION,
    Operation.UPDATE_MEMBER_ROLE,
    Operation.REMOVE_MEMBER,
}


async def test_the_declared_operations_are_exactly_the_overridden_writes(
    astra: GatewayClient,
) -> None:
    adapter = astra.runtime.adapters["astra"]
    overridden = {
        op
        for op, methods in METHODS.items()
        if any(getattr(type(adapter), m) is not getattr(BaseAdapter, m) for m in methods)
    }

    (connection,) = (await astra.data(OPERATIONS))["connections"]

    assert set(METHODS) == set(Operation)
    assert adapter.capabilities.operations == overridden == EXPECTED_OPERATIONS
    assert set(connection["capabilities"]["operations"]) == {op.name for op in EXPECTED_OPERATIONS}


NOT_SUPPORTED = [
    ("startDatabase", "mutation($id: ID!) { startDatabase(input: {id: $id}) { database { id } } }"),
    ("stopDatabase", "mutation($id: ID!) { stopDatabase(input: {id: $id}) { database { id } } }"),
    (
        "scaleDatabase",
        "mutation($id: ID!) { scaleDatabase(input: {id: $id}) { database { id } } }",
    ),
    (
        "resetDatabasePassword",
        "mutation($id: ID!) { resetDatabasePassword(input: {id: $id}) { password } }",
    ),
    (
        "updateBackupConfiguration",
        "mutation($id: ID!) { updateBackupConfiguration(input: {databaseId: $id, periodHours: 24})"
        " { database { id } } }",
    ),
]


@pytest.mark.parametrize(
    ("operation", "document"), NOT_SUPPORTED, ids=[n for n, _ in NOT_SUPPORTED]
)
async def test_what_astra_lacks_is_not_supported_before_any_call(
    astra: GatewayClient, operation: str, document: str
) -> None:
    sim = astra.simulator("astra")

    body = await astra.post(document, {"id": database_id(ORDERS)})

    assert error_codes(body) == ["NOT_SUPPORTED"]
    assert "astra" in body["errors"][0]["message"]
    assert operation in body["errors"][0]["message"]
    assert sim.log.entries == []


async def test_renaming_the_organization_is_not_supported(astra: GatewayClient) -> None:
    organization = await org_id(astra)
    sim = astra.simulator("astra")
    sim.log.clear()

    body = await astra.post(RENAME_ORGANIZATION, {"id": organization})

    assert error_codes(body) == ["NOT_SUPPORTED"]
    assert "astra" in body["errors"][0]["message"]
    assert "updateOrganization" in body["errors"][0]["message"]
    assert sim.log.entries == []
