"""Every built-in vendor has its docs page, and the page's generated part says what the
code declares (``tests/vendor_docs.py``; on a mismatch the message holds the command)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adapters.registry import VENDORS, builtin_names
from tests.vendor_docs import BLOCK, capabilities, page, render

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("vendor", builtin_names())
async def test_the_vendor_page_shows_what_the_code_declares(vendor: str) -> None:
    assert page(vendor).exists(), f"docs/vendors/{vendor}.md: every vendor has its page"
    found = BLOCK.search(page(vendor).read_text(encoding="utf-8"))

    expected = render(VENDORS[vendor], await capabilities(vendor))

    assert found is not None, f"no declared block: run python -m tests.vendor_docs {vendor}"
    assert found.group(1) == expected, f"stale: run python -m tests.vendor_docs {vendor}"


def _mutation_fields() -> set[str]:
    from schema.build import build_schema

    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    return set(mutation.fields)


def test_the_docs_name_only_mutations_the_schema_has() -> None:
    # a mutation named in a table's first column or a vendor page's mutation list must exist
    # (restoring is createDatabase with fromBackupId, never a restoreDatabase)
    existing = _mutation_fields()
    named: set[str] = set()
    for path in [DOCS / "mutations.md", *(page(v) for v in builtin_names())]:
        in_mutation_table = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("- mutations ("):
                named |= set(re.findall(r"`(\w+)`", line.partition(":")[2])) - {"fromBackupId"}
            in_mutation_table = line.startswith("| mutation |") or (
                in_mutation_table and line.startswith("|")
            )
            first = re.match(r"\| `(\w+)`", line)
            if in_mutation_table and first:
                named.add(first.group(1))
    assert named and named <= existing, sorted(named - existing)
