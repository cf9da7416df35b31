"""The row rule is stated once: the SQL scope (`bereich`) and the Python checks (`im_bereich`,
`darf_meldung_aendern`, `bemerkung_sichtbar`, `verlauf_sichtbar`) agree for every role, action
and record."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.welt import Welt
from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.models import (
    Aufnahmequote,
    Benutzer,
    Kommune,
    Landkreis,
    Meldung,
    Verlaufseintrag,
    Verteilzeitraum,
)


@pytest.fixture
def alle(web: Flask, welt: Welt) -> None:
    """The world plus a report, a quota and history in the other Landkreis."""
    from datetime import date

    with web.app_context():
        anderswo = db.session.get(Kommune, welt.fremder_kreis_kommune)
        zeitraum = factories.zeitraum(date(2020, 1, 1), kreis=anderswo.landkreis)
        factories.quote(anderswo, zeitraum, 10)
        factories.meldung(anderswo)
        db.session.commit()


def _benutzer() -> list[Benutzer | None]:
    return [None, *db.session.scalars(select(Benutzer).order_by(Benutzer.id))]


@pytest.mark.parametrize("modell", [Meldung, Verlaufseintrag, Aufnahmequote, Kommune])
def test_sql_scope_and_python_check_agree_for_every_record(web: Flask, alle: None,
                                                           modell: type) -> None:
    with web.app_context():
        datensaetze = db.session.scalars(select(modell)).all()
        assert len(datensaetze) >= 3  # in both Landkreise
        for benutzer in _benutzer():
            for aktion in Aktion:
                im_sql = set(db.session.scalars(select(modell.id).where(  # type: ignore[attr-defined]
                    berechtigungen.bereich(benutzer, modell, aktion))))
                for datensatz in datensaetze:
                    kommune = datensatz if modell is Kommune else datensatz.kommune
                    assert (datensatz.id in im_sql) == berechtigungen.im_bereich(
                        benutzer, modell, aktion, kommune), (benutzer, modell, aktion, datensatz)


def test_the_named_checks_are_the_scope(web: Flask, alle: None) -> None:
    with web.app_context():
        for benutzer in _benutzer():
            aendern = set(db.session.scalars(select(Meldung.kommune_id).where(
                berechtigungen.bereich(benutzer, Meldung, Aktion.AENDERN))))
            verlauf = set(db.session.scalars(select(Verlaufseintrag.kommune_id).where(
                berechtigungen.bereich(benutzer, Verlaufseintrag, Aktion.LESEN))))
            for kommune in db.session.scalars(select(Kommune)):
                if kommune.meldung is not None:
                    assert berechtigungen.darf_meldung_aendern(benutzer, kommune) == (
                        kommune.id in aendern)
                    assert berechtigungen.bemerkung_sichtbar(benutzer, kommune) == (
                        kommune.id in aendern)
                    assert berechtigungen.verlauf_sichtbar(benutzer, kommune) == (
                        kommune.id in verlauf)


def test_nobody_reaches_another_landkreis(web: Flask, alle: None) -> None:
    with web.app_context():
        fremd = db.session.scalar(select(Landkreis).where(Landkreis.name == "Landkreis Anderswo"))
        for benutzer in _benutzer():
            for modell in (Kommune, Verteilzeitraum, Benutzer, Landkreis):
                for aktion in Aktion:
                    treffer = db.session.scalars(select(modell).where(
                        berechtigungen.bereich(benutzer, modell, aktion))).all()
                    kreise = {t.id if modell is Landkreis else t.landkreis_id for t in treffer}
                    assert fremd.id not in kreise
