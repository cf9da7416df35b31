"""Trusted documents (`wrm.api.dokumente`): every saved operation runs by its id with the
answer it gives as text; unknown and malformed ids are refused in German; a saved operation
stays parsed and validated however many new texts arrive."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import api_token, graphql, validierungen_zaehlen

OPERATIONEN = Path(__file__).parent.parent / "graphql" / "operations"
#: Every saved operation with variables and the demo login that may run it.
FAELLE = [
    ("presse/kreis_heute", {}, "presse"),
    ("presse/kreis_stichtag", {"stichtag": "2026-03-01"}, "presse"),
    ("presse/kommunen_tabelle", {"stichtag": None}, "presse"),
    ("presse/quoten", {}, "presse"),
    ("landkreis/auswertung", {"stichtag": "2026-03-01"}, "landkreis"),
    ("landkreis/ueberfaellige_meldungen", {}, "landkreis"),
    ("landkreis/verlauf_kommune", {"name": "Kommune A"}, "landkreis"),
    ("landkreis/umverteilungsvorschlag", {}, "landkreis"),
    ("landkreis/vorschlag_anfragen", {"zuweisend": "Kommune M", "aufnehmend": "Kommune B",
                                      "personen": 50}, "landkreis"),
    ("landkreis/vereinbarungen", {"status": ["ANGEFRAGT"]}, "landkreis"),
    ("landkreis/quotenblatt", {"kommune": "Kommune A"}, "landkreis"),
    ("landkreis/quoten_berechnen", {"zeitraum": "Demo-Verteilzeitraum", "kontingent": 900},
     "landkreis"),
    ("landkreis/prognose", {"kommune": "Kommune C"}, "landkreis"),
    ("kommune/unterkuenfte", {}, "kommune-a"),
    ("kommune/belegung_aendern", None, "kommune-a"),
]
#: Answers of the runs below by (operation, "text" or "id"); compared by the last test.
ANTWORTEN: dict[tuple[str, str], dict] = {}


def _text(pfad: str) -> str:
    return (OPERATIONEN / f"{pfad}.graphql").read_text(encoding="utf-8")


def _id(pfad: str) -> str:
    return "sha256:" + hashlib.sha256((OPERATIONEN / f"{pfad}.graphql").read_bytes()).hexdigest()


def _senden(client, koerper: dict, token: str | None):  # type: ignore[no-untyped-def]
    kopf = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/graphql", json=koerper, headers=kopf)


def test_every_saved_operation_is_listed_with_its_id(demo_web: Flask) -> None:
    ausgabe = demo_web.test_cli_runner().invoke(args=["operationen", "--format", "json"])
    assert ausgabe.exit_code == 0, ausgabe.output
    gelistet = {d["datei"]: d["id"] for d in json.loads(ausgabe.output)}
    assert gelistet == {f"{p}.graphql": _id(p) for p, _, _ in FAELLE}
    tabelle = demo_web.test_cli_runner().invoke(args=["operationen"]).output
    assert "KommunenTabelle" in tabelle and _id("presse/kommunen_tabelle") in tabelle


@pytest.mark.parametrize("art", ["text", "id"])
@pytest.mark.parametrize("pfad, variablen, login", FAELLE)
def test_each_saved_operation_runs_by_text_and_by_id(demo_web: Flask, pfad: str,
                                                     variablen: dict | None, login: str,
                                                     art: str) -> None:
    client, token = demo_web.test_client(), api_token(demo_web, login)
    if variablen is None:  # the daily update of the first accommodation with room
        liste = graphql(client, _text("kommune/unterkuenfte"), token=token).get_json()
        halle = next(u for u in liste["data"]["unterkuenfte"] if u["frei"] >= 3)
        variablen = {"id": halle["id"], "version": halle["version"], "personen": 3}
    koerper = {"query": _text(pfad)} if art == "text" else {"documentId": _id(pfad)}
    antwort = _senden(client, {**koerper, "variables": variablen}, token)
    assert antwort.status_code == 200
    inhalt = antwort.get_json()
    assert "errors" not in inhalt, inhalt
    ANTWORTEN[(pfad, art)] = inhalt


def _ohne_neue_id(antwort: dict) -> dict:
    """The answer without the id of the agreement the mutation created: PostgreSQL's sequences
    do not roll back with the test's transaction, so the second run's id is the next one."""
    daten = antwort["data"]
    if "vereinbarungAnfragen" in daten:
        daten = {**daten, "vereinbarungAnfragen": {
            k: v for k, v in daten["vereinbarungAnfragen"].items() if k != "id"}}
    return {**antwort, "data": daten}


def test_by_id_the_answers_equal_those_by_text() -> None:
    """Each run above had a fresh copy of the demo, so even the mutations answer alike."""
    for pfad, _, _ in FAELLE:
        assert _ohne_neue_id(ANTWORTEN[(pfad, "id")]) == _ohne_neue_id(
            ANTWORTEN[(pfad, "text")]), pfad


def test_apollos_persisted_query_form_is_accepted(demo_web: Flask) -> None:
    client, token = demo_web.test_client(), api_token(demo_web, "presse")
    hashwert = _id("presse/kreis_heute").removeprefix("sha256:")
    koerper = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": hashwert}}}
    mit_id = _senden(client, koerper, token).get_json()
    als_text = graphql(client, _text("presse/kreis_heute"), token=token).get_json()
    assert mit_id == als_text and "errors" not in mit_id
    # Apollo's clients send the text with its hash after a miss: accepted when they match.
    beides = {**koerper, "query": _text("presse/kreis_heute")}
    assert _senden(client, beides, token).get_json() == als_text


def test_unknown_malformed_and_mismatched_ids_are_refused_in_german(demo_web: Flask) -> None:
    client, token = demo_web.test_client(), api_token(demo_web, "presse")
    unbekannt = _senden(client, {"documentId": "sha256:" + "0" * 64}, token)
    assert unbekannt.status_code == 404
    fehler = unbekannt.get_json()["errors"][0]
    assert fehler["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert fehler["message"].startswith("Unbekanntes gespeichertes Dokument „sha256:000")
    assert "wrm operationen" in fehler["message"]
    for koerper, wort in [
        ({"documentId": "md5:abc"}, "„documentId“ muss die Form"),
        ({"documentId": 7}, "„documentId“ muss die Form"),
        ({"extensions": {"persistedQuery": {"sha256Hash": 7}}}, "muss eine Zeichenkette"),
        ({"documentId": _id("presse/quoten"), "query": _text("presse/kreis_heute")},
         "passt nicht zum"),
    ]:
        antwort = _senden(client, koerper, token)
        assert antwort.status_code == 400, koerper
        assert antwort.get_json()["errors"][0]["message"].startswith(wort) or \
            wort in antwort.get_json()["errors"][0]["message"], antwort.get_json()
        assert antwort.get_json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_without_a_login_an_id_is_refused_before_it_is_looked_up(demo_web: Flask) -> None:
    for koerper in ({"documentId": "sha256:" + "0" * 64},
                    {"documentId": _id("presse/kreis_heute")}):
        antwort = _senden(demo_web.test_client(), koerper, None)
        assert antwort.status_code == 401
        assert antwort.get_json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_saved_operation_stays_validated_under_a_stream_of_new_texts(
        demo_web: Flask, monkeypatch) -> None:
    demo_web.config["ANTWORTCACHE"] = 0  # every request executes
    client, token = demo_web.test_client(), api_token(demo_web, "presse")
    geprueft = validierungen_zaehlen(monkeypatch)
    gespeichert = {"documentId": _id("presse/kreis_stichtag"),
                   "variables": {"stichtag": "2026-02-01"}}
    assert "errors" not in _senden(client, gespeichert, token).get_json()
    # More new texts than Strawberry's caches hold (64).
    for nummer in range(70):
        text = f"{{ strom{nummer}: auswertung {{ stichtag }} }}"
        assert "errors" not in graphql(client, text, token=token).get_json()
    geprueft.clear()
    for _ in range(2):
        assert "errors" not in _senden(client, gespeichert, token).get_json()
        # The same text sent as text is the saved operation too.
        assert "errors" not in graphql(client, _text("presse/kreis_stichtag"),
                                       {"stichtag": "2026-02-02"}, token=token).get_json()
    assert geprueft == []
