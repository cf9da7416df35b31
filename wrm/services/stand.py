"""Stand: one Kommune's figures at a moment, the one shape every screen, export, the API and
the CLI read them in; built here only, now (the current reports) or at the end of a Stichtag
(the history)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
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
from wrm.models.meldung import Meldungsfelder
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


def _stand(kommune: Kommune, quelle: Meldungsfelder | Any, quote: int | None,
           zeitpunkt: datetime | None, version: int | None, wer: str | None,
           gebucht: int) -> Stand:
    werte: dict[str, Any] = ({name: getattr(quelle, name) for name in _ZAHLEN_UND_LAGE}
                             if quelle is not None else {})
    if werte.get("lage") is not None:
        werte["lage"] = str(werte["lage"])
    zeile = kennzahlen.Zeile(kommune=kommune.name, aufnahmequote=quote, stand=zeitpunkt,
                             reihenfolge=kommune.sortierschluessel, anrechnungen=gebucht,
                             **werte)
    return Stand(kommune=kommune, zeile=zeile, version=version, gemeldet_von=wer,
                 bemerkung=quelle.bemerkung if quelle is not None else None)


def _aus_meldung(zeile: Any) -> Stand:
    """The Stand of a row of `_jetzt_abfrage`."""
    kommune, meldung, quote, gebucht = zeile
    if meldung is None:
        return _stand(kommune, None, quote, None, None, None, gebucht)
    return _stand(kommune, meldung, quote, meldung.stand, meldung.version,
                  meldung.gemeldet_von_name, gebucht)


def _aus_verlauf(zeile: Any) -> Stand:
    """The Stand of a row of `_stichtag_abfrage`; without an entry id the Kommune had not
    reported by then."""
    kommune, quote, gebucht, eintrag_id = zeile[:4]
    if eintrag_id is None:
        return _stand(kommune, None, quote, None, None, None, gebucht)
    return _stand(kommune, zeile, quote, zeile.zeitpunkt, zeile.version, zeile.benutzer_name,
                  gebucht)


def staende(
    session: Session, *, landkreis: Landkreis, stichtag: date | None = None,
    sichtbar: ColumnElement[bool] | None = None, kommune_id: int | None = None,
    vorrat: Vorrat = selbst,
) -> list[Stand]:
    """Each active Kommune's `Stand` in the order of the Kommunen: now, or at the end of
    `stichtag` (from the history, with the quota as it was set then). One query for the
    figures, one for the periods and one for the agreements.

    `sichtbar` is the caller's row scope on Kommune (`wrm.berechtigungen.bereich`), so what a
    screen or the API shows goes through it like every other read; `kommune_id` asks for one.
    The periods and the agreements do not depend on the day: `vorrat` may keep them.
    """
    bedingungen = []
    if sichtbar is not None:
        bedingungen.append(sichtbar)
    if kommune_id is not None:
        bedingungen.append(Kommune.id == kommune_id)
    tag = heute() if stichtag is None else stichtag
    zeitraum = waehlen(vorrat(("zeitraeume", landkreis.id), lambda: zeitraeume_von(
        session, landkreis_id=landkreis.id)), tag)
    werte = {"landkreis": landkreis.id, "grenze": tagesende(tag),
             "periode": zeitraum.id if zeitraum is not None else None}
    if stichtag is None:
        abfrage, umwandeln = _jetzt_abfrage(), _aus_meldung
    else:
        abfrage, umwandeln = _stichtag_abfrage(session.get_bind().dialect.name), _aus_verlauf
    # The statement is built once; only the caller's scope is added per call.
    zeilen = session.execute(abfrage.where(*bedingungen) if bedingungen else abfrage, werte)
    ergebnis = [umwandeln(zeile) for zeile in zeilen]
    wirkung = kennzahlen.hilfewirkung(hilfen(session, landkreis_ids=[landkreis.id],
                                             stichtag=stichtag, vorrat=vorrat))
    if wirkung:
        ergebnis = [_mit_hilfe(s, wirkung.get(s.kommune.id)) for s in ergebnis]
    return sorted(ergebnis, key=lambda s: s.kommune.sortierschluessel)


def _mit_hilfe(stand: Stand, wirkung: kennzahlen.Hilfewirkung | None) -> Stand:
    """The row with the agreements' effect."""
    if wirkung is None:
        return stand
    zeile = replace(stand.zeile, zugesagt_fuer_andere=wirkung.zugesagt_fuer_andere,
                    zusagen_anderer=wirkung.zusagen_anderer,
                    in_anderen_kommunen=wirkung.in_anderen_kommunen)
    return replace(stand, zeile=zeile)


# The statements of `staende` are built once, with bound parameters: building one per call,
# with its aliases and its cache key, cost five times what PostgreSQL takes to run it.
_LANDKREIS = bindparam("landkreis", type_=Integer)
_GRENZE = bindparam("grenze", type_=UtcDateTime)
_PERIODE = bindparam("periode", type_=Integer)


@cache
def _jetzt_abfrage() -> Select[Any]:
    """Kommunen, their reports, and the quota and credits of the period (`periode`)."""
    return (
        select(Kommune, Meldung, Aufnahmequote.wert,
               angerechnet(zeitraum_id=_PERIODE, bis=_GRENZE))
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
        select(Kommune, letzte_quote, angerechnet(zeitraum_id=_PERIODE, bis=_GRENZE),
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
        return eintrag.id, _eintragsspalten(eintrag), (eintrag, eintrag.id == letzter)
    lateral = (
        select(Verlaufseintrag.id, *_eintragsspalten(Verlaufseintrag))
        .where(Verlaufseintrag.kommune_id == Kommune.id, Verlaufseintrag.zeitpunkt < _GRENZE)
        .order_by(*neuestes)
        .limit(1)
        .lateral("letzter_eintrag")
    )
    return lateral.c.id, [lateral.c[name] for name in _EINTRAGSNAMEN], (lateral, true())


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


#: The columns of a history entry a `Stand` reads.
_EINTRAGSNAMEN = (*_ZAHLEN_UND_LAGE, "bemerkung", "zeitpunkt", "version", "benutzer_name")


def _eintragsspalten(eintrag: Any) -> list[Any]:
    """The columns of a history entry a `Stand` reads, labelled like its attributes."""
    return [getattr(eintrag, name).label(name) for name in _EINTRAGSNAMEN]
