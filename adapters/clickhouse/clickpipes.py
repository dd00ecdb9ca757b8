"""A ClickHouse service's ClickPipes, CDC scaling and reverse private endpoints (2026-06
spec), read and written through the ``ClickHousePipes`` protocol. Every write is checked
by ``clickpipe_rules`` before its call; every answer is redacted by ``clickpipe_mapping``
before it is read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base import HttpAdapter
from adapters.clickhouse import clickpipe_mapping as m
from adapters.clickhouse import clickpipe_rules as rules
from adapters.clickhouse import mapping
from adapters.clickhouse.client import ClickHouseClient
from adapters.clickpipe_details import (
    CdcScaling,
    ClickPipe,
    NewReverseEndpoint,
    PipeScaling,
    PipeWrite,
    ReversePrivateEndpoint,
    SettingValue,
)
from adapters.errors import ErrorCode, GatewayError
from adapters.model import Key
from adapters.upstream.redact import REDACTED

PIPES = "clickpipes"
CDC = "clickpipesCdcScaling"
ENDPOINTS = "clickpipesReversePrivateEndpoints"


class ClickPipeAccess(HttpAdapter):
    client: ClickHouseClient

    def _pipe_service(self, database: Key) -> tuple[str, str]:
        if len(database) != 2 or database[1] == mapping.POSTGRES:
            raise GatewayError(
                ErrorCode.NOT_FOUND,
                f"clickhouse connection '{self.connection.name}' has no such ClickHouse service",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        return database[0], database[1]

    def _pipe_of(self, answer: Any) -> ClickPipe:
        found = m.pipe(answer)
        if found is None:
            raise self.http.bad_response("a ClickPipe answered without its ID")
        return found

    def _endpoint_of(self, answer: Any) -> ReversePrivateEndpoint:
        found = m.reverse_endpoint(answer)
        if found is None:
            raise self.http.bad_response("a reverse private endpoint answered without its ID")
        return found

    async def _pipe_write(
        self, method: str, database: Key, part: tuple[str, ...], body: Any
    ) -> Any:
        org, service = self._pipe_service(database)
        try:
            return await self.client.write_service_part(method, org, service, part, body)
        except GatewayError as exc:
            # the upstream policy scrubs the gateway's own secrets from vendor errors, not the
            # ones a pipe's source carries: a vendor quoting the body in its 400 would show them
            secrets = m.secrets_in(body) if body else set()
            message = exc.message
            for secret in sorted(secrets, key=len, reverse=True):
                message = message.replace(secret, REDACTED)
            if message != exc.message:
                exc.message = message
                exc.args = (message,)
            raise

    # --- pipes ----------------------------------------------------------------------------

    async def list_clickpipes(self, database: Key) -> list[ClickPipe]:
        org, service = self._pipe_service(database)
        listed = await self.client.service_list(org, service, PIPES)
        return [p for p in (m.pipe(a) for a in listed) if p is not None]

    async def get_clickpipe(self, database: Key, pipe: str) -> ClickPipe | None:
        org, service = self._pipe_service(database)
        pipe = rules.native_id(pipe, "pipe_id", self.invalid)
        body = await self._get_or_none(self.client.service_part(org, service, PIPES, pipe))
        return m.pipe(body) if body is not None else None

    async def create_clickpipe(self, database: Key, pipe: PipeWrite) -> ClickPipe:
        self._pipe_service(database)
        body = rules.create_body(pipe, self.invalid)
        return self._pipe_of(await self._pipe_write("POST", database, (PIPES,), body))

    async def update_clickpipe(self, database: Key, pipe: str, change: PipeWrite) -> ClickPipe:
        self._pipe_service(database)
        pipe = rules.native_id(pipe, "pipe_id", self.invalid)
        body = rules.update_body(change, self.invalid)
        return self._pipe_of(await self._pipe_write("PATCH", database, (PIPES, pipe), body))

    async def delete_clickpipe(self, database: Key, pipe: str) -> None:
        self._pipe_service(database)
        pipe = rules.native_id(pipe, "pipe_id", self.invalid)
        await self._pipe_write("DELETE", database, (PIPES, pipe), None)

    async def get_clickpipe_settings(
        self, database: Key, pipe: str
    ) -> dict[str, SettingValue] | None:
        org, service = self._pipe_service(database)
        pipe = rules.native_id(pipe, "pipe_id", self.invalid)
        body = await self._get_or_none(
            self.client.service_part(org, service, PIPES, pipe, "settings")
        )
        return m.settings(body) if body is not None else None

    async def set_clickpipe_settings(
        self, database: Key, pipe: str, settings: Mapping[str, SettingValue]
    ) -> dict[str, SettingValue]:
        self._pipe_service(database)
        pipe = rules.native_id(pipe, "pipe_id", self.invalid)
        body = rules.settings_body(settings, self.invalid, some=True)
        return m.settings(await self._pipe_write("PUT", database, (PIPES, pipe, "settings"), body))

    async def scale_clickpipe(self, database: Key, pipe: str, scaling: PipeScaling) -> ClickPipe:
        self._pipe_service(database)
        pipe = rules.native_id(pipe, "pipe_id", self.invalid)
        body = rules.scaling_body(scaling, self.invalid, some=True)
        return self._pipe_of(
            await self._pipe_write("PATCH", database, (PIPES, pipe, "scaling"), body)
        )

    async def change_clickpipe_state(self, database: Key, pipe: str, command: str) -> ClickPipe:
        self._pipe_service(database)
        pipe = rules.native_id(pipe, "pipe_id", self.invalid)
        if command not in rules.STATE_COMMANDS:
            raise self.invalid(("command",), f"must be one of {', '.join(rules.STATE_COMMANDS)}")
        body = {"command": command}
        return self._pipe_of(
            await self._pipe_write("PATCH", database, (PIPES, pipe, "state"), body)
        )

    # --- CDC scaling ----------------------------------------------------------------------

    async def get_cdc_scaling(self, database: Key) -> CdcScaling | None:
        org, service = self._pipe_service(database)
        body = await self._get_or_none(self.client.service_part(org, service, CDC))
        return m.cdc_scaling(body) if body is not None else None

    async def set_cdc_scaling(
        self, database: Key, cpu_millicores: int, memory_gb: float
    ) -> CdcScaling:
        self._pipe_service(database)
        body = rules.cdc_body(cpu_millicores, memory_gb, self.invalid)
        return m.cdc_scaling(await self._pipe_write("PATCH", database, (CDC,), body))

    # --- reverse private endpoints ----------------------------------------------------------

    async def list_reverse_private_endpoints(self, database: Key) -> list[ReversePrivateEndpoint]:
        org, service = self._pipe_service(database)
        listed = await self.client.service_list(org, service, ENDPOINTS)
        return [e for e in (m.reverse_endpoint(a) for a in listed) if e is not None]

    async def get_reverse_private_endpoint(
        self, database: Key, endpoint: str
    ) -> ReversePrivateEndpoint | None:
        org, service = self._pipe_service(database)
        endpoint = rules.native_id(endpoint, "endpoint_id", self.invalid)
        body = await self._get_or_none(self.client.service_part(org, service, ENDPOINTS, endpoint))
        return m.reverse_endpoint(body) if body is not None else None

    async def create_reverse_private_endpoint(
        self, database: Key, endpoint: NewReverseEndpoint
    ) -> ReversePrivateEndpoint:
        self._pipe_service(database)
        body = rules.endpoint_body(endpoint, self.invalid)
        return self._endpoint_of(await self._pipe_write("POST", database, (ENDPOINTS,), body))

    async def update_reverse_private_endpoint(
        self, database: Key, endpoint: str, dns_names: tuple[str, ...]
    ) -> ReversePrivateEndpoint:
        self._pipe_service(database)
        endpoint = rules.native_id(endpoint, "endpoint_id", self.invalid)
        body = {"customPrivateDnsMappings": rules.dns_mappings(dns_names, self.invalid)}
        return self._endpoint_of(
            await self._pipe_write("PATCH", database, (ENDPOINTS, endpoint), body)
        )

    async def delete_reverse_private_endpoint(self, database: Key, endpoint: str) -> None:
        self._pipe_service(database)
        endpoint = rules.native_id(endpoint, "endpoint_id", self.invalid)
        await self._pipe_write("DELETE", database, (ENDPOINTS, endpoint), None)
