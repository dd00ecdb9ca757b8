"""Write commands -> checked ClickHouse Cloud request bodies.

Every rule here is one the vendor documents (``shared/seeds/clickhouse-cloud-api.txt``, the
newer rendered docs, where it disagrees with the OpenAPI file), checked before the first
upstream call: each call spends the key's 10-requests-per-10-seconds budget, and a rule broken
here names the input field, which the vendor's 400 cannot. A rule the docs only imply is
marked "our reading". Rules that need the service's current state (memory settings are for
production services only, min <= max against the stored bound) are left to the vendor's 400
when checking them would cost a read.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adapters.clickhouse.mapping import KEY_STATE_NAMES, ROLE_NAMES, TIERS
from adapters.commands import (
    ClickHouseCreateOptions,
    ClickHouseScaleOptions,
    ClickHouseUpdateOptions,
    CreateApiKey,
    IpAccessEntry,
    UpdateApiKey,
    UpdateBackupConfiguration,
)
from adapters.errors import InvalidInputError
from adapters.model import MemberRole
from adapters.timeparse import iso

JSON = dict[str, Any]
Field = tuple[str, ...]
#: ``BaseAdapter.invalid``: the error for a broken rule, naming the field
Invalid = Callable[[Field, str], InvalidInputError]

#: the docs give one flat region enum; the naming shows each provider's share (our reading)
PROVIDER_REGIONS: dict[str, tuple[str, ...]] = {
    "aws": (
        "ap-south-1",
        "ap-southeast-1",
        "eu-central-1",
        "eu-west-1",
        "eu-west-2",
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "ap-southeast-2",
        "ap-northeast-1",
    ),
    "gcp": ("us-east1", "us-central1", "europe-west4", "asia-southeast1"),
    "azure": ("eastus", "eastus2", "westus3", "germanywestcentral"),
}
DEFAULT_TIER = "production"  # our reading: the docs mark no tier required; production scales
MEMORY_GB = (24, 720, 12)  # "multiple of 12 [ 24 .. 720 ]"
REPLICAS = (3, 20)  # rendered docs "[ 3 .. 20 ]" (the older OpenAPI file says 3..25)
MIN_IDLE_TIMEOUT_MINUTES = 5  # "Must be >= 5 minutes"
SERVICE_NAME = re.compile(r"[A-Za-z0-9 ]{1,50}")  # "Alphanumerical ... whitespaces up to 50"
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")  # "string <email>"
HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")  # "HH:MM format"

_OPTIONS = ("options",)

#: the service tag a create with an idempotency key carries (value: a digest of the key)
IDEMPOTENCY_TAG = "dbaas-gateway-idempotency"


@dataclass(frozen=True)
class Placement:
    """Where a new service runs: resolved from the options and, on a restore, its source."""

    provider: str
    region: str
    tier: str


class Rules:
    """The documented rules, raising the adapter's ``invalid`` error for the first one broken."""

    def __init__(self, invalid: Invalid) -> None:
        self.invalid = invalid

    # -- services ----------------------------------------------------------------------------

    def service_name(self, name: str | None, field: Field = ("name",)) -> str | None:
        if name is not None and (not SERVICE_NAME.fullmatch(name) or not name.strip()):
            raise self.invalid(field, f"must be 1 to 50 letters, digits and spaces (got {name!r})")
        return name

    def create_options(self, options: object) -> ClickHouseCreateOptions:
        """The options a create needs, with every value that stands alone checked."""
        if not isinstance(options, ClickHouseCreateOptions):
            raise self.invalid(_OPTIONS, "required for a clickhouse connection: provider, region")
        if options.from_backup is None:
            missing = [n for n in ("provider", "region") if getattr(options, n) is None]
            if missing:
                raise self.invalid((*_OPTIONS, missing[0]), "required for a new service")
        self._enum(("provider",), options.provider, tuple(PROVIDER_REGIONS))
        self._enum(("region",), options.region, _ALL_REGIONS)
        self._enum(("tier",), options.tier, tuple(TIERS))
        self._scaling_values(options)
        self.ip_entries(("ip_access_list",), options.ip_access_list or ())
        return options

    def placement(self, options: ClickHouseCreateOptions, source: JSON | None) -> Placement:
        """Provider, region and tier, defaulted from a restore's source service."""
        provider = options.provider or (source or {}).get("provider") or ""
        region = options.region or (source or {}).get("region") or ""
        tier = options.tier or (source or {}).get("tier") or DEFAULT_TIER
        if region not in PROVIDER_REGIONS.get(provider, ()):
            raise self.invalid(
                (*_OPTIONS, "region"),
                f"'{region}' is not a {provider} region "
                f"(allowed: {', '.join(PROVIDER_REGIONS.get(provider, ()))})",
            )
        if provider == "azure" and tier == "development":
            raise self.invalid((*_OPTIONS, "tier"), "Azure services don't support development")
        if source is not None:
            # "the region and the tier of the new instance must be the same as the values
            # of the original instance"
            for name, value in (("provider", provider), ("region", region), ("tier", tier)):
                if value != source.get(name):
                    raise self.invalid(
                        (*_OPTIONS, name),
                        f"a restore must use the {name} of the backup's service "
                        f"('{source.get(name)}', not '{value}')",
                    )
        return Placement(provider, region, tier)

    def service_post_body(
        self,
        name: str,
        options: ClickHouseCreateOptions,
        where: Placement,
        backup_id: str | None,
        tag: str | None = None,
    ) -> JSON:
        self.service_name(name)
        memory_given = [
            n
            for n in ("min_total_memory_gb", "max_total_memory_gb")
            if getattr(options, n) is not None
        ]
        if memory_given and where.tier != "production":
            raise self.invalid(
                (*_OPTIONS, memory_given[0]),
                f"available only for production services (tier: {where.tier})",
            )
        if options.idle_scaling is False and where.tier == "development":
            raise self.invalid((*_OPTIONS, "idle_scaling"), "always true for development services")
        body: JSON = {
            "name": name,
            "provider": where.provider,
            "region": where.region,
            "tier": where.tier,
            **_scaling_fields(options),
        }
        if options.ip_access_list:
            body["ipAccessList"] = [_entry(e) for e in options.ip_access_list]
        if backup_id is not None:
            body["backupId"] = backup_id
        if tag is not None:
            # how a retry finds this service when the answer to its create was lost
            body["tags"] = [{"key": IDEMPOTENCY_TAG, "value": tag}]
        return body

    def service_patch_body(self, name: str | None, options: object) -> JSON:
        body: JSON = {}
        if self.service_name(name) is not None:
            body["name"] = name
        if isinstance(options, ClickHouseUpdateOptions):
            add = self.ip_entries(("ip_access_list_add",), options.ip_access_list_add)
            remove = self.ip_entries(("ip_access_list_remove",), options.ip_access_list_remove)
            if add or remove:
                # "remove" runs before "add", as the vendor documents
                body["ipAccessList"] = {
                    "add": [_entry(e) for e in add],
                    "remove": [_entry(e) for e in remove],
                }
        return body

    def scaling_body(self, options: object) -> JSON:
        if not isinstance(options, ClickHouseScaleOptions) or not _scaling_fields(options):
            raise self.invalid(
                _OPTIONS,
                "required for a clickhouse connection: at least one of minTotalMemoryGb, "
                "maxTotalMemoryGb, numReplicas, idleScaling, idleTimeoutMinutes",
            )
        self._scaling_values(options)
        return _scaling_fields(options)

    def ip_entries(self, field: Field, entries: Sequence[IpAccessEntry]) -> Sequence[IpAccessEntry]:
        for index, entry in enumerate(entries):
            try:  # "IPv4 address or IPv4 CIDR"
                ipaddress.IPv4Network(entry.source, strict=False)
            except ValueError:
                raise self.invalid(
                    (*_OPTIONS, *field, str(index), "source"),
                    f"must be an IPv4 address or CIDR (got {entry.source!r})",
                ) from None
        return entries

    def _scaling_values(self, options: ClickHouseCreateOptions | ClickHouseScaleOptions) -> None:
        low, high, step = MEMORY_GB
        for name in ("min_total_memory_gb", "max_total_memory_gb"):
            value = getattr(options, name)
            if value is not None and not (low <= value <= high and value % step == 0):
                raise self.invalid(
                    (*_OPTIONS, name),
                    f"must be a multiple of {step} between {low} and {high} (got {value})",
                )
        least, most = options.min_total_memory_gb, options.max_total_memory_gb
        if least is not None and most is not None and least > most:
            raise self.invalid(
                (*_OPTIONS, "min_total_memory_gb"),
                f"must not exceed maxTotalMemoryGb ({least} > {most})",
            )
        replicas = options.num_replicas
        if replicas is not None and not REPLICAS[0] <= replicas <= REPLICAS[1]:
            raise self.invalid(
                (*_OPTIONS, "num_replicas"),
                f"must be between {REPLICAS[0]} and {REPLICAS[1]} (got {replicas})",
            )
        timeout = options.idle_timeout_minutes
        if timeout is not None and timeout < MIN_IDLE_TIMEOUT_MINUTES:
            raise self.invalid(
                (*_OPTIONS, "idle_timeout_minutes"),
                f"must be at least {MIN_IDLE_TIMEOUT_MINUTES} minutes (got {timeout})",
            )

    def _enum(self, field: Field, value: str | None, allowed: tuple[str, ...]) -> None:
        if value is not None and value not in allowed:
            raise self.invalid(
                (*_OPTIONS, *field), f"must be one of {', '.join(allowed)} (got '{value}')"
            )

    # -- keys, members, invitations, organization ---------------------------------------------

    def role(self, role: MemberRole, field: Field = ("role",)) -> str:
        if role not in ROLE_NAMES:
            accepted = ", ".join(r.value for r in ROLE_NAMES)
            raise self.invalid(field, f"ClickHouse roles are {accepted} (got {role.value})")
        return ROLE_NAMES[role]

    def key_post_body(self, command: CreateApiKey) -> JSON:
        if command.owner is not None:
            raise self.invalid(
                ("owner",), "ClickHouse keys belong to the organization, not to a member"
            )
        if command.role is None:
            accepted = ", ".join(r.value for r in ROLE_NAMES)
            raise self.invalid(("role",), f"required: a ClickHouse key has a role ({accepted})")
        body: JSON = {
            "name": self._key_name(command.name),
            "roles": [self.role(command.role)],  # "Contains at least 1 element"
        }
        if command.expires_at is not None:
            body["expireAt"] = self._expiry(command.expires_at)
        return body

    def key_patch_body(self, command: UpdateApiKey) -> JSON:
        body: JSON = {}
        if command.name is not None:
            body["name"] = self._key_name(command.name)
        if command.role is not None:
            body["roles"] = [self.role(command.role)]
        if command.expires_at is not None:
            body["expireAt"] = self._expiry(command.expires_at)
        if command.state is not None:
            if command.state not in KEY_STATE_NAMES:
                accepted = ", ".join(s.value for s in KEY_STATE_NAMES)
                raise self.invalid(
                    ("state",),
                    f"a ClickHouse key is {accepted} (got {command.state.value}); "
                    "revokeApiKey deletes it",
                )
            body["state"] = KEY_STATE_NAMES[command.state]
        return body

    def invitation_post_body(self, email: str, role: MemberRole) -> JSON:
        if not EMAIL.fullmatch(email):
            raise self.invalid(("email",), f"must be an email address (got {email!r})")
        return {"email": email, "role": self.role(role)}

    def organization_patch_body(self, name: str | None) -> JSON:
        if name is None:
            return {}
        if not name.strip():  # our reading: the docs give no rule, but a name is shown
            raise self.invalid(("name",), "must not be empty")
        return {"name": name}

    def backup_configuration_patch_body(self, command: UpdateBackupConfiguration) -> JSON:
        # null would reset a field to its default ("Setting the properties with null
        # value ..."), so an unset input stays out of the body
        body: JSON = {}
        for name, vendor_name in (
            ("period_hours", "backupPeriodInHours"),
            ("retention_period_hours", "backupRetentionPeriodInHours"),
        ):
            value = getattr(command, name)
            if value is not None:
                if value < 1:  # our reading: an interval or a duration in whole hours
                    raise self.invalid((name,), f"must be at least 1 hour (got {value})")
                body[vendor_name] = value
        if command.start_time is not None:
            if not HH_MM.fullmatch(command.start_time):
                raise self.invalid(
                    ("start_time",), f"must be HH:MM in UTC (got {command.start_time!r})"
                )
            # "When defined the backup period resets to every 24 hours"
            if command.period_hours not in (None, 24):
                raise self.invalid(
                    ("period_hours",),
                    f"must be 24 when startTime is set (got {command.period_hours})",
                )
            body["backupStartTime"] = command.start_time
        return body

    def _key_name(self, name: str) -> str:
        if not name.strip():  # our reading: "Name of the key" gives no length rule
            raise self.invalid(("name",), "must not be empty")
        return name

    def _expiry(self, moment: datetime) -> str:
        if moment.tzinfo is None:
            raise self.invalid(("expires_at",), "needs a time zone (ISO-8601 with offset or Z)")
        return iso(moment)


_ALL_REGIONS = tuple(r for regions in PROVIDER_REGIONS.values() for r in regions)


def _scaling_fields(options: ClickHouseCreateOptions | ClickHouseScaleOptions) -> JSON:
    values = {
        "minTotalMemoryGb": options.min_total_memory_gb,
        "maxTotalMemoryGb": options.max_total_memory_gb,
        "numReplicas": options.num_replicas,
        "idleScaling": options.idle_scaling,
        "idleTimeoutMinutes": options.idle_timeout_minutes,
    }
    return {k: v for k, v in values.items() if v is not None}


def _entry(entry: IpAccessEntry) -> JSON:
    return {"source": entry.source} | (
        {"description": entry.description} if entry.description else {}
    )
