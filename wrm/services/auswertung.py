"""The Auswertung of a Landkreis, now or as it stood at the end of a past day (Stichtag)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select
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
from wrm.services.verteilzeitraeume import zeitraum_am
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
    grenze = tagesende(stichtag)
    zeitraum = zeitraum_am(session, landkreis=landkreis, tag=stichtag)
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
               Quotenaenderung.verteilzeitraum_id == (zeitraum.id if zeitraum else None),
               Quotenaenderung.zeitpunkt < grenze)
        .order_by(Quotenaenderung.zeitpunkt.desc(), Quotenaenderung.id.desc())
        .limit(1)
        .correlate(Kommune)
        .scalar_subquery()
    )
    eintrag = aliased(Verlaufseintrag)
    abfrage = (
        select(Kommune, eintrag, letzte_quote)
        .outerjoin(eintrag, eintrag.id == letzter_eintrag)
        .where(Kommune.landkreis_id == landkreis.id, Kommune.aktiv, Kommune.angelegt_am < grenze)
    )
    stand = [(k, e, _zeile(k, e, q)) for k, e, q in session.execute(abfrage)]
    return sorted(stand, key=lambda eintrag: eintrag[0].sortierschluessel)


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
