"""The documented rules of ClickHouse Postgres service writes (the 2026-06 spec's
``PostgresServicePostRequest``, ``PatchRequest``, ``RestoreRequest`` and
``ReadReplicaRequest``), checked before any upstream call, and the bodies they make.

The enums are the spec's (``tests/clickhouse/test_postgres_rules.py`` holds them to it).
"""

from __future__ import annotations

from typing import Any

from adapters.clickhouse import mapping
from adapters.clickhouse.validation import IDEMPOTENCY_TAG, Invalid
from adapters.commands import (
    ClickHouseCreateOptions,
    ClickHousePostgresCreateOptions,
    ClickHousePostgresUpdateOptions,
)
from adapters.model import Key
from adapters.timeparse import iso

JSON = dict[str, Any]
#: ``pgSize``: the VM sizes a service can run on
SIZES: tuple[str, ...] = (
    "c6gd.large",
    "c6gd.xlarge",
    "c6gd.2xlarge",
    "c6gd.4xlarge",
    "c6gd.8xlarge",
    "c6gd.16xlarge",
    "i7i.large",
    "i7i.xlarge",
    "i7i.2xlarge",
    "i7i.4xlarge",
    "i7i.8xlarge",
    "i7i.12xlarge",
    "i7i.16xlarge",
    "i7i.24xlarge",
    "i7ie.large",
    "i7ie.xlarge",
    "i7ie.2xlarge",
    "i7ie.3xlarge",
    "i7ie.6xlarge",
    "i7ie.12xlarge",
    "i7ie.18xlarge",
    "i7ie.24xlarge",
    "i8g.large",
    "i8g.xlarge",
    "i8g.2xlarge",
    "i8g.4xlarge",
    "i8g.8xlarge",
    "i8g.16xlarge",
    "i8g.24xlarge",
    "i8ge.large",
    "i8ge.xlarge",
    "i8ge.2xlarge",
    "i8ge.3xlarge",
    "i8ge.6xlarge",
    "i8ge.12xlarge",
    "i8ge.18xlarge",
    "i8ge.24xlarge",
    "m6gd.large",
    "m6gd.xlarge",
    "m6gd.2xlarge",
    "m6gd.4xlarge",
    "m6gd.8xlarge",
    "m6gd.16xlarge",
    "m6id.large",
    "m6id.xlarge",
    "m6id.2xlarge",
    "m6id.4xlarge",
    "m6id.8xlarge",
    "m6id.16xlarge",
    "m8gd.large",
    "m8gd.xlarge",
    "m8gd.2xlarge",
    "m8gd.4xlarge",
    "m8gd.8xlarge",
    "m8gd.16xlarge",
    "r6gd.medium",
    "r6gd.large",
    "r6gd.xlarge",
    "r6gd.2xlarge",
    "r6gd.4xlarge",
    "r6gd.8xlarge",
    "r6gd.12xlarge",
    "r6gd.16xlarge",
    "r6id.large",
    "r6id.xlarge",
    "r6id.2xlarge",
    "r6id.4xlarge",
    "r6id.8xlarge",
    "r6id.12xlarge",
    "r6id.16xlarge",
    "r6id.24xlarge",
    "r6id.32xlarge",
    "r8gd.medium",
    "r8gd.large",
    "r8gd.xlarge",
    "r8gd.2xlarge",
    "r8gd.4xlarge",
    "r8gd.8xlarge",
    "r8gd.12xlarge",
    "r8gd.16xlarge",
    "r8gd.24xlarge",
    "r8gd.48xlarge",
)
VERSIONS = ("18", "17")  # pgVersion
HA_TYPES = ("none", "async", "sync")  # pgHaType
PROVIDERS = ("aws",)  # pgProvider
NAME_LENGTH = (1, 50)  # pgNameProperty
_POSTGRES = ("options", "postgres")
#: ClickHouse service options that mean nothing to a Postgres service
_SERVICE_ONLY = (
    "tier",
    "min_total_memory_gb",
    "max_total_memory_gb",
    "num_replicas",
    "idle_scaling",
    "idle_timeout_minutes",
    "ip_access_list",
    "from_backup",
)


