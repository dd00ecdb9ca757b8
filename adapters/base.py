"""The adapter protocol: what the schema may ask of any vendor, and shared defaults.

Batch methods (``get_*``) take many keys of one connection and return one result per key
in key order: a record, or None when the vendor says it does not exist. Each adapter
chooses how to answer a batch (N detail GETs, or one list call) from what its API offers.
Methods for what a vendor does not offer raise NotSupportedError; the schema checks
``capabilities`` first and answers null, so callers rarely see that error.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from adapters.errors import ErrorCode, NotSupportedError, UpstreamError
from adapters.http import UpstreamHttp
from adapters.model import (
    ActivityRange,
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

R = TypeVar("R", bound=object)
T = TypeVar("T")


class Adapter(Protocol):
    connection: ConnectionInfo
    capabilities: Capabilities

    async def aclose(self) -> None: ...

    async def list_organizations(self) -> list[OrganizationRecord]: ...
    async def get_organizations(self, keys: Sequence[Key]) -> list[OrganizationRecord | None]: ...

    async def list_databases(self, organization: Key) -> list[DatabaseRecord]: ...
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

    async def get_backup_configuration(self, database: Key) -> BackupConfigurationRecord: ...
    async def get_private_endpoint_config(self, database: Key) -> PrivateEndpointConfigRecord: ...
    async def get_organization_private_endpoint_config(
        self, organization: Key, cloud_provider: str, region: str
    ) -> PrivateEndpointConfigRecord: ...
    async def get_metrics(self, database: Key) -> str: ...


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

    async def list_organizations(self) -> list[OrganizationRecord]:
        raise self.not_supported("organizations")

    async def get_organizations(self, keys: Sequence[Key]) -> list[OrganizationRecord | None]:
        found = {o.key: o for o in await self.list_organizations()}
        return [found.get(k) for k in keys]

    async def list_databases(self, organization: Key) -> list[DatabaseRecord]:
        raise self.not_supported("databases")

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


class HttpAdapter(BaseAdapter):
    """An adapter over one UpstreamHttp: closing it, reading records, detail 404s."""

    http: UpstreamHttp

    async def aclose(self) -> None:
        await self.http.aclose()

    def _map(self, fn: Callable[..., T], *args: Any) -> T:
        """Map a vendor body; a body the mapping cannot read is UPSTREAM_BAD_RESPONSE."""
        try:
            return fn(self.connection, *args)
        except (KeyError, TypeError, ValueError) as exc:
            raise self.http.bad_response(f"unreadable {fn.__name__} record") from exc

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
