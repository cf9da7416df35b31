"""Freshness of the reports: who reported within the reporting interval, who is overdue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm.db import jetzt
from wrm.kennzahlen import Zeile, veraltet
from wrm.models import Landkreis


def meldefrist(landkreis: Landkreis, standard: int) -> int:
    """The Landkreis' reporting interval in days; `standard` (WRM_MELDEFRIST_TAGE) if unset."""
    return landkreis.meldefrist_tage if landkreis.meldefrist_tage is not None else standard


@dataclass(frozen=True)
class Frische:
    """How current the Landkreis' picture is at `bezug`."""

    frist_tage: int
    gesamt: int
    ueberfaellig: tuple[Zeile, ...]
    # Kommunen with any report by then; 0 on a day before the first report.
    je_gemeldet: int = 0

    @property
    def leer(self) -> bool:
        """No report at all by then: nothing to be glad about ("0 von 0" is not good news)."""
        return self.je_gemeldet == 0

    @property
    def gemeldet(self) -> int:
        """Kommunen that reported within the interval."""
        return self.gesamt - len(self.ueberfaellig)

    @property
    def text(self) -> str:
        """The coverage line, e.g. "18 von 21 Kommunen haben in den letzten 7 Tagen gemeldet";
        "Keine Meldungen bis zu diesem Tag" before any report."""
        if self.leer:
            return "Keine Meldungen bis zu diesem Tag"
        return (f"{self.gemeldet} von {self.gesamt} Kommunen haben in den letzten "
                f"{self.frist_tage} Tagen gemeldet")


def frische(zeilen: Iterable[Zeile], *, bezug: datetime, frist_tage: int) -> Frische:
    """Coverage and the overdue rows (oldest first, never reported before all)."""
    alle = list(zeilen)
    ueberfaellig = sorted((z for z in alle if veraltet(z.stand, bezug, frist_tage)),
                          key=lambda z: (z.stand is not None, z.stand or bezug, z.reihenfolge))
    return Frische(frist_tage=frist_tage, gesamt=len(alle), ueberfaellig=tuple(ueberfaellig),
                   je_gemeldet=sum(1 for z in alle if z.stand is not None))


def ueberfaellige(session: Session, *, standard: int) -> dict[str, int]:
    """Per Landkreis (by name): how many Kommunen are overdue now, their report older than the
    Landkreis' Meldefrist or missing (the county's own shelters' row never counts, as on the
    Auswertung screen). For the metrics (`wrm.metriken`)."""
    from wrm.services.stand import staende

    bezug = jetzt()
    ergebnis = {}
    for landkreis in session.scalars(select(Landkreis).order_by(Landkreis.name)):
        zeilen = [s.zeile for s in staende(session, landkreis=landkreis)
                  if not s.kommune.des_landkreises]
        ergebnis[landkreis.name] = len(frische(zeilen, bezug=bezug, frist_tage=meldefrist(
            landkreis, standard)).ueberfaellig)
    return ergebnis
