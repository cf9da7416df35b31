"""GraphQL quotas: the county calculates, applies (CONFLICT when the inputs changed), adjusts
(CONFLICT over a newer entry), confirms a credit and closes a period, each with the effect the
screens and the CLI have; the Quotenblatt and the horizon read like the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.conftest import graphql
from tests.datenbestand import abzug
from wrm.db import db
from wrm.models import Benutzer, Quotenanpassung, Rolle
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.tokens import token_anlegen


@pytest.fixture
def kreis(web: Flask) -> dict[str, str]:
    """Three Kommunen with population, periods "P1" (contingent 100) and "P2"; tokens."""
    with web.app_context():
        landkreis = factories.landkreis()
        kommunen = {name: factories.kommune(name, einwohner=e) for name, e in (
            ("Ahausen", 60_000), ("Bedorf", 30_000), ("Cestadt", 10_000))}
        factories.zeitraum(date(2026, 1, 1), ende=date(2026, 12, 31), name="P1", kontingent=100)
        factories.zeitraum(date(2027, 1, 1), ende=date(2027, 12, 31), name="P2", kontingent=50)
        for name, rolle, kommune in (("kreis", Rolle.LANDKREIS, None),
                                     ("ahausen", Rolle.KOMMUNE, kommunen["Ahausen"]),
                                     ("presse", Rolle.PRESSE, None)):
            benutzer_anlegen(db.session, name=name, rolle=rolle, kommune=kommune,
                             landkreis=landkreis, passwort="sehr-geheim-123")
        tokens = {b.name: token_anlegen(db.session, benutzer=b)[1]
                  for b in db.session.scalars(select(Benutzer))}
        factories.meldung(kommunen["Ahausen"], zuweisungen=20, ankuenfte=0)
        db.session.commit()
    return tokens


def _daten(web: Flask, abfrage: str, token: str, variablen: dict | None = None) -> dict:
    inhalt = graphql(web.test_client(), abfrage, variablen, token=token).get_json()
    assert "errors" not in inhalt, inhalt
    return inhalt["data"]


def _fehler(web: Flask, abfrage: str, token: str, variablen: dict | None = None) -> dict:
    inhalt = graphql(web.test_client(), abfrage, variablen, token=token).get_json()
    assert inhalt.get("errors"), inhalt
    return inhalt["errors"][0]


BERECHNEN = ('mutation($k: Int) { quotenBerechnen(zeitraum: "P1", kontingent: $k) '
             '{ kontingent summeQuoten abweichung fingerabdruck '
             'quoten { kommune grundquote berechneteQuote aufnahmequote } } }')
ANWENDEN = ('mutation($f: String!, $k: Int) { quotenAnwenden(zeitraum: "P1", kontingent: $k, '
            'fingerabdruck: $f) { geaendert quoten { kommune aufnahmequote manuell } } }')


def test_calculate_and_apply_with_the_digest(web: Flask, kreis: dict[str, str]) -> None:
    vorher = None
    with web.app_context():
        vorher = {k: v for k, v in abzug().items() if k != "tokens"}
    berechnung = _daten(web, BERECHNEN, kreis["kreis"], {"k": None})["quotenBerechnen"]
    assert [q["berechneteQuote"] for q in berechnung["quoten"]] == [60, 30, 10]
    assert berechnung["summeQuoten"] == 100 and berechnung["abweichung"] == 0
    with web.app_context():  # calculating changes nothing
        assert {k: v for k, v in abzug().items() if k != "tokens"} == vorher
    # A digest of another contingent: CONFLICT, nothing saved.
    fehler = _fehler(web, ANWENDEN, kreis["kreis"], {"f": berechnung["fingerabdruck"],
                                                    "k": 120})
    assert fehler["extensions"]["code"] == "CONFLICT"
    assert "Grundlagen der Berechnung haben sich inzwischen geändert" in fehler["message"]
    angewendet = _daten(web, ANWENDEN, kreis["kreis"], {"f": berechnung["fingerabdruck"],
                                                       "k": None})["quotenAnwenden"]
    assert angewendet["geaendert"] == 3
    assert [(q["aufnahmequote"], q["manuell"]) for q in angewendet["quoten"]] == [
        (60, False), (30, False), (10, False)]
    # The Kommune reads its own sheet and everyone's quotas, the press the quotas only.
    blatt = _daten(web, '{ quotenblatt(kommune: "Ahausen") { aufnahmequote zuErfuellen } }',
                   kreis["ahausen"])["quotenblatt"]
    assert blatt == {"aufnahmequote": 60, "zuErfuellen": 40}
    assert _fehler(web, '{ quotenblatt(kommune: "Bedorf") { aufnahmequote } }',
                   kreis["ahausen"])["extensions"]["code"] == "FORBIDDEN"
    quoten = _daten(web, "{ quoten { kommune aufnahmequote grundquote } }",
                    kreis["presse"])["quoten"]
    assert [q["aufnahmequote"] for q in quoten] == [60, 30, 10]


def test_adjust_confirm_and_close(web: Flask, kreis: dict[str, str]) -> None:
    anpassen = ('mutation($g: Int, $p: Int!) { quoteAnpassen(kommune: "Cestadt", art: '
                'ENTLASTUNG, personen: $p, grund: "Landesaufnahmebehörde", gelesen: $g, '
                'zeitraum: "P1") { id personen } }')
    erste = _daten(web, anpassen, kreis["kreis"], {"g": None, "p": 4})["quoteAnpassen"]
    fehler = _fehler(web, anpassen, kreis["kreis"], {"g": None, "p": 6})
    assert fehler["extensions"]["code"] == "CONFLICT"
    _daten(web, anpassen, kreis["kreis"], {"g": erste["id"], "p": 6})
    with web.app_context():
        assert [a.personen for a in db.session.scalars(select(Quotenanpassung))] == [4, 6]
    berechnung = _daten(web, BERECHNEN, kreis["kreis"], {"k": None})["quotenBerechnen"]
    assert berechnung["quoten"][2]["berechneteQuote"] == 4 and berechnung["abweichung"] == -6
    _daten(web, ANWENDEN, kreis["kreis"], {"f": berechnung["fingerabdruck"], "k": None})
    buchung = _daten(web, 'mutation { anrechnungBuchen(kommune: "Ahausen", personen: 3, '
                          'quelle: "Drei Geburten", zeitraum: "P1") { personen art '
                          'eingetragenVon } }', kreis["kreis"])["anrechnungBuchen"]
    assert buchung == {"personen": 3, "art": "ANRECHNUNG", "eingetragenVon": "kreis"}
    assert _fehler(web, 'mutation { anrechnungBuchen(kommune: "Ahausen", personen: 3, '
                        'quelle: "x", art: VEREINBARUNG) { personen } }',
                   kreis["kreis"])["extensions"]["code"] == "BAD_USER_INPUT"
    abschluss = _daten(web, 'mutation { zeitraumAbschliessen(zeitraum: "P1", abweichend: '
                            '[{kommune: "Bedorf", personen: 0, grund: "Absprache"}]) '
                            '{ naechster uebertraege { kommune uebertrag abweichend } } }',
                       kreis["kreis"])["zeitraumAbschliessen"]
    # Ahausen 60 − 20 − 3; Bedorf by decision; Cestadt 4 (no report).
    assert abschluss == {"naechster": "P2", "uebertraege": [
        {"kommune": "Ahausen", "uebertrag": 37, "abweichend": False},
        {"kommune": "Bedorf", "uebertrag": 0, "abweichend": True},
        {"kommune": "Cestadt", "uebertrag": 4, "abweichend": False}]}
    fehler = _fehler(web, ANWENDEN, kreis["kreis"], {"f": berechnung["fingerabdruck"],
                                                    "k": None})
    assert fehler["extensions"]["code"] == "BAD_USER_INPUT" and "abgeschlossen" in \
        fehler["message"]
    blatt = _daten(web, '{ quotenblatt(kommune: "Ahausen", zeitraum: "P2") { uebertrag '
                        'grundquote berechneteQuote posten { rechnung titel personen zahl '
                        'erlaeuterung } } }', kreis["ahausen"])["quotenblatt"]
    assert (blatt["uebertrag"], blatt["grundquote"], blatt["berechneteQuote"]) == (37, 30, 67)
    uebertrag = next(p for p in blatt["posten"] if p["titel"].startswith("Übertrag"))
    assert uebertrag["rechnung"] == "plus" and uebertrag["personen"] == 37
    assert uebertrag["zahl"] is None  # persons are whole numbers, never Float
    anteil = next(p for p in blatt["posten"] if p["zahl"] is not None)
    assert anteil["personen"] is None and isinstance(anteil["zahl"], float)
    assert uebertrag["erlaeuterung"].startswith(
        "Rest aus „P1“: Quote 60 − Zuweisungen 20 − Anrechnungen 3 (beim Abschluss berechnet")


def test_the_horizon_reads_like_the_cli(web: Flask, kreis: dict[str, str]) -> None:
    runner = web.test_cli_runner()
    cli = json.loads(runner.invoke(args=["prognose", "--format", "json"]).output)
    daten = _daten(web, '{ prognose { reichtBis benoetigtBisZeitraumende wochen { woche } } '
                        'a: prognose(kommune: "Ahausen") { reichtBis reichtBisMitAussicht '
                        'geschaetzt } }', kreis["presse"])
    assert daten["prognose"]["reichtBis"] == cli["landkreis"]["reicht_bis"]
    assert daten["prognose"]["benoetigtBisZeitraumende"] == \
        cli["landkreis"]["benoetigt_bis_zeitraumende"]
    ahausen = cli["kommunen"][0]
    assert daten["a"] == {"reichtBis": ahausen["reicht_bis"],
                          "reichtBisMitAussicht": ahausen["reicht_bis_mit_aussicht"],
                          "geschaetzt": ahausen["geschaetzt"]}
    assert _fehler(web, '{ prognose(stichtag: "2999-01-01") { reichtBis } }',
                   kreis["presse"])["extensions"]["code"] == "BAD_USER_INPUT"
    assert _fehler(web, '{ prognose(kommune: "Atlantis") { reichtBis } }',
                   kreis["presse"])["extensions"]["code"] == "BAD_USER_INPUT"
