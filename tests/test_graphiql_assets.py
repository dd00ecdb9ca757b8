"""GraphiQL's files served by the gateway itself: the page points at them, they match the
page's integrity hashes, only the pinned packages' files are served, and a missing or
altered folder falls back to strawberry's CDN page with one warning."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import re
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.config import (
    ConfigError,
    GatewayConfig,
    ServerSettings,
    load_config,
    load_demo_config,
    parse_config,
)
from gateway.graphiql import ASSETS_ENV, FILL_COMMAND, assets_folder, missing_assets_page
from tests.gateway_client import OPEN_AUTH
from tests.graphiql_support import ASSETS, CDN_PAGE, PAGE_ASSETS, require_assets

REPO = Path(__file__).resolve().parents[1]
HTML = {"Accept": "text/html"}
#: a <script src> or <link href> of the served page, with its SRI hash
TAG = re.compile(r"<(?:script|link)\b[^>]*>")
URL = re.compile(r'(?:src|href)="([^"]+)"')
INTEGRITY = re.compile(r'integrity="(sha\d+)-([^"]+)"')
REACT = "react@18.2.0/umd/react.production.min.js"


def demo_with_assets(folder: Path) -> GatewayConfig:
    """Demo mode with ``[server] graphiql_assets = folder``."""
    return dataclasses.replace(load_demo_config(), server=ServerSettings(graphiql_assets=folder))


def client(config: GatewayConfig) -> httpx.AsyncClient:
    # the asset routes need no adapters: no lifespan, no runtime started
    app = create_app(config)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw.test")


@pytest.fixture
async def gateway() -> AsyncIterator[httpx.AsyncClient]:
    require_assets()
    async with client(load_demo_config()) as http:
        yield http


def copy_assets(to: Path) -> Path:
    """Just the files the page loads, and each package's package.json, copied to ``to``."""
    require_assets()
    for asset in PAGE_ASSETS:
        for name in (asset.file, "package.json"):
            target = to / asset.package / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ASSETS / asset.package / name, target)
    return to


def fallback_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "dbaas_gateway.graphiql"]


async def test_the_page_loads_nothing_from_the_cdn(gateway: httpx.AsyncClient) -> None:
    page = (await gateway.get("/graphql", headers=HTML)).text

    assert "unpkg" not in page
    assert len(PAGE_ASSETS) == 7
    for asset in PAGE_ASSETS:
        assert f'"graphiql/assets/{asset.package}@{asset.version}/{asset.file}"' in page


async def test_every_file_the_page_loads_is_served_and_matches_its_integrity_hash(
    gateway: httpx.AsyncClient,
) -> None:
    page = (await gateway.get("/graphql", headers=HTML)).text
    tags = [t for t in TAG.findall(page) if "integrity=" in t]

    checked = []
    for tag in tags:
        url = URL.search(tag)
        integrity = INTEGRITY.search(tag)
        assert url and integrity, tag
        # relative to the page at /graphql, as the browser resolves it
        response = await gateway.get(httpx.URL("http://gw.test/graphql").join(url.group(1)))
        algorithm, expected = integrity.groups()
        digest = base64.b64encode(hashlib.new(algorithm, response.content).digest()).decode()
        assert response.status_code == 200, url.group(1)
        assert digest == expected, url.group(1)
        checked.append(url.group(1))

    assert len(checked) == len(PAGE_ASSETS)


async def test_assets_are_typed_and_cached_for_a_year(gateway: httpx.AsyncClient) -> None:
    script = await gateway.get(f"/graphiql/assets/{REACT}")
    style = await gateway.get("/graphiql/assets/graphiql@3.8.3/graphiql.min.css")

    assert script.headers["content-type"].startswith("text/javascript")
    assert style.headers["content-type"].startswith("text/css")
    for response in (script, style):
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_head_answers_headers_only(gateway: httpx.AsyncClient) -> None:
    response = await gateway.head(f"/graphiql/assets/{REACT}")

    assert response.status_code == 200
    assert response.content == b""
    assert (
        int(response.headers["content-length"])
        == (ASSETS / "react/umd").joinpath("react.production.min.js").stat().st_size
    )


@pytest.mark.parametrize(
    ("path", "on_disk"),
    [
        # installed, but not a package the page names
        ("scheduler@0.23.0/package.json", "scheduler/package.json"),
        # a pinned package at another version
        ("react@18.3.1/umd/react.production.min.js", "react/umd/react.production.min.js"),
        # another package nested in a pinned one
        ("graphiql@3.8.3/node_modules/mdurl/package.json", "graphiql/node_modules/mdurl"),
        ("graphiql@3.8.3/node_modules/.bin/markdown-it", "graphiql/node_modules/.bin"),
        # directories are never listed
        ("react@18.2.0/umd", "react/umd"),
        ("react@18.2.0/umd/", "react/umd"),
        ("react@18.2.0", "react"),
        ("", "."),
    ],
)
async def test_only_files_of_the_pinned_packages_are_served(
    gateway: httpx.AsyncClient, path: str, on_disk: str
) -> None:
    assert (ASSETS / on_disk).exists()

    response = await gateway.get(f"/graphiql/assets/{path}")

    assert response.status_code == 404


