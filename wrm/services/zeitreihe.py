"""Weekly series from the history: what was to be fulfilled and what was available, per week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.models import Landkreis
from wrm.services.stand import staende
from wrm.services.vorrat import merken


@dataclass(frozen=True)
class Wochenwert:
    """The figures at the end of `tag` (the last day of a week); None before the first report,
    so a chart shows a gap there instead of zeros."""

    tag: date
    zu_erfuellen: int | None
    sofort_verfuegbar: int | None
    in_aussicht: int | None


def wochenreihe(session: Session, *, landkreis: Landkreis, bis: date, wochen: int = 12,
                kommune_id: int | None = None) -> list[Wochenwert]:
    """One value per week for the `wochen` weeks ending on `bis`, oldest first.

    For the Landkreis: Σ zu erfüllen (the summary's benötigt), Σ sofort verfügbar, Σ in Aussicht;
    with `kommune_id`, that Kommune's own figures (and only that Kommune is read). One query
    per week, and the day-independent loads of `staende` once.
    """
    reihe = []
    vorrat = merken()  # the Kommunen, periods and agreements once for all weeks
    for schritt in range(wochen - 1, -1, -1):
        tag = bis - timedelta(weeks=schritt)
        zeilen = [s.zeile for s in staende(session, landkreis=landkreis, stichtag=tag,
                                           kommune_id=kommune_id, vorrat=vorrat)]
        if not any(z.stand is not None for z in zeilen):
            reihe.append(Wochenwert(tag, None, None, None))
            continue
        z = kennzahlen.zusammenfassen(zeilen)
        reihe.append(Wochenwert(tag, z.benoetigt, z.sofort_verfuegbar, z.in_aussicht))
    return reihe
