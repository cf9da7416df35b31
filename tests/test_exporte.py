"""Downloads: XLSX and CSV of the Auswertung equal `wrm auswertung --format json` cell for cell;
the press never gets internal notes or names; formulas cannot be smuggled in."""

from __future__ import annotations

import csv
import html
import io
import os
import random
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tests.cli_json import cli_auswertung
from tests.conftest import anmelden
from tests.welt import Welt
from wrm.db import db
from wrm.exporte import AUSWERTUNG, REICHT_BIS, UEBERSICHT, XLSX_KOPFZEILE
from wrm.meldefelder import ZUSAMMENFASSUNG_HILFE
from wrm.models import Rolle, Verteilzeitraum
from wrm.services.benutzer import benutzer_anlegen
from wrm.zeit import heute

TITEL = {s.titel: s.schluessel for s in (*AUSWERTUNG, *UEBERSICHT, REICHT_BIS)}
ZUSAMMENFASSUNG = {
    "benötigter Wohnraum (Personen)": "benoetigt",
    "davon sofort verfügbar (Personen)": "sofort_verfuegbar",
    "in Aussicht stehender Wohnraum (Personen)": "in_aussicht",
    "aktuelle Gesamtverfügbarkeit (Personen)": "gesamt_verfuegbar",
    "fehlender Wohnraum (Personen)": "fehlend",
    **{titel: name for name, titel in ZUSAMMENFASSUNG_HILFE},
}


def _block_wie_cli(zusammenfassung: dict) -> dict:
    """The CLI's summary as a download shows it: the agreements' lines only when not 0."""
    return {k: v for k, v in zusammenfassung.items()
            if v or k not in {name for name, _ in ZUSAMMENFASSUNG_HILFE}}


def _xlsx_lesen(inhalt: bytes) -> tuple[str, list[dict], dict, dict]:
    blatt = load_workbook(io.BytesIO(inhalt)).active
    zeilen = [list(z) for z in blatt.iter_rows(values_only=True)]
    kopf = [TITEL[t] for t in zeilen[XLSX_KOPFZEILE - 1]]
    daten, gesamt, zusammenfassung = [], {}, {}
    for zeile in zeilen[XLSX_KOPFZEILE:]:
        if zeile[0] in ZUSAMMENFASSUNG:
            zusammenfassung[ZUSAMMENFASSUNG[zeile[0]]] = zeile[1]
        elif zeile[0] == "Gesamt":
            gesamt = dict(zip(kopf, zeile, strict=True))
        elif zeile[0] is not None:
            daten.append(dict(zip(kopf, zeile, strict=True)))
    return zeilen[1][0], daten, gesamt, zusammenfassung


def _csv_lesen(inhalt: bytes) -> tuple[list[dict], dict, dict]:
    assert inhalt.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    zeilen = list(csv.reader(io.StringIO(inhalt.decode("utf-8-sig")), delimiter=";"))
    kopf = [TITEL[t] for t in zeilen[0]]

    def wert(schluessel: str, text: str) -> object:
        if text == "":
            return None
        if schluessel == "stand":
            return datetime.strptime(text, "%d.%m.%Y %H:%M:%S")
        return text if schluessel in ("kommune", "lage", "reicht_bis") else int(text)

    daten, gesamt, zusammenfassung = [], {}, {}
    for zeile in zeilen[1:]:
        if zeile and zeile[0] in ZUSAMMENFASSUNG:
            zusammenfassung[ZUSAMMENFASSUNG[zeile[0]]] = int(zeile[1])
        elif zeile:
            werte = {k: wert(k, t) for k, t in zip(kopf, zeile, strict=True)}
            if zeile[0] == "Gesamt":
                gesamt = werte
            else:
                daten.append(werte)
    return daten, gesamt, zusammenfassung


def _wie_cli(zeile: dict) -> dict:
    """A CLI row reduced to the export's columns, stand as local wall-clock time."""
    werte = {s.schluessel: zeile.get(s.schluessel) for s in AUSWERTUNG}
    if werte["stand"] is not None:
        from wrm.zeit import als_ortszeit

        werte["stand"] = als_ortszeit(werte["stand"]).replace(tzinfo=None)
    return werte


