"""Query: node lookups, connections, and the cross-vendor organization and database lists.

Cross-connection fields fan out to every connection at once, so the slowest connection
sets the latency. A failing connection fails only its part: its error is added to the
response (with ``extensions.connection``) and every other connection still answers.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from adapters.errors import ErrorCode, GatewayError
from adapters.model import DatabaseRecord, OrganizationRecord, Vendor
from schema import list_orders, prefetch
from schema.arguments import ConnectionName, NodeId, VendorName
from schema.common import MAX_PAGE_SIZE, Node, VendorConnection, VendorEnum
from schema.connection import After, Before, Connection, First, Last, PageArgs, page_of
from schema.context import GatewayContext, context_of
from schema.database_filter import DatabaseFilter, database_order
from schema.database_pages import Filter, OrderBy, load_many_settled_databases
from schema.federation import ServiceField
from schema.ids import decode_id
from schema.kinds import DATABASE, ORGANIZATION, NodeKind
from schema.loaders import load_many_settled
from schema.lookup import load_record
from schema.nodes import NODE_CLASSES, Database, DatabaseConnection, Organization


async def resolve_node(info: Info, value: str, expected: NodeKind[Any] | None = None) -> Any:
    kind, record = await load_record(info, value, expected)
    return NODE_CLASSES[kind].from_record(record)


def _selected_connections(
    ctx: GatewayContext, connection: str | None, vendor: Vendor | None
) -> list[str]:
    if connection is not None and connection not in ctx.adapters:
        raise GatewayError(ErrorCode.BAD_USER_INPUT, f"no connection named '{connection}'")
    return [
        name
        for name, adapter in ctx.adapters.items()
        if (connection is None or name == connection)
        and (vendor is None or adapter.connection.vendor == vendor)
    ]


async def _organizations_of(info: Info, connections: list[str]) -> list[OrganizationRecord]:
    ctx = context_of(info)
    listings = await load_many_settled(ctx.loaders.organizations(), connections)
    found: list[OrganizationRecord] = []
    for listing in listings:
        if isinstance(listing, Exception):
            ctx.add_partial_error(info, listing)
        else:
            found.extend(listing)
    return found


async def _databases_of(
    info: Info, connections: list[str], f: DatabaseFilter
) -> list[DatabaseRecord]:
    """The databases of these connections that match ``f``; each connection's chain runs
    on its own."""
    ctx = context_of(info)
    loaders = ctx.loaders

    async def one_connection(conn: str) -> list[DatabaseRecord]:
        if not ctx.adapters[conn].capabilities.databases:
            return []
        try:
            orgs = await loaders.organizations().load(conn)
        except Exception as exc:
            ctx.add_partial_error(info, exc)
            return []
        listings = await load_many_settled_databases(info, conn, [o.key for o in orgs], f)
        records: list[DatabaseRecord] = []
        for listing in listings:
            if isinstance(listing, BaseException):
                if not isinstance(listing, Exception):
                    raise listing  # a cancellation is no partial answer
                ctx.add_partial_error(info, listing)
            else:
                records.extend(listing)
        return records

    per_connection = await asyncio.gather(*(one_connection(c) for c in connections))
    return [record for records in per_connection for record in records]


@strawberry.type(description="Read the organizations, databases and more of every vendor")
class Query(ServiceField):
    @strawberry.field(description="Any object by its global ID")
    async def node(self, info: Info, id: NodeId) -> Node | None:
        return await resolve_node(info, id)  # type: ignore[no-any-return]

    @strawberry.field(description=f"Objects by global IDs, in order (at most {MAX_PAGE_SIZE})")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description=f"Global IDs, at most {MAX_PAGE_SIZE}"),
        ],
    ) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise GatewayError(ErrorCode.BAD_USER_INPUT, f"at most {MAX_PAGE_SIZE} ids")
        results = await asyncio.gather(
            *(resolve_node(info, i) for i in ids), return_exceptions=True
        )
        answer: list[Node | None] = []
        for result in results:
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                context_of(info).add_partial_error(info, result)
                answer.append(None)
            else:
                answer.append(result)
        return answer

    @strawberry.field(description="The configured vendor connections")
    def connections(self, info: Info) -> list[VendorConnection]:
        return [VendorConnection.from_adapter(a) for a in context_of(info).adapters.values()]

    @strawberry.field(
        description="Organizations of every connection, or of one connection or vendor",
        deprecation_reason="Use organizationsConnection, which pages; removed after 2027-06-30",
    )
    async def organizations(
        self,
        info: Info,
        connection: ConnectionName = None,
        vendor: VendorName = None,
    ) -> list[Organization]:
        names = _selected_connections(context_of(info), connection, vendor)
        prefetch.start(info, names)  # each connection's children as soon as it can
        records = await _organizations_of(info, names)
        records.sort(key=lambda r: (r.connection.name, r.name.casefold(), r.native_id))
        return [Organization.from_record(r) for r in records]

    @strawberry.field(
        description="Organizations of every connection, or of one connection or vendor, "
        "by connection and name"
    )
    async def organizations_connection(
        self,
        info: Info,
        connection: Annotated[
            str | None, strawberry.argument(description="Only this connection's")
        ] = None,
        vendor: Annotated[
            VendorEnum | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only this vendor's"),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Organization]:
        args = PageArgs(first, after, last, before)
        names = _selected_connections(context_of(info), connection, vendor)
        if first is None and after is None and last is None and before is None:
            # the default page: every organization but past the 50th. A page the caller
            # chose may leave organizations out, and the read ahead starts before the page
            # is known: it would read their lists too
            prefetch.start(info, names)
        records = await _organizations_of(info, names)
        return page_of(records, list_orders.ORGANIZATIONS, args, Organization.from_record)

    @strawberry.field(description="One organization by ID")
    async def organization(self, info: Info, id: NodeId) -> Organization | None:
        try:
            gid = decode_id(id, ORGANIZATION)
        except GatewayError:
            pass  # resolve_node says what is wrong with it
        else:  # the key is in the ID: its children need not wait for its record
            prefetch.start(info, [gid.connection], [gid.key])
        return await resolve_node(info, id, ORGANIZATION)  # type: ignore[no-any-return]

    @strawberry.field(description="Databases across every connection, filtered and paged")
    async def databases(
        self,
        info: Info,
        filter: Filter = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order_by: OrderBy = None,
    ) -> DatabaseConnection:
        args = PageArgs(first, after, last, before)
        f = filter or DatabaseFilter()
        names = _selected_connections(context_of(info), f.connection, f.vendor)
        records = await _databases_of(info, names, f)
        return DatabaseConnection.from_records(records, args, database_order(order_by))

    @strawberry.field(description="One database by ID")
    async def database(self, info: Info, id: NodeId) -> Database | None:
        return await resolve_node(info, id, DATABASE)  # type: ignore[no-any-return]
