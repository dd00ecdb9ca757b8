"""Arguments several fields share, each with its description (GraphiQL shows it next to
the argument; tests/test_schema_sdl.py requires one on every argument). The paging ones
are in ``schema.connection``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.common import VendorEnum

NodeId = Annotated[strawberry.ID, strawberry.argument(description="The object's global ID")]
ConnectionName = Annotated[
    str | None,
    strawberry.argument(description="Only this connection (its configured name)"),
]
VendorName = Annotated[
    VendorEnum | None,  # type: ignore[valid-type]
    strawberry.argument(description="Only connections to this vendor"),
]
