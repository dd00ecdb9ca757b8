"""The DBaaS API's own writes (issue 21 item 10): database credentials created and deleted,
projects created, renamed and deleted. Both ride on ``UPDATE_DATABASE`` in capabilities: a
credential is a database's, and a project is what ``updateDatabase`` sets on one (the
organization is the gateway's own, so DBaaS has no ``UPDATE_ORGANIZATION``). Through the
``DBaaSProjectsAndCredentials`` protocol; another vendor is NOT_SUPPORTED before any call.
A new credential's password is shown once, to admins, as a new database's is."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from adapters.base import DBaaSProjectsAndCredentials
from adapters.errors import InvalidInputError, NotSupportedError
from adapters.model import Operation
from schema.kinds import CREDENTIAL, DATABASE, ORGANIZATION
from schema.mutation_runner import Target, run, target
from schema.nodes import DatabaseCredential
from schema.permissions import admin
from schema.vendor_types.dbaas import DBaaSProjectType


@strawberry.input(description="A new user of a DBaaS database")
class CreateDBaaSCredentialInput:
    database_id: strawberry.ID = strawberry.field(description="The Database")
    user: str = strawberry.field(description="The user name, e.g. u_reports")


@strawberry.type(description="A new DBaaS credential")
class CreateDBaaSCredentialPayload:
    credential: DatabaseCredential = strawberry.field(description="The new credential")
    password: str | None = strawberry.field(
        description="Its password, shown once", extensions=admin("a database password")
    )


@strawberry.input(description="A DBaaS credential to delete")
class DeleteDBaaSCredentialInput:
    id: strawberry.ID = strawberry.field(description="The DatabaseCredential")


@strawberry.type(description="A deleted DBaaS credential")
class DeleteDBaaSCredentialPayload:
    deleted_id: strawberry.ID = strawberry.field(description="ID of the credential")


@strawberry.input(description="A DBaaS project to create, rename or delete")
class DBaaSProjectInput:
    organization_id: strawberry.ID = strawberry.field(description="The Organization (the server)")
    project_id: str | None = strawberry.field(
        default=None, description="The project's nativeId (digits); unset to create one"
    )
    name: str | None = strawberry.field(
        default=None, description="Its name; required to create or rename"
    )


@strawberry.type(description="A DBaaS project after a change")
class DBaaSProjectPayload:
    project: DBaaSProjectType | None = strawberry.field(
        description="The project now; null once deleted"
    )


def _dbaas(t: Target) -> DBaaSProjectsAndCredentials:
    if isinstance(t.adapter, DBaaSProjectsAndCredentials):
        return t.adapter
    info = t.adapter.connection
    raise NotSupportedError(
        "DBaaS credentials and projects", connection=info.name, vendor=info.vendor.value
    )


async def create_credential(
    info: Info,
    input: Annotated[
        CreateDBaaSCredentialInput,
        strawberry.argument(description="The database and the credential to create"),
    ],
) -> CreateDBaaSCredentialPayload:
    t = target(info, input.database_id, DATABASE, Operation.UPDATE_DATABASE)
    dbaas = _dbaas(t)
    credential, password = await run(t, lambda: dbaas.create_credential(t.key, input.user))
    return CreateDBaaSCredentialPayload(
        credential=DatabaseCredential.from_record(credential), password=password
    )


async def delete_credential(
    info: Info,
    input: Annotated[
        DeleteDBaaSCredentialInput, strawberry.argument(description="The credential to delete")
    ],
) -> DeleteDBaaSCredentialPayload:
    t = target(info, input.id, CREDENTIAL, Operation.UPDATE_DATABASE)
    dbaas = _dbaas(t)
    await run(t, lambda: dbaas.delete_credential(t.key))
    return DeleteDBaaSCredentialPayload(deleted_id=input.id)


async def write_project(
    info: Info,
    input: Annotated[
        DBaaSProjectInput,
        strawberry.argument(
            description="The project: without an ID a new one, with it the one to change or delete"
        ),
    ],
) -> DBaaSProjectPayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_DATABASE)
    dbaas = _dbaas(t)
    name, project_id = input.name, input.project_id
    if name is None:
        raise InvalidInputError(("input", "name"), "required to create or rename a project")
    if project_id is None:
        found = await run(t, lambda: dbaas.create_project(name))
    else:
        found = await run(t, lambda: dbaas.rename_project(project_id, name))
    return DBaaSProjectPayload(project=DBaaSProjectType.from_details(t.connection, found))


async def delete_project(
    info: Info,
    input: Annotated[
        DBaaSProjectInput,
        strawberry.argument(
            description="The project: without an ID a new one, with it the one to change or delete"
        ),
    ],
) -> DBaaSProjectPayload:
    t = target(info, input.organization_id, ORGANIZATION, Operation.UPDATE_DATABASE)
    dbaas = _dbaas(t)
    project_id = input.project_id
    if project_id is None:
        raise InvalidInputError(("input", "projectId"), "required to delete a project")
    await run(t, lambda: dbaas.delete_project(project_id))
    return DBaaSProjectPayload(project=None)
