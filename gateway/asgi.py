"""An app factory for ASGI servers that start several worker processes themselves:

    DBAAS_GATEWAY_CONFIG=gateway.toml uvicorn --factory gateway.asgi:app --workers 4

Each worker builds its own app from the file the variable names (demo mode without it),
and logs as ``serve`` does: ``DBAAS_GATEWAY_LOG_LEVEL`` (default info) and
``DBAAS_GATEWAY_LOG_FORMAT`` (json or text, default json).

Workers share nothing in memory: give them one Redis (``[cache] backend = "redis"``) so
they share the cache, single-flight and each connection's rate limit.
"""

from __future__ import annotations

import logging
import os

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config import CONFIG_ENV, config_warnings, load_config, load_demo_config
from gateway.observability import configure_logging


def app() -> Starlette:
    # the server configured its own loggers only: route them and the gateway's through one
    # handler, as serve does (else a Redis outage's WARNING would go out unformatted)
    configure_logging(
        os.environ.get("DBAAS_GATEWAY_LOG_LEVEL", "info"),
        os.environ.get("DBAAS_GATEWAY_LOG_FORMAT", "json"),
    )
    path = os.environ.get(CONFIG_ENV)
    config = load_config(path) if path else load_demo_config()
    for warning in config_warnings(config):
        logging.getLogger("dbaas_gateway").warning("%s", warning.removeprefix("WARNING: "))
    return create_app(config)
