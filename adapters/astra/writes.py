"""NetApp Astra Control writes: the mutations the API offers, over AstraClient.

Every method checks ``validation.Rules`` before its first upstream call. POST answers 201
with the whole new resource, which is mapped as is; PUT and DELETE answer 204 with no
body, so a PUT is followed by one GET of the changed resource. PUT is a full replace: the
resource is read, changed and sent back whole.

Members: an invitation is a new user (Astra creates it ``pending``) plus a role binding;
a role change replaces the user's own role bindings; removing a member deletes the user
(Astra drops its role bindings and tokens with it).
"""

from __future__ import annotations

import asyncio
import contextlib

from adapters.astra import mapping
from adapters.astra.client import AstraClient
from adapters.astra.validation import Rules
from adapters.base import HttpAdapter
from adapters.commands import (
    AstraCreateOptions,
    CreateApiKey,
    CreateBackup,
    CreatedApiKey,
    CreateDatabase,
    CreatedDatabase,
    DeletedBackup,
    DeletedDatabase,
    DeleteOutcome,
    InviteMember,
    RevokedApiKey,
    UpdateApiKey,
    UpdateDatabase,
    UpdateOrganization,
)
from adapters.errors import ErrorCode, GatewayError, UpstreamError
from adapters.model import (
    ApiKeyRecord,
    BackupRecord,
    DatabaseRecord,
    InvitationRecord,
    Key,
    MemberRecord,
    MemberRole,
    OrganizationRecord,
)


