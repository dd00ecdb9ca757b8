"""Typed NetApp Astra Control parts: ``Database.astra`` (a managed app) and
``Organization.astra`` (the account's stored credentials, by name only)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from adapters.base import AstraCredentials
from adapters.details import AstraAppDetails, AstraCredential
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


@strawberry.type(description="NetApp Astra Control account details")
class AstraOrganization:
    record: strawberry.Private[OrganizationRecord]

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
        return cls(record=r) if isinstance(adapter, AstraCredentials) else None
