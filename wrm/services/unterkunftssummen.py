"""A Kommune's report columns (6)–(11) as its accommodations give them, for the Kommunen whose
figures come from their list (`Meldequelle.UNTERKUENFTE`): read here, written by
`wrm.services.meldungen.speichern` (every save of such a report takes them) and by
`wrm.services.unterkuenfte` (every change of the list)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.anzeige import zahl
from wrm.kennzahlen.unterkuenfte import ABGELEITETE_FELDER, Kapazitaet, meldefelder
from wrm.meldefelder import FELDER_NACH_NAME
from wrm.models import Kommune, Unterkunft
from wrm.services.pruefung import Validierungsfehler


def summen(session: Session, *, kommune_id: int) -> dict[str, int]:
    """Columns (6)–(11) from the Kommune's accommodations as they are in this session."""
    zeilen = session.execute(
        select(Unterkunft.art, Unterkunft.status, Unterkunft.plaetze, Unterkunft.gesperrt,
               Unterkunft.belegt, Unterkunft.reserviert)
        .where(Unterkunft.kommune_id == kommune_id)).all()
    return meldefelder(Kapazitaet(art=z.art.value, status=z.status.value, plaetze=z.plaetze,
                                  gesperrt=z.gesperrt, belegt=z.belegt, reserviert=z.reserviert)
                       for z in zeilen)


def uebernehmen(session: Session, *, kommune: Kommune, werte: Mapping[str, object]
                ) -> dict[str, object]:
    """The report's values with (6)–(11) from the list. A typed value that differs is refused
    (in German, at its field) rather than silently replaced; an empty one takes the list's."""
    abgeleitet = summen(session, kommune_id=kommune.id)
    fehler = {
        feld: (f"{FELDER_NACH_NAME[feld].titel} kommt aus der Unterkunftsliste "
               f"(dort {zahl(wert)}); bitte die Unterkünfte ändern oder die Meldung auf "
               "Eingabe umstellen.")
        for feld, wert in abgeleitet.items()
        if werte.get(feld) is not None and werte.get(feld) != wert}
    if fehler:
        raise Validierungsfehler(fehler)
    return {**werte, **abgeleitet}


#: The report columns the list gives, in the paper's order.
FELDER: tuple[str, ...] = tuple(ABGELEITETE_FELDER)
