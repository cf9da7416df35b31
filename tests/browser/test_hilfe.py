"""Help between Kommunen in a real browser, on the demo: Kommune M asks for help, the county
turns a proposal line into a request, Kommune B promises and reports the move; screenshots of
each step go to tests/artifacts/."""

from __future__ import annotations

from flask import Flask

from tests.browser.hilfe import (
    ARTEFAKTE,
    anmelden,
    bedienen,
    bild,
    chromium_verlangen,
    expect,
    menue,
    seiten,
    untermenue,
)

chromium_verlangen()

PASSWORT = "demo-wrm-2026"


def _hilfemenue(seite, eintrag: str) -> None:  # type: ignore[no-untyped-def]
    untermenue(seite, "Hilfe zwischen Kommunen", eintrag)


def test_request_proposal_agreement_promise_and_move(demo_web: Flask, browser) -> None:
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        m = oeffnen()
        anmelden(m, "kommune-m", PASSWORT)
        _hilfemenue(m, "Hilfeersuchen")
        m.get_by_role("link", name="Hilfe erbitten").click()
        m.get_by_label("Personen, für die Plätze fehlen").fill("73")
        m.get_by_label("Bemerkung").fill("Turnhalle ab Montag belegt")
        bild(m, "40_hilfe_erbitten")
        m.get_by_role("button", name="Hilfe erbitten").click()
        expect(m.locator("#status")).to_have_text("offen")

        kreis = oeffnen()
        anmelden(kreis, "landkreis", PASSWORT)
        menue(kreis, "Auswertung").click()
        vorschlag = kreis.locator("#vorschlag")
        # One reading of every arrow: zugewiesen an → untergebracht in.
        expect(vorschlag).to_contain_text("Vorschlag: Kommune M → Kommune B: 50 Personen")
        expect(kreis.locator("#karte svg")).to_be_visible()
        bild(kreis, "41_auswertung_vorschlag")
        kreis.locator("#karte").screenshot(path=str(ARTEFAKTE / "42_karte.png"))
        zeile = vorschlag.locator(".vorschlagszeile", has_text="Kommune M → Kommune B")
        zeile.get_by_role("button", name="Kommune B anfragen").click()
        expect(kreis.locator("#status")).to_have_text("angefragt")
        expect(kreis.locator("h1")).to_contain_text("Kommune M → Kommune B, 50 Personen")
        bild(kreis, "43_vereinbarung_angefragt")

        b = oeffnen()
        anmelden(b, "kommune-b", PASSWORT)
        _hilfemenue(b, "Vereinbarungen")
        b.locator("a.icon[href*='/details/']").first.click()
        expect(b.locator("#status")).to_have_text("angefragt")
        b.get_by_role("button", name="Zusagen").click()
        expect(b.locator("#status")).to_have_text("zugesagt")
        b.get_by_role("button", name="Als belegt melden").click()
        expect(b.locator("#status")).to_have_text("belegt")
        expect(b.locator("#verlauf")).to_contain_text("zugesagt → belegt")
        bild(b, "44_vereinbarung_belegt")

        # The figures know: M's Bedarf fell by 50, the county's total stayed.
        kreis.reload()
        menue(kreis, "Auswertung").click()
        zeile_m = kreis.locator("#auswertung tbody tr", has_text="Kommune M")
        expect(zeile_m).to_contain_text("23")
        expect(kreis.locator("#zusammenfassung")).to_contain_text("−407")
        bild(kreis, "45_auswertung_nach_zusage")
