"""The per-request context resolvers see: adapters, loaders, partial-result errors."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import GraphQLError
from strawberry.types import Info

from adapters.base import Adapter
from adapters.errors import GatewayError
from schema.idempotency import IdempotencyStore
from schema.loaders import Loaders
from schema.permissions import OPEN_CALLER, Caller
from schema.polling import PollerHub


@dataclass
class GatewayContext:
    #: the connections this request's caller may see (the others do not exist for it)
    adapters: Mapping[str, Adapter]
    request_id: str
    request: Any = None
    response: Any = None
    #: errors of the parts of a list that failed while the rest answered
    partial_errors: list[GraphQLError] = field(default_factory=list)
    #: shared by every request of one gateway process
    idempotency: IdempotencyStore = field(default_factory=IdempotencyStore)
    #: who sent the request (roles are checked per field, ``schema.permissions``)
    caller: Caller = OPEN_CALLER
    #: a subscription connection's ``connection_init`` payload (strawberry sets it)
    connection_params: dict[str, Any] | None = None
    #: the subscriptions' upstream pollers, shared by every request of one process
    pollers: PollerHub = field(default_factory=PollerHub)
    #: the server answers introspection (not in production): its schema is no secret
    introspection: bool = False

    @property
    def may_read_sdl(self) -> bool:
        """``_service { sdl }`` is the whole schema: readable wherever introspection is,
        and by a federation router's token (docs/federation.md)."""
        return self.introspection or self.caller.federation

    def for_operation(self) -> GatewayContext:
        """The context of one more operation of the same caller (a WebSocket runs many):
        the same caller and connections, loaders and partial errors of its own."""
        return dataclasses.replace(self, partial_errors=[])

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.adapters)

    def reset_loaders(self) -> None:
        """Forget everything read so far in this request: a write just changed it."""
        loaders = self.__dict__.pop("loaders", None)
        if loaders is not None:
            loaders.close()

    def add_partial_error(self, info: Info, error: Exception) -> None:
        """Record a failed part of a field whose other parts still answer."""
        path = info.path.as_list()
        self.partial_errors.append(
            GraphQLError(str(error), path=path, original_error=error)
            if isinstance(error, GatewayError)
            else GraphQLError("internal error", path=path, original_error=error)
        )


def context_of(info: Info) -> GatewayContext:
    ctx = info.context
    assert isinstance(ctx, GatewayContext)
    return ctx
