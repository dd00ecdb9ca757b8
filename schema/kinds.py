"""Resource kinds: the one table of what the schema reads through an adapter, and how.

- ``Kind``: objects fetched by (connection, vendor key), many keys in one adapter batch
  call (``get_many``). Its ``type_name`` is its GraphQL type and the first part of its
  global IDs. The ``NodeKind``s (``NODE_KINDS``) are the ones ``Query.node`` fetches; the
  others' IDs do not decode.
- ``Listing``: the records of a kind under one parent record (a database's backups), the
  ``Capabilities`` flag that says whether a vendor has them, and the adapter list call.
  Every listed record primes its kind's by-key loader.
- ``PerRecord``: one value read per record when a field asks for it (a database's metrics).

Each adapter method is named in code (``lambda a, keys: a.get_databases(keys)``), never
built from a string, so mypy checks every call the schema makes against the adapter
protocol (``adapters.base``) and the record type every loader answers with. The schema's
loaders, lookups, IDs, federation and subscriptions all take their kinds from here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol, TypeVar

from adapters.base import Adapter, ClickHousePostgresReads, DBaaSLinks, FeatureBaseRoles
from adapters.details import DBaaSEnvironment, DBaaSProject, FeatureBaseRole, PostgresConfig
from adapters.errors import NotSupportedError
from adapters.model import (
    ActivityRecord,
    ApiKeyRecord,
    BackupConfigurationRecord,
    BackupRecord,
    Capabilities,
    ConnectionInfo,
    CredentialRecord,
    DatabaseRecord,
    FeatureFlagRecord,
    InvitationRecord,
    Key,
    MemberRecord,
    OrganizationRecord,
    PlanRecord,
    PrivateEndpointConfigRecord,
)
from adapters.paging import PageRequest, VendorPage

R = TypeVar("R")
V = TypeVar("V")


class Located(Protocol):
    """A record that knows where it was read: a listing primes its kind's loader by it."""

    @property
    def connection(self) -> ConnectionInfo: ...
    @property
    def key(self) -> Key: ...


L = TypeVar("L", bound=Located)


@dataclass(frozen=True, eq=False, repr=False)
class Kind(Generic[R]):
    """Objects the schema fetches by (connection, key), one batch call per connection."""

    #: the GraphQL type; the first part of its global IDs
    type_name: str
    #: the adapter batch method: one result per key, in key order, None when not found
    get_many: Callable[[Adapter, Sequence[Key]], Awaitable[Sequence[R | None]]]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.type_name})"


class NodeKind(Kind[R]):
    """A kind of Node: its global IDs decode, ``Query.node`` and ``_entities`` fetch it."""


@dataclass(frozen=True, eq=False)
class Listing(Generic[L]):
    """The records of ``kind`` under one parent record (the key of the parent)."""

    kind: Kind[L]
    #: the adapter list method, by the parent's key
    list_under: Callable[[Adapter, Key], Awaitable[Sequence[L]]]
    #: whether a vendor has them; where it has not, the field is null without a call
    offered: Callable[[Capabilities], bool]
    #: the Capabilities field that offers them: a name in ``vendor_paged``
    name: str = ""
    #: a page of them where the vendor pages them (``Capabilities.vendor_paged``)
    page_under: Callable[[Adapter, Key, PageRequest], Awaitable[VendorPage[L] | None]] | None = None

    def vendor_paged(self, capabilities: Capabilities) -> bool:
        return self.page_under is not None and self.name in capabilities.vendor_paged


@dataclass(frozen=True, eq=False)
class PerRecord(Generic[V]):
    """One value read for one record (by its key) when a field asks for it."""

    get: Callable[[Adapter, Key], Awaitable[V]]


def not_offered(adapter: Adapter, what: str) -> NotSupportedError:
    info = adapter.connection
    return NotSupportedError(what, connection=info.name, vendor=info.vendor.value)


def _dbaas(adapter: Adapter) -> DBaaSLinks:
    if isinstance(adapter, DBaaSLinks):
        return adapter
    raise not_offered(adapter, "DBaaS environments and projects")


def _featurebase(adapter: Adapter) -> FeatureBaseRoles:
    if isinstance(adapter, FeatureBaseRoles):
        return adapter
    raise not_offered(adapter, "FeatureBase roles")


def clickhouse_postgres(adapter: Adapter) -> ClickHousePostgresReads:
    """The adapter as a reader of ClickHouse Postgres services (NOT_SUPPORTED otherwise)."""
    if isinstance(adapter, ClickHousePostgresReads):
        return adapter
    raise not_offered(adapter, "ClickHouse Postgres services")


