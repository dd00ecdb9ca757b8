"""Typed FeatureBase Cloud parts: ``Organization.featurebase``, ``Backup.featurebase``
and ``Member.featurebase``.

Each is built from a record's ``details`` and is null for records of other vendors.
``Database.featurebase`` (``FeatureBaseDatabase``) is in ``schema.nodes``: its owner and
creator are Members, which lead back to the databases.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.base import FeatureBasePeople, FeatureBaseQueryHost
from adapters.details import (
    FeatureBaseBackupDetails,
    FeatureBaseMemberDetails,
    FeatureBaseMetrics,
    FeatureBaseOrganizationDetails,
    FeatureBaseRole,
)
from adapters.errors import InvalidInputError
from adapters.model import (
    ApiKeyRecord,
    BackupRecord,
    DatabaseRecord,
    InvitationRecord,
    MemberRecord,
    OrganizationRecord,
)
from schema.common import ApiKeyStateEnum
from schema.connection import (
    After,
    Before,
    Connection,
    First,
    Last,
    Order,
    PageArgs,
    page_of,
    text,
)
from schema.context import context_of
from schema.ids import global_id
from schema.kinds import API_KEY, FEATUREBASE_ACCEPTED_INVITATIONS, FEATUREBASE_ROLES


def _people(info: Info, connection: str) -> FeatureBasePeople | None:
    adapter = context_of(info).loaders.adapter(connection)
    return adapter if isinstance(adapter, FeatureBasePeople) else None


@strawberry.type(name="FeatureBaseRole", description="A role of a FeatureBase org")
class FeatureBaseRoleType:
    name: str = strawberry.field(description="Role name (rolename), e.g. Org Owner")
    acl: list[str] = strawberry.field(description="Permissions it grants, e.g. MANAGE_ORG:*")

    @classmethod
    def from_details(cls, role: FeatureBaseRole) -> FeatureBaseRoleType:
        return cls(name=role.name, acl=list(role.acl))


#: role names are unique in an org
ROLES = Order[FeatureBaseRole](lambda role: (text(role.name), role.name))


@strawberry.type(description="A FeatureBase invite that has been accepted")
class FeatureBaseInvite:
    native_id: str = strawberry.field(description="The vendor's own invite ID")
    email: str | None = strawberry.field(description="Who was invited")
    created_at: datetime | None = strawberry.field(description="When it was sent")
    expires_at: datetime | None = strawberry.field(description="When it would have expired")
    accepted_at: datetime | None = strawberry.field(
        description="When it was accepted (its updated_at: an accepted invite changes no more)"
    )

    @classmethod
    def from_record(cls, r: InvitationRecord) -> FeatureBaseInvite:
        return cls(
            native_id=r.native_id,
            email=r.email,
            created_at=r.created_at,
            expires_at=r.expires_at,
            accepted_at=r.accepted_at,
        )


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

    @strawberry.field(
        description="Invites already accepted, which the API keeps as history "
        "(Organization.invitations has the pending ones; one upstream list, org owners only)"
    )
    async def accepted_invitations(self, info: Info) -> list[FeatureBaseInvite]:
        r = self.record
        invites = (
            await context_of(info)
            .loaders.single(FEATUREBASE_ACCEPTED_INVITATIONS)
            .load((r.connection.name, r.key))
        )
        return [FeatureBaseInvite.from_record(i) for i in invites]

    @strawberry.field(
        description="Roles defined in the org (one upstream list; org owners only)",
        deprecation_reason="Use rolesConnection, which pages; removed after 2027-06-30",
    )
    async def roles(self, info: Info) -> list[FeatureBaseRoleType]:
        return [FeatureBaseRoleType.from_details(role) for role in await self._roles(info)]

    @strawberry.field(
        description="Roles defined in the org, by name (read whole: a handful per org; "
        "org owners only)"
    )
    async def roles_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[FeatureBaseRoleType]:
        args = PageArgs(first, after, last, before)
        return page_of(await self._roles(info), ROLES, args, FeatureBaseRoleType.from_details)

    @strawberry.field(
        description="One role of the org by name (one call; org owners only); null if the "
        "org has none of that name"
    )
    async def role(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="Role name (rolename)")],
    ) -> FeatureBaseRoleType | None:
        people = _people(info, self.record.connection.name)
        found = None if people is None else await people.get_role(self.record.key, name)
        return None if found is None else FeatureBaseRoleType.from_details(found)

    async def _roles(self, info: Info) -> list[FeatureBaseRole]:
        r = self.record
        loader = context_of(info).loaders.single(FEATUREBASE_ROLES)
        return await loader.load((r.connection.name, r.key))


@strawberry.type(description="A label of a metric sample")
class FeatureBaseMetricLabel:
    name: str = strawberry.field(description="Label name, e.g. fb_node_id")
    value: str = strawberry.field(description="Label value")


@strawberry.type(description="One sample of a FeatureBase database's OpenMetrics text")
class FeatureBaseMetricSample:
    name: str = strawberry.field(description="Metric name, e.g. go_memstats_gc_sys_bytes")
    type: str | None = strawberry.field(
        description="Its family's declared TYPE (gauge, counter, unknown...); null if none"
    )
    help: str | None = strawberry.field(description="Its family's HELP text; null if none")
    labels: list[FeatureBaseMetricLabel] = strawberry.field(
        description="Its labels, e.g. the fb_node_id of the node it came from"
    )
    value: float | None = strawberry.field(
        description="Its value; null for NaN or an infinity, which a Float cannot carry"
    )


@strawberry.type(description="A FeatureBase database's metrics, read from the query host")
class FeatureBaseMetricsType:
    samples: list[FeatureBaseMetricSample] = strawberry.field(
        description="The samples, in the vendor's order (at most 1000)"
    )
    truncated: bool = strawberry.field(description="Whether more samples came than are here")

    @classmethod
    def from_details(cls, m: FeatureBaseMetrics) -> FeatureBaseMetricsType:
        return cls(
            samples=[
                FeatureBaseMetricSample(
                    name=s.name,
                    type=s.type,
                    help=s.help,
                    labels=[FeatureBaseMetricLabel(name=k, value=v) for k, v in s.labels],
                    value=s.value,
                )
                for s in m.samples
            ],
            truncated=m.truncated,
        )


#: a metric name as OpenMetrics writes one; longer lists than this are not a filter
_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,199}")
MAX_METRIC_NAMES = 100


async def featurebase_metrics(
    info: Info, record: DatabaseRecord, names: list[str] | None
) -> FeatureBaseMetricsType | None:
    """``Database.featurebase.metrics``: checked names, then one call (none for a database
    whose status says it cannot be queried)."""
    if names is not None and (
        len(names) > MAX_METRIC_NAMES or not all(_METRIC_NAME.fullmatch(n) for n in names)
    ):
        raise InvalidInputError(
            ("names",), f"at most {MAX_METRIC_NAMES} metric names, each letters, digits, _ or :"
        )
    if record.can_query is False:
        return None
    adapter = context_of(info).loaders.adapter(record.connection.name)
    if not isinstance(adapter, FeatureBaseQueryHost):
        return None
    wanted = None if names is None else frozenset(names)
    found = await adapter.get_database_metrics(record.key, wanted)
    return None if found is None else FeatureBaseMetricsType.from_details(found)


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


@strawberry.type(description="An API key a FeatureBase user owns (never its secret)")
class FeatureBaseUserKey:
    id: strawberry.ID = strawberry.field(description="The ApiKey's global ID (for node)")
    native_id: str = strawberry.field(description="The vendor's own key ID")
    name: str | None = strawberry.field(description="Its description")
    state: ApiKeyStateEnum = strawberry.field(description="Normalized state")  # type: ignore[valid-type]
    vendor_state: str | None = strawberry.field(description="Status as the vendor says")
    created_at: datetime | None = strawberry.field(description="When it was created")
    last_used_at: datetime | None = strawberry.field(description="When it was last used")

    @classmethod
    def from_record(cls, r: ApiKeyRecord) -> FeatureBaseUserKey:
        return cls(
            id=global_id(API_KEY, r.connection.name, r.key),
            native_id=r.native_id,
            name=r.name,
            state=r.state,
            vendor_state=r.vendor_state,
            created_at=r.created_at,
            last_used_at=r.last_used_at,
        )


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
    record: strawberry.Private[MemberRecord]

    @strawberry.field(
        description="The keys this user owns, revoked ones too (one call: the user's key list)"
    )
    async def api_keys(self, info: Info) -> list[FeatureBaseUserKey]:
        r = self.record
        people = _people(info, r.connection.name)
        found = [] if people is None else await people.list_user_api_keys(r.key)
        return [FeatureBaseUserKey.from_record(k) for k in found]

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
            record=r,
        )
