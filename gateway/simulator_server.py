"""``dbaas-gateway simulator``: one vendor's simulator on a real socket, shared by gateways.

Several gateway processes (or a benchmark) reach it as an ordinary, non-simulated
connection: ``base_url`` is the server's URL and the credentials are ones the simulator
accepts, given to the gateway through environment variables. At startup it prints a
configuration snippet with those variables.

Besides the vendor's own paths it answers, under ``/_simulator/`` (a prefix no vendor
uses):

    GET  /_simulator/requests   {"total": N, "by_status": {"200": n, "429": m, ...},
                                 "writes": [{"method", "path", "status"}, ...]}
    POST /_simulator/reset      forget the requests counted so far
    GET  /_simulator/accounts   [{"organization", "secrets", "options"}, ...]
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from adapters import registry
from adapters.model import Vendor
from adapters.registry import VENDORS
from adapters.simulation.scale import Scale, ScaledAccount, ScaledSimulator
from adapters.simulation.seeding import scaled_simulator
from gateway.config_values import COUNT, POSITIVE_SECONDS

ADMIN_PREFIX = "/_simulator/"


def build_simulator(
    vendor: Vendor,
    *,
    scale: Scale | None = None,
    seed: int = 0,
    rate_limit: tuple[int, float] | None = None,
    latency_ms: float = 0.0,
) -> ScaledSimulator:
    """The vendor's simulator seeded at ``scale`` (None: its demo seed data)."""
    options: dict[str, Any] = {}
    if rate_limit is not None:
        # a vendor that documents a rate limit has a simulator that can enforce one
        if VENDORS[vendor].documented_rate_limit is None:
            limited = [v for v, spec in VENDORS.items() if spec.documented_rate_limit]
            raise ValueError(
                f"--rate-limit: the {vendor} simulator enforces no rate limit (only "
                f"{', '.join(limited)} document one)"
            )
        options["rate_limit"] = rate_limit
    if scale is not None:
        scaled = scaled_simulator(vendor.value, scale, seed=seed, **options)
    else:
        sim = VENDORS[vendor].simulator(**options)
        scaled = ScaledSimulator(vendor.value, [sim], demo_accounts(vendor), lambda s, _: True)
    if latency_ms > 0:
        scaled.add_latency(latency_ms / 1000)
    return scaled


def demo_accounts(vendor: Vendor) -> list[ScaledAccount]:
    """The demo seed's accounts this server can serve (``VendorSpec.socket_accounts``)."""
    spec = VENDORS[vendor]
    secret_fields = {f.name for f in spec.fields if f.secret}
    accounts: list[ScaledAccount] = []
    for name, values in spec.demo_accounts.items():
        if spec.socket_accounts is not None and name not in spec.socket_accounts:
            continue
        secrets = {k: v for k, v in values.items() if k in secret_fields}
        options = {k: v for k, v in values.items() if k not in secret_fields}
        accounts.append(ScaledAccount(name, secrets, options))
    return accounts


class SimulatorServer:
    """ASGI: the admin paths, else the vendor's simulator(s)."""

    def __init__(self, scaled: ScaledSimulator) -> None:
        self.scaled = scaled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(ADMIN_PREFIX):
            await self._admin(scope, send, path.removeprefix(ADMIN_PREFIX))
            return
        app: ASGIApp = self.scaled.app
        await app(scope, receive, send)

    async def _admin(self, scope: Scope, send: Send, what: str) -> None:
        method = scope["method"]
        body: Any
        if what == "requests" and method == "GET":
            entries = self.scaled.requests()
            by_status = Counter(str(e.status) for e in entries)
            # every write, in order: what a test counts creates by (status 0: no answer)
            writes = [
                {"method": e.method, "path": e.path, "status": e.status}
                for e in entries
                if e.method not in ("GET", "HEAD")
            ]
            body = {
                "total": len(entries),
                "by_status": dict(sorted(by_status.items())),
                "writes": writes,
            }
        elif what == "reset" and method == "POST":
            self.scaled.clear_logs()
            body = {"ok": True}
        elif what == "accounts" and method == "GET":
            body = [asdict(a) for a in self.scaled.accounts]
        else:
            await _json(send, 404, {"error": f"no {method} /_simulator/{what}"})
            return
        await _json(send, 200, body)


async def _json(send: Send, status: int, body: Any) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def connection_snippet(
    vendor: Vendor, base_url: str, accounts: Sequence[ScaledAccount]
) -> tuple[str, Mapping[str, str]]:
    """``[[connections]]`` TOML for each account, and the environment it names."""
    lines: list[str] = []
    env: dict[str, str] = {}
    for n, account in enumerate(accounts, start=1):
        name = f"{vendor.value}-{n}"
        lines += ["[[connections]]", f'name = "{name}"', f'vendor = "{vendor.value}"']
        lines.append(f'base_url = "{base_url}"')
        lines += [f"{key} = {json.dumps(value)}" for key, value in account.options.items()]
        for key, value in account.secrets.items():
            variable = f"SIM_{vendor.value}_{n}_{key}".upper()
            lines.append(f'{key}_env = "{variable}"')
            env[variable] = value
        lines.append("")
    return "\n".join(lines), env


def parse_rate_limit(text: str) -> tuple[int, float]:
    """``"10/10"``: 10 requests per 10 seconds (finite, as every configured number)."""
    requests, _, seconds = text.partition("/")
    try:
        return (COUNT.parse(requests), POSITIVE_SECONDS.parse(seconds))
    except ValueError:
        raise ValueError(
            f"--rate-limit must look like 10/10 (requests/seconds), not {text!r}"
        ) from None


def serve_simulator(
    scaled: ScaledSimulator, host: str, port: int, log_level: str, description: str
) -> int:
    """Print where it listens and how to configure a gateway for it, then serve."""
    import uvicorn

    vendor = registry.vendor(scaled.vendor)
    shown_host = f"[{host}]" if ":" in host else host
    base_url = f"http://{shown_host}:{port}"
    snippet, env = connection_snippet(vendor, base_url, scaled.accounts)
    print(f"dbaas-gateway: {vendor.value} simulator at {base_url} ({description})", flush=True)
    print("# gateway configuration for it (credentials in the environment):")
    print(snippet)
    print("\n".join(f"# export {name}={value}" for name, value in env.items()), flush=True)
    uvicorn.run(SimulatorServer(scaled), host=host, port=port, log_level=log_level)
    return 0
