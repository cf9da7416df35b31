"""End to end in a real browser: a Kommune reports, a conflict, the press office, the county's
screens and the dashboard. Screenshots of every screen go to tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from tests.browser.hilfe import (
    ARTEFAKTE,
    anmelden,
    bedienen,
    bild,
    chromium_verlangen,
    expect,
    feld,
    meldung_oeffnen,
    menue,
    seiten,
)
from tests.welt import Welt

chromium_verlangen()


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
        kommune = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune U"))
        factories.meldung(kommune, **{**kommune.meldung.werte(), "verfuegbar_dezentral": 153})
        db.session.commit()


def _als_datum(wert):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(wert) if isinstance(wert, str) else wert


def test_dashboard_shows_the_papers_figures_today_and_at_a_stichtag(demo_web: Flask,
                                                                    browser) -> None:
    from datetime import timedelta

    from wrm.zeit import heute

    reihenfolge = [z.split(";")[0] for z in (Path(__file__).parent.parent / "data" /
                                             "auswertung_erwartet.csv").read_text(
        encoding="utf-8").splitlines()[1:] if z and not z.startswith("Gesamt")]
    _demo_zurueckdatieren(demo_web, 10)
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        seite = oeffnen()
        anmelden(seite, "landkreis", "demo-wrm-2026")
        menue(seite, "Auswertung").click()
        zusammenfassung = seite.locator("#zusammenfassung")
        # today: Kommune U reported 100 more decentral places, so 100 fewer are missing
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
        # The paper's order, then the county's own (full) shelters, which have no Bedarf.
        assert [n.strip() for n in namen] == [*reihenfolge, "Unterkünfte des Landkreises"]
        expect(seite.locator("#gesamt")).to_contain_text("−407")
        expect(seite.locator("#abdeckung")).to_contain_text("21 von 21 Kommunen")
        bild(seite, "23_auswertung_stichtag")

        seite.locator("#auswertung tbody th a", has_text="Kommune R").click()
        expect(seite.locator("#kommune-zahlen")).to_contain_text("Bedarf")
        expect(seite.locator("#diagramm-kommune svg")).to_be_visible()
        bild(seite, "24_kommune_seite")
