"""Which databases a list returns, and in which order: ``DatabaseFilter`` (the ``filter``
argument of ``Query.databases`` and ``Organization.databases``), ``DatabaseOrder`` (their
``orderBy``) and the orders that page them.

A filter's parts that a vendor applies itself (``Capabilities.vendor_filters``: ClickHouse
tags, Astra names) go to the vendor (``pushed``), in the same calls an unfiltered list
makes; the gateway applies every other part to what the vendor answers (``matches``).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Final

import strawberry

from adapters.details import DBaaSDatabaseDetails
from adapters.model import Capabilities, DatabaseQuery, DatabaseRecord
from schema.common import DatabaseStatusEnum, VendorEnum
from schema.connection import Order, text, when


@strawberry.input(description="A tag a database carries (ClickHouse Cloud service tags)")
class TagFilter:
    key: str = strawberry.field(description="The tag's key")
    value: str | None = strawberry.field(
        default=None, description="Its value; null: the key with any value"
    )


@strawberry.input(description="Which databases to return; every given condition must hold")
class DatabaseFilter:
    connection: str | None = strawberry.field(default=None, description="Connection name")
    vendor: VendorEnum | None = strawberry.field(default=None, description="Vendor")  # type: ignore[valid-type]
    status: list[DatabaseStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these normalized states"
    )
    name: str | None = strawberry.field(
        default=None, description="The exact name (sent to the vendor where it filters names)"
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the name"
    )
    tags: list[TagFilter] | None = strawberry.field(
        default=None,
        description="Tags every database carries (sent to the vendor where it keeps tags; "
        "a vendor without tags has no database that matches)",
    )
    project: str | None = strawberry.field(
        default=None,
        description="The vendor's ID of the project it belongs to (DBaaS projects; other "
        "vendors have none)",
    )
    environment: str | None = strawberry.field(
        default=None,
        description="The vendor's ID of the environment it runs in (DBaaS environments; "
        "other vendors have none)",
    )

    def pushed(self, capabilities: Capabilities) -> DatabaseQuery:
        """The parts the vendor of ``capabilities`` applies itself."""
        declared = capabilities.vendor_filters
        return DatabaseQuery(
            name=self.name if "databases.name" in declared else None,
            tags=tuple((t.key, t.value) for t in self.tags or ())
            if "databases.tags" in declared
            else (),
        )

    def matches(self, record: DatabaseRecord, pushed: DatabaseQuery | None = None) -> bool:
        """Whether ``record`` matches; the ``pushed`` parts the vendor applied already
        (tags only the vendor can tell: its records do not carry them)."""
        pushed_tags = pushed.tags if pushed is not None else ()
        details = record.details if isinstance(record.details, DBaaSDatabaseDetails) else None
        return (
            (self.connection is None or record.connection.name == self.connection)
            and (self.vendor is None or record.connection.vendor == self.vendor)
            and (not self.status or record.status in self.status)
            and (self.name is None or record.name == self.name)
            and (
                self.name_contains is None
                or self.name_contains.casefold() in record.name.casefold()
            )
            and (not self.tags or bool(pushed_tags))
            and (
                self.project is None
                or _names(details.project_key if details else None, self.project)
            )
            and (
                self.environment is None
                or _names(details.environment_key if details else None, self.environment)
            )
        )


def _names(key: tuple[str, ...] | None, native_id: str) -> bool:
    """Whether a link's key names the object of ``native_id``."""
    return key is not None and key[-1] == native_id


def pushes(raw_filter: Any, capabilities: Capabilities) -> bool:
    """Whether a ``filter`` argument as the document gives it (names as in GraphQL) has
    parts the vendor of ``capabilities`` applies: its list is then its own call, and
    reading the unfiltered list ahead would be a call more."""
    if not isinstance(raw_filter, dict):
        return False
    declared = capabilities.vendor_filters
    return bool(
        ("databases.name" in declared and raw_filter.get("name") is not None)
        or ("databases.tags" in declared and raw_filter.get("tags"))
    )


@strawberry.enum(description="What a list of databases is ordered by")
class DatabaseOrderField(Enum):
    NAME = strawberry.enum_value("name", description="The name, case-insensitive")
    CREATED_AT = strawberry.enum_value(
        "created_at", description="When it was created (unknown times first, ascending)"
    )
    STATUS = strawberry.enum_value("status", description="The normalized status, then the name")


@strawberry.enum(description="Which way an order runs")
class OrderDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Smallest, earliest or A first")
    DESC = strawberry.enum_value("desc", description="Largest, latest or Z first")


@strawberry.input(description="The order of a list of databases (the gateway's: it merges lists)")
class DatabaseOrder:
    field: DatabaseOrderField = strawberry.field(
        default=DatabaseOrderField.NAME, description="What to order by"
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Which way"
    )

    def order(self) -> Order[DatabaseRecord]:
        first = _FIRST_PART[self.field]
        return Order(
            lambda r: (self.field.name, *first(r), *database_sort_key(r)),
            descending=self.direction is OrderDirection.DESC,
        )


_FIRST_PART: Final = {
    DatabaseOrderField.NAME: lambda r: (text(r.name),),
    DatabaseOrderField.CREATED_AT: lambda r: (when(r.created_at),),
    DatabaseOrderField.STATUS: lambda r: (r.status.value, text(r.name)),
}


def database_sort_key(record: DatabaseRecord) -> tuple[str, ...]:
    return (
        record.connection.name,
        *record.organization_key,
        record.name.casefold(),
        record.native_id,
    )


#: the order databases page in without orderBy: by connection, organization and name
DATABASE_ORDER: Final = Order[DatabaseRecord](database_sort_key)


def database_order(order_by: DatabaseOrder | None) -> Order[DatabaseRecord]:
    return DATABASE_ORDER if order_by is None else order_by.order()
