"""The saved operations in graphql/operations: each runs, and the press figures equal
`wrm auswertung --format json` for the same data and Stichtag (seed data and random data)."""

from __future__ import annotations

import json
import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tests import factories
from tests.cli_json import cli_auswertung
from tests.conftest import graphql
from wrm.db import db
from wrm.models import KREISUNTERKUENFTE, Rolle
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.tokens import token_anlegen
from wrm.zeit import heute

OPERATIONEN = Path(__file__).parent.parent / "graphql" / "operations"


def operation(pfad: str) -> str:
    """The text of a saved operation, e.g. "presse/kreis_heute"."""
    return (OPERATIONEN / f"{pfad}.graphql").read_text(encoding="utf-8")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _wie_cli(werte: dict) -> dict:
    """A GraphQL object with the CLI's JSON keys and value forms."""
    ergebnis = {}
    for name, wert in werte.items():
        if name == "kommune":
            wert = wert["name"]
        elif name == "lage" and wert is not None:
            wert = wert.lower()
        elif name == "stand" and wert is not None:
            wert = datetime.fromisoformat(wert).replace(microsecond=0)
        ergebnis[_snake(name)] = wert
    ergebnis.pop("veraltet", None)
    return ergebnis


def pressezahlen_wie_cli(client, token: str, runner: FlaskCliRunner,  # type: ignore[no-untyped-def]
                         stichtag: date | None) -> None:
    """Assert that the three press operations give exactly the CLI's figures."""
    erwartet = cli_auswertung(runner, stichtag)
    if stichtag is None:
        summen = graphql(client, operation("presse/kreis_heute"), token=token).get_json()
    else:
        summen = graphql(client, operation("presse/kreis_stichtag"),
                         {"stichtag": stichtag.isoformat()}, token=token).get_json()
    assert "errors" not in summen, summen
    auswertung = summen["data"]["auswertung"]
    assert auswertung["stichtag"] == erwartet["stichtag"]
    assert _wie_cli(auswertung["zusammenfassung"]) == erwartet["zusammenfassung"]
    assert _wie_cli(auswertung["gesamt"]) == erwartet["gesamt"]
    tabelle = graphql(client, operation("presse/kommunen_tabelle"),
                      {"stichtag": stichtag and stichtag.isoformat()}, token=token).get_json()
    assert "errors" not in tabelle, tabelle
    assert [_wie_cli(z) for z in tabelle["data"]["auswertung"]["zeilen"]] == erwartet["zeilen"]


def test_press_operations_on_the_seed_data_equal_the_cli(demo_web: Flask) -> None:
    runner = demo_web.test_cli_runner()
    ausgabe = runner.invoke(args=["token", "anlegen", "presse", "--name", "Pressestelle"])
    assert ausgabe.exit_code == 0, ausgabe.output
    token = ausgabe.output.strip().splitlines()[-1]  # the last line is the token alone
    assert re.fullmatch(r"wrm_[A-Za-z0-9_-]{43}", token)
    client = demo_web.test_client()
    pressezahlen_wie_cli(client, token, runner, None)
    summen = graphql(client, operation("presse/kreis_heute"), token=token).get_json()
    assert summen["data"]["auswertung"]["zusammenfassung"] == {
        "benoetigt": 716, "sofortVerfuegbar": 469, "inAussicht": 654, "gesamtVerfuegbar": 1123,
        "zugesagtFuerAndere": 0, "zusagenAnderer": 0, "fehlend": -407}  # the paper's block
    pressezahlen_wie_cli(client, token, runner, heute())
    pressezahlen_wie_cli(client, token, runner, heute() - timedelta(days=1))


@pytest.mark.parametrize("saat", [1, 2, 3, 4])
def test_press_operations_on_random_data_equal_the_cli(app: Flask, saat: int) -> None:
    zufall = random.Random(saat)
    with app.app_context():
        factories.zufallsdaten(zufall)
        presse = benutzer_anlegen(db.session, name="presse", rolle=Rolle.PRESSE,
                                  landkreis=factories.landkreis(), passwort="sehr-geheim-123")
        token = token_anlegen(db.session, benutzer=presse)[1]
        db.session.commit()
    runner, client = app.test_cli_runner(), app.test_client()
    for stichtag in (None, heute(), heute() - timedelta(days=zufall.randint(1, 70))):
        pressezahlen_wie_cli(client, token, runner, stichtag)


