"""Mutation: every write, routed by its target's connection to that vendor's adapter.

Resolvers stay thin: decode and check the target (``mutation_runner``), build the command,
call the adapter, wrap the answer in its payload. Create mutations accept an
``idempotencyKey`` (``schema.idempotency``).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from adapters.commands import (
    CreateApiKey,
    CreateBackup,
    CreateDatabase,
    InviteMember,
    ScaleDatabase,
    UpdateApiKey,
    UpdateBackupConfiguration,
    UpdateDatabase,
    UpdateOrganization,
)
from adapters.errors import ErrorCode, GatewayError
from adapters.model import Key, Operation
from schema import astra_mutations as astra_writes
from schema import clickhouse_pipe_mutations as pipes
from schema import clickhouse_postgres_mutations as pg
from schema import clickhouse_role_mutations as roles
from schema import clickhouse_service_mutations as svc
from schema import dbaas_mutations as dbaas_writes
from schema import featurebase_mutations as fb_writes
from schema import featurebase_people_mutations as fb_people
from schema.clickhouse_clickstack_mutations import ClickHouseClickStackMutations
from schema.clickhouse_ops_mutations import ClickHouseOpsMutations
from schema.idempotency import Replayed
from schema.ids import decode_id, global_id
from schema.kinds import (
    API_KEY,
    BACKUP,
    BACKUP_CONFIGURATION,
    CREDENTIAL,
    DATABASE,
    INVITATION,
    MEMBER,
    ORGANIZATION,
    Kind,
)
from schema.mutation_inputs import (
    CreateApiKeyInput,
    CreateBackupInput,
    CreateDatabaseInput,
    DatabaseIdInput,
    IdInput,
    InviteMemberInput,
    ResetDatabasePasswordInput,
    ScaleDatabaseInput,
    UpdateApiKeyInput,
    UpdateBackupConfigurationInput,
    UpdateDatabaseInput,
    UpdateMemberRoleInput,
    UpdateOrganizationInput,
    key_in,
)
from schema.mutation_runner import (
    Target,
    idempotent,
    reread,
    reread_optional,
    run,
    target,
    vendor_options,
)
from schema.nodes import (
    ApiKey,
    Backup,
    Database,
    DatabaseCredential,
    Invitation,
    Member,
    Organization,
)
from schema.payloads import (
    ApiKeyPayload,
    CancelInvitationPayload,
    CreateApiKeyPayload,
    CreateBackupPayload,
    CreateDatabasePayload,
    DatabasePayload,
    DeleteBackupPayload,
    DeleteDatabasePayload,
    InviteMemberPayload,
    MemberPayload,
    OrganizationPayload,
    RemoveMemberPayload,
    ResetDatabasePasswordPayload,
    RevokeApiKeyPayload,
)
from schema.permissions import admin, operator


def _id(kind: Kind[Any], t: Target, key: Key) -> strawberry.ID:
    return global_id(kind, t.connection, key)


def _member_key(t: Target, value: str | None, field: str) -> Key | None:
    return key_in(t.connection, value, MEMBER, field)


@strawberry.type(description="Writes, each routed to the vendor of its target's connection")
class Mutation(ClickHouseOpsMutations, ClickHouseClickStackMutations):
    @strawberry.mutation(
        description="Create a database (restore one with fromBackupId)",
        extensions=operator("creates (or restores into) a new database; nothing existing changes"),
    )
    async def create_database(
        self,
        info: Info,
        input: Annotated[
            CreateDatabaseInput,
            strawberry.argument(
                description="The organization, name and vendor settings; optionally a backup "
                "to restore from and an idempotency key"
            ),
        ],
    ) -> CreateDatabasePayload:
        options_given = {
            "clickhouse": input.clickhouse,
            "featurebase": input.featurebase,
            "astra": input.astra,
            "dbaas": input.dbaas,
        }
        restoring = any(
            getattr(o, "from_backup_id", None) is not None for o in options_given.values()
        )
        operation = Operation.RESTORE_DATABASE if restoring else Operation.CREATE_DATABASE
        t = target(info, input.organization_id, ORGANIZATION, operation)
        command = CreateDatabase(t.key, input.name, vendor_options(t, options_given))
        first = await idempotent(
            t, Operation.CREATE_DATABASE, input.idempotency_key, command, t.adapter.create_database
        )
        if not isinstance(first, Replayed):
            return CreateDatabasePayload(
                database=Database.from_record(first.database),
                password=first.password,
                credential=(
                    DatabaseCredential.from_record(first.credential) if first.credential else None
                ),
                replayed=False,
            )
        credential = await reread_optional(t, CREDENTIAL, first.kept, "credential")
        return CreateDatabasePayload(
            database=Database.from_record(await reread(t, DATABASE, first.kept, "database")),
            password=None,
            credential=DatabaseCredential.from_record(credential) if credential else None,
            replayed=True,
        )

    @strawberry.mutation(
        description="Rename a database or change its vendor settings",
        extensions=admin("changes network access (ClickHouse IP access list) and ownership"),
    )
    async def update_database(
        self,
        info: Info,
        input: Annotated[
            UpdateDatabaseInput,
            strawberry.argument(description="The database and the settings to change"),
        ],
    ) -> DatabasePayload:
        t = target(info, input.id, DATABASE, Operation.UPDATE_DATABASE)
        options = vendor_options(
            t,
            {
                "clickhouse": input.clickhouse,
                "featurebase": input.featurebase,
                "dbaas": input.dbaas,
            },
        )
        command = UpdateDatabase(t.key, input.name, options)
        record = await run(t, lambda: t.adapter.update_database(command))
        return DatabasePayload(database=Database.from_record(record))

    @strawberry.mutation(
        description="Start a stopped database",
        extensions=operator("day-to-day lifecycle"),
    )
    async def start_database(
        self,
        info: Info,
        input: Annotated[DatabaseIdInput, strawberry.argument(description="The database to start")],
    ) -> DatabasePayload:
        t = target(info, input.id, DATABASE, Operation.START_DATABASE)
        record = await run(t, lambda: t.adapter.start_database(t.key))
        return DatabasePayload(database=Database.from_record(record))

    @strawberry.mutation(
        description="Stop a running database",
        extensions=operator("day-to-day lifecycle; reversible with startDatabase"),
    )
    async def stop_database(
        self,
        info: Info,
        input: Annotated[DatabaseIdInput, strawberry.argument(description="The database to stop")],
    ) -> DatabasePayload:
        t = target(info, input.id, DATABASE, Operation.STOP_DATABASE)
        record = await run(t, lambda: t.adapter.stop_database(t.key))
        return DatabasePayload(database=Database.from_record(record))

    @strawberry.mutation(
        description="Change a database's size or autoscaling",
        extensions=operator("day-to-day capacity"),
    )
    async def scale_database(
        self,
        info: Info,
        input: Annotated[
            ScaleDatabaseInput, strawberry.argument(description="The database and its new size")
        ],
    ) -> DatabasePayload:
        t = target(info, input.id, DATABASE, Operation.SCALE_DATABASE)
        command = ScaleDatabase(t.key, vendor_options(t, {"clickhouse": input.clickhouse}))
        record = await run(t, lambda: t.adapter.scale_database(command))
        return DatabasePayload(database=Database.from_record(record))

    @strawberry.mutation(
        description="Delete a database; outcome says what the vendor did",
        extensions=admin("destroys data"),
    )
    async def delete_database(
        self,
        info: Info,
        input: Annotated[
            DatabaseIdInput, strawberry.argument(description="The database to delete")
        ],
    ) -> DeleteDatabasePayload:
        t = target(info, input.id, DATABASE, Operation.DELETE_DATABASE)
        deleted = await run(t, lambda: t.adapter.delete_database(t.key))
        return DeleteDatabasePayload(
            deleted_id=_id(DATABASE, t, t.key),
            outcome=deleted.outcome,
            database=Database.from_record(deleted.database) if deleted.database else None,
        )

    @strawberry.mutation(
        description="Give a database (or one credential) a new password",
        extensions=admin("returns a secret and locks out the old password"),
    )
    async def reset_database_password(
        self,
        info: Info,
        input: Annotated[
            ResetDatabasePasswordInput,
            strawberry.argument(description="The database whose password to reset"),
        ],
    ) -> ResetDatabasePasswordPayload:
        expected = CREDENTIAL if decode_id(input.id).kind is CREDENTIAL else DATABASE
        t = target(info, input.id, expected, Operation.RESET_DATABASE_PASSWORD)
        if expected is CREDENTIAL:
            reset = await run(t, lambda: t.adapter.reset_credential_password(t.key))
        else:
            reset = await run(t, lambda: t.adapter.reset_database_password(t.key))
        return ResetDatabasePasswordPayload(
            password=reset.password,
            database=Database.from_record(reset.database) if reset.database else None,
            credential=(
                DatabaseCredential.from_record(reset.credential) if reset.credential else None
            ),
        )

    @strawberry.mutation(
        description="Create an API key; its secret is shown once",
        extensions=admin("returns a secret that grants vendor access"),
    )
    async def create_api_key(
        self,
        info: Info,
        input: Annotated[
            CreateApiKeyInput,
            strawberry.argument(description="The organization and the new key's settings"),
        ],
    ) -> CreateApiKeyPayload:
        t = target(info, input.organization_id, ORGANIZATION, Operation.CREATE_API_KEY)
        command = CreateApiKey(
            t.key,
            input.name,
            role=input.role,
            expires_at=input.expires_at,
            owner=_member_key(t, input.owner_id, "owner_id"),
        )
        first = await idempotent(
            t, Operation.CREATE_API_KEY, input.idempotency_key, command, t.adapter.create_api_key
        )
        if not isinstance(first, Replayed):
            return CreateApiKeyPayload(
                api_key=ApiKey.from_record(first.api_key), secret=first.secret, replayed=False
            )
        return CreateApiKeyPayload(
            api_key=ApiKey.from_record(await reread(t, API_KEY, first.kept, "api_key")),
            secret=None,
            replayed=True,
        )

    @strawberry.mutation(
        description="Rename, re-role, re-date, enable or disable an API key",
        extensions=admin("changes what a vendor key may do"),
    )
    async def update_api_key(
        self,
        info: Info,
        input: Annotated[
            UpdateApiKeyInput,
            strawberry.argument(description="The API key and the settings to change"),
        ],
    ) -> ApiKeyPayload:
        t = target(info, input.id, API_KEY, Operation.UPDATE_API_KEY)
        command = UpdateApiKey(
            t.key, name=input.name, role=input.role, expires_at=input.expires_at, state=input.state
        )
        record = await run(t, lambda: t.adapter.update_api_key(command))
        return ApiKeyPayload(api_key=ApiKey.from_record(record))

    @strawberry.mutation(
        description="Revoke an API key for good",
        extensions=admin("destroys a credential"),
    )
    async def revoke_api_key(
        self,
        info: Info,
        input: Annotated[IdInput, strawberry.argument(description="The API key to revoke")],
    ) -> RevokeApiKeyPayload:
        t = target(info, input.id, API_KEY, Operation.REVOKE_API_KEY)
        revoked = await run(t, lambda: t.adapter.revoke_api_key(t.key))
        return RevokeApiKeyPayload(
            revoked_id=_id(API_KEY, t, t.key),
            api_key=ApiKey.from_record(revoked.api_key) if revoked.api_key else None,
        )

    @strawberry.mutation(
        description="Invite someone to an organization",
        extensions=admin("grants access to an organization"),
    )
    async def invite_member(
        self,
        info: Info,
        input: Annotated[
            InviteMemberInput,
            strawberry.argument(description="The organization, the invitee's email and role"),
        ],
    ) -> InviteMemberPayload:
        t = target(info, input.organization_id, ORGANIZATION, Operation.INVITE_MEMBER)
        command = InviteMember(t.key, input.email, input.role)
        first = await idempotent(
            t, Operation.INVITE_MEMBER, input.idempotency_key, command, t.adapter.invite_member
        )
        if not isinstance(first, Replayed):
            return InviteMemberPayload(invitation=Invitation.from_record(first), replayed=False)
        return InviteMemberPayload(
            invitation=Invitation.from_record(
                await reread(t, INVITATION, first.kept, "invitation")
            ),
            replayed=True,
        )

    @strawberry.mutation(
        description="Withdraw a pending invitation",
        extensions=admin("manages access to an organization"),
    )
    async def cancel_invitation(
        self,
        info: Info,
        input: Annotated[IdInput, strawberry.argument(description="The invitation to cancel")],
    ) -> CancelInvitationPayload:
        t = target(info, input.id, INVITATION, Operation.CANCEL_INVITATION)
        await run(t, lambda: t.adapter.cancel_invitation(t.key))
        return CancelInvitationPayload(cancelled_id=_id(INVITATION, t, t.key))

    @strawberry.mutation(
        description="Give a member another role",
        extensions=admin("changes what a person may do"),
    )
    async def update_member_role(
        self,
        info: Info,
        input: Annotated[
            UpdateMemberRoleInput, strawberry.argument(description="The member and the new role")
        ],
    ) -> MemberPayload:
        t = target(info, input.id, MEMBER, Operation.UPDATE_MEMBER_ROLE)
        record = await run(t, lambda: t.adapter.update_member_role(t.key, input.role))
        return MemberPayload(member=Member.from_record(record))

    @strawberry.mutation(
        description="Remove a member from an organization",
        extensions=admin("revokes a person's access"),
    )
    async def remove_member(
        self,
        info: Info,
        input: Annotated[IdInput, strawberry.argument(description="The member to remove")],
    ) -> RemoveMemberPayload:
        t = target(info, input.id, MEMBER, Operation.REMOVE_MEMBER)
        await run(t, lambda: t.adapter.remove_member(t.key))
        return RemoveMemberPayload(removed_id=_id(MEMBER, t, t.key))

    @strawberry.mutation(
        description="Rename an organization",
        extensions=admin("organization-wide setting"),
    )
    async def update_organization(
        self,
        info: Info,
        input: Annotated[
            UpdateOrganizationInput,
            strawberry.argument(description="The organization and the settings to change"),
        ],
    ) -> OrganizationPayload:
        t = target(info, input.id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
        command = UpdateOrganization(t.key, input.name)
        record = await run(t, lambda: t.adapter.update_organization(command))
        return OrganizationPayload(organization=Organization.from_record(record))

    @strawberry.mutation(
        description="Back up (or snapshot) a database now",
        extensions=operator("adds a backup; nothing existing changes"),
    )
    async def create_backup(
        self,
        info: Info,
        input: Annotated[
            CreateBackupInput, strawberry.argument(description="The database to back up")
        ],
    ) -> CreateBackupPayload:
        t = target(info, input.database_id, DATABASE, Operation.CREATE_BACKUP)
        command = CreateBackup(t.key, input.name, input.kind)
        first = await idempotent(
            t, Operation.CREATE_BACKUP, input.idempotency_key, command, t.adapter.create_backup
        )
        if not isinstance(first, Replayed):
            return CreateBackupPayload(backup=Backup.from_record(first), replayed=False)
        return CreateBackupPayload(
            backup=Backup.from_record(await reread(t, BACKUP, first.kept, "backup")), replayed=True
        )

    @strawberry.mutation(
        description="Delete a backup or snapshot",
        extensions=admin("destroys a backup"),
    )
    async def delete_backup(
        self,
        info: Info,
        input: Annotated[IdInput, strawberry.argument(description="The backup to delete")],
    ) -> DeleteBackupPayload:
        t = target(info, input.id, BACKUP, Operation.DELETE_BACKUP)
        deleted = await run(t, lambda: t.adapter.delete_backup(t.key))
        return DeleteBackupPayload(
            deleted_id=_id(BACKUP, t, t.key),
            backup=Backup.from_record(deleted.backup) if deleted.backup else None,
        )

    create_featurebase_role = strawberry.mutation(
        resolver=fb_writes.create_role,
        name="createFeatureBaseRole",
        description="Create a role of a FeatureBase org",
        extensions=admin("defines what people may do"),
    )
    update_featurebase_role = strawberry.mutation(
        resolver=fb_writes.update_role,
        name="updateFeatureBaseRole",
        description="Change the permissions of a FeatureBase role",
        extensions=admin("changes what its holders may do"),
    )
    delete_featurebase_role = strawberry.mutation(
        resolver=fb_writes.delete_role,
        name="deleteFeatureBaseRole",
        description="Delete a FeatureBase role (its holders lose it)",
        extensions=admin("revokes what its holders may do"),
    )
    create_featurebase_user = strawberry.mutation(
        resolver=fb_people.create_user,
        name="createFeatureBaseUser",
        description="Create a user in a FeatureBase org",
        extensions=admin("adds a person to the organization"),
    )
    update_featurebase_user = strawberry.mutation(
        resolver=fb_people.update_user,
        name="updateFeatureBaseUser",
        description="Change a FeatureBase user's names, permissions (acl) or status",
        extensions=admin("changes what a person may do"),
    )
    accept_featurebase_invitation = strawberry.mutation(
        resolver=fb_people.accept_invitation,
        name="acceptFeatureBaseInvitation",
        description="Mark a FeatureBase invite accepted (the one change the API documents)",
        extensions=admin("admits a person to the organization"),
    )
    update_astra_user = strawberry.mutation(
        resolver=astra_writes.update_user,
        name="updateAstraUser",
        description="Rename, enable or disable, suspend or resume an Astra user",
        extensions=admin("decides whether a person may sign in"),
    )
    delete_astra_role_binding = strawberry.mutation(
        resolver=astra_writes.delete_role_binding,
        name="deleteAstraRoleBinding",
        description="Remove an Astra role binding (the user stays, without that role)",
        extensions=admin("revokes what a person or group may do"),
    )
    create_astra_credential = strawberry.mutation(
        resolver=astra_writes.create_credential,
        name="createAstraCredential",
        description="Store a credential (kubeconfig, bucket key) in an Astra account; "
        "its content is sent, never answered",
        extensions=admin("hands Astra access to a cluster or bucket"),
    )
    create_dbaas_credential = strawberry.mutation(
        resolver=dbaas_writes.create_credential,
        name="createDBaaSCredential",
        description="Add a user to a DBaaS database; its password is shown once",
        extensions=admin("grants access to a database"),
    )
    delete_dbaas_credential = strawberry.mutation(
        resolver=dbaas_writes.delete_credential,
        name="deleteDBaaSCredential",
        description="Remove a user of a DBaaS database",
        extensions=admin("revokes access to a database"),
    )
    write_dbaas_project = strawberry.mutation(
        resolver=dbaas_writes.write_project,
        name="writeDBaaSProject",
        description="Create a DBaaS project (no projectId) or rename one",
        extensions=operator("organizes databases; nothing is deleted"),
    )
    delete_dbaas_project = strawberry.mutation(
        resolver=dbaas_writes.delete_project,
        name="deleteDBaaSProject",
        description="Delete a DBaaS project",
        extensions=admin("removes a grouping databases may reference"),
    )
    set_clickhouse_upgrade_window = strawberry.mutation(
        resolver=svc.set_upgrade_window,
        name="setClickHouseUpgradeWindow",
        description="Set when the vendor may upgrade a ClickHouse service",
        extensions=operator("day-to-day maintenance timing"),
    )
    delete_clickhouse_upgrade_window = strawberry.mutation(
        resolver=svc.delete_upgrade_window,
        name="deleteClickHouseUpgradeWindow",
        description="Let the vendor upgrade a ClickHouse service at any time",
        extensions=operator("day-to-day maintenance timing"),
    )
    change_clickhouse_settings = strawberry.mutation(
        resolver=svc.change_settings,
        name="changeClickHouseSettings",
        description="Change ClickHouse settings of a service",
        extensions=admin("settings change how every query of the service behaves"),
    )
    reset_clickhouse_setting = strawberry.mutation(
        resolver=svc.reset_setting,
        name="resetClickHouseSetting",
        description="Return a ClickHouse setting of a service to its default",
        extensions=admin("settings change how every query of the service behaves"),
    )
    set_clickhouse_query_endpoint = strawberry.mutation(
        resolver=svc.set_query_endpoint,
        name="setClickHouseQueryEndpoint",
        description="Create or replace a ClickHouse service's query API endpoint",
        extensions=admin("opens the service to queries over HTTP with the keys named"),
    )
    delete_clickhouse_query_endpoint = strawberry.mutation(
        resolver=svc.delete_query_endpoint,
        name="deleteClickHouseQueryEndpoint",
        description="Remove a ClickHouse service's query API endpoint",
        extensions=admin("closes the service's query API"),
    )
    create_clickhouse_pipe = strawberry.mutation(
        resolver=pipes.create_pipe,
        name="createClickHousePipe",
        description="Create a ClickPipe on a ClickHouse service",
        extensions=admin("a pipe holds source credentials and writes into the service"),
    )
    update_clickhouse_pipe = strawberry.mutation(
        resolver=pipes.update_pipe,
        name="updateClickHousePipe",
        description="Change a ClickPipe: its name, source, columns, mappings or settings",
        extensions=admin("a pipe holds source credentials and writes into the service"),
    )
    delete_clickhouse_pipe = strawberry.mutation(
        resolver=pipes.delete_pipe,
        name="deleteClickHousePipe",
        description="Delete a ClickPipe",
        extensions=admin("stops ingestion for good"),
    )
    set_clickhouse_pipe_settings = strawberry.mutation(
        resolver=pipes.set_pipe_settings,
        name="setClickHousePipeSettings",
        description="Replace a ClickPipe's ingestion settings",
        extensions=operator("day-to-day ingestion tuning"),
    )
    scale_clickhouse_pipe = strawberry.mutation(
        resolver=pipes.scale_pipe,
        name="scaleClickHousePipe",
        description="Change a streaming ClickPipe's replicas, CPU or memory",
        extensions=operator("day-to-day capacity, like scaleDatabase"),
    )
    change_clickhouse_pipe_state = strawberry.mutation(
        resolver=pipes.change_pipe_state,
        name="changeClickHousePipeState",
        description="Start, stop or resync a ClickPipe",
        extensions=operator("day-to-day lifecycle, like startDatabase and stopDatabase"),
    )
    set_clickhouse_pipes_cdc_scaling = strawberry.mutation(
        resolver=pipes.set_cdc_scaling,
        name="setClickHousePipesCdcScaling",
        description="Set the compute a ClickHouse service's database (CDC) pipes share",
        extensions=operator("day-to-day capacity, like scaleDatabase"),
    )
    create_clickhouse_reverse_private_endpoint = strawberry.mutation(
        resolver=pipes.create_reverse_endpoint,
        name="createClickHouseReversePrivateEndpoint",
        description="Create a reverse private endpoint for a service's ClickPipes",
        extensions=admin("opens a network path between the vendor and a private network"),
    )
    update_clickhouse_reverse_private_endpoint = strawberry.mutation(
        resolver=pipes.update_reverse_endpoint,
        name="updateClickHouseReversePrivateEndpoint",
        description="Replace a reverse private endpoint's private DNS names",
        extensions=admin("changes which hosts pipes reach privately"),
    )
    delete_clickhouse_reverse_private_endpoint = strawberry.mutation(
        resolver=pipes.delete_reverse_endpoint,
        name="deleteClickHouseReversePrivateEndpoint",
        description="Delete a reverse private endpoint",
        extensions=admin("cuts the private network path of the pipes using it"),
    )
    write_clickhouse_role = strawberry.mutation(
        resolver=roles.write_clickhouse_role,
        name="writeClickHouseRole",
        description="Create a custom ClickHouse role (no roleId) or change one",
        extensions=admin("changes what people and keys may do"),
    )
    assign_clickhouse_roles = strawberry.mutation(
        resolver=roles.assign_clickhouse_roles,
        name="assignClickHouseRoles",
        description="Set the ClickHouse roles a member or API key holds",
        extensions=admin("changes what a person or key may do"),
    )
    delete_clickhouse_role = strawberry.mutation(
        resolver=roles.delete_clickhouse_role,
        name="deleteClickHouseRole",
        description="Delete a custom ClickHouse role",
        extensions=admin("revokes what its holders may do"),
    )
    change_clickhouse_postgres_state = strawberry.mutation(
        resolver=pg.change_clickhouse_postgres_state,
        name="changeClickHousePostgresState",
        description="Restart a ClickHouse Postgres service, promote a replica or switch over",
        extensions=operator("day-to-day lifecycle of a Postgres service"),
    )
    update_clickhouse_postgres_config = strawberry.mutation(
        resolver=pg.update_clickhouse_postgres_config,
        name="updateClickHousePostgresConfig",
        description="Merge (or replace) a ClickHouse Postgres service's settings",
        extensions=admin("server settings change how every client's connections behave"),
    )

    @strawberry.mutation(
        description="Change a database's automatic backup schedule",
        extensions=admin("a shorter retention deletes backups"),
    )
    async def update_backup_configuration(
        self,
        info: Info,
        input: Annotated[
            UpdateBackupConfigurationInput,
            strawberry.argument(description="The database and its new backup schedule"),
        ],
    ) -> DatabasePayload:
        t = target(info, input.database_id, DATABASE, Operation.UPDATE_BACKUP_CONFIGURATION)
        command = UpdateBackupConfiguration(
            t.key,
            period_hours=input.period_hours,
            retention_period_hours=input.retention_period_hours,
            start_time=input.start_time,
        )
        configuration = await run(t, lambda: t.adapter.update_backup_configuration(command))
        loaders = t.ctx.loaders
        loaders.single(BACKUP_CONFIGURATION).prime((t.connection, t.key), configuration)
        record = await loaders.by_key(DATABASE).load((t.connection, t.key))
        if record is None:
            raise GatewayError(
                ErrorCode.NOT_FOUND, f"Database '{input.database_id}' does not exist"
            )
        return DatabasePayload(database=Database.from_record(record))
