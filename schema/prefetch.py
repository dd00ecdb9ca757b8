"""Each connection's chain of upstream calls starts as soon as its inputs are known.

GraphQL resolves an organization's fields once the organization is resolved, and a list
of organizations once every connection has answered: left to itself, a connection's
databases wait for its organization's record (FeatureBase: ``/v2/users/current``, then
``/v2/orgs/{id}``) and for every other connection's organizations, though the databases
list needs only the organization's key, or nothing at all. So the ``organizations`` and
``organization(id)`` resolvers look ahead at what the query selects below them and start,
per connection and independently of the others, the same loads their children's resolvers
will make (the per-request dataloaders dedupe them):

- the adapter's own early calls, which need no organization ID (``Adapter.prefetch``),
- the organization keys (``Adapter.organization_keys``: a configured account, the
  caller's own org; else the organizations list),
- the child lists of each organization, and the backups of the databases a page shows.

Nothing is loaded that the resolvers would not load: a field under ``@skip``/``@include``,
a filtered or cursor-paged database list, an ``organizationsConnection`` page the caller
chose (``first``, ``after``, ``last``, ``before``: the read ahead would start before the
page is known), and anything else not understood here are left to the resolvers. One
exception is left: ``organizationsConnection`` without arguments reads ahead for every
organization, though its default page shows the first 50.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from adapters.model import Key
from adapters.paging import PageRequest
from schema.common import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from schema.connection import PageArgs, window_of
from schema.context import GatewayContext, context_of
from schema.database_filter import DATABASE_ORDER, pushes
from schema.kinds import (
    API_KEYS,
    BACKUPS,
    DATABASES,
    FEATURE_FLAGS,
    INVITATIONS,
    MEMBERS,
    PLANS,
    Listing,
)
from schema.loaders import Loaders

#: Organization fields that are child lists: (the name the adapter's ``prefetch`` knows,
#: the listing), exactly as the Organization resolvers load them
CHILDREN: dict[str, tuple[str, Listing[Any]]] = {
    "databases": ("databases", DATABASES),
    "members": ("members", MEMBERS),
    "apiKeys": ("api_keys", API_KEYS),
    "invitations": ("invitations", INVITATIONS),
    "plans": ("plans", PLANS),
    "featureFlags": ("feature_flags", FEATURE_FLAGS),
    # the pages of the same lists, where the gateway sorts them (not where the vendor
    # pages them: a page reads only its own upstream pages, ``PAGED_FIELDS``)
    "membersConnection": ("members", MEMBERS),
    "apiKeysConnection": ("api_keys", API_KEYS),
    "invitationsConnection": ("invitations", INVITATIONS),
    "plansConnection": ("plans", PLANS),
    "featureFlagsConnection": ("feature_flags", FEATURE_FLAGS),
}
PAGED_FIELDS = frozenset(name for name in CHILDREN if name.endswith("Connection"))


@dataclass(frozen=True)
class Plan:
    """What a query reads below its organizations."""

    children: tuple[tuple[str, Listing[Any]], ...]
    #: the backups of the databases on the page are read
    backups: bool = False
    #: the page's size (``databases(first:)``)
    first: int | None = None
    #: the lists selected only as pages: not read ahead where the vendor pages them
    pages_only: frozenset[str] = frozenset()
    #: the databases field's ``filter`` as the document gives it: where the vendor
    #: applies part of it, the list read is a filtered one, not the whole list
    databases_filter: Any = None
    #: the size of the first page asked of each list in ``pages_only`` (none for a page
    #: after a cursor or from the end): where the vendor pages it, that page is read ahead
    first_pages: tuple[tuple[str, int], ...] = ()

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(kind for kind, _ in self.children)


def start(info: Info, connections: Iterable[str], keys: Sequence[Key] | None = None) -> None:
    """Start each connection's chain for the field being resolved (``organizations``, or
    ``organization(id)`` with its key), without waiting for it."""
    plan = plan_of(info)
    if plan is None:
        return
    ctx = context_of(info)
    for conn in connections:
        if conn in ctx.adapters:
            task = asyncio.ensure_future(_connection(ctx, conn, plan, keys))
            # its loads are the resolvers' too: they report what fails
            task.add_done_callback(lambda t: t.cancelled() or t.exception())


def plan_of(info: Info) -> Plan | None:
    """The child lists selected under the field being resolved, or None for none."""
    children: dict[str, tuple[str, Listing[Any]]] = {}
    paged: set[str] = set()
    backups, first, databases_filter = False, None, None
    backups_paged_only = True
    first_pages: dict[str, int] = {}
    for field in _organization_fields(info):
        if field.name not in CHILDREN:
            continue
        if field.name in PAGED_FIELDS:
            paged.add(CHILDREN[field.name][0])
            size = _first_page(field.arguments)
            if size is not None:
                first_pages[CHILDREN[field.name][0]] = size
        else:
            children[field.name] = CHILDREN[field.name]
        if field.name == "databases":
            databases_filter = field.arguments.get("filter")
        if field.name == "databases" and _plain_page(field.arguments):
            nodes = [n for f in _fields(field.selections) for n in _nodes(f)]
            read = {b.name: b for n in nodes for b in _fields(n.selections)}
            backups = bool(read.keys() & {"backups", "backupsConnection"})
            backups_paged_only = "backups" not in read
            if "backupsConnection" in read:
                size = _first_page(read["backupsConnection"].arguments)
                if size is not None:
                    first_pages["backups"] = size
            first = _int(field.arguments.get("first"))
    plain = {name for name, _ in children.values()}
    for name in paged - plain:
        children[name] = next(c for c in CHILDREN.values() if c[0] == name)
    if not children:
        return None
    pages_only = frozenset(paged - plain)
    if backups and backups_paged_only:
        pages_only |= {"backups"}
    return Plan(
        tuple(children.values()),
        backups,
        first,
        pages_only,
        databases_filter,
        tuple(first_pages.items()),
    )


def _first_page(arguments: dict[str, Any]) -> int | None:
    """The size of a first page (no cursor, not from the end, the vendor's order)."""
    if any(arguments.get(a) is not None for a in ("after", "last", "before", "orderBy")):
        return None
    if arguments.get("first") is None:
        return DEFAULT_PAGE_SIZE
    first = _int(arguments["first"])
    return first if first is not None and 0 <= first <= MAX_PAGE_SIZE else None


def _int(value: Any) -> int | None:
    """An Int argument as strawberry's selection gives it: a literal comes as its text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _organization_fields(info: Info) -> list[SelectedField]:
    """The fields selected on the organizations: on the field itself, or on the nodes
    of its page (``organizationsConnection { nodes { ... } }``, or ``edges { node }``)."""
    top = _fields(info.selected_fields[0].selections)
    if info.field_name != "organizationsConnection":
        return top
    return [f for page in top for node in _nodes(page) for f in _fields(node.selections)]


def _fields(selections: Iterable[Any]) -> list[SelectedField]:
    """The fields of a selection set, fragments flattened; a field or fragment under a
    directive is left out (it may not be read)."""
    found: list[SelectedField] = []
    for selection in selections:
        if getattr(selection, "directives", None):
            continue
        if isinstance(selection, SelectedField):
            found.append(selection)
        elif isinstance(selection, FragmentSpread | InlineFragment):
            found.extend(_fields(selection.selections))
    return found


def _nodes(field: SelectedField) -> list[SelectedField]:
    """The database nodes of a page's ``nodes`` or ``edges { node }``."""
    if field.name == "nodes":
        return [field]
    if field.name == "edges":
        return [n for n in _fields(field.selections) if n.name == "node"]
    return []


def _plain_page(arguments: dict[str, Any]) -> bool:
    """A page whose databases are known from the list alone: no filter, no cursor."""
    return all(arguments.get(a) is None for a in ("filter", "after", "last", "before", "orderBy"))


async def _connection(
    ctx: GatewayContext, conn: str, plan: Plan, keys: Sequence[Key] | None
) -> None:
    adapter = ctx.adapters[conn]
    loaders = ctx.loaders
    caps = adapter.capabilities
    wanted = [
        (k, li)
        for k, li in plan.children
        if li.offered(caps)
        and not (k in plan.pages_only and li.vendor_paged(caps))
        and not (li is DATABASES and pushes(plan.databases_filter, caps))
    ]
    adapter.prefetch(frozenset(k for k, _ in wanted))  # before any wait: wave one
    known = await adapter.organization_keys()
    if keys is None:
        keys = known
        if keys is None:
            keys = [o.key for o in await loaders.organizations().load(conn)]
    elif known is not None:
        # organization(id): only the connection's own organization is read ahead
        keys = [k for k in keys if k in known]
    if loaders.closed:  # the answer is complete: nothing is left to read ahead for
        return
    loads: list[Awaitable[Any]] = []
    sizes = dict(plan.first_pages)
    for key in keys:
        for name, listing in plan.children:
            # the first page of a list the vendor pages: the resolver takes the same load
            if name in plan.pages_only and name in sizes and listing.vendor_paged(caps):
                request = PageRequest(want=sizes[name])
                loads.append(loaders.page(listing).load((conn, key, request)))
        for _, listing in wanted:
            load: Awaitable[Any] = loaders.listing(listing).load((conn, key))
            backups_read = plan.backups and not (
                "backups" in plan.pages_only and BACKUPS.vendor_paged(caps)
            )
            if listing is DATABASES and backups_read:
                ahead = asyncio.ensure_future(_backups(ctx, loaders, conn, load, plan.first))
                if not loaders.closed:
                    loaders.page_backups[(conn, key)] = ahead
                load = ahead
            elif listing is DATABASES and plan.backups and "backups" in sizes:
                load = _backup_pages(loaders, conn, load, plan.first, sizes["backups"])
            loads.append(load)
    await asyncio.gather(*loads, return_exceptions=True)


async def page_backups(info: Info, conn: str, organization: Key) -> None:
    """Wait for the read ahead of the backups of the databases on ``organization``'s first
    page, if one runs: the page's ``backups`` fields then complete at once
    (``navigation.child_nodes``) rather than each waiting in a task of its own. The answer
    waits for those backups anyway; what fails is the fields' to report, as without."""
    ahead = context_of(info).loaders.page_backups.get((conn, organization))
    if ahead is not None and not ahead.done():
        await asyncio.wait((ahead,))  # neither its failure nor its cancellation is the page's


async def _backups(
    ctx: GatewayContext, loaders: Loaders, conn: str, databases: Any, first: int | None
) -> None:
    """The backups of the databases the page shows, as ``Database.backups`` reads them.

    ``loaders`` are the request's, as the read ahead began: once its answer is complete
    (they are closed) ``ctx.loaders`` would be new ones that nothing closes, and their
    records left in a cycle."""
    if not BACKUPS.offered(ctx.adapters[conn].capabilities):
        return
    shown, _, _ = window_of(list(await databases), DATABASE_ORDER, PageArgs(first=first))
    if loaders.closed:  # the answer went without them
        return
    loader = loaders.listing(BACKUPS)
    await asyncio.gather(
        *(loader.load((conn, record.key)) for record in shown), return_exceptions=True
    )


async def _backup_pages(
    loaders: Loaders, conn: str, databases: Any, first: int | None, size: int
) -> None:
    """The first page of backups of each database the page shows, where the vendor pages
    them, as ``Database.backupsConnection`` reads it (``loaders``: as for ``_backups``)."""
    shown, _, _ = window_of(list(await databases), DATABASE_ORDER, PageArgs(first=first))
    if loaders.closed:
        return
    loader = loaders.page(BACKUPS)
    request = PageRequest(want=size)
    await asyncio.gather(
        *(loader.load((conn, record.key, request)) for record in shown),
        return_exceptions=True,
    )
