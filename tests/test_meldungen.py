"""Saving reports: validation, optimistic locking, confirmation, history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.datenbestand import abzug
from wrm.db import db
from wrm.models import Verlaufseintrag
from wrm.services import meldungen
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import Validierungsfehler, pruefen


def test_rules_name_the_field_in_german() -> None:
    fehler = pruefen({"zuweisungen": 5, "ankuenfte": 6, "verfuegbar_dezentral": -1,
                      "in_aussicht_dezentral": 2_000_000, "lage": None})
    assert fehler["ankuenfte"].startswith("(2) Ankünfte (6) dürfen nicht größer sein")
    assert fehler["verfuegbar_dezentral"] == "darf nicht negativ sein"
    assert fehler["in_aussicht_dezentral"] == "darf höchstens 1.000.000 sein"
    assert fehler["lage"].startswith("ist erforderlich")
    assert pruefen({**factories.ZAHLEN}) == {}
    assert pruefen({**factories.ZAHLEN, "zuweisungen": "3"}) == {
        "zuweisungen": "muss eine ganze Zahl sein"}


def test_invalid_report_changes_nothing(ctx: None) -> None:
    k = factories.kommune()
    factories.meldung(k)
    db.session.commit()
    vorher = abzug()
    with pytest.raises(Validierungsfehler) as fehler:
        meldungen.speichern(db.session, kommune=k, version=1,
                            werte={**factories.ZAHLEN, "ankuenfte": 99})
    assert "ankuenfte" in fehler.value.fehler
    db.session.rollback()
    assert abzug() == vorher


def test_stale_version_is_refused_naming_who_changed_what(ctx: None) -> None:
    k = factories.kommune()
    factories.meldung(k)
    meldungen.speichern(db.session, kommune=k, version=1, benutzer_name="Frau Meyer",
                        werte={**factories.ZAHLEN, "verfuegbar_dezentral": 9})
    db.session.commit()
    vorher = abzug()
    with pytest.raises(Konflikt) as konflikt:
        meldungen.speichern(db.session, kommune=k, version=1,
                            werte={**factories.ZAHLEN, "zuweisungen": 12})
    text = str(konflikt.value)
    assert "Frau Meyer" in text and "(9) verfügbar dezentral" in text
    assert "nicht gespeichert" in text
    assert konflikt.value.felder == {"verfuegbar_dezentral"}
    db.session.rollback()
    assert abzug() == vorher


def test_save_keeps_history_old_to_new_and_bumps_version(ctx: None) -> None:
    k = factories.kommune()
    factories.meldung(k)
    meldungen.speichern(db.session, kommune=k, version=1,
                        werte={**factories.ZAHLEN, "lage": "kritisch", "bemerkung": "Turnhalle"})
    db.session.commit()
    assert k.meldung.version == 2
    eintraege = db.session.scalars(select(Verlaufseintrag).order_by(Verlaufseintrag.id)).all()
    assert eintraege[0].aenderungen["zuweisungen"] == [None, 10]
    assert eintraege[1].aenderungen == {"lage": ["ausreichend", "kritisch"],
                                        "bemerkung": [None, "Turnhalle"]}
    assert eintraege[1].lage == "kritisch" and eintraege[1].zuweisungen == 10


def test_confirm_records_a_new_stand_without_changes(ctx: None) -> None:
    k = factories.kommune()
    factories.meldung(k)
    db.session.commit()
    alter_stand = k.meldung.stand
    eintrag = meldungen.bestaetigen(db.session, kommune=k, version=1)
    db.session.commit()
    assert eintrag.vorgang == "bestaetigt" and eintrag.aenderungen == {}
    assert k.meldung.stand > alter_stand and k.meldung.version == 2
    with pytest.raises(Konflikt):
        meldungen.bestaetigen(db.session, kommune=k, version=1)


@pytest.mark.echte_commits  # two sessions on two connections, as two workers have
def test_concurrent_update_is_detected_by_the_database(ctx: None) -> None:
    """Two sessions read version 1; the slower writer gets a conflict, not a lost update."""
    k = factories.kommune()
    factories.meldung(k)
    db.session.commit()
    zweite = db.session.session_factory()
    try:
        k2 = zweite.get(type(k), k.id)
        assert k2.meldung.version == 1
        meldungen.speichern(db.session, kommune=k, version=1,
                            werte={**factories.ZAHLEN, "zuweisungen": 11})
        db.session.commit()
        with pytest.raises(Konflikt):
            meldungen.speichern(zweite, kommune=k2, version=1,
                                werte={**factories.ZAHLEN, "zuweisungen": 12})
    finally:
        zweite.close()
    db.session.expire_all()
    assert k.meldung.zuweisungen == 11


def test_two_reports_share_one_transaction_and_roll_back_together(ctx: None) -> None:
    """The caller owns the transaction: a refused second save leaves the first one pending
    (no service rolls back on its own), and the caller's rollback undoes both."""
    a, b = factories.kommune("Kommune A"), factories.kommune("Kommune B")
    factories.meldung(a)
    factories.meldung(b)
    db.session.commit()
    vorher = abzug()
    meldungen.speichern(db.session, kommune=a, version=1, werte={**factories.ZAHLEN,
                                                                 "zuweisungen": 20})
    meldungen.speichern(db.session, kommune=b, version=1, werte={**factories.ZAHLEN,
                                                                 "zuweisungen": 30})
    with pytest.raises(Konflikt):
        meldungen.speichern(db.session, kommune=b, version=1, werte=factories.ZAHLEN)
    assert (a.meldung.zuweisungen, b.meldung.zuweisungen) == (20, 30)  # still pending, both
    db.session.rollback()
    assert abzug() == vorher


@pytest.mark.echte_commits  # two sessions on two connections, as two workers have
def test_a_concurrent_first_report_is_a_conflict_not_a_fault(ctx: None) -> None:
    k = factories.kommune()
    db.session.commit()
    zweite = db.session.session_factory()
    try:
        k2 = zweite.get(type(k), k.id)
        assert k2.meldung is None
        factories.meldung(k)
        db.session.commit()
        with pytest.raises(Konflikt):
            meldungen.speichern(zweite, kommune=k2, version=0, werte=factories.ZAHLEN)
        zweite.rollback()
    finally:
        zweite.close()
