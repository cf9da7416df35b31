"""Distribution periods and quotas: which period is current, and setting a quota with history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Integer, bindparam, insert, select
from sqlalchemy.orm import Session

from wrm.db import jetzt
from wrm.models import Aufnahmequote, Benutzer, Kommune, Landkreis, Quotenaenderung, Verteilzeitraum
from wrm.models.datenstand import schreibsperre
from wrm.namen import name_bereinigen, namensschluessel
from wrm.services.pruefung import Validierungsfehler, zahl_pruefen

# Built once (read on every request of the API); newest first, as `waehlen` expects.
_ALLE = select(Verteilzeitraum).order_by(Verteilzeitraum.beginn.desc(), Verteilzeitraum.id.desc())
_DIESER_KREISE = _ALLE.where(
    Verteilzeitraum.landkreis_id.in_(bindparam("landkreise", type_=Integer, expanding=True)))


def waehlen(zeitraeume: list[Verteilzeitraum], tag: date) -> Verteilzeitraum | None:
    """Of one Landkreis' periods (newest first, `zeitraeume_von`): the one containing the day,
    else the latest begun by then, else the latest at all."""
    for zeitraum in zeitraeume:
        if zeitraum.enthaelt(tag):
            return zeitraum
    begonnen = [z for z in zeitraeume if z.beginn <= tag]
    if begonnen:
        return begonnen[0]
    return zeitraeume[0] if zeitraeume else None


def zeitraum_am(session: Session, *, landkreis: Landkreis, tag: date) -> Verteilzeitraum | None:
    """The period containing the day; else the latest begun by then; else the latest at all."""
    return waehlen(zeitraeume_von(session, landkreis_id=landkreis.id), tag)


def zeitraum_mit(session: Session, *, landkreis_id: int, tag: date) -> Verteilzeitraum | None:
    """The Landkreis' period containing the day, or None (for what must land in exactly the
    period of its day: a credit)."""
    return next((z for z in zeitraeume_von(session, landkreis_id=landkreis_id)
                 if z.enthaelt(tag)), None)


def zeitraeume_von(session: Session, *, landkreis_id: int) -> list[Verteilzeitraum]:
    """The Landkreis' periods, newest first (what `waehlen` chooses from)."""
    return list(session.scalars(_DIESER_KREISE, {"landkreise": [landkreis_id]}))


def zeitraeume_am(session: Session, *, tag: date, landkreis_ids: list[int] | None = None
                  ) -> dict[int, Verteilzeitraum]:
    """`zeitraum_am` for many Landkreise (all when None) in one query, by Landkreis id."""
    if landkreis_ids is None:
        zeitraeume = session.scalars(_ALLE)
    else:
        zeitraeume = session.scalars(_DIESER_KREISE, {"landkreise": landkreis_ids})
    je_kreis: dict[int, list[Verteilzeitraum]] = {}
    for zeitraum in zeitraeume:
        je_kreis.setdefault(zeitraum.landkreis_id, []).append(zeitraum)
    gewaehlt = {kreis: waehlen(liste, tag) for kreis, liste in je_kreis.items()}
    return {kreis: z for kreis, z in gewaehlt.items() if z is not None}


def _andere(session: Session, landkreis_id: int, ausser_id: int | None
            ) -> list[Verteilzeitraum]:
    # Without autoflush: a period being created is not flushed by this query and so is never
    # found as another one.
    with session.no_autoflush:
        return list(session.scalars(select(Verteilzeitraum).where(
            Verteilzeitraum.landkreis_id == landkreis_id,
            Verteilzeitraum.id != (ausser_id or -1)).order_by(Verteilzeitraum.beginn)))


def ueberschneidung(session: Session, *, landkreis_id: int, beginn: date, ende: date | None,
                    ausser_id: int | None = None) -> Verteilzeitraum | None:
    """Another period of the Landkreis that shares a day with [beginn, ende] (open end: for
    ever), or None. Periods of one Landkreis must not overlap: a day has one quota."""
    for anderer in _andere(session, landkreis_id, ausser_id):
        if (ende is None or anderer.beginn <= ende) and (anderer.ende is None
                                                         or beginn <= anderer.ende):
            return anderer
    return None


def zeitraum_pruefen(session: Session, *, landkreis_id: int, beginn: date, ende: date | None,
                     kontingent: int | None, ausser_id: int | None = None,
                     name: str | None = None) -> dict[str, str]:
    """Why a period cannot be (field → German message): an end before the beginning, a
    negative contingent, an overlap with another period of the Landkreis, or (when `name` is
    given) another period's name (`wrm.namen`: spaces and case aside)."""
    fehler: dict[str, str] = {}
    if name is not None:
        if not name_bereinigen(name):
            fehler["name"] = "Bitte einen Namen angeben."
        elif gleichnamig := next((z for z in _andere(session, landkreis_id, ausser_id)
                                  if namensschluessel(z.name) == namensschluessel(name)), None):
            fehler["name"] = f"Einen Verteilzeitraum „{gleichnamig.name}“ gibt es schon."
    if ende is not None and ende < beginn:
        fehler["ende"] = "Das Ende liegt vor dem Beginn."
    if kontingent is not None and kontingent < 0:
        fehler["kontingent"] = "Das Kontingent darf nicht negativ sein."
    if anderer := ueberschneidung(session, landkreis_id=landkreis_id, beginn=beginn, ende=ende,
                                  ausser_id=ausser_id):
        fehler["beginn"] = (f"Der Zeitraum überschneidet sich mit „{anderer.name}“ "
                            f"({zeitraumspanne(anderer)}).")
    return fehler


