"""Optional OpenTelemetry tracing, on when its packages are installed
(``pip install 'dbaas-gateway[tracing]'``), a TracerProvider is configured and
``OTEL_SDK_DISABLED`` is not ``true``.

One server span per HTTP request (the ASGI instrumentation) carrying the GraphQL operation
name, and one client span per upstream attempt (the httpx instrumentation, per client, so
nothing else in the process is patched), with the trace context sent upstream in
``traceparent``. Where spans go is configured the OpenTelemetry way: a TracerProvider set
by the deployment (``opentelemetry-instrument`` and the ``OTEL_*`` variables), or one
passed to ``create_app``.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from typing import Any

import httpx

_PACKAGES = (
    "opentelemetry.trace",
    "opentelemetry.instrumentation.asgi",
    "opentelemetry.instrumentation.httpx",
)


@functools.cache
def installed() -> bool:
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    try:
        return all(importlib.util.find_spec(name) is not None for name in _PACKAGES)
    except ModuleNotFoundError:
        return False


def enabled(tracer_provider: Any = None) -> bool:
    """Installed, and spans have somewhere to go: a provider given, or a real global one.
    The instrumentations cost CPU on every upstream call even when nothing records."""
    if not installed():
        return False
    if tracer_provider is not None:
        return True
    from opentelemetry import trace

    global_provider = trace.get_tracer_provider()
    return not isinstance(global_provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider)


def server_middleware(tracer_provider: Any = None) -> tuple[type, dict[str, Any]] | None:
    """The ASGI middleware class and its options, or None when tracing is off."""
    if not enabled(tracer_provider):
        return None
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return OpenTelemetryMiddleware, {
        "tracer_provider": tracer_provider,
        "excluded_urls": "healthz,readyz,metrics",
    }


def instrument_client(client: httpx.AsyncClient, tracer_provider: Any = None) -> bool:
    """Spans for the upstream calls of ``client``; whether it is instrumented (its
    connection must then send through it rather than through aiohttp)."""
    if not enabled(tracer_provider):
        return False
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=tracer_provider)
    return True


def name_operation(name: str) -> None:
    """Put the GraphQL operation on the current server span, if one is recording."""
    if not installed():
        return
    from opentelemetry import trace

    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute("graphql.operation.name", name)
