"""FeatureBase Cloud's own people writes (issue 21 item 8): a user created in the org,
a user's names, permissions (acl) and status changed, an invite accepted. Through the
``FeatureBasePeople`` protocol; another vendor is NOT_SUPPORTED before any call."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.base import FeatureBasePeople
from adapters.details import FeatureBaseUserChange
from adapters.errors import NotSupportedError
from adapters.model import Operation
from schema.kinds import INVITATION, MEMBER, ORGANIZATION
from schema.mutation_runner import Target, run, target
from schema.nodes import Member
from schema.vendor_types.featurebase import FeatureBaseInvite


@strawberry.input(description="A user to create in a FeatureBase org")
class CreateFeatureBaseUserInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization")
    first_name: str = strawberry.field(description="First name (firstname)")
    last_name: str = strawberry.field(description="Last name (lastname)")


@strawberry.input(description="What to change of a FeatureBase user; unset fields stay")
class UpdateFeatureBaseUserInput:
    id: strawberry.ID = strawberry.field(description="The Member (a FeatureBase user)")
    first_name: str | None = strawberry.field(default=None, description="New first name")
    last_name: str | None = strawberry.field(default=None, description="New last name")
    acl: list[str] | None = strawberry.field(
        default=None, description="The user's permissions, replaced whole (e.g. MANAGE_ORG:*)"
    )
    status: str | None = strawberry.field(
        default=None, description="Account status as FeatureBase spells it, e.g. Active"
    )


@strawberry.type(description="A FeatureBase user after a change")
class FeatureBaseUserPayload:
    member: Member = strawberry.field(description="The user now, as a Member")


@strawberry.input(description="A pending FeatureBase invite to accept")
class AcceptFeatureBaseInvitationInput:
    id: strawberry.ID = strawberry.field(description="The Invitation")


@strawberry.type(description="An accepted FeatureBase invite")
class AcceptFeatureBaseInvitationPayload:
    invite: FeatureBaseInvite = strawberry.field(
        description="The invite now: accepted, listed in acceptedInvitations"
    )


def _people(t: Target) -> FeatureBasePeople:
    if isinstance(t.adapter, FeatureBasePeople):
        return t.adapter
    info = t.adapter.connection
    raise NotSupportedError("FeatureBase users", connection=info.name, vendor=info.vendor.value)


async def create_user(
    info: Info,
    input: Annotated[
        CreateFeatureBaseUserInput, strawberry.argument(description="The org and the user")
    ],
) -> FeatureBaseUserPayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.INVITE_MEMBER)
    people = _people(t)
    record = await run(t, lambda: people.create_user(t.key, input.first_name, input.last_name))
    return FeatureBaseUserPayload(member=Member.from_record(record))


async def update_user(
    info: Info,
    input: Annotated[
        UpdateFeatureBaseUserInput, strawberry.argument(description="The user and the change")
    ],
) -> FeatureBaseUserPayload:
    t = target(info, input.id, MEMBER, Operation.UPDATE_MEMBER_ROLE)
    people = _people(t)
    change = FeatureBaseUserChange(
        first_name=input.first_name,
        last_name=input.last_name,
        acl=None if input.acl is None else tuple(input.acl),
        status=input.status,
    )
    record = await run(t, lambda: people.update_user(t.key, change))
    return FeatureBaseUserPayload(member=Member.from_record(record))


async def accept_invitation(
    info: Info,
    input: Annotated[
        AcceptFeatureBaseInvitationInput, strawberry.argument(description="The invite")
    ],
) -> AcceptFeatureBaseInvitationPayload:
    t = target(info, input.id, INVITATION, Operation.INVITE_MEMBER)
    people = _people(t)
    record = await run(t, lambda: people.accept_invitation(t.key))
    return AcceptFeatureBaseInvitationPayload(invite=FeatureBaseInvite.from_record(record))
