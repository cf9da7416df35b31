"""The demo's invented past: twelve weeks of weekly reports that end in the paper's figures, so
a new user's charts, past Stichtage, the Prognose and the Verlauf show something."""

from __future__ import annotations

import random
from datetime import timedelta

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.cli_json import cli_auswertung
from tests.conftest import anmelden
from tests.fuzzing import PROFILEINSTELLUNGEN, beispiele
from wrm.anzeige import zahl
from wrm.db import db
from wrm.meldefelder import ZAHLENNAMEN
from wrm.models import Kommune, Landkreis, Verlaufseintrag
from wrm.services import meldungen
from wrm.services.demo_verlauf import WOCHEN, werte_vor
from wrm.services.pruefung import pruefen
from wrm.services.stand import staende
from wrm.services.zeitreihe import wochenreihe
from wrm.zeit import heute


def _kreis() -> Landkreis:
    return db.session.scalar(select(Landkreis))  # type: ignore[return-value]


def test_twelve_weeks_end_in_the_papers_figures(demo_web: Flask) -> None:
    with demo_web.app_context():
        reihe = wochenreihe(db.session, landkreis=_kreis(), bis=heute(), wochen=WOCHEN)
        # A value in every week of the chart, changing over time, today the paper's.
        assert all(w.zu_erfuellen is not None for w in reihe)
        assert len({w.zu_erfuellen for w in reihe}) >= 6
        heute_ = reihe[-1]
        assert (heute_.zu_erfuellen, heute_.sofort_verfuegbar, heute_.in_aussicht) == (
            716, 469, 654)
        # Four weeks back most Kommunen had reported within the week before, none today.
        vor_vier = heute() - timedelta(weeks=4)
        stand = staende(db.session, landkreis=_kreis(), stichtag=vor_vier)
        gemeldet = [s for s in stand if s.zeile.stand is not None]
        assert len(gemeldet) >= 15
        assert all(s.zeile.stand.date() <= vor_vier for s in gemeldet)


def test_each_kommune_reports_in_its_own_name_now_and_then(demo_web: Flask) -> None:
    with demo_web.app_context():
        kommune = db.session.scalar(select(Kommune).where(Kommune.name == "Kommune R"))
        eintraege = db.session.scalars(select(Verlaufseintrag).where(
            Verlaufseintrag.kommune_id == kommune.id).order_by(Verlaufseintrag.zeitpunkt)).all()
    vergangen = [e for e in eintraege if e.benutzer_name == "kommune-r"]
    assert 6 <= len(vergangen) <= WOCHEN  # some weeks skipped
    assert eintraege[-1].benutzer_name != "kommune-r"  # today: the paper's import
    tage = [e.zeitpunkt.date() for e in vergangen]
    assert tage == sorted(tage) and tage[0] >= heute() - timedelta(weeks=WOCHEN, days=5)


def test_a_past_stichtag_shows_that_days_figures(demo_web: Flask) -> None:
    """Three weeks back: other figures than today's, on the screen as on the command line."""
    vor_drei = heute() - timedelta(weeks=3)
    damals = cli_auswertung(demo_web.test_cli_runner(), vor_drei)
    assert damals["zusammenfassung"]["benoetigt"] not in (0, 716)
    client = demo_web.test_client()
    anmelden(client, "landkreis", "demo-wrm-2026")
    seite = client.get(f"/admin/auswertung/?stichtag={vor_drei.isoformat()}").get_data(
        as_text=True)
    assert zahl(damals["zusammenfassung"]["benoetigt"]) in seite
    assert seite.count('<th scope="row" class="kommune">') == 21
    assert "kommune-" in client.get("/admin/verlauf/").get_data(as_text=True)


_ZEILE = st.fixed_dictionaries(
    {"aufnahmequote": st.integers(0, 500), "zuweisungen": st.integers(0, 500),
     **{n: st.one_of(st.none(), st.integers(0, 400)) for n in ZAHLENNAMEN
        if n != "zuweisungen"},
     "lage": st.sampled_from(["ausreichend", "kritisch"])})


@settings(PROFILEINSTELLUNGEN, max_examples=beispiele(400))
@given(zeile=_ZEILE, saat=st.integers(0, 2**32 - 1), tempo=st.floats(0.25, 0.55))
def test_every_invented_report_is_valid_and_keeps_empty_empty(zeile: dict, saat: int,
                                                              tempo: float) -> None:
    """Whatever today's row (valid, (2) ≤ (1)), each week before it is a valid report with the
    same fields empty, and allocations never fall from one week to the next."""
    zeile = {**zeile, "ankuenfte": None if zeile["ankuenfte"] is None
             else min(zeile["ankuenfte"], zeile["zuweisungen"])}
    zufall = random.Random(saat)
    frueher = None
    for wochen in range(WOCHEN, 0, -1):
        werte = werte_vor(zeile, wochen=wochen, tempo=tempo, zufall=zufall)
        assert pruefen(meldungen.normalisieren(werte)) == {}
        assert all((werte[n] is None) == (zeile[n] is None) for n in ZAHLENNAMEN)
        if frueher is not None:
            assert werte["zuweisungen"] >= frueher
        frueher = werte["zuweisungen"]
        assert werte["zuweisungen"] <= zeile["zuweisungen"]
