"""Typed NetApp Astra Control parts: ``Database.astra`` (a managed app) and
``Organization.astra`` (the account's stored credentials, by name only, and its role
bindings)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.base import AstraAccountAccess, AstraCredentials
from adapters.details import AstraAppDetails, AstraCredential, AstraRoleBinding
from adapters.model import DatabaseRecord, OrganizationRecord
from schema.context import context_of


@strawberry.type(description="NetApp Astra Control managed app details")
class AstraDatabase:
    protection_state: str | None = strawberry.field(
        description="How well the app is protected: protected, partial, none or atRisk"
    )
    namespaces: list[str] = strawberry.field(description="Kubernetes namespaces the app spans")
    cluster_id: str | None = strawberry.field(description="ID of the cluster the app runs in")
    cluster_name: str | None = strawberry.field(description="Name of that cluster")
    cluster_type: str | None = strawberry.field(
        description="Kind of that cluster as Astra names it (gke, eks, aks, openshift, ...)"
    )

    @classmethod
    def from_record(cls, r: DatabaseRecord) -> AstraDatabase | None:
        d = r.details
        if not isinstance(d, AstraAppDetails):
            return None
        return cls(
            protection_state=d.protection_state,
            namespaces=list(d.namespaces),
            cluster_id=d.cluster_id,
            cluster_name=d.cluster_name,
            cluster_type=d.cluster_type,
        )


@strawberry.type(name="AstraCredential", description="A stored Astra credential, by name only")
class AstraCredentialType:
    native_id: str = strawberry.field(description="The vendor's credential ID")
    name: str | None = strawberry.field(description="Its name")
    key_type: str | None = strawberry.field(description="What it holds: kubeconfig, s3...")
    valid: bool | None = strawberry.field(description="Whether Astra still accepts it")
    valid_until: datetime | None = strawberry.field(description="When it stops being valid")
    created_at: datetime | None = strawberry.field(description="When it was stored")

    @classmethod
    def from_details(cls, c: AstraCredential) -> AstraCredentialType:
        return cls(
            native_id=c.native_id,
            name=c.name,
            key_type=c.key_type,
            valid=c.valid,
            valid_until=c.valid_until,
            created_at=c.created_at,
        )


@strawberry.type(
    name="AstraRoleBinding", description="A grant of an Astra role to a user or a group"
)
class AstraRoleBindingType:
    native_id: str = strawberry.field(description="The vendor's role binding ID")
    principal_type: str | None = strawberry.field(description="Who it grants to: user or group")
    user_id: str | None = strawberry.field(
        description="The user's nativeId (the Member's), for a user binding"
    )
    group_id: str | None = strawberry.field(description="The group's ID, for a group binding")
    role: str | None = strawberry.field(description="The role: viewer, member, admin or owner")
    role_constraints: list[str] = strawberry.field(
        description="What the role is limited to; * is everything"
    )
    created_at: datetime | None = strawberry.field(description="When it was granted")

    @classmethod
    def from_details(cls, b: AstraRoleBinding) -> AstraRoleBindingType:
        return cls(
            native_id=b.native_id,
            principal_type=b.principal_type,
            user_id=b.user_id,
            group_id=b.group_id,
            role=b.role,
            role_constraints=list(b.role_constraints),
            created_at=b.created_at,
        )


@strawberry.type(description="NetApp Astra Control account details")
class AstraOrganization:
    record: strawberry.Private[OrganizationRecord]

    def _access(self, info: Info) -> AstraAccountAccess:
        adapter = context_of(info).loaders.adapter(self.record.connection.name)
        assert isinstance(adapter, AstraAccountAccess)  # AstraOrganization.of checked
        return adapter

    @strawberry.field(
        description="One stored credential by its nativeId: name, kind and validity, never "
        "its content (one call); null if Astra has none such"
    )
    async def credential(
        self,
        info: Info,
        native_id: Annotated[str, strawberry.argument(description="The credential's nativeId")],
    ) -> AstraCredentialType | None:
        found = await self._access(info).get_credential_metadata(self.record.key, native_id)
        return None if found is None else AstraCredentialType.from_details(found)

    @strawberry.field(
        description="Every role binding of the account, users' and groups' (one call; "
        "Member.role is the highest of a user's own)"
    )
    async def role_bindings(self, info: Info) -> list[AstraRoleBindingType]:
        found = await self._access(info).list_role_bindings(self.record.key)
        return [AstraRoleBindingType.from_details(b) for b in found]

    @strawberry.field(
        description="One role binding by its nativeId (one call); null if Astra has none such"
    )
    async def role_binding(
        self,
        info: Info,
        native_id: Annotated[str, strawberry.argument(description="The role binding's nativeId")],
    ) -> AstraRoleBindingType | None:
        found = await self._access(info).get_role_binding(self.record.key, native_id)
        return None if found is None else AstraRoleBindingType.from_details(found)

    @strawberry.field(
        description="Stored credentials (kubeconfigs, bucket keys): names, kinds and validity, "
        "never their content (one call)"
    )
    async def credentials(self, info: Info) -> list[AstraCredentialType]:
        adapter = context_of(info).loaders.adapter(self.record.connection.name)
        assert isinstance(adapter, AstraCredentials)  # AstraOrganization.of checked
        found = await adapter.list_credentials_metadata(self.record.key)
        return [AstraCredentialType.from_details(c) for c in found]

    @classmethod
    def of(cls, info: Info, r: OrganizationRecord) -> AstraOrganization | None:
        adapter = context_of(info).loaders.adapter(r.connection.name)
        ours = isinstance(adapter, AstraCredentials) and isinstance(adapter, AstraAccountAccess)
        return cls(record=r) if ours else None