def _reicht_bis_am_schirm(client, abfrage: dict) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The screen's "reicht bis KW" per Kommune (and "Gesamt"), as text."""
    seite = client.get("/admin/auswertung/", query_string=abfrage).get_data(as_text=True)
    tabelle = seite[seite.index('id="auswertung"'):seite.index("</table>")]
    ergebnis = {}
    for zeile in re.findall(r"<tr.*?</tr>", tabelle, flags=re.S):
        if 'class="reicht-bis"' not in zeile:
            continue
        name = re.sub(r"<[^>]+>", "", re.search(r"<th.*?</th>", zeile, flags=re.S).group(0))
        zelle = re.search(r'class="reicht-bis">(.*?)</td>', zeile, flags=re.S).group(1)
        ergebnis[html.unescape(name.strip())] = html.unescape(
            re.sub(r"<[^>]+>", "", zelle)).strip()
    return ergebnis


def _ohne_reichweite(zeilen: list[dict]) -> tuple[list[dict], dict[str, str]]:
    reichweiten = {z["kommune"]: z.pop(REICHT_BIS.schluessel) for z in zeilen}
    return zeilen, reichweiten


def exporte_wie_cli(client, runner, stichtag: date | None) -> None:  # type: ignore[no-untyped-def]
    """Download both formats and compare them with the CLI's JSON, and their "reicht bis KW"
    with the screen's."""
    erwartet = cli_auswertung(runner, stichtag)
    zeilen = [_wie_cli(z) for z in erwartet["zeilen"]]
    gesamt = {s.schluessel: erwartet["gesamt"].get(s.schluessel) for s in AUSWERTUNG[1:-2]}
    abfrage = {"stichtag": stichtag.isoformat()} if stichtag else {}
    am_schirm = _reicht_bis_am_schirm(client, abfrage)
    xlsx = client.get("/admin/auswertung/export.xlsx", query_string=abfrage)
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    stand_text, daten, summe, block = _xlsx_lesen(xlsx.data)
    daten, reichweiten = _ohne_reichweite([*daten, summe])
    assert reichweiten == am_schirm and all(reichweiten.values())
    daten, summe = daten[:-1], daten[-1]
    tag = stichtag or heute()
    assert stand_text.startswith(f"Stand: {tag.strftime('%d.%m.%Y')}")
    assert daten == zeilen
    assert {k: summe[k] for k in gesamt} == gesamt and summe["kommune"] == "Gesamt"
    assert block == _block_wie_cli(erwartet["zusammenfassung"])
    for zeile in daten:  # numbers as numbers, never text
        assert all(isinstance(zeile[k], int | type(None)) for k in gesamt)
    csv_antwort = client.get("/admin/auswertung/export.csv", query_string=abfrage)
    assert csv_antwort.status_code == 200
    daten, summe, block = _csv_lesen(csv_antwort.data)
    daten, reichweiten = _ohne_reichweite([*daten, summe])
    assert reichweiten == am_schirm
    daten, summe = daten[:-1], daten[-1]
    assert daten == zeilen
    assert {k: summe[k] for k in gesamt} == gesamt
    assert block == _block_wie_cli(erwartet["zusammenfassung"])


def test_exports_of_the_seed_data_equal_the_cli(demo_web: Flask) -> None:
    client = demo_web.test_client()
    assert anmelden(client, "landkreis", "demo-wrm-2026").status_code == 302
    runner = demo_web.test_cli_runner()
    exporte_wie_cli(client, runner, None)
    exporte_wie_cli(client, runner, heute() - timedelta(days=1))
    _, _, _, block = _xlsx_lesen(client.get("/admin/auswertung/export.xlsx").data)
    assert block == {"benoetigt": 716, "sofort_verfuegbar": 469, "in_aussicht": 654,
                     "gesamt_verfuegbar": 1123, "fehlend": -407}


@pytest.mark.parametrize("saat", [11, 12, 13])
def test_exports_of_random_data_equal_the_cli(web: Flask, saat: int) -> None:
    zufall = random.Random(saat)
    with web.app_context():
        factories.zufallsdaten(zufall)
        benutzer_anlegen(db.session, name="kreis", rolle=Rolle.LANDKREIS,
                         landkreis=factories.landkreis(), passwort="sehr-geheim-123")
        db.session.commit()
    client = web.test_client()
    anmelden(client, "kreis")
    runner = web.test_cli_runner()
    for stichtag in (None, heute() - timedelta(days=zufall.randint(1, 70))):
        exporte_wie_cli(client, runner, stichtag)


