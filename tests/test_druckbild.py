"""The XLSX downloads print whole: LibreOffice prints them to PDF and every cell's text is in
the PDF in one grid cell — no "###", no cut label, no text running into the next column."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from pathlib import Path

from flask import Flask
from openpyxl import load_workbook

from tests import factories
from tests.conftest import anmelden
from tests.druckbild import nicht_ganz_gedruckt
from tests.vereinbarung_hilfe import S, kommune_namens, vereinbarung_zwischen
from wrm.db import db
from wrm.models import Buchungsart
from wrm.services.buchungen import buchen
from wrm.zeit import heute

DEMO_PASSWORT = "demo-wrm-2026"
#: An invented name as long as a real Samtgemeinde's with its seat and county.
LANGER_NAME = ("Samtgemeinde Beispielstadt-Musterdorf-Ortsteilhausen "
               "(Sitz Beispielstadt, Landkreis Osnabrück)")


def _herunterladen(app: Flask, *pfade: str) -> list[bytes]:
    client = app.test_client()
    assert anmelden(client, "landkreis", DEMO_PASSWORT).status_code == 302
    antworten = [client.get(pfad) for pfad in pfade]
    assert all(a.status_code == 200 for a in antworten), [a.status_code for a in antworten]
    return [a.data for a in antworten]


def _pruefen(inhalt: bytes, ordner: Path) -> None:
    fehlend, seiten = nicht_ganz_gedruckt(inhalt, ordner)
    assert fehlend == [], f"nicht ganz gedruckt: {fehlend}"
    assert seiten >= 1


def test_the_demos_downloads_print_whole(demo_web: Flask, tmp_path: Path) -> None:
    with demo_web.app_context():
        kennung = kommune_namens("Kommune M").id  # keeps its list: (6)–(11) from it
    for nummer, inhalt in enumerate(_herunterladen(
            demo_web, "/admin/auswertung/export.xlsx", "/admin/uebersicht/export.xlsx",
            f"/admin/quotenblatt/export.xlsx?kommune={kennung}")):
        _pruefen(inhalt, tmp_path / str(nummer))


def test_long_names_notes_agreements_and_credits_print_whole(demo_web: Flask,
                                                           tmp_path: Path) -> None:
    """The widest content a download can hold: a long Kommune name, a note of the most
    characters a report takes, an agreement (its columns and summary lines) and a credit."""
    zufall = random.Random(7)
    woerter = ["Unterkunft", "Belegung", "Gemeinschaftsunterkunft", "ab", "nächster", "Woche",
               "Wohnungen", "zugesagt", "Sanierung", "verzögert", "sich", "um", "vier"]
    notiz = " ".join(zufall.choice(woerter) for _ in range(400))[:2000]
    with demo_web.app_context():
        lang = kommune_namens("Kommune D")  # typed figures (the demo's M keeps a list)
        lang.name = LANGER_NAME
        factories.meldung(lang, zuweisungen=31, ankuenfte=30, bemerkung=notiz)
        buchen(db.session, kommune=lang, zeitraum=None, personen=3,
               art=Buchungsart.ANRECHNUNG, quelle="Geburten", benutzer=None, system="Test")
        db.session.commit()
        kennung = lang.id
    vereinbarung_zwischen(demo_web, LANGER_NAME, "Kommune R", S.ZUGESAGT)
    gestern = (heute() - timedelta(days=1)).isoformat()
    auswertung, uebersicht, alt, blatt = _herunterladen(
        demo_web, "/admin/auswertung/export.xlsx", "/admin/uebersicht/export.xlsx",
        f"/admin/auswertung/export.xlsx?stichtag={gestern}",
        f"/admin/quotenblatt/export.xlsx?kommune={kennung}")
    texte = [c.value for reihe in load_workbook(io.BytesIO(auswertung)).active.iter_rows()
             for c in reihe if isinstance(c.value, str)]
    assert LANGER_NAME in texte and "reicht bis KW" in texte
    assert any(t.startswith("zuzüglich zugesagter Plätze") for t in texte)
    assert notiz in [c.value for reihe in load_workbook(io.BytesIO(uebersicht)).active.iter_rows()
                     for c in reihe]
    for nummer, inhalt in enumerate((auswertung, uebersicht, alt, blatt)):
        _pruefen(inhalt, tmp_path / str(nummer))


def test_the_check_finds_a_cut_column(demo_web: Flask, tmp_path: Path) -> None:
    """The check itself can fail: the same workbook with the Kommune column squeezed."""
    (inhalt,) = _herunterladen(demo_web, "/admin/auswertung/export.xlsx")
    mappe = load_workbook(io.BytesIO(inhalt))
    mappe.active.column_dimensions["A"].width = 4
    mappe.active.column_dimensions["K"].width = 5
    puffer = io.BytesIO()
    mappe.save(puffer)
    fehlend, _ = nicht_ganz_gedruckt(puffer.getvalue(), tmp_path)
    assert any(f.startswith("A5:") for f in fehlend)  # a Kommune's name, cut
    assert any(f.startswith("K5:") for f in fehlend)  # its Stand, printed as "###"
