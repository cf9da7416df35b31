"""Accommodations (issue 25, 1–2 and 5): the capacity chain, its rules, history and locking,
the list at a past Stichtag, who may see and keep which, and the report's (6)–(11) derived
from the list — checked against a hand-computed example."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.welt import Welt
from wrm import kennzahlen
from wrm.db import db
from wrm.kennzahlen.unterkuenfte import Kapazitaet
from wrm.models import (
    Benutzer,
    Kommune,
    Landkreis,
    Meldequelle,
    Unterkunft,
    Unterkunftseintrag,
    Verlaufseintrag,
)
from wrm.services import unterkuenfte as dienst
from wrm.services.meldungen import Konflikt, speichern
from wrm.services.pruefung import Validierungsfehler, Verweigert
from wrm.services.stand import staende
from wrm.zeit import ZEITZONE, heute

#: The hand-computed example of the README: Kommune Eigen's six accommodations.
BEISPIEL = [
    dict(name="Sporthalle Nord", art="gemeinschaftsunterkunft", status="in_betrieb", plaetze=80,
         gesperrt=10, sperrgrund="Wasserschaden", belegt=55, reserviert=5),
    dict(name="Wohnung Lindenstraße 3", art="dezentral", status="in_betrieb", plaetze=6,
         gesperrt=0, belegt=4, reserviert=0),
    dict(name="Haus am Bach", art="dezentral", status="in_betrieb", plaetze=5, gesperrt=0,
         belegt=6, reserviert=0),
    dict(name="Container Süd", art="gemeinschaftsunterkunft", status="in_aussicht",
         verfuegbar_ab=date(2026, 1, 15), plaetze=40, gesperrt=0, belegt=0, reserviert=12),
    dict(name="Wohnung Markt 1", art="dezentral", status="in_aussicht",
         verfuegbar_ab=date(2026, 2, 1), plaetze=4, gesperrt=0, belegt=0, reserviert=0),
    dict(name="Alte Schule", art="gemeinschaftsunterkunft", status="geschlossen", plaetze=30,
         gesperrt=0, belegt=0, reserviert=0),
]
#: (6)–(11) by hand: (6) 55; (7) 4 + 6; (8) 80 − 10 − 55 − 5; (9) 2 + max(5 − 6, 0);
#: (10) 40 − 12; (11) 4; the closed school counts nowhere.
ERWARTET = {"in_gemeinschaftsunterkuenften": 55, "dezentral_untergebracht": 10,
            "verfuegbar_gemeinschaftsunterkunft": 10, "verfuegbar_dezentral": 2,
            "in_aussicht_gemeinschaftsunterkunft": 28, "in_aussicht_dezentral": 4}


@pytest.fixture
def kontext(web: Flask, welt: Welt) -> Iterator[Welt]:
    with web.app_context():
        yield welt


def _benutzer(name: str) -> Benutzer:
    return db.session.scalar(select(Benutzer).where(Benutzer.name == name))  # type: ignore[return-value]


def _kommune(name: str) -> Kommune:
    return db.session.scalar(select(Kommune).where(Kommune.name == name))  # type: ignore[return-value]


def _kreis() -> Landkreis:
    return _kommune("Kommune Eigen").landkreis


def _anlegen(werte: dict, *, kommune: str | None = "Kommune Eigen", wer: str = "eigen",
             zeitpunkt: datetime | None = None) -> dienst.Gespeichert:
    ergebnis = dienst.speichern(db.session, landkreis=_kreis(),
                                kommune=_kommune(kommune) if kommune else None, werte=werte,
                                benutzer=_benutzer(wer), zeitpunkt=zeitpunkt)
    db.session.commit()
    return ergebnis


def test_the_capacity_chain() -> None:
    k = Kapazitaet(art="gemeinschaftsunterkunft", status="in_betrieb", plaetze=80, gesperrt=10,
                   belegt=55, reserviert=5)
    assert (k.belegbar, k.frei, k.ueberbelegt, k.auslastung) == (70, 10, 0, Fraction(6, 7))
    voll = Kapazitaet(art="dezentral", status="in_betrieb", plaetze=5, gesperrt=0, belegt=6,
                      reserviert=1)
    assert (voll.frei, voll.ueberbelegt) == (0, 2)
    gesperrt = Kapazitaet(art="dezentral", status="in_betrieb", plaetze=3, gesperrt=3, belegt=0,
                          reserviert=0)
    assert gesperrt.auslastung is None


def test_the_report_takes_its_figures_from_the_list(kontext: Welt) -> None:
    ergebnisse = [_anlegen(w) for w in BEISPIEL]
    assert ergebnisse[2].warnungen == [
        "„Haus am Bach“ ist um 1 Person überbelegt (belegt 6 + reserviert 0 > belegbar 5)."]
    eigen = _kommune("Kommune Eigen")
    vorher = eigen.meldung.werte()  # type: ignore[union-attr]
    # Typed mode: the list alone changes nothing in the report.
    assert all(eigen.meldung.werte()[f] == vorher[f] for f in ERWARTET)  # type: ignore[union-attr]
    eintrag = dienst.meldequelle_setzen(db.session, kommune=eigen, benutzer=_benutzer("eigen"),
                                        quelle=Meldequelle.UNTERKUENFTE)
    db.session.commit()
    assert {f: eigen.meldung.werte()[f] for f in ERWARTET} == ERWARTET  # type: ignore[union-attr]
    assert eintrag is not None and eintrag.vorgang == "quelle"
    assert eintrag.aenderungen["meldequelle"] == ["eingabe", "unterkuenfte"]
    # Every reader of the figures sees them: the Stand, so the Auswertung and the API too.
    zeile = next(s.zeile for s in staende(db.session, landkreis=_kreis())
                 if s.kommune.id == eigen.id)
    assert zeile.sofort_verfuegbar == 12 and zeile.in_aussicht == 32
    # Three persons move into the hall: the report follows in the same transaction.
    halle = db.session.scalar(select(Unterkunft).where(Unterkunft.name == "Sporthalle Nord"))
    ergebnis = dienst.belegung_aendern(db.session, unterkunft=halle, personen=3,  # type: ignore[arg-type]
                                       version=halle.version, benutzer=_benutzer("eigen"))  # type: ignore[union-attr]
    db.session.commit()
    assert ergebnis.meldung is not None and ergebnis.meldung.vorgang == "unterkuenfte"
    assert ergebnis.meldung.benutzer_name == "eigen"
    assert eigen.meldung.in_gemeinschaftsunterkuenften == 58  # type: ignore[union-attr]
    assert eigen.meldung.verfuegbar_gemeinschaftsunterkunft == 7  # type: ignore[union-attr]
    # Saving the report: a typed (8) that differs is refused at its field, empty takes the list.
    werte = eigen.meldung.werte()  # type: ignore[union-attr]
    with pytest.raises(Validierungsfehler) as fehler:
        speichern(db.session, kommune=eigen, werte={**werte, "verfuegbar_dezentral": 9},
                  version=eigen.meldung.version, benutzer_name="eigen")  # type: ignore[union-attr]
    assert "kommt aus der Unterkunftsliste (dort 2)" in fehler.value.fehler["verfuegbar_dezentral"]
    db.session.rollback()
    speichern(db.session, kommune=eigen, werte={**werte, "zuweisungen": 50,
                                                "verfuegbar_dezentral": None},
              version=eigen.meldung.version, benutzer_name="eigen")  # type: ignore[union-attr]
    db.session.commit()
    assert eigen.meldung.verfuegbar_dezentral == 2 and eigen.meldung.zuweisungen == 50  # type: ignore[union-attr]
    # Back to typed figures: the last ones stay, until someone changes them.
    dienst.meldequelle_setzen(db.session, kommune=eigen, quelle=Meldequelle.EINGABE,
                              benutzer=_benutzer("kreis"))
    db.session.commit()
    assert eigen.meldung.in_gemeinschaftsunterkuenften == 58  # type: ignore[union-attr]
    dienst.belegung_aendern(db.session, unterkunft=halle, personen=-1, version=halle.version,  # type: ignore[arg-type,union-attr]
                            benutzer=_benutzer("eigen"))
    db.session.commit()
    assert eigen.meldung.in_gemeinschaftsunterkuenften == 58  # type: ignore[union-attr]
    vorgaenge = db.session.scalars(select(Verlaufseintrag.vorgang).where(
        Verlaufseintrag.kommune_id == eigen.id).order_by(Verlaufseintrag.id)).all()
    assert vorgaenge[-4:] == ["quelle", "unterkuenfte", "geaendert", "quelle"]


@pytest.mark.parametrize("aenderung, feld, text", [
    ({"name": " "}, "name", "ist erforderlich"),
    ({"name": "x" * 201}, "name", "höchstens 200 Zeichen"),
    ({"art": "zelt"}, "art", "„gemeinschaftsunterkunft“ oder „dezentral“"),
    ({"status": "offen"}, "status", "„in_betrieb“"),
    ({"plaetze": -1}, "plaetze", "darf nicht negativ sein"),
    ({"plaetze": "viele"}, "plaetze", "muss eine ganze Zahl sein"),
    ({"plaetze": None}, "plaetze", "ist erforderlich"),
    ({"gesperrt": 81}, "gesperrt", "nicht mehr sein als Plätze (80)"),
    ({"sperrgrund": None}, "sperrgrund", "ist erforderlich, wenn Plätze gesperrt sind"),
    ({"status": "in_aussicht", "verfuegbar_ab": date(2027, 1, 1)}, "belegt",
     "Belegt kann nur eine Unterkunft in Betrieb sein"),
    ({"status": "in_aussicht", "belegt": 0, "reserviert": 0}, "verfuegbar_ab",
     "ist erforderlich, wenn die Unterkunft in Aussicht steht"),
    ({"verfuegbar_ab": date(1999, 12, 31)}, "verfuegbar_ab", "nicht vor dem 01.01.2000"),
    ({"verfuegbar_ab": date.today() + timedelta(days=6 * 366)}, "verfuegbar_ab",
     "höchstens fünf Jahre"),
    ({"davon_minderjaehrige": 56}, "davon_minderjaehrige", "nicht mehr sein als Belegte (55)"),
    ({"leistung_asylblg": 50, "leistung_sgb": 4}, "leistung_asylblg", "ergeben 54, belegt sind 55"),
    ({"breitengrad": 52.3}, "breitengrad", "gehören zusammen"),
    ({"breitengrad": 95.0, "laengengrad": 8.0}, "breitengrad", "zwischen -90 und 90"),
    ({"adresse": "Haupt\x07straße"}, "adresse", "Steuerzeichen"),
])
def test_bad_input_names_the_field_and_changes_nothing(kontext: Welt, aenderung: dict, feld: str,
                                                       text: str) -> None:
    anzahl = db.session.scalar(select(func.count(Unterkunft.id)))
    with pytest.raises(Validierungsfehler) as fehler:
        _anlegen({**BEISPIEL[0], **aenderung})
    assert text in fehler.value.fehler[feld], fehler.value.fehler
    db.session.rollback()
    assert db.session.scalar(select(func.count(Unterkunft.id))) == anzahl


def test_names_are_unique_per_owner_whatever_spaces_and_case(kontext: Welt) -> None:
    _anlegen(BEISPIEL[0])
    with pytest.raises(Validierungsfehler) as fehler:
        _anlegen({**BEISPIEL[0], "name": "  sporthalle   NORD "})
    assert "gibt es bei Kommune Eigen schon" in fehler.value.fehler["name"]
    db.session.rollback()
    # Another owner may use the name: Kommune Fremd, and the Landkreis's own shelters.
    _anlegen(BEISPIEL[0], kommune="Kommune Fremd", wer="kreis")
    _anlegen(BEISPIEL[0], kommune=None, wer="kreis")
    assert db.session.scalar(select(func.count(Unterkunft.id))) == 3


def test_a_stale_or_missing_version_is_refused(kontext: Welt) -> None:
    halle = _anlegen(BEISPIEL[0]).unterkunft
    alte_version = halle.version
    dienst.belegung_aendern(db.session, unterkunft=halle, personen=2, version=alte_version,
                            benutzer=_benutzer("kreis"))
    db.session.commit()
    with pytest.raises(Konflikt) as konflikt:
        dienst.belegung_aendern(db.session, unterkunft=halle, personen=1, version=alte_version,
                                benutzer=_benutzer("eigen"))
    assert "kreis am" in str(konflikt.value) and "belegt" in str(konflikt.value)
    db.session.rollback()
    with pytest.raises(Validierungsfehler) as fehler:
        dienst.speichern(db.session, landkreis=_kreis(), kommune=halle.kommune,
                         werte=halle.werte(), unterkunft=halle, version=None,
                         benutzer=_benutzer("eigen"))
    assert "version" in fehler.value.fehler
    db.session.rollback()
    assert halle.belegt == 57
    eintraege = db.session.scalars(select(Unterkunftseintrag).where(
        Unterkunftseintrag.unterkunft_id == halle.id).order_by(Unterkunftseintrag.id)).all()
    assert [(e.vorgang, e.benutzer_name, e.aenderungen.get("belegt")) for e in eintraege] == [
        ("angelegt", "eigen", [None, 55]), ("belegung", "kreis", [55, 57])]


def test_the_list_as_it_stood_at_a_past_stichtag(kontext: Welt) -> None:
    vor_zehn = datetime.combine(heute() - timedelta(days=10), datetime.min.time(),
                                tzinfo=ZEITZONE).replace(hour=9)
    halle = _anlegen(BEISPIEL[0], zeitpunkt=vor_zehn).unterkunft
    werte = {**halle.werte(), "belegt": 60, "art": "gemeinschaftsunterkunft"}
    dienst.speichern(db.session, landkreis=_kreis(), kommune=halle.kommune, werte=werte,
                     unterkunft=halle, version=halle.version, benutzer=_benutzer("eigen"),
                     zeitpunkt=vor_zehn + timedelta(days=5))
    db.session.commit()
    _anlegen(BEISPIEL[1])  # today
    kreis, eigen = _kreis(), _benutzer("eigen")

    def belegt_am(tag: date | None) -> dict[str, int]:
        return {s.werte["name"]: s.kapazitaet.belegt
                for s in dienst.liste(db.session, landkreis=kreis, benutzer=eigen, stichtag=tag)}

    assert belegt_am(heute() - timedelta(days=11)) == {}
    assert belegt_am(heute() - timedelta(days=8)) == {"Sporthalle Nord": 55}
    assert belegt_am(heute() - timedelta(days=1)) == {"Sporthalle Nord": 60}
    assert belegt_am(None) == {"Sporthalle Nord": 60, "Wohnung Lindenstraße 3": 4}


def test_who_keeps_and_who_sees_which_accommodations(kontext: Welt) -> None:
    _anlegen(BEISPIEL[0])
    _anlegen(BEISPIEL[1], kommune="Kommune Fremd", wer="fremd")
    _anlegen(BEISPIEL[2], kommune=None, wer="kreis")  # the Landkreis's own shelter
    for wer, kommune in (("fremd", "Kommune Eigen"), ("eigen", None), ("presse", "Kommune Eigen"),
                         ("presse", None)):
        with pytest.raises(Verweigert):
            _anlegen({**BEISPIEL[3], "name": f"Neu {wer}"}, kommune=kommune, wer=wer)
        db.session.rollback()
    kreis = _kreis()

    def sichtbar(wer: str) -> set[tuple[str, str]]:
        return {(s.kommune, s.werte["name"]) for s in dienst.liste(
            db.session, landkreis=kreis, benutzer=_benutzer(wer))}

    assert sichtbar("eigen") == {("Kommune Eigen", "Sporthalle Nord")}
    assert sichtbar("fremd") == {("Kommune Fremd", "Wohnung Lindenstraße 3")}
    assert sichtbar("presse") == set()
    assert sichtbar("kreis") == {("Kommune Eigen", "Sporthalle Nord"),
                                 ("Kommune Fremd", "Wohnung Lindenstraße 3"),
                                 ("Landkreis", "Haus am Bach")}
    # Another Landkreis's county user sees none of them.
    anderer = db.session.scalar(select(Landkreis).where(Landkreis.name == "Landkreis Anderswo"))
    assert dienst.liste(db.session, landkreis=anderer, benutzer=_benutzer("kreis")) == []


def test_the_report_sums_equal_the_figures_module(kontext: Welt) -> None:
    """The derived report's Bedarf is the paper's formula on the derived columns."""
    for werte in BEISPIEL:
        _anlegen(werte)
    eigen = _kommune("Kommune Eigen")
    dienst.meldequelle_setzen(db.session, kommune=eigen, quelle=Meldequelle.UNTERKUENFTE,
                              benutzer=_benutzer("kreis"))
    db.session.commit()
    zeile = next(s.zeile for s in staende(db.session, landkreis=_kreis())
                 if s.kommune.id == eigen.id)
    assert zeile.bedarf == kennzahlen.bedarf(zeile.zu_erfuellen, 10, 2, 28, 4)