@pytest.mark.parametrize("rolle, status", [("kreis", 200), ("presse", 200), ("eigen", 403),
                                           ("anonym", 302)])
@pytest.mark.parametrize("pfad", ["/admin/auswertung/export.xlsx", "/admin/auswertung/export.csv",
                                  "/admin/uebersicht/export.xlsx", "/admin/uebersicht/export.csv"])
def test_who_may_download(web: Flask, welt: Welt, rolle: str, status: int, pfad: str) -> None:
    client = web.test_client()
    if rolle != "anonym":
        anmelden(client, rolle)
    assert client.get(pfad).status_code == status


def test_press_download_never_holds_notes_or_names(web: Flask, welt: Welt) -> None:
    for rolle, intern in (("kreis", True), ("presse", False)):
        client = web.test_client()
        anmelden(client, rolle)
        for format_ in ("xlsx", "csv"):
            inhalt = client.get(f"/admin/uebersicht/export.{format_}").data
            if format_ == "xlsx":
                blatt = load_workbook(io.BytesIO(inhalt)).active
                text = " ".join(str(c) for z in blatt.iter_rows(values_only=True) for c in z)
            else:
                text = inhalt.decode("utf-8-sig")
            assert ("intern: Turnhalle" in text) is intern, (rolle, format_)
            assert ("Test" in text) is intern, (rolle, format_)  # the reporter's name


def test_uebersicht_download_has_the_numbered_columns(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "presse")
    blatt = load_workbook(io.BytesIO(client.get("/admin/uebersicht/export.xlsx").data)).active
    kopf = [c.value for c in blatt[XLSX_KOPFZEILE]]
    for nummer in range(1, 13):
        assert any(str(k).startswith(f"({nummer}) ") for k in kopf), nummer
    assert blatt.cell(XLSX_KOPFZEILE + 1, 1).value == "Kommune Eigen"
    assert blatt.cell(XLSX_KOPFZEILE + 1, kopf.index("(1) vom Land ausgesprochene Zuweisungen")
                      + 1).value == 10


