"""Population, periods with the state's contingent, and `wrm quoten berechnen`: the proposal
changes nothing, `--anwenden` sets the quotas with history, bad input is refused in German."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from tests.datenbestand import abzug
from wrm.db import db
from wrm.models import Aufnahmequote, Kommune, Quotenaenderung, Verteilzeitraum

QUELLE = Path(__file__).parents[1] / "docs" / "quellen" / "destatis_gv_auszug_03459.csv"


def _laden(runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["kommunen", "import"]).exit_code == 0
    ergebnis = runner.invoke(args=["zeitraum", "anlegen", "2027", "--beginn", "2027-01-01",
                                   "--ende", "2027-12-31", "--kontingent", "1000"])
    assert ergebnis.exit_code == 0, ergebnis.output


def test_shipped_population_is_the_directorys_with_samtgemeinden_summed(
        app: Flask, runner: FlaskCliRunner) -> None:
    _laden(runner)
    zeilen = list(csv.DictReader(io.StringIO(QUELLE.read_text(encoding="utf-8")),
                                 delimiter=";"))
    with app.app_context():
        kommunen = {k.name: k for k in db.session.scalars(select(Kommune))}
    assert kommunen["Melle"].einwohner == next(
        int(z["insgesamt"]) for z in zeilen if z["Gemeindename"] == "Melle, Stadt")
    artland = sum(int(z["insgesamt"]) for z in zeilen if z["4"] == "5401" and z["insgesamt"])
    assert kommunen["Artland"].einwohner == artland
    assert sum(k.einwohner for k in kommunen.values()) == sum(  # type: ignore[misc]
        int(z["insgesamt"]) for z in zeilen if z["insgesamt"])
    assert {k.einwohner_stand for k in kommunen.values()} == {date(2019, 12, 31)}


def test_the_proposal_changes_nothing_and_adds_up(app: Flask, runner: FlaskCliRunner) -> None:
    _laden(runner)
    with app.app_context():
        vorher = abzug()
    ergebnis = runner.invoke(args=["quoten", "berechnen", "--zeitraum", "2027", "--format",
                                   "json"])
    assert ergebnis.exit_code == 0, ergebnis.output
    daten = json.loads(ergebnis.output)
    assert list(daten) == ["zeitraum", "kontingent", "quoten"]
    assert daten["zeitraum"] == "2027" and daten["kontingent"] == 1000
    assert sum(q["grundquote"] for q in daten["quoten"]) == 1000
    assert list(daten["quoten"][0]) == ["kommune", "einwohner", "anteil", "grundquote",
                                        "uebertrag", "entlastung", "quote"]
    melle = next(q for q in daten["quoten"] if q["kommune"] == "Melle")
    # 1000 × 46,588 / 358,080 = 130.105: floor 130, and with the third smallest remainder of
    # the 21 no remaining person.
    assert melle["grundquote"] == melle["quote"] == 130
    with app.app_context():
        assert abzug() == vorher


def test_applying_sets_every_quota_with_history_and_stores_the_contingent(
        app: Flask, runner: FlaskCliRunner) -> None:
    _laden(runner)
    ergebnis = runner.invoke(args=["quoten", "berechnen", "--zeitraum", "2027",
                                   "--kontingent", "1200", "--anwenden"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "21 Quoten geändert." in ergebnis.output
    with app.app_context():
        quoten = db.session.scalars(select(Aufnahmequote)).all()
        assert sum(q.wert for q in quoten) == 1200 and not any(q.manuell for q in quoten)
        assert len(db.session.scalars(select(Quotenaenderung)).all()) == 21
        assert db.session.scalar(select(Verteilzeitraum.kontingent)) == 1200
    # Applied again: nothing changes, no new history.
    assert "0 Quoten geändert." in runner.invoke(args=[
        "quoten", "berechnen", "--zeitraum", "2027", "--anwenden"]).output


@pytest.mark.parametrize(("args", "text"), [
    (["zeitraum", "anlegen", "Doppelt", "--beginn", "2027-06-01"],
     "überschneidet sich mit „2027“ (01.01.2027 – 31.12.2027)"),
    (["zeitraum", "anlegen", "Negativ", "--beginn", "2028-01-01", "--kontingent", "-5"],
     "Das Kontingent darf nicht negativ sein."),
    (["zeitraum", "anlegen", "Rückwärts", "--beginn", "2028-02-01", "--ende", "2028-01-01"],
     "Das Ende liegt vor dem Beginn."),
    (["quoten", "berechnen", "--zeitraum", "1999"], "Den Verteilzeitraum „1999“ gibt es nicht."),
    (["quoten", "berechnen", "--zeitraum", "2027", "--kontingent", "-1"],
     "Das Kontingent darf nicht negativ sein."),
])
def test_bad_input_is_refused_in_german_and_changes_nothing(
        app: Flask, runner: FlaskCliRunner, args: list[str], text: str) -> None:
    _laden(runner)
    with app.app_context():
        vorher = abzug()
    ergebnis = runner.invoke(args=args)
    assert ergebnis.exit_code == 1
    assert text in ergebnis.output, ergebnis.output
    with app.app_context():
        assert abzug() == vorher


def test_kommunen_without_population_are_all_named(app: Flask, runner: FlaskCliRunner,
                                                   tmp_path: Path) -> None:
    _laden(runner)
    datei = tmp_path / "neu.csv"
    datei.write_text("name;art\nNeuort;Gemeinde\nAltort;Gemeinde\n", encoding="utf-8")
    assert runner.invoke(args=["kommunen", "import", str(datei)]).exit_code == 0
    ergebnis = runner.invoke(args=["quoten", "berechnen", "--zeitraum", "2027"])
    assert ergebnis.exit_code == 1
    assert "Ohne Einwohnerzahl: Neuort, Altort." in ergebnis.output


@pytest.mark.parametrize(("zelle", "text"), [
    ("-5", "„-5“ ist keine Einwohnerzahl"), ("viele", "„viele“ ist keine Einwohnerzahl"),
    ("20000000", "höchstens 10.000.000 Einwohner")])
def test_bad_population_is_refused_with_line_and_column(app: Flask, runner: FlaskCliRunner,
                                                       tmp_path: Path, zelle: str,
                                                       text: str) -> None:
    datei = tmp_path / "k.csv"
    datei.write_text(f"name;art;einwohner\nNord;Gemeinde;1.200\nSüd;Stadt;{zelle}\n",
                     encoding="utf-8")
    ergebnis = runner.invoke(args=["kommunen", "import", str(datei)])
    assert ergebnis.exit_code == 1
    assert f"Zeile 3, Spalte einwohner: {text}" in ergebnis.output
