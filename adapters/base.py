"""The adapter protocol: what the schema may ask of any vendor, and shared defaults.

Batch methods (``get_*``) take many keys of one connection and return one result per key
in key order: a record, or None when the vendor says it does not exist. Each adapter
chooses how to answer a batch (N detail GETs, or one list call) from what its API offers.
Methods for what a vendor does not offer raise NotSupportedError; the schema checks
``capabilities`` first and answers null, so callers rarely see that error.

Write methods take a command from ``adapters.commands`` and return the changed object as
the vendor now has it (from the write's own answer where that is the full object, else
re-read). They validate vendor rules before their first upstream call.

A few reads exist at one vendor only and stay off the shared protocol: each is a small
protocol of its own (``FeatureBaseRoles``, ``DBaaSLinks``) that the schema reaches only
from that vendor's typed details.

The schema reaches the upstream policy only through the names this module re-exports
(``UPSTREAM_CONTROLS``): a request's deadline and fresh reads, background priority, a
breaker's states, how a URL, an ID part or a record is shown to callers, and the cache
backend's shared state (idempotency keys, shared polls).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

from adapters.cache.idempotency import (
    Claim,
    IdempotencyTable,
    IdempotencyUnavailable,
    MemoryIdempotency,
    Outcome,
)
from adapters.cache.store import Backend
from adapters.cache.watch import Watch
from adapters.commands import (
    CreateApiKey,
    CreateBackup,
    CreatedApiKey,
    CreateDatabase,
    CreatedDatabase,
    DeletedBackup,
    DeletedDatabase,
    InviteMember,
    PasswordReset,
    RevokedApiKey,
    ScaleDatabase,
    UpdateApiKey,
    UpdateBackupConfiguration,
    UpdateDatabase,
    UpdateOrganization,
    WriteRole,
)
from adapters.details import (
    AstraCredential,
    AstraRoleBinding,
    AstraUserChange,
    ClickHouseRole,
    ClickHouseSetting,
    DBaaSEnvironment,
    DBaaSProject,
    FeatureBaseMetrics,
    FeatureBaseRole,
    FeatureBaseUserChange,
    MetricsWindow,
    PostgresConfig,
    PostgresMetric,
    QueryEndpoint,
    SlowQueryPattern,
    SlowQueryQuery,
    UpgradeWindow,
    UsageCost,
    UsageCostQuery,
)
from adapters.errors import ErrorCode, InvalidInputError, NotSupportedError, UpstreamError
from adapters.model import (
    ActivityRange,
    ActivityRecord,
    ApiKeyRecord,
    BackupConfigurationRecord,
    BackupRecord,
    Capabilities,
    ConnectionInfo,
    CredentialRecord,
    DatabaseQuery,
    DatabaseRecord,
    FeatureFlagRecord,
    InvitationRecord,
    Key,
    MemberRecord,
    MemberRole,
    Operation,
    OrganizationRecord,
    PlanRecord,
    PrivateEndpointConfigRecord,
)
from adapters.paging import PageRequest, VendorPage
from adapters.upstream.http import UpstreamHttp, fresh_reads
from adapters.upstream.priority import start_background
from adapters.upstream.redact import public_url, redact
from adapters.upstream.resilience import BreakerState, HealthSnapshot, current_deadline, remaining
from adapters.upstream.url_segments import shown

#: the adapter methods behind each write operation (restore rides on create_database)
OPERATION_METHODS: dict[Operation, tuple[str, ...]] = {
    Operation.CREATE_DATABASE: ("create_database",),
    Operation.RESTORE_DATABASE: ("create_database",),
    Operation.UPDATE_DATABASE: ("update_database",),
    Operation.START_DATABASE: ("start_database",),
    Operation.STOP_DATABASE: ("stop_database",),
    Operation.SCALE_DATABASE: ("scale_database",),
    Operation.DELETE_DATABASE: ("delete_database",),
    Operation.RESET_DATABASE_PASSWORD: ("reset_database_password", "reset_credential_password"),
    Operation.CREATE_API_KEY: ("create_api_key",),
    Operation.UPDATE_API_KEY: ("update_api_key",),
    Operation.REVOKE_API_KEY: ("revoke_api_key",),
    Operation.INVITE_MEMBER: ("invite_member",),
    Operation.CANCEL_INVITATION: ("cancel_invitation",),
    Operation.UPDATE_MEMBER_ROLE: ("update_member_role",),
    Operation.REMOVE_MEMBER: ("remove_member",),
    Operation.UPDATE_ORGANIZATION: ("update_organization",),
    Operation.CREATE_BACKUP: ("create_backup",),
    Operation.DELETE_BACKUP: ("delete_backup",),
    Operation.UPDATE_BACKUP_CONFIGURATION: ("update_backup_configuration",),
}

R = TypeVar("R", bound=object)
#: what the schema uses of the upstream policy and of the state instances share (the
#: cache backend, idempotency keys, shared polls), re-exported so that schema/ imports
#: the adapter protocol and never ``adapters.upstream`` or ``adapters.cache`` (an
#: import-linter contract)
UPSTREAM_CONTROLS = (
    Backend,
    BreakerState,
    Claim,
    IdempotencyTable,
    IdempotencyUnavailable,
    MemoryIdempotency,
    Outcome,
    Watch,
    current_deadline,
    fresh_reads,
    public_url,
    redact,
    remaining,
    shown,
    start_background,
)

T = TypeVar("T")

#: calls adapters started ahead of need in this GraphQL request (``Adapter.prefetch``), by
#: (connection, what); a dict per request, set by the gateway (None: nothing prefetched)
request_prefetches: contextvars.ContextVar[dict[tuple[str, str], asyncio.Task[Any]] | None] = (
    contextvars.ContextVar("request_prefetches", default=None)
)


class Adapter(Protocol):
    connection: ConnectionInfo
    capabilities: Capabilities

    async def aclose(self) -> None: ...
    def health(self) -> HealthSnapshot | None: ...
    def upstreams(self) -> Sequence[UpstreamHttp]:
        """Every upstream client of this connection (metrics observe each)."""
        ...

    async def list_organizations(self) -> list[OrganizationRecord]: ...
    async def get_organizations(self, keys: Sequence[Key]) -> list[OrganizationRecord | None]: ...
    async def organization_keys(self) -> list[Key] | None:
        """The keys of this connection's organizations where they cost less than the
        organizations (a configured account, the caller's own org): their children can
        be listed before the organization's record answers. None: list the organizations."""
        ...

    def prefetch(self, kinds: frozenset[str]) -> None:
        """Start now the calls that the lists of ``kinds`` (``databases``, ``members``...)
        under this connection's organizations will make and that need no organization ID;
        the lists take them when they run (``HttpAdapter._taken``)."""
        ...

    async def list_databases(self, organization: Key) -> list[DatabaseRecord]: ...
    async def list_databases_where(
        self, organization: Key, query: DatabaseQuery
    ) -> list[DatabaseRecord]:
        """The databases the vendor answers for ``query`` (only the parts it declares in
        ``capabilities.vendor_filters``): the same calls as ``list_databases``, or fewer."""
        ...

    async def get_databases(self, keys: Sequence[Key]) -> list[DatabaseRecord | None]: ...

    async def list_backups(self, database: Key) -> list[BackupRecord]: ...
    async def get_backups(self, keys: Sequence[Key]) -> list[BackupRecord | None]: ...

    async def list_api_keys(self, organization: Key) -> list[ApiKeyRecord]: ...
    async def get_api_keys(self, keys: Sequence[Key]) -> list[ApiKeyRecord | None]: ...

    async def list_members(self, organization: Key) -> list[MemberRecord]: ...
    async def get_members(self, keys: Sequence[Key]) -> list[MemberRecord | None]: ...

    async def list_invitations(self, organization: Key) -> list[InvitationRecord]: ...
    async def get_invitations(self, keys: Sequence[Key]) -> list[InvitationRecord | None]: ...

    async def list_activities(
        self, organization: Key, window: ActivityRange
    ) -> list[ActivityRecord]: ...
    async def get_activities(self, keys: Sequence[Key]) -> list[ActivityRecord | None]: ...

    async def list_plans(self, organization: Key) -> list[PlanRecord]: ...
    async def get_plans(self, keys: Sequence[Key]) -> list[PlanRecord | None]: ...

    async def list_feature_flags(self, organization: Key) -> list[FeatureFlagRecord]: ...
    async def get_feature_flags(self, keys: Sequence[Key]) -> list[FeatureFlagRecord | None]: ...

    async def list_credentials(self, database: Key) -> list[CredentialRecord]: ...
    async def get_credentials(self, keys: Sequence[Key]) -> list[CredentialRecord | None]: ...
    async def get_credential_password(self, key: Key) -> str | None: ...

    # a page of a list the vendor pages (``capabilities.vendor_paged``), only the upstream
    # pages it needs; None where the vendor does not page it (the schema sorts the list)
    async def page_members(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[MemberRecord] | None: ...
    async def page_api_keys(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[ApiKeyRecord] | None: ...
    async def page_invitations(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[InvitationRecord] | None: ...
    async def page_plans(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[PlanRecord] | None: ...
    async def page_feature_flags(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[FeatureFlagRecord] | None: ...
    async def page_backups(
        self, database: Key, request: PageRequest
    ) -> VendorPage[BackupRecord] | None: ...
    async def page_credentials(
        self, database: Key, request: PageRequest
    ) -> VendorPage[CredentialRecord] | None: ...

    async def get_backup_configuration(self, database: Key) -> BackupConfigurationRecord: ...
    async def get_private_endpoint_config(self, database: Key) -> PrivateEndpointConfigRecord: ...
    async def get_organization_private_endpoint_config(
        self, organization: Key, cloud_provider: str, region: str
    ) -> PrivateEndpointConfigRecord: ...
    async def get_metrics(self, database: Key) -> str: ...

    async def create_database(self, command: CreateDatabase) -> CreatedDatabase: ...
    async def find_tagged_databases(
        self, organization: Key, tag: str
    ) -> list[DatabaseRecord] | None:
        """The databases created with ``CreateDatabase.tag`` = ``tag``; None where the
        vendor keeps no tags (a retry then finds a database by name)."""
        ...

    async def update_database(self, command: UpdateDatabase) -> DatabaseRecord: ...
    async def start_database(self, database: Key) -> DatabaseRecord: ...
    async def stop_database(self, database: Key) -> DatabaseRecord: ...
    async def scale_database(self, command: ScaleDatabase) -> DatabaseRecord: ...
    async def delete_database(self, database: Key) -> DeletedDatabase: ...
    async def reset_database_password(self, database: Key) -> PasswordReset: ...
    async def reset_credential_password(self, credential: Key) -> PasswordReset: ...
    async def create_api_key(self, command: CreateApiKey) -> CreatedApiKey: ...
    async def update_api_key(self, command: UpdateApiKey) -> ApiKeyRecord: ...
    async def revoke_api_key(self, api_key: Key) -> RevokedApiKey: ...
    async def invite_member(self, command: InviteMember) -> InvitationRecord: ...
    async def cancel_invitation(self, invitation: Key) -> None: ...
    async def update_member_role(self, member: Key, role: MemberRole) -> MemberRecord: ...
    async def remove_member(self, member: Key) -> None: ...
    async def update_organization(self, command: UpdateOrganization) -> OrganizationRecord: ...
    async def create_backup(self, command: CreateBackup) -> BackupRecord: ...
    async def delete_backup(self, backup: Key) -> DeletedBackup: ...
    async def update_backup_configuration(
        self, command: UpdateBackupConfiguration
    ) -> BackupConfigurationRecord: ...


# -- reads one vendor has: the schema asks for them only from that vendor's details ------
@runtime_checkable
class FeatureBaseRoles(Protocol):
    """The roles of a FeatureBase org (``Organization.featurebase.roles``) and its accepted
    invites (``.acceptedInvitations``), which the API keeps listed as history."""

    async def get_roles(self, organization: Key) -> list[FeatureBaseRole]: ...
    async def create_role(
        self, organization: Key, name: str, acl: tuple[str, ...]
    ) -> FeatureBaseRole: ...
    async def update_role(
        self, organization: Key, name: str, acl: tuple[str, ...]
    ) -> FeatureBaseRole: ...
    async def delete_role(self, organization: Key, name: str) -> None: ...
    async def list_accepted_invitations(self, organization: Key) -> list[InvitationRecord]: ...


@runtime_checkable
class FeatureBasePeople(Protocol):
    """A FeatureBase org's people beyond the normalized model (issue 21 item 8): users
    created and changed, a user's own keys, one role by name, an invite accepted."""

    async def get_role(self, organization: Key, name: str) -> FeatureBaseRole | None: ...
    async def list_user_api_keys(self, member: Key) -> list[ApiKeyRecord]: ...
    async def create_user(
        self, organization: Key, first_name: str, last_name: str
    ) -> MemberRecord: ...
    async def update_user(self, member: Key, change: FeatureBaseUserChange) -> MemberRecord: ...
    async def accept_invitation(self, invitation: Key) -> InvitationRecord: ...


@runtime_checkable
class FeatureBaseQueryHost(Protocol):
    """What a FeatureBase database answers on the query host (``Database.featurebase``):
    its metrics only; SQL and PQL are data-plane queries the gateway does not send."""

    async def get_database_metrics(
        self, database: Key, names: frozenset[str] | None
    ) -> FeatureBaseMetrics | None: ...


@runtime_checkable
class ClickHousePostgresReads(Protocol):
    """What a ClickHouse-managed Postgres service has alone (``Database.clickhousePostgres``),
    by the service's key; ``Organization.clickhouse.postgresMetrics`` by the organization's."""

    async def get_postgres_service(self, database: Key) -> DatabaseRecord: ...
    async def get_postgres_config(self, database: Key) -> PostgresConfig: ...
    async def get_postgres_ca_certificates(self, database: Key) -> str: ...
    async def get_postgres_metrics(
        self, database: Key, window: MetricsWindow
    ) -> list[PostgresMetric]: ...
    async def list_postgres_slow_query_patterns(
        self, database: Key, query: SlowQueryQuery
    ) -> list[SlowQueryPattern]: ...
    async def get_organization_postgres_metrics(self, organization: Key) -> str: ...


@runtime_checkable
class ClickHousePostgresWrites(Protocol):
    """A ClickHouse Postgres service's own writes (``Mutation.changeClickHousePostgresState``,
    ``updateClickHousePostgresConfig``)."""

    async def change_postgres_state(self, database: Key, command: str) -> DatabaseRecord: ...
    async def write_postgres_config(
        self, database: Key, config: PostgresConfig, *, replace: bool
    ) -> PostgresConfig: ...


@runtime_checkable
class ClickHouseRoles(Protocol):
    """A ClickHouse organization's RBAC roles (``Organization.clickhouse.roles``, the
    ``*ClickHouseRole`` mutations)."""

    async def list_roles(self, organization: Key) -> list[ClickHouseRole]: ...
    async def create_role(self, command: WriteRole) -> ClickHouseRole: ...
    async def update_role(self, role: str, command: WriteRole) -> ClickHouseRole: ...
    async def delete_role(self, organization: Key, role: str) -> None: ...
    async def assign_member_roles(self, member: Key, role_ids: tuple[str, ...]) -> MemberRecord: ...
    async def assign_key_roles(self, api_key: Key, role_ids: tuple[str, ...]) -> ApiKeyRecord: ...


@runtime_checkable
class ClickHouseServiceExtras(Protocol):
    """A ClickHouse service's upgrade window, ClickHouse settings and query endpoint."""

    async def get_upgrade_window(self, database: Key) -> UpgradeWindow | None: ...
    async def set_upgrade_window(
        self, database: Key, weekday: int, start_hour: int
    ) -> UpgradeWindow: ...
    async def delete_upgrade_window(self, database: Key) -> None: ...
    async def list_clickhouse_settings(self, database: Key) -> list[ClickHouseSetting]: ...
    async def change_clickhouse_settings(
        self, database: Key, values: dict[str, str]
    ) -> list[ClickHouseSetting]: ...
    async def reset_clickhouse_setting(self, database: Key, name: str) -> None: ...
    async def get_query_endpoint(self, database: Key) -> QueryEndpoint | None: ...
    async def set_query_endpoint(
        self, database: Key, api_keys: tuple[Key, ...], roles: tuple[str, ...], origins: str | None
    ) -> QueryEndpoint: ...
    async def delete_query_endpoint(self, database: Key) -> None: ...


@runtime_checkable
class DBaaSProjectsAndCredentials(Protocol):
    """The DBaaS API's environments and projects as lists, its projects' and credentials'
    writes (``Organization.dbaas``, ``*DBaaSProject``, ``*DBaaSCredential``)."""

    async def list_dbaas_environments(self) -> list[DBaaSEnvironment]: ...
    async def list_dbaas_projects(self) -> list[DBaaSProject]: ...
    async def create_credential(
        self, database: Key, user: str
    ) -> tuple[CredentialRecord, str | None]: ...
    async def delete_credential(self, credential: Key) -> None: ...
    async def create_project(self, name: str) -> DBaaSProject: ...
    async def rename_project(self, project: str, name: str) -> DBaaSProject: ...
    async def delete_project(self, project: str) -> None: ...


@runtime_checkable
class AstraCredentials(Protocol):
    """An Astra account's stored credentials, by name and validity (never their content)."""

    async def list_credentials_metadata(self, organization: Key) -> list[AstraCredential]: ...


@runtime_checkable
class AstraAccountAccess(Protocol):
    """An Astra account's access beyond the normalized model (issue 21 item 9): one stored
    credential's metadata and a new one (its content goes in, never out), role bindings
    one by one, and a user's own fields (names, enabled, suspended)."""

    async def get_credential_metadata(
        self, organization: Key, credential_id: str
    ) -> AstraCredential | None: ...
    async def create_credential(
        self, organization: Key, name: str, key_type: str, key_store: Sequence[tuple[str, str]]
    ) -> AstraCredential: ...
    async def list_role_bindings(self, organization: Key) -> list[AstraRoleBinding]: ...
    async def get_role_binding(
        self, organization: Key, binding_id: str
    ) -> AstraRoleBinding | None: ...
    async def delete_role_binding(self, organization: Key, binding_id: str) -> None: ...
    async def update_user(self, member: Key, change: AstraUserChange) -> MemberRecord: ...


@runtime_checkable
class UsageCosts(Protocol):
    """An organization's billing report (``Organization.usageCost``; ClickHouse)."""

    async def get_usage_cost(self, organization: Key, query: UsageCostQuery) -> UsageCost: ...


@runtime_checkable
class OrganizationMetrics(Protocol):
    """Every service's metrics of an organization in one text (ClickHouse)."""

    async def get_organization_metrics(self, organization: Key, filtered: bool | None) -> str: ...


@runtime_checkable
class DBaaSLinks(Protocol):
    """What a DBaaS database links to by URL (``Database.dbaas.environment``, ``.project``),
    by batch like the protocol's ``get_*`` methods."""

    async def get_dbaas_environments(
        self, keys: Sequence[Key]
    ) -> list[DBaaSEnvironment | None]: ...
    async def get_dbaas_projects(self, keys: Sequence[Key]) -> list[DBaaSProject | None]: ...


class BaseAdapter:
    """Defaults every adapter inherits: NOT_SUPPORTED for what it lacks, and batch lookups
    answered from one list call per parent when the vendor has no detail endpoint."""

    connection: ConnectionInfo
    capabilities: Capabilities = Capabilities()

    def __init__(self, connection: ConnectionInfo) -> None:
        self.connection = connection

    def not_supported(self, what: str) -> NotSupportedError:
        return NotSupportedError(
            what, connection=self.connection.name, vendor=self.connection.vendor.value
        )

    async def aclose(self) -> None:
        return None

    def health(self) -> HealthSnapshot | None:
        """The upstream breaker's view of this connection; None without an HTTP client."""
        return None

    def upstreams(self) -> Sequence[UpstreamHttp]:
        return ()

    async def list_organizations(self) -> list[OrganizationRecord]:
        raise self.not_supported("organizations")

    async def organization_keys(self) -> list[Key] | None:
        return None

    def prefetch(self, kinds: frozenset[str]) -> None:
        return None

    async def get_organizations(self, keys: Sequence[Key]) -> list[OrganizationRecord | None]:
        found = {o.key: o for o in await self.list_organizations()}
        return [found.get(k) for k in keys]

    async def list_databases(self, organization: Key) -> list[DatabaseRecord]:
        raise self.not_supported("databases")

    async def list_databases_where(
        self, organization: Key, query: DatabaseQuery
    ) -> list[DatabaseRecord]:
        return await self.list_databases(organization)  # it filters nothing itself

    async def get_databases(self, keys: Sequence[Key]) -> list[DatabaseRecord | None]:
        raise self.not_supported("database lookup")

    async def list_backups(self, database: Key) -> list[BackupRecord]:
        raise self.not_supported("backups")

    async def get_backups(self, keys: Sequence[Key]) -> list[BackupRecord | None]:
        return await by_parent(keys, self.list_backups)

    async def list_api_keys(self, organization: Key) -> list[ApiKeyRecord]:
        raise self.not_supported("API keys")

    async def get_api_keys(self, keys: Sequence[Key]) -> list[ApiKeyRecord | None]:
        return await by_parent(keys, self.list_api_keys)

    async def list_members(self, organization: Key) -> list[MemberRecord]:
        raise self.not_supported("members")

    async def get_members(self, keys: Sequence[Key]) -> list[MemberRecord | None]:
        return await by_parent(keys, self.list_members)

    async def list_invitations(self, organization: Key) -> list[InvitationRecord]:
        raise self.not_supported("invitations")

    async def get_invitations(self, keys: Sequence[Key]) -> list[InvitationRecord | None]:
        return await by_parent(keys, self.list_invitations)

    async def list_activities(
        self, organization: Key, window: ActivityRange
    ) -> list[ActivityRecord]:
        raise self.not_supported("activities")

    async def get_activities(self, keys: Sequence[Key]) -> list[ActivityRecord | None]:
        async def all_activities(org: Key) -> list[ActivityRecord]:
            return await self.list_activities(org, ActivityRange())

        return await by_parent(keys, all_activities)

    async def list_plans(self, organization: Key) -> list[PlanRecord]:
        raise self.not_supported("plans")

    async def get_plans(self, keys: Sequence[Key]) -> list[PlanRecord | None]:
        return await by_parent(keys, self.list_plans)

    async def list_feature_flags(self, organization: Key) -> list[FeatureFlagRecord]:
        raise self.not_supported("feature flags")

    async def get_feature_flags(self, keys: Sequence[Key]) -> list[FeatureFlagRecord | None]:
        return await by_parent(keys, self.list_feature_flags)

    async def list_credentials(self, database: Key) -> list[CredentialRecord]:
        raise self.not_supported("database credentials")

    async def get_credentials(self, keys: Sequence[Key]) -> list[CredentialRecord | None]:
        return await by_parent(keys, self.list_credentials)

    async def get_credential_password(self, key: Key) -> str | None:
        # a secret: adapters fetch it on every call and never cache it
        raise self.not_supported("credential passwords")

    async def page_members(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[MemberRecord] | None:
        return None

    async def page_api_keys(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[ApiKeyRecord] | None:
        return None

    async def page_invitations(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[InvitationRecord] | None:
        return None

    async def page_plans(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[PlanRecord] | None:
        return None

    async def page_feature_flags(
        self, organization: Key, request: PageRequest
    ) -> VendorPage[FeatureFlagRecord] | None:
        return None

    async def page_backups(
        self, database: Key, request: PageRequest
    ) -> VendorPage[BackupRecord] | None:
        return None

    async def page_credentials(
        self, database: Key, request: PageRequest
    ) -> VendorPage[CredentialRecord] | None:
        return None

    async def get_backup_configuration(self, database: Key) -> BackupConfigurationRecord:
        raise self.not_supported("backup configuration")

    async def get_private_endpoint_config(self, database: Key) -> PrivateEndpointConfigRecord:
        raise self.not_supported("private endpoint configuration")

    async def get_organization_private_endpoint_config(
        self, organization: Key, cloud_provider: str, region: str
    ) -> PrivateEndpointConfigRecord:
        raise self.not_supported("private endpoint configuration")

    async def get_metrics(self, database: Key) -> str:
        raise self.not_supported("metrics")

    # -- writes: each is listed in ``capabilities.operations`` where a vendor overrides it
    def _unsupported(self, operation: Operation) -> NotSupportedError:
        return self.not_supported(operation.value)

    async def create_database(self, command: CreateDatabase) -> CreatedDatabase:
        raise self._unsupported(Operation.CREATE_DATABASE)

    async def find_tagged_databases(
        self, organization: Key, tag: str
    ) -> list[DatabaseRecord] | None:
        return None  # no tags at this vendor

    async def update_database(self, command: UpdateDatabase) -> DatabaseRecord:
        raise self._unsupported(Operation.UPDATE_DATABASE)

    async def start_database(self, database: Key) -> DatabaseRecord:
        raise self._unsupported(Operation.START_DATABASE)

    async def stop_database(self, database: Key) -> DatabaseRecord:
        raise self._unsupported(Operation.STOP_DATABASE)

    async def scale_database(self, command: ScaleDatabase) -> DatabaseRecord:
        raise self._unsupported(Operation.SCALE_DATABASE)

    async def delete_database(self, database: Key) -> DeletedDatabase:
        raise self._unsupported(Operation.DELETE_DATABASE)

    async def reset_database_password(self, database: Key) -> PasswordReset:
        raise self._unsupported(Operation.RESET_DATABASE_PASSWORD)

    async def reset_credential_password(self, credential: Key) -> PasswordReset:
        raise self._unsupported(Operation.RESET_DATABASE_PASSWORD)

    async def create_api_key(self, command: CreateApiKey) -> CreatedApiKey:
        raise self._unsupported(Operation.CREATE_API_KEY)

    async def update_api_key(self, command: UpdateApiKey) -> ApiKeyRecord:
        raise self._unsupported(Operation.UPDATE_API_KEY)

    async def revoke_api_key(self, api_key: Key) -> RevokedApiKey:
        raise self._unsupported(Operation.REVOKE_API_KEY)

    async def invite_member(self, command: InviteMember) -> InvitationRecord:
        raise self._unsupported(Operation.INVITE_MEMBER)

    async def cancel_invitation(self, invitation: Key) -> None:
        raise self._unsupported(Operation.CANCEL_INVITATION)

    async def update_member_role(self, member: Key, role: MemberRole) -> MemberRecord:
        raise self._unsupported(Operation.UPDATE_MEMBER_ROLE)

    async def remove_member(self, member: Key) -> None:
        raise self._unsupported(Operation.REMOVE_MEMBER)

    async def update_organization(self, command: UpdateOrganization) -> OrganizationRecord:
        raise self._unsupported(Operation.UPDATE_ORGANIZATION)

    async def create_backup(self, command: CreateBackup) -> BackupRecord:
        raise self._unsupported(Operation.CREATE_BACKUP)

    async def delete_backup(self, backup: Key) -> DeletedBackup:
        raise self._unsupported(Operation.DELETE_BACKUP)

    async def update_backup_configuration(
        self, command: UpdateBackupConfiguration
    ) -> BackupConfigurationRecord:
        raise self._unsupported(Operation.UPDATE_BACKUP_CONFIGURATION)

    def invalid(self, field: tuple[str, ...], problem: str) -> InvalidInputError:
        """A vendor rule broken by a write's input, raised before any upstream call."""
        return InvalidInputError(
            field, problem, connection=self.connection.name, vendor=self.connection.vendor.value
        )


class HttpAdapter(BaseAdapter):
    """An adapter over one UpstreamHttp: closing it, reading records, detail 404s."""

    http: UpstreamHttp

    async def aclose(self) -> None:
        await self.http.aclose()

    def health(self) -> HealthSnapshot | None:
        return self.http.health()

    def upstreams(self) -> Sequence[UpstreamHttp]:
        return (self.http,)

    def _map(self, fn: Callable[..., T], *args: Any) -> T:
        """Map a vendor body; a body the mapping cannot read is UPSTREAM_BAD_RESPONSE."""
        try:
            return fn(self.connection, *args)
        except (KeyError, TypeError, ValueError) as exc:
            raise self.http.bad_response(f"unreadable {fn.__name__} record") from exc

    def _prefetch(self, what: str, call: Callable[[], Awaitable[T]]) -> None:
        """Start ``call`` now for a list of this request that will want it (``_taken``)."""
        started = request_prefetches.get()
        key = (self.connection.name, what)
        if started is None or key in started:
            return
        task = asyncio.ensure_future(call())
        # a prefetch nobody took (the request failed first) must not warn at exit
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        started[key] = task

    async def _taken(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        """The prefetched ``call`` of this request if one was started (each is taken once:
        a later read, after a write say, goes upstream again), else ``call`` now."""
        started = request_prefetches.get()
        task = started.pop((self.connection.name, what), None) if started else None
        if task is None:
            return await call()
        result: T = await task
        return result

    async def _get_or_none(self, call: Awaitable[T]) -> T | None:
        """A detail GET whose 404 means "no such record", not a failure."""
        try:
            return await call
        except UpstreamError as exc:
            if exc.code is ErrorCode.NOT_FOUND:
                return None
            raise


async def by_parent(
    keys: Sequence[Key], list_children: Callable[[Key], Awaitable[Sequence[R]]]
) -> list[R | None]:
    """Answer child lookups with one list call per distinct parent (the key minus its last part)."""
    parents: dict[Key, list[Key]] = defaultdict(list)
    for key in keys:
        if len(key) > 1:  # a one-part key (from a forged ID) has no parent: not found
            parents[key[:-1]].append(key)
    listings = await asyncio.gather(*(list_children(parent) for parent in parents))
    found: dict[Key, R] = {
        record.key: record  # type: ignore[attr-defined]
        for listing in listings
        for record in listing
    }
    return [found.get(k) for k in keys]
