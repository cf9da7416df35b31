"""Stand: one Kommune's figures at a moment, the one shape every screen, export, the API and
the CLI read them in; built here only, now (the current reports) or at the end of a Stichtag
(the history)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from wrm import kennzahlen
from wrm.db import UtcDateTime
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
from wrm.services.buchungen import angerechnet
from wrm.services.hilfen import hilfen
from wrm.services.verteilzeitraeume import waehlen, zeitraeume_am, zeitraeume_von
from wrm.services.vorrat import Vorrat, selbst
from wrm.zeit import heute, tagesende


@dataclass(frozen=True, slots=True)
class Stand:
    """A Kommune with its figures (reported and computed, with its quota) at one moment.

    `version`, `gemeldet_von` and `bemerkung` are those of the report as it stood then; all
    three are None when the Kommune had not reported. Who may see the note or the name is
    decided by `wrm.berechtigungen`, not here.
    """

    kommune: Kommune
    zeile: kennzahlen.Zeile
    version: int | None = None
    gemeldet_von: str | None = None
    bemerkung: str | None = None


_ZAHLEN_UND_LAGE = (*ZAHLENNAMEN, "lage")


def stand_aus(kommune: Kommune, zeile: Any, wirkung: kennzahlen.Hilfewirkung | None) -> Stand:
    """The Stand of a row of `_jetzt_abfrage` or `_stichtag_abfrage` (or of the history in
    memory, `wrm.services.verlaufsspeicher`): the Kommune's id, its quota, its credits, the id
    of its report or history entry (None: not reported by then) and that one's columns
    (`QUELLNAMEN`), by index and the last four by name."""
    hilfe = {} if wirkung is None else {
        "zugesagt_fuer_andere": wirkung.zugesagt_fuer_andere,
        "zusagen_anderer": wirkung.zusagen_anderer,
        "in_anderen_kommunen": wirkung.in_anderen_kommunen}
    if zeile[3] is None:
        return Stand(kommune=kommune, zeile=kennzahlen.Zeile(
            kommune=kommune.name, aufnahmequote=zeile[1], anrechnungen=zeile[2],
            reihenfolge=kommune.sortierschluessel, **hilfe))
    werte = dict(zip(_ZAHLEN_UND_LAGE, zeile[4:], strict=False))
    if werte["lage"] is not None:
        werte["lage"] = str(werte["lage"])
    return Stand(
        kommune=kommune,
        zeile=kennzahlen.Zeile(kommune=kommune.name, aufnahmequote=zeile[1],
                               anrechnungen=zeile[2], stand=zeile.zeitpunkt,
                               reihenfolge=kommune.sortierschluessel, **werte, **hilfe),
        version=zeile.version, gemeldet_von=zeile.benutzer_name, bemerkung=zeile.bemerkung)


def staende(
    session: Session, *, landkreis: Landkreis, stichtag: date | None = None,
    sichtbar: ColumnElement[bool] | None = None, kommune_id: int | None = None,
    vorrat: Vorrat = selbst,
) -> list[Stand]:
    """Each active Kommune's `Stand` in the order of the Kommunen: now, or at the end of
    `stichtag` (from the history, with the quota as it was set then). One query for the
    figures; one each for the Kommunen, the periods and the agreements.

    `sichtbar` is the caller's row scope on Kommune (`wrm.berechtigungen.bereich`), so what a
    screen or the API shows goes through it like every other read; `kommune_id` asks for one.
    The Kommunen, periods and agreements do not depend on the day: `vorrat` may keep them.
    """
    bedingungen = []
    if sichtbar is not None:
        bedingungen.append(sichtbar)
    if kommune_id is not None:
        bedingungen.append(Kommune.id == kommune_id)
    tag = heute() if stichtag is None else stichtag
    zeitraum, kommunen = tagesgrundlage(session, landkreis_id=landkreis.id, tag=tag,
                                        vorrat=vorrat)
    wirkung = kennzahlen.hilfewirkung(hilfen(session, landkreis_ids=[landkreis.id],
                                             stichtag=stichtag, vorrat=vorrat))
    abfrage = (_jetzt_abfrage() if stichtag is None
               else _stichtag_abfrage(session.get_bind().dialect.name))
    zeilen = session.execute(_eingeschraenkt(abfrage, bedingungen), {
        "landkreis": landkreis.id, "grenze": tagesende(tag),
        "periode": zeitraum.id if zeitraum is not None else None})
    ergebnis = [stand_aus(kommunen.get(zeile[0]) or session.get_one(Kommune, zeile[0]), zeile,
                       wirkung.get(zeile[0])) for zeile in zeilen]
    return sorted(ergebnis, key=lambda s: s.zeile.reihenfolge)


#: Statements with a caller's conditions added, by statement and conditions (bounded).
_EINGESCHRAENKT: dict[Hashable, Select[Any]] = {}
_EINGESCHRAENKT_HOECHSTENS = 256


def _eingeschraenkt(abfrage: Select[Any], bedingungen: list[ColumnElement[bool]]
                    ) -> Select[Any]:
    """`abfrage` with the conditions added, the same object for equal conditions (the same
    SQL with the same values): a statement's cache key is kept with the object, and working
    it out again for a new object walks the whole statement, which cost a quarter of what
    PostgreSQL takes to run it."""
    if not bedingungen:
        return abfrage
    try:
        schluessel: Hashable = (id(abfrage), *(_wertschluessel(b) for b in bedingungen))
        hash(schluessel)
    except TypeError:  # a value that cannot be a key: built per call
        return abfrage.where(*bedingungen)
    gebaut = _EINGESCHRAENKT.get(schluessel)
    if gebaut is None:
        if len(_EINGESCHRAENKT) >= _EINGESCHRAENKT_HOECHSTENS:
            _EINGESCHRAENKT.clear()
        gebaut = _EINGESCHRAENKT[schluessel] = abfrage.where(*bedingungen)
    return gebaut


def _wertschluessel(bedingung: ColumnElement[bool]) -> Hashable:
    """The condition's SQL with the values of its parameters, from its public compiled form
    (about 30 µs; SQLAlchemy's own cache key would be quicker but is a private method)."""
    kompiliert = bedingung.compile()
    return str(kompiliert), tuple(sorted(kompiliert.params.items()))


def tagesgrundlage(session: Session, *, landkreis_id: int, tag: date, vorrat: Vorrat = selbst
                   ) -> tuple[Verteilzeitraum | None, dict[int, Kommune]]:
    """The Landkreis' period of `tag` and all its Kommunen by id (both kept by `vorrat`)."""
    zeitraum = waehlen(vorrat(("zeitraeume", landkreis_id), lambda: zeitraeume_von(
        session, landkreis_id=landkreis_id)), tag)
    return zeitraum, vorrat(("kommunen", landkreis_id), lambda: _kommunen(session, landkreis_id))


def _kommunen(session: Session, landkreis_id: int) -> dict[int, Kommune]:
    """Every Kommune of the Landkreis by id (a Kommune created since a shared load, under
    the same data version by a race, is loaded by itself)."""
    return {k.id: k for k in session.scalars(_KOMMUNEN, {"landkreis": landkreis_id})}


# The statements of `staende` are built once, with bound parameters: building one per call,
# with its aliases and its cache key, cost five times what PostgreSQL takes to run it.
_LANDKREIS = bindparam("landkreis", type_=Integer)
_GRENZE = bindparam("grenze", type_=UtcDateTime)
_PERIODE = bindparam("periode", type_=Integer)
_KOMMUNEN = select(Kommune).where(Kommune.landkreis_id == _LANDKREIS)


@cache
def _jetzt_abfrage() -> Select[Any]:
    """Kommunen, the columns of their reports, and the quota and credits of the period
    (`periode`)."""
    return (
        select(Kommune.id, Aufnahmequote.wert, angerechnet(zeitraum_id=_PERIODE, bis=_GRENZE),
               Meldung.id, *_quellspalten(Meldung, zeitpunkt="stand",
                                          benutzer_name="gemeldet_von_name"))
        .outerjoin(Meldung, Meldung.kommune_id == Kommune.id)
        .outerjoin(Aufnahmequote, and_(Aufnahmequote.kommune_id == Kommune.id,
                                       Aufnahmequote.verteilzeitraum_id == _PERIODE))
        .where(Kommune.landkreis_id == _LANDKREIS, Kommune.aktiv)
    )


@cache
def _stichtag_abfrage(dialekt: str) -> Select[Any]:
    """Kommunen existing before midnight of the Stichtag (`grenze`), their latest history
    entry and quota before then, and the credits of the period then (`periode`).

    The entry comes as plain columns, not as an ORM object: it is only read, and at state
    scale building a thousand entities (with their JSON of changes) cost more than the query.
    """
    letzte_quote = (
        select(Quotenaenderung.wert)
        .where(Quotenaenderung.kommune_id == Kommune.id,
               Quotenaenderung.verteilzeitraum_id == _PERIODE,
               Quotenaenderung.zeitpunkt < _GRENZE)
        .order_by(Quotenaenderung.zeitpunkt.desc(), Quotenaenderung.id.desc())
        .limit(1)
        .correlate(Kommune)
        .scalar_subquery()
    )
    eintrag_id, spalten, verbindung = _letzter_eintrag(dialekt)
    return (
        select(Kommune.id, letzte_quote, angerechnet(zeitraum_id=_PERIODE, bis=_GRENZE),
               eintrag_id, *spalten)
        .outerjoin(*verbindung)
        .where(Kommune.landkreis_id == _LANDKREIS, Kommune.aktiv, Kommune.angelegt_am < _GRENZE)
    )


def _letzter_eintrag(dialekt: str) -> tuple[Any, list[Any], tuple[Any, Any]]:
    """The latest history entry per Kommune before `grenze`, as (its id, its columns, what to
    join).

    PostgreSQL plans "entry id = (latest id)" as a hash join over the whole history, 20 ms at a
    thousand Kommunen; a LATERAL subquery is one index seek per Kommune. SQLite has no LATERAL,
    and its plan for the id is a seek per Kommune already.
    """
    neuestes = (Verlaufseintrag.zeitpunkt.desc(), Verlaufseintrag.id.desc())
    if dialekt != "postgresql":
        eintrag = aliased(Verlaufseintrag)
        letzter = (select(Verlaufseintrag.id)
                   .where(Verlaufseintrag.kommune_id == Kommune.id,
                          Verlaufseintrag.zeitpunkt < _GRENZE)
                   .order_by(*neuestes).limit(1).correlate(Kommune).scalar_subquery())
        return eintrag.id, _quellspalten(eintrag), (eintrag, eintrag.id == letzter)
    lateral = (
        select(Verlaufseintrag.id, *_quellspalten(Verlaufseintrag))
        .where(Verlaufseintrag.kommune_id == Kommune.id, Verlaufseintrag.zeitpunkt < _GRENZE)
        .order_by(*neuestes)
        .limit(1)
        .lateral("letzter_eintrag")
    )
    return lateral.c.id, [lateral.c[name] for name in QUELLNAMEN], (lateral, true())


# Built once: an alias copies every column of its table, which cost more than the query's
# own construction when made per request.
_PERIODEN = aliased(Verteilzeitraum, name="perioden")


class StichtagsTeile(NamedTuple):
    """The parts of a query "as it stood at the end of the Stichtag" (see `stichtagsteile`)."""

    letzter_eintrag: Any  # correlated: id of the Kommune's latest history entry
    letzte_quote: Any  # correlated: the Kommune's quota in its period
    perioden: Any  # alias of Verteilzeitraum the outer query joins …
    verbindung: Any  # … on this condition
    gewaehlt: list[int]  # the chosen periods' ids


def stichtagsteile(session: Session, *, stichtag: date, landkreis_ids: list[int] | None
                   ) -> StichtagsTeile:
    """Correlated subqueries of the Kommune's latest history entry id and quota at `stichtag`,
    and the join of its Landkreis' period that day, which the outer query must make."""
    grenze = tagesende(stichtag)
    gewaehlt = [z.id for z in zeitraeume_am(session, tag=stichtag,
                                            landkreis_ids=landkreis_ids).values()]
    # The outer query joins each Kommune to its Landkreis' period of that day (an index seek on
    # the Landkreis), so its quota is one index seek too, whatever the number of Landkreise.
    perioden = _PERIODEN
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
    return StichtagsTeile(letzter_eintrag, letzte_quote, perioden, verbindung, gewaehlt)


#: The columns of a report or history entry a `Stand` reads, after its id, in this order.
QUELLNAMEN = (*_ZAHLEN_UND_LAGE, "bemerkung", "zeitpunkt", "version", "benutzer_name")


def _quellspalten(quelle: Any, **anders: str) -> list[Any]:
    """The columns of `QUELLNAMEN` of a history entry (or a report: `anders` names its own
    attribute for a name), labelled by those names."""
    return [getattr(quelle, anders.get(name, name)).label(name) for name in QUELLNAMEN]
