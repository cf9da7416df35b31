"""Announced allocations: entered one by one on the screen or imported from the state's list
(`kommune;woche;personen`), all or nothing; read as they stood at a moment."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm import berechtigungen
from wrm.anzeige import zahl
from wrm.berechtigungen import Aktion
from wrm.db import jetzt
from wrm.kennzahlen.prognose import woche_lesen
from wrm.meldefelder import HOECHSTWERT
from wrm.models import Ankuendigung, Benutzer, Kommune, Landkreis
from wrm.namen import name_bereinigen, namensschluessel
from wrm.services.csvdatei import Fundstelle, Importfehler, lesen
from wrm.services.pruefung import Validierungsfehler, erlaubt, kurz, zahl_lesen

VERWEIGERT = "Ankündigungen trägt nur der Landkreis ein."


def personen_lesen(text: str) -> int:
    """Announced persons: a whole number from 0 up to the largest figure. Raises ValueError
    with a German message."""
    wert = zahl_lesen(text)
    if wert is None:
        raise ValueError("Personen fehlen")
    if not 0 <= wert <= HOECHSTWERT:
        raise ValueError(f"Personen: eine ganze Zahl von 0 bis {zahl(HOECHSTWERT)}")
    return wert


def ankuendigen(session: Session, *, kommune: Kommune, woche: date, personen: int,
                benutzer: Benutzer | None, system: str | None = None,
                herkunft: str = "Eingabe") -> Ankuendigung:
    """Enter one announcement (the county only); it replaces an earlier one for the week, which
    stays in the history. Raises `Validierungsfehler` or `Verweigert`. Caller commits."""
    erlaubt(berechtigungen.im_bereich(benutzer, Ankuendigung, Aktion.ANLEGEN, kommune),
            VERWEIGERT, benutzer=benutzer, system=system)
    if isinstance(personen, bool) or not isinstance(personen, int) \
            or not 0 <= personen <= HOECHSTWERT:
        raise Validierungsfehler({"personen": f"Eine ganze Zahl von 0 bis {zahl(HOECHSTWERT)}."})
    eintrag = Ankuendigung(kommune=kommune, woche=woche, personen=personen,
                           eingetragen_am=jetzt(), herkunft=herkunft,
                           eingetragen_von=benutzer.name if benutzer is not None else system)
    session.add(eintrag)
    session.flush()
    return eintrag


def ankuendigungen_importieren(session: Session, *, inhalt: bytes, landkreis: Landkreis,
                               benutzer: Benutzer | None, system: str | None = None,
                               dateiname: str = "Datei") -> int:
    """Import `kommune;woche;personen` (woche as ISO week `2027-W05`); every problem is listed
    by line and then nothing is saved. Returns the number of announcements. Caller commits."""
    erlaubt(berechtigungen.bereich_von(benutzer, Ankuendigung, Aktion.ANLEGEN).landkreis_id
            == landkreis.id, VERWEIGERT, benutzer=benutzer, system=system)
    tabelle = lesen(inhalt, pflicht=("kommune", "woche", "personen"))
    kommunen = {namensschluessel(k.name): k for k in session.scalars(
        select(Kommune).where(Kommune.landkreis_id == landkreis.id, Kommune.aktiv))}
    fehler: list[Fundstelle] = []
    gelesen: list[tuple[int, Kommune, date, int]] = []
    gesehen: dict[tuple[int, date], int] = {}
    for nummer, zellen in tabelle.zeilen:
        name = name_bereinigen(zellen["kommune"])
        kommune = kommunen.get(namensschluessel(name))
        if kommune is None:
            fehler.append(Fundstelle(nummer, "kommune", f"Die Kommune „{kurz(name, 60)}“ gibt "
                                                        "es im Landkreis nicht."))
        try:
            woche = woche_lesen(zellen["woche"])
        except ValueError as grund:
            fehler.append(Fundstelle(nummer, "woche", str(grund)))
            woche = None
        try:
            personen = personen_lesen(zellen["personen"])
        except ValueError as grund:
            fehler.append(Fundstelle(nummer, "personen", str(grund)))
            personen = None
        if kommune is None or woche is None or personen is None:
            continue
        if (kommune.id, woche) in gesehen:
            fehler.append(Fundstelle(nummer, "", f"{kommune.name} und diese Woche stehen schon "
                                                 f"in Zeile {gesehen[kommune.id, woche]}."))
        gesehen.setdefault((kommune.id, woche), nummer)
        gelesen.append((nummer, kommune, woche, personen))
    if fehler:
        raise Importfehler(fehler)
    for nummer, kommune, woche, personen in gelesen:
        ankuendigen(session, kommune=kommune, woche=woche, personen=personen, benutzer=benutzer,
                    system=system, herkunft=f"Import {dateiname[:200]}, Zeile {nummer}")
    return len(gelesen)


def angekuendigt(session: Session, *, kommune_ids: list[int], bis: datetime | None = None
                 ) -> dict[int, dict[date, int]]:
    """Per Kommune id the persons per week (Monday) as announced before `bis` (default: now),
    the latest entry for each week. One query."""
    abfrage = (select(Ankuendigung).where(Ankuendigung.kommune_id.in_(kommune_ids))
               .order_by(Ankuendigung.eingetragen_am, Ankuendigung.id))
    if bis is not None:
        abfrage = abfrage.where(Ankuendigung.eingetragen_am < bis)
    ergebnis: dict[int, dict[date, int]] = {k: {} for k in kommune_ids}
    for eintrag in session.scalars(abfrage):
        ergebnis[eintrag.kommune_id][eintrag.woche] = eintrag.personen
    return ergebnis
