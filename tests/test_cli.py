"""The `wrm` commands: init, demo, kommunen import, benutzer anlegen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from wrm.db import db
from wrm.models import KREISUNTERKUENFTE, Benutzer, Kommune, Rolle
from wrm.services.benutzer import passwort_pruefen


def test_demo_loads_the_paper_and_prints_logins(leere_app: Flask) -> None:
    app, runner = leere_app, leere_app.test_cli_runner()
    ergebnis = runner.invoke(args=["demo"])
    assert ergebnis.exit_code == 0, ergebnis.output
    for login in ("landkreis", "presse", "kommune-a", "kommune-u", "demo-wrm-2026"):
        assert login in ergebnis.output
    daten = json.loads(runner.invoke(args=["auswertung", "--format", "json"]).output)
    assert daten["zusammenfassung"]["fehlend"] == -407
    with app.app_context():
        assert db.session.scalar(select(func.count(Benutzer.id))) == 23
        namen = set(db.session.scalars(select(Kommune.name)))
        # The paper's 21, and the row of the county's own (invented, full) interim shelter.
        assert namen == {*(f"Kommune {c}" for c in "ABCDEFGHIJKLMNOPQRSTU"), KREISUNTERKUENFTE}
    assert "unter http://127.0.0.1:5000/login:" in ergebnis.output
    wieder = runner.invoke(args=["demo", "--adresse", "http://127.0.0.1:5101"])
    assert wieder.exit_code == 0 and "nicht geladen" in wieder.output
    assert "kommune-a" in wieder.output  # the logins are shown again
    # `make run PORT=5101` passes the address it serves on.
    assert "unter http://127.0.0.1:5101/login:" in wieder.output


def test_init_is_safe_to_run_twice(leere_app: Flask) -> None:
    runner = leere_app.test_cli_runner()
    for _ in range(2):
        ergebnis = runner.invoke(args=["init"])
        assert ergebnis.exit_code == 0, ergebnis.output
        assert "neuesten Stand" in ergebnis.output


def test_kommunen_import_real_county_list_without_figures(
    app: Flask, runner: FlaskCliRunner
) -> None:
    ergebnis = runner.invoke(args=["kommunen", "import"])
    assert ergebnis.exit_code == 0, ergebnis.output
    assert "21 Kommunen angelegt" in ergebnis.output
    assert "0 Kommunen angelegt, 0 geändert, 21 unverändert" in runner.invoke(
        args=["kommunen", "import"]).output
    with app.app_context():
        melle = db.session.scalar(select(Kommune).where(Kommune.name == "Melle"))
        assert melle.art == "Stadt" and melle.meldung is None
    daten = json.loads(runner.invoke(args=["auswertung", "--format", "json"]).output)
    assert all(z["zuweisungen"] is None for z in daten["zeilen"])


def test_kommunen_import_refuses_bad_art(runner: FlaskCliRunner, tmp_path: Path) -> None:
    datei = tmp_path / "k.csv"
    datei.write_text("name;art\nBramsche;Stadt\nIrgendwo;Dorf\n", encoding="utf-8")
    ergebnis = runner.invoke(args=["kommunen", "import", str(datei)])
    assert ergebnis.exit_code == 1
    assert "Zeile 3, Spalte art: „Dorf“ ist keine gültige Art" in ergebnis.output
    assert "0 Kommunen" not in ergebnis.output


def test_benutzer_anlegen_reads_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["kommunen", "import"])
    ergebnis = runner.invoke(
        args=["benutzer", "anlegen", "melle1", "--rolle", "kommune", "--kommune", "melle"],
        input="sehr-geheim-123\n")
    assert ergebnis.exit_code == 0, ergebnis.output
    with app.app_context():
        benutzer = db.session.scalar(select(Benutzer).where(Benutzer.name == "melle1"))
        assert benutzer.rolle is Rolle.KOMMUNE and benutzer.kommune.name == "Melle"
        assert benutzer.passwort_hash.startswith("$argon2")
        assert passwort_pruefen(benutzer, "sehr-geheim-123")
        assert not passwort_pruefen(benutzer, "falsch")


def test_benutzer_anlegen_refuses_bad_input(runner: FlaskCliRunner) -> None:
    kurz = runner.invoke(args=["benutzer", "anlegen", "x", "--rolle", "presse"], input="kurz\n")
    assert kurz.exit_code == 1 and "mindestens 10 Zeichen" in kurz.output
    ohne = runner.invoke(args=["benutzer", "anlegen", "y", "--rolle", "kommune"],
                         input="lang-genug-1\n")
    assert ohne.exit_code == 1 and "braucht eine Kommune" in ohne.output
    assert runner.invoke(args=["benutzer", "anlegen", "z", "--rolle", "presse"],
                         input="lang-genug-1\n").exit_code == 0
    doppelt = runner.invoke(args=["benutzer", "anlegen", "z", "--rolle", "presse"],
                            input="lang-genug-1\n")
    assert doppelt.exit_code == 1 and "gibt es schon" in doppelt.output


def test_bad_stichtag_is_explained_in_german(runner: FlaskCliRunner) -> None:
    ergebnis = runner.invoke(args=["auswertung", "--stichtag", "1.3.2026"])
    assert ergebnis.exit_code == 2
    assert "kein Datum im Format JJJJ-MM-TT" in ergebnis.output


@pytest.mark.eigene_datenbank  # the real console script, in a process of its own
def test_console_script_runs_flask_commands(tmp_path: Path) -> None:
    """`wrm` is a Flask CLI group: `wrm routes` works on a fresh instance folder."""
    wrm = Path(sys.executable).with_name("wrm")
    umgebung = {"WRM_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    ergebnis = subprocess.run([str(wrm), "routes"], capture_output=True, text=True, env=umgebung,
                              check=False)
    assert ergebnis.returncode == 0, ergebnis.stderr
    assert "static" in ergebnis.stdout
