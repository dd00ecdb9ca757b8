"""Configuration: a TOML file of connections, validated into ConnectionSettings.

Every problem stops startup with one ConfigError naming the file, the connection and the
field. Secrets are never in the file: a ``<field>_env`` key names the environment variable
that holds them, and the value is read here, once.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adapters import registry
from adapters.cache.store import DEFAULT_TTLS, CachePolicy
from adapters.registry import VENDORS, ConfigField, ConnectionSettings, Secret, VendorSpec
from adapters.upstream.http import HTTP_CLIENTS, HttpSettings
from gateway.auth import AUTH_KEYS as AUTH_KEYS
from gateway.auth import PROXY_KEYS as PROXY_KEYS
from gateway.auth import TOKEN_KEYS as TOKEN_KEYS
from gateway.auth import AuthSettings, parse_auth, proxy_warnings
from gateway.config_values import (
    COUNT,
    POLL_SECONDS,
    POSITIVE_SECONDS,
    SECONDS,
    Kind,
    Number,
    check_http_url,
    check_value,
    env_name,
    env_variable,
    plain_http_off_host,
    secret_problem,
)
from gateway.limits import LIMIT_KEYS as LIMIT_KEYS
from gateway.limits import LimitSettings, parse_limits
from gateway.persisted_settings import PERSISTED_KEYS as PERSISTED_KEYS
from gateway.persisted_settings import PersistedSettings, parse_persisted
from gateway.server_settings import SERVER_KEYS as SERVER_KEYS
from gateway.server_settings import ServerSettings, parse_server

CONFIG_ENV = "DBAAS_GATEWAY_CONFIG"
DEMO_CONFIG = Path(__file__).with_name("demo.toml")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")

#: keys every connection may have, whatever its vendor: (description, kind)
COMMON_KEYS: dict[str, tuple[str, Kind]] = {
    "name": ("unique connection name; appears in IDs and errors", str),
    "vendor": ("a registered vendor's name (one page each in docs/vendors/)", str),
    "base_url": ("the vendor API's base URL (not with simulated = true)", str),
    "simulated": ("talk to the built-in simulator in-process instead of the vendor", bool),
    "simulator_account": ("which seeded simulator account to use (simulated only)", str),
    "credentials": (
        '"file" (default: the *_env fields) or "caller": a template whose credential each '
        "caller sends per request (docs/security.md#per-caller-vendor-credentials)",
        str,
    ),
    "max_tenants": (
        "a template's per-caller upstream clients kept at once, least recently used "
        "closed first (default 100)",
        COUNT,
    ),
    "connect_timeout_seconds": ("TCP/TLS connect timeout (default 5)", POSITIVE_SECONDS),
    "read_timeout_seconds": ("read timeout per upstream request (default 30)", POSITIVE_SECONDS),
    "max_concurrency": ("concurrent upstream requests on this connection (default 8)", COUNT),
    "poll_share": (
        "fraction of the concurrency and rate subscription polls may use; requests callers "
        "wait for go first (default 0.5)",
        Number(above=True, maximum=1),
    ),
    "rate_limit_requests": ("requests per window (default: vendor's documented limit)", COUNT),
    "rate_limit_window_seconds": ("the rate limit's window in seconds", POSITIVE_SECONDS),
    "retry_attempts": ("attempts per idempotent request, the first included (default 3)", COUNT),
    "retry_backoff_seconds": (
        "first retry's maximum backoff, doubling (default 0.2)",
        POSITIVE_SECONDS,
    ),
    "breaker_failure_threshold": (
        "consecutive failures that open the breaker (default 5)",
        COUNT,
    ),
    "breaker_cooldown_seconds": (
        "how long an open breaker fails fast (default 30)",
        POSITIVE_SECONDS,
    ),
    "max_response_bytes": (
        "largest vendor body read, decompressed; a larger one is UPSTREAM_BAD_RESPONSE "
        "(default 16777216)",
        COUNT,
    ),
    "max_retry_after_seconds": (
        "longest vendor Retry-After / X-RateLimit-Reset honoured (default 60)",
        POSITIVE_SECONDS,
    ),
    "http_client": (
        '"llhttp" (default) or "aiohttp": the HTTP/1.1 client of real sockets',
        str,
    ),
}

#: keys of the optional top-level [cache] table: (description, kind)
CACHE_KEYS: dict[str, tuple[str, Kind]] = {
    "enabled": ("cache upstream GET answers across requests (default true)", bool),
    "backend": ('"memory" (default: this process) or "redis" (shared by every instance)', str),
    "url": ('the Redis URL, e.g. "redis://127.0.0.1:6379/0" (with backend = "redis")', str),
    "max_entries": ("entries the memory backend keeps, least recently used first out", COUNT),
    "instances": (
        "gateway processes sharing the Redis; while it is unreachable each paces a vendor "
        "to its rate limit / instances, and with more than 1 caches nothing (default 1)",
        COUNT,
    ),
    "timeout_seconds": (
        "longest wait for one Redis operation before falling back to memory (default 1)",
        POSITIVE_SECONDS,
    ),
    "key_secret_env": (
        "the environment variable holding the secret that keys the cache's credential "
        "fingerprints (HMAC-SHA-256); required with Redis, the same on every instance",
        str,
    ),
    "ttl": ("table: seconds each resource kind stays fresh; 0 = never cached", dict),
    "answers": (
        "keep whole query answers per caller, served again while every cached answer "
        "they were read from is fresh and unwritten (default true)",
        bool,
    ),
    "answers_max_bytes": ("memory the kept whole answers may take (default 33554432)", COUNT),
    "stale": (
        "table: seconds after the TTL a stale answer is still served while one refresh "
        "runs in the background (stale-while-revalidate; default 0)",
        dict,
    ),
}
CACHE_BACKENDS = ("memory", "redis")
TOP_LEVEL_KEYS = (
    "connections",
    "server",
    "cache",
    "subscriptions",
    "auth",
    "limits",
    "persisted_documents",
)

#: keys of the optional top-level [subscriptions] table: (description, kind)
SUBSCRIPTION_KEYS: dict[str, tuple[str, Kind]] = {
    "poll_interval_seconds": (
        "how often a subscribed resource is read upstream, shared by its subscribers "
        "(default 5, at least 0.01)",
        POLL_SECONDS,
    ),
    "max_backoff_seconds": (
        "longest wait between polls after upstream failures, doubling up to it (default 60)",
        POSITIVE_SECONDS,
    ),
    "max_per_caller": (
        "subscriptions one caller may have open at once (default 20)",
        COUNT,
    ),
    "max_polled_per_connection": (
        "resources polled at once for subscriptions per connection (default 20)",
        COUNT,
    ),
}
#: a Redis cache key shorter than this is refused: it is all that keeps an operator who
#: can list Redis keys from testing guessed credentials against their fingerprints
MIN_CACHE_KEY_CHARS = 32


class ConfigError(Exception):
    """A configuration problem; ``str()`` is the one line shown to the operator."""


@dataclass(frozen=True)
class CacheSettings:
    backend: str = "memory"
    url: str | None = None
    max_entries: int = 10_000
    instances: int = 1
    #: Redis operations slower than this count as Redis being away
    timeout: float = 1.0
    policy: CachePolicy = field(default_factory=CachePolicy)
    #: whole query answers kept per caller (``gateway.answers``), and their memory
    answers: bool = True
    answers_max_bytes: int = 32 * 1024 * 1024
    #: keys the credential fingerprints in cache scopes (``[cache] key_secret_env``);
    #: None: a random key per process (the memory backend; Redis requires one)
    key_secret: Secret | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SubscriptionSettings:
    poll_interval: float = 5.0
    max_backoff: float = 60.0
    #: open subscriptions per caller on this instance (SUBSCRIPTION_LIMIT above)
    max_per_caller: int = 20
    #: distinct resources polled at once per connection (SUBSCRIPTION_LIMIT above)
    max_polled_per_connection: int = 20


@dataclass(frozen=True)
class GatewayConfig:
    source: str
    connections: tuple[ConnectionSettings, ...]
    demo: bool = False
    server: ServerSettings = field(default_factory=ServerSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    #: who may call (always set by parse_config: a file without [auth] is refused)
    auth: AuthSettings = field(default_factory=AuthSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    subscriptions: SubscriptionSettings = field(default_factory=SubscriptionSettings)
    persisted: PersistedSettings = field(default_factory=PersistedSettings)
    extra: Mapping[str, Any] = field(default_factory=dict)


def load_config(
    path: str | os.PathLike[str], env: Mapping[str, str] | None = None
) -> GatewayConfig:
    """Read and validate a configuration file; raises ConfigError."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        # the bytes themselves are not shown: they may be part of a secret
        raise ConfigError(
            f"{source}: not UTF-8 text (byte {exc.start + 1} is not valid UTF-8); "
            "TOML files are UTF-8: save it as UTF-8"
        ) from None
    return parse_config(
        text, source, os.environ if env is None else env, base_dir=Path(path).parent
    )


