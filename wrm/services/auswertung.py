"""The Auswertung of a Landkreis, now or as it stood at the end of a past day (Stichtag)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, column, select, values
from sqlalchemy.orm import Session, aliased

from wrm import kennzahlen
from wrm.meldefelder import ZAHLENNAMEN
from wrm.models import (
    Aufnahmequote,
    Kommune,
    Landkreis,
    Meldung,
    Quotenaenderung,
    Verlaufseintrag,
)
from wrm.services.verteilzeitraeume import zeitraeume_am, zeitraum_am
from wrm.zeit import heute, tagesende

_ZAHLEN_UND_LAGE = (*ZAHLENNAMEN, "lage")


def _zeile(kommune: Kommune, quelle: object | None, quote: int | None) -> kennzahlen.Zeile:
    werte = {name: getattr(quelle, name) for name in _ZAHLEN_UND_LAGE} if quelle else {}
    if werte.get("lage") is not None:
        werte["lage"] = str(werte["lage"])
    return kennzahlen.Zeile(
        kommune=kommune.name, aufnahmequote=quote,
        stand=getattr(quelle, "stand", None) or getattr(quelle, "zeitpunkt", None),
        reihenfolge=kommune.sortierschluessel, **werte,
    )


def aktueller_stand(
    session: Session, *, landkreis: Landkreis, kommune_id: int | None = None
) -> list[tuple[Kommune, Meldung | None, kennzahlen.Zeile]]:
    """Each active Kommune with its report and computed row, in the order of the Kommunen.

    One query: Kommunen, their reports and the quotas of the current period, joined.
    """
    zeitraum = zeitraum_am(session, landkreis=landkreis, tag=heute())
    zeitraum_id = zeitraum.id if zeitraum is not None else None
    abfrage = (
        select(Kommune, Meldung, Aufnahmequote.wert)
        .outerjoin(Meldung, Meldung.kommune_id == Kommune.id)
        .outerjoin(Aufnahmequote, and_(Aufnahmequote.kommune_id == Kommune.id,
                                       Aufnahmequote.verteilzeitraum_id == zeitraum_id))
        .where(Kommune.landkreis_id == landkreis.id, Kommune.aktiv)
    )
    if kommune_id is not None:
        abfrage = abfrage.where(Kommune.id == kommune_id)
    stand = [(k, m, _zeile(k, m, q)) for k, m, q in session.execute(abfrage)]
    return sorted(stand, key=lambda eintrag: eintrag[0].sortierschluessel)


def stand_am(
    session: Session, *, landkreis: Landkreis, stichtag: date
) -> list[tuple[Kommune, Verlaufseintrag | None, kennzahlen.Zeile]]:
    """Each Kommune with its latest history entry and row as they stood at the end of `stichtag`.

    One query: the latest entry and quota change before midnight are correlated subqueries.
    """
    stand = _stand_am(session, stichtag=stichtag, landkreis_ids=[landkreis.id])
    return sorted(stand, key=lambda eintrag: eintrag[0].sortierschluessel)


def _teilabfragen(session: Session, *, stichtag: date, landkreis_ids: list[int] | None
                  ) -> tuple[Any, Any, Any]:
    """Correlated subqueries of the Kommune's latest history entry id and quota at `stichtag`,
    and the table of each Landkreis' period that day, which the outer query must join."""
    grenze = tagesende(stichtag)
    gewaehlt = zeitraeume_am(session, tag=stichtag, landkreis_ids=landkreis_ids)
    # (Landkreis, period) as an inline table, so each Kommune's quota is one index seek on its
    # own period, whatever the number of Landkreise (an IN list would probe every period).
    perioden = values(column("landkreis_id", Integer), column("zeitraum_id", Integer),
                      name="perioden").data(
        [(kreis, z.id) for kreis, z in gewaehlt.items()] or [(-1, -1)]).cte("perioden")
    letzter_eintrag = (
        select(Verlaufseintrag.id)
        .where(Verlaufseintrag.kommune_id == Kommune.id, Verlaufseintrag.zeitpunkt < grenze)
        .order_by(Verlaufseintrag.zeitpunkt.desc(), Verlaufseintrag.id.desc())
        .limit(1)
        .correlate(Kommune)
        .scalar_subquery()
    )
    letzte_quote = (
        select(Quotenaenderung.wert)
        .where(Quotenaenderung.kommune_id == Kommune.id,
               Quotenaenderung.verteilzeitraum_id == perioden.c.zeitraum_id,
               Quotenaenderung.zeitpunkt < grenze)
        .order_by(Quotenaenderung.zeitpunkt.desc(), Quotenaenderung.id.desc())
        .limit(1)
        .correlate(Kommune, perioden)
        .scalar_subquery()
    )
    return letzter_eintrag, letzte_quote, perioden


