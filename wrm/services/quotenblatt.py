"""The Quotenblatt: one Kommune's quota in one period, line by line, so anyone can recompute it:
population share, rounding, carry-over and relief with their reasons, the quota set,
assignments, every credit, rest."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.kennzahlen.quoten import Quotenzeile
from wrm.models import Buchung, Kommune, Verteilzeitraum
from wrm.services.pruefung import Validierungsfehler
from wrm.services.quotenanpassungen import Anpassungen, anpassungen
from wrm.services.quotenberechnung import quoten_berechnen
from wrm.services.verteilzeitraeume import quoten_von


@dataclass(frozen=True, slots=True)
class Quotenblatt:
    """What the sheet shows; `berechnung` is None when the period has no contingent or a
    Kommune lacks its population (`fehlt` says why)."""

    kommune: Kommune
    zeitraum: Verteilzeitraum
    berechnung: Quotenzeile | None
    fehlt: str | None
    quote: int | None
    manuell: bool
    anpassungen: Anpassungen
    zuweisungen: int | None
    buchungen: tuple[Buchung, ...]

    @property
    def anrechnungen(self) -> int:
        """Σ of the ledger's entries."""
        return sum(b.personen for b in self.buchungen)

    @property
    def zu_erfuellen(self) -> int | None:
        """(5), by the one rule of `wrm.kennzahlen`."""
        return kennzahlen.zu_erfuellen(self.quote, self.zuweisungen, self.anrechnungen)


def quotenblatt(session: Session, *, kommune: Kommune, zeitraum: Verteilzeitraum
                ) -> Quotenblatt:
    """The sheet of `kommune` in `zeitraum` (the current report's (1) as assignments)."""
    try:
        berechnung = next(z for z in quoten_berechnen(session, zeitraum=zeitraum).zeilen
                          if z.kommune == kommune.name)
        fehlt = None
    except (Validierungsfehler, StopIteration) as grund:
        berechnung = None
        fehlt = ("; ".join(grund.fehler.values()) if isinstance(grund, Validierungsfehler)
                 else "Die Kommune ist deaktiviert.")
    quote = quoten_von(session, zeitraum=zeitraum, kommune_ids=[kommune.id]).get(kommune.id)
    buchungen = tuple(session.scalars(
        select(Buchung).where(Buchung.kommune_id == kommune.id,
                              Buchung.verteilzeitraum_id == zeitraum.id)
        .order_by(Buchung.eingetragen_am, Buchung.id)))
    return Quotenblatt(
        kommune=kommune, zeitraum=zeitraum, berechnung=berechnung, fehlt=fehlt,
        quote=quote.wert if quote else None, manuell=quote.manuell if quote else False,
        anpassungen=anpassungen(session, zeitraum=zeitraum, kommune_ids=[kommune.id]).get(
            kommune.id, Anpassungen()),
        zuweisungen=kommune.meldung.zuweisungen if kommune.meldung else None,
        buchungen=buchungen)
