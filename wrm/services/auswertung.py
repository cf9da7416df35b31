"""The Auswertung of a Landkreis, now or as it stood at the end of a past day (Stichtag)."""

from __future__ import annotations

from datetime import date
from itertools import chain
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, null, select
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
    Verteilzeitraum,
)
from wrm.services.verteilzeitraeume import zeitraeume_am, zeitraum_am
from wrm.zeit import heute, tagesende

_ZAHLEN_UND_LAGE = (*ZAHLENNAMEN, "lage")
# What the summary block is computed from: (1) and the places (8)–(11).
_FUER_DIE_SUMME = ("zuweisungen", "verfuegbar_gemeinschaftsunterkunft", "verfuegbar_dezentral",
                   "in_aussicht_gemeinschaftsunterkunft", "in_aussicht_dezentral")


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
    session: Session, *, landkreis: Landkreis, kommune_id: int | None = None,
    sichtbar: ColumnElement[bool] | None = None,
) -> list[tuple[Kommune, Meldung | None, kennzahlen.Zeile]]:
    """Each active Kommune with its report and computed row, in the order of the Kommunen.

    One query: Kommunen, their reports and the quotas of the current period, joined.
    `sichtbar` is the caller's row scope on Kommune (`wrm.berechtigungen.bereich`).
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
    if sichtbar is not None:
        abfrage = abfrage.where(sichtbar)
    stand = [(k, m, _zeile(k, m, q)) for k, m, q in session.execute(abfrage)]
    return sorted(stand, key=lambda eintrag: eintrag[0].sortierschluessel)


def stand_am(
    session: Session, *, landkreis: Landkreis, stichtag: date,
    sichtbar: ColumnElement[bool] | None = None,
) -> list[tuple[Kommune, Verlaufseintrag | None, kennzahlen.Zeile]]:
    """Each Kommune with its latest history entry and row as they stood at the end of `stichtag`.

    One query: the latest entry and quota change before midnight are correlated subqueries.
    `sichtbar` is the caller's row scope on Kommune (`wrm.berechtigungen.bereich`).
    """
    stand = _stand_am(session, stichtag=stichtag, landkreis_ids=[landkreis.id],
                      sichtbar=sichtbar)
    return sorted(stand, key=lambda eintrag: eintrag[0].sortierschluessel)


class _Teile(NamedTuple):
    """The parts of a query "as it stood at the end of the Stichtag" (see `_teilabfragen`)."""

    letzter_eintrag: Any  # correlated: id of the Kommune's latest history entry
    letzte_quote: Any  # correlated: the Kommune's quota in its period
    perioden: Any  # alias of Verteilzeitraum the outer query joins …
    verbindung: Any  # … on this condition
    gewaehlt: list[int]  # the chosen periods' ids


def _teilabfragen(session: Session, *, stichtag: date, landkreis_ids: list[int] | None
                  ) -> _Teile:
    """Correlated subqueries of the Kommune's latest history entry id and quota at `stichtag`,
    and the join of its Landkreis' period that day, which the outer query must make."""
    grenze = tagesende(stichtag)
    gewaehlt = [z.id for z in zeitraeume_am(session, tag=stichtag,
                                            landkreis_ids=landkreis_ids).values()]
    # The outer query joins each Kommune to its Landkreis' period of that day (an index seek on
    # the Landkreis), so its quota is one index seek too, whatever the number of Landkreise.
    perioden = aliased(Verteilzeitraum, name="perioden")
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
               Quotenaenderung.verteilzeitraum_id == perioden.id,
               Quotenaenderung.zeitpunkt < grenze)
        .order_by(Quotenaenderung.zeitpunkt.desc(), Quotenaenderung.id.desc())
        .limit(1)
        .correlate(Kommune, perioden)
        .scalar_subquery()
    )
    verbindung = and_(perioden.landkreis_id == Kommune.landkreis_id, perioden.id.in_(gewaehlt))
    return _Teile(letzter_eintrag, letzte_quote, perioden, verbindung, gewaehlt)