@pytest.mark.parametrize("pfad, variablen", [
    ("landkreis/auswertung", {}),
    ("landkreis/auswertung", {"stichtag": "2026-03-01"}),
    ("landkreis/ueberfaellige_meldungen", {}),
    ("landkreis/verlauf_kommune", {"name": "Kommune A"}),
    ("landkreis/verlauf_kommune", {"name": "Kommune A", "von": "2020-01-01",
                                   "bis": "2020-01-31"}),
    ("landkreis/umverteilungsvorschlag", {}),
    ("landkreis/vorschlag_anfragen", {"zuweisend": "Kommune M", "aufnehmend": "Kommune B",
                                      "personen": 50}),
    ("landkreis/vereinbarungen", {"status": ["ANGEFRAGT"]}),
    ("landkreis/quotenblatt", {"kommune": "Kommune A"}),
    ("landkreis/quoten_berechnen", {"zeitraum": "Demo-Verteilzeitraum", "kontingent": 900}),
    ("landkreis/prognose", {}),
    ("landkreis/prognose", {"kommune": "Kommune C"}),
])
def test_county_operations_run(demo_web: Flask, pfad: str, variablen: dict) -> None:
    runner = demo_web.test_cli_runner()
    token = runner.invoke(args=["token", "anlegen", "landkreis"]).output.strip().splitlines()[-1]
    inhalt = graphql(demo_web.test_client(), operation(pfad), variablen, token=token).get_json()
    assert "errors" not in inhalt, inhalt
    daten = inhalt["data"]
    if pfad == "landkreis/auswertung" and not variablen:
        # The paper's 21 Kommunen and the county's own (full) shelters, without a Bedarf.
        zeilen = daten["auswertung"]["zeilen"]
        assert len(zeilen) == 22 and zeilen[-1]["kommune"]["name"] == KREISUNTERKUENFTE
        assert zeilen[-1]["bedarf"] is None
        assert daten["auswertung"]["gesamt"]["bedarf"] == -407
    if pfad == "landkreis/ueberfaellige_meldungen":
        assert daten["kommunen"] == []  # the demo was reported today
    if pfad == "landkreis/umverteilungsvorschlag":
        cli = json.loads(runner.invoke(args=["umverteilung", "vorschlag", "--format", "json"]
                                       ).output)
        assert daten["umverteilungsvorschlag"] == cli
    if pfad == "landkreis/vorschlag_anfragen":
        assert daten["vereinbarungAnfragen"]["status"] == "ANGEFRAGT"
    if pfad == "landkreis/vereinbarungen":
        assert daten["vereinbarungen"] == []
    if pfad == "landkreis/quotenblatt":
        blatt = daten["quotenblatt"]
        assert blatt["zuErfuellen"] == blatt["aufnahmequote"] - blatt["zuweisungen"]
        assert blatt["posten"][-1]["titel"] == "(5) zu erfüllen"
    if pfad == "landkreis/quoten_berechnen":
        berechnung = daten["quotenBerechnen"]
        assert sum(q["grundquote"] for q in berechnung["quoten"]) == 900
        cli = json.loads(runner.invoke(args=[
            "quoten", "berechnen", "--zeitraum", "Demo-Verteilzeitraum", "--kontingent", "900",
            "--format", "json"]).output)
        assert [q["quote"] for q in cli["quoten"]] == [
            q["berechneteQuote"] for q in berechnung["quoten"]]
    if pfad == "landkreis/prognose":
        cli = json.loads(runner.invoke(args=["prognose", "--format", "json"]).output)
        prognose = daten["prognose"]
        erwartet = (cli["landkreis"] if "kommune" not in variablen else next(
            k for k in cli["kommunen"] if k["kommune"] == variablen["kommune"]))
        assert (prognose["reichtBis"], prognose["reichtBisMitAussicht"]) == (
            erwartet["reicht_bis"], erwartet["reicht_bis_mit_aussicht"])
        assert prognose["stichtag"] == cli["stichtag"]
    if pfad == "landkreis/verlauf_kommune":
        verlauf = daten["kommune"]["verlauf"]
        assert (verlauf == []) == ("von" in variablen)  # nothing in January 2020
        if verlauf:
            assert {a["feld"] for a in verlauf} >= {"zuweisungen", "lage"}


