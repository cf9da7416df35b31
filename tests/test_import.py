"""`wrm import`: the seed file reproduces the paper; bad files are refused whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from tests.conftest import DATEN
from tests.datenbestand import abzug
from wrm.db import db
from wrm.models import Benutzer, Meldung, Quotenaenderung, Verlaufseintrag, Verteilzeitraum
from wrm.models.datenstand import datenstand

SEED = (DATEN / "uebersicht.csv").read_text(encoding="utf-8")
KOPF = SEED.splitlines()[0]


def auswertung_json(runner: FlaskCliRunner, *args: str) -> dict:
    ergebnis = runner.invoke(args=["auswertung", "--format", "json", *args])
    assert ergebnis.exit_code == 0, ergebnis.output
    return json.loads(ergebnis.output)


def importieren(runner: FlaskCliRunner, tmp_path: Path, inhalt: str | bytes, *args: str):
    datei = tmp_path / "meldungen.csv"
    datei.write_bytes(inhalt.encode("utf-8") if isinstance(inhalt, str) else inhalt)
    return runner.invoke(args=["import", *args, str(datei)])


def test_seed_import_reproduces_expected_table_cell_for_cell(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    ergebnis = importieren(runner, tmp_path, SEED, "--anlegen")
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "21 Meldungen gespeichert" in ergebnis.output
    assert "Verteilzeitraum" in ergebnis.output  # none existed: one was opened, and it says so
    daten = auswertung_json(runner)
    erwartet = (DATEN / "auswertung_erwartet.csv").read_text(encoding="utf-8").splitlines()
    spalten = erwartet[0].split(";")
    zeilen = [dict(zip(spalten, z.split(";"), strict=True)) for z in erwartet[1:]]
    *kommunen, gesamt = zeilen

    def zelle(wert: object) -> str:
        return "" if wert is None else str(wert)

    assert len(daten["zeilen"]) == len(kommunen)
    for ist, soll in zip(daten["zeilen"], kommunen, strict=True):
        for spalte in spalten:
            assert zelle(ist[spalte]) == soll[spalte], (soll["kommune"], spalte)
    for spalte in spalten[1:-1]:
        assert zelle(daten["gesamt"][spalte]) == gesamt[spalte], spalte
    assert daten["zusammenfassung"] == {
        "benoetigt": 716, "sofort_verfuegbar": 469, "in_aussicht": 654,
        "gesamt_verfuegbar": 1123, "fehlend": -407, "zugesagt_fuer_andere": 0,
        "zusagen_anderer": 0}
    csv_ausgabe = runner.invoke(args=["auswertung", "--format", "csv"]).output
    assert csv_ausgabe == (DATEN / "auswertung_erwartet.csv").read_text(encoding="utf-8")


def test_json_row_has_the_documented_keys(runner: FlaskCliRunner, tmp_path: Path) -> None:
    importieren(runner, tmp_path, SEED, "--anlegen")
    zeile = auswertung_json(runner)["zeilen"][0]
    assert list(zeile) == [
        "kommune", "aufnahmequote", "zuweisungen", "ankuenfte", "keine_quotenanrechnung",
        "moegliche_quotenanrechnung", "zu_erfuellen", "in_gemeinschaftsunterkuenften",
        "dezentral_untergebracht", "verfuegbar_gemeinschaftsunterkunft", "verfuegbar_dezentral",
        "in_aussicht_gemeinschaftsunterkunft", "in_aussicht_dezentral", "sofort_verfuegbar",
        "in_aussicht", "gesamt_verfuegbar", "bedarf", "lage", "stand", "zugesagt_fuer_andere",
        "zusagen_anderer", "in_anderen_kommunen", "anrechnungen"]
    assert zeile["lage"] == "ausreichend" and zeile["stand"].startswith("20")


def test_table_format_is_readable(runner: FlaskCliRunner, tmp_path: Path) -> None:
    importieren(runner, tmp_path, SEED, "--anlegen")
    ausgabe = runner.invoke(args=["auswertung"]).output
    assert "fehlender Wohnraum (Personen)" in ausgabe
    assert "1.123" in ausgabe and "−407" in ausgabe
    zeilen = [z for z in ausgabe.splitlines() if z.startswith("Kommune ") and "Bedarf" not in z]
    assert len(zeilen) == 21
    # aligned: the assessment column starts at the same place in every row
    assert len({z.rindex(" ") for z in zeilen}) == 1


def test_bom_comma_and_case_insensitive_lage_are_accepted(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    text = SEED.replace(";", ",").replace("kritisch", "KRITISCH")
    ergebnis = importieren(runner, tmp_path, "\ufeff".encode() + text.encode(), "--anlegen")
    assert ergebnis.exit_code == 0, ergebnis.output
    assert auswertung_json(runner)["zusammenfassung"]["fehlend"] == -407


def _zeile(**werte: str) -> str:
    basis = dict(zip(KOPF.split(";"), SEED.splitlines()[1].split(";"), strict=True))
    basis.update(werte)
    return ";".join(basis.values())


SCHLECHTE_DATEIEN = {
    "negativ": ([_zeile(zuweisungen="-3")], "Zeile 3, Spalte zuweisungen: darf nicht negativ"),
    "text": ([_zeile(verfuegbar_dezentral="zehn")], "Zeile 3, Spalte verfuegbar_dezentral: „zehn“ "
             "ist keine ganze Zahl"),
    "ankuenfte": ([_zeile(zuweisungen="5", ankuenfte="6")], "Zeile 3, Spalte ankuenfte: (2)"),
    "lage": ([_zeile(lage="gut")], "Zeile 3, Spalte lage: „gut“ ist keine gültige Lage"),
    "lage_fehlt": ([_zeile(lage="")], "Zeile 3, Spalte lage: ist erforderlich"),
    "unbekannt": ([_zeile(kommune="Atlantis")], "Zeile 3, Spalte kommune: unbekannte Kommune "
                  "„Atlantis“"),
    "zu_gross": ([_zeile(ankuenfte="1000001", zuweisungen="2000000")],
                 "Zeile 3, Spalte zuweisungen: darf höchstens 1.000.000 sein"),
    "doppelt": ([_zeile(kommune="Kommune B")], "Zeile 3, Spalte kommune: „Kommune B“ steht schon"),
    "spalten": (["Kommune C;1;2"], "Zeile 3: 3 statt 13 Spalten"),
}


@pytest.mark.parametrize("fall", sorted(SCHLECHTE_DATEIEN))
def test_bad_file_is_refused_whole(
    fall: str, app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert importieren(runner, tmp_path, SEED, "--anlegen").exit_code == 0
    with app.app_context():
        vorher = abzug()
    zeilen, meldung = SCHLECHTE_DATEIEN[fall]
    # line 2 is a valid change that must not be written either
    gueltig = _zeile(kommune="Kommune B", zuweisungen="70", ankuenfte="0")
    ergebnis = importieren(runner, tmp_path, "\n".join([KOPF, gueltig, *zeilen]) + "\n")
    assert ergebnis.exit_code == 1
    assert meldung in ergebnis.output
    assert "nichts wurde gespeichert" in ergebnis.output
    with app.app_context():
        assert abzug() == vorher


def test_every_error_is_listed_with_its_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    importieren(runner, tmp_path, SEED, "--anlegen")
    text = "\n".join([KOPF, _zeile(kommune="Kommune B"), "", _zeile(kommune="Kommune C", lage="x"),
                      _zeile(kommune="Kommune D", zuweisungen="-1", ankuenfte="a")]) + "\n"
    ergebnis = importieren(runner, tmp_path, text)
    assert ergebnis.exit_code == 1
    assert "(3 Fehler)" in ergebnis.output
    assert "Zeile 4, Spalte lage" in ergebnis.output
    assert "Zeile 5, Spalte zuweisungen" in ergebnis.output
    assert "Zeile 5, Spalte ankuenfte" in ergebnis.output


@pytest.mark.parametrize("kopf, meldung", [
    (KOPF.replace("lage", "einschaetzung"), "Zeile 1, Spalte einschaetzung: unbekannte Spalte"),
    (KOPF.replace(";lage", ""), "Zeile 1, Spalte lage: Spalte fehlt"),
    ("Kommune;Zahl", "Zeile 1, Spalte zahl: unbekannte Spalte"),
])
def test_wrong_header_is_refused(
    kopf: str, meldung: str, app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    with app.app_context():
        vorher = abzug()
    ergebnis = importieren(runner, tmp_path, kopf + "\n" + SEED.split("\n", 1)[1], "--anlegen")
    assert ergebnis.exit_code == 1
    assert meldung in ergebnis.output
    with app.app_context():
        assert abzug() == vorher


def test_non_utf8_file_is_refused_with_a_hint(runner: FlaskCliRunner, tmp_path: Path) -> None:
    inhalt = (KOPF + "\n" + _zeile(kommune="Kommune Ä")).encode("cp1252")
    ergebnis = importieren(runner, tmp_path, inhalt, "--anlegen")
    assert ergebnis.exit_code == 1
    assert "Zeile 2: Die Datei ist nicht UTF-8-kodiert" in ergebnis.output


def test_history_entry_per_changed_report_only(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    importieren(runner, tmp_path, SEED, "--anlegen")
    with app.app_context():
        assert db.session.scalar(select(func.count(Verlaufseintrag.id))) == 21
        assert db.session.scalar(select(func.count(Quotenaenderung.id))) == 21
        erster = db.session.scalars(select(Verlaufseintrag).order_by(Verlaufseintrag.id)).first()
        assert erster.version == 1 and erster.aenderungen["zuweisungen"][0] is None
        assert datenstand(db.session) > 0  # the bulk INSERTs count as writes for caches
    geaendert = SEED.replace("Kommune B;96;69;0", "Kommune B;96;70;0")
    ergebnis = importieren(runner, tmp_path, geaendert)
    assert "1 Meldungen gespeichert, 20 unverändert" in ergebnis.output
    with app.app_context():
        eintraege = db.session.scalars(select(Verlaufseintrag).order_by(Verlaufseintrag.id)).all()
        assert len(eintraege) == 22
        assert eintraege[-1].aenderungen == {"zuweisungen": [69, 70]}
        assert eintraege[-1].vorgang == "import" and eintraege[-1].version == 2
        assert db.session.scalar(select(func.count(Verteilzeitraum.id))) == 1


def test_unknown_kommune_is_created_only_with_anlegen(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert importieren(runner, tmp_path, SEED).exit_code == 1
    ergebnis = importieren(runner, tmp_path, SEED, "--anlegen")
    assert "Neu angelegte Kommunen: Kommune A" in ergebnis.output


def test_import_attributed_to_user(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    ergebnis = importieren(runner, tmp_path, SEED, "--anlegen", "--benutzer", "niemand")
    assert ergebnis.exit_code == 1 and "Benutzer „niemand“ gibt es nicht" in ergebnis.output
    eingabe = "geheim-passwort\n"
    assert runner.invoke(args=["benutzer", "anlegen", "kreis", "--rolle", "landkreis"],
                         input=eingabe).exit_code == 0
    assert importieren(runner, tmp_path, SEED, "--anlegen", "--benutzer", "kreis").exit_code == 0
    with app.app_context():
        kreis = db.session.scalar(select(Benutzer).where(Benutzer.name == "kreis"))
        meldung = db.session.scalars(select(Meldung)).first()
        assert meldung.gemeldet_von == kreis
        eintrag = db.session.scalars(select(Verlaufseintrag)).first()
        assert eintrag.benutzer_name == "kreis"


def test_errors_are_located_values_formatted_at_the_edge(app: Flask) -> None:
    from wrm.services.csvdatei import Fundstelle, Importfehler
    from wrm.services.importe import meldungen_importieren
    from wrm.services.kommunen import landkreis_holen

    inhalt = (f"{KOPF}\nC;x;1;0;;;;;;;;;ausreichend\nB;1;2;3;;;;;;;;;bunt\n"
              "A;1;1;0;;;;;;;;;ausreichend\nA;1;1;0;;;;;;;;;ausreichend\n").encode()
    with app.app_context(), pytest.raises(Importfehler) as fehler:
        meldungen_importieren(db.session, inhalt=inhalt, anlegen=True,
                              landkreis=landkreis_holen(db.session, name="Landkreis Osnabrück"))
    assert fehler.value.fehler == [
        Fundstelle(2, "aufnahmequote", "„x“ ist keine ganze Zahl"),
        Fundstelle(3, "lage", "„bunt“ ist keine gültige Lage (ausreichend oder kritisch)"),
        Fundstelle(3, "ankuenfte", "(2) Ankünfte (3) dürfen nicht größer sein als "
                                   "(1) Zuweisungen (2)"),
        Fundstelle(5, "kommune", "„A“ steht schon in Zeile 4"),
    ]
    assert str(fehler.value.fehler[0]) == "Zeile 2, Spalte aufnahmequote: „x“ ist keine ganze Zahl"
