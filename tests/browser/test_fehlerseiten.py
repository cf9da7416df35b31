"""Error pages as a clerk meets them: German, in the application's layout with the menu, a
working way back, and accessible (axe-core, 0 violations)."""

from __future__ import annotations

from flask import Flask

from tests.browser.barrierefreiheit import verstoesse
from tests.browser.hilfe import anmelden, bedienen, bild, chromium_verlangen, expect, seiten

chromium_verlangen()


def test_error_pages_are_german_with_the_menu_and_lead_back(demo_web: Flask, browser) -> None:
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        seite = oeffnen()
        anmelden(seite, "kommune-a", "demo-wrm-2026")
        seite.goto("/admin/auswertung/")
        # A Kommune opens the user administration by a bookmark from the Auswertung.
        seite.evaluate("location.assign('/admin/benutzer/')")
        seite.wait_for_url("**/admin/benutzer/")
        expect(seite.locator("#fehler h1")).to_contain_text("Kein Zugriff (Fehler 403)")
        expect(seite.locator("nav.navbar")).to_contain_text("Auswertung")
        assert seite.locator("html").get_attribute("lang") == "de"
        assert verstoesse(seite) == []
        bild(seite, "70_fehler_403")
        seite.get_by_role("link", name="Zurück zur vorigen Seite").click()
        seite.wait_for_url("**/admin/auswertung/")

        seite.goto("/admin/gibt-es-nicht")
        expect(seite.locator("#fehler h1")).to_contain_text("Nicht gefunden (Fehler 404)")
        expect(seite.locator("#fehler")).to_contain_text("nicht sichtbar")
        assert verstoesse(seite) == []
        bild(seite, "71_fehler_404")
        seite.get_by_role("link", name="Zur Startseite").click()
        seite.wait_for_url("**/admin/")
