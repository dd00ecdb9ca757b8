"""The tables and bodies FeatureBase writes use: each the inverse of what reads map."""

from __future__ import annotations

from adapters.commands import DeleteOutcome
from adapters.featurebase import mapping
from adapters.model import ApiKeyState, DatabaseStatus, MemberRole
from tests.featurebase.test_mapping import CONN, DATABASE, ORG, SEED_STATUS_TABLE


def test_stopped_is_an_assumption_kept_apart_from_the_documented_table() -> None:
    record = mapping.database(CONN, ORG, DATABASE | {"database_status": "STOPPED"})

    assert "STOPPED" not in SEED_STATUS_TABLE and "STOPPED" not in mapping.DATABASE_STATUSES
    assert set(mapping.ASSUMED_STATUSES).isdisjoint(mapping.DATABASE_STATUSES)
    assert (record.status, record.vendor_status, record.can_query) == (
        DatabaseStatus.STOPPED,
        "STOPPED",
        False,
    )


def test_the_key_states_a_write_sends_read_back_as_themselves() -> None:
    for state, value in mapping.KEY_STATUS_VALUES.items():
        assert mapping.KEY_STATES[value] is state
    assert set(mapping.KEY_STATUS_VALUES.values()) == set(mapping.KEY_STATES)


def test_the_role_a_write_adds_reads_back_as_itself() -> None:
    for role, name in mapping.ROLE_NAMES.items():
        assert mapping.member_role((name,)) == (role, name)
    assert mapping.ROLE_NAMES == {MemberRole.OWNER: "Org Owner"}  # the one the docs name


def test_a_delete_is_deleted_when_gone_or_deleted_else_deleting() -> None:
    def after(status: str) -> DeleteOutcome:
        record = mapping.database(CONN, ORG, DATABASE | {"database_status": status})
        return mapping.delete_outcome(record)

    assert mapping.delete_outcome(None) is DeleteOutcome.DELETED
    assert after("DELETED") is DeleteOutcome.DELETED
    assert {after(s) for s in ("DELETING", "DEPROVISIONING", "RUNNING")} == {DeleteOutcome.DELETING}


def test_patch_bodies_carry_only_what_changes() -> None:
    assert mapping.update_database_body("x", None) == {"name": "x"}
    assert mapping.update_database_body(None, "u1") == {"owned_by": "u1"}
    assert mapping.update_key_body(None, ApiKeyState.REVOKED) == {"status": "REVOKED"}
    assert mapping.update_key_body("ci", ApiKeyState.ENABLED) == {
        "description": "ci",
        "status": "ACTIVE",
    }
    assert mapping.update_org_body("Initech") == {"name": "Initech"}


def test_create_bodies_follow_the_docs_examples() -> None:
    assert mapping.create_database_body("example-database", "8GB") == {
        "name": "example-database",
        "database_options": {"shape": "8GB"},
    }
    assert mapping.create_key_body("My super secret key") == {"description": "My super secret key"}
    assert mapping.invite_body("example-email@abc.com") == {"email": "example-email@abc.com"}
