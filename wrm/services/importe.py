"""Importing reports in the format of the paper's "Übersicht" (`uebersicht.csv`): all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from wrm.db import jetzt
from wrm.meldefelder import ZAHLENNAMEN
from wrm.models import Art, Benutzer, Kommune, Landkreis, Verteilzeitraum
from wrm.models.datenstand import schreibsperre
from wrm.models.verlauf import VORGANG_IMPORT
from wrm.namen import name_bereinigen, namensschluessel
from wrm.services import meldungen
from wrm.services.csvdatei import Fundstelle, Importfehler, lesen
from wrm.services.pruefung import lage_lesen, pruefen, zahl_lesen, zahl_pruefen
from wrm.services.verteilzeitraeume import (
    erste_quoten,
    quote_setzen,
    quoten_von,
    zeitraum_am,
    zeitraum_eroeffnen,
)
from wrm.zeit import als_ortszeit

PFLICHTSPALTEN = ("kommune", "aufnahmequote", *ZAHLENNAMEN, "lage")
OPTIONALE_SPALTEN = ("bemerkung",)


@dataclass
class Importergebnis:
    """What an import changed."""

    geaendert: list[str] = field(default_factory=list)
    unveraendert: list[str] = field(default_factory=list)
    angelegt: list[str] = field(default_factory=list)
    quoten_geaendert: int = 0
    zeitraum_eroeffnet: Verteilzeitraum | None = None


@dataclass
class _Zeile:
    nummer: int
    name: str
    aufnahmequote: int | None
    werte: dict[str, object]


def _zeile_lesen(nummer: int, zellen: dict[str, str]) -> tuple[_Zeile | None, list[Fundstelle]]:
    """Parse one row: cells to figures, then the report's rules. The row, or its problems."""
    fehler = []
    name = name_bereinigen(zellen["kommune"])
    if not name:
        fehler.append(Fundstelle(nummer, "kommune", "Name der Kommune fehlt"))
    gelesen: dict[str, object] = {}
    for spalte in ("aufnahmequote", *ZAHLENNAMEN, "lage"):
        try:
            gelesen[spalte] = (lage_lesen if spalte == "lage" else zahl_lesen)(zellen[spalte])
        except ValueError as grund:
            fehler.append(Fundstelle(nummer, spalte, str(grund)))
            gelesen[spalte] = None
    unlesbar = {f.spalte for f in fehler}
    werte = {k: v for k, v in gelesen.items() if k != "aufnahmequote"}
    if "bemerkung" in zellen:
        werte["bemerkung"] = zellen["bemerkung"].strip() or None
    quote = gelesen["aufnahmequote"]
    if quotenfehler := zahl_pruefen(quote):
        fehler.append(Fundstelle(nummer, "aufnahmequote", quotenfehler))
    fehler += [Fundstelle(nummer, s, grund) for s, grund in pruefen(werte).items()
               if s not in unlesbar]
    if fehler:
        return None, fehler
    return _Zeile(nummer, name, quote, werte), []  # type: ignore[arg-type]


def _kommunen_pruefen(zeilen: list[_Zeile], kommunen: dict[str, Kommune], anlegen: bool
                      ) -> list[Fundstelle]:
    """Check the rows against the Landkreis: each Kommune once, known (or `anlegen`), active."""
    fehler, gesehen = [], {}
    for zeile in zeilen:
        schluessel = namensschluessel(zeile.name)
        if schluessel in gesehen:
            fehler.append(Fundstelle(zeile.nummer, "kommune", f"„{zeile.name}“ steht schon in "
                                                              f"Zeile {gesehen[schluessel]}"))
        gesehen.setdefault(schluessel, zeile.nummer)
        kommune = kommunen.get(schluessel)
        if kommune is None and not anlegen:
            fehler.append(Fundstelle(zeile.nummer, "kommune", f"unbekannte Kommune „{zeile.name}“ "
                                                              "(mit --anlegen wird sie angelegt)"))
        elif kommune is not None and not kommune.aktiv:
            fehler.append(Fundstelle(zeile.nummer, "kommune", f"„{kommune.name}“ ist deaktiviert"))
    return fehler


