"""Agreements that use the places (issue 25, 4): the host names its accommodations at the
promise, the places are reserved there, move in at `belegt`, are released on withdrawal; a host
whose figures come from its list has the agreement included at once — never counted twice,
and the county's fehlend never moves, whatever the order of steps and reports."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.welt import Welt
from wrm import kennzahlen
from wrm.db import db
from wrm.models import (
    Benutzer,
    Kommune,
    Meldequelle,
    Unterkunft,
    Unterkunftseintrag,
    Vereinbarung,
    Vereinbarungsstatus,
)
from wrm.services import unterkuenfte as plaetze
from wrm.services import vereinbarungen as dienst
from wrm.services.pruefung import Validierungsfehler
from wrm.services.stand import staende

S = Vereinbarungsstatus


@pytest.fixture
def kontext(web: Flask, welt: Welt) -> Iterator[Welt]:
    with web.app_context():
        yield welt


def _kommune(name: str) -> Kommune:
    return db.session.scalar(select(Kommune).where(Kommune.name == name))  # type: ignore[return-value]


def _kreis() -> Benutzer:
    return db.session.scalar(select(Benutzer).where(Benutzer.name == "kreis"))  # type: ignore[return-value]


def _halle(kommune: str, plaetze_: int = 50, belegt: int = 20) -> Unterkunft:
    k = _kommune(kommune)
    halle = plaetze.speichern(db.session, landkreis=k.landkreis, kommune=k, system="Test", werte={
        "name": f"Halle {kommune}", "art": "gemeinschaftsunterkunft", "status": "in_betrieb",
        "plaetze": plaetze_, "gesperrt": 0, "belegt": belegt, "reserviert": 0}).unterkunft
    plaetze.meldequelle_setzen(db.session, kommune=k, quelle=Meldequelle.UNTERKUENFTE,
                               system="Test")
    db.session.commit()
    return halle


def _fehlend() -> int:
    zeilen = [s.zeile for s in staende(db.session, landkreis=_kommune("Kommune Eigen").landkreis)]
    return kennzahlen.zusammenfassen(zeilen).fehlend


def _anfrage(zuweisend: str, aufnehmend: str, personen: int) -> Vereinbarung:
    v = dienst.vereinbarung_anlegen(
        db.session, benutzer=_kreis(), ueberbelegung_bestaetigt=True,
        angaben=dienst.Vereinbarungsangaben(zuweisend=_kommune(zuweisend),
                                            aufnehmend=_kommune(aufnehmend), personen=personen))
    db.session.commit()
    return v


def _schritt(v: Vereinbarung, ziel: Vereinbarungsstatus, **mehr: object) -> None:
    dienst.status_setzen(db.session, vereinbarung=v, ziel=ziel, version=v.version,
                         benutzer=_kreis(), grund="Test", **mehr)  # type: ignore[arg-type]
    db.session.commit()


def test_promise_move_in_and_withdrawal_in_the_hosts_list(kontext: Welt) -> None:
    halle = _halle("Kommune Eigen")
    fehlend = _fehlend()
    v = _anfrage("Kommune Fremd", "Kommune Eigen", 6)
    _schritt(v, S.ZUGESAGT, unterkuenfte=[(halle, 6)])
    eigen = _kommune("Kommune Eigen")
    assert (halle.belegt, halle.reserviert) == (20, 6)
    assert eigen.meldung.verfuegbar_gemeinschaftsunterkunft == 24  # type: ignore[union-attr]
    assert v.aufnehmend_beruecksichtigt_am is not None  # included: the list lowered (8)
    assert any(e.vorgang == "beruecksichtigt" and "Unterkunftsliste" in (e.neu or "")
               for e in v.ereignisse)
    zeile = next(s.zeile for s in staende(db.session, landkreis=eigen.landkreis)
                 if s.kommune.id == eigen.id)
    assert zeile.zugesagt_fuer_andere == 0  # not a second time
    assert _fehlend() == fehlend
    _schritt(v, S.BELEGT)
    assert (halle.belegt, halle.reserviert) == (26, 0) and _fehlend() == fehlend
    # A second promise, withdrawn: its places are free again.
    w = _anfrage("Kommune Fremd", "Kommune Eigen", 4)
    _schritt(w, S.ZUGESAGT, unterkuenfte=[(halle, 4)])
    assert halle.reserviert == 4 and _fehlend() == fehlend
    _schritt(w, S.ZURUECKGEZOGEN)
    assert halle.reserviert == 0 and _fehlend() == fehlend
    vorgaenge = db.session.scalars(select(Unterkunftseintrag.vorgang).where(
        Unterkunftseintrag.unterkunft_id == halle.id).order_by(Unterkunftseintrag.id)).all()
    assert vorgaenge == ["angelegt", "zusage", "einzug", "zusage", "freigabe"]


@pytest.mark.parametrize("aenderung, text", [
    ("fremd", "gehört nicht zu Kommune Eigen"),
    ("summe", "ergeben 5 Personen, die Vereinbarung hat 6 Personen"),
    ("zu_viel", "wären eine Überbelegung"),
])
def test_a_bad_reservation_is_refused_and_changes_nothing(kontext: Welt, aenderung: str,
                                                          text: str) -> None:
    halle = _halle("Kommune Eigen", plaetze_=25, belegt=20)  # 5 free
    eigen = _kommune("Kommune Eigen")  # and 50 more elsewhere: the host as a whole has room
    plaetze.speichern(db.session, landkreis=eigen.landkreis, kommune=eigen, system="Test", werte={
        "name": "Zweite Halle", "art": "gemeinschaftsunterkunft", "status": "in_betrieb",
        "plaetze": 50, "gesperrt": 0, "belegt": 0, "reserviert": 0})
    db.session.commit()
    fremde = _halle("Kommune Fremd")
    v = _anfrage("Kommune Leer", "Kommune Eigen", 6)
    wahl = {"fremd": [(fremde, 6)], "summe": [(halle, 5)], "zu_viel": [(halle, 6)]}[aenderung]
    with pytest.raises(Validierungsfehler) as fehler:
        dienst.status_setzen(db.session, vereinbarung=v, ziel=S.ZUGESAGT, version=v.version,
                             benutzer=_kreis(), unterkuenfte=wahl,
                             ueberbelegung_bestaetigt=aenderung != "zu_viel")
    assert text in fehler.value.fehler["unterkuenfte"], fehler.value.fehler
    db.session.rollback()
    assert (halle.reserviert, fremde.reserviert, v.status) == (0, 0, S.ANGEFRAGT)


def test_any_order_of_steps_reservations_and_reports_keeps_fehlend(kontext: Welt) -> None:
    """Hosts with lists reserve at every promise; allocated Kommunen report the persons in
    (1) and include the agreement whenever; steps in random order: fehlend never moves, and
    each row's counted help is what the agreements say (`kennzahlen.hilfewirkung`)."""
    zufall = random.Random(25)
    namen = ["Kommune Eigen", "Kommune Fremd", "Kommune Leer"]
    factories.meldung(_kommune("Kommune Leer"))  # the world's third Kommune never reported
    hallen = {name: _halle(name, plaetze_=2000, belegt=0) for name in namen}
    fehlend = _fehlend()
    offen: list[Vereinbarung] = []
    gemacht: Counter[str] = Counter()
    for _ in range(120):
        aktion = zufall.random()
        if aktion < 0.25 or not offen:
            a, b = zufall.sample(namen, 2)
            offen.append(_anfrage(a, b, zufall.randint(1, 30)))
            gemacht["angelegt"] += 1
        elif aktion < 0.6:
            v = zufall.choice([v for v in offen if dienst.SCHRITTE.get(v.status)] or offen)
            moeglich = sorted(z for z in dienst.SCHRITTE.get(v.status, frozenset())
                              if not v.zuweisend_beruecksichtigt_am or z not in (
                                  S.BEENDET, S.ZURUECKGEZOGEN))
            if moeglich:
                # Mostly forward (promise, move in), sometimes any step.
                vorwaerts = [z for z in moeglich if z in (S.ZUGESAGT, S.BELEGT)]
                ziel = zufall.choice(vorwaerts if vorwaerts and zufall.random() < 0.7
                                     else moeglich)
                mehr = {"unterkuenfte": [(hallen[v.aufnehmend.name], v.personen)]} \
                    if ziel is S.ZUGESAGT else {}
                _schritt(v, ziel, **mehr)
                gemacht[ziel.value] += 1
        else:
            warten = [v for v in offen if v.status in (S.ZUGESAGT, S.BELEGT)
                      and v.zuweisend_beruecksichtigt_am is None]
            if warten:
                v = zufall.choice(warten)
                seite = v.zuweisend
                werte = seite.meldung.werte()  # type: ignore[union-attr]
                werte["zuweisungen"] += v.personen
                werte["ankuenfte"] += v.personen
                dienst.mit_einschluessen_speichern(
                    db.session, kommune=seite, werte=werte,
                    version=seite.meldung.version,  # type: ignore[union-attr]
                    benutzer=_kreis(), einschluesse=[(v.id, v.version)])
                db.session.commit()
                gemacht["eingeschlossen"] += 1
        assert _fehlend() == fehlend, gemacht
        zeilen = {s.kommune.name: s.zeile for s in staende(
            db.session, landkreis=_kommune("Kommune Eigen").landkreis)}
        erwartet = kennzahlen.hilfewirkung(
            kennzahlen.Hilfe(v.zuweisend.name, v.aufnehmend.name, v.personen, v.status.value,
                             v.zuweisend_beruecksichtigt_am is not None,
                             v.aufnehmend_beruecksichtigt_am is not None) for v in offen)
        for name in namen:
            wirkung = erwartet.get(name, kennzahlen.Hilfewirkung())
            assert (zeilen[name].zugesagt_fuer_andere, zeilen[name].zusagen_anderer) == (
                wirkung.zugesagt_fuer_andere, wirkung.zusagen_anderer)
        # Every place reserved belongs to a promised agreement not yet moved in.
        for name, halle in hallen.items():
            assert halle.reserviert == sum(v.personen for v in offen if v.status is S.ZUGESAGT
                                           and v.aufnehmend.name == name)
    assert min(gemacht[k] for k in ("angelegt", "zugesagt", "belegt", "eingeschlossen")) >= 3, \
        gemacht