def load_demo_config() -> GatewayConfig:
    """Demo mode: ``demo.toml`` (everything but connections) with the demo connections of
    every registered vendor, as its spec declares them."""
    data = _toml(DEMO_CONFIG.read_text(encoding="utf-8"), "demo mode")
    data["connections"] = demo_connections()
    return dataclasses.replace(_parse(data, "demo mode", {}, Path()), demo=True)


def demo_connections() -> list[dict[str, Any]]:
    """One simulated ``[[connections]]`` table per demo connection of every vendor."""
    return [
        {"name": name, "vendor": spec.vendor.value, "simulated": True, **fields}
        for spec in VENDORS.values()
        for name, fields in spec.demo_connection_fields().items()
    ]


def parse_config(
    text: str, source: str, env: Mapping[str, str], *, base_dir: Path | None = None
) -> GatewayConfig:
    """``base_dir`` anchors relative paths in the file (the file's folder; else the cwd)."""
    return _parse(_toml(text, source), source, env, base_dir or Path())


def _toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib's parser recurses once per nested array or table
        raise ConfigError(f"{source}: not valid TOML: nested too deeply") from None


def _parse(
    data: dict[str, Any], source: str, env: Mapping[str, str], base_dir: Path
) -> GatewayConfig:
    unknown = sorted(set(data) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise ConfigError(
            f"{source}: unknown top-level key '{unknown[0]}' "
            f"(expected: {', '.join(TOP_LEVEL_KEYS)})"
        )
    try:
        server = parse_server(data.get("server", {}), base_dir)
        limits = parse_limits(data.get("limits", {}))
        persisted = parse_persisted(data.get("persisted_documents", {}), base_dir)
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    cache = _cache(data.get("cache", {}), source, env)
    subscriptions = _subscriptions(data.get("subscriptions", {}), source)
    raw_connections = data.get("connections")
    if not isinstance(raw_connections, list) or not raw_connections:
        raise ConfigError(f"{source}: no [[connections]] defined")
    connections: list[ConnectionSettings] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_connections, start=1):
        settings = _connection(raw, f"{source}: connection #{index}", env)
        if settings.name in seen:
            raise ConfigError(
                f"{source}: connection '{settings.name}': field 'name': duplicate name"
            )
        seen.add(settings.name)
        connections.append(settings)
    if "auth" not in data:
        raise ConfigError(
            f"{source}: no [auth] table: list client tokens ([[auth.tokens]]) or write "
            "[auth] allow_anonymous = true to serve without client authentication "
            "(docs/security.md)"
        )
    try:
        auth = parse_auth(data["auth"], seen)
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    return GatewayConfig(
        source,
        tuple(connections),
        server=server,
        cache=cache,
        subscriptions=subscriptions,
        auth=auth,
        limits=limits,
        persisted=persisted,
    )


