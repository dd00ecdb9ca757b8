"""FeatureBase Cloud's documented write rules, checked before any upstream call.

Each check raises through ``invalid`` (the adapter's ``BaseAdapter.invalid``) with the field
path in the command's attribute names. Where the docs give no rule the vendor's own 400
answers instead (a shape that does not exist: ``RelatedResourceNotFound``), so the
gateway never rejects what the vendor would accept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from adapters.commands import (
    CreateApiKey,
    CreateDatabase,
    FeatureBaseCreateOptions,
    FeatureBaseUpdateOptions,
    InviteMember,
    UpdateApiKey,
    UpdateDatabase,
    UpdateOrganization,
)
from adapters.errors import InvalidInputError
from adapters.featurebase.mapping import KEY_STATUS_VALUES, ROLE_NAMES
from adapters.model import Key, MemberRole

Invalid = Callable[[tuple[str, ...], str], InvalidInputError]

#: roles an invite can stand for: ``POST /v2/invites`` takes only an email, so the invitee
#: joins without a role; any other role would be silently dropped
INVITE_ROLES = frozenset({MemberRole.MEMBER})
#: one "@", something on both sides, a dot in the domain, no spaces
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

_NEVER_EXPIRE = "FeatureBase keys never expire ('Keys will never expire'); revoke them instead"
_NO_KEY_ROLES = "FeatureBase keys have no role of their own: a key acts as its owner"


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def _name(name: str | None, invalid: Invalid) -> None:
    if name is not None and not name.strip():
        raise invalid(("name",), "must not be empty")


def _member_of(org: str, member: Key, field: tuple[str, ...], invalid: Invalid) -> str:
    """The user ID of a Member key of ``org``."""
    if len(member) != 2 or member[0] != org:
        raise invalid(field, f"names no member of organization '{org}'")
    return member[1]


def create_database(command: CreateDatabase, invalid: Invalid) -> str:
    """The shape to create the database on; ``database_options.shape`` is required."""
    options = command.options
    if not isinstance(options, FeatureBaseCreateOptions):
        raise invalid(("options",), "required for a featurebase connection: shape")
    if options.shape is None or not options.shape.strip():
        raise invalid(("options", "shape"), "required: a shape name (see plans) or e.g. 8GB")
    _name(command.name, invalid)
    return options.shape


def update_database(command: UpdateDatabase, invalid: Invalid) -> str | None:
    """The new owner's user ID, if one is asked for."""
    options = command.options
    owner = options.owner if isinstance(options, FeatureBaseUpdateOptions) else None
    if command.name is None and owner is None:
        raise invalid(("name",), "nothing to change: give name or featurebase.ownerId")
    _name(command.name, invalid)
    if owner is None:
        return None
    return _member_of(command.database[0], owner, ("options", "owner"), invalid)


def create_api_key(command: CreateApiKey, invalid: Invalid) -> str | None:
    """The owner's user ID if one is named; None means the caller's own user."""
    if command.expires_at is not None:
        raise invalid(("expires_at",), _NEVER_EXPIRE)
    if command.role is not None:
        raise invalid(("role",), _NO_KEY_ROLES)
    if command.owner is None:
        return None
    return _member_of(command.organization[0], command.owner, ("owner",), invalid)


def update_api_key(command: UpdateApiKey, invalid: Invalid) -> None:
    if command.expires_at is not None:
        raise invalid(("expires_at",), _NEVER_EXPIRE)
    if command.role is not None:
        raise invalid(("role",), _NO_KEY_ROLES)
    if command.state is not None and command.state not in KEY_STATUS_VALUES:
        raise invalid(
            ("state",),
            f"a FeatureBase key is {_names(KEY_STATUS_VALUES)} (got {command.state.value}); "
            "a revoked key cannot be re-enabled",
        )
    if command.name is None and command.state is None:
        raise invalid(("name",), "nothing to change: give name or state")


def invite_member(command: InviteMember, invalid: Invalid) -> None:
    if not EMAIL.fullmatch(command.email):
        raise invalid(("email",), f"not an email address: {command.email!r}")
    if command.role not in INVITE_ROLES:
        raise invalid(
            ("role",),
            f"FeatureBase invites carry no role, so the accepted roles are "
            f"{_names(INVITE_ROLES)}; give roles after the invite is accepted "
            f"(updateMemberRole: {_names(ROLE_NAMES)})",
        )


def member_role(role: MemberRole, invalid: Invalid) -> str:
    """The FeatureBase role name to add for ``role``."""
    name = ROLE_NAMES.get(role)
    if name is None:
        raise invalid(
            ("role",),
            f"FeatureBase documents only the role 'Org Owner', so the accepted roles are "
            f"{_names(ROLE_NAMES)} (got {role.value})",
        )
    return name


def update_organization(command: UpdateOrganization, invalid: Invalid) -> None:
    if command.name is None:
        raise invalid(("name",), "nothing to change: give name")
    _name(command.name, invalid)
