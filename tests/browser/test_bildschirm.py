"""A 1366 × 768 screen, the office laptop's: the menu in one row and the Übersicht and the
Auswertung without sideways scrolling, for every role, with Kommune names and a note as long
as real ones (invented here: the paper's figures never go with real names)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests import factories
from tests.browser.hilfe import anmelden, bedienen, bild, chromium_verlangen, menue, seiten
from tests.vereinbarung_hilfe import kommune_namens
from wrm.db import db

chromium_verlangen()

#: A maximised browser on a 1366 px screen, less a classic scroll bar.
BREITE, HOEHE = 1350, 768
LANGE_NAMEN = {"Kommune B": "Samtgemeinde Musterdorf-Beispielstadt",
               "Kommune M": "Beispielhausen am Musterwald"}
NOTIZ = ("Zwei Wohnungen in der Beispielstraße werden ab nächster Woche frei; die "
         "Gemeinschaftsunterkunft am Sportplatz ist wegen einer Sanierung bis Monatsende "
         "nur zur Hälfte belegbar.")

MESSEN = """() => {
  const menue = [...document.querySelectorAll('nav.navbar .navbar-nav > .nav-item')];
  const kaesten = [...document.querySelectorAll('.table-responsive')];
  return {
    menuezeilen: new Set(menue.map(e => Math.round(e.getBoundingClientRect().top))).size,
    seite: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    kaesten: kaesten.map(k => [k.querySelector('table').id, k.scrollWidth, k.clientWidth]),
  };
}"""


@pytest.mark.parametrize("wer", ["landkreis", "kommune-a", "presse"])
def test_menu_in_one_row_tables_without_sideways_scrolling(demo_web: Flask, browser,
                                                          wer: str) -> None:
    with demo_web.app_context():
        for alt, neu in LANGE_NAMEN.items():
            kommune_namens(alt).name = neu
        factories.meldung(kommune_namens(LANGE_NAMEN["Kommune B"]), zuweisungen=69,
                          ankuenfte=60, bemerkung=NOTIZ)
        db.session.commit()
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        seite = oeffnen(BREITE, HOEHE)
        anmelden(seite, wer, "demo-wrm-2026")
        for eintrag in ("Übersicht", "Auswertung"):
            menue(seite, eintrag).click()
            seite.wait_for_load_state("load")  # the style sheets are what is measured
            gemessen = seite.evaluate(MESSEN)
            bild(seite, f"bildschirm_1366_{wer}_{eintrag}")
            assert gemessen["menuezeilen"] == 1, (wer, eintrag, gemessen)
            assert gemessen["seite"][0] <= gemessen["seite"][1], (wer, eintrag, gemessen)
            assert gemessen["kaesten"], (wer, eintrag)
            for tabelle, breite, sichtbar in gemessen["kaesten"]:
                assert breite <= sichtbar, f"{wer}, {eintrag}: #{tabelle} {breite} > {sichtbar} px"
