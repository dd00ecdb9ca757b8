"""FeatureBase JSON -> records, walked against the vendor docs' own tables and examples."""

from __future__ import annotations

import uuid

import pytest

from adapters.base import BaseAdapter
from adapters.featurebase import mapping
from adapters.featurebase.adapter import CAPABILITIES, FeatureBaseAdapter
from adapters.featurebase.client import read_error
from adapters.model import (
    ApiKeyState,
    BackupStatus,
    ConnectionInfo,
    DatabaseStatus,
    MemberRole,
    Vendor,
)

CONN = ConnectionInfo("fb", Vendor("featurebase"), "https://api.featurebase.com")
ORG = "a40f5d1f-d889-42e9-94ea-b9b33585fc6b"

#: the seed's "Database Status" table: status -> "Can query data"
SEED_STATUS_TABLE = {
    "CREATING": False,
    "PROVISIONING": False,
    "RUNNING": True,
    "RESTORING": False,
    "BACKUP": True,
    "DELETING": False,
    "DEPROVISIONING": False,
    "DELETED": False,
    "FAILED": False,
    "FROZEN": False,
    "UPDATING": True,
}

#: the seed's database example
DATABASE = {
    "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "name": "example-database",
    "database_status": "RUNNING",
    "database_options": {"shape": "8GB"},
    "org_id": ORG,
    "created_by": "ee824cad-d7a6-4f48-87dc-e8461a9201c4",
    "created_at": "2019-08-24T14:15:22Z",
    "owned_by": "b54c13ac-3977-4e54-bbfa-b33713ac1540",
    "updated_at": "2019-08-24T14:15:22Z",
    "updated_by": "deea00dc-b6b6-4412-a483-26ac61e1f6fe",
}

#: the seed's shape example
SHAPE = {
    "org_id": ORG,
    "name": "32gb-aws:us-east-2",
    "vendor": "AWS",
    "region": "us-east-2",
    "type": "featurebase-cluster",
    "metadata": {
        "doc_url": None,
        "friendly_name": None,
        "hourly_rate_info": "0.65",
        "long_description": None,
        "short_description": None,
    },
    "properties": {
        "uses_internal_etcd": False,
        "node_count": 3,
        "replica_factor": 2,
        "compute": {"arch": "arm64", "instance_type": "r7g.large"},
        "storage": {
            "volume_size": 100,
            "volume_iops": 4000,
            "volume_throughput": 1000,
            "volume_type": "gp3",
        },
    },
}

#: the seed's backup example
BACKUP_URL = (
    "s3://database-backups-20230117171601968300000001/backups/12345678-1234-1234-1234-"
    "1234567890ab/abcdefgh-abcd-abcd-abcd-1234567890ab/2024-02-16T04:00:30.436276.tar.gz"
)
BACKUP = {
    "org_id": ORG,
    "deployment_id": "6ef0ac85-9892-4664-a2a5-58bf2af5a8a6",
    "url": BACKUP_URL,
    "timestamp": "2019-08-24T14:15:22Z",
    "size": 500,
    "storage_class": "STANDARD",
}


def test_the_status_tables_walk_the_seed_table() -> None:
    assert set(mapping.DATABASE_STATUSES) == set(SEED_STATUS_TABLE)
    assert mapping.CAN_QUERY == SEED_STATUS_TABLE
    assert DatabaseStatus.UNKNOWN not in mapping.DATABASE_STATUSES.values()


@pytest.mark.parametrize("status", sorted(SEED_STATUS_TABLE))
def test_every_seed_status_maps_to_a_state_and_whether_data_can_be_queried(status: str) -> None:
    record = mapping.database(CONN, ORG, DATABASE | {"database_status": status})

    assert record.status is mapping.DATABASE_STATUSES[status]
    assert record.vendor_status == status
    assert record.can_query is SEED_STATUS_TABLE[status]


def test_an_unknown_or_missing_status_is_unknown() -> None:
    odd = mapping.database(CONN, ORG, DATABASE | {"database_status": "SLEEPING"})
    missing = mapping.database(
        CONN, ORG, {k: v for k, v in DATABASE.items() if k != "database_status"}
    )

    assert (odd.status, odd.vendor_status, odd.can_query) == (
        DatabaseStatus.UNKNOWN,
        "SLEEPING",
        None,
    )
    assert (missing.status, missing.vendor_status) == (DatabaseStatus.UNKNOWN, None)


