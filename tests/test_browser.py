"""End to end in a real browser: Playwright driving Debian's Chromium against a live server.

Screenshots of every screen go to tests/artifacts/ so a person can look at them.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.welt import PASSWORT, Welt

CHROMIUM = Path(os.environ.get("WRM_CHROMIUM", "/usr/bin/chromium"))
ARTEFAKTE = Path(__file__).parent / "artifacts"

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} fehlt; scripts/chromium.sh installiert Debians Chromium.")
    pytest.skip(f"{CHROMIUM} fehlt (scripts/chromium.sh installiert es)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@contextmanager
def bedienen(app: Flask) -> Iterator[str]:
    """Serve the app with Werkzeug in a thread on a free port; yields its base URL."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    faden = threading.Thread(target=http.serve_forever, daemon=True)
    faden.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        faden.join(5)


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


@contextmanager
def seiten(browser, url: str):  # type: ignore[no-untyped-def]
    """Factory for pages in separate browser contexts (separate sessions) on `url`."""
    kontexte, verstoesse = [], []

    def oeffnen():  # type: ignore[no-untyped-def]
        kontext = browser.new_context(base_url=url, locale="de-DE",
                                      viewport={"width": 1400, "height": 900})
        kontext.set_default_timeout(10_000)
        kontexte.append(kontext)
        seite = kontext.new_page()
        # Every screen must work under the Content-Security-Policy: a blocked script or style
        # shows up as a console error.
        seite.on("console", lambda m: verstoesse.append(m.text) if m.type == "error" and (
            "Content Security Policy" in m.text) else None)
        return seite

    try:
        yield oeffnen
    finally:
        for kontext in kontexte:
            kontext.close()
    assert verstoesse == [], verstoesse


@pytest.fixture
def neue_seite(browser, server: str):  # type: ignore[no-untyped-def]
    """Pages on the permission world."""
    with seiten(browser, server) as oeffnen:
        yield oeffnen


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


def meldung_oeffnen(seite) -> None:  # type: ignore[no-untyped-def]
    """Open "Meine Meldung" from the menu."""
    menue(seite, "Meine Meldung").click()
    expect(seite.locator("h4")).to_contain_text("Meldung Kommune Eigen")


def feld(seite, nummer: int):  # type: ignore[no-untyped-def]
    """The input whose label starts with the paper's column number, e.g. "(2) "."""
    return seite.get_by_label(re.compile(rf"^\({nummer}\) "))


def test_kommune_reports_sees_errors_and_finds_its_figures_in_the_uebersicht(
        neue_seite) -> None:
    seite = neue_seite()
    seite.goto("/login")
    bild(seite, "01_anmeldung")
    anmelden(seite, "eigen")
    bild(seite, "02_start_kommune")
    # a kommune user has its own report only, no list of all reports
    expect(menue(seite, "Meldungen")).to_have_count(0)
    meldung_oeffnen(seite)
    bild(seite, "03_meine_meldung")

    feld(seite, 2).fill("25")  # more arrivals than assignments (10)
    seite.get_by_role("button", name="Speichern", exact=True).click()
    fehler = seite.locator(".invalid-feedback")
    expect(fehler.first).to_be_visible()
    expect(fehler.first).to_contain_text("(2)")
    bild(seite, "04_meldung_fehler")

    feld(seite, 1).fill("30")
    feld(seite, 2).fill("25")
    feld(seite, 9).fill("17")
    seite.get_by_role("button", name="Speichern", exact=True).click()
    expect(seite.locator(".alert-success").first).to_contain_text("gespeichert")
    bild(seite, "05_meldung_gespeichert")

    menue(seite, "Übersicht").click()
    zeile = seite.locator("#uebersicht tbody tr", has_text="Kommune Eigen")
    expect(zeile).to_contain_text("30")
    expect(zeile).to_contain_text("25")
    expect(zeile).to_contain_text("17")
    # quota 40 − 30 = 10 to fulfil; available 2 + 17 + 0 + 1 = 20 → bedarf −10
    expect(zeile.locator("td").nth(4)).to_have_text("10")
    bild(seite, "06_uebersicht_kommune")
    menue(seite, "Auswertung").click()
    expect(seite.locator("table").first).to_contain_text("Kommune Eigen")
    bild(seite, "07_auswertung")


