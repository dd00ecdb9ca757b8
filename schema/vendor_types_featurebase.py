"""Typed FeatureBase Cloud parts: ``Database.featurebase``, ``Organization.featurebase``,
``Backup.featurebase`` and ``Member.featurebase``.

Each is built from a record's ``details`` and is null for records of other vendors. Users
named by a database (owner, creator) resolve to Members through the request's member
loader, so the owners of a whole database list cost one users list, not one call each.
``schema.nodes`` imports this module, so its types are referenced lazily here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry
from strawberry.types import Info

from adapters.details import (
    FeatureBaseBackupDetails,
    FeatureBaseDatabaseDetails,
    FeatureBaseMemberDetails,
    FeatureBaseOrganizationDetails,
    FeatureBaseRole,
)
from adapters.model import BackupRecord, DatabaseRecord, MemberRecord, OrganizationRecord
from schema.context import context_of
from schema.kinds import FEATUREBASE_ROLES, MEMBER, PLAN, Kind

if TYPE_CHECKING:
    from schema.nodes import Member, Plan


R = TypeVar("R")


async def _by_key(
    info: Info, kind: Kind[R], record: DatabaseRecord, native: str | None
) -> R | None:
    if native is None:
        return None
    key = (*record.organization_key, native)
    return await context_of(info).loaders.by_key(kind).load((record.connection.name, key))


@strawberry.type(name="FeatureBaseRole", description="A role of a FeatureBase org")
class FeatureBaseRoleType:
    name: str = strawberry.field(description="Role name (rolename), e.g. Org Owner")
    acl: list[str] = strawberry.field(description="Permissions it grants, e.g. MANAGE_ORG:*")

    @classmethod
    def from_details(cls, role: FeatureBaseRole) -> FeatureBaseRoleType:
        return cls(name=role.name, acl=list(role.acl))


@strawberry.type(description="FeatureBase Cloud database details")
class FeatureBaseDatabase:
    shape: str | None = strawberry.field(
        description="database_options.shape: a shape name, or a short form such as 8GB"
    )
    owner_id: str | None = strawberry.field(description="User ID of the owner (owned_by)")
    created_by_id: str | None = strawberry.field(description="User ID of the creator (created_by)")
    updated_at: datetime | None = strawberry.field(description="When it was last changed")
    updated_by_id: str | None = strawberry.field(description="User ID of the last change")
    record: strawberry.Private[DatabaseRecord]

    @classmethod
    def from_record(cls, r: DatabaseRecord) -> FeatureBaseDatabase | None:
        d = r.details
        if not isinstance(d, FeatureBaseDatabaseDetails):
            return None
        return cls(
            shape=d.shape,
            owner_id=d.owner_id,
            created_by_id=d.created_by_id,
            updated_at=d.updated_at,
            updated_by_id=d.updated_by_id,
            record=r,
        )

    @strawberry.field(description="The member who owns it; null when that user is gone")
    async def owner(self, info: Info) -> Annotated[Member, strawberry.lazy("schema.nodes")] | None:
        return await _member(info, self.record, self.owner_id)

    @strawberry.field(description="The member who created it; null when that user is gone")
    async def created_by(
        self, info: Info
    ) -> Annotated[Member, strawberry.lazy("schema.nodes")] | None:
        return await _member(info, self.record, self.created_by_id)

    @strawberry.field(description="The shape it runs on; null when shape is a short form")
    async def plan(self, info: Info) -> Annotated[Plan, strawberry.lazy("schema.nodes")] | None:
        from schema.nodes import Plan  # nodes imports this module

        found = await _by_key(info, PLAN, self.record, self.shape)
        return Plan.from_record(found) if found else None


async def _member(info: Info, record: DatabaseRecord, user_id: str | None) -> Member | None:
    from schema.nodes import Member  # nodes imports this module

    found = await _by_key(info, MEMBER, record, user_id)
    return Member.from_record(found) if found else None


@strawberry.type(description="FeatureBase Cloud org details")
class FeatureBaseOrganization:
    company_name: str | None = strawberry.field(description="Company name")
    address: str | None = strawberry.field(description="Postal address")
    org_type: str | None = strawberry.field(description="Kind of org, e.g. trial")
    tech_contact_email: str | None = strawberry.field(
        description="Technical contact (tech_contact_emali, as the API spells it)"
    )
    billing_contact_email: str | None = strawberry.field(
        description="Billing contact (billing_contact_emali, as the API spells it)"
    )
    record: strawberry.Private[OrganizationRecord]

    @classmethod
    def from_record(cls, r: OrganizationRecord) -> FeatureBaseOrganization | None:
        d = r.details
        if not isinstance(d, FeatureBaseOrganizationDetails):
            return None
        return cls(
            company_name=d.company_name,
            address=d.address,
            org_type=d.org_type,
            tech_contact_email=d.tech_contact_email,
            billing_contact_email=d.billing_contact_email,
            record=r,
        )

    @strawberry.field(description="Roles defined in the org (one upstream list; org owners only)")
    async def roles(self, info: Info) -> list[FeatureBaseRoleType]:
        r = self.record
        roles = (
            await context_of(info)
            .loaders.single(FEATUREBASE_ROLES)
            .load((r.connection.name, r.key))
        )
        return [FeatureBaseRoleType.from_details(role) for role in roles]


@strawberry.type(description="FeatureBase Cloud backup details")
class FeatureBaseBackup:
    url: str | None = strawberry.field(description="Where the archive is stored (s3://...)")
    storage_class: str | None = strawberry.field(description="Storage class, e.g. STANDARD")
    timestamp: datetime | None = strawberry.field(description="When the backup was taken")

    @classmethod
    def from_record(cls, r: BackupRecord) -> FeatureBaseBackup | None:
        d = r.details
        if not isinstance(d, FeatureBaseBackupDetails):
            return None
        return cls(url=d.url, storage_class=d.storage_class, timestamp=d.timestamp)


@strawberry.type(description="FeatureBase Cloud user details")
class FeatureBaseMember:
    first_name: str | None = strawberry.field(description="First name (firstname)")
    last_name: str | None = strawberry.field(description="Last name (lastname)")
    username: str | None = strawberry.field(description="Login name (an email address)")
    status: str | None = strawberry.field(
        description="Account status as the vendor says, e.g. Active"
    )
    roles: list[str] = strawberry.field(description="Every role the user has, by name")
    acl: list[str] = strawberry.field(description="Permissions the user has, e.g. MANAGE_ORG:*")

    @classmethod
    def from_record(cls, r: MemberRecord) -> FeatureBaseMember | None:
        d = r.details
        if not isinstance(d, FeatureBaseMemberDetails):
            return None
        return cls(
            first_name=d.first_name,
            last_name=d.last_name,
            username=d.username,
            status=d.status,
            roles=list(d.roles),
            acl=list(d.acl),
        )
