"""graphql-transport-ws: the choice of operation is checked as over HTTP.

strawberry's handler hands a ``subscribe`` payload to the schema as it is: an
``operationName`` that is not a string, or one the document does not have, ended as
INTERNAL (with a logged traceback), and a document of several operations without one ran
its first operation. Here such a ``subscribe`` gets an ``error`` message with code
BAD_REQUEST, the words of the HTTP refusal, and the socket stays open for the next one.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ErrorMessage,
    SubscribeMessage,
)

from gateway.limits import LimitCode
from gateway.limits_http import operation_problem
from schema.context import GatewayContext


class GatewayTransportWS(BaseGraphQLTransportWSHandler[GatewayContext, None]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message.get("payload")
        # the protocol's own refusals come first: a subscribe before connection_ack
        # (4401), a reused id (4409); a payload that is no object is left to strawberry
        if (
            self.connection_acknowledged
            and isinstance(payload, dict)
            and message["id"] not in self.operations
        ):
            problem = operation_problem(payload.get("query"), payload.get("operationName"))
            if problem is not None:
                code = {"code": LimitCode.BAD_REQUEST.value}
                error = GraphQLError(problem, extensions=code).formatted
                refusal: ErrorMessage = {"id": message["id"], "type": "error", "payload": [error]}
                await self.send_message(refusal)
                return
        await super().handle_subscribe(message)
