"""Typed DBaaS parts: ``Database.dbaas`` with its plan, environment and project.

The API links a database to its plan, environment and project by URL. Each is resolved
through a per-request loader, so a page of databases costs one lookup per distinct
object (or one listing), never one per database. The loaders call the adapter's batch
methods (``get_plans``; ``get_dbaas_environments`` and ``get_dbaas_projects`` of the
``DBaaSLinks`` protocol) through ``schema.kinds``, so this module needs no vendor package.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

import strawberry
from strawberry.types import Info

from adapters.base import DBaaSProjectsAndCredentials
from adapters.details import DBaaSDatabaseDetails, DBaaSEnvironment, DBaaSProject
from adapters.model import DatabaseRecord, Key, OrganizationRecord
from schema.context import context_of
from schema.ids import global_id
from schema.kinds import DBAAS_ENVIRONMENT, DBAAS_PROJECT, PLAN, Kind
from schema.navigation import linked
from schema.plans import Plan

R = TypeVar("R")


@strawberry.type(name=DBAAS_ENVIRONMENT.type_name, description="Where a DBaaS database runs")
class DBaaSEnvironmentType:
    id: strawberry.ID = strawberry.field(
        description="Opaque ID, unique across connections (not fetchable with Query.node)"
    )
    native_id: str = strawberry.field(description="The vendor's own environment ID")
    name: str | None = strawberry.field(description="Name, e.g. dev or prod")
    stage: int | None = strawberry.field(description="The vendor's stage code: 1 dev, 2 prod")
    provisioner: str | None = strawberry.field(
        description="The vendor's provisioner code, passed through as text: its values are "
        "undocumented and come as a number (given in decimal) or a name"
    )

    @classmethod
    def from_details(cls, connection: str, e: DBaaSEnvironment) -> DBaaSEnvironmentType:
        return cls(
            id=global_id(DBAAS_ENVIRONMENT, connection, e.key),
            native_id=e.native_id,
            name=e.name,
            stage=e.stage,
            provisioner=e.provisioner,
        )


@strawberry.type(
    name=DBAAS_PROJECT.type_name, description="A DBaaS project databases may belong to"
)
class DBaaSProjectType:
    id: strawberry.ID = strawberry.field(
        description="Opaque ID, unique across connections (not fetchable with Query.node)"
    )
    native_id: str = strawberry.field(description="The vendor's own project ID")
    name: str | None = strawberry.field(description="Name")

    @classmethod
    def from_details(cls, connection: str, p: DBaaSProject) -> DBaaSProjectType:
        return cls(
            id=global_id(DBAAS_PROJECT, connection, p.key),
            native_id=p.native_id,
            name=p.name,
        )


@strawberry.type(description="What a DBaaS server holds beside its databases")
class DBaaSOrganization:
    record: strawberry.Private[OrganizationRecord]

    @strawberry.field(description="Every environment, referenced by a database or not (one list)")
    async def environments(self, info: Info) -> list[DBaaSEnvironmentType]:
        name = self.record.connection.name
        found = await _management(info, name).list_dbaas_environments()
        return [DBaaSEnvironmentType.from_details(name, e) for e in found]

    @strawberry.field(description="Every project, referenced by a database or not (one list)")
    async def projects(self, info: Info) -> list[DBaaSProjectType]:
        name = self.record.connection.name
        found = await _management(info, name).list_dbaas_projects()
        return [DBaaSProjectType.from_details(name, p) for p in found]

    @classmethod
    def of(cls, info: Info, r: OrganizationRecord) -> DBaaSOrganization | None:
        adapter = context_of(info).loaders.adapter(r.connection.name)
        return cls(record=r) if isinstance(adapter, DBaaSProjectsAndCredentials) else None


def _management(info: Info, connection: str) -> DBaaSProjectsAndCredentials:
    adapter = context_of(info).loaders.adapter(connection)
    assert isinstance(adapter, DBaaSProjectsAndCredentials)  # DBaaSOrganization.of checked
    return adapter


@strawberry.type(description="DBaaS database details")
class DBaaSDatabase:
    endpoint: str | None = strawberry.field(
        description="Connection address as the API gives it, with <user>:<password> "
        "placeholders for a credential's user and password"
    )
    total_size_bytes: float | None = strawberry.field(description="Total size the plan allows")
    used_size_bytes: float | None = strawberry.field(
        description="Space used (the vendor says: not real-time)"
    )
    quarantined_at: datetime | None = strawberry.field(
        description="When the database entered quarantine; null when it is not quarantined"
    )
    description: str | None = strawberry.field(
        description="Free text about the database, where the server sends it"
    )
    team: str | None = strawberry.field(
        description="The team that owns the database, where the server sends it"
    )
    engine: str | None = strawberry.field(
        description="The engine as the server names it, version included (mysql 8.0); "
        "Database.engine has the name alone"
    )
    is_locked: bool | None = strawberry.field(
        description="Whether the database is locked, where the server sends it"
    )
    record: strawberry.Private[DatabaseRecord]
    details: strawberry.Private[DBaaSDatabaseDetails]

    @classmethod
    def from_record(cls, r: DatabaseRecord) -> DBaaSDatabase | None:
        d = r.details
        if not isinstance(d, DBaaSDatabaseDetails):
            return None
        return cls(
            endpoint=d.endpoint,
            total_size_bytes=d.total_size_bytes,
            used_size_bytes=d.used_size_bytes,
            quarantined_at=d.quarantined_at,
            description=d.description,
            team=d.team,
            engine=d.engine,
            is_locked=d.is_locked,
            record=r,
            details=d,
        )

    async def plan_engine(self, info: Info) -> str | None:
        """The engine of the plan the database was created as: what ``Database.engine``
        says where the database itself does not (one lookup per distinct plan)."""
        record = await self._load(info, PLAN, self.details.plan_key)
        return record.engine if record else None

    async def _load(self, info: Info, kind: Kind[R], key: Key | None) -> R | None:
        return await linked(info, kind, self.record.connection.name, key)

    @strawberry.field(description="The plan it was created as (one lookup per distinct plan)")
    async def plan(self, info: Info) -> Plan | None:
        record = await self._load(info, PLAN, self.details.plan_key)
        return Plan.from_record(record) if record else None

    @strawberry.field(description="The environment it runs in")
    async def environment(self, info: Info) -> DBaaSEnvironmentType | None:
        env = await self._load(info, DBAAS_ENVIRONMENT, self.details.environment_key)
        return DBaaSEnvironmentType.from_details(self.record.connection.name, env) if env else None

    @strawberry.field(description="The project it belongs to, if any")
    async def project(self, info: Info) -> DBaaSProjectType | None:
        project = await self._load(info, DBAAS_PROJECT, self.details.project_key)
        return (
            DBaaSProjectType.from_details(self.record.connection.name, project) if project else None
        )
