"""Arguments several fields share, each with its description (GraphiQL shows it next to
the argument; tests/test_schema_sdl.py requires one on every argument)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, VendorEnum
from schema.database_filter import DatabaseFilter

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many to return, 0 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})"
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Return the items after this cursor (a pageInfo.endCursor)"),
]
DatabasesFilter = Annotated[
    DatabaseFilter | None,
    strawberry.argument(description="Only the databases every given condition holds for"),
]
NodeId = Annotated[strawberry.ID, strawberry.argument(description="The object's global ID")]
ConnectionName = Annotated[
    str | None,
    strawberry.argument(description="Only this connection (its configured name)"),
]
VendorName = Annotated[
    VendorEnum | None,  # type: ignore[valid-type]
    strawberry.argument(description="Only connections to this vendor"),
]
