"""Where the Kommunen are: the shipped official coordinates, the import's optional columns, the
invented demo places and the Stammdaten form."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from tests.conftest import admin_token, anmelden
from tests.datenbestand import abzug
from tests.welt import Welt
from wrm.db import db
from wrm.models import Art, Kommune
from wrm.services.kommunen import paketdatei

QUELLE = Path(__file__).parents[1] / "docs" / "quellen" / "destatis_gv_auszug_03459.csv"


def _zahl(text: str) -> float:
    return float(text.replace(",", "."))


def _orte(app: Flask) -> dict[str, tuple[str | None, float | None, float | None]]:
    with app.app_context():
        # The county's own shelters' row is no place of its own.
        return {k.name: (k.ags, k.breitengrad, k.laengengrad)
                for k in db.session.scalars(select(Kommune)) if not k.des_landkreises}


def test_shipped_list_carries_the_destatis_values_unchanged(app: Flask,
                                                            runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["kommunen", "import"]).exit_code == 0
    amtlich = {z["ags"]: z for z in csv.DictReader(
        io.StringIO(QUELLE.read_text(encoding="utf-8")), delimiter=";")}
    orte = _orte(app)
    assert len(orte) == 21
    with app.app_context():
        arten = {k.name: k.art for k in db.session.scalars(select(Kommune))}
    for name, (ags, breite, laenge) in orte.items():
        assert breite is not None and laenge is not None, name
        if arten[name] == Art.SAMTGEMEINDE:
            # No key of its own; the place of its seat, one of the directory's municipalities.
            assert ags is None
            assert any((_zahl(z["Breitengrad"]), _zahl(z["Längengrad"])) == (breite, laenge)
                       for z in amtlich.values() if z["Breitengrad"]), name
        else:
            zeile = amtlich[ags]
            assert zeile["Gemeindename"].split(",")[0] == name
            assert (_zahl(zeile["Breitengrad"]), _zahl(zeile["Längengrad"])) == (breite, laenge)


def test_demo_places_are_invented_inside_the_county_and_never_real(demo_web: Flask) -> None:
    orte = _orte(demo_web)
    echte = {(_zahl(z["Breitengrad"]), _zahl(z["Längengrad"])) for z in csv.DictReader(
        io.StringIO(QUELLE.read_text(encoding="utf-8")), delimiter=";") if z["Breitengrad"]}
    assert len(orte) == 21
    for name, (_, breite, laenge) in orte.items():
        assert name.startswith("Kommune ")
        assert 52.0 < breite < 52.8 and 7.6 < laenge < 8.5, name  # type: ignore[operator]
        assert (breite, laenge) not in echte


def _datei(tmp_path: Path, text: str) -> str:
    pfad = tmp_path / "kommunen.csv"
    pfad.write_text(text, encoding="utf-8")
    return str(pfad)


def test_import_reads_coordinates_and_an_empty_cell_keeps_the_stored_value(
        app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    erste = _datei(tmp_path, "# Quelle: Test\nname;art;breitengrad;laengengrad\n"
                             "Nord;Gemeinde;52,5;7.9\nSüd;Stadt;;\n")
    ergebnis = runner.invoke(args=["kommunen", "import", erste])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert _orte(app) == {"Nord": (None, 52.5, 7.9), "Süd": (None, None, None)}
    zweite = _datei(tmp_path, "name;art;ags;breitengrad;laengengrad\nNord;Gemeinde;03459999;;\n"
                              "Süd;Stadt;;52,1;8,2\n")
    ergebnis = runner.invoke(args=["kommunen", "import", zweite])
    assert "0 Kommunen angelegt, 2 geändert" in ergebnis.output
    assert _orte(app) == {"Nord": ("03459999", 52.5, 7.9), "Süd": (None, 52.1, 8.2)}
    # Without the columns, nothing about the places changes either.
    runner.invoke(args=["kommunen", "import", _datei(tmp_path, "name;art\nNord;Gemeinde\n")])
    assert _orte(app)["Nord"] == ("03459999", 52.5, 7.9)


@pytest.mark.parametrize(("text", "meldung"), [
    ("name;art;breitengrad\nNord;Gemeinde;52\n",
     "Die Spalten breitengrad und laengengrad gehören zusammen"),
    ("name;art;breitengrad;laengengrad\nNord;Gemeinde;52,5;\n",
     "Zeile 2: Breitengrad und Längengrad gehören zusammen"),
    ("name;art;breitengrad;laengengrad\nNord;Gemeinde;52,5;7,9\nSüd;Stadt;95;8\n",
     "Zeile 3, Spalte breitengrad: Der Breitengrad liegt zwischen -90 und 90"),
    ("# Kommentar\nname;art;breitengrad;laengengrad\nNord;Gemeinde;nah;7\n",
     "Zeile 3, Spalte breitengrad: „nah“ ist keine Zahl"),
    ("name;art;ags\nNord;Gemeinde;3459\n",
     "Zeile 2, Spalte ags: „3459“ ist kein Gemeindeschlüssel"),
])
def test_bad_places_are_refused_with_line_and_column(app: Flask, runner: FlaskCliRunner,
                                                     tmp_path: Path, text: str,
                                                     meldung: str) -> None:
    ergebnis = runner.invoke(args=["kommunen", "import", _datei(tmp_path, text)])
    assert ergebnis.exit_code == 1
    assert meldung in ergebnis.output, ergebnis.output
    assert _orte(app) == {}


def test_the_form_refuses_one_coordinate_without_the_other(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    assert anmelden(client, "kreis").status_code == 302
    with web.app_context():
        vorher = abzug()
    antwort = client.post(f"/admin/kommune/edit/?id={welt.eigene_kommune}", data={
        "name": "Kommune Eigen", "art": "Gemeinde", "breitengrad": "52,3", "aktiv": "y",
        "csrf_token": admin_token(client)}, follow_redirects=True)
    assert "Breitengrad und Längengrad gehören zusammen" in antwort.get_data(as_text=True)
    with web.app_context():
        assert abzug() == vorher


def test_shipped_files_name_their_source() -> None:
    for datei in ("kommunen_landkreis_osnabrueck.csv", "demo_kommunen.csv"):
        kopf = paketdatei(datei).decode("utf-8").split("\n", 1)[0]
        assert kopf.startswith("#"), datei
    assert "Destatis" in paketdatei("kommunen_landkreis_osnabrueck.csv").decode("utf-8")
    assert "ERFUNDEN" in paketdatei("demo_kommunen.csv").decode("utf-8")