def test_the_seed_database_example_maps_every_field() -> None:
    record = mapping.database(CONN, ORG, DATABASE)

    assert record.key == (ORG, DATABASE["id"]) and record.organization_key == (ORG,)
    assert record.name == "example-database"
    assert (
        record.created_at is not None
        and record.created_at.isoformat() == "2019-08-24T14:15:22+00:00"
    )
    d = record.details
    assert (d.shape, d.owner_id, d.created_by_id, d.updated_by_id) == (
        "8GB",
        DATABASE["owned_by"],
        DATABASE["created_by"],
        DATABASE["updated_by"],
    )
    assert record.region is None and record.cloud_provider is None  # not in the record


def test_a_backup_id_is_a_stable_uuid_of_its_url() -> None:
    record = mapping.backup(CONN, ORG, "db", BACKUP)
    again = mapping.backup(CONN, ORG, "db", dict(BACKUP))
    other = mapping.backup(CONN, ORG, "db", BACKUP | {"url": BACKUP_URL.replace("04:00", "05:00")})

    assert record.native_id == again.native_id != other.native_id
    assert len(record.native_id) == 36
    assert record.key == (ORG, "db", record.native_id)
    assert (record.status, record.size_bytes) == (BackupStatus.COMPLETED, 500)
    assert (record.details.storage_class, record.details.url) == ("STANDARD", BACKUP_URL)
    assert record.started_at == record.details.timestamp


@pytest.mark.parametrize(
    ("roles", "role", "vendor_role"),
    [
        (["Org Owner"], MemberRole.OWNER, "Org Owner"),
        (["Data Scientist"], MemberRole.UNKNOWN, "Data Scientist"),
        (["Data Scientist", "Org Owner"], MemberRole.OWNER, "Org Owner"),
        ([], MemberRole.UNKNOWN, None),
    ],
)
def test_role_names_normalize_and_the_vendors_is_kept(
    roles: list[str], role: MemberRole, vendor_role: str | None
) -> None:
    record = mapping.member(
        CONN,
        ORG,
        {
            "id": "u1",
            "roles": roles,
            "firstname": "Ann",
            "lastname": "Lee",
            "username": "ann@x.test",
        },
    )

    assert (record.role, record.vendor_role) == (role, vendor_role)
    assert record.details.roles == tuple(roles)
    assert (record.name, record.email) == ("Ann Lee", "ann@x.test")


def test_key_states_and_owner() -> None:
    body = {
        "id": "k1",
        "description": "My super secret key",
        "status": "ACTIVE",
        "owned_by": "u1",
        "used_at": "2019-08-24T14:15:22Z",
    }

    active = mapping.api_key(CONN, ORG, body)
    revoked = mapping.api_key(CONN, ORG, body | {"status": "REVOKED"})
    odd = mapping.api_key(CONN, ORG, body | {"status": "PAUSED"})

    assert (active.state, revoked.state, odd.state) == (
        ApiKeyState.ENABLED,
        ApiKeyState.REVOKED,
        ApiKeyState.UNKNOWN,
    )
    assert active.owner_key == (ORG, "u1")
    assert active.name == "My super secret key" and active.expires_at is None


def test_the_seed_shape_example_becomes_a_plan_with_typed_fields() -> None:
    plan = mapping.plan(CONN, ORG, SHAPE)

    assert plan.key == (ORG, "32gb-aws:us-east-2")
    assert (plan.cloud_provider, plan.region, plan.node_count) == ("aws", "us-east-2", 3)
    assert (plan.instance_type, plan.hourly_rate) == ("r7g.large", 0.65)
    assert plan.description == "3 x r7g.large (arm64), AWS us-east-2"


def test_the_org_reads_the_docs_spelling_of_contact_fields() -> None:
    org = mapping.organization(
        CONN,
        {
            "id": ORG,
            "name": "Org",
            "tech_contact_emali": "t@x.test",
            "billing_contact_email": "b@x.test",
            "org_type": "trial",
        },
    )

    assert (org.details.tech_contact_email, org.details.billing_contact_email) == (
        "t@x.test",
        "b@x.test",
    )


