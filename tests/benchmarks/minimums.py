"""The fewest upstream calls each vendor's API allows for the benchmark's documents.

Computed from the API shapes alone (which endpoints exist, list-only or detail, whether
and how lists paginate), never from what the adapters do, so a test comparing the two
catches an adapter that calls more than it must. Counts are per organization, which is
one connection for every vendor (a credential belongs to one organization).

``chain`` is the longest run of calls where each needs an earlier answer to be formed
(an ID in its URL, a cursor): the critical path, whatever the concurrency.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from tests.benchmarks.documents import PAGE

#: items per list page each vendor serves (ClickHouse lists do not paginate)
FEATUREBASE_PAGE = 100  # chosen by the server; the API takes no page size
ASTRA_PAGE = 100  # the adapter's ``limit`` (no documented maximum): its page_size default
DBAAS_PAGE = 100  # ``page_size``: the documented maximum


@dataclass(frozen=True)
class OrgShape:
    """What one organization holds (``adapters.simulation.scale.Scale`` seeds these)."""

    databases: int
    members: int
    api_keys: int
    backups: int  # per database

    @classmethod
    def of(cls, scale: Any) -> OrgShape:
        """The shape of each organization an ``adapters.simulation.scale.Scale`` seeds."""
        return cls(scale.databases, scale.members, scale.api_keys, scale.backups)


def pages(items: int, size: int) -> int:
    """Calls to read a list of ``items``: an empty list still costs one."""
    return max(1, ceil(items / size))


def dashboard_calls(vendor: str, org: OrgShape) -> int:
    """The DASHBOARD document for one organization."""
    shown = min(org.databases, PAGE)  # backups are read for the databases on the page
    if vendor == "clickhouse":
        # GET /v1/organizations is the only way a key learns its organization; services,
        # members and keys are one unpaginated list each; backups exist only under a
        # service (no organization-wide list): one list per shown service. Keys carry
        # no owner, so owners cost nothing.
        return 1 + 1 + shown + 1 + 1
    if vendor == "featurebase":
        # An API-key connection: no login. GET /v2/users/current names the org, GET
        # /v2/orgs/{id} reads it; databases, users and org keys are paged lists; backups
        # are listed per database (no org-wide list); a key's owner is a user, already
        # in the users list.
        return (
            2
            + pages(org.databases, FEATUREBASE_PAGE)
            + shown * pages(org.backups, FEATUREBASE_PAGE)
            + pages(org.members, FEATUREBASE_PAGE)
            + pages(org.api_keys, FEATUREBASE_PAGE)
        )
    if vendor == "astra":
        # GET /accounts/{id}; apps are one paged list; a Backup is an appBackup or an
        # appSnap, each listed per app (two lists per shown app, no account-wide list);
        # members are users joined with roleBindings (the role lives in the binding);
        # tokens exist only per user: one tokens list per user, whose IDs come from the
        # same users list; a token's owner is its user.
        return (
            1
            + pages(org.databases, ASTRA_PAGE)
            + shown * 2 * pages(org.backups, ASTRA_PAGE)
            + pages(org.members, ASTRA_PAGE)
            + pages(org.members, ASTRA_PAGE)  # roleBindings: one per member
            + org.members * pages(ceil(org.api_keys / max(1, org.members)), ASTRA_PAGE)
        )
    if vendor == "dbaas":
        # The organization is the connection itself (no call); databases are one paged
        # list; the API has no backups, members or keys, so those fields cost nothing.
        return pages(org.databases, DBAAS_PAGE)
    raise ValueError(vendor)


def dashboard_chain(vendor: str, org: OrgShape) -> int:
    """The longest chain of dependent calls in the DASHBOARD document."""
    if vendor == "clickhouse":
        return 3  # organizations -> services (needs the org ID) -> backups (service IDs)
    if vendor == "featurebase":
        # users/current -> orgs/{id} or org keys; databases pages -> backups
        return max(2, pages(org.databases, FEATUREBASE_PAGE) + 1)
    if vendor == "astra":
        # the account ID is configured: apps pages -> backups; users -> tokens
        return max(pages(org.databases, ASTRA_PAGE) + 1, pages(org.members, ASTRA_PAGE) + 1)
    if vendor == "dbaas":
        return pages(org.databases, DBAAS_PAGE)  # each page's link names the next
    raise ValueError(vendor)


def lookup_calls(vendor: str, wanted: int, listed: int) -> int:
    """``wanted`` distinct databases by ID, out of the ``listed`` of one organization."""
    if wanted == 0:
        return 0
    if vendor == "clickhouse":
        return 1  # one service's detail, or the organization's unpaginated services list
    size = {"featurebase": FEATUREBASE_PAGE, "astra": ASTRA_PAGE, "dbaas": DBAAS_PAGE}[vendor]
    # a detail GET per database, or every page of the list: whichever is fewer
    return min(wanted, pages(listed, size))