# -- by key ------------------------------------------------------------------------------
ORGANIZATION: Final = NodeKind[OrganizationRecord](
    "Organization", lambda a, keys: a.get_organizations(keys)
)
DATABASE: Final = NodeKind[DatabaseRecord]("Database", lambda a, keys: a.get_databases(keys))
BACKUP: Final = NodeKind[BackupRecord]("Backup", lambda a, keys: a.get_backups(keys))
API_KEY: Final = NodeKind[ApiKeyRecord]("ApiKey", lambda a, keys: a.get_api_keys(keys))
MEMBER: Final = NodeKind[MemberRecord]("Member", lambda a, keys: a.get_members(keys))
INVITATION: Final = NodeKind[InvitationRecord](
    "Invitation", lambda a, keys: a.get_invitations(keys)
)
ACTIVITY: Final = NodeKind[ActivityRecord]("Activity", lambda a, keys: a.get_activities(keys))
PLAN: Final = NodeKind[PlanRecord]("Plan", lambda a, keys: a.get_plans(keys))
FEATURE_FLAG: Final = NodeKind[FeatureFlagRecord](
    "FeatureFlag", lambda a, keys: a.get_feature_flags(keys)
)
CREDENTIAL: Final = NodeKind[CredentialRecord](
    "DatabaseCredential", lambda a, keys: a.get_credentials(keys)
)
DBAAS_ENVIRONMENT: Final = Kind[DBaaSEnvironment](
    "DBaaSEnvironment", lambda a, keys: _dbaas(a).get_dbaas_environments(keys)
)
DBAAS_PROJECT: Final = Kind[DBaaSProject](
    "DBaaSProject", lambda a, keys: _dbaas(a).get_dbaas_projects(keys)
)

#: every Node kind: what a global ID may name
NODE_KINDS: Final[tuple[NodeKind[Any], ...]] = (
    ORGANIZATION,
    DATABASE,
    BACKUP,
    API_KEY,
    MEMBER,
    INVITATION,
    ACTIVITY,
    PLAN,
    FEATURE_FLAG,
    CREDENTIAL,
)
_BY_TYPE_NAME: Final = {kind.type_name: kind for kind in NODE_KINDS}


def node_kind(type_name: str) -> NodeKind[Any] | None:
    """The Node kind of a GraphQL type name (an ID's first part), None for any other."""
    return _BY_TYPE_NAME.get(type_name)


# -- lists under a parent ----------------------------------------------------------------
DATABASES: Final = Listing[DatabaseRecord](
    DATABASE, lambda a, org: a.list_databases(org), lambda caps: caps.databases, "databases"
)
BACKUPS: Final = Listing[BackupRecord](
    BACKUP,
    lambda a, database: a.list_backups(database),
    lambda caps: caps.backups,
    "backups",
    lambda a, database, request: a.page_backups(database, request),
)
API_KEYS: Final = Listing[ApiKeyRecord](
    API_KEY,
    lambda a, org: a.list_api_keys(org),
    lambda caps: caps.api_keys,
    "api_keys",
    lambda a, org, request: a.page_api_keys(org, request),
)
MEMBERS: Final = Listing[MemberRecord](
    MEMBER,
    lambda a, org: a.list_members(org),
    lambda caps: caps.members,
    "members",
    lambda a, org, request: a.page_members(org, request),
)
INVITATIONS: Final = Listing[InvitationRecord](
    INVITATION,
    lambda a, org: a.list_invitations(org),
    lambda caps: caps.invitations,
    "invitations",
    lambda a, org, request: a.page_invitations(org, request),
)
PLANS: Final = Listing[PlanRecord](
    PLAN,
    lambda a, org: a.list_plans(org),
    lambda caps: caps.plans,
    "plans",
    lambda a, org, request: a.page_plans(org, request),
)
FEATURE_FLAGS: Final = Listing[FeatureFlagRecord](
    FEATURE_FLAG,
    lambda a, org: a.list_feature_flags(org),
    lambda caps: caps.feature_flags,
    "feature_flags",
    lambda a, org, request: a.page_feature_flags(org, request),
)
CREDENTIALS: Final = Listing[CredentialRecord](
    CREDENTIAL,
    lambda a, database: a.list_credentials(database),
    lambda caps: caps.credentials,
    "credentials",
    lambda a, database, request: a.page_credentials(database, request),
)

# -- one value per record ----------------------------------------------------------------
#: a secret: read on every request that asks, never cached across requests
CREDENTIAL_PASSWORD: Final = PerRecord[str | None](
    lambda a, credential: a.get_credential_password(credential)
)
BACKUP_CONFIGURATION: Final = PerRecord[BackupConfigurationRecord](
    lambda a, database: a.get_backup_configuration(database)
)
PRIVATE_ENDPOINT_CONFIG: Final = PerRecord[PrivateEndpointConfigRecord](
    lambda a, database: a.get_private_endpoint_config(database)
)
METRICS: Final = PerRecord[str](lambda a, database: a.get_metrics(database))
FEATUREBASE_ROLES: Final = PerRecord[list[FeatureBaseRole]](
    lambda a, org: _featurebase(a).get_roles(org)
)
#: a Postgres service's own answer (connection details): never cached, read when asked
CLICKHOUSE_POSTGRES_SERVICE: Final = PerRecord[DatabaseRecord](
    lambda a, database: clickhouse_postgres(a).get_postgres_service(database)
)
CLICKHOUSE_POSTGRES_CONFIG: Final = PerRecord[PostgresConfig](
    lambda a, database: clickhouse_postgres(a).get_postgres_config(database)
)
CLICKHOUSE_POSTGRES_CA: Final = PerRecord[str](
    lambda a, database: clickhouse_postgres(a).get_postgres_ca_certificates(database)
)
FEATUREBASE_ACCEPTED_INVITATIONS: Final = PerRecord[list[InvitationRecord]](
    lambda a, org: _featurebase(a).list_accepted_invitations(org)
)
