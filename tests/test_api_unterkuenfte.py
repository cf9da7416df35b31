"""Accommodations in GraphQL: who reads which list (role matrix), saving with versions, the
daily update, the report's source — and never another Kommune's names or addresses."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import api_token, graphql
from tests.welt import Welt
from wrm.db import db
from wrm.models import Kommune
from wrm.services import unterkuenfte as dienst

LISTE = """query($k: String, $t: Date) { unterkuenfte(kommune: $k, stichtag: $t) {
  id kommune name art status verfuegbarAb plaetze gesperrt belegbar belegt reserviert frei
  ueberbelegt auslastung ueberfaellig adresse version } }"""
SPEICHERN = """mutation($k: String, $id: Int, $v: Int, $e: UnterkunftEingabe!) {
  unterkunftSpeichern(kommune: $k, id: $id, version: $v, eingabe: $e) {
    geaendert warnungen unterkunft { id kommune name belegt frei version } } }"""
BELEGUNG = """mutation($id: Int!, $v: Int!, $p: Int!) { belegungAendern(id: $id, version: $v,
  personen: $p) { unterkunft { belegt frei version } } }"""
QUELLE = ("mutation($k: String!, $q: Meldequelle!) { meldequelleSetzen(kommune: $k, "
          "quelle: $q) }")
ADRESSEN = {"Kommune Eigen": "Hallenweg 1", "Kommune Fremd": "Geheimstraße 7",
            None: "Messeplatz 2"}


@pytest.fixture
def orte(web: Flask, welt: Welt) -> dict[str | None, int]:
    with web.app_context():
        kommunen = {k.name: k for k in db.session.scalars(select(Kommune))}
        kreis = kommunen["Kommune Eigen"].landkreis
        ids = {}
        for name, adresse in ADRESSEN.items():
            ids[name] = dienst.speichern(db.session, landkreis=kreis, system="Test",
                                         kommune=kommunen[name] if name else None, werte={
                                             "name": f"Halle {name or 'Landkreis'}",
                                             "art": "gemeinschaftsunterkunft",
                                             "status": "in_betrieb", "plaetze": 50,
                                             "gesperrt": 0, "belegt": 20, "reserviert": 0,
                                             "adresse": adresse}).unterkunft.id
        db.session.commit()
        return ids


def _rufen(web: Flask, wer: str, abfrage: str, **variablen: object) -> dict:
    antwort = graphql(web.test_client(), abfrage, variablen, token=api_token(web, wer))
    assert antwort.status_code == 200
    return antwort.get_json()  # type: ignore[no-any-return]


def _code(antwort: dict) -> str | None:
    fehler = antwort.get("errors") or []
    return fehler[0]["extensions"]["code"] if fehler else None


@pytest.mark.parametrize("wer, kommune, erwartet", [
    ("kreis", "Kommune Eigen", None), ("eigen", "Kommune Eigen", None),
    ("fremd", "Kommune Eigen", "FORBIDDEN"), ("presse", "Kommune Eigen", "FORBIDDEN"),
    ("kreis", "Landkreis", None), ("eigen", "Landkreis", "FORBIDDEN"),
    ("presse", "Landkreis", "FORBIDDEN"), ("kreis", "Kommune Nirgends", "BAD_USER_INPUT"),
])
def test_who_reads_a_kommunes_list(web: Flask, welt: Welt, orte: dict, wer: str, kommune: str,
                                   erwartet: str | None) -> None:
    antwort = _rufen(web, wer, LISTE, k=kommune)
    assert _code(antwort) == erwartet, antwort
    if erwartet is None:
        assert len(antwort["data"]["unterkuenfte"]) == 1
    else:
        assert all(a not in json.dumps(antwort, ensure_ascii=False) for a in ADRESSEN.values())


@pytest.mark.parametrize("wer, sichtbar", [
    ("kreis", {"Halle Kommune Eigen", "Halle Kommune Fremd", "Halle Landkreis"}),
    ("eigen", {"Halle Kommune Eigen"}), ("fremd", {"Halle Kommune Fremd"}), ("presse", set()),
])
def test_without_a_kommune_each_sees_what_it_may(web: Flask, welt: Welt, orte: dict, wer: str,
                                                 sichtbar: set[str]) -> None:
    antwort = _rufen(web, wer, LISTE)
    assert _code(antwort) is None
    assert {u["name"] for u in antwort["data"]["unterkuenfte"]} == sichtbar
    text = json.dumps(antwort, ensure_ascii=False)
    for name, adresse in ADRESSEN.items():
        assert (adresse in text) == (f"Halle {name or 'Landkreis'}" in sichtbar)


def test_saving_with_versions_and_the_daily_update(web: Flask, welt: Welt, orte: dict) -> None:
    eingabe = {"name": "Wohnung Markt 1", "art": "DEZENTRAL", "status": "IN_BETRIEB",
               "plaetze": 4, "belegt": 5}
    neu = _rufen(web, "eigen", SPEICHERN, k="Kommune Eigen", e=eingabe)
    ergebnis = neu["data"]["unterkunftSpeichern"]
    assert ergebnis["geaendert"] and ergebnis["unterkunft"]["kommune"] == "Kommune Eigen"
    assert ergebnis["warnungen"] == ["„Wohnung Markt 1“ ist um 1 Person überbelegt (belegt 5 + "
                                     "reserviert 0 > belegbar 4)."]
    kennung, version = ergebnis["unterkunft"]["id"], ergebnis["unterkunft"]["version"]
    assert _code(_rufen(web, "eigen", SPEICHERN, k="Kommune Fremd", e=eingabe)) == "FORBIDDEN"
    assert _code(_rufen(web, "presse", SPEICHERN, k="Kommune Eigen", e=eingabe)) == "FORBIDDEN"
    ohne = _rufen(web, "eigen", SPEICHERN, id=kennung, e={**eingabe, "belegt": 4})
    assert _code(ohne) == "BAD_USER_INPUT" and "version" in ohne["errors"][0]["extensions"][
        "fehler"]
    schlecht = _rufen(web, "eigen", SPEICHERN, id=kennung, v=version,
                      e={**eingabe, "gesperrt": 9})
    assert _code(schlecht) == "BAD_USER_INPUT"
    assert "Gesperrte Plätze (9)" in schlecht["errors"][0]["extensions"]["fehler"]["gesperrt"]
    weniger = _rufen(web, "eigen", BELEGUNG, id=kennung, v=version, p=-2)
    assert weniger["data"]["belegungAendern"]["unterkunft"] == {"belegt": 3, "frei": 1,
                                                               "version": version + 1}
    assert _code(_rufen(web, "eigen", BELEGUNG, id=kennung, v=version, p=1)) == "CONFLICT"
    # Another Kommune's (or the press's) call finds no such accommodation.
    for wer in ("fremd", "presse"):
        fremd = _rufen(web, wer, BELEGUNG, id=kennung, v=version + 1, p=1)
        assert _code(fremd) == "BAD_USER_INPUT" and "gibt es nicht" in fremd["errors"][0][
            "message"]


def test_the_report_source_and_a_past_stichtag(web: Flask, welt: Welt, orte: dict) -> None:
    assert _code(_rufen(web, "fremd", QUELLE, k="Kommune Eigen", q="UNTERKUENFTE")) == \
        "FORBIDDEN"
    antwort = _rufen(web, "eigen", QUELLE, k="Kommune Eigen", q="UNTERKUENFTE")
    assert antwort["data"]["meldequelleSetzen"] == "UNTERKUENFTE"
    zeile = _rufen(web, "presse", """{ kommune(name: "Kommune Eigen") { meldung {
        inGemeinschaftsunterkuenften verfuegbarGemeinschaftsunterkunft } } }""")
    assert zeile["data"]["kommune"]["meldung"] == {"inGemeinschaftsunterkuenften": 20,
                                                    "verfuegbarGemeinschaftsunterkunft": 30}
    gestern = (date.today() - timedelta(days=1)).isoformat()
    assert _rufen(web, "kreis", LISTE, t=gestern)["data"]["unterkuenfte"] == []
    zukunft = _rufen(web, "kreis", LISTE, t=(date.today() + timedelta(days=2)).isoformat())
    assert _code(zukunft) == "BAD_USER_INPUT"
