"""Distribution periods on the county's screen: opening, closing, refusing an overlap."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select

from tests.conftest import admin_token, anmelden
from tests.welt import Welt
from wrm.db import db
from wrm.models import Verteilzeitraum


def _zeitraeume(app: Flask) -> dict[str, tuple[date, date | None]]:
    with app.app_context():
        return {z.name: (z.beginn, z.ende) for z in db.session.scalars(select(Verteilzeitraum))}


def _speichern(client, pfad: str, **felder: str) -> str:  # type: ignore[no-untyped-def]
    daten = {"csrf_token": admin_token(client), "kontingent": "", **felder}
    return client.post(pfad, data=daten, follow_redirects=True).get_data(as_text=True)


def test_the_county_opens_and_closes_periods_on_the_screen(web: Flask, welt: Welt) -> None:
    client = web.test_client()
    anmelden(client, "kreis")
    aktuell = next(iter(_zeitraeume(web)))  # the world's open period from 1 January 2020
    with web.app_context():
        zid = db.session.scalar(select(Verteilzeitraum.id))
    # Closing the current period: an end is entered.
    seite = _speichern(client, f"/admin/verteilzeitraum/edit/?id={zid}", name=aktuell,
                       beginn="2020-01-01", ende="2029-12-31")
    assert "überschneidet" not in seite
    # The next one, with an end, then an open-ended one after it: neither overlaps itself.
    seite = _speichern(client, "/admin/verteilzeitraum/new/", name="P9-Test",
                       beginn="2030-01-01", ende="2030-06-30")
    assert "überschneidet" not in seite, seite[-2000:]
    seite = _speichern(client, "/admin/verteilzeitraum/new/", name="P10 offen",
                       beginn="2030-07-01", ende="")
    assert "überschneidet" not in seite, seite[-2000:]
    assert _zeitraeume(web) == {aktuell: (date(2020, 1, 1), date(2029, 12, 31)),
                                "P9-Test": (date(2030, 1, 1), date(2030, 6, 30)),
                                "P10 offen": (date(2030, 7, 1), None)}
    # A real overlap is still refused, naming the other period, and nothing is saved.
    seite = _speichern(client, "/admin/verteilzeitraum/new/", name="Doppelt",
                       beginn="2030-06-01", ende="2030-06-30")
    assert "Der Zeitraum überschneidet sich mit „P9-Test“ (01.01.2030 – 30.06.2030)." in seite
    seite = _speichern(client, "/admin/verteilzeitraum/new/", name="Doppelt",
                       beginn="2031-01-01", ende="")
    assert "Der Zeitraum überschneidet sich mit „P10 offen“ (01.07.2030 – offen)." in seite
    assert "Doppelt" not in _zeitraeume(web)