def meldungen_importieren(
    session: Session,
    *,
    inhalt: bytes,
    landkreis: Landkreis,
    anlegen: bool = False,
    benutzer: Benutzer | None = None,
    zeitpunkt: datetime | None = None,
) -> Importergebnis:
    """Parse and check every row, then write all of them; the caller commits, or rolls back on
    `Importfehler` (the session may hold part of the import then).

    Empty cells mean "not reported"; an empty aufnahmequote leaves the quota as it is.
    """
    tabelle = lesen(inhalt, pflicht=PFLICHTSPALTEN, optional=OPTIONALE_SPALTEN,
                    mehrzeilig=OPTIONALE_SPALTEN)
    zeilen, fehler = [], []
    for nummer, zellen in tabelle.zeilen:
        zeile, probleme = _zeile_lesen(nummer, zellen)
        fehler += probleme
        if zeile is not None:
            zeilen.append(zeile)
    # The Kommunen, reports and quotas are read under the write lock, so what is checked
    # against them is what is written over.
    schreibsperre(session)
    kommunen = {namensschluessel(k.name): k for k in session.scalars(
        select(Kommune).where(Kommune.landkreis_id == landkreis.id)
        .options(selectinload(Kommune.meldung))
    )}
    fehler += _kommunen_pruefen(zeilen, kommunen, anlegen)
    if fehler:
        raise Importfehler(fehler)
    return _schreiben(session, zeilen=zeilen, kommunen=kommunen, landkreis=landkreis,
                      benutzer=benutzer, zeitpunkt=zeitpunkt or jetzt())


def _schreiben(session: Session, *, zeilen: list[_Zeile], kommunen: dict[str, Kommune],
               landkreis: Landkreis, benutzer: Benutzer | None, zeitpunkt: datetime
               ) -> Importergebnis:
    """Write checked rows: new Kommunen, quotas, reports (first ones in bulk), history."""
    ergebnis = Importergebnis()
    zeitraum = zeitraum_am(session, landkreis=landkreis, tag=als_ortszeit(zeitpunkt).date())
    if zeitraum is None and any(z.aufnahmequote is not None for z in zeilen):
        zeitraum = zeitraum_eroeffnen(session, landkreis=landkreis,
                                      beginn=als_ortszeit(zeitpunkt).date())
        ergebnis.zeitraum_eroeffnet = zeitraum
    neu = [Kommune(landkreis=landkreis, name=z.name, art=Art.GEMEINDE, angelegt_am=zeitpunkt)
           for z in zeilen if namensschluessel(z.name) not in kommunen]
    session.add_all(neu)
    session.flush()  # one flush for all new Kommunen: their ids are needed below
    for kommune in neu:  # known to have no report: no lazy load per row
        set_committed_value(kommune, "meldung", None)
    kommunen.update({namensschluessel(k.name): k for k in neu})
    ergebnis.angelegt = [k.name for k in neu]
    quoten = quoten_von(session, zeitraum=zeitraum) if zeitraum is not None else {}
    neue_quoten: dict[int, int] = {}
    erste: list[tuple[int, dict[str, object]]] = []
    # Rows are written without a flush each; the one flush at the end (below) is where a
    # concurrent change of a report is detected, and then nothing of the import is kept.
    # Kommunen without a quota or a report yet get theirs in bulk INSERTs.
    with session.no_autoflush:
        for zeile in zeilen:
            kommune = kommunen[namensschluessel(zeile.name)]
            if zeile.aufnahmequote is not None and zeitraum is not None:
                if kommune.id in quoten:
                    ergebnis.quoten_geaendert += quote_setzen(
                        session, kommune=kommune, zeitraum=zeitraum, wert=zeile.aufnahmequote,
                        benutzer=benutzer, benutzer_name="Import", zeitpunkt=zeitpunkt,
                        bestehende=quoten)
                else:
                    neue_quoten[kommune.id] = zeile.aufnahmequote
            if kommune.meldung is None:
                zeile.werte.setdefault("bemerkung", None)
                erste.append((kommune.id, zeile.werte))
                ergebnis.geaendert.append(kommune.name)
                continue
            alt = kommune.meldung.werte()
            if "bemerkung" not in zeile.werte:  # a file without the column keeps the notes
                zeile.werte["bemerkung"] = alt.get("bemerkung")
            if not meldungen.aenderungen(alt, meldungen.normalisieren(zeile.werte)):
                ergebnis.unveraendert.append(kommune.name)
                continue
            meldungen.speichern(
                session, kommune=kommune, werte=zeile.werte, version=kommune.meldung.version,
                benutzer=benutzer, benutzer_name="Import", vorgang=VORGANG_IMPORT,
                zeitpunkt=zeitpunkt, sofort=False,
            )
            ergebnis.geaendert.append(kommune.name)
    try:
        if zeitraum is not None:
            ergebnis.quoten_geaendert += erste_quoten(
                session, zeitraum=zeitraum, quoten=neue_quoten, benutzer=benutzer,
                benutzer_name="Import", zeitpunkt=zeitpunkt)
        meldungen.erste_meldungen(session, meldungen=erste, benutzer=benutzer,
                                  benutzer_name="Import", vorgang=VORGANG_IMPORT,
                                  zeitpunkt=zeitpunkt)
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Importfehler([Fundstelle(None, "", "Eine Meldung wurde während des Imports von "
                                              "jemand anderem geändert; nichts wurde gespeichert. "
                                              "Bitte erneut importieren.")]
                           ) from None
    for kommune_id, _ in erste:  # their reports were written around the ORM: reload on access
        session.expire(session.get(Kommune, kommune_id), ["meldung"])
    return ergebnis