def test_stale_form_in_a_second_session_gets_the_conflict_message(neue_seite) -> None:
    erste, zweite = neue_seite(), neue_seite()
    anmelden(erste, "eigen")
    anmelden(zweite, "kreis")
    meldung_oeffnen(erste)
    zweite.goto(erste.url)  # the county opens the same report
    feld(zweite, 9).fill("12")
    zweite.get_by_role("button", name="Speichern", exact=True).click()
    expect(zweite.locator(".alert-success").first).to_contain_text("gespeichert")

    feld(erste, 1).fill("11")  # the first tab still shows version 1
    erste.get_by_role("button", name="Speichern", exact=True).click()
    warnung = erste.locator(".alert-danger", has_text="inzwischen geändert")
    expect(warnung).to_contain_text("kreis am")
    expect(feld(erste, 1)).to_have_value("11")  # the input was kept
    expect(erste.get_by_text("Inzwischen gespeichert: 12")).to_be_visible()
    bild(erste, "08_meldung_konflikt")


def test_deleting_a_quota_asks_first_under_the_csp(neue_seite) -> None:
    seite = neue_seite()
    anmelden(seite, "kreis")
    seite.goto("/admin/aufnahmequote/")
    zeilen = seite.locator("table.model-list tbody tr")
    anzahl = zeilen.count()
    fragen: list[str] = []

    def antworten(dialog, annehmen: bool) -> None:  # type: ignore[no-untyped-def]
        fragen.append(dialog.message)
        dialog.accept() if annehmen else dialog.dismiss()

    seite.once("dialog", lambda d: antworten(d, False))
    zeilen.first.locator("form button").click()
    expect(zeilen).to_have_count(anzahl)  # declined: nothing deleted
    seite.once("dialog", lambda d: antworten(d, True))
    with seite.expect_navigation():  # accepted: the form is sent and the list comes back
        zeilen.first.locator("form button").click()
    expect(zeilen).to_have_count(anzahl - 1)
    assert len(fragen) == 2 and "löschen" in fragen[0]


def test_bulk_action_deactivates_users_under_the_csp(neue_seite, web: Flask) -> None:
    from wrm.db import db
    from wrm.models import Benutzer

    seite = neue_seite()
    anmelden(seite, "kreis")
    seite.goto("/admin/benutzer/")
    seite.locator("table.model-list tbody tr").filter(
        has=seite.get_by_role("cell", name="presse", exact=True)).locator(
        "input.action-checkbox").check()
    seite.get_by_role("button", name="Mit Auswahl").or_(
        seite.get_by_role("link", name="Mit Auswahl")).click()
    seite.once("dialog", lambda dialog: dialog.accept())
    with seite.expect_navigation():
        seite.locator("a[data-aktion=deaktivieren]").click()
    expect(seite.locator(".alert-success")).to_contain_text("1 Benutzer deaktiviert")
    with web.app_context():
        assert db.session.scalar(select(Benutzer.aktiv).where(Benutzer.name == "presse")) is False


def test_presse_finds_no_edit_screen(neue_seite, welt: Welt) -> None:
    seite = neue_seite()
    anmelden(seite, "presse")
    bild(seite, "09_start_presse")
    for verboten in ("Meine Meldung", "Meldungen", "Verlauf", "Benutzer"):
        expect(menue(seite, verboten)).to_have_count(0)
    menue(seite, "Übersicht").click()
    expect(seite.locator("#uebersicht")).to_contain_text("Kommune Fremd")
    expect(seite.locator("#uebersicht")).not_to_contain_text("intern: Turnhalle")
    bild(seite, "10_uebersicht_presse")
    antwort = seite.goto(f"/admin/meldung/edit/?id={welt.eigene_meldung}")
    assert antwort is not None and antwort.status == 403
    bild(seite, "11_presse_verboten")


