"""Resolvers of fields with no field extension, called the way strawberry calls them
with fewer layers.

strawberry wraps every resolver it converts (``schema_converter.from_resolver``): an
async wrapper that awaits another coroutine that awaits the resolver's, an Info, the
arguments converted, then a chain of field extensions folded with ``reduce`` and
``partial`` even when there is none. A dashboard calls about 500 such fields (each
organization's databases, members and keys, each database's backups), and every
resumption of a suspended resolver passes through each layer. Here a field with a
resolver and no field extension (a role check is one) and no exception handler gets a
resolver that does what strawberry's does for it, in one call: the same Info, the same
converted arguments (strawberry's ``convert_arguments``), the same self, root, parent and
info parameters, the resolver's own value or awaitable.

A field with an extension, an exception handler, a subscription, or a resolver that is
not strawberry's own keeps strawberry's. Schema extensions' ``resolve`` hooks are
graphql-core middleware, which wraps whichever resolver a field has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

DEFINITION_BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF
#: the names of strawberry's wrappers this replaces; another name (a later strawberry)
#: leaves the field as strawberry made it
STRAWBERRY_RESOLVERS = frozenset({"_async_resolver", "_resolver"})


def lean(schema: GraphQLSchema, converter: GraphQLCoreConverter) -> int:
    """Give every field this may take its lean resolver; the number of fields taken."""
    taken = 0
    subscription = schema.subscription_type
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type is subscription:
            continue
        for field in graphql_type.fields.values():
            definition = (field.extensions or {}).get(DEFINITION_BACKREF)
            if not isinstance(definition, StrawberryField) or not _may_take(
                definition, field.resolve, converter, field.args
            ):
                continue
            resolver = _resolver(definition, converter)
            resolver._is_default = False  # type: ignore[attr-defined]  # as strawberry marks it
            field.resolve = resolver
            taken += 1
    return taken


def _may_take(
    definition: StrawberryField,
    resolve: Any,
    converter: GraphQLCoreConverter,
    graphql_arguments: Mapping[str, Any],
) -> bool:
    return (
        definition.base_resolver is not None
        # a field or resolver class of its own: strawberry calls its get_result, __call__
        and type(definition).get_result is StrawberryField.get_result
        and type(definition.base_resolver).__call__ is StrawberryResolver.__call__
        and callable(definition.base_resolver.wrapped_func)
        # strawberry's wrappers take "_source" and "info" as keywords too: an argument so
        # named (in GraphQL or in Python) fails there or is handed the Info
        and not any(name in _STRAWBERRYS_OWN for name in graphql_arguments)
        and not any(argument.python_name in _STRAWBERRYS_OWN for argument in definition.arguments)
        and not definition.extensions
        and not definition.is_subscription
        and getattr(resolve, "__name__", "") in STRAWBERRY_RESOLVERS
        and not converter._get_field_exception_handlers(definition)
    )


_STRAWBERRYS_OWN = frozenset({"_source", "info"})


def _resolver(field: StrawberryField, converter: GraphQLCoreConverter) -> Callable[..., Any]:
    base = field.base_resolver
    assert base is not None
    call = cast(Callable[..., Any], base.wrapped_func)
    info_class = converter.config.info_class
    config, registry = converter.config, converter.scalar_registry
    arguments = field.arguments
    takes_self = base.self_parameter is not None
    parent = base.parent_parameter.name if base.parent_parameter else None
    root = base.root_parameter.name if base.root_parameter else None
    info_name = base.info_parameter.name if base.info_parameter else None

    # positional only: an argument named "source" is one of kwargs, as in strawberry's
    def resolve(source: Any, info: GraphQLResolveInfo, /, **kwargs: Any) -> Any:
        strawberry_info = info_class(_raw_info=info, _field=field)
        kwargs = convert_arguments(
            kwargs, arguments, scalar_registry=registry, config=config, info=strawberry_info
        )
        if parent is not None:
            kwargs[parent] = source
        if root is not None:
            kwargs[root] = source
        if info_name is not None:
            kwargs[info_name] = strawberry_info
        return call(source, **kwargs) if takes_self else call(**kwargs)

    return resolve