def test_accepted_invites_are_not_pending() -> None:
    assert mapping.is_pending({"accepted": False})
    assert not mapping.is_pending({"accepted": True})


@pytest.mark.parametrize(
    ("status", "body", "message", "code", "retryable"),
    [
        (
            400,
            {
                "code": "InvalidParameter",
                "message": "The value for 'count' has to be greater than 0.",
            },
            "The value for 'count' has to be greater than 0.",
            "InvalidParameter",
            None,
        ),
        (401, {"response_code": 401, "message": "unauthorized."}, "unauthorized.", None, None),
        (
            409,
            {"code": "IncorrectState", "message": "not ready"},
            "not ready",
            "IncorrectState",
            True,
        ),
        (
            400,
            {"code": "ResourceThroughputExceeded", "message": "slow down"},
            "slow down",
            "ResourceThroughputExceeded",
            True,
        ),
    ],
)
def test_both_error_body_forms_are_read(
    status: int, body: object, message: str | None, code: str | None, retryable: bool | None
) -> None:
    read = read_error(body)

    assert (read.message, read.vendor_code, read.retryable) == (message, code, retryable)


#: capability -> the adapter methods that implement it
CAPABILITY_METHODS = {
    "organizations": ("list_organizations", "get_organizations"),
    "databases": ("list_databases", "get_databases"),
    "backups": ("list_backups", "get_backups"),
    "backup_configuration": ("get_backup_configuration",),
    "api_keys": ("list_api_keys", "get_api_keys"),
    "members": ("list_members", "get_members"),
    "invitations": ("list_invitations", "get_invitations"),
    "activities": ("list_activities",),
    "plans": ("list_plans", "get_plans"),
    "credentials": ("list_credentials",),
    "private_endpoints": ("get_private_endpoint_config",),
    "metrics": ("get_metrics",),
    "feature_flags": ("list_feature_flags",),
}


@pytest.mark.parametrize("capability", sorted(CAPABILITY_METHODS))
def test_capabilities_match_what_the_adapter_implements(capability: str) -> None:
    implemented = {
        getattr(FeatureBaseAdapter, m) is not getattr(BaseAdapter, m)
        for m in CAPABILITY_METHODS[capability]
    }

    assert implemented == {getattr(CAPABILITIES, capability)}


def test_every_capability_is_checked() -> None:
    # how lists page and filter: tests/contract/test_vendor_paging.py, for every vendor
    how = {"operations", "vendor_paged", "vendor_filters", "vendor_orders"}
    assert set(CAPABILITY_METHODS) == set(CAPABILITIES.__dataclass_fields__) - how


@pytest.mark.parametrize(
    "name", ["", "s3://fb-backups/db/2024-01-01.tar", "café|1|2", "x" * 1000, "😀"]
)
def test_a_backup_id_is_the_uuid5_of_its_basis(name: str) -> None:
    assert mapping._uuid5(name) == str(uuid.uuid5(mapping.BACKUP_ID_NAMESPACE, name))


def test_every_variant_nibble_gives_the_uuid5() -> None:
    # thousands of names, so each value of the digits whose bits are set comes up
    names = [f"s3://fb-backups/{n}.tar.gz" for n in range(4000)]
    assert {mapping._uuid5(n)[19] for n in names} == set("89ab")
    assert [mapping._uuid5(n) for n in names] == [
        str(uuid.uuid5(mapping.BACKUP_ID_NAMESPACE, n)) for n in names
    ]


def test_backup_ids_are_remembered_only_for_names_of_bounded_length() -> None:
    short, long = "s3://fb-backups/remembered.tar", "s3://" + "x" * (mapping.REMEMBERED_NAME + 1)
    before = mapping._remembered_uuid5.cache_info()
    assert mapping.backup_id("db", {"url": short}) == mapping._uuid5(short)
    assert mapping.backup_id("db", {"url": short}) == mapping._uuid5(short)
    assert mapping.backup_id("db", {"url": long}) == mapping._uuid5(long)
    after = mapping._remembered_uuid5.cache_info()
    # the short name was derived once and then remembered; the long one never reached it
    assert (after.misses - before.misses, after.hits - before.hits) in {(1, 1), (0, 2)}
    assert after.currsize <= mapping.BACKUP_IDS
