"""The fewest upstream calls each vendor's API allows for the benchmark's documents.

Each vendor declares its API's shape next to its code (``VendorSpec.minimums``, in
``adapters/<vendor>/documents.py``, with a comment per fact); ``adapters.minimums`` turns
it into counts. The contract suite counts against the same declaration, so a test
comparing what an adapter calls with these catches an adapter that calls more than it
must. Counts are per organization, which is one connection for every vendor.

``chain`` is the longest run of calls where each needs an earlier answer to be formed
(an ID in its URL, a cursor): the critical path, whatever the concurrency.
"""

from __future__ import annotations

from adapters.minimums import OrgShape as _Shape
from adapters.minimums import UpstreamMinimums, pages
from adapters.registry import VENDORS
from adapters.simulation.scale import Scale
from tests.benchmarks.documents import PAGE

__all__ = ["OrgShape", "dashboard_calls", "dashboard_chain", "lookup_calls", "pages"]


class OrgShape(_Shape):
    """What one organization holds (``adapters.simulation.scale.Scale`` seeds these)."""

    @classmethod
    def of(cls, scale: Scale) -> OrgShape:
        """The shape of each organization a ``Scale`` seeds."""
        return cls(scale.databases, scale.members, scale.api_keys, scale.backups)


def _declared(vendor: str) -> UpstreamMinimums:
    return VENDORS[vendor].minimums


def dashboard_calls(vendor: str, org: _Shape) -> int:
    """The DASHBOARD document for one organization (backups of the databases on the page)."""
    return _declared(vendor).dashboard(org, shown=min(org.databases, PAGE))


def dashboard_chain(vendor: str, org: _Shape) -> int:
    """The longest chain of dependent calls in the DASHBOARD document."""
    return _declared(vendor).dashboard_chain(org)


def lookup_calls(vendor: str, wanted: int, listed: int) -> int:
    """``wanted`` distinct databases by ID, out of the ``listed`` of one organization."""
    return _declared(vendor).databases_by_key(wanted, listed)
