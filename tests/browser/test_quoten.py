"""Quotas and the horizon in a real browser, on the demo: the county calculates the quotas
from a contingent and applies them, sets a relief on a Quotenblatt and downloads it, enters an
announcement and reads the horizon; a Kommune reads its own sheet. Screenshots 50–55."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask
from openpyxl import load_workbook

from tests.browser.hilfe import (
    anmelden,
    bedienen,
    bild,
    chromium_verlangen,
    expect,
    menue,
    seiten,
    untermenue,
)
from wrm.kennzahlen.prognose import iso_woche, montag
from wrm.zeit import heute

chromium_verlangen()

PASSWORT = "demo-wrm-2026"


def test_county_calculates_applies_and_reads_a_quotenblatt(demo_web: Flask, browser) -> None:
    with bedienen(demo_web) as url, seiten(browser, url) as oeffnen:
        kreis = oeffnen()
        anmelden(kreis, "landkreis", PASSWORT)
        untermenue(kreis, "Quoten", "Quotenberechnung")
        # The demo's period has no contingent yet: the screen says so and offers the field.
        expect(kreis.locator("#berechnung-fehler")).to_contain_text("kein Kontingent")
        kreis.get_by_label("Kontingent").fill("1200")
        kreis.get_by_role("button", name="Berechnen").click()
        expect(kreis.locator("#summe-grundquote")).to_have_text("1.200")
        bild(kreis, "50_quotenberechnung")
        # The changes are listed first and must be confirmed.
        expect(kreis.locator("#aenderungen")).to_contain_text("Kommune A: 129 →")
        assert kreis.locator("#aenderungen li").count() in (20, 21)
        kreis.get_by_label(re.compile(r"Diese 2[01] Änderungen übernehmen")).check()
        kreis.get_by_role("button", name="Berechnete Quoten anwenden").click()
        # (one of the paper's quotas may equal its calculated one and stays unchanged)
        expect(kreis.locator(".alert-success")).to_contain_text(
            re.compile(r"Quoten angewendet: 2[01] geändert\."))
        expect(kreis.locator("#quotenberechnung")).not_to_contain_text("weicht ab")

        kreis.locator("#quotenberechnung").get_by_role("link", name="Kommune A",
                                                       exact=True).click()
        expect(kreis.locator("h1")).to_contain_text("Quotenblatt Kommune A")
        formular = kreis.locator("#form-entlastung")
        formular.get_by_label("Personen").fill("5")
        formular.get_by_label("Grund").fill("Landesaufnahmebehörde am Ort")
        formular.get_by_role("button", name="Entlastung speichern").click()
        expect(kreis.locator(".alert-success")).to_contain_text("Entlastung von Kommune A "
                                                                "gespeichert.")
        expect(kreis.locator("#entlastung")).to_have_text("5")
        expect(kreis.locator("#anpassungsverlauf")).to_contain_text("Landesaufnahmebehörde")
        bild(kreis, "51_quotenblatt")
        with kreis.expect_download() as laden:
            kreis.locator("#quotenblatt-xlsx").click()
        assert laden.value.suggested_filename.endswith(".xlsx")
        mappe = load_workbook(io.BytesIO(Path(laden.value.path()).read_bytes())).active
        assert mappe["A1"].value.startswith("Quotenblatt Kommune A")
        assert any(z[1] == "Entlastung" and z[2] == 5
                   for z in mappe.iter_rows(values_only=True))

        menue(kreis, "Prognose").click()
        woche = iso_woche(montag(heute()))
        kreis.get_by_label("Kommune", exact=True).select_option(label="Kommune C")
        kreis.get_by_label("Kalenderwoche").fill(woche)
        kreis.locator("#ankuendigung").get_by_label("Personen").fill("40")
        kreis.get_by_role("button", name="Ankündigung speichern").click()
        expect(kreis.locator(".alert-success")).to_contain_text(
            f"Ankündigung gespeichert: Kommune C, {woche}, 40 Personen.")
        zeile = kreis.locator("#prognose tr", has_text="Kommune C")
        expect(zeile).to_contain_text("reicht nicht für diese Woche")
        bild(kreis, "52_prognose")
        zeile.get_by_role("link", name="Kommune C").click()
        expect(kreis.locator("#diagramm-prognose svg")).to_be_visible()
        expect(kreis.locator("#wochen")).to_contain_text("angekündigt")
        bild(kreis, "53_prognose_kommune")
        menue(kreis, "Auswertung").click()
        expect(kreis.locator("#auswertung")).to_contain_text("reicht bis KW")
        bild(kreis, "54_auswertung_reicht_bis")

        kommune = oeffnen()
        anmelden(kommune, "kommune-a", PASSWORT)
        untermenue(kommune, "Quoten", "Quotenblatt")
        expect(kommune.locator("h1")).to_contain_text("Quotenblatt Kommune A")
        expect(kommune.locator("#form-entlastung")).to_have_count(0)
        expect(kommune.locator("#entlastung")).to_have_text("5")
        bild(kommune, "55_quotenblatt_kommune")
