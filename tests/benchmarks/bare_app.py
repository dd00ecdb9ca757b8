"""The bare strawberry app the warm scenarios compare the gateway with.

The same framework layers as the gateway (Starlette routing to strawberry's ASGI view at
/graphql) and the same server settings (``uvicorn.run`` as ``dbaas-gateway serve`` calls
it), with nothing of the gateway: no adapters, caches, limits or auth. ``{ hello }`` is the
framework's floor for any request; ``organization(id:)`` answers the warm cached query's
exact shape from memory (an organization, its databases, each database's backups through
one per-request DataLoader, as a well-made strawberry app would), so the gateway's cost of
that query can be set beside what strawberry itself costs to execute the same fields. Its
``id`` is the shape: the number of backups of each database, as a JSON list.

    python -m tests.benchmarks.bare_app --port 8200 --log-level warning
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
import uvicorn
from aiodataloader import DataLoader
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.types import Info

STARTED = datetime(2026, 1, 1, tzinfo=UTC)


@strawberry.enum
class Status(Enum):
    RUNNING = "RUNNING"
    READY = "READY"


@strawberry.type
class Backup:
    id: strawberry.ID
    status: Status
    started_at: datetime | None


@strawberry.type
class Database:
    id: strawberry.ID
    name: str
    status: Status
    backup_count: strawberry.Private[int]

    @strawberry.field
    async def backups(self, info: Info) -> list[Backup]:
        loader: DataLoader[tuple[str, int], list[Backup]] = info.context["backups"]
        return await loader.load((str(self.id), self.backup_count))


@strawberry.type
class DatabaseConnection:
    nodes: list[Database]


@strawberry.type
class Organization:
    name: str
    shape: strawberry.Private[list[int]]

    @strawberry.field
    def databases(self, first: int = 50) -> DatabaseConnection:
        return DatabaseConnection(
            nodes=[
                Database(
                    id=strawberry.ID(f"db-{i}"),
                    name=f"db{i}",
                    status=Status.RUNNING,
                    backup_count=count,
                )
                for i, count in enumerate(self.shape[:first])
            ]
        )


async def _backups(keys: list[tuple[str, int]]) -> list[list[Backup]]:
    return [
        [
            Backup(id=strawberry.ID(f"{db}-b{i}"), status=Status.READY, started_at=STARTED)
            for i in range(count)
        ]
        for db, count in keys
    ]


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"

    @strawberry.field
    def organization(self, id: strawberry.ID) -> Organization:
        return Organization(name="org", shape=[int(n) for n in json.loads(str(id))])


class _App(GraphQL[dict[str, Any], None]):
    async def get_context(self, request: Request, response: Response) -> dict[str, Any]:
        return {"backups": DataLoader(batch_load_fn=_backups)}


def create_app() -> Starlette:
    graphql = _App(strawberry.Schema(query=Query))
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
