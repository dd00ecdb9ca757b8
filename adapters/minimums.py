"""The fewest upstream calls a vendor's API allows, as each vendor declares them.

A vendor declares the shape of its API (``UpstreamMinimums`` in its ``VendorSpec``): how
many calls find its organization, how lists page, which collections hang under which
parent. The formulas here turn that shape into call counts for the documents the tests
and the benchmark send. Computed from the API's documents alone, never from what the
adapter does, so a test comparing the two catches an adapter that calls more than it must:
the contract suite (tests/contract), tests/test_upstream_minimums.py and the benchmark
all read these.

Counts are per organization, which is one connection for every vendor (a credential
belongs to one organization).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from math import ceil


def pages(items: int, size: int | None) -> int:
    """Calls to read a list of ``items`` (``size`` per page, None: unpaged); an empty list
    still costs one."""
    if size is None:
        return 1
    return max(1, ceil(items / size))


class KeysListed(StrEnum):
    """Where a vendor lists API keys."""

    NOWHERE = "nowhere"
    #: one list per organization
    PER_ORGANIZATION = "per organization"
    #: one list per member (Astra's tokens live under their user)
    PER_MEMBER = "per member"


@dataclass(frozen=True)
class OrgShape:
    """What one organization holds (``adapters.simulation.scale.Scale`` seeds these)."""

    databases: int
    members: int = 0
    api_keys: int = 0
    backups: int = 0  # per database


@dataclass(frozen=True)
class UpstreamMinimums:
    """The shape of a vendor's API, as far as call counts go."""

    #: calls that find and read the connection's organization (0: the configuration names it)
    organization_calls: int
    #: items per list page the gateway gets (None: lists come whole)
    page_size: int | None
    #: whether a database can be read alone (a detail GET); else only from its list
    database_detail: bool = True
    #: whether the database list's URL needs an ID only the organization calls give
    databases_need_organization: bool = False
    #: backup lists per database (0: the vendor has no backups; 2: backups and snapshots)
    backup_lists: int = 0
    #: lists that make up the members (0: none; 2: Astra's users and role bindings)
    member_lists: int = 0
    api_keys: KeysListed = KeysListed.NOWHERE
    #: lists that together make up an organization's databases, read at once (ClickHouse:
    #: its services and its managed Postgres services); every one past the first costs one
    #: call more however few databases it holds. A database's key says which list it is in,
    #: so looking one up reads one list, never all
    database_lists: int = 1

    def organizations(self) -> int:
        """``{ organizations { name } }`` on one connection."""
        return self.organization_calls

    def databases(self, listed: int) -> int:
        """One organization's ``listed`` databases (all in its first list), every page."""
        return pages(listed, self.page_size) + self.database_lists - 1

    def listing(self, listed: int) -> int:
        """``{ organizations { databases { totalCount } } }``: the organization, then its
        databases to the end."""
        return self.organizations() + self.databases(listed)

    def databases_by_key(self, wanted: int, listed: int) -> int:
        """``wanted`` distinct databases by ID, out of the ``listed`` of one organization:
        a detail GET each, or every page of the list, whichever is fewer."""
        if wanted == 0:
            return 0
        whole_list = pages(listed, self.page_size)
        return min(wanted, whole_list) if self.database_detail else whole_list

    def keys(self, org: OrgShape) -> int:
        if self.api_keys is KeysListed.PER_ORGANIZATION:
            return pages(org.api_keys, self.page_size)
        if self.api_keys is KeysListed.PER_MEMBER:
            per_member = ceil(org.api_keys / max(1, org.members))
            return org.members * pages(per_member, self.page_size)
        return 0

    def dashboard(self, org: OrgShape, shown: int) -> int:
        """The benchmark's dashboard for one organization: its databases (``shown`` of
        them on the page) with their backups, its members, its API keys with owners (a
        key's owner is a member, already listed)."""
        backups = shown * self.backup_lists * pages(org.backups, self.page_size)
        members = self.member_lists * pages(org.members, self.page_size)
        databases = self.databases(org.databases)
        return self.organizations() + databases + backups + members + self.keys(org)

    def dashboard_chain(self, org: OrgShape) -> int:
        """The longest chain of calls in the dashboard where each needs an earlier answer
        (an ID in its URL, a cursor): the critical path, whatever the concurrency."""
        first = self.organizations() if self.databases_need_organization else 0
        # the database lists run side by side: one list's pages are the longest chain
        databases = first + pages(org.databases, self.page_size) + (1 if self.backup_lists else 0)
        members = pages(org.members, self.page_size) if self.member_lists else 0
        if self.api_keys is KeysListed.PER_MEMBER:
            members += 1  # each member's keys need the member's ID
        return max(self.organizations(), databases, members)
