"""A hostile value in any ID a mutation takes never changes an upstream path or query.

Every ID input of every mutation a vendor supports (the target ``id``/``databaseId``/
``organizationId`` and the secondary ``ownerId``, ``fromBackupId``, ``planId``) is given a
real ID of the right type with one key part replaced by a hostile value, one mutation per
request. The simulators' logs must show only documented, well-encoded paths, nothing a
well-shaped unknown value would not have caused too, and each answer must be a coded
error (BAD_USER_INPUT, NOT_FOUND, or what the vendor answers the unknown value), no data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schema.ids import GlobalId, encode_id
from tests.gateway_client import GatewayClient, error_codes
from tests.hostile_values import PATH_ATTACKS, SUFFIXES
from tests.upstream_paths import malformed
from tests.url_safety import forge, forget, real_ids, shapes, unknown_like, upstream

Real = Callable[[str], str]
Build = Callable[[Real, str], dict[str, Any]]

CH, FB, AS, DB = "clickhouse", "featurebase", "astra", "dbaas"
CREATE_OPTIONS = {
    CH: {"clickhouse": {"provider": "aws", "region": "us-east-1"}},
    FB: {"featurebase": {"shape": "8GB"}},
    AS: {"astra": {"clusterId": "c1a50000-0000-4000-8000-000000000001", "namespace": "ns"}},
    DB: {"dbaas": {"planId": encode_id("Plan", "dbaas", ("1",)), "environment": "1"}},
}


def _by_id(**extra: Any) -> Build:
    return lambda real, value: {"id": value, **extra}


#: (mutation, input type, type of the ID under test, vendors, input with that ID)
CASES: list[tuple[str, str, str, tuple[str, ...], Build]] = [
    ("startDatabase", "DatabaseIdInput", "Database", (CH, FB), _by_id()),
    ("stopDatabase", "DatabaseIdInput", "Database", (CH, FB), _by_id()),
    ("deleteDatabase", "DatabaseIdInput", "Database", (CH, FB, AS, DB), _by_id()),
    ("updateDatabase", "UpdateDatabaseInput", "Database", (CH, FB, AS), _by_id(name="renamed")),
    (
        "updateDatabase",
        "UpdateDatabaseInput",
        "Database",
        (DB,),
        _by_id(dbaas={"project": "1"}),
    ),
    (
        "scaleDatabase",
        "ScaleDatabaseInput",
        "Database",
        (CH,),
        _by_id(clickhouse={"numReplicas": 3}),
    ),
    ("resetDatabasePassword", "ResetDatabasePasswordInput", "Database", (CH, DB), _by_id()),
    ("resetDatabasePassword", "ResetDatabasePasswordInput", "DatabaseCredential", (DB,), _by_id()),
    (
        "updateBackupConfiguration",
        "UpdateBackupConfigurationInput",
        "Database",
        (CH,),
        lambda real, value: {"databaseId": value, "periodHours": 24},
    ),
    (
        "createBackup",
        "CreateBackupInput",
        "Database",
        (AS,),
        lambda real, value: {"databaseId": value, "name": "nightly"},
    ),
    ("deleteBackup", "IdInput", "Backup", (AS,), _by_id()),
    (
        "createApiKey",
        "CreateApiKeyInput",
        "Organization",
        (CH, FB, AS),
        lambda real, value: {"organizationId": value, "name": "ci"},
    ),
    (
        "createApiKey",
        "CreateApiKeyInput",
        "Member",
        (FB, AS),
        lambda real, value: {
            "organizationId": real("Organization"),
            "name": "ci",
            "ownerId": value,
        },
    ),
    ("updateApiKey", "UpdateApiKeyInput", "ApiKey", (CH, FB, AS), _by_id(name="renamed")),
    ("revokeApiKey", "IdInput", "ApiKey", (CH, FB, AS), _by_id()),
    (
        "inviteMember",
        "InviteMemberInput",
        "Organization",
        (CH, FB, AS),
        lambda real, value: {"organizationId": value, "email": "new@example.com", "role": "MEMBER"},
    ),
    ("cancelInvitation", "IdInput", "Invitation", (CH, AS), _by_id()),
    ("updateMemberRole", "UpdateMemberRoleInput", "Member", (CH, FB, AS), _by_id(role="ADMIN")),
    ("removeMember", "IdInput", "Member", (CH, AS), _by_id()),
    ("updateOrganization", "UpdateOrganizationInput", "Organization", (CH, FB), _by_id(name="n")),
    *(
        (
            "createDatabase",
            "CreateDatabaseInput",
            "Organization",
            (vendor,),
            (
                lambda v: (
                    lambda real, value: {"organizationId": value, "name": "x", **CREATE_OPTIONS[v]}
                )
            )(vendor),
        )
        for vendor in (CH, FB, AS, DB)
    ),
    (
        "createDatabase",
        "CreateDatabaseInput",
        "Backup",
        (CH,),
        lambda real, value: {
            "organizationId": real("Organization"),
            "name": "restored",
            "clickhouse": {**CREATE_OPTIONS[CH]["clickhouse"], "fromBackupId": value},
        },
    ),
    (
        "createDatabase",
        "CreateDatabaseInput",
        "Backup",
        (AS,),
        lambda real, value: {
            "organizationId": real("Organization"),
            "name": "restored",
            "astra": {**CREATE_OPTIONS[AS]["astra"], "fromBackupId": value},
        },
    ),
    (
        "createDatabase",
        "CreateDatabaseInput",
        "Plan",
        (DB,),
        lambda real, value: {
            "organizationId": real("Organization"),
            "name": "x",
            "dbaas": {"planId": value, "environment": "1"},
        },
    ),
    (
        "updateDatabase",
        "UpdateDatabaseInput",
        "Member",
        (FB,),
        lambda real, value: {"id": real("Database"), "featurebase": {"ownerId": value}},
    ),
]

#: the hostile values mutations get: those that may reshape a path, and real IDs with
#: suffixes (fewer than for reads: every value is one request here)
HOSTILE = [v for k, v in PATH_ATTACKS.items() if k != "very-long"] + ["a" * 300]
CONTROLS = 3

PARAMS = [
    pytest.param(
        mutation, input_type, type_name, vendor, build, id=f"{mutation}-{type_name}-{vendor}"
    )
    for mutation, input_type, type_name, vendors, build in CASES
    for vendor in vendors
]


async def _each(
    client: GatewayClient, vendor: str, mutation: str, input_type: str, inputs: list[dict]
) -> tuple[list[dict[str, Any]], list]:
    forget(client)
    document = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ __typename }} }}"
    bodies = [await client.post(document, {"input": i}) for i in inputs]
    return bodies, upstream(client, vendor)


@pytest.mark.parametrize(("mutation", "input_type", "type_name", "vendor", "build"), PARAMS)
async def test_hostile_ids_in_mutation_inputs_reach_upstream_only_as_one_segment(
    demo: GatewayClient, mutation: str, input_type: str, type_name: str, vendor: str, build: Build
) -> None:
    found = await real_ids(demo)
    target: GlobalId | None = found.get((vendor, type_name))
    assert target is not None, f"the demo has no {vendor} {type_name}"

    def real(wanted: str) -> str:
        gid = found[(vendor, wanted)]
        return encode_id(gid.type_name, gid.connection, gid.key)

    for position, part in enumerate(target.key):
        values = [*HOSTILE, *(part + suffix for suffix in SUFFIXES)]
        controls = [unknown_like(part, n) for n in range(CONTROLS)]
        control_bodies, control_requests = await _each(
            demo,
            vendor,
            mutation,
            input_type,
            [build(real, forge(target, position, v)) for v in controls],
        )
        bodies, requests = await _each(
            demo,
            vendor,
            mutation,
            input_type,
            [build(real, forge(target, position, v)) for v in values],
        )

        where = f"{mutation} {vendor} {type_name} key part {position}"
        assert malformed(vendor, requests) == [], where
        assert shapes(requests, values) <= shapes(control_requests, controls), where
        accepted = {"BAD_USER_INPUT", "NOT_FOUND"} | {
            code for body in control_bodies for code in error_codes(body)
        }
        for value, body in zip(values, bodies, strict=True):
            assert body["data"] is None, (where, value, body)
            assert set(error_codes(body)) <= accepted, (where, value, body["errors"])
