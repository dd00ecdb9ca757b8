"""Which databases a list returns, and in which order: ``DatabaseFilter`` (the ``filter``
argument of ``Query.databases`` and ``Organization.databases``) and the sort key that
pages them."""

from __future__ import annotations

from typing import Final

import strawberry

from adapters.model import DatabaseRecord
from schema.common import DatabaseStatusEnum, VendorEnum
from schema.connection import Order


@strawberry.input(description="Which databases to return; every given condition must hold")
class DatabaseFilter:
    connection: str | None = strawberry.field(default=None, description="Connection name")
    vendor: VendorEnum | None = strawberry.field(default=None, description="Vendor")  # type: ignore[valid-type]
    status: list[DatabaseStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these normalized states"
    )
    name_contains: str | None = strawberry.field(
        default=None, description="Case-insensitive substring of the name"
    )

    def matches(self, record: DatabaseRecord) -> bool:
        return (
            (self.connection is None or record.connection.name == self.connection)
            and (self.vendor is None or record.connection.vendor == self.vendor)
            and (not self.status or record.status in self.status)
            and (
                self.name_contains is None
                or self.name_contains.casefold() in record.name.casefold()
            )
        )


def database_sort_key(record: DatabaseRecord) -> tuple[str, ...]:
    return (
        record.connection.name,
        *record.organization_key,
        record.name.casefold(),
        record.native_id,
    )


#: the order databases page in: by connection, organization and name
DATABASE_ORDER: Final = Order[DatabaseRecord](database_sort_key)
