"""The bare strawberry ``{ hello }`` app the warm scenario compares the gateway with.

The same framework layers as the gateway (Starlette routing to strawberry's ASGI view at
/graphql) and the same server settings (``uvicorn.run`` as ``dbaas-gateway serve`` calls
it), with nothing of the gateway: no context, loaders, adapters or caches.

    python -m tests.benchmarks.bare_app --port 8200 --log-level warning
"""

from __future__ import annotations

import argparse

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"


def create_app() -> Starlette:
    graphql = GraphQL(strawberry.Schema(query=Query))
    return Starlette(routes=[Route("/graphql", graphql, methods=["GET", "POST"])])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args()
    # as ``dbaas-gateway serve`` calls it (its logging set up beforehand, hence log_config)
    uvicorn.run(
        create_app(), host=args.host, port=args.port, log_level=args.log_level, log_config=None
    )


if __name__ == "__main__":
    main()
