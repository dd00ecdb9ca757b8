"""NetApp Astra Control's own writes (issue 21 item 9): a user's names, enabled flag and
suspension; a role binding removed; a stored credential created. Through the
``AstraAccountAccess`` protocol; another vendor is NOT_SUPPORTED before any call.

A new credential's content (``keyStore``) is the caller's secret going to Astra: the
payload answers its metadata only, so there is nothing to show once, and it is never kept
by the gateway (no idempotency record holds it: the mutation takes no key).
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.base import AstraAccountAccess
from adapters.details import AstraUserChange
from adapters.errors import NotSupportedError
from adapters.model import Operation
from schema.kinds import MEMBER, ORGANIZATION
from schema.mutation_runner import Target, run, target
from schema.nodes import Member
from schema.vendor_types.astra import AstraCredentialType


@strawberry.input(description="What to change of an Astra user; unset fields stay as they are")
class UpdateAstraUserInput:
    id: strawberry.ID = strawberry.field(description="The Member (an Astra user)")
    first_name: str | None = strawberry.field(default=None, description="New first name")
    last_name: str | None = strawberry.field(default=None, description="New last name")
    enabled: bool | None = strawberry.field(
        default=None, description="Whether the user may sign in (isEnabled)"
    )
    suspended: bool | None = strawberry.field(
        default=None,
        description="True suspends a signed-in user (state suspended), false makes them active "
        "again; refused for a pending user (an invitation)",
    )


@strawberry.type(description="An Astra user after a change")
class UpdateAstraUserPayload:
    member: Member = strawberry.field(description="The member now")


@strawberry.input(description="An Astra role binding to remove")
class DeleteAstraRoleBindingInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization (account)")
    binding_id: str = strawberry.field(
        description="The binding's nativeId (Organization.astra.roleBindings)"
    )


@strawberry.type(description="A removed Astra role binding")
class DeleteAstraRoleBindingPayload:
    deleted_binding_id: str = strawberry.field(description="nativeId of the removed binding")


@strawberry.input(description="One field of a credential's content, as Astra stores it")
class AstraKeyStoreEntryInput:
    name: str = strawberry.field(
        description="Field name: base64 for a kubeconfig; accessKey, secretKey for a bucket"
    )
    value: str = strawberry.field(
        description="Its value, base64-encoded; a secret: sent to Astra, never shown or kept"
    )


@strawberry.input(description="A credential for Astra to store (a kubeconfig, a bucket key)")
class CreateAstraCredentialInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization (account)")
    name: str = strawberry.field(description="Its name (1 to 63 characters)")
    key_type: str = strawberry.field(description="What it holds: kubeconfig, s3, generic...")
    key_store: list[AstraKeyStoreEntryInput] = strawberry.field(
        description="Its content (keyStore): at least one entry, each name once"
    )


@strawberry.type(description="A credential Astra now stores")
class CreateAstraCredentialPayload:
    credential: AstraCredentialType = strawberry.field(
        description="Its metadata; the content is never answered"
    )


def _access(t: Target) -> AstraAccountAccess:
    if isinstance(t.adapter, AstraAccountAccess):
        return t.adapter
    info = t.adapter.connection
    raise NotSupportedError("Astra account access", connection=info.name, vendor=info.vendor.value)


async def update_user(
    info: Info,
    input: Annotated[
        UpdateAstraUserInput, strawberry.argument(description="The user and what to change")
    ],
) -> UpdateAstraUserPayload:
    t = target(info, input.id, MEMBER, Operation.UPDATE_MEMBER_ROLE)
    access = _access(t)
    change = AstraUserChange(
        first_name=input.first_name,
        last_name=input.last_name,
        enabled=input.enabled,
        suspended=input.suspended,
    )
    record = await run(t, lambda: access.update_user(t.key, change))
    return UpdateAstraUserPayload(member=Member.from_record(record))


async def delete_role_binding(
    info: Info,
    input: Annotated[
        DeleteAstraRoleBindingInput, strawberry.argument(description="The binding to remove")
    ],
) -> DeleteAstraRoleBindingPayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_MEMBER_ROLE)
    access = _access(t)
    await run(t, lambda: access.delete_role_binding(t.key, input.binding_id))
    return DeleteAstraRoleBindingPayload(deleted_binding_id=input.binding_id)


async def create_credential(
    info: Info,
    input: Annotated[
        CreateAstraCredentialInput,
        strawberry.argument(description="The credential: its name, kind and content"),
    ],
) -> CreateAstraCredentialPayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_ORGANIZATION)
    access = _access(t)
    entries = [(e.name, e.value) for e in input.key_store]
    created = await run(
        t, lambda: access.create_credential(t.key, input.name, input.key_type, entries)
    )
    return CreateAstraCredentialPayload(credential=AstraCredentialType.from_details(created))
