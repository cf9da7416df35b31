"""Writes that read, decide and write, sent at the same moment to a served app (two gunicorn
workers with six threads each, the production setup): exactly one application of the quotas
changes them, the others answer CONFLICT; a period closes once; no credit slips in between the
rests a closing reads and the carry-over it writes (`schreibsperre`)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from benchmarks.dienste import gunicorn
from tests import factories
from tests.conftest import graphql
from wrm.db import db
from wrm.models import (
    Aufnahmequote,
    Benutzer,
    Buchung,
    Quotenaenderung,
    Quotenanpassung,
    Rolle,
    Verteilzeitraum,
)
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.tokens import token_anlegen

#: 21 Kommunen, as many as the county has, with invented populations.
EINWOHNER = {f"Kommune {chr(65 + i)}": 5_000 + 1_500 * i for i in range(21)}
#: Before the periods: the Kommunen exist on every day the tests look at.
FRUEH = datetime(2025, 1, 1, tzinfo=UTC)
BERECHNEN = ('mutation($k: Int) { quotenBerechnen(zeitraum: "P1", kontingent: $k) '
             '{ fingerabdruck quoten { kommune berechneteQuote } } }')
ANWENDEN = ('mutation($f: String!, $k: Int) { quotenAnwenden(zeitraum: "P1", kontingent: $k, '
            'fingerabdruck: $f) { geaendert } }')


@pytest.fixture
def server(web: Flask, database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The county's Kommunen, periods P1 (contingent 900) and P2, a county token, and a served
    app on the same database: (URL, token)."""
    with web.app_context():
        kreis = factories.landkreis()
        for name, einwohner in EINWOHNER.items():
            factories.kommune(name, einwohner=einwohner, angelegt_am=FRUEH)
        factories.zeitraum(date(2026, 1, 1), ende=date(2026, 6, 30), name="P1", kontingent=900)
        factories.zeitraum(date(2026, 7, 1), ende=date(2026, 12, 31), name="P2")
        benutzer_anlegen(db.session, name="kreis", rolle=Rolle.LANDKREIS, landkreis=kreis,
                         passwort="sehr-geheim-123")
        token = token_anlegen(db.session, benutzer=db.session.scalar(select(Benutzer)))[1]
        db.session.commit()
    umgebung = {"WRM_DATABASE_URL": database_url, "WRM_SECRET_KEY": "gleichzeitig",
                "WRM_INSTANCE_PATH": str(tmp_path)}
    with gunicorn("wsgi:app", umgebung, threads=6) as (url, _):
        yield url, token


def _zugleich(url: str, token: str, auftraege: list[tuple[str, dict]]) -> list[dict]:
    """Send every (query, variables) at the same moment; the answers in order."""
    start = threading.Barrier(len(auftraege))

    def senden(auftrag: tuple[str, dict]) -> dict:
        start.wait()
        antwort = requests.post(f"{url}/graphql", json={"query": auftrag[0],
                                                        "variables": auftrag[1]},
                                headers={"Authorization": f"Bearer {token}"}, timeout=60)
        return antwort.json()  # type: ignore[no-any-return]

    with ThreadPoolExecutor(len(auftraege)) as pool:
        return list(pool.map(senden, auftraege))


def _ausgang(antwort: dict) -> str:
    """"ok" or the error code."""
    return antwort["errors"][0]["extensions"]["code"] if antwort.get("errors") else "ok"


def _quoten(web: Flask) -> tuple[dict[str, int], int]:
    """P1's quotas by Kommune, and the number of quota history entries."""
    with web.app_context():
        quoten = {q.kommune.name: q.wert for q in db.session.scalars(select(Aufnahmequote))}
        return quoten, db.session.scalar(select(func.count(Quotenaenderung.id)))