def test_the_command_line_and_the_api_name_the_places(web: Flask, welt: Welt) -> None:
    from tests.conftest import api_token, graphql

    with web.app_context():
        halle = _halle("Kommune Eigen")
        kennung_halle = halle.id
        erste = _anfrage("Kommune Fremd", "Kommune Eigen", 6).id
        zweite = _anfrage("Kommune Fremd", "Kommune Eigen", 3)
        zweite_id, zweite_version = zweite.id, zweite.version
    runner = web.test_cli_runner()
    falsch = runner.invoke(args=["vereinbarung", "status", str(erste), "zugesagt",
                                 "--unterkunft", "Turnhalle=6"])
    assert falsch.exit_code == 1 and "„Turnhalle“ gibt es bei Kommune Eigen nicht" in (
        falsch.output)
    ergebnis = runner.invoke(args=["vereinbarung", "status", str(erste), "zugesagt",
                                   "--unterkunft", "halle kommune eigen=6"])
    assert ergebnis.exit_code == 0, ergebnis.output
    antwort = graphql(web.test_client(), """mutation($id: Int!, $v: Int!, $u: Int!) {
        vereinbarungZusagen(id: $id, version: $v, unterkuenfte: [{unterkunft: $u, personen: 3}])
        { status } }""", {"id": zweite_id, "v": zweite_version, "u": kennung_halle},
        token=api_token(web, "eigen")).get_json()
    assert antwort["data"]["vereinbarungZusagen"]["status"] == "ZUGESAGT", antwort
    with web.app_context():
        assert db.session.get(Unterkunft, kennung_halle).reserviert == 9  # type: ignore[union-attr]


