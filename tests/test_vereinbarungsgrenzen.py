"""The bounds of an agreement and a credit: persons above the host's free places only when
confirmed (and then shown as an overbooking), days from 2000 to a year ahead and not before the
agreement's start, a credit in the period of its day. Each refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import graphql
from tests.datenbestand import abzug
from wrm.db import db
from wrm.models import Verteilzeitraum
from wrm.zeit import heute

ANFRAGEN = ('mutation($p: Int!, $b: Boolean!, $von: Date, $a: String!) { vereinbarungAnfragen('
            'zuweisend: "Kommune A", aufnehmend: $a, personen: $p, anrechnung: AUFNEHMEND, '
            'von: $von, ueberbelegungBestaetigt: $b) { id version ueberbelegung } }')
ZUSAGEN = ('mutation($id: Int!, $v: Int!, $b: Boolean!) { vereinbarungZusagen(id: $id, '
           'version: $v, ueberbelegungBestaetigt: $b) { version status ueberbelegung } }')
BELEGEN = ('mutation($id: Int!, $v: Int!, $d: Date) { vereinbarungBelegen(id: $id, version: $v, '
           'datum: $d) { version status belegtAm } }')
BUCHEN = ('mutation($d: Date, $z: String) { anrechnungBuchen(kommune: "Kommune A", personen: 2, '
          'quelle: "Geburten", datum: $d, zeitraum: $z) { personen datum } }')


@pytest.fixture
def kreis(demo_web: Flask) -> str:
    """The demo (Kommune B: 77 places free now, (8)+(9) = 52 + 25) and a county token."""
    runner = demo_web.test_cli_runner()
    return runner.invoke(args=["token", "anlegen", "landkreis"]).output.strip().splitlines()[-1]


def _senden(app: Flask, token: str, abfrage: str, **variablen: object) -> dict:
    return graphql(app.test_client(), abfrage, variablen, token=token).get_json()  # type: ignore[no-any-return]


def _abgelehnt(app: Flask, token: str, abfrage: str, feld: str, text: str,
               **variablen: object) -> None:
    """The call is BAD_USER_INPUT at `feld` with `text`, and nothing changed (but the token's
    last use, which is bookkeeping)."""
    with app.app_context():
        vorher = {k: v for k, v in abzug().items() if k != "tokens"}
    antwort = _senden(app, token, abfrage, **variablen)
    fehler = antwort["errors"][0]
    assert fehler["extensions"]["code"] == "BAD_USER_INPUT", antwort
    assert text in fehler["extensions"]["fehler"][feld], fehler
    with app.app_context():
        assert {k: v for k, v in abzug().items() if k != "tokens"} == vorher


def test_more_persons_than_free_places_need_a_confirmation(demo_web: Flask, kreis: str) -> None:
    # The defect's request: a million persons for a host with 77 free places.
    _abgelehnt(demo_web, kreis, ANFRAGEN, "personen",
               "Kommune B hat 77 freie Plätze (sofort verfügbar, ohne schon zugesagte); "
               "1.000.000 Personen wären eine Überbelegung um 999.923 Personen.",
               p=1_000_000, b=False, a="Kommune B")
    neu = _senden(demo_web, kreis, ANFRAGEN, p=1_000_000, b=True, a="Kommune B")[
        "data"]["vereinbarungAnfragen"]
    assert neu["ueberbelegung"] == 999_923
    # The host is asked again when it promises.
    _abgelehnt(demo_web, kreis, ZUSAGEN, "personen", "Überbelegung um 999.923 Personen",
               id=neu["id"], v=neu["version"], b=False)
    zugesagt = _senden(demo_web, kreis, ZUSAGEN, id=neu["id"], v=neu["version"], b=True)[
        "data"]["vereinbarungZusagen"]
    assert (zugesagt["status"], zugesagt["ueberbelegung"]) == ("ZUGESAGT", 999_923)


def test_free_places_are_those_not_yet_promised(demo_web: Flask, kreis: str) -> None:
    genau = _senden(demo_web, kreis, ANFRAGEN, p=77, b=False, a="Kommune B")[
        "data"]["vereinbarungAnfragen"]
    assert genau["ueberbelegung"] is None  # all 77 free places: no overbooking
    _abgelehnt(demo_web, kreis, ANFRAGEN, "personen", "Überbelegung um 1 Person",
               p=78, b=False, a="Kommune B")
    zugesagt = _senden(demo_web, kreis, ZUSAGEN, id=genau["id"], v=genau["version"], b=False)
    assert "errors" not in zugesagt, zugesagt
    # 77 promised and not yet taken out of B's report: nothing is free now.
    _abgelehnt(demo_web, kreis, ANFRAGEN, "personen",
               "Kommune B hat 0 freie Plätze (sofort verfügbar, ohne schon zugesagte)",
               p=1, b=False, a="Kommune B")


def test_days_of_an_agreement_are_bounded(demo_web: Flask, kreis: str) -> None:
    heute_ = heute()
    _abgelehnt(demo_web, kreis, ANFRAGEN, "von", "höchstens ein Jahr in der Zukunft",
               p=5, b=False, a="Kommune B", von="9999-12-31")
    _abgelehnt(demo_web, kreis, ANFRAGEN, "von", "nicht vor dem 01.01.2000",
               p=5, b=False, a="Kommune B", von="1999-12-31")
    von = heute_ - timedelta(days=10)  # in the demo's period (from 60 days ago)
    neu = _senden(demo_web, kreis, ANFRAGEN, p=5, b=False, a="Kommune B",
                  von=von.isoformat())["data"]["vereinbarungAnfragen"]
    v = _senden(demo_web, kreis, ZUSAGEN, id=neu["id"], v=neu["version"], b=False)[
        "data"]["vereinbarungZusagen"]["version"]
    for tag, text in (("2099-01-01", "höchstens ein Jahr in der Zukunft"),
                      ("1990-01-01", "nicht vor dem 01.01.2000"),
                      ((von - timedelta(days=1)).isoformat(),
                       f"liegt vor dem Beginn der Vereinbarung ({von:%d.%m.%Y})")):
        _abgelehnt(demo_web, kreis, BELEGEN, "datum", text, id=neu["id"], v=v, d=tag)
    # A changed allocation books both sides in the period of the day: a day in no period is
    # refused (the demo's period ends 120 days from today).
    _abgelehnt(demo_web, kreis, BELEGEN, "datum", "Kein Verteilzeitraum enthält den",
               id=neu["id"], v=v, d=(heute_ + timedelta(days=200)).isoformat())
    belegt = _senden(demo_web, kreis, BELEGEN, id=neu["id"], v=v, d=von.isoformat())
    assert belegt["data"]["vereinbarungBelegen"]["belegtAm"] == von.isoformat(), belegt


def test_a_credit_lands_in_the_period_of_its_day(demo_web: Flask, kreis: str) -> None:
    heute_ = heute()
    _abgelehnt(demo_web, kreis, BUCHEN, "datum", "nicht vor dem 01.01.2000", d="1900-01-01")
    _abgelehnt(demo_web, kreis, BUCHEN, "datum", "höchstens ein Jahr in der Zukunft",
               d="2099-01-01")
    with demo_web.app_context():
        beginn = db.session.scalar(select(Verteilzeitraum.beginn).where(
            Verteilzeitraum.name == "Demo-Verteilzeitraum"))
    vorher = (beginn - timedelta(days=1)).isoformat()  # the day before the demo's period
    _abgelehnt(demo_web, kreis, BUCHEN, "datum", "Kein Verteilzeitraum enthält den", d=vorher)
    _abgelehnt(demo_web, kreis, BUCHEN, "datum",
               "liegt nicht im Verteilzeitraum „Demo-Verteilzeitraum“", d=vorher,
               z="Demo-Verteilzeitraum")
    gebucht = _senden(demo_web, kreis, BUCHEN, d=(heute_ - timedelta(days=3)).isoformat())
    assert gebucht["data"]["anrechnungBuchen"]["personen"] == 2, gebucht


def test_the_command_line_asks_for_the_flag(demo_web: Flask) -> None:
    runner = demo_web.test_cli_runner()
    anlegen = ["vereinbarung", "anlegen", "--zuweisend", "Kommune A", "--aufnehmend",
               "Kommune B", "--personen", "100"]
    ergebnis = runner.invoke(args=anlegen)
    assert ergebnis.exit_code == 1
    assert "Überbelegung um 23 Personen. Bitte die Überbelegung ausdrücklich bestätigen." in \
        ergebnis.output
    ergebnis = runner.invoke(args=[*anlegen, "--ueberbelegung"])
    assert ergebnis.exit_code == 0, ergebnis.output
    kennung = ergebnis.output.strip().splitlines()[-1]
    assert runner.invoke(args=["vereinbarung", "status", kennung, "zugesagt"]).exit_code == 1
    assert runner.invoke(args=["vereinbarung", "status", kennung, "zugesagt",
                               "--ueberbelegung"]).exit_code == 0
    assert "Überbelegung um 23" in runner.invoke(args=["vereinbarung", "liste"]).output
