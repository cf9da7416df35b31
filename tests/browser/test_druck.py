"""Wide tables at 1366 × 768 and printing, in a real browser on the demo: the pages do not
scroll sideways (a table scrolls in its box with the Kommune kept in view), and the Auswertung
prints on one A4 landscape page without menu or buttons. Screenshots 61–63."""

from __future__ import annotations

import re

from flask import Flask

from tests.browser.hilfe import ARTEFAKTE, anmelden, bedienen, chromium_verlangen, expect, seiten

chromium_verlangen()


def test_tables_fit_1366_and_the_auswertung_prints_on_one_page(demo_web: Flask,
                                                               browser) -> None:
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        seite = oeffnen()
        seite.set_viewport_size({"width": 1366, "height": 768})
        anmelden(seite, "landkreis", "demo-wrm-2026")
        for pfad, name in (("/admin/uebersicht/", "61_uebersicht_1366"),
                           ("/admin/auswertung/", "62_auswertung_1366"),
                           ("/admin/meldung/", "63_meldungen_1366")):
            seite.goto(pfad)
            breite = seite.evaluate("document.documentElement.scrollWidth")
            assert breite <= 1366, (pfad, breite)
            erste = seite.locator(".table-responsive table tbody tr").first.locator(
                "th, td").first
            assert erste.evaluate("e => getComputedStyle(e).position") == "sticky", pfad
            seite.screenshot(path=str(ARTEFAKTE / f"{name}.png"))

        seite.goto("/admin/auswertung/")
        seite.emulate_media(media="print")
        expect(seite.locator(".navbar")).to_be_hidden()
        expect(seite.locator("#stichtagswahl")).to_be_hidden()
        expect(seite.locator("#auswertung")).to_be_visible()
        pdf = seite.pdf(prefer_css_page_size=True, print_background=True)
        (ARTEFAKTE / "64_auswertung_druck.pdf").write_bytes(pdf)
        seiten_ = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert seiten_ == 1, seiten_
        seite.goto("/admin/uebersicht/")
        expect(seite.locator(".navbar")).to_be_hidden()
        expect(seite.locator("#uebersicht")).to_be_visible()
        (ARTEFAKTE / "65_uebersicht_druck.pdf").write_bytes(
            seite.pdf(prefer_css_page_size=True, print_background=True))
