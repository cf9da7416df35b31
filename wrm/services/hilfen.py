"""The agreements between Kommunen as the figures see them (`kennzahlen.Hilfe`): now, or as
they stood at the end of a Stichtag (from their history)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from wrm import kennzahlen
from wrm.models import Kommune, Vereinbarung, Vereinbarungsereignis
from wrm.zeit import tagesende

_ZAEHLEND = sorted(kennzahlen.ZAEHLENDE_STATUS)


def hilfen(session: Session, *, landkreis_ids: list[int], stichtag: date | None = None
           ) -> list[kennzahlen.Hilfe]:
    """The agreements of these Landkreise that count in the figures (`zugesagt`, `belegt`),
    with each side's inclusion: now, or at the end of `stichtag`. One query."""
    kommunen = select(Kommune.id).where(Kommune.landkreis_id.in_(landkreis_ids))
    if stichtag is None:
        zeilen = session.execute(
            select(Vereinbarung.zuweisend_id, Vereinbarung.aufnehmend_id, Vereinbarung.personen,
                   Vereinbarung.status, Vereinbarung.zuweisend_beruecksichtigt_am.is_not(None),
                   Vereinbarung.aufnehmend_beruecksichtigt_am.is_not(None))
            .where(Vereinbarung.zuweisend_id.in_(kommunen), Vereinbarung.status.in_(_ZAEHLEND)))
        return [kennzahlen.Hilfe(z, a, p, str(s), bool(zb), bool(ab))
                for z, a, p, s, zb, ab in zeilen]
    # The latest event of each agreement before midnight holds its state then.
    letztes = (
        select(Vereinbarungsereignis.id)
        .where(Vereinbarungsereignis.vereinbarung_id == Vereinbarung.id,
               Vereinbarungsereignis.zeitpunkt < tagesende(stichtag))
        .order_by(Vereinbarungsereignis.zeitpunkt.desc(), Vereinbarungsereignis.id.desc())
        .limit(1).correlate(Vereinbarung).scalar_subquery()
    )
    zeilen = session.execute(
        select(Vereinbarung.zuweisend_id, Vereinbarung.aufnehmend_id,
               Vereinbarungsereignis.personen, Vereinbarungsereignis.status,
               Vereinbarungsereignis.zuweisend_beruecksichtigt,
               Vereinbarungsereignis.aufnehmend_beruecksichtigt)
        .join(Vereinbarungsereignis, Vereinbarungsereignis.id == letztes)
        .where(Vereinbarung.zuweisend_id.in_(kommunen),
               Vereinbarungsereignis.status.in_(_ZAEHLEND)))
    return [kennzahlen.Hilfe(z, a, p, s, bool(zb), bool(ab)) for z, a, p, s, zb, ab in zeilen]
