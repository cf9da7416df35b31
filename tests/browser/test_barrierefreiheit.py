"""WCAG 2.1 AA on every screen for every role, checked with axe-core in a real browser on the
demo: 0 violations."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.browser.barrierefreiheit import verstoesse
from tests.browser.hilfe import anmelden, bedienen, bild, chromium_verlangen, expect, seiten

chromium_verlangen()

GEMEINSAM = ["/admin/", "/admin/uebersicht/", "/admin/auswertung/",
             "/admin/auswertung/kommune/1/", "/admin/prognose/", "/admin/prognose/?kommune=3",
             "/passwort"]
SEITEN = {
    "landkreis": [*GEMEINSAM, "/admin/quotenblatt/", "/admin/quotenberechnung/",
                  "/admin/meldung/", "/admin/meldung/edit/?id=1", "/admin/meldung/details/?id=1",
                  "/admin/verlauf/", "/admin/vereinbarung/", "/admin/hilfeersuchen/",
                  "/admin/kommune/", "/admin/kommune/edit/?id=1", "/admin/verteilzeitraum/",
                  "/admin/verteilzeitraum/new/", "/admin/aufnahmequote/",
                  "/admin/landkreis/", "/admin/benutzer/", "/admin/benutzer/new/",
                  "/admin/unterkunft/", "/admin/unterkunft/anlegen/",
                  "/admin/unterkunft/hochladen/", "/admin/unterkunft/stichtag/",
                  "/admin/gibt-es-nicht"],
    "kommune-a": [*GEMEINSAM, "/admin/meine-meldung/", "/admin/quotenblatt/",
                  "/admin/verlauf/", "/admin/vereinbarung/", "/admin/hilfeersuchen/",
                  # Kommune A keeps its list in the demo; its first accommodation is id 1.
                  "/admin/unterkunft/", "/admin/unterkunft/details/?id=1",
                  "/admin/unterkunft/bearbeiten/?id=1", "/admin/unterkunft/anlegen/"],
    "presse": GEMEINSAM,
}


@pytest.mark.parametrize("rolle", list(SEITEN))
def test_every_screen_meets_wcag_21_aa(demo_web: Flask, browser, rolle: str) -> None:
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        seite = oeffnen()
        anmelden(seite, rolle, "demo-wrm-2026")
        befunde = {}
        for pfad in SEITEN[rolle]:
            seite.goto(pfad)
            seite.wait_for_load_state("load")
            if gefunden := verstoesse(seite):
                befunde[pfad] = gefunden
        assert befunde == {}, "\n".join(f"{p}: {v}" for p, liste in befunde.items() for v in liste)


def test_the_report_form_works_by_keyboard_and_announces_errors(demo_web: Flask,
                                                                browser) -> None:
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        seite = oeffnen()
        anmelden(seite, "kommune-a", "demo-wrm-2026")
        seite.goto("/admin/meine-meldung/")
        # Every script loaded first: a request the browser drops leaves the test server's file
        # open (a ResourceWarning), whatever the application does.
        seite.wait_for_load_state("load")
        # By keyboard alone: into (2), type a figure above (1), on to the next field, save.
        feld = seite.get_by_label(re.compile(r"^\(2\) "))
        feld.focus()
        seite.keyboard.press("Control+A")
        seite.keyboard.type("9999")
        seite.keyboard.press("Tab")
        naechstes = seite.evaluate("document.activeElement.id")
        assert naechstes and naechstes != "ankuenfte"
        assert seite.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
        feld.press("Enter")  # submits the form
        seite.wait_for_load_state("load")
        uebersicht = seite.locator("#fehleruebersicht")
        expect(uebersicht).to_be_focused()
        expect(uebersicht).to_have_attribute("role", "alert")
        verweis = uebersicht.locator('a[href="#ankuenfte"]')
        expect(verweis).to_contain_text("(2)")
        fehlerfeld = seite.locator("#ankuenfte")
        expect(fehlerfeld).to_have_attribute("aria-invalid", "true")
        beschreibung = fehlerfeld.get_attribute("aria-describedby") or ""
        assert beschreibung and seite.locator(f"#{beschreibung.split()[-1]}").inner_text()
        assert not verstoesse(seite)
        verweis.press("Enter")
        expect(fehlerfeld).to_be_focused()
        bild(seite, "66_meldung_fehler_tastatur")
