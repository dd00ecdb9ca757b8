"""An app factory for ASGI servers that start several worker processes themselves:

    DBAAS_GATEWAY_CONFIG=gateway.toml uvicorn --factory gateway.asgi:app --workers 4

Each worker builds its own app from the file the variable names (demo mode without it).
Workers share nothing in memory: give them one Redis (``[cache] backend = "redis"``) so
they share the cache, single-flight and each connection's rate limit.
"""

from __future__ import annotations

import logging
import os

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config import CONFIG_ENV, load_config, load_demo_config


def app() -> Starlette:
    # the server configures only its own loggers: the gateway's (a Redis outage, retries)
    # would otherwise be dropped below WARNING
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    path = os.environ.get(CONFIG_ENV)
    return create_app(load_config(path) if path else load_demo_config())
