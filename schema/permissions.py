"""Who may ask what: the caller of a request, roles, and the fields that need a role.

Three roles, each including the one below it:

- ``viewer``: every query, except secret-bearing fields
- ``operator``: plus the day-to-day writes (create, start, stop, scale, back up)
- ``admin``: everything, including deletes, keys, members and secret-bearing fields

A field that needs more than the caller's role fails alone with FORBIDDEN; the rest of
the document is answered (a non-null field's null spreads to its parent, as for any
error). The role each field needs is declared on the field (``requires``), so the table
in docs/security.md is read from the schema itself (``role_table``).

A caller's connection allowlist is not checked here: the request context only holds the
allowed connections' adapters, so the others do not exist for that caller (lists skip
them, their IDs are NOT_FOUND).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from adapters.errors import ErrorCode, GatewayError


class Role(enum.IntEnum):
    """Ordered: a higher role may do everything a lower one may."""

    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Role:
        """``"operator"`` -> Role.OPERATOR; ValueError naming the roles otherwise."""
        try:
            return cls[value.upper()]
        except (KeyError, AttributeError):
            known = ", ".join(r.label for r in cls)
            raise ValueError(f"unknown role '{value}' (known: {known})") from None


@dataclass(frozen=True)
class Caller:
    """Who sent a request: a token's name, a proxied user, or anonymous. Never a secret."""

    name: str
    role: Role
    #: the connections this caller may see; None: every connection
    connections: frozenset[str] | None = None
    #: how the caller proved who they are: "token", "proxy" or "anonymous"
    via: str = "token"
    #: a federation router's token: reads the subgraph SDL (``_service``) even where
    #: introspection is off
    federation: bool = False
    #: may send vendor credentials for template connections (``[[auth.tokens]]
    #: vendor_credentials``); only a token can
    vendor_credentials: bool = False

    def may_see(self, connection: str) -> bool:
        return self.connections is None or connection in self.connections


#: a gateway without client authentication (demo mode, tests)
OPEN_CALLER = Caller("anonymous", Role.ADMIN, via="anonymous")


class RequireRole(FieldExtension):
    """Refuses the field with FORBIDDEN unless the caller's role is at least ``role``."""

    def __init__(self, role: Role, why: str) -> None:
        self.role = role
        self.why = why

    def _check(self, info: Info) -> None:
        caller: Caller = getattr(info.context, "caller", OPEN_CALLER)
        if caller.role < self.role:
            raise GatewayError(
                ErrorCode.FORBIDDEN,
                f"{info.path.typename}.{info.field_name} needs the {self.role.label} "
                f"role; this caller is {caller.role.label}",
            )

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self._check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        self._check(info)
        return await next_(source, info, **kwargs)


def requires(role: Role, why: str) -> list[FieldExtension]:
    """``extensions=`` for a field that needs ``role``; ``why`` goes to the docs table."""
    return [RequireRole(role, why)]


def operator(why: str) -> list[FieldExtension]:
    return requires(Role.OPERATOR, why)


def admin(why: str) -> list[FieldExtension]:
    return requires(Role.ADMIN, why)


@dataclass(frozen=True)
class FieldRole:
    type_name: str
    field_name: str
    role: Role
    why: str


def role_table(schema: strawberry.Schema) -> Iterator[FieldRole]:
    """Every field that needs more than ``viewer``, by type and field name."""
    graphql_schema = schema._schema
    for type_name in sorted(graphql_schema.type_map):
        graphql_type = graphql_schema.type_map[type_name]
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, graphql_field in graphql_type.fields.items():
            definition = (graphql_field.extensions or {}).get("strawberry-definition")
            for extension in getattr(definition, "extensions", None) or ():
                if isinstance(extension, RequireRole):
                    yield FieldRole(type_name, field_name, extension.role, extension.why)
