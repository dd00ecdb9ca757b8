"""The DBaaS rules a write must keep, checked before the API is asked to write anything.

Where they come from:
- the seed's field table: ``name``, ``plan`` and ``environment`` are required at creation
  and fixed after it (its "no*": "not read only at creation time"; the public project
  this API comes from makes all three read-only on update, and so does our simulator);
  ``project`` is optional and may change;
- the seed's create example: the server rewrites a name ("test database2" becomes
  "test_database2"), so any name that is not blank is accepted;
- the notes' plan shape: ``is_active`` and the ``environments`` a plan is offered in;
- links name objects by numeric ID (``/api/project/2/``).

Paths are the command's attribute names (``("options", "plan")``); the schema turns them
into GraphQL input paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from adapters.commands import CreateDatabase, DBaaSCreateOptions, DBaaSUpdateOptions, UpdateDatabase
from adapters.dbaas.client import is_id
from adapters.dbaas.mapping import plan_environments
from adapters.errors import InvalidInputError

Invalid = Callable[[tuple[str, ...], str], InvalidInputError]

PLAN = ("options", "plan")
ENVIRONMENT = ("options", "environment")
PROJECT = ("options", "project")


@dataclass(frozen=True)
class NewDatabase:
    name: str
    plan_id: str
    #: an environment ID or name, as the caller gave it
    environment: str
    project_id: str | None


def new_database(command: CreateDatabase, invalid: Invalid) -> NewDatabase:
    """What a create asks for, or the first rule it breaks (no upstream call needed)."""
    name = command.name.strip()
    if not name:
        raise invalid(("name",), "may not be blank")
    options = command.options
    if not isinstance(options, DBaaSCreateOptions):
        raise invalid(("options",), "required for a dbaas connection: plan and environment")
    if options.plan is None:
        raise invalid(PLAN, "required: the Plan to create the database with")
    if len(options.plan) != 1 or not is_id(options.plan[0]):
        raise invalid(PLAN, "is not a DBaaS plan")
    environment = (options.environment or "").strip()
    if not environment:
        raise invalid(ENVIRONMENT, "required: an environment ID or name")
    return NewDatabase(name, options.plan[0], environment, _project_id(options.project, invalid))


def environment_of_plan(plan: dict[str, Any], wanted: str, invalid: Invalid) -> str | None:
    """The ID of environment ``wanted`` (an ID, else a name) among those ``plan`` is
    offered in, after checking the plan is active; None when the plan does not list them."""
    plan_name = plan.get("name") or plan.get("id")
    if plan.get("is_active") is False:
        raise invalid(PLAN, f"plan '{plan_name}' is not active: choose an active plan")
    offered = plan_environments(plan)
    if offered is None:
        return None
    for env_id, env_name in offered.items():
        # digits are an ID: a name made of digits cannot be told from one
        if wanted == env_id or (not is_id(wanted) and wanted == env_name):
            return env_id
    listing = ", ".join(f"{n} ({i})" if n else i for i, n in offered.items()) or "none"
    raise invalid(
        ENVIRONMENT,
        f"plan '{plan_name}' is not offered in environment '{wanted}' (offered in: {listing})",
    )


def project_change(command: UpdateDatabase, invalid: Invalid) -> str | None:
    """The project ID an update moves the database to; None: out of its project."""
    if command.name is not None:
        raise invalid(
            ("name",),
            "cannot be changed after creation: DBaaS fixes a database's name, plan and "
            "environment when it is created",
        )
    options = command.options
    if not isinstance(options, DBaaSUpdateOptions) or options.project is None:
        raise invalid(
            ("options",),
            "nothing to change: a DBaaS database can change only its project "
            '(project: a project ID, or "" to take it out of its project)',
        )
    if not options.project.strip():
        return None
    return _project_id(options.project, invalid)


def _project_id(value: str | None, invalid: Invalid) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not is_id(value):
        raise invalid(PROJECT, f"must be a DBaaS project ID (digits), got '{value[:40]}'")
    return value
