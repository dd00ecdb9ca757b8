"""Mutation payloads: each returns the changed object as the vendor now has it.

One-time secrets (``password``, ``secret``) exist only here, for the call that created
them; a replayed idempotent call and every later read answer null for them.
"""

from __future__ import annotations

import strawberry

from adapters.commands import DeleteOutcome
from schema.enum_descriptions import DELETE_OUTCOME, describe
from schema.nodes import (
    ApiKey,
    Backup,
    Database,
    DatabaseCredential,
    Invitation,
    Member,
    Organization,
)
from schema.permissions import admin

DeleteOutcomeEnum = describe(
    strawberry.enum(
        DeleteOutcome,
        name="DeleteOutcome",
        description="What a delete did: DELETED now, DELETING asynchronously, or QUARANTINED",
    ),
    DELETE_OUTCOME,
)

_REPLAYED = "True when this answer repeats an earlier call with the same idempotencyKey"


@strawberry.type(description="The new database and its one-time secrets")
class CreateDatabasePayload:
    database: Database = strawberry.field(description="The new database")
    password: str | None = strawberry.field(
        description="Its initial password, shown once (null where the vendor gives none)",
        extensions=admin("a database password"),
    )
    credential: DatabaseCredential | None = strawberry.field(
        description="The credential created with it, where the vendor creates one"
    )
    replayed: bool = strawberry.field(description=_REPLAYED)


@strawberry.type(description="A database after a change")
class DatabasePayload:
    database: Database = strawberry.field(description="The database in its new state")


@strawberry.type(description="What a database delete did")
class DeleteDatabasePayload:
    deleted_id: strawberry.ID = strawberry.field(description="ID of the database")
    outcome: DeleteOutcomeEnum = strawberry.field(  # type: ignore[valid-type]
        description="DELETED, DELETING or QUARANTINED"
    )
    database: Database | None = strawberry.field(
        description="Its state after the call; null when it is gone"
    )


@strawberry.type(description="A new database password, shown once")
class ResetDatabasePasswordPayload:
    password: str = strawberry.field(
        description="The new password, shown once", extensions=admin("a database password")
    )
    database: Database | None = strawberry.field(description="The database, where reset on it")
    credential: DatabaseCredential | None = strawberry.field(
        description="The credential, where reset on it"
    )


@strawberry.type(description="The new API key and its one-time secret")
class CreateApiKeyPayload:
    api_key: ApiKey = strawberry.field(description="The new key")
    secret: str | None = strawberry.field(
        description="The key secret, shown once (null on a replay)",
        extensions=admin("a vendor API key secret"),
    )
    replayed: bool = strawberry.field(description=_REPLAYED)


@strawberry.type(description="An API key after a change")
class ApiKeyPayload:
    api_key: ApiKey = strawberry.field(description="The key in its new state")


@strawberry.type(description="A revoked API key")
class RevokeApiKeyPayload:
    revoked_id: strawberry.ID = strawberry.field(description="ID of the key")
    api_key: ApiKey | None = strawberry.field(
        description="Its state after revocation; null where the vendor deletes revoked keys"
    )


@strawberry.type(description="A new invitation")
class InviteMemberPayload:
    invitation: Invitation = strawberry.field(description="The invitation")
    replayed: bool = strawberry.field(description=_REPLAYED)


@strawberry.type(description="A cancelled invitation")
class CancelInvitationPayload:
    cancelled_id: strawberry.ID = strawberry.field(description="ID of the invitation")


@strawberry.type(description="A member after a change")
class MemberPayload:
    member: Member = strawberry.field(description="The member in its new state")


@strawberry.type(description="A removed member")
class RemoveMemberPayload:
    removed_id: strawberry.ID = strawberry.field(description="ID of the member")


@strawberry.type(description="An organization after a change")
class OrganizationPayload:
    organization: Organization = strawberry.field(description="The organization in its new state")


@strawberry.type(description="A new backup or snapshot")
class CreateBackupPayload:
    backup: Backup = strawberry.field(description="The backup as the vendor has it now")
    replayed: bool = strawberry.field(description=_REPLAYED)


@strawberry.type(description="What a backup delete did")
class DeleteBackupPayload:
    deleted_id: strawberry.ID = strawberry.field(description="ID of the backup")
    backup: Backup | None = strawberry.field(
        description="Its state after the call (DELETING); null when it is gone"
    )
