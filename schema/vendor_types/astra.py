"""Typed NetApp Astra Control parts: ``Database.astra`` (a managed app)."""

from __future__ import annotations

import strawberry

from adapters.details import AstraAppDetails
from adapters.model import DatabaseRecord


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
