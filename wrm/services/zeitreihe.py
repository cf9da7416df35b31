"""Weekly series from the history: what was to be fulfilled and what was available, per week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.models import Landkreis
from wrm.services.auswertung import stand_am


@dataclass(frozen=True)
class Wochenwert:
    """The figures at the end of `tag` (the last day of a week)."""

    tag: date
    zu_erfuellen: int
    sofort_verfuegbar: int
    in_aussicht: int


def wochenreihe(session: Session, *, landkreis: Landkreis, bis: date, wochen: int = 12,
                kommune_id: int | None = None) -> list[Wochenwert]:
    """One value per week for the `wochen` weeks ending on `bis`, oldest first.

    For the Landkreis: Σ zu erfüllen (the summary's benötigt), Σ sofort verfügbar, Σ in Aussicht;
    with `kommune_id`, that Kommune's own figures. One query per week.
    """
    reihe = []
    for schritt in range(wochen - 1, -1, -1):
        tag = bis - timedelta(weeks=schritt)
        stand = stand_am(session, landkreis=landkreis, stichtag=tag)
        if kommune_id is None:
            z = kennzahlen.auswerten(zeile for _, _, zeile in stand).zusammenfassung
            reihe.append(Wochenwert(tag, z.benoetigt, z.sofort_verfuegbar, z.in_aussicht))
            continue
        zeile = next((zeile for k, _, zeile in stand if k.id == kommune_id), None)
        if zeile is None:
            reihe.append(Wochenwert(tag, 0, 0, 0))
        else:
            reihe.append(Wochenwert(tag, zeile.zu_erfuellen or 0, zeile.sofort_verfuegbar,
                                    zeile.in_aussicht))
    return reihe
