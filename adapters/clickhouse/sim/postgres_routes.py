"""Route handlers of the ClickHouse Cloud simulator for managed Postgres services: every
``/postgres`` operation of the 2026-06 OpenAPI spec.

Request bodies and query parameters are validated against the spec's own schemas
(``current_spec``). Our reading where the spec is silent: a service being deleted takes no
more writes (409); the superuser is ``postgres``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from starlette.responses import PlainTextResponse, Response

from adapters.clickhouse.sim import current_spec as spec
from adapters.clickhouse.sim import seed_data as sd
from adapters.clickhouse.sim.query_executions import executions
from adapters.clickhouse.sim.state import Ctx, OrgState, SimulatorBase, _generate
from adapters.clickhouse.sim.validation import JSON, ApiError, _fail, _iso

ORG = "/v1/organizations/{organizationId}"
PG = ORG + "/postgres/{postgresId}"
#: the fields of a service the list shows (``PostgresServiceListItem``)
LIST_FIELDS = tuple(spec.COMPONENTS["PostgresServiceListItem"]["properties"])
#: states a write waits out; each settles to running (deleting: removed)
TRANSITIONAL = ("creating", "restarting", "replaying_wal", "restoring_backup", "finalizing_restore")
SUPERUSER = "postgres"
_CONFIG_PARTS = ("pgConfig", "pgBouncerConfig")
#: the query parameters that, with its ID, name one slow query pattern
_PATTERN_KEYS = (("db_name", "dbName"), ("db_user", "dbUser"), ("db_operation", "dbOperation"))


class PostgresRoutes(SimulatorBase):
    """Handlers for ``/v1/organizations/{organizationId}/postgres``."""

    def postgres_routes(self) -> list[tuple[str, str, Any, bool]]:
        return [
            ("GET", ORG + "/postgres", self._list_postgres, False),
            ("POST", ORG + "/postgres", self._create_postgres, False),
            ("GET", ORG + "/postgres/prometheus", self._org_postgres_prometheus, False),
            ("GET", PG, self._get_postgres, False),
            ("PATCH", PG, self._patch_postgres, False),
            ("DELETE", PG, self._delete_postgres, False),
            ("GET", PG + "/caCertificates", self._postgres_ca_certificates, False),
            ("POST", PG + "/restoredService", self._restore_postgres, False),
            ("PATCH", PG + "/password", self._postgres_password, False),
            ("PATCH", PG + "/state", self._postgres_state, False),
            ("POST", PG + "/readReplica", self._postgres_read_replica, False),
            ("GET", PG + "/config", self._get_postgres_config, False),
            ("POST", PG + "/config", self._replace_postgres_config, False),
            ("PATCH", PG + "/config", self._patch_postgres_config, False),
            ("GET", PG + "/prometheus", self._postgres_prometheus, False),
            ("GET", PG + "/metrics", self._postgres_metrics, False),
            ("GET", PG + "/slowQueryPatterns", self._slow_query_patterns, False),
            ("GET", PG + "/slowQueryPatterns/{queryId}", self._slow_query_pattern, False),
        ]

    # --- records --------------------------------------------------------------------------

    def add_postgres(
        self, organization_id: str, name: str, *, password: str | None = None, **fields: Any
    ) -> JSON:
        """Add a Postgres service: by default a running 17 on m6gd.large in us-east-1."""
        service_id = fields.pop("id", None) or self._new_id("postgres")
        host = f"{service_id.replace('-', '')[:12]}.postgres.clickhouse.cloud"
        record = self._record(
            {
                "id": service_id,
                "name": name,
                "provider": "aws",
                "region": "us-east-1",
                "postgresVersion": "17",
                "size": "m6gd.large",
                "haType": "none",
                "tags": [],
                "storageSize": 100,
                "state": "running",
                "createdAt": _iso(self.wall_clock()),
                "isPrimary": True,
                "username": SUPERUSER,
                "hostname": host,
            },
            fields,
        )
        org = self.state.organizations[organization_id]
        org.postgres[record["id"]] = record
        org.postgres_passwords[record["id"]] = password or _generate("", 24)
        org.postgres_configs[record["id"]] = {
            "pgConfig": {"max_connections": "200"},
            "pgBouncerConfig": {"default_pool_size": "16"},
        }
        return record

    def _pg(self, ctx: Ctx, *, live: bool = False) -> JSON:
        record = self._find(ctx.org.postgres, ctx.params["postgresId"], "Postgres service")
        if live and record["state"] == "deleting":
            raise ApiError(409, f"Postgres service {record['id']} is being deleted")
        return record

    def _pg_full(self, org: OrgState, record: JSON) -> JSON:
        """``PostgresService``: the record with its connection details and password."""
        password = org.postgres_passwords[record["id"]]
        uri = f"postgres://{SUPERUSER}:{password}@{record['hostname']}:5432/postgres"
        return record | {"password": password, "connectionString": uri}

    # --- handlers -------------------------------------------------------------------------

    async def _list_postgres(self, ctx: Ctx) -> Any:
        return [{k: r[k] for k in LIST_FIELDS if k in r} for r in ctx.org.postgres.values()]

    async def _get_postgres(self, ctx: Ctx) -> Any:
        return self._pg_full(ctx.org, self._pg(ctx))

    async def _create_postgres(self, ctx: Ctx) -> Any:
        body = await spec.body(ctx, "POST", ORG + "/postgres")
        config: JSON = {k: body.pop(k) for k in _CONFIG_PARTS if k in body}
        record = self.add_postgres(ctx.org.organization["id"], **body)
        ctx.org.postgres_configs[record["id"]].update(config)
        self._begin(ctx.org, record, "creating")
        self._audit(ctx, "postgres_create")
        return self._pg_full(ctx.org, record)

    async def _patch_postgres(self, ctx: Ctx) -> Any:
        record = self._pg(ctx, live=True)
        record.update(await spec.body(ctx, "PATCH", PG))
        return self._pg_full(ctx.org, record)

    async def _delete_postgres(self, ctx: Ctx) -> Any:
        record = self._pg(ctx)
        self._begin(ctx.org, record, "deleting")
        self._audit(ctx, "postgres_delete")
        return None

    async def _postgres_ca_certificates(self, ctx: Ctx) -> Any:
        record = self._pg(ctx)
        digest = hashlib.sha256(record["id"].encode()).hexdigest()
        pem = f"-----BEGIN CERTIFICATE-----\nMIIB{digest}\n-----END CERTIFICATE-----\n"
        return Response(
            pem,
            media_type="application/x-pem-file",
            headers={"Content-Disposition": 'attachment; filename="postgres-ca-certificate.pem"'},
        )

    def _derived(self, ctx: Ctx, source: JSON, body: JSON, state: str, primary: bool) -> JSON:
        config: JSON = {k: body.pop(k) for k in _CONFIG_PARTS if k in body}
        fields = {k: source[k] for k in ("provider", "region", "postgresVersion", "size")}
        record = self.add_postgres(
            ctx.org.organization["id"], **(fields | body | {"isPrimary": primary})
        )
        ctx.org.postgres_configs[record["id"]].update(config)
        self._begin(ctx.org, record, state)
        return self._pg_full(ctx.org, record)

    async def _restore_postgres(self, ctx: Ctx) -> Any:
        source = self._pg(ctx, live=True)
        body = await spec.body(ctx, "POST", PG + "/restoredService")
        target = datetime.fromisoformat(body.pop("restoreTarget").replace("Z", "+00:00"))
        if target < datetime.fromisoformat(source["createdAt"].replace("Z", "+00:00")):
            raise _fail("restoreTarget is before the service was created")
        if target > self.wall_clock():
            raise _fail("restoreTarget is in the future")
        return self._derived(ctx, source, body, "restoring_backup", primary=True)

    async def _postgres_read_replica(self, ctx: Ctx) -> Any:
        source = self._pg(ctx, live=True)
        body = await spec.body(ctx, "POST", PG + "/readReplica")
        return self._derived(ctx, source, body, "creating", primary=False)

    async def _postgres_password(self, ctx: Ctx) -> Any:
        record = self._pg(ctx, live=True)
        body = await spec.body(ctx, "PATCH", PG + "/password")
        if "password" in body:
            ctx.org.postgres_passwords[record["id"]] = body["password"]
            return {}
        password = _generate("", 24)
        ctx.org.postgres_passwords[record["id"]] = password
        return {"password": password}

    async def _postgres_state(self, ctx: Ctx) -> Any:
        record = self._pg(ctx, live=True)
        body = await spec.body(ctx, "PATCH", PG + "/state")
        command = body.get("command")
        if command is None:
            raise _fail("command is required")
        if (
            command in ("promote", "switchover")
            and record["haType"] == "none"
            and record.get("isPrimary", True)
        ):
            raise ApiError(409, f"{command} needs a standby: the service has haType none")
        if command == "promote":
            record["isPrimary"] = True
        self._begin(ctx.org, record, "restarting")
        return self._pg_full(ctx.org, record)

    async def _get_postgres_config(self, ctx: Ctx) -> Any:
        return ctx.org.postgres_configs[self._pg(ctx)["id"]]

    async def _replace_postgres_config(self, ctx: Ctx) -> Any:
        record = self._pg(ctx, live=True)
        body = await spec.body(ctx, "POST", PG + "/config")
        ctx.org.postgres_configs[record["id"]] = body
        return body | {"message": "Configuration replaced; changes apply after a restart"}

    async def _patch_postgres_config(self, ctx: Ctx) -> Any:
        record = self._pg(ctx, live=True)
        body = await spec.body(ctx, "PATCH", PG + "/config")
        config = ctx.org.postgres_configs[record["id"]]
        for part in _CONFIG_PARTS:
            config[part] = config[part] | body[part]
        return config | {"message": "Configuration updated; changes apply after a restart"}

    async def _org_postgres_prometheus(self, ctx: Ctx) -> Any:
        lines = [_metric_line(ctx.org, r) for r in ctx.org.postgres.values()]
        return PlainTextResponse("".join(lines))

    async def _postgres_prometheus(self, ctx: Ctx) -> Any:
        return PlainTextResponse(_metric_line(ctx.org, self._pg(ctx)))

    async def _postgres_metrics(self, ctx: Ctx) -> Any:
        record = self._pg(ctx)
        query = spec.query(ctx, "GET", PG + "/metrics")
        start, end = _window(query["from_date"], query["to_date"])
        bucket = int(query.get("bucket_size_seconds") or 3600)
        seed = int(hashlib.sha256(record["id"].encode()).hexdigest()[:6], 16)
        first, last = int(start.timestamp()), int(end.timestamp())
        points = [
            {"timestamp": at, "value": float((seed + n) % 100)}
            for n, at in enumerate(range(first, last, bucket))
        ][:500]
        return {
            "metrics": [
                {
                    "key": "cpu_usage",
                    "name": "CPU usage",
                    "unit": "%",
                    "description": "CPU used by the Postgres server",
                    "series": [{"label": "total", "dataPoints": points}],
                }
            ]
        }

    async def _slow_query_patterns(self, ctx: Ctx) -> Any:
        record = self._pg(ctx)
        query = spec.query(ctx, "GET", PG + "/slowQueryPatterns")
        _window(query["from_date"], query["to_date"])
        patterns = [
            p
            for p in sd.postgres_slow_queries(record["id"])
            if all(
                query.get(param) in (None, p[field])
                for param, field in (
                    ("db_name", "dbName"),
                    ("db_user", "dbUser"),
                    ("db_operation", "dbOperation"),
                    ("app", "app"),
                )
            )
        ]
        key = _SORT_FIELDS[query["sort_by"]]
        patterns.sort(key=lambda p: p[key], reverse=query["sort_order"] == "desc")
        return patterns[query["offset"] : query["offset"] + query["limit"]]

    async def _slow_query_pattern(self, ctx: Ctx) -> Any:
        record = self._pg(ctx)
        query = spec.query(ctx, "GET", PG + "/slowQueryPatterns/{queryId}")
        for pattern in sd.postgres_slow_queries(record["id"]):
            if pattern["queryId"] == ctx.params["queryId"] and all(
                query[p] == pattern[f]
                for p, f in (
                    ("db_name", "dbName"),
                    ("db_user", "dbUser"),
                    ("db_operation", "dbOperation"),
                )
            ):
                recent = executions(pattern, query.get("timestamp"))
                return {"aggregate": pattern, "recentExecutions": recent}
        raise ApiError(404, f"Query pattern {ctx.params['queryId']} not found")

    def _finish_postgres(self, org: OrgState, record_id: str) -> None:
        record = org.postgres.get(record_id)
        if record is None:
            return
        if record["state"] == "deleting":
            for store in (org.postgres, org.postgres_passwords, org.postgres_configs):
                store.pop(record_id, None)
        elif record["state"] in TRANSITIONAL:
            record["state"] = "running"


_SORT_FIELDS = {
    "total_duration": "totalDurationUs",
    "avg_duration": "avgDurationUs",
    "call_count": "callCount",
    "total_blks_read": "totalSharedBlksRead",
    "total_cpu_time": "totalCpuTimeUs",
    "error_count": "errorCount",
    "max_duration": "maxDurationUs",
    "p50_duration": "p50DurationUs",
    "p95_duration": "p95DurationUs",
    "p99_duration": "p99DurationUs",
    "total_rows": "totalRows",
    "total_shared_blks_hit": "totalSharedBlksHit",
    "total_wal_bytes": "totalWalBytes",
}


def _window(from_date: str, to_date: str) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(from_date.replace("Z", "+00:00"))
    end = datetime.fromisoformat(to_date.replace("Z", "+00:00"))
    if end <= start:
        raise _fail("to_date must be after from_date")
    return start, end


def _metric_line(org: OrgState, record: JSON) -> str:
    labels = f'clickhouse_org="{org.organization["id"]}",postgres_service="{record["id"]}"'
    return (
        "# HELP pg_up Whether the Postgres server is up\n# TYPE pg_up gauge\n"
        f"pg_up{{{labels}}} {1 if record['state'] == 'running' else 0}\n"
    )
