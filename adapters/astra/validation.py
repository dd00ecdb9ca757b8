"""Astra write rules, checked before any upstream call.

Where each rule comes from:
- names of what the gateway creates (apps, backups, snapshots, tokens): 1 to 63
  characters, the seed's bound for a resource ``name``;
- ``cluster_id``: every Astra ``id`` is a UUID (notes; a malformed one is problem 35);
- ``namespace``: a Kubernetes namespace name, an RFC 1123 label (lowercase letters,
  digits and ``-``, starting and ending with a letter or digit, at most 63 characters);
- ``email``: a user is identified by email (notes); an address needs ``local@domain``;
- roles: a roleBinding ``role`` is one of viewer, member, admin, owner (notes);
- tokens have a name and a user only (notes): no role, no expiry, no state.

Field paths are the command's attribute names; ``options`` is the Astra options field.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from adapters.astra import mapping
from adapters.errors import ErrorCode, GatewayError, InvalidInputError
from adapters.model import ConnectionInfo, Key, MemberRole

NAME_LENGTH = (1, 63)
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NAMESPACE_RE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

Field = tuple[str, ...]
Invalid = Callable[[Field, str], InvalidInputError]


class Rules:
    """The checks of one connection; each raises ``invalid(field, problem)`` when broken."""

    def __init__(self, connection: ConnectionInfo, account_id: str, invalid: Invalid) -> None:
        self.connection = connection
        self.account_id = account_id
        self.invalid = invalid

    def name(self, value: str | None, field: Field = ("name",)) -> str:
        low, high = NAME_LENGTH
        if value is None:
            raise self.invalid(field, "required")
        if not low <= len(value) <= high:
            raise self.invalid(field, f"must be {low} to {high} characters (got {len(value)})")
        if not value.strip():
            raise self.invalid(field, "must not be blank")
        return value

    def cluster_id(self, value: str) -> str:
        if not UUID_RE.fullmatch(value):
            raise self.invalid(("options", "cluster_id"), f"must be a cluster UUID (got {value!r})")
        return value.lower()

    def namespace(self, value: str) -> str:
        if not NAMESPACE_RE.fullmatch(value):
            raise self.invalid(
                ("options", "namespace"),
                "must be a Kubernetes namespace name: at most 63 lowercase letters, digits "
                f"or '-', starting and ending with a letter or digit (got {value!r})",
            )
        return value

    def email(self, value: str) -> str:
        if not EMAIL_RE.fullmatch(value):
            raise self.invalid(("email",), f"must be an email address (got {value!r})")
        return value

    def role(self, value: MemberRole) -> str:
        vendor_role = mapping.VENDOR_ROLES.get(value)
        if vendor_role is None:
            accepted = ", ".join(r.value for r in reversed(mapping.VENDOR_ROLES))  # highest first
            raise self.invalid(("role",), f"Astra has no {value.value} role; it accepts {accepted}")
        return vendor_role

    def absent(self, field: str, value: object, why: str) -> None:
        if value is not None:
            raise self.invalid((field,), why)

    def _ours(self, key: Key, size: int) -> bool:
        return len(key) == size and key[0] == self.account_id

    def target(self, key: Key, size: int, what: str) -> Key:
        """The key of what a mutation acts on, as a read would find it: a key of another
        account or of another shape (a forged ID) names nothing here, NOT_FOUND."""
        if not self._ours(key, size) or (size == 4 and key[2] not in mapping.COLLECTIONS):
            raise GatewayError(
                ErrorCode.NOT_FOUND,
                f"astra connection '{self.connection.name}' has no such {what}",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        return key

    def option_key(self, key: Key, size: int, field: Field, what: str) -> Key:
        """A key given as input (an owner, a backup to restore): BAD_USER_INPUT if wrong."""
        if not self._ours(key, size) or (size == 4 and key[2] not in mapping.COLLECTIONS):
            raise self.invalid(field, f"does not name {what} of this Astra account")
        return key