def test_the_agreements_page_offers_the_hosts_accommodations(web: Flask, welt: Welt) -> None:
    from tests.conftest import admin_token, anmelden

    with web.app_context():
        halle = _halle("Kommune Eigen")
        kennung_halle = halle.id
        v = _anfrage("Kommune Fremd", "Kommune Eigen", 6)
        kennung, version = v.id, v.version
    fremd = web.test_client()  # the allocated side sees no accommodation of the host
    anmelden(fremd, "fremd")
    assert 'id="platzwahl"' not in fremd.get(
        f"/admin/vereinbarung/details/?id={kennung}").get_data(as_text=True)
    eigen = web.test_client()
    anmelden(eigen, "eigen")
    seite = eigen.get(f"/admin/vereinbarung/details/?id={kennung}").get_data(as_text=True)
    assert 'id="platzwahl"' in seite and f'name="platz-{kennung_halle}"' in seite
    antwort = eigen.post("/admin/vereinbarung/schritt/", data={
        "csrf_token": admin_token(eigen), "id": kennung, "version": version,
        "ziel": "zugesagt", f"platz-{kennung_halle}": "6"}, follow_redirects=True)
    assert "Vereinbarung" in antwort.get_data(as_text=True)
    with web.app_context():
        assert db.session.get(Unterkunft, kennung_halle).reserviert == 6  # type: ignore[union-attr]
        assert db.session.get(Vereinbarung, kennung).status is S.ZUGESAGT  # type: ignore[union-attr]