def test_formula_like_names_are_escaped_numbers_are_not(web: Flask, welt: Welt) -> None:
    with web.app_context():
        factories.meldung(factories.kommune('=HYPERLINK("http://x","y")'))
        summe = factories.kommune("@SUM(A1)")
        factories.quote(summe, db.session.scalar(select(Verteilzeitraum)), 0)  # (5) = −10
        factories.meldung(summe)
        db.session.commit()
    client = web.test_client()
    anmelden(client, "kreis")
    text = client.get("/admin/uebersicht/export.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert ";=" not in text and "\n=" not in text
    ausw = client.get("/admin/auswertung/export.csv").data.decode("utf-8-sig")
    assert ";-10;" in ausw  # a negative figure stays a number
    blatt = load_workbook(io.BytesIO(client.get("/admin/uebersicht/export.xlsx").data)).active
    namen = [blatt.cell(z, 1).value for z in range(XLSX_KOPFZEILE + 1, blatt.max_row + 1)]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in namen
    assert all(zelle.data_type != "f" for zeile in blatt.iter_rows() for zelle in zeile)


def test_bad_stichtag_is_a_clear_400(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    schlecht = client.get("/admin/auswertung/export.xlsx?stichtag=gestern")
    assert schlecht.status_code == 400 and "JJJJ-MM-TT" in schlecht.get_data(as_text=True)
    zukunft = (heute() + timedelta(days=3)).isoformat()
    assert client.get(f"/admin/auswertung/?stichtag={zukunft}").status_code == 400


_GEFAEHRLICH = ("=HYPERLINK(\"http://boese.example\",\"Klick\")", "+1+2", "-3", "@SUMME(1)")


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
@pytest.mark.parametrize("ansicht", ["meldung", "verlauf", "kommune", "aufnahmequote"])
def test_list_exports_go_through_the_escaping_writer(web: Flask, welt: Welt, ansicht: str,
                                                    format_: str) -> None:
    """Flask-Admin's list exports: no cell a spreadsheet would run, no HTML in the data."""
    with web.app_context():
        zeitraum = db.session.scalar(select(Verteilzeitraum))
        for nummer, text in enumerate(_GEFAEHRLICH):
            k = factories.kommune(text)
            factories.quote(k, zeitraum, 10 + nummer)
            factories.meldung(k, bemerkung=f"{text} <b>fett</b> \"zitiert\"")
            factories.meldung(k, zuweisungen=11, bemerkung=f"{text} <b>fett</b> \"zitiert\"!")
        db.session.commit()
    client = web.test_client()
    anmelden(client, "kreis")
    antwort = client.get(f"/admin/{ansicht}/export/{format_}/")
    assert antwort.status_code == 200
    assert antwort.headers["Content-Disposition"].endswith(f'.{format_}"')
    if format_ == "csv":
        assert antwort.data.startswith(b"\xef\xbb\xbf")
        zeilen = list(csv.reader(io.StringIO(antwort.data.decode("utf-8-sig")), delimiter=";"))
        kopf, zellen = zeilen[0], [z for zeile in zeilen[1:] for z in zeile]
    else:
        blatt = load_workbook(io.BytesIO(antwort.data)).active
        assert all(z.data_type != "f" for zeile in blatt.iter_rows() for z in zeile)
        werte = [list(z) for z in blatt.iter_rows(values_only=True)]
        kopf = werte[XLSX_KOPFZEILE - 1]
        zellen = [z for zeile in werte[XLSX_KOPFZEILE:] for z in zeile if isinstance(z, str)]
    assert {"Kommune", "Name"} & set(kopf)
    texte = [z for z in zellen if any(g in z for g in _GEFAEHRLICH)]
    assert texte, "the dangerous names must be in the export"
    assert all(not z.startswith(("=", "+", "-", "@")) for z in zellen)
    assert any(z.startswith("'=HYPERLINK") for z in zellen)
    assert not any("&#" in z or "<br>" in z or "&quot;" in z for z in zellen)
    if ansicht in ("meldung", "verlauf"):
        assert any('<b>fett</b> "zitiert"!' in z for z in zellen)  # notes exactly as written
    if ansicht == "verlauf":
        assert any("Bemerkung:" in z and "→" in z for z in zellen)


def test_list_export_is_refused_where_the_screen_has_none(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    assert client.get("/admin/benutzer/export/csv/").status_code == 404
    assert client.get("/admin/meldung/export/pdf/").status_code == 404


def test_xlsx_is_print_ready(demo_web: Flask) -> None:
    """A4 landscape, one page wide, the header row repeated, title, Stand and page numbers in
    header and footer, a header row tall enough for wrapped titles (read back with openpyxl)."""
    client = demo_web.test_client()
    anmelden(client, "landkreis", "demo-wrm-2026")
    for pfad in ("/admin/auswertung/export.xlsx", "/admin/uebersicht/export.xlsx"):
        blatt = load_workbook(io.BytesIO(client.get(pfad).data)).active
        einrichtung = blatt.page_setup
        assert einrichtung.orientation == "landscape" and einrichtung.paperSize == 9
        assert (einrichtung.fitToWidth, einrichtung.fitToHeight) == (1, 0)
        assert blatt.sheet_properties.pageSetUpPr.fitToPage is True
        assert blatt.print_title_rows == f"${XLSX_KOPFZEILE}:${XLSX_KOPFZEILE}"
        assert blatt.oddHeader.left.text.startswith(("Kontinuierliche Auswertung", "Übersicht"))
        assert blatt.oddHeader.right.text.startswith("Stand: ")
        assert blatt.oddFooter.center.text == "Seite &P von &N"
        assert blatt.row_dimensions[XLSX_KOPFZEILE].height >= 30
        kopf = [c for c in blatt[XLSX_KOPFZEILE] if c.value]
        assert all(c.alignment.wrap_text for c in kopf)


def test_a_worker_loads_openpyxl_only_for_a_download(tmp_path: Path) -> None:
    """openpyxl (with numpy) is 28 MB of a worker's memory: a worker that never writes an XLSX
    file does not load it."""
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("WRM_")}
    umgebung["WRM_INSTANCE_PATH"] = str(tmp_path)
    ausgabe = subprocess.run(
        [sys.executable, "-c", "import sys, wsgi; print(sorted(m for m in ('openpyxl', 'numpy')"
         " if m in sys.modules))"],
        cwd=Path(__file__).resolve().parent.parent, env=umgebung, capture_output=True,
        text=True, check=True).stdout
    assert ausgabe.strip() == "[]"