def _stand_am(session: Session, *, stichtag: date, landkreis_ids: list[int] | None
              ) -> list[tuple[Kommune, Verlaufseintrag | None, kennzahlen.Zeile]]:
    grenze = tagesende(stichtag)
    letzter_eintrag, letzte_quote, perioden = _teilabfragen(session, stichtag=stichtag,
                                                            landkreis_ids=landkreis_ids)
    eintrag = aliased(Verlaufseintrag)
    abfrage = (
        select(Kommune, eintrag, letzte_quote)
        .outerjoin(perioden, perioden.c.landkreis_id == Kommune.landkreis_id)
        .outerjoin(eintrag, eintrag.id == letzter_eintrag)
        .where(Kommune.aktiv, Kommune.angelegt_am < grenze)
    )
    if landkreis_ids is not None:
        abfrage = abfrage.where(Kommune.landkreis_id.in_(landkreis_ids))
    return [(k, e, _zeile(k, e, q)) for k, e, q in session.execute(abfrage)]


def bundesweit_am(session: Session, *, stichtag: date) -> dict[int, kennzahlen.Zusammenfassung]:
    """Every Landkreis' summary block at the end of `stichtag`, by Landkreis id.

    One query of plain columns (no ORM objects): at national scale that is 11,000 rows.
    """
    grenze = tagesende(stichtag)
    letzter_eintrag, letzte_quote, perioden = _teilabfragen(session, stichtag=stichtag,
                                                            landkreis_ids=None)
    eintrag = aliased(Verlaufseintrag)
    spalten = [getattr(eintrag, name) for name in _ZAHLEN_UND_LAGE]
    abfrage = (
        select(Kommune.landkreis_id, Kommune.id, letzte_quote, *spalten)
        .select_from(Kommune)
        .outerjoin(perioden, perioden.c.landkreis_id == Kommune.landkreis_id)
        .outerjoin(eintrag, eintrag.id == letzter_eintrag)
        .where(Kommune.aktiv, Kommune.angelegt_am < grenze)
    )
    je_kreis: dict[int, list[kennzahlen.Zeile]] = {}
    for kreis, kommune_id, quote, *werte in session.execute(abfrage):
        felder = dict(zip(_ZAHLEN_UND_LAGE, werte, strict=True))
        felder["lage"] = None if felder["lage"] is None else str(felder["lage"])
        je_kreis.setdefault(kreis, []).append(
            kennzahlen.Zeile(kommune=str(kommune_id), aufnahmequote=quote, **felder))
    return {kreis: kennzahlen.zusammenfassen(zeilen) for kreis, zeilen in je_kreis.items()}


def stand_zum(
    session: Session, *, landkreis: Landkreis, stichtag: date | None = None
) -> list[tuple[Kommune, Meldung | Verlaufseintrag | None, kennzahlen.Zeile]]:
    """Now (current reports) or at the end of `stichtag` (history): Kommune, source, row."""
    if stichtag is None:
        return list(aktueller_stand(session, landkreis=landkreis))
    return list(stand_am(session, landkreis=landkreis, stichtag=stichtag))


def auswertung(
    session: Session, *, landkreis: Landkreis, stichtag: date | None = None
) -> kennzahlen.Auswertung:
    """The paper's "Kontinuierliche Auswertung" now, or at the end of `stichtag`."""
    stand = stand_zum(session, landkreis=landkreis, stichtag=stichtag)
    return kennzahlen.auswerten(zeile for _, _, zeile in stand)
