"""The history in memory (`wrm.services.verlaufsspeicher`): the figures at any Stichtag equal
the database's, and it follows writes from the change log — only the entries a write added,
everything anew after any other change or a gap in the chain of versions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, select, update
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import api_token, graphql
from tests.fuzzing import PROFILEINSTELLUNGEN, beispiele
from wrm import kennzahlen
from wrm.db import db
from wrm.models import (
    Aenderungsprotokoll,
    Buchung,
    Buchungsart,
    Datenstand,
    Kommune,
    Landkreis,
    Verlaufseintrag,
)
from wrm.models.datenstand import PROTOKOLL_AUFBEWAHRUNG_US, datenstand
from wrm.services import meldungen, verlaufsspeicher
from wrm.services.hilfen import hilfen
from wrm.services.stand import Stand, staende, tagesgrundlage
from wrm.services.verlaufsspeicher import (
    Verlaufsspeicher,
    buchungsverlaeufe,
    quotenverlaeufe,
    staende_am,
)
from wrm.zeit import ZEITZONE, heute

BEGINN = date(2024, 3, 1)
TAGE = 12


def _um(tag: int, minute: int) -> datetime:
    """Minute `minute` of day `tag` after `BEGINN`, local time (so day ends fall in between)."""
    return datetime(BEGINN.year, BEGINN.month, BEGINN.day, tzinfo=ZEITZONE) + timedelta(
        days=tag, minutes=minute)


def _gesehen(liste: list[Stand]) -> list[tuple[Any, ...]]:
    return [(s.kommune.id, s.zeile, s.version, s.gemeldet_von, s.bemerkung) for s in liste]


def _aus_dem_speicher(session: Session, speicher: Verlaufsspeicher, landkreis: Landkreis,
                      stichtag: date, sichtbar: set[int]) -> list[Stand]:
    zeitraum, kommunen = tagesgrundlage(session, landkreis_id=landkreis.id, tag=stichtag)
    return staende_am(
        speicher, stichtag=stichtag, kommunen=kommunen, sichtbar=sichtbar, zeitraum=zeitraum,
        quoten=quotenverlaeufe(session, landkreis.id),
        buchungen=buchungsverlaeufe(session, landkreis.id),
        wirkung=kennzahlen.hilfewirkung(hilfen(session, landkreis_ids=[landkreis.id],
                                               stichtag=stichtag)))


def _alle(session: Session, landkreis: Landkreis) -> set[int]:
    return set(session.scalars(select(Kommune.id).where(Kommune.landkreis_id == landkreis.id)))


def _gleich_der_datenbank(session: Session, speicher: Verlaufsspeicher, landkreis: Landkreis,
                          tage: range, sichtbar: set[int] | None = None) -> None:
    for tag in tage:
        stichtag = BEGINN + timedelta(days=tag)
        erwartet = staende(session, landkreis=landkreis, stichtag=stichtag,
                           sichtbar=None if sichtbar is None else Kommune.id.in_(sichtbar))
        gefunden = _aus_dem_speicher(session, speicher, landkreis, stichtag,
                                     _alle(session, landkreis) if sichtbar is None else sichtbar)
        assert _gesehen(gefunden) == _gesehen(erwartet), stichtag


_ZAHL = st.one_of(st.none(), st.integers(0, 50))
# Reports crowd into half the days, so that equal moments of one Kommune are common.
_MELDUNG = st.tuples(st.integers(0, 2), st.integers(0, TAGE * 2), _ZAHL, _ZAHL,
                     st.sampled_from(["ausreichend", "kritisch"]),
                     st.sampled_from([None, "Notiz", "Andere Notiz"]))
_QUOTE = st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(0, TAGE * 4),
                   st.one_of(st.none(), st.integers(0, 90)))
_BUCHUNG = st.tuples(st.integers(0, 2), st.integers(0, 1), st.integers(0, TAGE * 4),
                     st.integers(-9, 9).filter(bool))


class TestGleichDerDatenbank:
    """Random histories: the same `Stand` lists as `wrm.services.stand.staende`, day by day."""

    @settings(PROFILEINSTELLUNGEN, max_examples=beispiele(200))
    @given(meldungen_=st.lists(_MELDUNG, max_size=20), geladen=st.integers(0, 20),
           quoten=st.lists(_QUOTE, max_size=6),
           buchungen=st.lists(_BUCHUNG, max_size=6),
           angelegt=st.tuples(*[st.integers(-1, TAGE) for _ in range(3)]),
           aktiv=st.tuples(st.booleans(), st.booleans(), st.booleans()),
           zweiter_zeitraum=st.integers(2, TAGE + 2), sichtbar=st.sets(st.integers(0, 2)))
    def test_random_histories(self, ctx: None, meldungen_: list, geladen: int, quoten: list,
                              buchungen: list, angelegt: tuple, aktiv: tuple,
                              zweiter_zeitraum: int, sichtbar: set[int]) -> None:
        """The first `geladen` reports are loaded at once, the others added by id afterwards
        in reverse order (as the change log of writes committed in another order brings
        them)."""
        with db.session.begin_nested() as punkt:
            kreis = factories.landkreis("Landkreis Speicher")
            kommunen = [factories.kommune(f"Kommune {n}", kreis=kreis, aktiv=aktiv[n],
                                          angelegt_am=_um(angelegt[n], 600))
                        for n in range(3)]
            wechsel = BEGINN + timedelta(days=zweiter_zeitraum)
            zeitraeume = [factories.zeitraum(BEGINN - timedelta(days=30), kreis=kreis,
                                             ende=wechsel - timedelta(days=1)),
                          factories.zeitraum(wechsel, kreis=kreis)]
            for n, z, viertel, wert in quoten:
                factories.quote(kommunen[n], zeitraeume[z], wert, um=_um(0, viertel * 360))
            for n, z, viertel, personen in buchungen:
                db.session.add(Buchung(
                    kommune=kommunen[n], verteilzeitraum_id=zeitraeume[z].id, datum=BEGINN,
                    personen=personen, art=Buchungsart.KORREKTUR, quelle="Test",
                    eingetragen_am=_um(0, viertel * 360)))
            speicher = None
            spaeter = []
            # Loads in pieces of three rows here, so a piece's end falls anywhere.
            stueck = mock.patch.object(verlaufsspeicher, "STUECK", 3)
            stueck.start()
            for nummer, (n, viertel, zuweisungen, frei, lage, bemerkung) in enumerate(
                    meldungen_):
                if nummer == geladen:
                    speicher = Verlaufsspeicher.laden(db.session, landkreis_id=kreis.id,
                                                      version=0)
                # Quarter days: some entries fall on the day's end itself, and several share
                # a moment, so the order of equal times (the id) is tried too.
                eintrag = meldungen.speichern(
                    db.session, kommune=kommunen[n], benutzer_name="Test",
                    version=kommunen[n].meldung.version if kommunen[n].meldung else 0,
                    werte={**factories.ZAHLEN, "zuweisungen": zuweisungen, "ankuenfte": None,
                           "verfuegbar_dezentral": frei, "lage": lage, "bemerkung": bemerkung},
                    zeitpunkt=_um(0, viertel * 360))
                if speicher is not None:
                    spaeter.append(eintrag)
            db.session.flush()
            if speicher is None:
                speicher = Verlaufsspeicher.laden(db.session, landkreis_id=kreis.id, version=0)
            assert speicher is not None
            for eintrag in reversed(spaeter):  # the first again each time: kept once only
                assert speicher.nachladen(db.session, [eintrag.id, spaeter[0].id])
            assert speicher.anzahl == len(meldungen_)
            stueck.stop()
            _gleich_der_datenbank(db.session, speicher, kreis, range(-1, TAGE + 1))
            _gleich_der_datenbank(db.session, speicher, kreis, range(0, TAGE, 3),
                                  sichtbar={kommunen[n].id for n in sichtbar})
            punkt.rollback()


def _melden(kommune: Kommune, um: datetime | None = None, **werte: Any) -> Verlaufseintrag:
    return meldungen.speichern(
        db.session, kommune=kommune, benutzer_name="Test", zeitpunkt=um,
        version=kommune.meldung.version if kommune.meldung else 0,
        werte={**factories.ZAHLEN, "ankuenfte": None, **werte})


def _heute(session: Session, speicher: Verlaufsspeicher, kreis: Landkreis) -> list[tuple]:
    """What the history in memory and the database say for today, side by side."""
    return [_gesehen(_aus_dem_speicher(session, speicher, kreis, heute(), _alle(session, kreis))),
            _gesehen(staende(session, landkreis=kreis, stichtag=heute()))]


def test_entries_of_one_moment_keep_the_databases_order_whatever_order_they_come_in(
        ctx: None) -> None:
    kreis = factories.landkreis()
    kommune = factories.kommune("Kommune Gleichzeitig", angelegt_am=_um(-1, 0))
    leer = Verlaufsspeicher.laden(db.session, landkreis_id=kreis.id, version=0)
    assert leer is not None
    eintraege = [_melden(kommune, _um(2, 0), zuweisungen=z) for z in (11, 12, 13)]
    db.session.flush()
    for eintrag in reversed(eintraege):
        assert leer.nachladen(db.session, [eintrag.id])
    assert leer.letzter(kommune.id, 2**62)[0] == eintraege[-1].id  # type: ignore[index]
    _gleich_der_datenbank(db.session, leer, kreis, range(1, 4))


def _geladen(name: str) -> tuple[Landkreis, Kommune, Verlaufseintrag, Verlaufsspeicher]:
    """A Kommune `name` with one committed report, and its Landkreis' history loaded."""
    kreis = factories.landkreis()
    kommune = factories.kommune(name)
    eintrag = _melden(kommune, zuweisungen=5)
    db.session.commit()
    speicher = Verlaufsspeicher.laden(db.session, landkreis_id=kreis.id,
                                      version=datenstand(db.session))
    assert speicher is not None
    return kreis, kommune, eintrag, speicher


