"""Every built-in vendor has its docs page, and the page's generated part says what the
code declares (``tests/vendor_docs.py``; on a mismatch the message holds the command)."""

from __future__ import annotations

import pytest

from adapters.registry import VENDORS, builtin_names
from tests.vendor_docs import BLOCK, capabilities, page, render


@pytest.mark.parametrize("vendor", builtin_names())
async def test_the_vendor_page_shows_what_the_code_declares(vendor: str) -> None:
    assert page(vendor).exists(), f"docs/vendors/{vendor}.md: every vendor has its page"
    found = BLOCK.search(page(vendor).read_text(encoding="utf-8"))

    expected = render(VENDORS[vendor], await capabilities(vendor))

    assert found is not None, f"no declared block: run python -m tests.vendor_docs {vendor}"
    assert found.group(1) == expected, f"stale: run python -m tests.vendor_docs {vendor}"
