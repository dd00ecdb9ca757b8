"""The configuration reference names every key the parser accepts."""

from __future__ import annotations

from pathlib import Path

import gateway.config
from adapters.registry import VENDORS

REFERENCE = Path(__file__).parents[1] / "docs" / "configuration.md"


def test_every_configuration_key_is_documented() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    tables = {
        name: value
        for name, value in vars(gateway.config).items()
        if name.endswith("_KEYS") and isinstance(value, dict)
    }
    keys = {key for table in tables.values() for key in table}
    for spec in VENDORS.values():
        keys |= {f"{f.name}_env" if f.secret else f.name for f in spec.fields}

    assert len(tables) >= 4
    missing = sorted(k for k in keys if f"`{k}`" not in text and f"{k} =" not in text)
    assert missing == []
