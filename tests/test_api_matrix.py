"""GraphQL: every caller (anonymous, bad/revoked token, kommune own/foreign, presse, landkreis)
× every query, guarded field and mutation: data or the right error, and denied writes change
nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import graphql
from tests.datenbestand import abzug, nur_die_meldung
from tests.welt import Welt
from wrm.db import db
from wrm.models import Benutzer, Kommune
from wrm.services.tokens import token_anlegen, tokens_widerrufen

ANRUFER = ("anonym", "falscher_token", "widerrufen", "deaktiviert", "eigen", "presse", "kreis")


@dataclass(frozen=True)
class Fall:
    """An operation on Kommune Eigen ("eigen") or Kommune Fremd ("fremd")."""

    name: str
    abfrage: str
    # per caller: "ok" or an error code; a tuple gives (eigen, fremd)
    erwartet: dict[str, str | tuple[str, str]]
    schreibend: bool = False


_NICHT_ANGEMELDET = {a: "UNAUTHENTICATED" for a in ANRUFER[:4]}

FAELLE = [
    Fall("kommunen_zahlen", "{ kommunen { name meldung { zuweisungen bedarf veraltet } } }",
         {**_NICHT_ANGEMELDET, "eigen": "ok", "presse": "ok", "kreis": "ok"}),
    Fall("auswertung", "{ auswertung { zeilen { kommune { name } bedarf } "
                       "zusammenfassung { fehlend } } }",
         {**_NICHT_ANGEMELDET, "eigen": "ok", "presse": "ok", "kreis": "ok"}),
    Fall("bemerkung", '{ kommune(name: "Kommune {ziel}") { meldung { bemerkung } } }',
         {**_NICHT_ANGEMELDET, "eigen": ("ok", "FORBIDDEN"), "presse": "FORBIDDEN",
          "kreis": "ok"}),
    Fall("version", '{ kommune(name: "Kommune {ziel}") { meldung { version } } }',
         {**_NICHT_ANGEMELDET, "eigen": "ok", "presse": "FORBIDDEN", "kreis": "ok"}),
    Fall("verlauf_zahlen", '{ kommune(name: "Kommune {ziel}") { verlauf { feld alt neu } } }',
         {**_NICHT_ANGEMELDET, "eigen": ("ok", "FORBIDDEN"), "presse": "ok", "kreis": "ok"}),
    Fall("verlauf_benutzer", '{ kommune(name: "Kommune {ziel}") { verlauf { benutzer } } }',
         {**_NICHT_ANGEMELDET, "eigen": ("ok", "FORBIDDEN"), "presse": "FORBIDDEN",
          "kreis": "ok"}),
    Fall("speichern", 'mutation { meldungSpeichern(kommune: "Kommune {ziel}", version: 1, '
                      'eingabe: {zuweisungen: 12}) { zuweisungen version } }',
         {**_NICHT_ANGEMELDET, "eigen": ("ok", "FORBIDDEN"), "presse": "FORBIDDEN",
          "kreis": "ok"}, schreibend=True),
    Fall("bestaetigen", 'mutation { meldungBestaetigen(kommune: "Kommune {ziel}", version: 1) '
                        '{ stand } }',
         {**_NICHT_ANGEMELDET, "eigen": ("ok", "FORBIDDEN"), "presse": "FORBIDDEN",
          "kreis": "ok"}, schreibend=True),
    # Quotas and the horizon. The world's period has no contingent, no end and Kommunen
    # without population, so the county's steps end in BAD_USER_INPUT and change nothing;
    # their successful paths are in test_api_quoten.
    Fall("quotenblatt", '{ quotenblatt(kommune: "Kommune {ziel}") { zuErfuellen '
                        'berechnungFehlt buchungen { quelle } posten { titel } } }',
         {**_NICHT_ANGEMELDET, "eigen": ("ok", "FORBIDDEN"), "presse": "FORBIDDEN",
          "kreis": "ok"}),
    Fall("quoten", "{ quoten { kommune aufnahmequote grundquote } }",
         {**_NICHT_ANGEMELDET, "eigen": "ok", "presse": "ok", "kreis": "ok"}),
    Fall("prognose", '{ prognose(kommune: "Kommune {ziel}") { reichtBis wochen { woche } } '
                     'kreis: prognose { reichtBis benoetigtBisZeitraumende } }',
         {**_NICHT_ANGEMELDET, "eigen": "ok", "presse": "ok", "kreis": "ok"}),
    Fall("reicht_bis", "{ auswertung { zeilen { reichtBis reichtBisMitAussicht } } }",
         {**_NICHT_ANGEMELDET, "eigen": "ok", "presse": "ok", "kreis": "ok"}),
    Fall("quoten_berechnen", 'mutation { quotenBerechnen(zeitraum: "Verteilzeitraum ab '
                             '01.01.2020", kontingent: 100) { summeQuoten } }',
         {**_NICHT_ANGEMELDET, "eigen": "FORBIDDEN", "presse": "FORBIDDEN",
          "kreis": "BAD_USER_INPUT"}, schreibend=True),
    Fall("quoten_anwenden", 'mutation { quotenAnwenden(zeitraum: "Verteilzeitraum ab '
                            '01.01.2020", fingerabdruck: "x") { geaendert } }',
         {**_NICHT_ANGEMELDET, "eigen": "FORBIDDEN", "presse": "FORBIDDEN",
          "kreis": "BAD_USER_INPUT"}, schreibend=True),
    Fall("zeitraum_abschliessen", 'mutation { zeitraumAbschliessen(zeitraum: "Verteilzeitraum '
                                  'ab 01.01.2020") { naechster } }',
         {**_NICHT_ANGEMELDET, "eigen": "FORBIDDEN", "presse": "FORBIDDEN",
          "kreis": "BAD_USER_INPUT"}, schreibend=True),
    Fall("anrechnung_buchen", 'mutation { anrechnungBuchen(kommune: "Kommune {ziel}", '
                              'personen: 0, quelle: "Geburt") { personen } }',
         {**_NICHT_ANGEMELDET, "eigen": "FORBIDDEN", "presse": "FORBIDDEN",
          "kreis": "BAD_USER_INPUT"}, schreibend=True),
    Fall("quote_anpassen", 'mutation { quoteAnpassen(kommune: "Kommune {ziel}", art: '
                           'ENTLASTUNG, personen: -1, grund: "LAB") { id } }',
         {**_NICHT_ANGEMELDET, "eigen": "FORBIDDEN", "presse": "FORBIDDEN",
          "kreis": "BAD_USER_INPUT"}, schreibend=True),
]


@pytest.fixture
def tokens(web: Flask, welt: Welt) -> dict[str, str]:
    """A token per caller (the anonymous one has none, the bad one is made up)."""
    with web.app_context():
        def von(name: str) -> Benutzer:
            return db.session.scalar(select(Benutzer).where(Benutzer.name == name))

        ergebnis = {name: token_anlegen(db.session, benutzer=von(name))[1]
                    for name in ("eigen", "presse", "kreis")}
        ergebnis["widerrufen"] = token_anlegen(db.session, benutzer=von("eigen"), name="alt")[1]
        tokens_widerrufen(db.session, benutzer=von("eigen"), name="alt")
        # a token of a user who was deactivated after it was issued
        fremd = von("fremd")
        ergebnis["deaktiviert"] = token_anlegen(db.session, benutzer=fremd)[1]
        fremd.aktiv = False
        ergebnis["falscher_token"] = "wrm_" + "x" * 43
        db.session.commit()
    return ergebnis


def _kombinationen() -> list[object]:
    """Every case × caller, × own/foreign Kommune where the operation names one (an operation
    that does not gives the same answer for both, so it runs once)."""
    return [pytest.param(fall, anrufer, ziel, id=f"{fall.name}-{anrufer}-{ziel}")
            for fall in FAELLE for anrufer in ANRUFER
            for ziel in (("Eigen", "Fremd") if "{ziel}" in fall.abfrage else ("Eigen",))]


@pytest.mark.parametrize(("fall", "anrufer", "ziel"), _kombinationen())
def test_matrix(fall: Fall, anrufer: str, ziel: str, web: Flask, tokens: dict[str, str]) -> None:
    client = web.test_client()
    with web.app_context():
        vorher = abzug()
    antwort = graphql(client, fall.abfrage.replace("{ziel}", ziel), token=tokens.get(anrufer))
    erwartet = fall.erwartet[anrufer]
    if isinstance(erwartet, tuple):
        erwartet = erwartet[0 if ziel == "Eigen" else 1]
    inhalt = antwort.get_json()
    codes = [f["extensions"]["code"] for f in inhalt.get("errors") or []]
    if erwartet == "ok":
        assert antwort.status_code == 200 and codes == [], inhalt
        assert inhalt["data"] and all(v is not None for v in inhalt["data"].values())
    else:
        assert codes and set(codes) == {erwartet}, inhalt
        assert all(f["message"] and "Traceback" not in f["message"] for f in inhalt["errors"])
        if erwartet == "UNAUTHENTICATED":
            assert antwort.status_code == 401 and inhalt["data"] is None
    with web.app_context():
        nachher = abzug()
    if fall.schreibend and erwartet == "ok":  # exactly the addressed report, nothing else
        with web.app_context():
            kommune = db.session.scalar(select(Kommune.id).where(Kommune.name == f"Kommune {ziel}"))
        ohne_tokens = {t: z for t, z in nachher.items() if t != "tokens"}
        nur_die_meldung({t: z for t, z in vorher.items() if t != "tokens"} | {"tokens": []},
                        ohne_tokens | {"tokens": []}, kommune_id=kommune)
    else:
        # reads only stamp the token's last use; nothing else may change
        for tabelle in vorher:
            if tabelle != "tokens":
                assert nachher[tabelle] == vorher[tabelle], tabelle


def test_session_login_works_for_the_browser(web: Flask, welt: Welt) -> None:
    from tests.conftest import anmelden

    client = web.test_client()
    anmelden(client, "kreis")
    antwort = graphql(client, "{ kommunen { name } }")
    assert antwort.status_code == 200
    assert [k["name"] for k in antwort.get_json()["data"]["kommunen"]] == [
        "Kommune Eigen", "Kommune Fremd", "Kommune Leer"]  # never the other Landkreis


def test_a_bad_token_wins_over_a_session(web: Flask, welt: Welt) -> None:
    from tests.conftest import anmelden

    client = web.test_client()
    anmelden(client, "kreis")
    antwort = graphql(client, "{ kommunen { name } }", token="wrm_falsch")
    assert antwort.status_code == 401


def test_other_authorization_schemes_are_refused(web: Flask, tokens: dict[str, str]) -> None:
    antwort = web.test_client().post(
        "/graphql", json={"query": "{ kommunen { name } }"},
        headers={"Authorization": f"Basic {tokens['kreis']}"})
    assert antwort.status_code == 401


def test_token_in_the_url_is_not_accepted(web: Flask, tokens: dict[str, str]) -> None:
    antwort = web.test_client().post(f"/graphql?token={tokens['kreis']}",
                                     json={"query": "{ kommunen { name } }"})
    assert antwort.status_code == 401


def test_kommune_sees_the_figures_of_all_kommunen(web: Flask, tokens: dict[str, str]) -> None:
    daten = graphql(web.test_client(), "{ kommunen { name meldung { zuweisungen } } }",
                    token=tokens["eigen"]).get_json()["data"]["kommunen"]
    assert {k["name"]: (k["meldung"] or {}).get("zuweisungen") for k in daten} == {
        "Kommune Eigen": 10, "Kommune Fremd": 10, "Kommune Leer": None}


def test_history_hides_internal_notes_from_those_who_may_not_read_them(
        web: Flask, welt: Welt, tokens: dict[str, str]) -> None:
    abfrage = '{ kommune(name: "Kommune Fremd") { verlauf { feld neu } } }'
    presse = graphql(web.test_client(), abfrage, token=tokens["presse"]).get_json()
    kreis = graphql(web.test_client(), abfrage, token=tokens["kreis"]).get_json()
    feld = lambda d: {a["feld"] for a in d["data"]["kommune"]["verlauf"]}  # noqa: E731
    assert "bemerkung" in feld(kreis) and "bemerkung" not in feld(presse)
    assert "intern: Turnhalle" not in str(presse)


def test_denied_field_leaves_the_rest_of_the_answer(web: Flask, tokens: dict[str, str]) -> None:
    inhalt = graphql(web.test_client(), "{ kommunen { name meldung { bedarf bemerkung } } }",
                     token=tokens["presse"]).get_json()
    assert len(inhalt["data"]["kommunen"]) == 3
    assert inhalt["data"]["kommunen"][0]["meldung"]["bedarf"] == 23
    assert {f["path"][-1] for f in inhalt["errors"]} == {"bemerkung"}


def test_mutation_bad_input_is_german_names_the_field_and_changes_nothing(
        web: Flask, tokens: dict[str, str]) -> None:
    with web.app_context():
        vorher = abzug()
    inhalt = graphql(web.test_client(), 'mutation { meldungSpeichern(kommune: "Kommune Eigen", '
                     'version: 1, eingabe: {ankuenfte: 50, verfuegbarDezentral: -1}) '
                     '{ version } }', token=tokens["eigen"]).get_json()
    fehler = inhalt["errors"][0]
    assert fehler["extensions"]["code"] == "BAD_USER_INPUT"
    assert set(fehler["extensions"]["fehler"]) == {"ankuenfte", "verfuegbar_dezentral"}
    assert "(2)" in fehler["message"] and "(9) verfügbar dezentral" in fehler["message"]
    with web.app_context():
        assert {k: v for k, v in abzug().items() if k != "tokens"} == {
            k: v for k, v in vorher.items() if k != "tokens"}


def test_stale_version_is_a_conflict_and_nothing_is_overwritten(
        web: Flask, tokens: dict[str, str]) -> None:
    speichern = ('mutation($v: Int!, $z: Int) { meldungSpeichern(kommune: "Kommune Eigen", '
                 'version: $v, eingabe: {zuweisungen: $z}) { zuweisungen version zuErfuellen } }')
    erste = graphql(web.test_client(), speichern, {"v": 1, "z": 14}, token=tokens["kreis"])
    assert erste.get_json()["data"]["meldungSpeichern"] == {
        "zuweisungen": 14, "version": 2, "zuErfuellen": 26}
    zweite = graphql(web.test_client(), speichern, {"v": 1, "z": 9}, token=tokens["eigen"])
    fehler = zweite.get_json()["errors"][0]
    assert fehler["extensions"] == {
        "code": "CONFLICT", "felder": ["zuweisungen"],
        "abweichungen": {"zuweisungen": {"vorher": 10, "gespeichert": 14, "eingabe": 9}}}
    assert "kreis am" in fehler["message"]
    lesen = graphql(web.test_client(), '{ kommune(name: "Kommune Eigen") { meldung { '
                    'zuweisungen version } } }', token=tokens["kreis"]).get_json()
    assert lesen["data"]["kommune"]["meldung"] == {"zuweisungen": 14, "version": 2}


def test_omitted_fields_stay_and_null_clears(web: Flask, tokens: dict[str, str]) -> None:
    inhalt = graphql(web.test_client(), 'mutation { meldungSpeichern(kommune: "Kommune Eigen", '
                     'version: 1, eingabe: {inAussichtDezentral: null, lage: KRITISCH}) '
                     '{ ankuenfte inAussichtDezentral lage } }', token=tokens["eigen"]).get_json()
    assert inhalt["data"]["meldungSpeichern"] == {
        "ankuenfte": 8, "inAussichtDezentral": None, "lage": "KRITISCH"}


def test_unknown_kommune_is_bad_input(web: Flask, tokens: dict[str, str]) -> None:
    inhalt = graphql(web.test_client(), 'mutation { meldungBestaetigen(kommune: "Atlantis", '
                     'version: 1) { stand } }', token=tokens["kreis"]).get_json()
    assert inhalt["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Atlantis" in inhalt["errors"][0]["message"]
