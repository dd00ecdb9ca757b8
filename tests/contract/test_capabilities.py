"""Capabilities: what a vendor declares (``capabilities`` of its adapter) is what it does.

A read it declares answers; a read it lacks is null with no error and no upstream call.
A write it declares is one its adapter implements; a write it lacks is NOT_SUPPORTED,
naming the vendor and the operation, before any upstream call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from adapters.base import OPERATION_METHODS, BaseAdapter
from adapters.model import Capabilities, Operation
from schema.ids import GlobalId, decode_id, encode_id
from tests.contract.support import demo_gateway, every_vendor, forget_requests, requests
from tests.gateway_client import GatewayClient, error_codes

#: the reads every vendor may offer: capability -> (the object it hangs on, its field)
READS: dict[str, tuple[str, str]] = {
    "api_keys": ("organization", "apiKeys { id }"),
    "members": ("organization", "members { id }"),
    "invitations": ("organization", "invitations { id }"),
    "activities": ("organization", "activities { id }"),
    "plans": ("organization", "plans { id }"),
    "feature_flags": ("organization", "featureFlags { id }"),
    "backups": ("database", "backups { id }"),
    "credentials": ("database", "credentials { id }"),
}
#: read only through a vendor's own details type (``Database.clickhouse``), not here
VENDOR_DETAILS = {"backup_configuration", "private_endpoints", "metrics"}
#: every vendor has these: the listing contract reads them
ALWAYS = {"organizations", "databases"}

Ids = Callable[[str], str]
#: every write: its mutation, input type and input with IDs of the right type
#: (``ids(type)``); NOT_SUPPORTED comes before any ID is looked up
WRITES: dict[Operation, tuple[str, str, Callable[[Ids], dict[str, Any]]]] = {
    # a restore is a createDatabase with a backup in a vendor's options: any vendor's
    # fromBackupId asks for one, and a target that cannot restore refuses it first
    Operation.RESTORE_DATABASE: (
        "createDatabase",
        "CreateDatabaseInput",
        lambda ids: {
            "organizationId": ids("Organization"),
            "name": "contract",
            "clickhouse": {"fromBackupId": ids("Backup")},
        },
    ),
    Operation.CREATE_DATABASE: (
        "createDatabase",
        "CreateDatabaseInput",
        lambda ids: {"organizationId": ids("Organization"), "name": "contract"},
    ),
    Operation.UPDATE_DATABASE: (
        "updateDatabase",
        "UpdateDatabaseInput",
        lambda ids: {"id": ids("Database"), "name": "contract"},
    ),
    Operation.START_DATABASE: (
        "startDatabase",
        "DatabaseIdInput",
        lambda ids: {"id": ids("Database")},
    ),
    Operation.STOP_DATABASE: (
        "stopDatabase",
        "DatabaseIdInput",
        lambda ids: {"id": ids("Database")},
    ),
    Operation.SCALE_DATABASE: (
        "scaleDatabase",
        "ScaleDatabaseInput",
        lambda ids: {"id": ids("Database")},
    ),
    Operation.DELETE_DATABASE: (
        "deleteDatabase",
        "DatabaseIdInput",
        lambda ids: {"id": ids("Database")},
    ),
    Operation.RESET_DATABASE_PASSWORD: (
        "resetDatabasePassword",
        "ResetDatabasePasswordInput",
        lambda ids: {"id": ids("Database")},
    ),
    Operation.CREATE_API_KEY: (
        "createApiKey",
        "CreateApiKeyInput",
        lambda ids: {"organizationId": ids("Organization"), "name": "contract"},
    ),
    Operation.UPDATE_API_KEY: (
        "updateApiKey",
        "UpdateApiKeyInput",
        lambda ids: {"id": ids("ApiKey"), "name": "contract"},
    ),
    Operation.REVOKE_API_KEY: ("revokeApiKey", "IdInput", lambda ids: {"id": ids("ApiKey")}),
    Operation.INVITE_MEMBER: (
        "inviteMember",
        "InviteMemberInput",
        lambda ids: {
            "organizationId": ids("Organization"),
            "email": "contract@example.com",
            "role": "MEMBER",
        },
    ),
    Operation.CANCEL_INVITATION: (
        "cancelInvitation",
        "IdInput",
        lambda ids: {"id": ids("Invitation")},
    ),
    Operation.UPDATE_MEMBER_ROLE: (
        "updateMemberRole",
        "UpdateMemberRoleInput",
        lambda ids: {"id": ids("Member"), "role": "ADMIN"},
    ),
    Operation.REMOVE_MEMBER: ("removeMember", "IdInput", lambda ids: {"id": ids("Member")}),
    Operation.UPDATE_ORGANIZATION: (
        "updateOrganization",
        "UpdateOrganizationInput",
        lambda ids: {"id": ids("Organization"), "name": "contract"},
    ),
    Operation.CREATE_BACKUP: (
        "createBackup",
        "CreateBackupInput",
        lambda ids: {"databaseId": ids("Database"), "name": "contract"},
    ),
    Operation.DELETE_BACKUP: ("deleteBackup", "IdInput", lambda ids: {"id": ids("Backup")}),
    Operation.UPDATE_BACKUP_CONFIGURATION: (
        "updateBackupConfiguration",
        "UpdateBackupConfigurationInput",
        lambda ids: {"databaseId": ids("Database"), "periodHours": 24},
    ),
}

FIRST = "{ organizations { id databases(first: 1) { nodes { id } } } }"


def capabilities(gw: GatewayClient) -> Capabilities:
    (declared,) = {adapter.capabilities for adapter in gw.runtime.adapters.values()}
    return declared


def reads_document(wanted: list[str]) -> str:
    on = {"organization": "", "database": ""}
    for capability in wanted:
        where, field = READS[capability]
        on[where] += f" {field}"
    return (
        f"{{ organizations {{ id{on['organization']} "
        f"databases(first: 1) {{ nodes {{ id{on['database']} }} }} }} }}"
    )


def answers(body: dict[str, Any], capability: str) -> list[Any]:
    """What the field of ``capability`` answered, on every object that has it."""
    where, field = READS[capability]
    name = field.split()[0]
    orgs = body["data"]["organizations"]
    holders = (
        orgs if where == "organization" else [n for o in orgs for n in o["databases"]["nodes"]]
    )
    assert holders, f"no {where} to read {name} on"
    return [holder[name] for holder in holders]


async def _calls(vendor: str, document: str) -> tuple[dict[str, Any], int]:
    """A document's answer and upstream calls on a freshly built gateway."""
    async with demo_gateway(vendor) as gw:
        body = await gw.post(document)
        return body, len(requests(gw, vendor))


