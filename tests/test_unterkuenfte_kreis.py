"""The county's own interim shelters (issue 25, 3): one row "Unterkünfte des Landkreises" in
the Auswertung, its (6)–(11) always from its list, no quota and no Bedarf of its own; its places
count in the county's figures, it hosts in the proposal, and it takes part in no quota
calculation, closing, user binding or reminder."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from tests.welt import Welt
from wrm.db import db
from wrm.models import KREISUNTERKUENFTE, Kommune, Rolle, Verteilzeitraum
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.pruefung import Validierungsfehler

KOPF = "kommune;name;art;status;verfuegbar_ab;plaetze;belegt\n"


def _einlesen(runner, tmp_path: Path, *zeilen: str) -> None:  # type: ignore[no-untyped-def]
    datei = tmp_path / "u.csv"
    datei.write_text(KOPF + "".join(z + "\n" for z in zeilen), encoding="utf-8")
    ergebnis = runner.invoke(args=["unterkuenfte", "import", str(datei)])
    assert ergebnis.exit_code == 0, ergebnis.output


def _auswertung(runner) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(runner.invoke(args=["auswertung", "--format", "json"]).output)


def test_the_countys_row_counts_its_places_but_has_no_need(web: Flask, welt: Welt,
                                                          tmp_path: Path) -> None:
    runner = web.test_cli_runner()
    vorher = _auswertung(runner)
    _einlesen(runner, tmp_path,
              "Landkreis;Messehalle;gemeinschaftsunterkunft;in_betrieb;;120;100",
              "Landkreis;Containerdorf;gemeinschaftsunterkunft;in_aussicht;2027-06-01;60;0")
    nachher = _auswertung(runner)
    zeile = next(z for z in nachher["zeilen"] if z["kommune"] == KREISUNTERKUENFTE)
    assert (zeile["in_gemeinschaftsunterkuenften"], zeile["verfuegbar_gemeinschaftsunterkunft"],
            zeile["in_aussicht_gemeinschaftsunterkunft"]) == (100, 20, 60)
    assert zeile["aufnahmequote"] is None and zeile["zu_erfuellen"] is None
    assert zeile["bedarf"] is None and nachher["zeilen"][-1] == zeile  # sorted last
    z0, z1 = vorher["zusammenfassung"], nachher["zusammenfassung"]
    assert z1["benoetigt"] == z0["benoetigt"]
    assert z1["sofort_verfuegbar"] == z0["sofort_verfuegbar"] + 20
    assert z1["in_aussicht"] == z0["in_aussicht"] + 60
    assert z1["fehlend"] == z0["fehlend"] - 80
    # In files and in the list its owner is "Landkreis".
    liste = json.loads(runner.invoke(args=["unterkuenfte", "liste", "--kommune", "Landkreis",
                                           "--format", "json"]).output)
    assert {u["kommune"] for u in liste} == {"Landkreis"} and len(liste) == 2
    # Its figures always come from its list.
    umstellen = runner.invoke(args=["meldung", "quelle", KREISUNTERKUENFTE, "eingabe"])
    assert umstellen.exit_code == 1
    assert "kommen immer aus seiner Liste" in umstellen.output


def test_it_hosts_in_the_proposal_and_stays_out_of_quotas_and_users(web: Flask, welt: Welt,
                                                                   tmp_path: Path) -> None:
    runner = web.test_cli_runner()
    _einlesen(runner, tmp_path, "Landkreis;Messehalle;gemeinschaftsunterkunft;in_betrieb;;500;0")
    vorschlag = json.loads(runner.invoke(args=["umverteilung", "vorschlag", "--format", "json"]
                                         ).output)
    assert any(z["aufnehmend"] == KREISUNTERKUENFTE for z in vorschlag["vorschlag"]), vorschlag
    # No population needed: the quota calculation knows only the Kommunen.
    with web.app_context():
        for kommune in db.session.scalars(select(Kommune)):
            if not kommune.des_landkreises:
                kommune.einwohner = 1000
        db.session.commit()
        zeitraum = db.session.scalar(select(Verteilzeitraum.name))
    berechnung = runner.invoke(args=["quoten", "berechnen", "--zeitraum", zeitraum,
                                     "--kontingent", "90", "--format", "json"])
    assert berechnung.exit_code == 0, berechnung.output
    namen = {q["kommune"] for q in json.loads(berechnung.output)["quoten"]}
    assert KREISUNTERKUENFTE not in namen and len(namen) == 3
    with web.app_context():
        kreiszeile = db.session.scalar(select(Kommune).where(Kommune.name == KREISUNTERKUENFTE))
        try:
            benutzer_anlegen(db.session, name="helfer", rolle=Rolle.KOMMUNE, kommune=kreiszeile,
                             landkreis=kreiszeile.landkreis, passwort="sehr-geheim-123")  # type: ignore[union-attr]
            raise AssertionError("a user was bound to the county's row")
        except Validierungsfehler as fehler:
            assert "kein Benutzer gebunden" in fehler.fehler["kommune"]
        db.session.rollback()
    # The master data cannot create such a row: its kind is WRM's own.
    datei = tmp_path / "kommunen.csv"
    datei.write_text("name;art\nNeuer Kreis;Landkreis\n", encoding="utf-8")
    ergebnis = runner.invoke(args=["kommunen", "import", str(datei)])
    assert ergebnis.exit_code == 1 and "keine gültige Art" in ergebnis.output