async def test_a_symlink_out_of_a_package_is_not_followed(tmp_path: Path) -> None:
    folder = copy_assets(tmp_path / "assets")
    outside = tmp_path / "secret.js"
    outside.write_text("secret")
    (folder / "react/umd/link.js").symlink_to(outside)

    async with client(demo_with_assets(folder)) as http:
        response = await http.get("/graphiql/assets/react@18.2.0/umd/link.js")

    assert response.status_code == 404


def test_the_npm_project_pins_exactly_the_versions_the_page_names() -> None:
    package = json.loads((REPO / "graphiql" / "package.json").read_text())
    lock = json.loads((REPO / "graphiql" / "package-lock.json").read_text())
    wanted = {a.package: a.version for a in PAGE_ASSETS}

    assert package["dependencies"] == wanted
    for name, version in wanted.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


async def test_a_configured_folder_is_served(tmp_path: Path) -> None:
    folder = copy_assets(tmp_path / "assets")

    async with client(demo_with_assets(folder)) as http:
        page = (await http.get("/graphql", headers=HTML)).text
        script = await http.get(f"/graphiql/assets/{REACT}")

    assert "unpkg" not in page
    assert script.content == (folder / "react/umd/react.production.min.js").read_bytes()


async def test_a_missing_folder_falls_back_to_the_cdn_page_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    missing = tmp_path / "nowhere"

    async with client(demo_with_assets(missing)) as http:
        page = (await http.get("/graphql", headers=HTML)).text
        script = await http.get(f"/graphiql/assets/{REACT}")

    (warning,) = fallback_warnings(caplog)
    assert str(missing) in warning
    assert FILL_COMMAND in warning
    # the CDN's page, saying what is missing where it said "Loading..."
    assert page == missing_assets_page(CDN_PAGE)
    assert "Loading..." not in page
    assert FILL_COMMAND in page and "graphiql_assets" in page and ASSETS_ENV in page
    assert str(missing) not in page and str(tmp_path) not in page  # no path of the machine
    assert script.status_code == 404


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda f: (f / "react/umd/react.production.min.js").write_bytes(b"alert(1)"), "hash"),
        (lambda f: (f / "js-cookie/dist/js.cookie.min.js").unlink(), "js.cookie.min.js"),
        (
            lambda f: (f / "react/package.json").write_text('{"version": "18.3.1"}'),
            "react 18.3.1, the page needs 18.2.0",
        ),
    ],
    ids=["changed file", "missing file", "other version"],
)
async def test_an_altered_folder_falls_back_to_the_cdn_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Callable[[Path], object], said: str
) -> None:
    caplog.set_level(logging.WARNING)
    folder = copy_assets(tmp_path / "assets")
    damage(folder)

    async with client(demo_with_assets(folder)) as http:
        page = (await http.get("/graphql", headers=HTML)).text

    (warning,) = fallback_warnings(caplog)
    assert said in warning
    assert page == missing_assets_page(CDN_PAGE)


def test_a_relative_folder_is_relative_to_the_configuration_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.toml"
    path.write_text(
        '[server]\ngraphiql_assets = "ui/node_modules"\n'
        '[[connections]]\nname = "x"\nvendor = "dbaas"\nsimulated = true\n' + OPEN_AUTH
    )

    config = load_config(path)

    assert config.server.graphiql_assets == tmp_path / "ui" / "node_modules"


def test_the_folder_is_configured_else_from_the_environment_else_the_repository() -> None:
    env = {ASSETS_ENV: "/srv/graphiql"}

    assert assets_folder(Path("/etc/gw/ui"), env) == Path("/etc/gw/ui")
    assert assets_folder(None, env) == Path("/srv/graphiql")
    assert assets_folder(None, {}) == REPO / "graphiql" / "node_modules"


@pytest.mark.parametrize("value", ["3", '""'])
def test_the_folder_must_be_a_path(value: str) -> None:
    toml = f'[server]\ngraphiql_assets = {value}\n[[connections]]\nname = "x"\nvendor = "dbaas"\n'

    with pytest.raises(ConfigError) as caught:
        parse_config(toml + "simulated = true\n", "gw.toml", {})

    assert str(caught.value) == (
        "gw.toml: [server]: field 'graphiql_assets': must be a non-empty string"
    )
