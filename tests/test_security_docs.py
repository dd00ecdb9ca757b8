"""docs/security.md names the tests that show each claim of its threat model: every one it
names must exist, so a renamed or deleted test cannot leave a claim unproven."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
DOC = ROOT / "docs" / "security.md"
#: `tests/x.py`, `tests/x/`, `tests/test_url_safety_*.py`, `tests/x.py::test_name`
REFERENCE = re.compile(r"`(tests/[\w/*.]+?)(?:::(\w+))?`")


def test_every_test_the_security_docs_name_exists() -> None:
    named = REFERENCE.findall(DOC.read_text())
    assert len(named) > 20  # the threat model's tables are there at all

    missing = []
    for path, function in named:
        matches = sorted(ROOT.glob(path.rstrip("/")))
        if not matches:
            missing.append(path)
            continue
        if function:
            tree = ast.parse(matches[0].read_text())
            defined = {
                node.name
                for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            if function not in defined:
                missing.append(f"{path}::{function}")

    assert missing == []
