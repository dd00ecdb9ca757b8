"""A ClickHouse service's ClickStack (2026-06 spec): dashboards and alerts (CRUD), sources
and webhooks (lists), read and written through the ``ClickHouseClickStack`` protocol. Every
write is checked by ``clickstack_rules`` before its call; every answer is read by
``clickstack_mapping``, which never reads a webhook's URL or body template. None of these
answers is kept across requests (``spec.py``'s cache table: ``clickstack``)."""

from __future__ import annotations

from typing import Any

from adapters.base import HttpAdapter
from adapters.clickhouse import clickstack_mapping as m
from adapters.clickhouse import clickstack_rules as rules
from adapters.clickhouse import mapping
from adapters.clickhouse.client import ClickHouseClient
from adapters.clickstack_details import (
    Alert,
    AlertWrite,
    Dashboard,
    DashboardWrite,
    Source,
    Webhook,
)
from adapters.errors import ErrorCode, GatewayError
from adapters.model import Key

STACK = "clickstack"
DASHBOARDS = "dashboards"
ALERTS = "alerts"


class ClickStackAccess(HttpAdapter):
    client: ClickHouseClient

    def _stack_service(self, database: Key) -> tuple[str, str]:
        if len(database) != 2 or database[1] == mapping.POSTGRES:
            raise GatewayError(
                ErrorCode.NOT_FOUND,
                f"clickhouse connection '{self.connection.name}' has no such ClickHouse service",
                connection=self.connection.name,
                vendor=self.connection.vendor.value,
            )
        return database[0], database[1]

    def _dashboard_of(self, answer: Any) -> Dashboard:
        found = m.dashboard(answer)
        if found is None:
            raise self.http.bad_response("a ClickStack dashboard answered without its ID")
        return found

    def _alert_of(self, answer: Any) -> Alert:
        found = m.alert(answer)
        if found is None:
            raise self.http.bad_response("a ClickStack alert answered without its ID")
        return found

    async def _stack_write(
        self, method: str, database: Key, part: tuple[str, ...], body: Any
    ) -> Any:
        org, service = self._stack_service(database)
        return await self.client.write_service_part(method, org, service, (STACK, *part), body)

    # --- dashboards -------------------------------------------------------------------------

    async def list_clickstack_dashboards(self, database: Key) -> list[Dashboard]:
        org, service = self._stack_service(database)
        listed = await self.client.service_list(org, service, STACK, DASHBOARDS)
        return [d for d in (m.dashboard(a) for a in listed) if d is not None]

    async def get_clickstack_dashboard(self, database: Key, dashboard: str) -> Dashboard | None:
        org, service = self._stack_service(database)
        dashboard = rules.native_id(dashboard, "dashboard_id", self.invalid)
        body = await self._get_or_none(
            self.client.service_part(org, service, STACK, DASHBOARDS, dashboard)
        )
        return m.dashboard(body) if body is not None else None

    async def create_clickstack_dashboard(
        self, database: Key, dashboard: DashboardWrite
    ) -> Dashboard:
        self._stack_service(database)
        body = rules.dashboard_body(dashboard, self.invalid, update=False)
        return self._dashboard_of(await self._stack_write("POST", database, (DASHBOARDS,), body))

    async def update_clickstack_dashboard(
        self, database: Key, dashboard: str, change: DashboardWrite
    ) -> Dashboard:
        self._stack_service(database)
        dashboard = rules.native_id(dashboard, "dashboard_id", self.invalid)
        body = rules.dashboard_body(change, self.invalid, update=True)
        answer = await self._stack_write("PUT", database, (DASHBOARDS, dashboard), body)
        return self._dashboard_of(answer)

    async def delete_clickstack_dashboard(self, database: Key, dashboard: str) -> None:
        self._stack_service(database)
        dashboard = rules.native_id(dashboard, "dashboard_id", self.invalid)
        await self._stack_write("DELETE", database, (DASHBOARDS, dashboard), None)

    # --- alerts -----------------------------------------------------------------------------

    async def list_clickstack_alerts(self, database: Key) -> list[Alert]:
        org, service = self._stack_service(database)
        listed = await self.client.service_list(org, service, STACK, ALERTS)
        return [a for a in (m.alert(x) for x in listed) if a is not None]

    async def get_clickstack_alert(self, database: Key, alert: str) -> Alert | None:
        org, service = self._stack_service(database)
        alert = rules.native_id(alert, "alert_id", self.invalid)
        body = await self._get_or_none(self.client.service_part(org, service, STACK, ALERTS, alert))
        return m.alert(body) if body is not None else None

    async def create_clickstack_alert(self, database: Key, alert: AlertWrite) -> Alert:
        self._stack_service(database)
        body = rules.alert_body(alert, self.invalid, create=True)
        return self._alert_of(await self._stack_write("POST", database, (ALERTS,), body))

    async def update_clickstack_alert(self, database: Key, alert: str, change: AlertWrite) -> Alert:
        self._stack_service(database)
        alert = rules.native_id(alert, "alert_id", self.invalid)
        body = rules.alert_body(change, self.invalid, create=False)
        return self._alert_of(await self._stack_write("PUT", database, (ALERTS, alert), body))

    async def delete_clickstack_alert(self, database: Key, alert: str) -> None:
        self._stack_service(database)
        alert = rules.native_id(alert, "alert_id", self.invalid)
        await self._stack_write("DELETE", database, (ALERTS, alert), None)

    # --- sources and webhooks ----------------------------------------------------------------

    async def list_clickstack_sources(self, database: Key) -> list[Source]:
        org, service = self._stack_service(database)
        listed = await self.client.service_list(org, service, STACK, "sources")
        return [s for s in (m.source(a) for a in listed) if s is not None]

    async def list_clickstack_webhooks(self, database: Key) -> list[Webhook]:
        org, service = self._stack_service(database)
        listed = await self.client.service_list(org, service, STACK, "webhooks")
        return [w for w in (m.webhook(a) for a in listed) if w is not None]
