"""GraphiQL with no internet: strawberry's page, its scripts and styles served from a folder.

Strawberry's GraphiQL page loads React, GraphiQL, the explorer plugin and js-cookie from
unpkg.com. unpkg serves the files of npm packages verbatim, so the same packages installed
from the npm registry (``graphiql/package.json`` pins the versions the page names) match
the page's ``integrity`` hashes. The gateway serves them at
``/graphiql/assets/<package>@<version>/<file>`` and renders the page with each unpkg URL
rewritten to that path, the hashes kept: the browser still checks every file.

The folder is checked once at startup: every file the page names must be there, of the
named version, matching its hash. Otherwise one warning names the command that fills it,
and the page is strawberry's own (assets from the CDN, which needs the internet) with
its "Loading..." replaced by what is missing and how to get it (``missing_assets_page``):
without internet that text is all the page shows, and once the CDN's files load GraphiQL
renders over it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from strawberry.http.ides import get_graphql_ide_html

logger = logging.getLogger("dbaas_gateway.graphiql")

ASSETS_ENV = "DBAAS_GATEWAY_GRAPHIQL_ASSETS"
#: the npm project at the repository's root (an editable install or a checkout)
DEFAULT_ASSETS = Path(__file__).resolve().parents[1] / "graphiql" / "node_modules"
FILL_COMMAND = "npm ci --prefix graphiql"
ROUTE = "/graphiql/assets/{path:path}"
#: relative to the page at /graphql, so a proxy that mounts the gateway under a prefix
#: serves the assets under the same prefix
PAGE_PREFIX = "graphiql/assets/"
#: the URLs are versioned: a new version is a new URL, so browsers may keep a file forever
CACHE_CONTROL = "public, max-age=31536000, immutable"

_TAG = re.compile(r"<(?:script|link)\b[^>]*>")
_CDN_URL = re.compile(
    r'"https://unpkg\.com/((?:@[a-z0-9._-]+/)?[a-z0-9._-]+)@([0-9][0-9A-Za-z.+-]*)/([^"]+)"'
)
_INTEGRITY = re.compile(r'integrity="(sha(?:256|384|512))-([A-Za-z0-9+/=]+)"')


@dataclass(frozen=True)
class Asset:
    """One file the page loads from the CDN, with its SRI hash."""

    package: str
    version: str
    file: str
    algorithm: str
    digest: str

    @property
    def cdn_url(self) -> str:
        return f"https://unpkg.com/{self.package}@{self.version}/{self.file}"

    @property
    def local_path(self) -> str:
        return f"{PAGE_PREFIX}{self.package}@{self.version}/{self.file}"


def page_assets(html: str) -> list[Asset]:
    """Every CDN file strawberry's page references, in page order."""
    assets = []
    for tag in _TAG.findall(html):
        url = _CDN_URL.search(tag)
        integrity = _INTEGRITY.search(tag)
        if url and integrity:
            assets.append(Asset(*url.groups(), *integrity.groups()))
    return assets


def assets_folder(configured: Path | None, env: Mapping[str, str] = os.environ) -> Path:
    """``[server] graphiql_assets``, else $DBAAS_GATEWAY_GRAPHIQL_ASSETS, else the repo's."""
    if configured is not None:
        return configured
    from_env = env.get(ASSETS_ENV)
    return Path(from_env).expanduser() if from_env else DEFAULT_ASSETS


def sri_digest(data: bytes, algorithm: str) -> str:
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")


