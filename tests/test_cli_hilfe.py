"""The contracts of `wrm umverteilung vorschlag` and `wrm vereinbarung …` on the demo data."""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO

from flask import Flask
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import anmelden
from tests.datenbestand import abzug
from wrm.db import db
from wrm.models import Kommune
from wrm.zeit import heute


def _json(runner: FlaskCliRunner, *args: str) -> dict:
    ergebnis = runner.invoke(args=list(args))
    assert ergebnis.exit_code == 0, ergebnis.output
    return json.loads(ergebnis.output)


def _zeile(runner: FlaskCliRunner, name: str) -> dict:
    daten = _json(runner, "auswertung", "--format", "json")
    return next(z for z in daten["zeilen"] if z["kommune"] == name)


def test_proposal_json_contract_on_the_demo(demo_web: Flask) -> None:
    runner = demo_web.test_cli_runner()
    daten = _json(runner, "umverteilung", "vorschlag", "--format", "json")
    assert list(daten) == ["stichtag", "vorschlag", "platziert", "personenkilometer",
                           "warnungen"]
    auswertung = _json(runner, "auswertung", "--format", "json")["zeilen"]
    bedarf = sum(max(z["bedarf"] or 0, 0) for z in auswertung)
    assert daten["platziert"] == bedarf == sum(z["personen"] for z in daten["vorschlag"])
    for zeile in daten["vorschlag"]:
        assert list(zeile) == ["zuweisend", "aufnehmend", "personen", "km"]
        assert zeile["personen"] > 0 and 0 < zeile["km"] < 100
    assert daten["personenkilometer"] == round(
        sum(z["personen"] * z["km"] for z in daten["vorschlag"]), 1)
    assert daten["warnungen"] == []
    text = runner.invoke(args=["umverteilung", "vorschlag"]).output
    assert "Kommune M → " in text and "Personenkilometer" in text
    assert "Vorschlag (zugewiesen an → untergebracht in):" in text


def test_a_kommune_without_coordinates_is_warned_about(demo_web: Flask) -> None:
    with demo_web.app_context():
        kommune = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune M"))
        kommune.breitengrad = kommune.laengengrad = None  # type: ignore[union-attr]
        db.session.commit()
    daten = _json(demo_web.test_cli_runner(), "umverteilung", "vorschlag", "--format", "json")
    assert any(z["zuweisend"] == "Kommune M" and z["km"] is None for z in daten["vorschlag"])
    assert daten["warnungen"][0].startswith("Kommune M hat keine Koordinaten")


def test_agreement_commands_take_the_whole_way(demo_web: Flask) -> None:
    runner = demo_web.test_cli_runner()
    vorher_m, vorher_b = _zeile(runner, "Kommune M"), _zeile(runner, "Kommune B")
    von, belegt = (heute() - timedelta(days=tage) for tage in (10, 5))  # in the demo's period
    ergebnis = runner.invoke(args=["vereinbarung", "anlegen", "--zuweisend", "Kommune M",
                                   "--aufnehmend", "kommune b", "--personen", "50",
                                   "--anrechnung", "aufnehmend", "--von", von.isoformat()])
    assert ergebnis.exit_code == 0, ergebnis.output
    kennung = ergebnis.output.strip().splitlines()[-1]
    assert kennung.isdigit()
    assert runner.invoke(args=["vereinbarung", "status", kennung, "zugesagt"]).exit_code == 0
    assert _zeile(runner, "Kommune M")["bedarf"] == vorher_m["bedarf"] - 50
    assert _zeile(runner, "Kommune B")["bedarf"] == vorher_b["bedarf"] + 50
    assert _zeile(runner, "Kommune M")["zusagen_anderer"] == 50
    assert runner.invoke(args=["vereinbarung", "status", kennung, "belegt",
                               "--datum", belegt.isoformat()]).exit_code == 0
    assert _zeile(runner, "Kommune M")["in_anderen_kommunen"] == 50
    assert runner.invoke(args=["vereinbarung", "beruecksichtigt", kennung,
                               "Kommune M"]).exit_code == 0
    liste = _json(runner, "vereinbarung", "liste", "--format", "json")
    assert liste[0] | {"version": 0} == {
        "id": int(kennung), "zuweisend": "Kommune M", "aufnehmend": "Kommune B",
        "personen": 50, "platzart": "gemeinschaftsunterkunft", "von": liste[0]["von"],
        "bis": None, "anrechnung": "aufnehmend", "status": "belegt", "grund": None,
        "ueberbelegung": None, "belegt_am": belegt.isoformat(), "beendet_am": None,
        "zuweisend_beruecksichtigt": True,
        "aufnehmend_beruecksichtigt": False, "version": 0}


