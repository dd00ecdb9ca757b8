"""GraphQL documents whose validation used to grow exponentially with their size.

Shared by the limit tests (``tests/test_limits_fragments.py``) and the timing script
(``python -m tests.benchmarks.validation_time``), so both speak of the same document.
"""

from __future__ import annotations


def doubling_fragments(levels: int, leaf: str = "connections { name }") -> str:
    """Fragment ``F0`` spreads ``F1`` twice, which spreads ``F2`` twice, ... ``levels``
    fragments: under 1 KB at 21 levels, ``2 ** (levels - 1)`` copies of ``leaf`` once
    every spread is expanded."""
    parts = ["query Doubling { ...F0 }"]
    for i in range(levels - 1):
        parts.append(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}")
    parts.append(f"fragment F{levels - 1} on Query {{ {leaf} }}")
    return "\n".join(parts)
