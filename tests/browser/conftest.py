"""Fixtures of the browser tests: one headless Chromium per module, a live server on the
permission world, and pages in separate sessions that fail on any CSP violation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.browser.hilfe import CHROMIUM, bedienen, seiten, sync_api
from tests.welt import Welt


@pytest.fixture
def server(web: Flask, welt: Welt) -> Iterator[str]:
    """The permission world, served."""
    with bedienen(web) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium for the module."""
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture
def neue_seite(browser, server: str):  # type: ignore[no-untyped-def]
    """Pages on the permission world."""
    with seiten(browser, server) as oeffnen:
        yield oeffnen