def test_refused_changes_exit_1_in_german_and_change_nothing(demo_web: Flask) -> None:
    runner = demo_web.test_cli_runner()
    kennung = runner.invoke(args=["vereinbarung", "anlegen", "--zuweisend", "Kommune M",
                                  "--aufnehmend", "Kommune B", "--personen", "5"]
                            ).output.strip().splitlines()[-1]
    with demo_web.app_context():
        vorher = abzug()
    for args, text in [
        (["status", kennung, "belegt"], "Von „angefragt“ geht es nicht nach „belegt“"),
        (["status", kennung, "abgelehnt"], "Bitte einen Grund für die Ablehnung angeben."),
        (["status", "999", "zugesagt"], "Die Vereinbarung 999 gibt es nicht."),
        (["beruecksichtigt", kennung, "Kommune M"], "Erst eine zugesagte Vereinbarung"),
        (["anlegen", "--zuweisend", "Kommune M", "--aufnehmend", "Kommune M",
          "--personen", "5"], "Die aufnehmende Kommune muss eine andere sein."),
        (["anlegen", "--zuweisend", "Kommune M", "--aufnehmend", "Nirgendwo",
          "--personen", "5"], "Die Kommune „Nirgendwo“ gibt es nicht."),
        (["anlegen", "--zuweisend", "Kommune M", "--aufnehmend", "Kommune B",
          "--personen", "0"], "größer als 0"),
    ]:
        ergebnis = runner.invoke(args=["vereinbarung", *args])
        assert ergebnis.exit_code == 1, (args, ergebnis.output)
        assert text in ergebnis.output, (args, ergebnis.output)
    with demo_web.app_context():
        assert abzug() == vorher


def test_the_csv_gains_the_agreement_columns_only_with_agreements(demo_web: Flask) -> None:
    runner = demo_web.test_cli_runner()
    ohne = runner.invoke(args=["auswertung", "--format", "csv"]).output
    assert "zugesagt" not in ohne
    kennung = runner.invoke(args=["vereinbarung", "anlegen", "--zuweisend", "Kommune M",
                                  "--aufnehmend", "Kommune B", "--personen", "5"]
                            ).output.strip().splitlines()[-1]
    assert runner.invoke(args=["auswertung", "--format", "csv"]).output == ohne  # angefragt
    runner.invoke(args=["vereinbarung", "status", kennung, "zugesagt"])
    kopf, *zeilen = runner.invoke(args=["auswertung", "--format", "csv"]).output.splitlines()
    assert kopf == ohne.splitlines()[0] + ";zugesagt_fuer_andere;zusagen_anderer;" \
                                          "in_anderen_kommunen"
    assert zeilen[-1].endswith(";5;5;0")  # the Gesamt row
    m = next(z for z in zeilen if z.startswith("Kommune M;"))
    assert m.endswith(";0;5;0")


def test_the_xlsx_download_gains_the_agreement_columns_only_with_agreements(
        demo_web: Flask) -> None:
    runner = demo_web.test_cli_runner()
    client = demo_web.test_client()
    assert anmelden(client, "landkreis", "demo-wrm-2026").status_code == 302

    def koepfe() -> list[str]:
        blatt = load_workbook(BytesIO(client.get("/admin/auswertung/export.xlsx").data)).active
        return [str(c.value) for row in blatt.iter_rows(max_row=6) for c in row if c.value]

    ohne = koepfe()
    assert "Zusagen anderer" not in " ".join(ohne)
    kennung = runner.invoke(args=["vereinbarung", "anlegen", "--zuweisend", "Kommune M",
                                  "--aufnehmend", "Kommune B", "--personen", "5"]
                            ).output.strip().splitlines()[-1]
    runner.invoke(args=["vereinbarung", "status", kennung, "zugesagt"])
    assert "Zusagen anderer" in " ".join(koepfe())
