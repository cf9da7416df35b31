"""Agreements between Kommunen: the steps and who may take them, bad input, locking, history,
and their effect on the figures (now and at a Stichtag)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.datenbestand import abzug
from tests.welt import Welt
from wrm import kennzahlen
from wrm.db import db
from wrm.models import Benutzer, Kommune, Vereinbarung, Vereinbarungsstatus
from wrm.services import vereinbarungen as dienst
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import Validierungsfehler, Verweigert
from wrm.services.stand import staende
from wrm.services.vereinbarungen import Vereinbarungsangaben

S = Vereinbarungsstatus


@pytest.fixture
def kontext(web: Flask, welt: Welt) -> Iterator[Welt]:
    with web.app_context():
        yield welt


def _benutzer(name: str) -> Benutzer:
    return db.session.scalar(select(Benutzer).where(Benutzer.name == name))  # type: ignore[return-value]


def _kommune(name: str) -> Kommune:
    return db.session.scalar(select(Kommune).where(Kommune.name == name))  # type: ignore[return-value]


def _anlegen(personen: int = 5, wer: str = "kreis", zuweisend: str = "Kommune Eigen",
             aufnehmend: str = "Kommune Fremd") -> Vereinbarung:
    """An agreement from 1 January 2026 (overbooking confirmed: not the point of these tests)."""
    neu = dienst.vereinbarung_anlegen(db.session, benutzer=_benutzer(wer), angaben=(
        Vereinbarungsangaben(zuweisend=_kommune(zuweisend), aufnehmend=_kommune(aufnehmend),
                             personen=personen, von=date(2026, 1, 1))),
        ueberbelegung_bestaetigt=True)
    db.session.commit()
    return neu


def _schritt(v: Vereinbarung, ziel: Vereinbarungsstatus, wer: str = "kreis",
             **mehr: object) -> None:
    mehr.setdefault("ueberbelegung_bestaetigt", True)
    dienst.status_setzen(db.session, vereinbarung=v, ziel=ziel, version=v.version,
                         benutzer=_benutzer(wer), **mehr)  # type: ignore[arg-type]
    db.session.commit()


def test_the_whole_way_is_kept_in_the_history(kontext: Welt) -> None:
    v = _anlegen(wer="eigen")
    _schritt(v, S.ZUGESAGT, "fremd")
    _schritt(v, S.BELEGT, "fremd", datum=date(2026, 1, 5))
    _schritt(v, S.BEENDET, "kreis", datum=date(2026, 2, 1))
    assert (v.status, v.belegt_am, v.beendet_am) == (S.BEENDET, date(2026, 1, 5),
                                                     date(2026, 2, 1))
    assert [(e.vorgang, e.alt, e.neu, e.benutzer_name) for e in v.ereignisse] == [
        ("angelegt", None, "angefragt", "eigen"), ("status", "angefragt", "zugesagt", "fremd"),
        ("status", "zugesagt", "belegt", "fremd"), ("status", "belegt", "beendet", "kreis")]
    with pytest.raises(Validierungsfehler, match="abgeschlossen"):
        _schritt(v, S.ZURUECKGEZOGEN)


@pytest.mark.parametrize(("von", "nach"), [
    (S.ANGEFRAGT, S.BELEGT), (S.ANGEFRAGT, S.BEENDET), (S.ZUGESAGT, S.ABGELEHNT),
    (S.ZUGESAGT, S.BEENDET), (S.BELEGT, S.ZURUECKGEZOGEN), (S.BELEGT, S.ZUGESAGT)])
def test_a_step_not_allowed_from_the_status_is_refused(kontext: Welt, von: S, nach: S) -> None:
    v = _anlegen()
    for schritt in {S.ANGEFRAGT: [], S.ZUGESAGT: [S.ZUGESAGT],
                    S.BELEGT: [S.ZUGESAGT, S.BELEGT]}[von]:
        _schritt(v, schritt)
    vorher = abzug()
    with pytest.raises(Validierungsfehler, match=f"Von „{dienst.statuswort(von)}“ geht es nicht"):
        _schritt(v, nach)
    db.session.rollback()
    assert abzug() == vorher


def test_declining_needs_a_reason_and_a_stale_version_is_a_conflict(kontext: Welt) -> None:
    v = _anlegen()
    vorher = abzug()
    with pytest.raises(Validierungsfehler) as fehler:
        _schritt(v, S.ABGELEHNT, "fremd", grund="  ")
    assert fehler.value.fehler == {"grund": "Bitte einen Grund für die Ablehnung angeben."}
    db.session.rollback()
    alte_version = v.version
    _schritt(v, S.ZUGESAGT, "fremd")
    with pytest.raises(Konflikt, match="inzwischen geändert"):
        dienst.status_setzen(db.session, vereinbarung=v, ziel=S.ZURUECKGEZOGEN,
                             version=alte_version, benutzer=_benutzer("eigen"))
    db.session.rollback()
    assert abzug() != vorher and v.status == S.ZUGESAGT


@pytest.mark.parametrize(("angaben", "feld"), [
    ({"personen": 0}, "personen"), ({"personen": -3}, "personen"),
    ({"personen": 10**9}, "personen"), ({"aufnehmend": "Kommune Eigen"}, "aufnehmend"),
    ({"aufnehmend": "Fremdort"}, "aufnehmend"),
    ({"bis": date(2000, 1, 1)}, "bis"), ({"bemerkung": "a\x00b"}, "bemerkung")])
def test_bad_agreements_are_refused_and_change_nothing(kontext: Welt, angaben: dict,
                                                       feld: str) -> None:
    werte: dict = {"zuweisend": _kommune("Kommune Eigen"), "aufnehmend": _kommune("Kommune Fremd"),
                   "personen": 5, **angaben}
    for seite in ("zuweisend", "aufnehmend"):
        if isinstance(werte[seite], str):
            werte[seite] = _kommune(werte[seite])
    vorher = abzug()
    with pytest.raises(Validierungsfehler) as fehler:
        dienst.vereinbarung_anlegen(db.session, benutzer=_benutzer("kreis"),
                                    angaben=Vereinbarungsangaben(**werte))
    assert feld in fehler.value.fehler
    db.session.rollback()
    assert abzug() == vorher


#: Who may bring an agreement Eigen (allocated) → Fremd (host) to each status.
ERLAUBT = {
    S.ANGEFRAGT: {"kreis", "eigen"}, S.ZURUECKGEZOGEN: {"kreis", "eigen"},
    S.ZUGESAGT: {"kreis", "fremd"}, S.ABGELEHNT: {"kreis", "fremd"},
    S.BELEGT: {"kreis", "fremd"}, S.BEENDET: {"kreis", "fremd"},
}
VORWEG = {S.ANGEFRAGT: [], S.ZURUECKGEZOGEN: [], S.ZUGESAGT: [], S.ABGELEHNT: [],
          S.BELEGT: [S.ZUGESAGT], S.BEENDET: [S.ZUGESAGT, S.BELEGT]}


@pytest.mark.parametrize("ziel", list(ERLAUBT))
@pytest.mark.parametrize("wer", ["kreis", "eigen", "fremd", "presse", "inaktiv"])
def test_role_and_side_matrix_of_every_step(kontext: Welt, wer: str, ziel: S) -> None:
    if ziel is S.ANGEFRAGT:
        vorher = abzug()
        schritt = lambda: _anlegen(wer=wer)  # noqa: E731
    else:
        v = _anlegen()
        for vorweg in VORWEG[ziel]:
            _schritt(v, vorweg)
        vorher = abzug()
        schritt = lambda: _schritt(v, ziel, wer, grund="voll")  # noqa: E731
    if wer in ERLAUBT[ziel]:
        schritt()
        assert abzug() != vorher
    else:
        with pytest.raises(Verweigert):
            schritt()
        db.session.rollback()
        assert abzug() == vorher


def test_only_the_kommune_itself_marks_its_report_and_each_side_once(kontext: Welt) -> None:
    v = _anlegen()
    with pytest.raises(Validierungsfehler, match="Erst eine zugesagte"):
        dienst.beruecksichtigen(db.session, vereinbarung=v, kommune=_kommune("Kommune Fremd"),
                                version=v.version, benutzer=_benutzer("fremd"))
    _schritt(v, S.ZUGESAGT)
    with pytest.raises(Verweigert):
        dienst.beruecksichtigen(db.session, vereinbarung=v, kommune=_kommune("Kommune Fremd"),
                                version=v.version, benutzer=_benutzer("eigen"))
    dienst.beruecksichtigen(db.session, vereinbarung=v, kommune=_kommune("Kommune Fremd"),
                            version=v.version, benutzer=_benutzer("fremd"))
    with pytest.raises(Validierungsfehler, match="schon berücksichtigt"):
        dienst.beruecksichtigen(db.session, vereinbarung=v, kommune=_kommune("Kommune Fremd"),
                                version=v.version, benutzer=_benutzer("kreis"))
    with pytest.raises(Validierungsfehler, match="nicht beteiligt"):
        dienst.beruecksichtigen(db.session, vereinbarung=v, kommune=_kommune("Kommune Leer"),
                                version=v.version, benutzer=_benutzer("kreis"))


def _zeilen() -> dict[str, kennzahlen.Zeile]:
    kreis = factories.landkreis()
    return {s.kommune.name: s.zeile for s in staende(db.session, landkreis=kreis)}


def test_no_place_is_counted_twice_when_both_reports_take_the_move_in(kontext: Welt) -> None:
    eigen, fremd = _kommune("Kommune Eigen"), _kommune("Kommune Fremd")
    factories.meldung(fremd, verfuegbar_gemeinschaftsunterkunft=40)
    db.session.commit()
    vorher = _zeilen()
    v = _anlegen(personen=12)
    assert _zeilen() == vorher  # a request alone changes nothing
    _schritt(v, S.ZUGESAGT)
    zugesagt = _zeilen()
    assert zugesagt["Kommune Fremd"].bedarf == vorher["Kommune Fremd"].bedarf + 12
    assert zugesagt["Kommune Eigen"].bedarf == vorher["Kommune Eigen"].bedarf - 12
    _schritt(v, S.BELEGT)
    assert _zeilen()["Kommune Eigen"].in_anderen_kommunen == 12
    # The host reports 12 places fewer and marks the agreement as included: its Bedarf stays.
    factories.meldung(fremd, verfuegbar_gemeinschaftsunterkunft=28)
    dienst.beruecksichtigen(db.session, vereinbarung=v, kommune=fremd, version=v.version,
                            benutzer=_benutzer("fremd"))
    # The allocated Kommune reports the 12 in (1) and marks it: its Bedarf stays too.
    factories.meldung(eigen, zuweisungen=factories.ZAHLEN["zuweisungen"] + 12)
    dienst.beruecksichtigen(db.session, vereinbarung=v, kommune=eigen, version=v.version,
                            benutzer=_benutzer("eigen"))
    db.session.commit()
    danach = _zeilen()
    for name in ("Kommune Eigen", "Kommune Fremd"):
        assert danach[name].bedarf == zugesagt[name].bedarf, name
    assert (danach["Kommune Fremd"].zugesagt_fuer_andere,
            danach["Kommune Eigen"].zusagen_anderer) == (0, 0)
    _schritt(v, S.BEENDET)
    assert _zeilen()["Kommune Eigen"].in_anderen_kommunen == 0


def test_the_county_total_is_unchanged_by_any_sequence_of_steps(kontext: Welt) -> None:
    """Requests, answers, moves and withdrawals, and each side including an agreement together
    with the report that now contains it (`mit_einschluessen_speichern`), in random order: the
    county's fehlend never moves, whichever side reports first."""
    zufall = random.Random(11)
    namen = ["Kommune Eigen", "Kommune Fremd", "Kommune Leer"]
    for name in namen:  # places enough for every request, so each host can report the move
        factories.meldung(_kommune(name), verfuegbar_gemeinschaftsunterkunft=2000)
    db.session.commit()
    fehlend = kennzahlen.zusammenfassen(_zeilen().values()).fehlend
    offen: list[Vereinbarung] = []
    gemacht: Counter[str] = Counter()
    for _ in range(80):
        aktion = zufall.random()
        if aktion < 0.2 or not offen:
            a, b = zufall.sample(namen, 2)
            offen.append(_anlegen(zufall.randint(1, 30), zuweisend=a, aufnehmend=b))
            gemacht["angelegt"] += 1
        elif aktion < 0.5:
            v = zufall.choice(offen)
            eingeschlossen = v.zuweisend_beruecksichtigt_am or v.aufnehmend_beruecksichtigt_am
            # Ending an agreement a report contains needs the report corrected too: not here.
            moeglich = sorted(z for z in dienst.SCHRITTE.get(v.status, frozenset())
                              if not eingeschlossen or z not in (S.BEENDET, S.ZURUECKGEZOGEN))
            if moeglich:
                _schritt(v, zufall.choice(moeglich), grund="Test")
                gemacht["schritt"] += 1
        else:
            offene_seiten = [(v, k) for v in offen if v.status in (S.ZUGESAGT, S.BELEGT)
                             for k, am in ((v.zuweisend, v.zuweisend_beruecksichtigt_am),
                                           (v.aufnehmend, v.aufnehmend_beruecksichtigt_am))
                             if am is None]  # counting and not yet in this side's report
            if offene_seiten:
                v, seite = zufall.choice(offene_seiten)
                meldung = seite.meldung
                werte = meldung.werte()  # type: ignore[union-attr]
                if seite.id == v.aufnehmend_id:  # the host: fewer places free now
                    werte["verfuegbar_gemeinschaftsunterkunft"] -= v.personen
                else:  # the allocated Kommune: the persons in (1)
                    werte["zuweisungen"] += v.personen
                    werte["ankuenfte"] += v.personen
                dienst.mit_einschluessen_speichern(
                    db.session, kommune=seite, werte=werte,
                    version=meldung.version,  # type: ignore[union-attr]
                    benutzer=_benutzer("kreis"), einschluesse=[(v.id, v.version)])
                db.session.commit()
                gemacht["eingeschlossen"] += 1
        zeilen = _zeilen()
        assert kennzahlen.zusammenfassen(zeilen.values()).fehlend == fehlend, gemacht
        erwartet = kennzahlen.hilfewirkung(
            kennzahlen.Hilfe(v.zuweisend.name, v.aufnehmend.name, v.personen, v.status.value,
                             v.zuweisend_beruecksichtigt_am is not None,
                             v.aufnehmend_beruecksichtigt_am is not None) for v in offen)
        for name, zeile in zeilen.items():
            wirkung = erwartet.get(name, kennzahlen.Hilfewirkung())
            assert (zeile.zugesagt_fuer_andere, zeile.zusagen_anderer,
                    zeile.in_anderen_kommunen) == (wirkung.zugesagt_fuer_andere,
                                                   wirkung.zusagen_anderer,
                                                   wirkung.in_anderen_kommunen)
    assert min(gemacht.values()) >= 5, gemacht  # every kind of step was taken


