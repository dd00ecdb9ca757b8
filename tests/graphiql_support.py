"""What the GraphiQL tests need from this machine, and how they say it is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from strawberry.http.ides import get_graphql_ide_html

from gateway.graphiql import FILL_COMMAND, Asset, assets_folder, folder_problem, page_assets

#: strawberry's page as it ships: the CDN URLs and the SRI hashes the served files must match
CDN_PAGE = get_graphql_ide_html("graphiql")
PAGE_ASSETS: list[Asset] = page_assets(CDN_PAGE)
#: the folder the gateway serves when nothing is configured
ASSETS = assets_folder(None)
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def require(missing: str | None, install: str) -> None:
    """Skip when something this machine lacks is missing; fail on CI, which installs it
    (.ci/run), so that a broken install step cannot pass as a skip."""
    if missing is None:
        return
    message = f"{missing}; install with: {install}"
    if os.environ.get("CI"):
        pytest.fail(f"on CI: {message}")
    pytest.skip(message)


def require_assets() -> None:
    problem = folder_problem(ASSETS, PAGE_ASSETS)
    require(problem and f"GraphiQL assets: {problem}", FILL_COMMAND)


def require_chromium() -> None:
    absent = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    require(
        f"{' and '.join(absent)} not found" if absent else None,
        "apt-get install -y chromium chromium-driver",
    )
