"""Apollo Federation v2: the entity types' keys and how ``_entities`` resolves them.

Organization, Database, Backup, ApiKey and Member are entities keyed by their global ID
(``@key(fields: "id")``). A router sends representations ``{__typename, id}``; each one
resolves exactly like ``node(id:)``, through the request's by-key loaders, so a hundred
representations cost one adapter batch per connection, not a hundred lookups. Whatever
is wrong with one representation (not an object, not an entity type, no string ``id``, a
malformed or unknown ID) fails that entity alone: null in its place and a coded error.

``_service { sdl }`` is the whole schema. strawberry answers it to anyone; ours
(``ServiceField``, which strawberry uses instead of its own) answers where introspection
is on, and to callers whose token is a federation router's (``federation = true``);
anyone else gets FORBIDDEN, so production keeps its schema hidden.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Final, Literal

import strawberry
from graphql import GraphQLSchema
from strawberry.extensions import FieldExtension
from strawberry.printer import print_schema
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition

from adapters.errors import ErrorCode, GatewayError
from schema.context import context_of
from schema.kinds import NodeKind
from schema.lookup import load_record

#: the lowest federation version with every directive we use (@key): a router or
#: composition of any Federation 2 release accepts it
FEDERATION_VERSION: Final[Literal["2.0"]] = "2.0"

#: entity keys: the global ID names the connection and the vendor key, so it is enough
ENTITY_KEYS: Final = ["id"]

#: most representations one ``_entities`` call takes; a router sends one call per fetch
#: step, so this bounds the objects one federated query may ask this subgraph for at once
MAX_REPRESENTATIONS: Final = 1000


class Entity:
    """Mixin of the entity types: ``resolve_reference`` is strawberry's hook for them."""

    #: the kind of the entity's objects (each entity type sets its own)
    KIND: ClassVar[NodeKind[Any]]

    @classmethod
    async def resolve_reference(cls, info: Info, id: str) -> Any:
        _, record = await load_record(info, id, cls.KIND)
        return cls.from_record(record)  # type: ignore[attr-defined]


def resolve_entities(info: Info, representations: list[Any]) -> list[Any]:
    """``_entities``: one awaitable per representation, in order; graphql-core awaits
    them together, so their loads fall into one tick and batch."""
    if len(representations) > MAX_REPRESENTATIONS:
        raise GatewayError(
            ErrorCode.BAD_USER_INPUT, f"at most {MAX_REPRESENTATIONS} representations"
        )
    return [_resolve(info, r) for r in representations]


async def _resolve(info: Info, representation: Any) -> Any:
    entity, id_ = _parse(info, representation)
    return await entity.resolve_reference(info, id_)


def _parse(info: Info, representation: Any) -> tuple[type[Entity], str]:
    if not isinstance(representation, dict):
        raise _bad("a representation must be an object with __typename and id")
    type_name = representation.get("__typename")
    definition = info.schema.get_type_by_name(type_name) if isinstance(type_name, str) else None
    if not (
        isinstance(definition, StrawberryObjectDefinition)
        and isinstance(definition.origin, type)
        and issubclass(definition.origin, Entity)
    ):
        raise _bad(f"'{str(type_name)[:80]}' is not an entity type of this subgraph")
    id_ = representation.get("id")
    if not isinstance(id_, str):
        raise _bad(f"a {type_name} representation needs its key field 'id' (a string)")
    return definition.origin, id_


def _bad(message: str) -> GatewayError:
    return GatewayError(ErrorCode.BAD_USER_INPUT, message)


@strawberry.type(name="_Service")
class Service:
    # no descriptions: the type and field print exactly as federation's own
    @strawberry.field
    def sdl(self, info: Info) -> str:
        return print_schema(info.schema)


class ReadsSdl(FieldExtension):
    """Refuses the field with FORBIDDEN unless the request may read the schema."""

    def _check(self, info: Info) -> None:
        if not context_of(info).may_read_sdl:
            raise GatewayError(
                ErrorCode.FORBIDDEN,
                "the schema is not public here: _service needs a federation token",
            )

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self._check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        self._check(info)
        return await next_(source, info, **kwargs)


@strawberry.type
class ServiceField:
    """Query's ``_service``; strawberry adds its own only to a Query without one."""

    @strawberry.field(
        name="_service",
        description="For federation routers: this subgraph's SDL. Where introspection is "
        "off, only a token with federation = true may read it",
        extensions=[ReadsSdl()],
    )
    def service(self) -> Service:
        return Service()


def describe_entities(schema: GraphQLSchema) -> None:
    """Descriptions for strawberry's ``Query._entities`` and its argument."""
    query = schema.query_type
    entities = query.fields.get("_entities") if query is not None else None
    if entities is None:
        return
    union = schema.type_map.get("_Entity")
    names = ", ".join(t.name for t in getattr(union, "types", ()))
    entities.description = (
        f"For federation routers: the entities ({names}) named by representations, in "
        f"order, null where one is not found; at most {MAX_REPRESENTATIONS} per call. "
        "Clients use node(id:) or nodes(ids:)"
    )
    entities.args[
        "representations"
    ].description = 'Objects like { __typename: "Database", id: "..." }: a type and its key'