def test_ten_applications_of_one_calculation_change_the_quotas_once(
        web: Flask, server: tuple[str, str]) -> None:
    url, token = server
    berechnung = graphql(web.test_client(), BERECHNEN, {"k": None}, token=token).get_json()[
        "data"]["quotenBerechnen"]
    antworten = _zugleich(url, token, [(ANWENDEN, {"f": berechnung["fingerabdruck"],
                                                   "k": None})] * 10)
    assert Counter(map(_ausgang, antworten)) == {"ok": 1, "CONFLICT": 9}, antworten
    assert [a["data"]["quotenAnwenden"]["geaendert"] for a in antworten
            if _ausgang(a) == "ok"] == [21]
    quoten, eintraege = _quoten(web)
    assert quoten == {q["kommune"]: q["berechneteQuote"] for q in berechnung["quoten"]}
    assert eintraege == 21  # one history entry per Kommune, not one per request


def test_two_contingents_applied_at_once_do_not_mix(web: Flask,
                                                    server: tuple[str, str]) -> None:
    url, token = server
    client = web.test_client()
    berechnungen = {k: graphql(client, BERECHNEN, {"k": k}, token=token).get_json()[
        "data"]["quotenBerechnen"] for k in (900, 1000)}
    antworten = _zugleich(url, token, [
        (ANWENDEN, {"f": berechnungen[k]["fingerabdruck"], "k": k}) for k in (900, 1000) * 5])
    assert Counter(map(_ausgang, antworten)) == {"ok": 1, "CONFLICT": 9}, antworten
    gewonnen = next(k for k, a in zip((900, 1000) * 5, antworten, strict=True)
                    if _ausgang(a) == "ok")
    quoten, eintraege = _quoten(web)
    assert quoten == {q["kommune"]: q["berechneteQuote"]
                      for q in berechnungen[gewonnen]["quoten"]}
    assert sum(quoten.values()) == gewonnen and eintraege == 21
    with web.app_context():
        assert db.session.scalar(select(Verteilzeitraum.kontingent).where(
            Verteilzeitraum.name == "P1")) == gewonnen


def test_a_period_closes_once_and_no_credit_slips_past_the_closing(
        web: Flask, server: tuple[str, str]) -> None:
    url, token = server
    client = web.test_client()
    berechnung = graphql(client, BERECHNEN, {"k": None}, token=token).get_json()[
        "data"]["quotenBerechnen"]
    graphql(client, ANWENDEN, {"f": berechnung["fingerabdruck"], "k": None}, token=token)
    schliessen = ('mutation { zeitraumAbschliessen(zeitraum: "P1") '
                  '{ uebertraege { kommune uebertrag } } }')
    buchen = ('mutation($k: String!) { anrechnungBuchen(kommune: $k, personen: 2, '
              'quelle: "Geburten", zeitraum: "P1", datum: "2026-03-01") { personen } }')
    auftraege = [(schliessen, {})] * 4 + [(buchen, {"k": k}) for k in list(EINWOHNER)[:8]]
    antworten = _zugleich(url, token, auftraege)
    ausgaenge = list(map(_ausgang, antworten))
    assert ausgaenge[:4].count("ok") == 1, antworten[:4]
    assert set(ausgaenge[:4]) <= {"ok", "BAD_USER_INPUT"}  # "… ist abgeschlossen"
    assert set(ausgaenge[4:]) <= {"ok", "BAD_USER_INPUT"}, antworten[4:]
    with web.app_context():
        gebucht = dict(db.session.execute(
            select(Buchung.kommune_id, func.sum(Buchung.personen)).group_by(
                Buchung.kommune_id)).all())
        quoten = {q.kommune_id: q.wert for q in db.session.scalars(select(Aufnahmequote))}
        uebertraege = {a.kommune_id: a.personen for a in db.session.scalars(
            select(Quotenanpassung))}
    # Nobody reported: each carry-over is the quota minus exactly the credits booked before
    # the closing; a credit after it was refused, so none is missing from the rest.
    assert len(uebertraege) == 21
    assert uebertraege == {k: quoten[k] - gebucht.get(k, 0) for k in quoten}
    assert sum(gebucht.values()) == 2 * ausgaenge[4:].count("ok")