class PostgresRules:
    def __init__(self, invalid: Invalid) -> None:
        self.invalid = invalid

    def name(self, name: str | None, field: tuple[str, ...] = ("name",)) -> str | None:
        low, high = NAME_LENGTH
        if name is not None and (not low <= len(name) <= high or not name.strip()):
            raise self.invalid(field, f"must be {low} to {high} characters, not only spaces")
        return name

    def _enum(self, name: str, value: str | None, allowed: tuple[str, ...]) -> None:
        if value is not None and value not in allowed:
            shown = ", ".join(allowed) if len(allowed) < 10 else "the spec's pgSize values"
            raise self.invalid((*_POSTGRES, name), f"must be one of {shown} (got '{value}')")

    def create_body(
        self, name: str, options: ClickHouseCreateOptions, tag: str | None
    ) -> tuple[str, Key | None, JSON]:
        """What to call and send: (``create``, None, body), (``restore``, source key,
        body) or (``replica``, source key, body)."""
        pg = options.postgres
        assert pg is not None
        for field in _SERVICE_ONLY:
            if getattr(options, field) is not None:
                raise self.invalid(("options", field), "is for ClickHouse services, not Postgres")
        self.name(name)
        self._enum("size", pg.size, SIZES)
        self._enum("postgres_version", pg.postgres_version, VERSIONS)
        self._enum("ha_type", pg.ha_type, HA_TYPES)
        if options.provider is not None and options.provider not in PROVIDERS:
            raise self.invalid(("options", "provider"), "Postgres services run on aws only")
        tags = [{"key": IDEMPOTENCY_TAG, "value": tag}] if tag else None
        derived = [f for f in ("from_database", "read_replica_of") if getattr(pg, f)]
        if len(derived) > 1:
            raise self.invalid(
                (*_POSTGRES, derived[1]), "give one of fromDatabaseId, readReplicaOfId"
            )
        if derived:
            return self._derived_body(name, options, pg, derived[0], tags)
        missing = [f for f in ("region",) if getattr(options, f) is None]
        if missing:
            raise self.invalid(("options", missing[0]), "required for a new Postgres service")
        if pg.size is None:
            raise self.invalid((*_POSTGRES, "size"), "required for a new Postgres service")
        if pg.restore_to is not None:
            raise self.invalid((*_POSTGRES, "restore_to"), "only with fromDatabaseId")
        body: JSON = {"name": name, "provider": "aws", "region": options.region, "size": pg.size}
        for field, value in (("postgresVersion", pg.postgres_version), ("haType", pg.ha_type)):
            if value is not None:
                body[field] = value
        if tags:
            body["tags"] = tags
        return "create", None, body

    def _derived_body(
        self,
        name: str,
        options: ClickHouseCreateOptions,
        pg: ClickHousePostgresCreateOptions,
        field: str,
        tags: list[JSON] | None,
    ) -> tuple[str, Key | None, JSON]:
        # a restore or a replica keeps its source's placement, version and size
        for given in ("size", "postgres_version", "ha_type"):
            if getattr(pg, given) is not None:
                raise self.invalid((*_POSTGRES, given), "taken from the source service")
        for given in ("provider", "region"):
            if getattr(options, given) is not None:
                raise self.invalid(("options", given), "taken from the source service")
        source = getattr(pg, field)
        if len(source) != 3 or source[1] != mapping.POSTGRES:
            raise self.invalid((*_POSTGRES, field), "must name a Postgres service")
        body: JSON = {"name": name}
        if tags:
            body["tags"] = tags
        if field == "read_replica_of":
            if pg.restore_to is not None:
                raise self.invalid((*_POSTGRES, "restore_to"), "only with fromDatabaseId")
            return "replica", source, body
        if pg.restore_to is None:
            raise self.invalid((*_POSTGRES, "restore_to"), "required with fromDatabaseId")
        return "restore", source, body | {"restoreTarget": iso(pg.restore_to)}

    def patch_body(self, name: str | None, options: ClickHousePostgresUpdateOptions | None) -> JSON:
        self.name(name)
        body: JSON = {} if name is None else {"name": name}
        if options is not None:
            self._enum("size", options.size, SIZES)
            self._enum("ha_type", options.ha_type, HA_TYPES)
            body |= {k: v for k, v in (("size", options.size), ("haType", options.ha_type)) if v}
        if not body:
            raise self.invalid(("name",), "nothing to change: give a name or postgres options")
        return body