def test_a_past_stichtag_shows_the_status_and_inclusion_of_that_day(
        kontext: Welt, monkeypatch: pytest.MonkeyPatch) -> None:
    heute = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    tage = [heute - timedelta(days=n) for n in (4, 3, 2)]
    for kommune in db.session.scalars(select(Kommune)):
        kommune.angelegt_am = heute - timedelta(days=30)
    uhr = iter(tage)
    monkeypatch.setattr(dienst, "jetzt", lambda: next(uhr))
    v = _anlegen(personen=7)  # day −4: angefragt
    _schritt(v, S.ZUGESAGT)  # day −3
    dienst.beruecksichtigen(db.session, vereinbarung=v, kommune=_kommune("Kommune Fremd"),
                            version=v.version, benutzer=_benutzer("kreis"))  # day −2
    db.session.commit()
    kreis = factories.landkreis()

    def am(tag: datetime) -> tuple[int, int]:
        zeilen = {s.kommune.name: s.zeile for s in staende(
            db.session, landkreis=kreis, stichtag=tag.date())}
        return (zeilen["Kommune Fremd"].zugesagt_fuer_andere,
                zeilen["Kommune Eigen"].zusagen_anderer)

    assert am(tage[0]) == (0, 0)
    assert am(tage[1]) == (7, 7)
    assert am(tage[2]) == (0, 7)
    assert am(heute) == (0, 7)
