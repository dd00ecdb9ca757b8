"""The contract suite's vendors: the registry's, and the reference vendor for its run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.vendor_spec import VendorSpec
from tests.reference_vendor.broken import BROKEN_SPEC
from tests.reference_vendor.spec import SPEC as REFERENCE
from tests.vendors import registered


@pytest.fixture(scope="package", autouse=True)
def reference_vendor(pytestconfig: pytest.Config) -> Iterator[VendorSpec]:
    """The reference vendor, registered while the contract suite runs (the broken one with
    ``--broken-reference-vendor``); unregistered after, so no other test sees it."""
    broken = pytestconfig.getoption("broken_reference_vendor")
    with registered(BROKEN_SPEC if broken else REFERENCE) as spec:
        yield spec
