"""`wrm unterkuenfte import|liste` and `wrm meldung quelle`, exactly as issue 25 writes them,
on the permission world (not the demo)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from tests.welt import Welt
from wrm.db import db
from wrm.models import Kommune, Unterkunft, Unterkunftseintrag

KOPF = ("kommune;name;art;status;verfuegbar_ab;plaetze;gesperrt;sperrgrund;belegt;reserviert;"
        "adresse")
SCHLUESSEL = ["kommune", "name", "art", "status", "verfuegbar_ab", "plaetze", "gesperrt",
              "belegbar", "belegt", "reserviert", "frei", "ueberbelegt"]


def _datei(tmp_path: Path, *zeilen: str, kopf: str = KOPF) -> str:
    pfad = tmp_path / "unterkuenfte.csv"
    pfad.write_bytes(("\ufeff" + "\n".join((kopf, *zeilen)) + "\n").encode())
    return str(pfad)


def _liste(runner, *argumente: str) -> list[dict]:  # type: ignore[no-untyped-def]
    ergebnis = runner.invoke(args=["unterkuenfte", "liste", *argumente, "--format", "json"])
    assert ergebnis.exit_code == 0, ergebnis.output
    return json.loads(ergebnis.output)


def _anzahl(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count(Unterkunft.id))),  # type: ignore[return-value]
                db.session.scalar(select(func.count(Unterkunftseintrag.id))))


def test_import_creates_updates_and_lists(web: Flask, welt: Welt, tmp_path: Path) -> None:
    runner = web.test_cli_runner()
    ergebnis = runner.invoke(args=["unterkuenfte", "import", _datei(
        tmp_path,
        "Kommune Eigen;Sporthalle Nord;gemeinschaftsunterkunft;in_betrieb;;80;10;Wasserschaden;"
        "55;5;Hallenweg 1",
        "kommune eigen;Haus am Bach;Dezentral;IN_BETRIEB;2026-01-01;5;;;6;;",
        "Kommune Fremd;Container Süd;gemeinschaftsunterkunft;in_aussicht;15.01.2027;40;0;;0;12;",
        "Landkreis;Messehalle;gemeinschaftsunterkunft;in_betrieb;;120;0;;120;0;")])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "4 Unterkünfte angelegt, 0 geändert, 0 unverändert." in ergebnis.output
    assert "Warnung: Zeile 3: „Haus am Bach“ ist um 1 Person überbelegt" in ergebnis.output
    alle = _liste(runner)
    assert all(list(z) == SCHLUESSEL for z in alle)
    assert [(z["kommune"], z["name"]) for z in alle] == [
        ("Kommune Eigen", "Haus am Bach"), ("Kommune Eigen", "Sporthalle Nord"),
        ("Kommune Fremd", "Container Süd"), ("Landkreis", "Messehalle")]
    halle = alle[1]
    assert (halle["plaetze"], halle["gesperrt"], halle["belegbar"], halle["belegt"],
            halle["reserviert"], halle["frei"], halle["ueberbelegt"]) == (80, 10, 70, 55, 5, 10, 0)
    assert alle[0]["verfuegbar_ab"] is None and alle[0]["ueberbelegt"] == 1  # day ignored
    assert alle[2]["verfuegbar_ab"] == "2027-01-15" and alle[2]["frei"] == 28
    assert [z["name"] for z in _liste(runner, "--kommune", "Landkreis")] == ["Messehalle"]
    assert [z["name"] for z in _liste(runner, "--kommune", " kommune  fremd ")] == [
        "Container Süd"]
    # The same file again changes nothing; a changed row updates, empty counts become 0.
    ergebnis = runner.invoke(args=["unterkuenfte", "import", _datei(
        tmp_path,
        "Kommune Eigen;Sporthalle Nord;gemeinschaftsunterkunft;in_betrieb;;80;;;58;;")])
    assert "0 Unterkünfte angelegt, 1 geändert, 0 unverändert." in ergebnis.output
    halle = next(z for z in _liste(runner, "--kommune", "Kommune Eigen")
                 if z["name"] == "Sporthalle Nord")
    assert (halle["gesperrt"], halle["belegt"], halle["reserviert"], halle["frei"]) == (
        0, 58, 0, 22)
    with web.app_context():
        adresse = db.session.scalar(select(Unterkunft.adresse).where(
            Unterkunft.name == "Sporthalle Nord"))
        assert adresse is None  # an empty text is none, also when updating
    gestern = (date.today() - timedelta(days=1)).isoformat()
    assert _liste(runner, "--stichtag", gestern) == []


def test_a_bad_file_names_line_and_column_and_writes_nothing(web: Flask, welt: Welt,
                                                            tmp_path: Path) -> None:
    runner = web.test_cli_runner()
    vorher = _anzahl(web)
    ergebnis = runner.invoke(args=["unterkuenfte", "import", _datei(
        tmp_path,
        "Kommune Eigen;Gut;dezentral;in_betrieb;;5;0;;2;0;",
        "Kommune Eigen;Halle;gemeinschaftsunterkunft;in_betrieb;;viele;0;;0;0;",
        "Kommune Eigen;Halle 2;gemeinschaftsunterkunft;in_betrieb;;10;11;Brand;0;0;",
        "Kommune Eigen;Halle 3;gemeinschaftsunterkunft;in_betrieb;;10;2;;0;0;",
        "Kommune Eigen;Container;gemeinschaftsunterkunft;in_aussicht;;10;0;;3;0;",
        "Fremdort;Wohnung;dezentral;in_betrieb;;3;0;;0;0;",
        "Kommune Eigen;Zelt;zelt;offen;;3;0;;-1;0;",
        "Kommune Eigen; gut ;dezentral;in_betrieb;;5;0;;2;0;",
        "Kommune Eigen;Später;dezentral;in_aussicht;31.12.1999;5;0;;0;0;")])
    assert ergebnis.exit_code == 1
    for erwartet in (
        "Zeile 3, Spalte plaetze: „viele“ ist keine ganze Zahl",
        "Zeile 4, Spalte gesperrt: Gesperrte Plätze (11) dürfen nicht mehr sein als Plätze (10).",
        "Zeile 5, Spalte sperrgrund: ist erforderlich, wenn Plätze gesperrt sind",
        "Zeile 6, Spalte verfuegbar_ab: ist erforderlich, wenn die Unterkunft in Aussicht steht",
        "Zeile 6, Spalte belegt: Belegt kann nur eine Unterkunft in Betrieb sein",
        "Zeile 7, Spalte kommune: Die Kommune „Fremdort“ gibt es im Landkreis Osnabrück nicht.",
        "Zeile 8, Spalte art: muss „gemeinschaftsunterkunft“ oder „dezentral“ sein",
        "Zeile 8, Spalte status: muss „in_betrieb“",
        "Zeile 8, Spalte belegt: darf nicht negativ sein",
        "Zeile 9, Spalte name: „gut“ von „Kommune Eigen“ steht schon in Zeile 2.",
        "Zeile 10, Spalte verfuegbar_ab: darf nicht vor dem 01.01.2000 liegen",
    ):
        assert erwartet in ergebnis.output, (erwartet, ergebnis.output)
    assert "nichts wurde gespeichert" in ergebnis.output
    assert _anzahl(web) == vorher
    schlecht = runner.invoke(args=["unterkuenfte", "import", _datei(
        tmp_path, "Kommune Eigen;x", kopf="kommune;name;farbe")])
    assert schlecht.exit_code == 1 and "Spalte farbe: unbekannte Spalte" in schlecht.output
    assert "Spalte plaetze: Spalte fehlt" in schlecht.output


def test_the_report_source_switches_and_follows_the_list(web: Flask, welt: Welt,
                                                         tmp_path: Path) -> None:
    runner = web.test_cli_runner()
    runner.invoke(args=["unterkuenfte", "import", _datei(
        tmp_path, "Kommune Eigen;Halle;gemeinschaftsunterkunft;in_betrieb;;50;0;;30;0;",
        "Kommune Eigen;Wohnung;dezentral;in_aussicht;2027-03-01;4;0;;0;0;")])
    ergebnis = runner.invoke(args=["meldung", "quelle", "Kommune Eigen", "unterkuenfte"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "(6) 30, (7) 0, (8) 20, (9) 0, (10) 0, (11) 4." in ergebnis.output
    auswertung = json.loads(runner.invoke(args=["auswertung", "--format", "json"]).output)
    eigen = next(z for z in auswertung["zeilen"] if z["kommune"] == "Kommune Eigen")
    assert (eigen["in_gemeinschaftsunterkuenften"], eigen["verfuegbar_gemeinschaftsunterkunft"],
            eigen["in_aussicht_dezentral"]) == (30, 20, 4)
    # A change of the list moves the report at once.
    runner.invoke(args=["unterkuenfte", "import", _datei(
        tmp_path, "Kommune Eigen;Halle;gemeinschaftsunterkunft;in_betrieb;;50;0;;33;0;")])
    with web.app_context():
        kommune = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune Eigen"))
        assert kommune.meldung.in_gemeinschaftsunterkuenften == 33  # type: ignore[union-attr]
    zurueck = runner.invoke(args=["meldung", "quelle", "Kommune Eigen", "eingabe"])
    assert zurueck.exit_code == 0 and "die letzten Zahlen bleiben stehen" in zurueck.output
    leer = runner.invoke(args=["meldung", "quelle", "Kommune Fremd", "unterkuenfte"])
    assert leer.exit_code == 1 and "noch keine Unterkünfte erfasst" in leer.output
    falsch = runner.invoke(args=["meldung", "quelle", "Kommune Nirgends", "eingabe"])
    assert falsch.exit_code == 1 and "Die Kommune „Kommune Nirgends“ gibt es nicht." in (
        falsch.output)
    assert runner.invoke(args=["meldung", "quelle", "Kommune Eigen", "tabelle"]).exit_code == 2


def test_the_prognose_opens_places_in_prospect_in_their_week(web: Flask, welt: Welt,
                                                             tmp_path: Path) -> None:
    """A Kommune with a list: 4 places in prospect already due count from this week, 8 more
    only from the week of their `verfuegbar_ab` (in two weeks). 3 persons a week: this week
    fits (3 ≤ 4), next week does not (6 > 4), although all 12 places would hold 12 persons."""
    from wrm.kennzahlen.prognose import iso_woche, montag

    runner = web.test_cli_runner()
    woche = montag(date.today())
    spaeter = woche + timedelta(weeks=2)
    gestern = date.today() - timedelta(days=1)
    assert runner.invoke(args=["unterkuenfte", "import", _datei(
        tmp_path,
        "Kommune Eigen;Halle;gemeinschaftsunterkunft;in_betrieb;;10;0;;10;0;",
        f"Kommune Eigen;Wohnung A;dezentral;in_aussicht;{gestern.isoformat()};4;0;;0;0;",
        f"Kommune Eigen;Wohnung B;dezentral;in_aussicht;{spaeter.isoformat()};8;0;;0;0;")]
    ).exit_code == 0
    assert runner.invoke(args=["meldung", "quelle", "Kommune Eigen", "unterkuenfte"]
                         ).exit_code == 0
    ankuendigungen = tmp_path / "ankuendigungen.csv"
    ankuendigungen.write_text("kommune;woche;personen\n" + "".join(
        f"Kommune Eigen;{iso_woche(woche + timedelta(weeks=n))};3\n" for n in range(4)),
        encoding="utf-8")
    assert runner.invoke(args=["ankuendigungen", "import", str(ankuendigungen)]).exit_code == 0
    prognose = json.loads(runner.invoke(args=["prognose", "--format", "json"]).output)
    eigen = next(k for k in prognose["kommunen"] if k["kommune"] == "Kommune Eigen")
    assert eigen["reicht_bis_mit_aussicht"] == iso_woche(woche)
    assert eigen["reicht_bis"] == iso_woche(woche - timedelta(weeks=1))  # no place free now
