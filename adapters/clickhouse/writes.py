"""ClickHouse Cloud writes: one vendor call per mutation, after the documented rules pass.

Each call spends the key's 10-requests-per-10-seconds budget, so a write re-reads only where
the vendor's answer is not the changed object: after a DELETE of a service (to tell a
service being terminated from one already gone) and after a password change (whose answer
holds only the password). A restore reads its source service once, to check and default
the region and tier the vendor requires to match.

One-time secrets (a new service's password, a new key's ID and secret, a generated password)
go only into the result dataclasses, never into a record's ``raw``.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from adapters.clickhouse import mapping
from adapters.clickhouse.client import ClickHouseClient
from adapters.clickhouse.postgres_writes import PostgresWrites, _is_postgres
from adapters.clickhouse.validation import IDEMPOTENCY_TAG, JSON, Rules
from adapters.commands import (
    ClickHouseCreateOptions,
    CreateApiKey,
    CreatedApiKey,
    CreateDatabase,
    CreatedDatabase,
    DeletedDatabase,
    DeleteOutcome,
    InviteMember,
    PasswordReset,
    RevokedApiKey,
    ScaleDatabase,
    UpdateApiKey,
    UpdateBackupConfiguration,
    UpdateDatabase,
    UpdateOrganization,
)
from adapters.errors import ErrorCode, GatewayError
from adapters.model import (
    ApiKeyRecord,
    BackupConfigurationRecord,
    DatabaseRecord,
    DatabaseStatus,
    InvitationRecord,
    Key,
    MemberRecord,
    MemberRole,
    Operation,
    OrganizationRecord,
)

#: what ``ClickHouseWrites`` implements; backups are automatic, so none are made or deleted
OPERATIONS = frozenset(Operation) - {Operation.CREATE_BACKUP, Operation.DELETE_BACKUP}


class ClickHouseWrites(PostgresWrites):
    """The write half of ``ClickHouseAdapter``."""

    client: ClickHouseClient
    rules: Rules

    def _parts(self, key: Key, count: int, what: str) -> Key:
        # a forged global ID may carry any number of parts: those name nothing
        if len(key) != count:
            raise GatewayError(
                ErrorCode.NOT_FOUND,
                f"clickhouse connection '{self.connection.name}' has no such {what}",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        return key

    def _service(self, org: str, body: dict[str, Any]) -> DatabaseRecord:
        return self._map(mapping.service, org, body)

    def _part(self, answer: dict[str, Any], name: str) -> Any:
        value = answer.get(name)
        if value is None:
            raise self.http.bad_response(f"write answered without '{name}'")
        return value

    # -- services ------------------------------------------------------------------------------

    async def create_database(self, command: CreateDatabase) -> CreatedDatabase:
        (org,) = self._parts(command.organization, 1, "organization")
        if isinstance(command.options, ClickHouseCreateOptions) and command.options.postgres:
            return await self._create_postgres(org, command)
        options = self.rules.create_options(command.options)
        self.rules.service_name(command.name)
        source: JSON | None = None
        backup_id = None
        if options.from_backup is not None:
            source, backup_id = await self._restore_source(org, options.from_backup)
        where = self.rules.placement(options, source)
        body = self.rules.service_post_body(command.name, options, where, backup_id, command.tag)
        created = await self.client.create_service(org, body)
        password = created.get("password")
        return CreatedDatabase(
            database=self._service(org, self._part(created, "service")),
            password=password if isinstance(password, str) and password else None,
        )

    async def find_tagged_databases(
        self, organization: Key, tag: str
    ) -> list[DatabaseRecord] | None:
        (org,) = self._parts(organization, 1, "organization")
        services, postgres = await asyncio.gather(
            self.client.services(org, [(IDEMPOTENCY_TAG, tag)]),
            # the Postgres list takes no filter: its items carry their tags
            self.client.postgres_services(org),
        )
        wanted = {"key": IDEMPOTENCY_TAG, "value": tag}
        return [self._service(org, s) for s in services] + [
            self._map(mapping.postgres, org, p)
            for p in postgres
            if isinstance(p.get("tags"), list) and wanted in p["tags"]
        ]

    async def _restore_source(self, org: str, backup: Key) -> tuple[JSON, str]:
        """The service a backup was taken from, whose region and tier a restore must keep."""
        field = ("options", "from_backup")
        if len(backup) != 3 or backup[0] != org:
            raise self.invalid(field, "must name a backup of the organization to create in")
        source = await self._get_or_none(self.client.service(backup[0], backup[1]))
        if source is None:
            raise self.invalid(field, "the backup's service no longer exists")
        return source, backup[2]

    async def update_database(self, command: UpdateDatabase) -> DatabaseRecord:
        if _is_postgres(command.database):
            return await self._update_postgres(command)
        org, service = self._parts(command.database, 2, "database")
        body = self.rules.service_patch_body(command.name, command.options)
        return self._service(org, await self.client.patch_service(org, service, body))

    async def start_database(self, database: Key) -> DatabaseRecord:
        self._not_for_postgres(database, "starting (it runs until deleted)")
        org, service = self._parts(database, 2, "database")
        return self._service(org, await self.client.change_service_state(org, service, "start"))

    async def stop_database(self, database: Key) -> DatabaseRecord:
        self._not_for_postgres(database, "stopping (it runs until deleted)")
        org, service = self._parts(database, 2, "database")
        return self._service(org, await self.client.change_service_state(org, service, "stop"))

    async def scale_database(self, command: ScaleDatabase) -> DatabaseRecord:
        self._not_for_postgres(command.database, "scaling (change its size: updateDatabase)")
        org, service = self._parts(command.database, 2, "database")
        body = self.rules.scaling_body(command.options)
        return self._service(org, await self.client.scale_service(org, service, body))

    async def delete_database(self, database: Key) -> DeletedDatabase:
        # No state check first: the vendor refuses a service that is not stopped (409,
        # CONFLICT with its message), and a read would spend budget on every delete.
        if _is_postgres(database):
            return await self._delete_postgres(database)
        org, service = self._parts(database, 2, "database")
        await self.client.delete_service(org, service)
        body = await self._get_or_none(self.client.service(org, service))
        if body is None:
            return DeletedDatabase(DeleteOutcome.DELETED)
        record = self._service(org, body)
        gone = record.status is DatabaseStatus.DELETED
        return DeletedDatabase(DeleteOutcome.DELETED if gone else DeleteOutcome.DELETING, record)

    async def reset_database_password(self, database: Key) -> PasswordReset:
        # Without newPasswordHash the vendor generates the password (good for the MySQL
        # protocol too, whose double-SHA1 hash is experimental) and answers it once.
        if _is_postgres(database):
            return await self._reset_postgres_password(database)
        org, service = self._parts(database, 2, "database")
        answer = await self.client.reset_service_password(org, service)
        password = self._part(answer, "password")
        body = await self._get_or_none(self.client.service(org, service))
        return PasswordReset(
            password=str(password), database=self._service(org, body) if body else None
        )

    async def update_backup_configuration(
        self, command: UpdateBackupConfiguration
    ) -> BackupConfigurationRecord:
        self._not_for_postgres(
            command.database, "a backup schedule (it restores to a point in time)"
        )
        org, service = self._parts(command.database, 2, "database")
        body = self.rules.backup_configuration_patch_body(command)
        answer = await self.client.patch_backup_configuration(org, service, body)
        return mapping.backup_configuration(answer)

    # -- organization, keys, members, invitations --------------------------------------------

    async def update_organization(self, command: UpdateOrganization) -> OrganizationRecord:
        (org,) = self._parts(command.organization, 1, "organization")
        body = self.rules.organization_patch_body(command.name)
        return self._map(mapping.organization, await self.client.patch_organization(org, body))

    async def create_api_key(self, command: CreateApiKey) -> CreatedApiKey:
        (org,) = self._parts(command.organization, 1, "organization")
        created = await self.client.create_key(org, self.rules.key_post_body(command))
        key_id, key_secret = created.get("keyId"), created.get("keySecret")
        return CreatedApiKey(
            api_key=self._map(mapping.api_key, org, self._part(created, "key")),
            # both halves of the HTTP Basic credential, as ``curl --user`` takes them
            secret=f"{key_id}:{key_secret}" if key_id and key_secret else None,
        )

    async def update_api_key(self, command: UpdateApiKey) -> ApiKeyRecord:
        org, key = self._parts(command.api_key, 2, "API key")
        body = self.rules.key_patch_body(command)
        return self._map(mapping.api_key, org, await self.client.patch_key(org, key, body))

    async def revoke_api_key(self, api_key: Key) -> RevokedApiKey:
        org, key = self._parts(api_key, 2, "API key")
        await self.client.delete_key(org, key)
        return RevokedApiKey(api_key=None)  # the vendor deletes the key

    async def invite_member(self, command: InviteMember) -> InvitationRecord:
        (org,) = self._parts(command.organization, 1, "organization")
        body = self.rules.invitation_post_body(command.email, command.role)
        record = self._map(mapping.invitation, org, await self.client.create_invitation(org, body))
        if record.email is None:  # the documented answer may leave it out; it is stored lowercase
            record = replace(record, email=command.email.lower())
        return record

    async def cancel_invitation(self, invitation: Key) -> None:
        org, invitation_id = self._parts(invitation, 2, "invitation")
        await self.client.delete_invitation(org, invitation_id)

    async def update_member_role(self, member: Key, role: MemberRole) -> MemberRecord:
        org, user = self._parts(member, 2, "member")
        body = {"role": self.rules.role(role)}
        return self._map(mapping.member, org, await self.client.patch_member(org, user, body))

    async def remove_member(self, member: Key) -> None:
        org, user = self._parts(member, 2, "member")
        await self.client.delete_member(org, user)
