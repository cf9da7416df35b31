"""The redistribution proposal of a Landkreis at a Stichtag, from its Kommunen's `Stand`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from wrm import umverteilung
from wrm.models import Landkreis
from wrm.services.stand import Stand, staende


def orte(bestand: list[Stand]) -> list[umverteilung.Ort]:
    """The Kommunen as the proposal sees them: place, need, places to offer (`kennzahlen`)."""
    return [umverteilung.Ort(kommune=s.kommune.name, breitengrad=s.kommune.breitengrad,
                             laengengrad=s.kommune.laengengrad, bedarf=s.zeile.hilfebedarf,
                             frei=s.zeile.abgebbare_plaetze) for s in bestand]


def vorschlag(session: Session, *, landkreis: Landkreis, stichtag: date | None = None
              ) -> umverteilung.Vorschlag:
    """Who could house whom in the Landkreis, now or at the end of `stichtag`."""
    return umverteilung.vorschlagen(orte(staende(session, landkreis=landkreis,
                                                 stichtag=stichtag)))
