"""GraphiQL in headless Chromium that can reach nothing but this machine: the page loads,
a query runs through the UI (the run button) and the result pane shows the demo's data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from gateway.config import demo_connections
from tests.gateway_client import connections_toml, with_open_auth
from tests.graphiql_support import (
    CHROMEDRIVER,
    CHROMIUM,
    PAGE_ASSETS,
    require_assets,
    require_chromium,
)
from tests.served import serve_demo

QUERY = "{ organizations { name } }"
#: Chromium resolves no host name but the loopback address, and calls home nowhere
OFFLINE_FLAGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
)
LOAD_SECONDS = 30


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    # Debian's browser and driver: nothing is downloaded
    options.binary_location = str(CHROMIUM)
    for flag in (*OFFLINE_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served() -> Iterator[str]:
    require_assets()
    with serve_demo("--log-level", "warning") as (base, _):
        yield base


def wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, LOAD_SECONDS).until(condition)


def loaded_urls(driver: Any) -> list[str]:
    urls: list[str] = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    return urls


def test_a_query_runs_through_graphiql_with_no_internet(browser: Any, served: str) -> None:
    from selenium.webdriver.common.by import By

    # strawberry's page fills the editor from ?q=
    browser.get(f"{served}/graphql?q={quote(QUERY)}")
    run = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".graphiql-execute-button"))
    run.click()
    result = wait(
        browser,
        lambda d: d.find_element(By.CSS_SELECTOR, ".result-window").text.strip() or None,
    )

    assert json.loads(result)["data"]["organizations"]
    assert "Acme Analytics" in result
    urls = loaded_urls(browser)
    assert all(urlsplit(u).netloc == urlsplit(served).netloc for u in urls), urls
    assert sum("/graphiql/assets/" in u for u in urls) == len(PAGE_ASSETS)


def test_without_its_files_the_page_says_what_is_missing_and_how_to_get_them(
    browser: Any, tmp_path: Path
) -> None:
    """The control: the same browser cannot reach the CDN, so the test above proves the
    page needs no internet. And a gateway without GraphiQL's files says so on the page
    (not a blank "Loading..."), which the screenshot shows."""
    from selenium.webdriver.common.by import By

    config = tmp_path / "gw.toml"
    demo = with_open_auth(connections_toml(demo_connections()))
    config.write_text(f'[server]\ngraphiql_assets = "nowhere"\n{demo}')

    with serve_demo("--log-level", "error", "--config", str(config)) as (base, _):
        browser.get(f"{base}/graphql")
        wait(browser, lambda d: d.execute_script("return document.readyState") == "complete")
        status = wait(
            browser,
            lambda d: (
                d.find_element(By.ID, "graphiql-assets-status").text
                if "could not" in d.find_element(By.ID, "graphiql-assets-status").text
                else None
            ),
        )
        graphiql = browser.execute_script("return typeof window.GraphiQL")
        notice = browser.find_element(By.ID, "graphiql-assets-missing")
        text, shown = notice.text, notice.is_displayed()
        screenshot = tmp_path / "graphiql-without-assets.png"
        assert browser.save_screenshot(str(screenshot))

    assert graphiql == "undefined"
    assert status == "GraphiQL\u2019s files could not be loaded"
    assert shown
    assert "npm ci --prefix graphiql" in text
    assert "graphiql_assets" in text and "DBAAS_GATEWAY_GRAPHIQL_ASSETS" in text
    assert "Loading..." not in browser.page_source
    print(f"screenshot: {screenshot}")
    assert screenshot.read_bytes().startswith(b"\x89PNG")