def _stand_am(session: Session, *, stichtag: date, landkreis_ids: list[int] | None,
              sichtbar: ColumnElement[bool] | None = None,
              ) -> list[tuple[Kommune, Verlaufseintrag | None, kennzahlen.Zeile]]:
    grenze = tagesende(stichtag)
    teile = _teilabfragen(session, stichtag=stichtag, landkreis_ids=landkreis_ids)
    eintrag = aliased(Verlaufseintrag)
    abfrage = (
        select(Kommune, eintrag, teile.letzte_quote)
        .outerjoin(teile.perioden, teile.verbindung)
        .outerjoin(eintrag, eintrag.id == teile.letzter_eintrag)
        .where(Kommune.aktiv, Kommune.angelegt_am < grenze)
    )
    if landkreis_ids is not None:
        abfrage = abfrage.where(Kommune.landkreis_id.in_(landkreis_ids))
    if sichtbar is not None:
        abfrage = abfrage.where(sichtbar)
    return [(k, e, _zeile(k, e, q)) for k, e, q in session.execute(abfrage)]


def bundesweit_am(session: Session, *, stichtag: date) -> dict[int, kennzahlen.Zusammenfassung]:
    """Every Landkreis' summary block at the end of `stichtag`, by Landkreis id.

    Plain columns (no ORM objects): at national scale that is 11,000 rows. The Kommunen are
    reached from the chosen periods (the id list filters the outer table once; inside a join
    condition SQLite would rebuild it for every row), and those of Landkreise without a period
    in a second query, without quota.
    """
    grenze = tagesende(stichtag)
    letzter_eintrag, letzte_quote, perioden, _, gewaehlt = _teilabfragen(
        session, stichtag=stichtag, landkreis_ids=None)
    eintrag = aliased(Verlaufseintrag)
    spalten = [getattr(eintrag, name) for name in _FUER_DIE_SUMME]
    mit_periode = (
        select(Kommune.landkreis_id, letzte_quote, *spalten)
        .select_from(perioden)
        .join(Kommune, Kommune.landkreis_id == perioden.landkreis_id)
        .outerjoin(eintrag, eintrag.id == letzter_eintrag)
        .where(perioden.id.in_(gewaehlt), Kommune.aktiv, Kommune.angelegt_am < grenze)
    )
    abfragen = [mit_periode]
    mit = set(session.scalars(select(perioden.landkreis_id).where(perioden.id.in_(gewaehlt))))
    ohne = [k for k in session.scalars(select(Landkreis.id)) if k not in mit]
    if ohne:
        abfragen.append(
            select(Kommune.landkreis_id, null(), *spalten)
            .outerjoin(eintrag, eintrag.id == letzter_eintrag)
            .where(Kommune.landkreis_id.in_(ohne), Kommune.aktiv, Kommune.angelegt_am < grenze))
    je_kreis: dict[int, list[kennzahlen.Zeile]] = {}
    zeilen = chain.from_iterable(session.execute(abfrage) for abfrage in abfragen)
    for kreis, quote, *werte in zeilen:
        je_kreis.setdefault(kreis, []).append(kennzahlen.Zeile(
            kommune="", aufnahmequote=quote, **dict(zip(_FUER_DIE_SUMME, werte, strict=True))))
    return {kreis: kennzahlen.zusammenfassen(zeilen) for kreis, zeilen in je_kreis.items()}


def stand_zum(
    session: Session, *, landkreis: Landkreis, stichtag: date | None = None,
    sichtbar: ColumnElement[bool] | None = None,
) -> list[tuple[Kommune, Meldung | Verlaufseintrag | None, kennzahlen.Zeile]]:
    """Now (current reports) or at the end of `stichtag` (history): Kommune, source, row.

    Screens and the API pass `sichtbar`, the user's row scope on Kommune, so what they show
    goes through `wrm.berechtigungen.bereich` like every other read.
    """
    if stichtag is None:
        return list(aktueller_stand(session, landkreis=landkreis, sichtbar=sichtbar))
    return list(stand_am(session, landkreis=landkreis, stichtag=stichtag, sichtbar=sichtbar))


def auswertung(
    session: Session, *, landkreis: Landkreis, stichtag: date | None = None
) -> kennzahlen.Auswertung:
    """The paper's "Kontinuierliche Auswertung" now, or at the end of `stichtag`."""
    stand = stand_zum(session, landkreis=landkreis, stichtag=stichtag)
    return kennzahlen.auswerten(zeile for _, _, zeile in stand)
