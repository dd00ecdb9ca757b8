"""docs/mutations.md's support table is generated from what each adapter declares.

On a mismatch the assertion message holds the table to paste between the markers.
"""

from __future__ import annotations

import re
from pathlib import Path

from adapters.model import Operation
from tests.gateway_client import GatewayClient

DOC = Path(__file__).parents[1] / "docs" / "mutations.md"
MARKERS = re.compile(
    r"<!-- operations-table:start -->\n(.*?)<!-- operations-table:end -->", re.DOTALL
)


def render(demo: GatewayClient) -> str:
    by_vendor = {}
    for adapter in demo.runtime.adapters.values():
        by_vendor.setdefault(adapter.connection.vendor, adapter.capabilities.operations)
    vendors = sorted(by_vendor, key=list(by_vendor).index)
    lines = [
        "| mutation | " + " | ".join(v.value for v in vendors) + " |",
        "|---|" + "---|" * len(vendors),
    ]
    for op in Operation:
        marks = ["yes" if op in by_vendor[v] else "-" for v in vendors]
        lines.append(f"| `{op.value}` | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


async def test_the_docs_table_matches_the_declared_operations(demo: GatewayClient) -> None:
    match = MARKERS.search(DOC.read_text())
    assert match is not None, "markers missing from docs/mutations.md"
    expected = render(demo)

    assert match.group(1) == expected, "paste into docs/mutations.md:\n" + expected
