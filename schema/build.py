"""Build the strawberry schema once at startup; print its SDL.

``make_schema`` takes extra extensions (the gateway's limits, which depend on its
configuration); ``build_schema`` is the one without them, for the SDL and tools.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import strawberry
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.federation.schema import FederationAny
from strawberry.types import ExecutionContext, Info

from schema.errors import ErrorCodes
from schema.execution import PlainLeafExecution
from schema.federation import FEDERATION_VERSION, describe_entities, resolve_entities
from schema.lean_resolvers import lean
from schema.mutations import Mutation
from schema.nodes import NODE_CLASSES
from schema.query import Query
from schema.subscriptions import Subscription
from schema.text_input import RefuseUnencodableVariables

SDL_PATH = Path(__file__).with_name("schema.graphql")


class GatewaySchema(strawberry.federation.Schema):
    """The schema, served as an Apollo Federation v2 subgraph (see schema/federation.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # strawberry builds _entities itself, without a way to describe it; GraphiQL lists
        # it first under Query, so it says what it is for
        describe_entities(self._schema)
        # resolvers without strawberry's layers where nothing needs them (lean_resolvers.py)
        lean(self._schema, self.schema_converter)

    def process_errors(
        self, errors: list[Any], execution_context: ExecutionContext | None = None
    ) -> None:
        # ErrorCodes already logged the unexpected ones with their error id; expected
        # errors (bad input, an upstream 404) are answers, not incidents
        return None

    def entities_resolver(
        self, info: Info, representations: list[FederationAny]
    ) -> list[FederationAny]:
        return resolve_entities(info, representations)


class _ValidationCache(ValidationCache):
    """strawberry's validation cache, except where an extension before it has already
    refused the document (strawberry's own validation then skips it as well)."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors is not None:
            yield
        else:
            yield from super().on_validate()


@cache
def build_schema() -> GatewaySchema:
    return make_schema()


def make_schema(
    extensions: Sequence[Callable[[], SchemaExtension]] = (),
    first: Sequence[Callable[[], SchemaExtension]] = (),
) -> GatewaySchema:
    """A new schema; each of ``extensions`` is a factory, called once per request.
    ``first`` run before the parser and validation caches (hooks run in list order, and
    the validation cache validates in its own ``on_validate``)."""
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=list(NODE_CLASSES.values()),
        extensions=[
            *first,
            lambda: ParserCache(maxsize=256),  # the LRU itself is module-level, shared
            lambda: _ValidationCache(maxsize=256),
            RefuseUnencodableVariables,
            ErrorCodes,
            *extensions,
        ],
        federation_version=FEDERATION_VERSION,
        # plain leaf fields read directly (schema/execution.py)
        execution_context_class=PlainLeafExecution,
    )


def print_sdl() -> str:
    return build_schema().as_str().rstrip() + "\n"
