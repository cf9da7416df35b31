"""Browser tests' tools: Debian's Chromium driven by Playwright against a live server, and
helpers that act like a person (the fixtures are in this folder's conftest.py). Screenshots go
to tests/artifacts/."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from playwright import sync_api
from werkzeug.serving import make_server

from tests.welt import PASSWORT

CHROMIUM = Path(os.environ.get("WRM_CHROMIUM", "/usr/bin/chromium"))
ARTEFAKTE = Path(__file__).parent.parent / "artifacts"

expect = sync_api.expect


def chromium_verlangen() -> None:
    """At the top of a browser test module: skip it when Chromium is missing (a failure in CI,
    where scripts/chromium.sh must have installed it)."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} fehlt; scripts/chromium.sh installiert Debians Chromium.")
    pytest.skip(f"{CHROMIUM} fehlt (scripts/chromium.sh installiert es)", allow_module_level=True)


@contextmanager
def bedienen(app: Flask) -> Iterator[str]:
    """Serve the app with Werkzeug in a thread on a free port; yields its base URL."""
    http = make_server("127.0.0.1", 0, _gepuffert(app), threaded=True)
    faden = threading.Thread(target=http.serve_forever, daemon=True)
    faden.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        faden.join(5)


def _gepuffert(app: Flask):  # type: ignore[no-untyped-def]
    """The app with each response read and closed before it is sent.

    Werkzeug's server closes a response only after draining the socket; when Chromium drops a
    connection mid-request (under the load of both test passes), that drain raises first and
    a static file stays open until the garbage collector warns about it, in whichever test
    runs then. A buffered response holds no file."""
    def anwendung(environ, start_response):  # type: ignore[no-untyped-def]
        antwort = app(environ, start_response)
        try:
            return [b"".join(antwort)]
        finally:
            if hasattr(antwort, "close"):
                antwort.close()
    return anwendung


@contextmanager
def seiten(browser, url: str):  # type: ignore[no-untyped-def]
    """Factory for pages in separate browser contexts (separate sessions) on `url`."""
    kontexte, verstoesse, draussen = [], [], []

    def oeffnen(breite: int = 1400, hoehe: int = 900):  # type: ignore[no-untyped-def]
        kontext = browser.new_context(base_url=url, locale="de-DE",
                                      viewport={"width": breite, "height": hoehe})
        kontext.set_default_timeout(10_000)
        kontexte.append(kontext)
        seite = kontext.new_page()
        # Every screen must work under the Content-Security-Policy: a blocked script or style
        # shows up as a console error.
        seite.on("console", lambda m: verstoesse.append(m.text) if m.type == "error" and (
            "Content Security Policy" in m.text) else None)
        # The intranet has no internet: no page may ask anything of another server.
        seite.on("request", lambda r: draussen.append(r.url) if not r.url.startswith(
            (url, "data:", "blob:", "about:")) else None)
        return seite

    try:
        yield oeffnen
    finally:
        for kontext in kontexte:
            kontext.close()
    assert verstoesse == [], verstoesse
    assert draussen == [], draussen


def bild(seite, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot as tests/artifacts/<name>.png."""
    ARTEFAKTE.mkdir(exist_ok=True)
    seite.screenshot(path=str(ARTEFAKTE / f"{name}.png"), full_page=True)


def anmelden(seite, name: str, passwort: str = PASSWORT) -> None:  # type: ignore[no-untyped-def]
    """Log in through the login page like a person would."""
    seite.goto("/login")
    seite.get_by_label("Benutzername").fill(name)
    seite.get_by_label("Passwort").fill(passwort)
    seite.get_by_role("button", name="Anmelden").click()
    expect(seite.locator("#angemeldet")).to_contain_text(name)


def menue(seite, name: str):  # type: ignore[no-untyped-def]
    """A link in the top navigation bar."""
    return seite.locator(".navbar").get_by_role("link", name=name, exact=True)


def untermenue(seite, kategorie: str, eintrag: str) -> None:  # type: ignore[no-untyped-def]
    """Open an entry of a drop-down of the navigation bar like a person would: the menu opens
    only once Bootstrap's script has loaded, so wait for the page first."""
    seite.wait_for_load_state("load")
    liste = seite.locator(".navbar .dropdown-menu", has_text=eintrag)
    for _ in range(3):
        seite.locator(".navbar").get_by_role("link", name=kategorie).click()
        try:
            expect(liste).to_be_visible(timeout=2000)
            break
        except AssertionError:
            continue
    liste.get_by_role("link", name=eintrag, exact=True).click()


def meldung_oeffnen(seite) -> None:  # type: ignore[no-untyped-def]
    """Open "Meine Meldung" from the menu."""
    menue(seite, "Meine Meldung").click()
    expect(seite.locator("h4")).to_contain_text("Meldung Kommune Eigen")


def feld(seite, nummer: int):  # type: ignore[no-untyped-def]
    """The input whose label starts with the paper's column number, e.g. "(2) "."""
    return seite.get_by_label(re.compile(rf"^\({nummer}\) "))
