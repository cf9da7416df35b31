"""A list of accommodations from a file (`wrm unterkuenfte import`, the upload on the screen):
every row checked first, then all written in one flush, or nothing.

    kommune;name;art;status;verfuegbar_ab;plaetze;gesperrt;sperrgrund;belegt;reserviert;adresse

A row with an existing (kommune, name) updates that accommodation; `kommune` "Landkreis" names
the county's own shelters. Empty or missing counts are 0, empty texts and days are none, also
when updating; fields the file has no column for keep their stored values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import jetzt
from wrm.models import (
    Benutzer,
    Kommune,
    Landkreis,
    Platzart,
    Unterkunft,
    Unterkunftseintrag,
    Unterkunftsstatus,
)
from wrm.models.datenstand import schreibsperre
from wrm.namen import namensschluessel
from wrm.services import unterkuenfte as dienst
from wrm.services.csvdatei import Fundstelle, Importfehler, lesen
from wrm.services.kommunen import kreiskommune, tag_lesen
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import zahl_lesen
from wrm.services.unterkunftspruefung import unterkunft_pruefen, warnungen
from wrm.zeit import heute

PFLICHTSPALTEN = ("kommune", "name", "art", "status", "plaetze", "belegt")
OPTIONALE_SPALTEN = ("verfuegbar_ab", "gesperrt", "sperrgrund", "reserviert", "adresse")
_ZAHLEN = ("plaetze", "gesperrt", "belegt", "reserviert")


@dataclass
class Unterkunftsimport:
    """What an import did: how many were created, changed, left as they were; its warnings."""

    angelegt: int = 0
    geaendert: int = 0
    unveraendert: int = 0
    warnungen: list[Fundstelle] = field(default_factory=list)


def _zelle(zellen: dict[str, str], spalte: str, lesen_: Callable[[str], object],
           nummer: int, fehler: list[Fundstelle]) -> object:
    text = zellen.get(spalte, "").strip()
    if not text:
        return None
    try:
        return lesen_(text)
    except ValueError as grund:
        fehler.append(Fundstelle(nummer, spalte, str(grund)))
        return None


def _zeile(nummer: int, zellen: dict[str, str], fehler: list[Fundstelle]) -> dict[str, object]:
    werte: dict[str, object] = {
        "name": zellen["name"], "art": zellen["art"].strip().lower(),
        "status": zellen["status"].strip().lower(),
        "sperrgrund": zellen.get("sperrgrund"), "adresse": zellen.get("adresse"),
        "verfuegbar_ab": _zelle(zellen, "verfuegbar_ab", tag_lesen, nummer, fehler),
    }
    for spalte in _ZAHLEN:
        werte[spalte] = _zelle(zellen, spalte, zahl_lesen, nummer, fehler) or 0
    if werte["status"] != Unterkunftsstatus.IN_AUSSICHT.value:
        werte["verfuegbar_ab"] = None  # the day counts only for a place in prospect
    return werte


def importieren(session: Session, *, inhalt: bytes, landkreis: Landkreis,
                benutzer: Benutzer | None = None, system: str | None = None
                ) -> Unterkunftsimport:
    """Check every row, then create or update them all; raises `Importfehler` with every
    problem as `Zeile N, Spalte X: …` and writes nothing then. Caller commits."""
    tabelle = lesen(inhalt, pflicht=PFLICHTSPALTEN, optional=OPTIONALE_SPALTEN)
    schreibsperre(session)
    kommunen = {namensschluessel(k.name): k for k in session.scalars(
        select(Kommune).where(Kommune.landkreis_id == landkreis.id))}
    vorhanden = {(u.kommune_id, u.schluessel): u for u in session.scalars(
        select(Unterkunft).where(Unterkunft.landkreis_id == landkreis.id))}
    fehler: list[Fundstelle] = []
    ergebnis = Unterkunftsimport()
    geplant: list[tuple[int, Kommune, Unterkunft | None, dict[str, object]]] = []
    gesehen: dict[tuple[int, str], int] = {}
    for nummer, zellen in tabelle.zeilen:
        besitzer = zellen["kommune"].strip()
        schluessel = namensschluessel(besitzer)
        if schluessel == namensschluessel(dienst.LANDKREIS):
            # The county's own shelters: its row, made with the first one.
            kommune = kreiskommune(session, landkreis=landkreis)
        else:
            kommune = kommunen.get(schluessel)
        if kommune is None or (kommune.des_landkreises
                               and schluessel != namensschluessel(dienst.LANDKREIS)):
            fehler.append(Fundstelle(nummer, "kommune", f"Die Kommune „{besitzer}“ gibt es im "
                                                         f"{landkreis.name} nicht."))
            continue
        kommune_id = kommune.id
        aktion = Aktion.AENDERN if (kommune_id, namensschluessel(zellen["name"])) in vorhanden \
            else Aktion.ANLEGEN
        if system is None and not berechtigungen.unterkunft_im_bereich(
                benutzer, aktion, landkreis_id=landkreis.id,
                kommune_id=None if kommune.des_landkreises else kommune_id):
            fehler.append(Fundstelle(nummer, "kommune", f"Unterkünfte von „{besitzer}“ pflegt "
                                                         "nur diese Kommune oder der Landkreis."))
            continue
        werte = _zeile(nummer, zellen, fehler)
        unterkunft = vorhanden.get((kommune_id, namensschluessel(str(werte["name"]))))
        if unterkunft is not None:  # what the file has no column for stays as stored
            werte = {**unterkunft.werte(), **werte}
        werte = dienst.bereinigt(werte)
        for feld, grund in unterkunft_pruefen(werte, heute=heute()).items():
            fehler.append(Fundstelle(nummer, feld, grund))
        schluessel_zeile = (kommune_id, namensschluessel(str(werte["name"] or "")))
        if schluessel_zeile in gesehen:
            fehler.append(Fundstelle(
                nummer, "name", f"„{werte['name']}“ von „{besitzer}“ steht schon in Zeile "
                                f"{gesehen[schluessel_zeile]}."))
        gesehen[schluessel_zeile] = nummer
        geplant.append((nummer, kommune, unterkunft, werte))
    if fehler:
        raise Importfehler(fehler)
    _schreiben(session, landkreis=landkreis, geplant=geplant, benutzer=benutzer, system=system,
               ergebnis=ergebnis)
    return ergebnis


def _schreiben(session: Session, *, landkreis: Landkreis,
               geplant: list[tuple[int, Kommune, Unterkunft | None, dict[str, object]]],
               benutzer: Benutzer | None, system: str | None, ergebnis: Unterkunftsimport
               ) -> None:
    zeitpunkt = jetzt()
    name = benutzer.name if benutzer is not None else system
    eintraege, neue, betroffen = [], [], {}
    for nummer, kommune, unterkunft, werte in geplant:
        ergebnis.warnungen += [Fundstelle(nummer, "", w) for w in warnungen(werte)]
        betroffen[kommune.id] = kommune
        if unterkunft is None:
            neue.append((kommune, werte))
            continue
        eintrag = dienst.aendern(unterkunft, werte, benutzer=benutzer, benutzer_name=name,
                                 vorgang=dienst.VORGANG_IMPORT, zeitpunkt=zeitpunkt)
        if eintrag is None:
            ergebnis.unveraendert += 1
            continue
        eintraege.append(eintrag)
        ergebnis.geaendert += 1
    try:
        session.flush()  # the changed ones; a concurrent change ends the import here
    except StaleDataError:
        raise Konflikt("Eine der Unterkünfte wurde während des Imports geändert; nichts wurde "
                       "gespeichert. Bitte den Import wiederholen.") from None
    for eintrag in eintraege:
        eintrag.version = eintrag.unterkunft.version
    session.add_all(eintraege)
    ergebnis.angelegt = _neue_einfuegen(session, landkreis=landkreis, neue=neue,
                                        benutzer=benutzer, benutzer_name=name,
                                        zeitpunkt=zeitpunkt)
    for kommune in betroffen.values():
        dienst.meldung_nachziehen(session, kommune=kommune, benutzer=benutzer,
                                  benutzer_name=name, zeitpunkt=zeitpunkt)


def _neue_einfuegen(session: Session, *, landkreis: Landkreis,
                    neue: list[tuple[Kommune, dict[str, object]]],
                    benutzer: Benutzer | None, benutzer_name: str | None,
                    zeitpunkt: datetime) -> int:
    """The new accommodations and their first history entries as two bulk INSERTs: a list of
    thousands would otherwise spend most of its time in the unit of work. The same values as
    `unterkuenfte.aendern` writes, version 1."""
    if not neue:
        return 0
    zeilen, verlauf = [], []
    for kommune, werte in neue:
        gespeichert = {**werte, "art": Platzart(werte["art"]),
                       "status": Unterkunftsstatus(werte["status"])}
        zeilen.append({**gespeichert, "landkreis_id": landkreis.id,
                       "kommune_id": kommune.id,
                       "schluessel": namensschluessel(str(werte["name"])),
                       "angelegt_am": zeitpunkt, "geaendert_am": zeitpunkt, "version": 1})
        verlauf.append({**gespeichert, "zeitpunkt": zeitpunkt,
                        "benutzer_id": benutzer.id if benutzer is not None else None,
                        "benutzer_name": benutzer_name, "vorgang": dienst.VORGANG_IMPORT,
                        "version": 1, "aenderungen": dienst.aenderungen({}, werte)})
    ids = session.scalars(insert(Unterkunft).returning(Unterkunft.id, sort_by_parameter_order=True),
                          zeilen).all()
    session.execute(insert(Unterkunftseintrag),
                    [{**v, "unterkunft_id": i} for v, i in zip(verlauf, ids, strict=True)])
    return len(ids)
