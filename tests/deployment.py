"""A deployment of real processes: N ``dbaas-gateway serve`` instances, one redis-server
and one vendor simulator on a socket (``dbaas-gateway simulator``), as an operator runs
them behind a load balancer. Tests kill, pause and restart any of them.

Every gateway has the same configuration: one ClickHouse connection to the simulator's
demo account "acme", the Redis backend with the deployment's cache key secret, open
client authentication, and no per-caller rate limit unless a test sets one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.benchmarks.procs import ROOT, free_port, stop, wait_ready
from tests.gateway_client import with_open_auth
from tests.redis_server import CACHE_KEY, CACHE_KEY_ENV, CACHE_KEY_TOML, RedisServer, running_redis

#: the connection every instance has
CONNECTION = "ch-acme"


@dataclass
class Instance:
    """One gateway process."""

    url: str
    proc: subprocess.Popen[bytes]

    def post(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole answer (data and errors) of one GraphQL request."""
        response = httpx.post(
            f"{self.url}/graphql", json={"query": document, "variables": variables}, timeout=60
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.post(document, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def ready(self) -> dict[str, Any]:
        body: dict[str, Any] = httpx.get(f"{self.url}/readyz", timeout=10).json()
        return body

    def backend(self) -> str:
        return str(self.ready()["cache"]["backend"])

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def kill(self) -> None:
        """Gone at once, as a crash: no shutdown, no lease released."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def spawn(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``python args...`` from this checkout, its output appended to ``log`` (a pipe
    nobody reads would block a chatty process once full)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    with open(log, "ab") as output:
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**os.environ, **(env or {}), "PYTHONPATH": path},
            stdout=output,
            stderr=subprocess.STDOUT,
        )


@dataclass
class Deployment:
    redis: RedisServer
    simulator_url: str
    config: Path
    env: dict[str, str]
    instances: list[Instance] = field(default_factory=list)
    #: the gateways' log level (each writes to gateway-N.log beside the configuration)
    log_level: str = "warning"

    def start_instance(self) -> Instance:
        port = free_port()
        args = ["-m", "gateway.cli", "serve", "--config", str(self.config), "--port", str(port)]
        args += ["--log-level", self.log_level]
        log = self.config.parent / f"gateway-{len(self.instances) + 1}.log"
        instance = Instance(f"http://127.0.0.1:{port}", spawn(args, log, self.env))
        self.instances.append(instance)
        wait_ready(instance.proc, f"{instance.url}/readyz")
        return instance

    def writes(self) -> list[dict[str, Any]]:
        """Every write the simulator received: ``{"method", "path", "status"}``, in order."""
        body = httpx.get(f"{self.simulator_url}/_simulator/requests", timeout=10).json()
        return list(body["writes"])

    def requests(self) -> int:
        body = httpx.get(f"{self.simulator_url}/_simulator/requests", timeout=10).json()
        return int(body["total"])


def gateway_config(
    redis_url: str, simulator_url: str, extra: str = ""
) -> tuple[str, dict[str, str]]:
    accounts = httpx.get(f"{simulator_url}/_simulator/accounts", timeout=10).json()
    acme = next(a for a in accounts if a["organization"] == "acme")
    env = {CACHE_KEY_ENV: CACHE_KEY}
    lines = [
        "[[connections]]",
        f'name = "{CONNECTION}"',
        'vendor = "clickhouse"',
        f'base_url = "{simulator_url}"',
        # the documented 10 per 10 s would make every test wait on pacing
        "rate_limit_requests = 1000",
        "rate_limit_window_seconds = 1",
    ]
    for key, value in acme["secrets"].items():
        variable = f"DEPLOYMENT_ACME_{key}".upper()
        lines.append(f'{key}_env = "{variable}"')
        env[variable] = value
    text = "\n".join(lines) + "\n"
    text += f'\n[cache]\nbackend = "redis"\nurl = "{redis_url}"\n{CACHE_KEY_TOML}'
    return with_open_auth(text + extra), env


@contextlib.contextmanager
def deployment(
    instances: int,
    *,
    extra: str = "",
    simulator_args: tuple[str, ...] = (),
    log_level: str = "warning",
    keep_logs: Path | None = None,
) -> Iterator[Deployment]:
    """``instances`` gateways on one Redis and one ClickHouse simulator; ``extra`` is
    appended to their configuration (``[cache.ttl]``, ``[subscriptions]`` ...)."""
    port = free_port()
    args = ["-m", "gateway.cli", "simulator", "--vendor", "clickhouse", "--port", str(port)]
    simulator_url = f"http://127.0.0.1:{port}"
    started: Deployment | None = None
    with running_redis() as redis, tempfile.TemporaryDirectory(prefix="dbgw-fleet-") as tmp:
        log = Path(tmp) / "simulator.log"
        simulator = spawn([*args, "--log-level", "warning", *simulator_args], log)
        try:
            wait_ready(simulator, f"{simulator_url}/_simulator/requests")
            text, env = gateway_config(redis.url, simulator_url, extra)
            config = Path(tmp) / "gateway.toml"
            config.write_text(text)
            started = Deployment(redis, simulator_url, config, env, log_level=log_level)
            for _ in range(instances):
                started.start_instance()
            yield started
        finally:
            if started is not None:
                for instance in started.instances:
                    stop(instance.proc)
            stop(simulator)
            if keep_logs is not None:
                keep_logs.mkdir(parents=True, exist_ok=True)
                for log in Path(tmp).glob("*.log"):
                    shutil.copy(log, keep_logs / log.name)
