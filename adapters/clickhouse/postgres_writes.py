"""ClickHouse-managed Postgres service writes: the ordinary mutations on a Postgres service's
key, one vendor call each after the spec's rules pass (``postgres_rules.py``).

What maps where: ``createDatabase`` with ``clickhouse.postgres`` is ``POST .../postgres``
(or ``.../restoredService`` with ``fromDatabaseId`` and ``restoreTo``, ``.../readReplica``
with ``readReplicaOfId``); ``updateDatabase`` is ``PATCH .../postgres/{id}``;
``deleteDatabase`` the DELETE and one read to tell a service being deleted from one gone;
``resetDatabasePassword`` is ``PATCH .../password`` without a password, so the vendor
generates one and answers it once. A Postgres service cannot be started, stopped or scaled
by memory: those are NOT_SUPPORTED before any call. ``Mutation.restartClickHousePostgres``
and ``updateClickHousePostgresConfig`` are the service's own writes.
"""

from __future__ import annotations

from adapters.base import HttpAdapter
from adapters.clickhouse import mapping
from adapters.clickhouse.client import ClickHouseClient
from adapters.clickhouse.postgres import config_of
from adapters.clickhouse.postgres_rules import PostgresRules
from adapters.commands import (
    ClickHouseCreateOptions,
    ClickHouseUpdateOptions,
    CreateDatabase,
    CreatedDatabase,
    DeletedDatabase,
    DeleteOutcome,
    PasswordReset,
    UpdateDatabase,
)
from adapters.details import PostgresConfig
from adapters.errors import ErrorCode, GatewayError
from adapters.model import DatabaseRecord, DatabaseStatus, Key

#: the commands of ``PATCH .../state`` (the spec's ``PostgresServiceSetState``)
STATE_COMMANDS = ("restart", "promote", "switchover")
#: at most this many settings in one config write (the spec's ``pgBouncerConfig``)
MAX_SETTINGS = 64


def _is_postgres(key: Key) -> bool:
    return len(key) == 3 and key[1] == mapping.POSTGRES


class PostgresWrites(HttpAdapter):
    """The Postgres half of ``ClickHouseWrites``."""

    client: ClickHouseClient

    @property
    def postgres_rules(self) -> PostgresRules:
        return PostgresRules(self.invalid)

    def _pg_key(self, database: Key) -> tuple[str, str]:
        if not _is_postgres(database):
            raise GatewayError(
                ErrorCode.NOT_FOUND,
                f"clickhouse connection '{self.connection.name}' has no such Postgres service",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        return database[0], database[2]

    def _not_for_postgres(self, database: Key, what: str) -> None:
        if _is_postgres(database):
            raise self.not_supported(f"{what} of a Postgres service")

    def _pg_record(self, org: str, body: dict[str, object]) -> DatabaseRecord:
        return self._map(mapping.postgres, org, body)

    async def _create_postgres(self, org: str, command: CreateDatabase) -> CreatedDatabase:
        options = command.options
        assert isinstance(options, ClickHouseCreateOptions)
        how, source, body = self.postgres_rules.create_body(command.name, options, command.tag)
        if source is not None and source[0] != org:
            field = "from_database" if how == "restore" else "read_replica_of"
            raise self.invalid(
                ("options", "postgres", field), "must be of the organization to create in"
            )
        if how == "restore":
            assert source is not None
            answer = await self.client.restore_postgres(org, source[2], body)
        elif how == "replica":
            assert source is not None
            answer = await self.client.create_postgres_read_replica(org, source[2], body)
        else:
            answer = await self.client.create_postgres(org, body)
        password = answer.get("password")
        return CreatedDatabase(
            database=self._pg_record(org, answer),
            password=password if isinstance(password, str) and password else None,
        )

    async def _update_postgres(self, command: UpdateDatabase) -> DatabaseRecord:
        org, postgres = self._pg_key(command.database)
        options = command.options
        pg = None
        if isinstance(options, ClickHouseUpdateOptions):
            if options.ip_access_list_add or options.ip_access_list_remove:
                raise self.invalid(("options", "ip_access_list_add"), "is for ClickHouse services")
            pg = options.postgres
        body = self.postgres_rules.patch_body(command.name, pg)
        return self._pg_record(org, await self.client.patch_postgres(org, postgres, body))

    async def _delete_postgres(self, database: Key) -> DeletedDatabase:
        org, postgres = self._pg_key(database)
        await self.client.delete_postgres(org, postgres)
        body = await self._get_or_none(self.client.postgres_service(org, postgres))
        if body is None:
            return DeletedDatabase(DeleteOutcome.DELETED)
        record = self._pg_record(org, body)
        gone = record.status is DatabaseStatus.DELETED
        return DeletedDatabase(DeleteOutcome.DELETED if gone else DeleteOutcome.DELETING, record)

    async def _reset_postgres_password(self, database: Key) -> PasswordReset:
        org, postgres = self._pg_key(database)
        answer = await self.client.reset_postgres_password(org, postgres)
        password = answer.get("password")
        if not isinstance(password, str) or not password:
            raise self.http.bad_response("password reset answered without a password")
        return PasswordReset(password=password, database=None)

    async def change_postgres_state(self, database: Key, command: str) -> DatabaseRecord:
        """``PATCH .../state``: restart, promote (a replica) or switchover (to a standby)."""
        org, postgres = self._pg_key(database)
        if command not in STATE_COMMANDS:
            raise self.invalid(("command",), f"must be one of {', '.join(STATE_COMMANDS)}")
        answer = await self.client.change_postgres_state(org, postgres, command)
        return self._pg_record(org, answer)

    async def write_postgres_config(
        self, database: Key, config: PostgresConfig, *, replace: bool
    ) -> PostgresConfig:
        """``POST .../config`` (replace) or ``PATCH`` (merge); both parts are required."""
        org, postgres = self._pg_key(database)
        for field, values in (
            ("pg_config", config.pg_config),
            ("pg_bouncer_config", config.pg_bouncer_config),
        ):
            if not values:
                raise self.invalid((field,), "needs at least one setting")
            if len(values) > MAX_SETTINGS:
                raise self.invalid((field,), f"takes at most {MAX_SETTINGS} settings")
        body = {"pgConfig": config.pg_config, "pgBouncerConfig": config.pg_bouncer_config}
        answer = await self.client.write_postgres_config(org, postgres, body, replace=replace)
        return config_of(answer)
