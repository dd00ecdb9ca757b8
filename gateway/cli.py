"""The ``dbaas-gateway`` command: serve, check-config, schema, simulator."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from adapters import registry
from adapters.simulation.fault_spec import FaultSpec, parse_fault_specs
from adapters.simulation.scale import Scale
from gateway.config import (
    CONFIG_ENV,
    ConfigError,
    GatewayConfig,
    config_warnings,
    load_config,
    load_demo_config,
)
from gateway.config_values import Number
from gateway.runtime import check_buildable
from gateway.server_settings import PROFILES

LOG_LEVELS = ("debug", "info", "warning", "error")


def _number(rule: Number) -> Callable[[str], Any]:
    """An argparse ``type`` reading an option as the configuration reads a number."""

    def number(text: str) -> Any:
        try:
            return rule.parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return number


def _add_serve_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--host", default=default("127.0.0.1"), help="interface to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=default(8000), help="TCP port to listen on (default 8000)"
    )
    parser.add_argument(
        "--config",
        default=default(None),
        metavar="PATH",
        help=f"TOML configuration file (default: ${CONFIG_ENV}; none: demo mode with simulators)",
    )
    parser.add_argument(
        "--transition-seconds",
        type=_number(Number()),
        default=default(3.0),
        metavar="SECONDS",
        help="how long simulated vendor work (create, start, stop, delete) takes (default 3)",
    )
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=default("info"),
        help="log verbosity (default info)",
    )
    parser.add_argument(
        "--log-format",
        choices=("json", "text"),
        default=default("json"),
        help="log lines as JSON objects (default) or plain text; both carry the request ID",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default=default(None),
        help="production: introspection and GraphiQL off unless the configuration turns "
        "them on, validation errors without field suggestions (default: [server] profile, "
        "else development)",
    )
    parser.add_argument(
        "--demo-faults",
        action="append",
        default=default(None),
        metavar="SPEC",
        help="inject faults into the simulators, e.g. clickhouse:latency=200ms,error_rate=0.2 "
        "(repeatable; see docs/fault-injection.md)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dbaas-gateway",
        description="One GraphQL API over the control planes of DBaaS vendors "
        f"({', '.join(spec.title for spec in registry.VENDORS.values())}). "
        "With no configuration it starts in demo mode against built-in simulators.",
    )
    _add_serve_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the gateway (the default command)")
    _add_serve_options(serve, suppress=True)
    check = commands.add_parser("check-config", help="validate a configuration file and exit")
    check.add_argument("path", help="TOML configuration file")
    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    schema.add_argument(
        "--format",
        choices=("sdl", "markdown"),
        default="sdl",
        help="sdl (default) or markdown: the schema reference of docs/schema.md",
    )
    _add_simulator_command(commands)
    return parser


def _add_simulator_command(commands: Any) -> None:
    sim = commands.add_parser(
        "simulator",
        help="serve one vendor's simulator on a port, shared by several gateways",
        description="Serve one vendor's simulator over HTTP; gateways reach it as a "
        "non-simulated connection (the startup output shows their configuration).",
    )
    sim.add_argument("--vendor", required=True, choices=list(registry.VENDORS))
    sim.add_argument("--host", dest="sim_host", default="127.0.0.1", help="default 127.0.0.1")
    sim.add_argument("--port", dest="sim_port", type=int, default=8100, help="default 8100")
    sim.add_argument("--scale", metavar="ORGSxDBS", help="seed 2x25: 2 orgs of 25 databases")
    sim.add_argument("--seed", type=int, default=0, help="seed of the scaled data (default 0)")
    sim.add_argument("--rate-limit", metavar="N/SECONDS", help="ClickHouse: answer 429 beyond")
    sim.add_argument("--latency-ms", type=_number(Number()), default=0.0, help="delay every answer")
    sim.add_argument("--log-level", choices=LOG_LEVELS, default=argparse.SUPPRESS)


def _simulator(args: argparse.Namespace) -> int:
    from gateway import simulator_server as server

    try:
        scale = Scale.parse(args.scale) if args.scale else None
        limit = server.parse_rate_limit(args.rate_limit) if args.rate_limit else None
        scaled = server.build_simulator(
            registry.vendor(args.vendor),
            scale=scale,
            seed=args.seed,
            rate_limit=limit,
            latency_ms=args.latency_ms,
        )
    except ValueError as exc:
        print(f"dbaas-gateway: {exc}", file=sys.stderr)
        return 2
    what = [f"{scale.organizations} org(s) x {scale.databases} databases" if scale else "demo data"]
    what += [f"rate limit {limit[0]}/{limit[1]:g} s"] if limit else []
    what += [f"latency {args.latency_ms:g} ms"] if args.latency_ms else []
    return server.serve_simulator(
        scaled, args.sim_host, args.sim_port, args.log_level, ", ".join(what)
    )


def _config_for_serve(path: str | None, profile: str | None = None) -> GatewayConfig:
    path = path or os.environ.get(CONFIG_ENV) or None
    config = load_config(path) if path else load_demo_config()
    return dataclasses.replace(config, server=config.server.with_profile(profile))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "serve"
    if command == "simulator":
        return _simulator(args)
    try:
        if command == "schema":
            from schema.build import print_sdl
            from schema.reference import markdown

            sys.stdout.write(markdown() if args.format == "markdown" else print_sdl())
            return 0
        if command == "check-config":
            config = load_config(args.path)
            check_buildable(config)
            for warning in config_warnings(config):
                print(f"dbaas-gateway: {warning}", file=sys.stderr)
            print(
                f"{args.path}: OK, {len(config.connections)} connection(s): "
                + ", ".join(f"{c.name} ({c.vendor.value})" for c in config.connections)
            )
            return 0
        config = _config_for_serve(args.config, args.profile)
        check_buildable(config)
        faults = demo_faults(config, args.demo_faults or [])
    except ConfigError as exc:
        print(f"dbaas-gateway: configuration error: {exc}", file=sys.stderr)
        return 2
    return serve(
        config,
        args.host,
        args.port,
        args.log_level,
        faults,
        args.transition_seconds,
        log_format=args.log_format,
    )


def demo_faults(config: GatewayConfig, values: Sequence[str]) -> list[FaultSpec]:
    """The ``--demo-faults`` specs, each naming a vendor with a simulated connection."""
    try:
        specs = parse_fault_specs(values)
    except ValueError as exc:
        raise ConfigError(f"--demo-faults {exc}") from None
    simulated = {c.vendor for c in config.connections if c.simulated}
    for spec in specs:
        if spec.vendor not in simulated:
            raise ConfigError(
                f"--demo-faults: no simulated {spec.vendor.value} connection to inject into"
            )
    return specs


def serve(
    config: GatewayConfig,
    host: str,
    port: int,
    log_level: str,
    faults: Sequence[FaultSpec] = (),
    transition_seconds: float = 3.0,
    *,
    log_format: str = "json",
) -> int:
    import uvicorn

    from gateway.app import create_app
    from gateway.observability import configure_logging

    configure_logging(log_level, log_format)
    shown_host = f"[{host}]" if ":" in host else host
    for line in startup_lines(config, f"http://{shown_host}:{port}/graphql"):
        print(f"dbaas-gateway: {line}", flush=True)
    if faults:
        print(
            "dbaas-gateway: injecting simulator faults: "
            + ", ".join(sorted({f.vendor.value for f in faults})),
            flush=True,
        )
    app = create_app(config, simulator_options={"transition_seconds": transition_seconds})
    # before uvicorn runs the lifespan, which builds the simulators
    app.state.runtime.install_faults(faults)
    # log_config=None: keep the handlers configure_logging installed. proxy_headers=False:
    # the client address is the TCP peer, never an X-Forwarded-For a client wrote, so
    # [auth.trusted_proxy] trusts only the proxy's own connections. ws_max_size: a
    # WebSocket message may be as large as an HTTP body, no larger (closed with 1009).
    # loop="auto": uvloop where it is installed (uvicorn[standard] brings it)
    uvicorn.run(
        app,
        loop="auto",
        host=host,
        port=port,
        log_level=log_level,
        log_config=None,
        proxy_headers=False,
        server_header=False,
        ws_max_size=config.limits.max_body_bytes,
    )
    return 0


def startup_lines(config: GatewayConfig, where: str) -> list[str]:
    """What the operator is told at startup: where, from what, and who may call."""
    server, auth = config.server, config.auth
    ide = f"GraphiQL at {where}" if server.graphiql_enabled else f"GraphQL at {where}"
    if config.demo:
        lines = [f"demo mode, all data is simulated by built-in vendor simulators. {ide}"]
    else:
        lines = [f"{len(config.connections)} connection(s) from {config.source}. {ide}"]
    if auth.open:
        who = "demo mode is open" if config.demo else "WARNING: allow_anonymous = true"
        lines.append(
            f"{who}: no client authentication, every caller is {auth.anonymous_role.label}"
        )
    else:
        parts = [f"{len(auth.tokens)} client token(s)"]
        if auth.trusted_proxy is not None:
            parts.append(
                f"trusted proxy headers from {len(auth.trusted_proxy.networks)} network(s)"
            )
        if auth.allow_anonymous:
            parts.append(f"anonymous callers as {auth.anonymous_role.label}")
        lines.append("client authentication: " + ", ".join(parts))
    lines.append(
        f"profile {server.profile}: introspection {_on(server.introspection_enabled)}, "
        f"GraphiQL {_on(server.graphiql_enabled)}"
    )
    return lines + _persisted_lines(config) + config_warnings(config)


def _persisted_lines(config: GatewayConfig) -> list[str]:
    """Said only when not the default (automatic persisted queries on, no manifest)."""
    persisted = config.persisted
    manifest = persisted.manifest
    if manifest is None:
        return [] if persisted.automatic else ["automatic persisted queries off"]
    count = f"{len(manifest.bodies)} operation(s) from {manifest.source}"
    if persisted.trusted_only:
        return [f"trusted documents only: {count}; every other document is refused"]
    automatic = "beside automatic persisted queries" if persisted.automatic else "by ID"
    return [f"trusted documents: {count}, served {automatic}"]


def _on(flag: bool) -> str:
    return "on" if flag else "off"


if __name__ == "__main__":
    raise SystemExit(main())