def zeitraumspanne(zeitraum: Verteilzeitraum) -> str:
    """"01.01.2026 – 30.06.2026", or "01.01.2026 – offen" for an open end."""
    return (f"{zeitraum.beginn:%d.%m.%Y} – "
            f"{f'{zeitraum.ende:%d.%m.%Y}' if zeitraum.ende else 'offen'}")


def offen_pruefen(zeitraum: Verteilzeitraum, feld: str = "zeitraum") -> None:
    """A closed period's quotas, credits and adjustments no longer change."""
    if zeitraum.abgeschlossen_am is not None:
        raise Validierungsfehler({feld: f"Der Verteilzeitraum „{zeitraum.name}“ ist "
                                        "abgeschlossen; er ändert sich nicht mehr."})


def zeitraum_eroeffnen(
    session: Session, *, landkreis: Landkreis, beginn: date, ende: date | None = None,
    name: str | None = None, kontingent: int | None = None,
) -> Verteilzeitraum:
    """Open a new period (open-ended unless `ende` is given); `zeitraum_pruefen` decides,
    under the write lock (two periods opened at once cannot both pass it)."""
    schreibsperre(session)
    name = name_bereinigen(name or "") or f"Verteilzeitraum ab {beginn:%d.%m.%Y}"
    if fehler := zeitraum_pruefen(session, landkreis_id=landkreis.id, beginn=beginn, ende=ende,
                                  kontingent=kontingent, name=name):
        raise Validierungsfehler(fehler)
    zeitraum = Verteilzeitraum(
        landkreis=landkreis, beginn=beginn, ende=ende, kontingent=kontingent, name=name)
    session.add(zeitraum)
    session.flush()
    return zeitraum


def quote_setzen(
    session: Session,
    *,
    kommune: Kommune,
    zeitraum: Verteilzeitraum,
    wert: int | None,
    benutzer: Benutzer | None = None,
    benutzer_name: str | None = None,
    zeitpunkt: datetime | None = None,
    bestehende: dict[int, Aufnahmequote] | None = None,
    manuell: bool = True,
) -> bool:
    """Set (or with None remove) a Kommune's quota in a period; True when it changed.

    Every change is kept as a `Quotenaenderung`, so a past day's zu_erfuellen can be reproduced.
    `manuell` marks a quota set by hand (form, import) rather than applied from the calculation.
    `bestehende` (the period's quotas by Kommune id, see `quoten_von`) spares a query per call
    in bulk imports.
    """
    fehler = zahl_pruefen(wert)
    if fehler:
        raise Validierungsfehler({"aufnahmequote": fehler})
    schreibsperre(session)  # the quota in force is read under the lock: its history is exact
    offen_pruefen(zeitraum, "aufnahmequote")
    if bestehende is None:
        bestehende = quoten_von(session, zeitraum=zeitraum, kommune_ids=[kommune.id])
    quote = bestehende.get(kommune.id)
    alt = quote.wert if quote is not None else None
    if quote is not None:
        quote.manuell = manuell  # the same value, now set by hand or by the calculation
    if alt == wert:
        return False
    if wert is None:
        session.delete(quote)
        del bestehende[kommune.id]
    elif quote is None:
        bestehende[kommune.id] = Aufnahmequote(kommune=kommune, verteilzeitraum=zeitraum,
                                               wert=wert, manuell=manuell)
        session.add(bestehende[kommune.id])
    else:
        quote.wert = wert
    session.add(Quotenaenderung(
        kommune_id=kommune.id, verteilzeitraum_id=zeitraum.id, zeitpunkt=zeitpunkt or jetzt(),
        alt=alt, wert=wert, benutzer=benutzer,
        benutzer_name=benutzer.name if benutzer is not None else benutzer_name,
    ))
    return True


def quoten_von(session: Session, *, zeitraum: Verteilzeitraum,
               kommune_ids: list[int] | None = None) -> dict[int, Aufnahmequote]:
    """The period's quotas by Kommune id (of the given Kommunen, or all)."""
    abfrage = select(Aufnahmequote).where(Aufnahmequote.verteilzeitraum_id == zeitraum.id)
    if kommune_ids is not None:
        abfrage = abfrage.where(Aufnahmequote.kommune_id.in_(kommune_ids))
    return {q.kommune_id: q for q in session.scalars(abfrage)}


def erste_quoten(session: Session, *, zeitraum: Verteilzeitraum, quoten: dict[int, int],
                 benutzer: Benutzer | None, benutzer_name: str | None, zeitpunkt: datetime
                 ) -> int:
    """Quotas of Kommunen that have none in the period yet, as bulk INSERTs (with history).

    `quoten` maps Kommune ids to values. For imports of thousands of new Kommunen; the rules are
    those of `quote_setzen`. Returns how many were set.
    """
    for wert in quoten.values():
        if fehler := zahl_pruefen(wert):
            raise Validierungsfehler({"aufnahmequote": fehler})
    offen_pruefen(zeitraum, "aufnahmequote")
    if not quoten:
        return 0
    name = benutzer.name if benutzer is not None else benutzer_name
    session.execute(insert(Aufnahmequote), [
        {"kommune_id": k, "verteilzeitraum_id": zeitraum.id, "wert": w} for k, w in quoten.items()])
    session.execute(insert(Quotenaenderung), [
        {"kommune_id": k, "verteilzeitraum_id": zeitraum.id, "zeitpunkt": zeitpunkt, "alt": None,
         "wert": w, "benutzer_id": benutzer.id if benutzer is not None else None,
         "benutzer_name": name} for k, w in quoten.items()])
    return len(quoten)