def folder_problem(root: Path, assets: list[Asset]) -> str | None:
    """Why ``root`` cannot serve the page's files, or None when it can."""
    for asset in assets:
        package_dir = root / asset.package
        try:
            version = json.loads((package_dir / "package.json").read_text("utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            return f"{asset.package} is not installed in {root}"
        if version != asset.version:
            return f"{root} has {asset.package} {version}, the page needs {asset.version}"
        try:
            data = (package_dir / asset.file).read_bytes()
        except OSError:
            return f"{root} has no {asset.package}/{asset.file}"
        if sri_digest(data, asset.algorithm) != asset.digest:
            return f"{root}/{asset.package}/{asset.file} does not match the page's hash"
    return None


class LocalAssets:
    """The pinned packages' files under ``root`` and the page that loads them from here."""

    def __init__(self, root: Path, cdn_page: str) -> None:
        self.root = root.resolve()
        self.assets = page_assets(cdn_page)
        self.packages = {a.package: a.version for a in self.assets}
        page = cdn_page
        for asset in self.assets:
            page = page.replace(asset.cdn_url, asset.local_path)
        self.page = page

    def file(self, path: str) -> Path | None:
        """The file ``<package>@<version>/<file>`` names, if it is one of a pinned package."""
        for package, version in self.packages.items():
            prefix = f"{package}@{version}/"
            if path.startswith(prefix):
                return self._package_file(self.root / package, path.removeprefix(prefix))
        return None

    @staticmethod
    def _package_file(package_dir: Path, relative: str) -> Path | None:
        parts = relative.split("/")
        # "" (an absolute or doubled path), "." and ".." (traversal), dotfiles and another
        # package's files (a nested node_modules) are never served
        if any(
            not p or p.startswith(".") or p == "node_modules" or "\\" in p or "\0" in p
            for p in parts
        ):
            return None
        candidate = package_dir.joinpath(*parts).resolve()
        # a symlink inside the package could still point out of it
        if not candidate.is_relative_to(package_dir.resolve()) or not candidate.is_file():
            return None
        return candidate

    async def endpoint(self, request: Request) -> Response:
        found = self.file(request.path_params["path"])
        if found is None:
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(
            found,
            headers={"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"},
        )


def local_assets(configured: Path | None) -> LocalAssets | None:
    """The assets to serve, or None (after one warning) when the folder cannot serve them."""
    root = assets_folder(configured)
    served = LocalAssets(root, get_graphql_ide_html("graphiql"))
    problem = folder_problem(root, served.assets)
    if problem is None and "unpkg.com" in served.page:
        problem = "strawberry's GraphiQL page loads a file this gateway does not know"
    if problem is not None:
        logger.warning(
            "GraphiQL assets unavailable: %s. The GraphiQL page loads them from unpkg.com, "
            "which needs internet access; fill the folder with `%s` in the repository "
            "(see docs/graphiql.md)",
            problem,
            FILL_COMMAND,
        )
        return None
    return served


#: what the page shows until GraphiQL renders over it; no path or detail of this machine
#: (the startup warning has those), since anyone who can open the page reads it
MISSING_NOTICE = f"""<div id="graphiql-assets-missing" style="font-family: sans-serif; \
max-width: 46em; margin: 3em auto; line-height: 1.5">
<h1 id="graphiql-assets-status">Loading GraphiQL from unpkg.com&hellip;</h1>
<p>This gateway has no local copy of GraphiQL&rsquo;s files (its scripts and styles),
so this page loads them from the unpkg CDN. Without internet access it stays here.</p>
<p>To serve them from the gateway itself, run <code>{FILL_COMMAND}</code> in the
gateway&rsquo;s repository and restart it, or point the <code>[server]
graphiql_assets</code> setting (or the <code>{ASSETS_ENV}</code> environment variable) at
a <code>node_modules</code> folder that has them. The gateway&rsquo;s startup log says what
is missing; docs/graphiql.md has the details.</p>
</div>
<script>
  // a script or style that fails to load (no internet): say so instead of "Loading"
  window.addEventListener("error", function (event) {{
    var tag = event.target && event.target.tagName;
    if (tag === "SCRIPT" || tag === "LINK") {{
      var status = document.getElementById("graphiql-assets-status");
      if (status) status.textContent = "GraphiQL\u2019s files could not be loaded";
    }}
  }}, true);
</script>"""
_LOADING = '<div id="graphiql" class="graphiql-container">Loading...</div>'


def missing_assets_page(cdn_page: str | None = None) -> str:
    """Strawberry's CDN page, saying what is missing where it said "Loading..."."""
    page = get_graphql_ide_html("graphiql") if cdn_page is None else cdn_page
    if _LOADING not in page:  # a strawberry release with another page: left as it is
        return page
    return page.replace(
        _LOADING, f'<div id="graphiql" class="graphiql-container">{MISSING_NOTICE}</div>'
    )
