"""The configuration reference names every key the parser accepts; each vendor's own keys
are on its page (docs/vendors/<vendor>.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

import gateway.config
from adapters.registry import VENDORS, builtin_names

DOCS = Path(__file__).parents[1] / "docs"
REFERENCE = DOCS / "configuration.md"


def _undocumented(keys: set[str], text: str) -> list[str]:
    return sorted(k for k in keys if f"`{k}`" not in text and f"{k} =" not in text)


def test_every_configuration_key_is_documented() -> None:
    tables = {
        name: value
        for name, value in vars(gateway.config).items()
        if name.endswith("_KEYS") and isinstance(value, dict)
    }
    keys = {key for table in tables.values() for key in table}

    assert len(tables) >= 4
    assert _undocumented(keys, REFERENCE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("vendor", builtin_names())
def test_every_vendor_key_is_on_its_page(vendor: str) -> None:
    keys = {f"{f.name}_env" if f.secret else f.name for f in VENDORS[vendor].fields}

    page = DOCS / "vendors" / f"{vendor}.md"

    assert _undocumented(keys, page.read_text(encoding="utf-8")) == []