def test_county_screens_render(neue_seite) -> None:
    seite = neue_seite()
    anmelden(seite, "kreis")
    for nummer, pfad in enumerate(("/admin/meldung/", "/admin/verlauf/", "/admin/kommune/",
                                   "/admin/aufnahmequote/", "/admin/benutzer/"), start=12):
        antwort = seite.goto(pfad)
        assert antwort is not None and antwort.status == 200, pfad
        bild(seite, f"{nummer}_kreis_{pfad.strip('/').split('/')[-1]}")


def _demo_zurueckdatieren(app: Flask, tage: int) -> None:
    """Move the demo's history `tage` days into the past, then change one report today."""
    from datetime import timedelta

    from sqlalchemy import text

    from tests import factories
    from wrm.db import db
    from wrm.models import Kommune

    verschiebung = timedelta(days=tage)
    with app.app_context():
        for tabelle, spalte in (("verlaufseintraege", "zeitpunkt"), ("meldungen", "stand"),
                                ("quotenaenderungen", "zeitpunkt"), ("kommunen", "angelegt_am")):
            for zeilen_id, wert in db.session.execute(text(f"SELECT id, {spalte} FROM {tabelle}")):
                db.session.execute(text(f"UPDATE {tabelle} SET {spalte} = :w WHERE id = :i"),
                                   {"w": _als_datum(wert) - verschiebung, "i": zeilen_id})
        db.session.commit()
        kommune = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune R"))
        factories.meldung(kommune, **{**kommune.meldung.werte(), "verfuegbar_dezentral": 114})
        db.session.commit()


def _als_datum(wert):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(wert) if isinstance(wert, str) else wert


def test_dashboard_shows_the_papers_figures_today_and_at_a_stichtag(demo_web: Flask,
                                                                    browser) -> None:
    from datetime import timedelta

    from wrm.zeit import heute

    reihenfolge = [z.split(";")[0] for z in (Path(__file__).parent / "data" /
                                             "auswertung_erwartet.csv").read_text(
        encoding="utf-8").splitlines()[1:] if z and not z.startswith("Gesamt")]
    _demo_zurueckdatieren(demo_web, 10)
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        seite = oeffnen()
        anmelden(seite, "landkreis", "demo-wrm-2026")
        menue(seite, "Auswertung").click()
        zusammenfassung = seite.locator("#zusammenfassung")
        # today: Kommune R reported 100 more decentral places, so 100 fewer are missing
        expect(zusammenfassung).to_contain_text("1.223")
        expect(zusammenfassung).to_contain_text("−507")
        expect(seite.locator("#abdeckung")).to_contain_text("1 von 21 Kommunen")
        bild(seite, "20_auswertung_heute")
        seite.locator("#diagramm-bedarf").screenshot(path=str(ARTEFAKTE / "21_diagramm_bedarf.png"))
        seite.locator("#diagramm-verlauf").screenshot(
            path=str(ARTEFAKTE / "22_diagramm_verlauf.png"))

        vorher = heute() - timedelta(days=5)
        seite.locator("#stichtag").fill(vorher.isoformat())
        seite.get_by_role("button", name="Anzeigen").click()
        expect(seite.locator("p.text-muted").first).to_contain_text(vorher.strftime("%d.%m.%Y"))
        for wert in ("716", "469", "654", "1.123", "−407"):
            expect(zusammenfassung).to_contain_text(wert)
        namen = seite.locator("#auswertung tbody th").all_inner_texts()
        assert [n.strip() for n in namen] == reihenfolge and len(namen) == 21
        expect(seite.locator("#gesamt")).to_contain_text("−407")
        expect(seite.locator("#abdeckung")).to_contain_text("21 von 21 Kommunen")
        bild(seite, "23_auswertung_stichtag")

        seite.locator("#auswertung tbody th a", has_text="Kommune R").click()
        expect(seite.locator("#kommune-zahlen")).to_contain_text("Bedarf")
        expect(seite.locator("#diagramm-kommune svg")).to_be_visible()
        bild(seite, "24_kommune_seite")