def test_the_tables_cover_every_capability_and_every_write() -> None:
    names = {f.name for f in dataclasses.fields(Capabilities)} - {
        "operations",
        "vendor_paged",  # how lists page and filter: tests/contract/test_paging.py
        "vendor_filters",
        "vendor_orders",
    }

    assert names == set(READS) | VENDOR_DETAILS | ALWAYS
    assert set(WRITES) == set(Operation)


@every_vendor
async def test_a_declared_read_answers_without_an_error(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        declared = [c for c in READS if getattr(capabilities(gw), c)]
        body = await gw.post(reads_document(declared))

    assert "errors" not in body, body["errors"]
    for capability in declared:
        assert None not in answers(body, capability), capability


@every_vendor
async def test_a_read_the_vendor_lacks_is_null_without_an_error_or_a_call(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        lacking = [c for c in READS if not getattr(capabilities(gw), c)]

    _, without = await _calls(vendor, reads_document([]))
    body, calls = await _calls(vendor, reads_document(lacking))

    assert "errors" not in body, body["errors"]
    assert calls == without
    for capability in lacking:
        assert set(answers(body, capability)) == {None}, capability


@every_vendor
async def test_the_declared_writes_are_the_implemented_ones(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        adapter = next(iter(gw.runtime.adapters.values()))
    implemented = {
        op
        for op, methods in OPERATION_METHODS.items()
        if any(getattr(type(adapter), m) is not getattr(BaseAdapter, m) for m in methods)
    }
    declared = adapter.capabilities.operations

    assert declared <= implemented, "declared but not implemented"
    # restore rides on create_database, so a vendor without restore leaves it undeclared
    assert implemented - declared <= {Operation.RESTORE_DATABASE}


@every_vendor
async def test_a_write_the_vendor_lacks_is_not_supported_before_any_call(vendor: str) -> None:
    async with demo_gateway(vendor) as gw:
        org_id = (await gw.data(FIRST))["organizations"][0]["id"]
        org: GlobalId = decode_id(org_id)
        lacking = [op for op in WRITES if op not in capabilities(gw).operations]

        def ids(type_name: str) -> str:
            # no lookup happens before NOT_SUPPORTED: an ID of the right type will do
            return encode_id(type_name, org.connection, (*org.key, "contract"))

        for operation in lacking:
            name, input_type, make = WRITES[operation]
            forget_requests(gw, vendor)

            body = await gw.post(
                f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}",
                {"input": make(ids)},
            )

            assert error_codes(body) == ["NOT_SUPPORTED"], (operation, body)
            message = body["errors"][0]["message"]
            assert vendor in message and operation.value in message
            assert requests(gw, vendor) == [], operation
