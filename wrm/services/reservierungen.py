"""Agreements that use the places themselves: a host that keeps its accommodation list names,
when it promises (`zugesagt`), the accommodations the persons will live in. Their places are
reserved there (`reserviert` += persons), become `belegt` when the persons move in, and are
released when the agreement is withdrawn. Each change goes through
`wrm.services.unterkuenfte.speichern` (rules, locking, history, the host's report)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.anzeige import personenzahl, zahl
from wrm.models import Benutzer, Reservierung, Unterkunft, Unterkunftsstatus, Vereinbarung
from wrm.services import unterkuenfte
from wrm.services.pruefung import Validierungsfehler

VORGANG_ZUSAGE = "zusage"
VORGANG_EINZUG = "einzug"
VORGANG_FREIGABE = "freigabe"


def _aendern(session: Session, unterkunft: Unterkunft, *, reserviert: int, belegt: int,
             vorgang: str, benutzer: Benutzer | None, system: str | None) -> None:
    werte = unterkunft.werte()
    werte["reserviert"] = max(unterkunft.reserviert + reserviert, 0)
    werte["belegt"] = unterkunft.belegt + belegt
    unterkuenfte.speichern(session, landkreis=unterkunft.landkreis, kommune=unterkunft.kommune,
                           werte=werte, unterkunft=unterkunft, version=unterkunft.version,
                           benutzer=benutzer, system=system, vorgang=vorgang)


def reservieren(session: Session, *, vereinbarung: Vereinbarung,
                plaetze: Sequence[tuple[Unterkunft, int]], benutzer: Benutzer | None,
                system: str | None, ueberbelegung_bestaetigt: bool) -> None:
    """Reserve the agreement's persons in the host's accommodations `plaetze` ((accommodation,
    persons), together exactly the agreement's persons). More than an accommodation's free
    places needs `ueberbelegung_bestaetigt`. Raises `Validierungsfehler` (field
    `unterkuenfte`); the caller rolls back."""
    fehler = []
    for unterkunft, personen in plaetze:
        if unterkunft.kommune_id != vereinbarung.aufnehmend_id:
            fehler.append(f"„{unterkunft.name}“ gehört nicht zu "
                          f"{vereinbarung.aufnehmend.name}.")
        elif unterkunft.status == Unterkunftsstatus.GESCHLOSSEN:
            fehler.append(f"„{unterkunft.name}“ ist geschlossen.")
        if isinstance(personen, bool) or not isinstance(personen, int) or personen <= 0:
            fehler.append(f"Für „{unterkunft.name}“ bitte eine Zahl von Personen größer als 0.")
        elif not ueberbelegung_bestaetigt and personen > (
                frei := unterkuenfte.als_stand(unterkunft).kapazitaet.frei):
            # In use or in prospect alike: beyond belegbar less who lives or is promised there.
            fehler.append(f"„{unterkunft.name}“ hat {zahl(frei)} freie Plätze; "
                          f"{personenzahl(personen)} wären eine Überbelegung. Bitte die "
                          "Überbelegung ausdrücklich bestätigen.")
    summe = sum(p for _, p in plaetze if isinstance(p, int))
    if not fehler and summe != vereinbarung.personen:
        fehler.append(f"Die Plätze in den Unterkünften ergeben {personenzahl(summe)}, die "
                      f"Vereinbarung hat {personenzahl(vereinbarung.personen)}.")
    if fehler:
        raise Validierungsfehler({"unterkuenfte": " ".join(fehler)})
    for unterkunft, personen in plaetze:
        _aendern(session, unterkunft, reserviert=personen, belegt=0, vorgang=VORGANG_ZUSAGE,
                 benutzer=benutzer, system=system)
        session.add(Reservierung(vereinbarung_id=vereinbarung.id, unterkunft=unterkunft,
                                 personen=personen))


def _reservierungen(session: Session, vereinbarung: Vereinbarung) -> list[Reservierung]:
    return list(session.scalars(select(Reservierung).where(
        Reservierung.vereinbarung_id == vereinbarung.id).order_by(Reservierung.id)))


def einziehen(session: Session, *, vereinbarung: Vereinbarung, benutzer: Benutzer | None,
              system: str | None) -> None:
    """The persons moved in: from `reserviert` to `belegt` in each accommodation."""
    for r in _reservierungen(session, vereinbarung):
        _aendern(session, r.unterkunft, reserviert=-r.personen, belegt=r.personen,
                 vorgang=VORGANG_EINZUG, benutzer=benutzer, system=system)


def freigeben(session: Session, *, vereinbarung: Vereinbarung, benutzer: Benutzer | None,
              system: str | None) -> None:
    """The agreement was withdrawn or declined: its reserved places are free again."""
    for r in _reservierungen(session, vereinbarung):
        _aendern(session, r.unterkunft, reserviert=-r.personen, belegt=0,
                 vorgang=VORGANG_FREIGABE, benutzer=benutzer, system=system)


def reserviert_in(session: Session, vereinbarung: Vereinbarung) -> list[tuple[str, int]]:
    """Where the agreement's places are reserved: (accommodation, persons)."""
    return [(r.unterkunft.name, r.personen) for r in _reservierungen(session, vereinbarung)]