class TestAenderungsprotokoll:
    """Each committed write leaves one change-log row, chained to the version before it."""

    def test_a_report_logs_its_entry_and_the_history_follows_without_a_reload(
            self, ctx: None) -> None:
        kreis, kommune, _, speicher = _geladen("Kommune Protokoll")
        vorher = speicher.version
        eintrag = _melden(kommune, zuweisungen=9)
        db.session.commit()
        version = datenstand(db.session)
        zeile = db.session.get(Aenderungsprotokoll, version)
        assert zeile is not None
        assert (zeile.vorher, zeile.verlaufseintraege) == (vorher, [eintrag.id])
        assert db.session.scalar(select(Datenstand.vorher)) == vorher
        anzahl = speicher.anzahl
        assert speicher.nachziehen(db.session, version)
        assert (speicher.version, speicher.anzahl) == (version, anzahl + 1)
        eigene = _heute(db.session, speicher, kreis)
        assert eigene[0] == eigene[1]
        assert next(s for s in eigene[0] if s[0] == kommune.id)[1].zuweisungen == 9

    @pytest.mark.parametrize("aenderung", ["eintrag_geaendert", "massenweise", "kommune_geloescht"])
    def test_any_other_change_of_the_history_makes_a_reader_load_it_anew(
            self, ctx: None, aenderung: str) -> None:
        _, _, eintrag, speicher = _geladen("Kommune Anders")
        if aenderung == "eintrag_geaendert":
            eintrag.zuweisungen = 6
        elif aenderung == "massenweise":
            db.session.execute(update(Verlaufseintrag).where(
                Verlaufseintrag.id == eintrag.id).values(zuweisungen=7))
        else:
            leer = factories.kommune("Kommune Ohne Meldung")
            db.session.flush()
            db.session.delete(leer)
        db.session.commit()
        version = datenstand(db.session)
        zeile = db.session.get(Aenderungsprotokoll, version)
        assert zeile is not None and zeile.verlaufseintraege is None
        assert not speicher.nachziehen(db.session, version)

    def test_a_gap_in_the_chain_or_an_older_version_makes_a_reader_load_anew(
            self, ctx: None) -> None:
        _, kommune, _, speicher = _geladen("Kommune Luecke")
        anfang = speicher.version
        _melden(kommune, zuweisungen=6)
        db.session.commit()
        _melden(kommune, zuweisungen=7)
        db.session.commit()
        version = datenstand(db.session)
        assert not speicher.nachziehen(db.session, anfang - 1)
        db.session.execute(delete(Aenderungsprotokoll).where(
            Aenderungsprotokoll.version < version))  # as after a restore, or pruned rows
        assert not speicher.nachziehen(db.session, version)


    def test_rows_older_than_a_day_go_with_the_first_write_of_an_hour(self, ctx: None) -> None:
        kommune = factories.kommune("Kommune Alt")
        _melden(kommune, zuweisungen=5)
        db.session.commit()
        alt = datenstand(db.session)
        # The version as if a day and more had passed, one microsecond before a full hour.
        stunde = 3600 * 1_000_000
        db.session.execute(update(Datenstand).values(
            version=((alt + PROTOKOLL_AUFBEWAHRUNG_US) // stunde + 2) * stunde - 1))
        db.session.commit()
        _melden(kommune, zuweisungen=6)
        db.session.commit()
        erste = datenstand(db.session)
        _melden(kommune, zuweisungen=7)
        db.session.commit()  # the same hour: nothing removed
        versionen = set(db.session.scalars(select(Aenderungsprotokoll.version)))
        assert alt not in versionen and {erste, datenstand(db.session)} <= versionen


SPEICHERN = ('mutation($v: Int!, $z: Int!) { meldungSpeichern(kommune: "Kommune Eigen", '
             'version: $v, eingabe: {zuweisungen: $z}) { version } }')


def test_a_worker_reads_another_workers_write_at_todays_stichtag_without_a_reload(
        web: Flask, welt: Any, zweiter_worker: Flask) -> None:
    token = api_token(web, "kreis")
    text = ('query($t: Date) { auswertung(stichtag: $t) { zeilen { kommune { name } '
            'zuweisungen } } }')

    def zuweisungen() -> tuple[int, list[str]]:
        with web.app_context():
            motor = db.engine
        anweisungen: list[str] = []
        zaehlen = lambda *args: anweisungen.append(args[2])  # noqa: E731
        event.listen(motor, "before_cursor_execute", zaehlen)
        try:
            antwort = graphql(web.test_client(), text, {"t": heute().isoformat()},
                              token=token).get_json()
        finally:
            event.remove(motor, "before_cursor_execute", zaehlen)
        return next(z["zuweisungen"] for z in antwort["data"]["auswertung"]["zeilen"]
                    if z["kommune"]["name"] == "Kommune Eigen"), anweisungen

    assert zuweisungen()[0] == 10
    antwort = graphql(zweiter_worker.test_client(), SPEICHERN, {"v": 1, "z": 17}, token=token)
    assert antwort.get_json()["data"]["meldungSpeichern"]["version"] == 2
    neu, anweisungen = zuweisungen()
    assert neu == 17
    # The new entry by its id; the history as a whole was not read again.
    verlauf = [a for a in anweisungen if "FROM verlaufseintraege" in a]
    assert verlauf and all(" IN " in a for a in verlauf), verlauf


def test_writes_committed_out_of_id_order_all_arrive(web: Flask, welt: Any,
                                                     database_url: str) -> None:
    """Ids are taken at the insert, versions at the commit: an entry with a smaller id that
    commits later is not missed (what "everything above the highest id seen" would miss)."""
    with web.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite lässt keine zwei schreibenden Transaktionen zugleich zu")
        kreis = db.session.scalar(select(Landkreis).limit(1))
        kommunen = db.session.scalars(select(Kommune).where(
            Kommune.landkreis_id == kreis.id, Kommune.aktiv).order_by(Kommune.id)).all()[:2]
        speicher = Verlaufsspeicher.laden(db.session, landkreis_id=kreis.id,
                                          version=datenstand(db.session))
        assert speicher is not None
        db.session.rollback()
        with Session(db.engine) as frueh, Session(db.engine) as spaet:
            def melden(session: Session, kommune_id: int, zahl: int) -> Verlaufseintrag:
                kommune = session.get_one(Kommune, kommune_id)
                return meldungen.speichern(
                    session, kommune=kommune, benutzer_name="Test",
                    version=kommune.meldung.version if kommune.meldung else 0,
                    werte={**factories.ZAHLEN, "zuweisungen": zahl})
            erster = melden(frueh, kommunen[0].id, 31)
            frueh.flush()
            zweiter = melden(spaet, kommunen[1].id, 32)
            spaet.commit()
            assert erster.id < zweiter.id
            mitte = datenstand(db.session)
            db.session.rollback()
            assert speicher.nachziehen(db.session, mitte)
            frueh.commit()
        ende = datenstand(db.session)
        assert speicher.nachziehen(db.session, ende)
        eigene = _heute(db.session, speicher, kreis)
        assert eigene[0] == eigene[1]
        assert {s[0]: s[1].zuweisungen for s in eigene[0]}.items() >= {
            kommunen[0].id: 31, kommunen[1].id: 32}.items()
