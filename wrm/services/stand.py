"""Stand: one Kommune's figures at a moment, the one shape every screen, export, the API and
the CLI read them in; built here only, now (the current reports) or at the end of a Stichtag
(the history)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, select, true
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
from wrm.models.meldung import Meldungsfelder
from wrm.services.buchungen import angerechnet
from wrm.services.hilfen import hilfen
from wrm.services.verteilzeitraeume import zeitraeume_am, zeitraum_am
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


def _aus_meldung(kommune: Kommune, meldung: Meldung | None, quote: int | None,
                 gebucht: int) -> Stand:
    if meldung is None:
        return _stand(kommune, None, quote, None, None, None, gebucht)
    return _stand(kommune, meldung, quote, meldung.stand, meldung.version,
                  meldung.gemeldet_von_name, gebucht)


def _aus_verlauf(kommune: Kommune, eintrag: Any, quote: int | None, gebucht: int) -> Stand:
    # `eintrag`: a row with a history entry's columns (`_eintragsspalten`), or None.
    if eintrag is None:
        return _stand(kommune, None, quote, None, None, None, gebucht)
    return _stand(kommune, eintrag, quote, eintrag.zeitpunkt, eintrag.version,
                  eintrag.benutzer_name, gebucht)


def staende(
    session: Session, *, landkreis: Landkreis, stichtag: date | None = None,
    sichtbar: ColumnElement[bool] | None = None, kommune_id: int | None = None,
) -> list[Stand]:
    """Each active Kommune's `Stand` in the order of the Kommunen: now, or at the end of
    `stichtag` (from the history, with the quota as it was set then). One query.

    `sichtbar` is the caller's row scope on Kommune (`wrm.berechtigungen.bereich`), so what a
    screen or the API shows goes through it like every other read; `kommune_id` asks for one.
    """
    bedingungen = [Kommune.landkreis_id == landkreis.id, Kommune.aktiv]
    if sichtbar is not None:
        bedingungen.append(sichtbar)
    if kommune_id is not None:
        bedingungen.append(Kommune.id == kommune_id)
    if stichtag is None:
        ergebnis = _jetzt(session, landkreis=landkreis, bedingungen=bedingungen)
    else:
        ergebnis = _am_stichtag(session, stichtag=stichtag, landkreis_ids=[landkreis.id],
                                bedingungen=bedingungen)
    wirkung = kennzahlen.hilfewirkung(hilfen(session, landkreis_ids=[landkreis.id],
                                             stichtag=stichtag))
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


def _jetzt(session: Session, *, landkreis: Landkreis, bedingungen: list[Any]) -> list[Stand]:
    """Kommunen, their reports and the quotas of the current period, joined."""
    zeitraum = zeitraum_am(session, landkreis=landkreis, tag=heute())
    zeitraum_id = zeitraum.id if zeitraum is not None else None
    abfrage = (
        select(Kommune, Meldung, Aufnahmequote.wert,
               angerechnet(zeitraum_id=zeitraum_id, bis=tagesende(heute())))
        .outerjoin(Meldung, Meldung.kommune_id == Kommune.id)
        .outerjoin(Aufnahmequote, and_(Aufnahmequote.kommune_id == Kommune.id,
                                       Aufnahmequote.verteilzeitraum_id == zeitraum_id))
        .where(*bedingungen)
    )
    return [_aus_meldung(k, m, q, b) for k, m, q, b in session.execute(abfrage)]


# Built once: an alias copies every column of its table, which cost more than the query's
# own construction when made per request.
_PERIODEN = aliased(Verteilzeitraum, name="perioden")
_EINTRAG = aliased(Verlaufseintrag)


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


def _am_stichtag(session: Session, *, stichtag: date, landkreis_ids: list[int],
                 bedingungen: list[Any]) -> list[Stand]:
    """Kommunen existing then, their latest history entry and quota before midnight.

    The entry comes as plain columns, not as an ORM object: it is only read, and at state
    scale building a thousand entities (with their JSON of changes) cost more than the query.
    """
    teile = stichtagsteile(session, stichtag=stichtag, landkreis_ids=landkreis_ids)
    eintrag_id, spalten, verbindung = _letzter_eintrag(session, teile, tagesende(stichtag))
    abfrage = (
        select(Kommune, teile.letzte_quote,
               angerechnet(zeitraum_id=teile.perioden.id, bis=tagesende(stichtag)),
               eintrag_id, *spalten)
        .outerjoin(teile.perioden, teile.verbindung)
        .outerjoin(*verbindung)
        .where(*bedingungen, Kommune.angelegt_am < tagesende(stichtag))
    )
    # A row without an entry id: the Kommune had not reported by then.
    return [_aus_verlauf(r[0], r if r[3] is not None else None, r[1], r[2])
            for r in session.execute(abfrage)]


def _letzter_eintrag(session: Session, teile: StichtagsTeile, grenze: datetime
                     ) -> tuple[Any, list[Any], tuple[Any, Any]]:
    """The latest history entry per Kommune as (its id, its columns, what to join).

    PostgreSQL plans "entry id = (latest id)" as a hash join over the whole history, 20 ms at a
    thousand Kommunen; a LATERAL subquery is one index seek per Kommune. SQLite has no LATERAL,
    and its plan for the id is a seek per Kommune already.
    """
    if session.get_bind().dialect.name != "postgresql":
        return (_EINTRAG.id, _eintragsspalten(_EINTRAG),
                (_EINTRAG, _EINTRAG.id == teile.letzter_eintrag))
    letzter = (
        select(Verlaufseintrag.id, *_eintragsspalten(Verlaufseintrag))
        .where(Verlaufseintrag.kommune_id == Kommune.id, Verlaufseintrag.zeitpunkt < grenze)
        .order_by(Verlaufseintrag.zeitpunkt.desc(), Verlaufseintrag.id.desc())
        .limit(1)
        .lateral("letzter_eintrag")
    )
    spalten = [letzter.c[name] for name in _EINTRAGSNAMEN]
    return letzter.c.id, spalten, (letzter, true())


#: The columns of a history entry a `Stand` reads.
_EINTRAGSNAMEN = (*_ZAHLEN_UND_LAGE, "bemerkung", "zeitpunkt", "version", "benutzer_name")


def _eintragsspalten(eintrag: Any) -> list[Any]:
    """The columns of a history entry a `Stand` reads, labelled like its attributes."""
    return [getattr(eintrag, name).label(name) for name in _EINTRAGSNAMEN]