def test_every_saved_operation_is_tested() -> None:
    gespeichert = {p.relative_to(OPERATIONEN).with_suffix("").as_posix()
                   for p in OPERATIONEN.rglob("*.graphql")}
    assert gespeichert == {"presse/kreis_heute", "presse/kreis_stichtag",
                           "presse/kommunen_tabelle", "landkreis/auswertung",
                           "landkreis/ueberfaellige_meldungen", "landkreis/verlauf_kommune",
                           "landkreis/umverteilungsvorschlag", "landkreis/vereinbarungen",
                           "landkreis/vorschlag_anfragen", "landkreis/quotenblatt",
                           "landkreis/quoten_berechnen", "landkreis/prognose",
                           "presse/quoten", "kommune/unterkuenfte", "kommune/belegung_aendern"}


def test_the_kommunes_daily_update(demo_web: Flask) -> None:
    """Kommune A (it keeps its list in the demo) reads its list, three persons move in, and
    its report's (6) follows."""
    runner, client = demo_web.test_cli_runner(), demo_web.test_client()
    token = runner.invoke(args=["token", "anlegen", "kommune-a"]).output.strip().splitlines()[-1]
    liste = graphql(client, operation("kommune/unterkuenfte"), {}, token=token).get_json()
    assert "errors" not in liste, liste
    halle = next(u for u in liste["data"]["unterkuenfte"] if u["frei"] >= 3)
    vorher = json.loads(runner.invoke(args=["auswertung", "--format", "json"]).output)
    antwort = graphql(client, operation("kommune/belegung_aendern"), {
        "id": halle["id"], "version": halle["version"], "personen": 3}, token=token).get_json()
    assert "errors" not in antwort, antwort
    assert antwort["data"]["belegungAendern"]["unterkunft"]["belegt"] == halle["belegt"] + 3
    nachher = json.loads(runner.invoke(args=["auswertung", "--format", "json"]).output)
    feld = ("in_gemeinschaftsunterkuenften" if halle["art"] == "GEMEINSCHAFTSUNTERKUNFT"
            else "dezentral_untergebracht")

    def zeile(auswertung: dict) -> dict:
        return next(z for z in auswertung["zeilen"] if z["kommune"] == "Kommune A")

    assert zeile(nachher)[feld] == zeile(vorher)[feld] + 3
    assert nachher["zusammenfassung"]["sofort_verfuegbar"] == (
        vorher["zusammenfassung"]["sofort_verfuegbar"] - 3)


def test_press_quotas_and_horizon_equal_the_cli(demo_web: Flask) -> None:
    runner = demo_web.test_cli_runner()
    token = runner.invoke(args=["token", "anlegen", "presse"]).output.strip().splitlines()[-1]
    inhalt = graphql(demo_web.test_client(), operation("presse/quoten"), {},
                     token=token).get_json()
    assert "errors" not in inhalt, inhalt
    cli = json.loads(runner.invoke(args=["prognose", "--format", "json"]).output)
    daten = inhalt["data"]
    # The demo's period has no contingent: the quotas set, without the calculation's terms.
    assert len(daten["quoten"]) == 21 and daten["quoten"][0]["grundquote"] is None
    assert all(q["aufnahmequote"] is not None for q in daten["quoten"])
    nach_name = {k["kommune"]: k for k in cli["kommunen"]}
    for zeile in daten["auswertung"]["zeilen"]:
        erwartet = nach_name[zeile["kommune"]["name"]]
        assert (zeile["reichtBis"], zeile["reichtBisMitAussicht"]) == (
            erwartet["reicht_bis"], erwartet["reicht_bis_mit_aussicht"])
    assert daten["prognose"] == {
        "reichtBis": cli["landkreis"]["reicht_bis"],
        "reichtBisMitAussicht": cli["landkreis"]["reicht_bis_mit_aussicht"],
        "benoetigtBisZeitraumende": cli["landkreis"]["benoetigt_bis_zeitraumende"]}
