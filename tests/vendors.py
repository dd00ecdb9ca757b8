"""Vendors as tests see them: every registered one, and vendors only tests register.

Tests that hold for every vendor parametrize over the registry (``adapters.registry``),
never over a list of their own; ``registered`` adds a vendor only a test knows (the
reference vendor, ``tests/reference_vendor``) for as long as a block runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from adapters import registry
from adapters.vendor_spec import VendorSpec


@contextmanager
def registered(spec: VendorSpec) -> Iterator[VendorSpec]:
    """``spec`` in the registry while the block runs (demo mode opens its connections too)."""
    registry.register(spec)
    try:
        yield spec
    finally:
        registry.unregister(spec.vendor)
