"""The simulated vendors a benchmark runs against, and gateway configurations for them.

Simulators run as ``dbaas-gateway simulator`` child processes (one per vendor, every
organization of the scale in it), so gateways reach them over real sockets and their
work does not share the gateway's interpreter; the benchmark reads their request logs
from ``/_simulator/requests``.
"""

from __future__ import annotations

import functools
import json
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters.registry import VENDORS as REGISTERED
from adapters.registry import builtin_names
from adapters.simulation.scale import Scale, ScaledAccount
from tests.benchmarks import procs
from tests.gateway_client import with_open_auth

#: the product's vendors (a vendor only a test registers has no simulator command)
VENDORS = builtin_names()

#: Enough concurrency that the widest step of the dashboard (every backups list of an
#: organization at once) goes out in one round, so latency is compared with the chain of
#: dependent calls; and no pacing (a vendor with a documented rate limit is paced to it by
#: default): latency scenarios measure latency, scale-out pacing.
UNPACED_HTTP: dict[str, dict[str, Any]] = {
    vendor: {"max_concurrency": 64}
    | (
        {"rate_limit_requests": 100_000, "rate_limit_window_seconds": 1}
        if REGISTERED[vendor].documented_rate_limit
        else {}
    )
    for vendor in VENDORS
}


@functools.cache
def control() -> httpx.Client:
    """The one client of every call to a simulator's control endpoints. ``httpx.get`` makes
    a client, and a TLS context, per call: twelve a dashboard sample, whose garbage, left
    in reference cycles, was then collected inside the gateway's measured CPU."""
    return httpx.Client(timeout=10)


@dataclass
class SimulatorProcess:
    """One vendor's simulator server and the accounts it seeded."""

    vendor: str
    url: str
    proc: subprocess.Popen[bytes]
    accounts: list[ScaledAccount] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        """``{"total": N, "by_status": {"200": n, ...}}`` since the last reset."""
        body: dict[str, Any] = control().get(f"{self.url}/_simulator/requests").json()
        return body

    def calls(self) -> int:
        return int(self.counts()["total"])

    def reset(self) -> None:
        control().post(f"{self.url}/_simulator/reset").raise_for_status()


def start_simulators(
    vendors: Iterable[str],
    scale: Scale,
    *,
    latency_ms: float = 0.0,
    rate_limits: Mapping[str, str] | None = None,
    seed: int = 0,
) -> list[SimulatorProcess]:
    """Start one simulator server per vendor (at once) and wait until all answer."""
    limits = rate_limits or {}
    started: list[SimulatorProcess] = []
    try:
        for vendor in vendors:
            started.append(spawn_simulator(vendor, scale, latency_ms, limits.get(vendor), seed))
        for sim in started:
            wait_simulator(sim)
    except BaseException:
        stop_simulators(started)
        raise
    return started


def spawn_simulator(
    vendor: str, scale: Scale, latency_ms: float = 0.0, rate_limit: str | None = None, seed: int = 0
) -> SimulatorProcess:
    """Start one simulator server; ``wait_simulator`` until it answers."""
    port = procs.free_port()
    args = ["-m", "gateway.cli", "simulator", "--vendor", vendor, "--port", str(port)]
    args += ["--scale", str(scale), "--seed", str(seed), "--log-level", "warning"]
    if latency_ms:
        args += ["--latency-ms", str(latency_ms)]
    if rate_limit:
        args += ["--rate-limit", rate_limit]
    return SimulatorProcess(vendor, f"http://127.0.0.1:{port}", procs.spawn(args))


def wait_simulator(sim: SimulatorProcess) -> SimulatorProcess:
    procs.wait_ready(sim.proc, f"{sim.url}/_simulator/requests")
    accounts = httpx.get(f"{sim.url}/_simulator/accounts", timeout=10).json()
    sim.accounts = [ScaledAccount(**a) for a in accounts]
    sim.reset()
    return sim


def stop_simulators(sims: Iterable[SimulatorProcess]) -> None:
    for sim in sims:
        procs.stop(sim.proc)


@dataclass(frozen=True)
class Connection:
    """One gateway connection to one seeded organization."""

    vendor: str
    account: ScaledAccount
    #: the simulator server's URL; None: the built-in simulator, in process
    base_url: str | None = None


def connections_of(sims: Sequence[SimulatorProcess]) -> list[Connection]:
    return [Connection(s.vendor, a, s.url) for s in sims for a in s.accounts]


def gateway_config(
    connections: Sequence[Connection],
    *,
    http: Mapping[str, Mapping[str, Any]] | None = None,
    extra: str = "",
) -> tuple[str, dict[str, str]]:
    """TOML for these connections and the environment holding their credentials.

    ``http`` adds per-vendor keys (``max_concurrency``, ``rate_limit_requests`` ...);
    ``extra`` is appended as it is (a ``[cache]`` table, say).
    """
    lines: list[str] = []
    env: dict[str, str] = {}
    counters: dict[str, int] = {}
    for conn in connections:
        n = counters[conn.vendor] = counters.get(conn.vendor, 0) + 1
        lines += ["[[connections]]", f'name = "{conn.vendor}-{n}"', f'vendor = "{conn.vendor}"']
        if conn.base_url is None:
            lines.append("simulated = true")
        else:
            lines.append(f'base_url = "{conn.base_url}"')
        settings = {**conn.account.options, **(http or {}).get(conn.vendor, {})}
        lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
        for key, value in conn.account.secrets.items():
            variable = f"BENCH_{conn.vendor}_{n}_{key}".upper()
            lines.append(f'{key}_env = "{variable}"')
            env[variable] = value
        lines.append("")
    # benchmark gateways run without client authentication: every request is anonymous,
    # and one load generator is one caller, so the per-caller rate limit is off
    lines += ["", "[limits]", "rate_limit_requests = 0"]
    return with_open_auth("\n".join(lines)) + extra, env


@dataclass
class GatewayProcess:
    """``dbaas-gateway serve`` in a child process, on its own port."""

    url: str
    port: int
    proc: subprocess.Popen[bytes]

    def post(self, document: str, variables: dict[str, Any] | None = None) -> Any:
        """The data of one request; a GraphQL error is an error here."""
        response = httpx.post(
            f"{self.url}/graphql", json={"query": document, "variables": variables}, timeout=120
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"gateway answered {response.status_code}: {str(body)[:500]}")
        return body["data"]


def spawn_gateway(config: str, env: Mapping[str, str]) -> GatewayProcess:
    """Start a gateway on this configuration; ``wait_gateway`` until it is ready."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml", prefix="bench-", delete=False) as f:
        f.write(config)
    port = procs.free_port()
    args = ["-m", "gateway.cli", "serve", "--config", f.name, "--port", str(port)]
    args += ["--log-level", "warning"]
    return GatewayProcess(f"http://127.0.0.1:{port}", port, procs.spawn(args, env))


def wait_gateway(gateway: GatewayProcess) -> GatewayProcess:
    procs.wait_ready(gateway.proc, f"{gateway.url}/readyz")
    return gateway