class AstraWrites(HttpAdapter):
    """The write half of ``AstraAdapter``."""

    client: AstraClient
    account_id: str

    @property
    def rules(self) -> Rules:
        return Rules(self.connection, self.account_id, self.invalid)

    # databases (managed apps) -------------------------------------------------------------
    async def create_database(self, command: CreateDatabase) -> CreatedDatabase:
        rules = self.rules
        rules.target(command.organization, 1, "account")
        name = rules.name(command.name)
        options = command.options
        if not isinstance(options, AstraCreateOptions):
            raise self.invalid(
                ("options",), "required for an astra connection: clusterId, namespace"
            )
        if options.cluster_id is None:
            raise self.invalid(("options", "cluster_id"), "required: the cluster of the app")
        if options.namespace is None:
            raise self.invalid(("options", "namespace"), "required: the namespace to manage")
        cluster_id = rules.cluster_id(options.cluster_id)
        namespace = rules.namespace(options.namespace)
        source = None
        if options.from_backup is not None:
            field = ("options", "from_backup")
            _, _, collection, item_id = rules.option_key(
                options.from_backup, 4, field, "a backup or snapshot"
            )
            source = (collection, item_id)
        body = mapping.app_body(name, cluster_id, namespace, source)
        created = await self.client.create_app(body)
        return CreatedDatabase(self._map(mapping.app, self.account_id, created))

    async def update_database(self, command: UpdateDatabase) -> DatabaseRecord:
        rules = self.rules
        _, app_id = rules.target(command.database, 2, "app")
        if command.name is None:
            raise self.invalid(("name",), "required: the name is the one app field Astra changes")
        name = rules.name(command.name)
        app = await self.client.app(app_id)
        await self.client.replace_app(app_id, {**app, "name": name})
        return self._map(mapping.app, self.account_id, await self.client.app(app_id))

    async def update_organization(self, command: UpdateOrganization) -> OrganizationRecord:
        """GET the account, PUT it back whole with the new name (204), GET it again."""
        self.rules.target(command.organization, 1, "account")
        if command.name is None:
            raise self.invalid(("name",), "required: the name is the one account field to change")
        name = self.rules.name(command.name)
        account = await self.client.account()
        await self.client.replace_account({**account, "name": name})
        return self._map(mapping.account, await self.client.account())

    async def delete_database(self, database: Key) -> DeletedDatabase:
        _, app_id = self.rules.target(database, 2, "app")
        # DELETE unmanages the app at once; the workload keeps running in its cluster
        await self.client.delete_app(app_id)
        return DeletedDatabase(DeleteOutcome.DELETED, None)

    # backups and snapshots ----------------------------------------------------------------
    async def create_backup(self, command: CreateBackup) -> BackupRecord:
        rules = self.rules
        _, app_id = rules.target(command.database, 2, "app")
        name = rules.name(command.name)
        collection = mapping.COLLECTION_OF[command.kind]
        body = mapping.protection_body(collection, name)
        created = await self.client.create_protection(app_id, collection, body)
        return self._map(mapping.protection, self.account_id, app_id, collection, created)

    async def delete_backup(self, backup: Key) -> DeletedBackup:
        _, app_id, collection, item_id = self.rules.target(backup, 4, "backup or snapshot")
        await self.client.delete_protection(app_id, collection, item_id)
        # Astra deletes in the background: the backup reads "deleting" until it is gone
        body = await self._get_or_none(self.client.protection(app_id, collection, item_id))
        if body is None:
            return DeletedBackup(None)
        return DeletedBackup(
            self._map(mapping.protection, self.account_id, app_id, collection, body)
        )

    # API tokens ---------------------------------------------------------------------------
    async def create_api_key(self, command: CreateApiKey) -> CreatedApiKey:
        rules = self.rules
        rules.target(command.organization, 1, "account")
        if command.owner is None:
            raise self.invalid(("owner",), "required: every Astra token belongs to a user")
        _, user_id = rules.option_key(command.owner, 2, ("owner",), "a member")
        rules.absent("role", command.role, "Astra tokens have no role: they act as their user")
        rules.absent("expires_at", command.expires_at, "Astra tokens never expire")
        name = rules.name(command.name)
        created = await self.client.create_token(user_id, mapping.token_body(name))
        secret = created.get("token")
        record = self._map(mapping.api_key, self.account_id, user_id, created)
        return CreatedApiKey(record, secret=str(secret) if secret else None)

    async def update_api_key(self, command: UpdateApiKey) -> ApiKeyRecord:
        rules = self.rules
        _, user_id, token_id = rules.target(command.api_key, 3, "token")
        rules.absent("role", command.role, "Astra tokens have no role: they act as their user")
        rules.absent("expires_at", command.expires_at, "Astra tokens never expire")
        rules.absent("state", command.state, "Astra tokens have no state: revoke one instead")
        if command.name is None:
            raise self.invalid(("name",), "required: the name is the one token field Astra changes")
        name = rules.name(command.name)
        token = await self.client.token(user_id, token_id)
        await self.client.replace_token(user_id, token_id, {**token, "name": name})
        fresh = await self.client.token(user_id, token_id)
        return self._map(mapping.api_key, self.account_id, user_id, fresh)

    async def revoke_api_key(self, api_key: Key) -> RevokedApiKey:
        _, user_id, token_id = self.rules.target(api_key, 3, "token")
        # a revoked token is deleted: nothing is left to show
        await self.client.delete_token(user_id, token_id)
        return RevokedApiKey(None)

    # members and invitations --------------------------------------------------------------
    async def invite_member(self, command: InviteMember) -> InvitationRecord:
        rules = self.rules
        rules.target(command.organization, 1, "account")
        email = rules.email(command.email)
        role = rules.role(command.role)
        user = await self.client.create_user(mapping.user_body(email))
        user_id = str(user["id"])
        try:
            binding = await self.client.create_role_binding(
                mapping.role_binding_body(user_id, role)
            )
        except GatewayError:
            # without a role the user would only block a retry ("User already exists")
            await self._discard_user(user_id)
            raise
        return self._map(mapping.invitation, self.account_id, user, binding.get("role"))

    async def _discard_user(self, user_id: str) -> None:
        # the role binding's error is the one worth reporting, not this one's
        with contextlib.suppress(UpstreamError):
            await self.client.delete_user(user_id)

    async def cancel_invitation(self, invitation: Key) -> None:
        _, user_id = self.rules.target(invitation, 2, "invitation")
        user = await self.client.user(user_id)
        if user.get("state") != mapping.PENDING_USER:
            raise GatewayError(
                ErrorCode.CONFLICT,
                f"astra connection '{self.connection.name}': user {user.get('email') or user_id}"
                f" is {user.get('state')}, no longer an invitation; remove the member instead",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        await self.client.delete_user(user_id)

    async def update_member_role(self, member: Key, role: MemberRole) -> MemberRecord:
        rules = self.rules
        _, user_id = rules.target(member, 2, "member")
        vendor_role = rules.role(role)
        # the user GET makes a missing member NOT_FOUND before any write
        _, bindings = await asyncio.gather(self.client.user(user_id), self.client.role_bindings())
        own = mapping.own_bindings(user_id, bindings)
        if not own:
            await self.client.create_role_binding(mapping.role_binding_body(user_id, vendor_role))
        for binding in own:  # PUT replaces each whole binding, keeping its constraints
            await self.client.replace_role_binding(
                str(binding["id"]), {**binding, "role": vendor_role}
            )
        return await self._member(user_id)

    async def _member(self, user_id: str) -> MemberRecord:
        user, bindings = await asyncio.gather(
            self.client.user(user_id), self.client.role_bindings()
        )
        role = mapping.user_role(user_id, bindings)
        return self._map(mapping.member, self.account_id, user, role)

    async def remove_member(self, member: Key) -> None:
        _, user_id = self.rules.target(member, 2, "member")
        await self.client.delete_user(user_id)