def config_warnings(config: GatewayConfig) -> list[str]:
    """Legitimate but dangerous choices, said once at startup (and by check-config)."""
    warnings: list[str] = []
    for connection in config.connections:
        if connection.simulated:
            continue
        urls = {"base_url": connection.base_url}
        for f in VENDORS[connection.vendor].fields:
            if f.url and f.name in connection.options:
                urls[f.name] = connection.options[f.name]
        for key, url in urls.items():
            if plain_http_off_host(url):
                warnings.append(
                    f"WARNING: connection '{connection.name}': {key} is plain http to "
                    "another host: its credentials and answers cross the network "
                    "unencrypted; use https"
                )
    if config.auth.trusted_proxy is not None:
        warnings += proxy_warnings(config.auth.trusted_proxy)
    return warnings


def _read_table(
    raw: Any, where: str, keys: Mapping[str, tuple[str, Kind]], *, others_allowed: bool = False
) -> dict[str, Any]:
    """A table's values, each checked against its declared kind (numbers by the one
    reader, ``config_values.Number``); unknown keys refused unless ``others_allowed``."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in keys:
            if others_allowed:
                continue
            raise ConfigError(f"{where}: unknown field '{key}' (allowed: {', '.join(keys)})")
        try:
            values[key] = check_value(value, keys[key][1])
        except ValueError as exc:
            raise ConfigError(f"{where}: field '{key}': {exc}") from None
    return values


def _subscriptions(raw: Any, source: str) -> SubscriptionSettings:
    values = _read_table(raw, f"{source}: [subscriptions]", SUBSCRIPTION_KEYS)
    defaults = SubscriptionSettings()
    return SubscriptionSettings(
        poll_interval=values.get("poll_interval_seconds", defaults.poll_interval),
        max_backoff=values.get("max_backoff_seconds", defaults.max_backoff),
        max_per_caller=values.get("max_per_caller", defaults.max_per_caller),
        max_polled_per_connection=values.get(
            "max_polled_per_connection", defaults.max_polled_per_connection
        ),
    )


def _cache(raw: Any, source: str, env: Mapping[str, str]) -> CacheSettings:
    where = f"{source}: [cache]"
    values = _read_table(raw, where, CACHE_KEYS)
    backend = values.get("backend", "memory")
    if backend not in CACHE_BACKENDS:
        raise ConfigError(
            f"{where}: field 'backend': unknown backend '{backend}' "
            f"(known: {', '.join(CACHE_BACKENDS)})"
        )
    url = values.get("url")
    if backend == "redis":
        if url is None:
            raise ConfigError(f"{where}: field 'url': missing (required with backend = \"redis\")")
        if _scheme(url) not in ("redis", "rediss", "unix"):
            raise ConfigError(f"{where}: field 'url': not a redis://, rediss:// or unix:// URL")
    elif url is not None:
        raise ConfigError(f"{where}: field 'url': only with backend = \"redis\"")
    defaults = CacheSettings()
    return CacheSettings(
        backend=backend,
        url=url,
        max_entries=values.get("max_entries", defaults.max_entries),
        instances=values.get("instances", defaults.instances),
        timeout=values.get("timeout_seconds", defaults.timeout),
        answers=values.get("answers", defaults.answers),
        answers_max_bytes=values.get("answers_max_bytes", defaults.answers_max_bytes),
        policy=CachePolicy(
            enabled=values.get("enabled", True),
            ttl={**DEFAULT_TTLS, **_seconds_by_kind(values.get("ttl", {}), f"{where}.ttl")},
            stale=_seconds_by_kind(values.get("stale", {}), f"{where}.stale"),
        ),
        key_secret=_cache_key(values.get("key_secret_env"), backend, where, env),
    )


def _cache_key(name: str | None, backend: str, where: str, env: Mapping[str, str]) -> Secret | None:
    """The secret keying credential fingerprints: required with Redis, whose keys anyone
    with Redis access can list, and the same on every instance sharing it."""
    field_where = f"{where}: field 'key_secret_env'"
    if name is None:
        if backend == "redis":
            raise ConfigError(
                f'{field_where}: missing (required with backend = "redis"): name an '
                "environment variable holding a random secret every instance sharing the "
                "Redis is given, e.g. from openssl rand -hex 32 (docs/operations.md)"
            )
        return None
    secret = _secret_from_env(name, field_where, env)
    if len(secret.reveal()) < MIN_CACHE_KEY_CHARS:
        raise ConfigError(
            f"{field_where}: {env_variable(name)} holds fewer than "
            f"{MIN_CACHE_KEY_CHARS} characters; use a random secret, e.g. from "
            "openssl rand -hex 32"
        )
    return secret


def _seconds_by_kind(raw: Mapping[str, Any], where: str) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for kind, value in raw.items():
        if kind not in DEFAULT_TTLS:
            raise ConfigError(
                f"{where}: unknown resource kind '{kind}' (known: {', '.join(DEFAULT_TTLS)})"
            )
        try:
            seconds[kind] = SECONDS.read(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: field '{kind}': {exc}") from None
    return seconds


def _connection(raw: Any, where: str, env: Mapping[str, str]) -> ConnectionSettings:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a table")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        problem = "missing" if name is None else "must be 1-63 letters, digits, '.', '_' or '-'"
        raise ConfigError(f"{where}: field 'name': {problem}")
    where = where.rsplit(": ", 1)[0] + f": connection '{name}'"

    vendor_name = raw.get("vendor")
    if vendor_name is None:
        known = ", ".join(VENDORS)
        raise ConfigError(f"{where}: field 'vendor': missing (known: {known})")
    try:
        vendor = registry.vendor(str(vendor_name))
    except registry.UnknownVendorError as exc:
        raise ConfigError(f"{where}: field 'vendor': {exc}") from None
    spec = VENDORS[vendor]

    allowed = set(COMMON_KEYS) | _vendor_keys(spec)
    for key in raw:
        if key not in allowed:
            raise ConfigError(
                f"{where}: unknown field '{key}' (allowed: {', '.join(sorted(allowed))})"
            )
    common = _read_table(raw, where, COMMON_KEYS, others_allowed=True)

    simulated = common.get("simulated", False)
    account = common.get("simulator_account")
    if account is not None and not simulated:
        raise ConfigError(f"{where}: field 'simulator_account': only with simulated = true")
    if account is not None and account not in spec.simulator_accounts:
        raise ConfigError(
            f"{where}: field 'simulator_account': unknown account '{account}' "
            f"(known: {', '.join(spec.simulator_accounts)})"
        )
    base_url = common.get("base_url")
    if base_url is None:
        if not simulated:
            raise ConfigError(f"{where}: field 'base_url': missing")
        base_url = spec.default_base_url
    _check_url(base_url, f"{where}: field 'base_url'")

    template = _template(common, spec, where)
    if template and account is not None:
        raise ConfigError(
            f"{where}: field 'simulator_account': not with credentials = \"caller\" "
            "(each caller sends its own credential)"
        )
    options, secrets = _vendor_fields(spec, raw, simulated, where, env, template)
    return ConnectionSettings(
        name=name,
        vendor=vendor,
        base_url=base_url.rstrip("/"),
        simulated=simulated,
        simulator_account=account,
        options=options,
        secrets=secrets,
        http=_http_settings(common, spec, simulated, where),
        template=template,
        max_tenants=common.get("max_tenants", ConnectionSettings.max_tenants),
    )


def _template(common: Mapping[str, Any], spec: VendorSpec, where: str) -> bool:
    """Whether the connection is a template (``credentials = "caller"``)."""
    credentials = common.get("credentials", "file")
    if credentials not in ("file", "caller"):
        raise ConfigError(f'{where}: field \'credentials\': must be "file" or "caller"')
    if credentials == "file" and "max_tenants" in common:
        raise ConfigError(f"{where}: field 'max_tenants': only with credentials = \"caller\"")
    if credentials == "caller" and not any(f.from_caller for f in spec.fields):
        raise ConfigError(
            f"{where}: field 'credentials': {spec.vendor.value} has no credential to take "
            "from callers"
        )
    return bool(credentials == "caller")


def _vendor_keys(spec: VendorSpec) -> set[str]:
    return {f"{f.name}_env" if f.secret else f.name for f in spec.fields}


def _vendor_fields(
    spec: VendorSpec,
    raw: Mapping[str, Any],
    simulated: bool,
    where: str,
    env: Mapping[str, str],
    template: bool = False,
) -> tuple[dict[str, Any], dict[str, Secret]]:
    options: dict[str, Any] = {}
    secrets: dict[str, Secret] = {}
    groups_given: dict[str, set[str]] = {}
    for f in spec.fields:
        key = f"{f.name}_env" if f.secret else f.name
        if template and f.from_caller:
            if key in raw:
                raise ConfigError(
                    f"{where}: field '{key}': not with credentials = \"caller\" "
                    "(each caller sends it: docs/security.md#per-caller-vendor-credentials)"
                )
            continue
        if key not in raw:
            if f.required and f.group is None and not (simulated and f.secret):
                raise ConfigError(f"{where}: field '{key}': missing ({f.description})")
            continue
        value = raw[key]
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: field '{key}': must be a non-empty string")
        if f.group is not None:
            groups_given.setdefault(f.group, set()).add(f.name)
        if not f.secret:
            if f.url:
                _check_url(value, f"{where}: field '{key}'")
            options[f.name] = value
        else:
            # a simulated connection may name credentials too (to try a wrong key, say)
            secrets[f.name] = _secret_from_env(value, f"{where}: field '{key}'", env)
    if not template and (not simulated or groups_given):
        _check_groups(spec.fields, groups_given, where)
    return options, secrets


def _secret_from_env(value: Any, where: str, env: Mapping[str, str]) -> Secret:
    """The secret in the environment variable a ``*_env`` field names. A value that is
    no variable name (a secret pasted in its place, likely) is never repeated."""
    try:
        name = env_name(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    secret = env.get(name)
    if not secret:
        raise ConfigError(f"{where}: {env_variable(name)} is not set")
    problem = secret_problem(secret)
    if problem is not None:
        raise ConfigError(f"{where}: {env_variable(name)} {problem}")
    return Secret(secret)


def _check_groups(fields: tuple[ConfigField, ...], given: dict[str, set[str]], where: str) -> None:
    """Exactly one group of alternative credentials, complete."""
    groups: dict[str, list[ConfigField]] = {}
    for f in fields:
        if f.group is not None:
            groups.setdefault(f.group, []).append(f)
    if not groups:
        return
    names = " or ".join(
        "+".join(f"{f.name}_env" if f.secret else f.name for f in members)
        for members in groups.values()
    )
    if len(given) != 1:
        raise ConfigError(f"{where}: credentials: give exactly one of {names}")
    ((group, present),) = given.items()
    missing = [f for f in groups[group] if f.required and f.name not in present]
    if missing:
        key = f"{missing[0].name}_env" if missing[0].secret else missing[0].name
        raise ConfigError(f"{where}: field '{key}': missing ({missing[0].description})")


def _http_settings(
    values: Mapping[str, Any], spec: VendorSpec, simulated: bool, where: str
) -> HttpSettings:
    """``values``: the connection's common keys, read (every number finite, in range)."""
    defaults = HttpSettings()
    # simulators enforce no limit unless a test asks, so demo mode is not paced
    rate_limit = None if simulated else spec.documented_rate_limit
    if "rate_limit_requests" in values or "rate_limit_window_seconds" in values:
        requests = values.get("rate_limit_requests", rate_limit[0] if rate_limit else None)
        window = values.get("rate_limit_window_seconds", rate_limit[1] if rate_limit else None)
        if requests is None or window is None:
            raise ConfigError(
                f"{where}: field 'rate_limit_requests': give both rate_limit_requests "
                "and rate_limit_window_seconds"
            )
        rate_limit = (int(requests), float(window))
    http_client = values.get("http_client", defaults.http_client)
    if http_client not in HTTP_CLIENTS:
        raise ConfigError(
            f"{where}: field 'http_client': {http_client!r} is not one of "
            f"{', '.join(map(repr, HTTP_CLIENTS))}"
        )
    return HttpSettings(
        http_client=http_client,
        connect_timeout=values.get("connect_timeout_seconds", defaults.connect_timeout),
        read_timeout=values.get("read_timeout_seconds", defaults.read_timeout),
        max_concurrency=values.get("max_concurrency", defaults.max_concurrency),
        poll_share=values.get("poll_share", defaults.poll_share),
        rate_limit=rate_limit,
        retry_attempts=values.get("retry_attempts", defaults.retry_attempts),
        retry_backoff=values.get("retry_backoff_seconds", defaults.retry_backoff),
        idempotent_methods=defaults.idempotent_methods | spec.idempotent_methods,
        breaker_failure_threshold=values.get(
            "breaker_failure_threshold", defaults.breaker_failure_threshold
        ),
        breaker_cooldown=values.get("breaker_cooldown_seconds", defaults.breaker_cooldown),
        max_response_bytes=values.get("max_response_bytes", defaults.max_response_bytes),
        max_retry_after=values.get("max_retry_after_seconds", defaults.max_retry_after),
    )


def _scheme(url: str) -> str | None:
    try:
        return urlsplit(url).scheme
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return None


def _check_url(value: Any, where: str) -> None:
    try:
        check_http_url(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
