"""The contract suite fails a vendor that makes more upstream calls than it declares.

The broken reference vendor (``tests/reference_vendor/broken.py``) answers every query
right but fetches each database by its own GET where its documents allow one list call
per organization. The contract suite runs against it in a subprocess
(``--broken-reference-vendor``): it must fail exactly the batching contract for several
databases of one organization, and pass everything else, so the failure is for the right
reason. (The sound reference vendor passes it in the ordinary run.)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
FAILED = re.compile(r"^FAILED (\S+)", re.MULTILINE)


def contract_suite(*options: str) -> subprocess.CompletedProcess[str]:
    """The contract suite on the reference vendor only, in a child pytest."""
    command = [sys.executable, "-m", "pytest", "tests/contract", "-k", "reference"]
    command += ["-p", "no:cacheprovider", "-q", "-rf", *options]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_a_vendor_fetching_each_database_alone_fails_the_batching_contract() -> None:
    run = contract_suite("--broken-reference-vendor")

    assert run.returncode == 1, run.stdout[-3000:]
    assert sorted(FAILED.findall(run.stdout)) == [
        "tests/contract/test_batching.py::"
        "test_databases_by_id_cost_the_declared_minimum_per_organization[3-of-each-org-reference]",
        "tests/contract/test_batching.py::"
        "test_databases_by_id_cost_the_declared_minimum_per_organization[6-of-each-org-reference]",
    ]
    # the broken vendor made one call per database, where one per organization will do
    assert "assert 6 == (2 * 1)" in run.stdout
