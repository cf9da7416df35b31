"""The quota ledger: credits the county confirms (from (4), e.g. newborns), credits of help
agreements with the allocation changed (`anrechnung = aufnehmend`), corrections. Each enters (5).
Entries are never changed or deleted; a mistake is corrected by a `korrektur`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import jetzt
from wrm.meldefelder import HOECHSTWERT
from wrm.models import Benutzer, Buchung, Buchungsart, Kommune, Verteilzeitraum
from wrm.services.pruefung import (
    BEMERKUNG_HOECHSTLAENGE,
    Validierungsfehler,
    Verweigert,
    text_pruefen,
)
from wrm.services.verteilzeitraeume import zeitraeume_am
from wrm.zeit import heute, tagesende


def anrechnungen(session: Session, *, landkreis_ids: list[int] | None,
                 stichtag: date | None = None) -> dict[int, int]:
    """Per Kommune id: Σ persons booked in its Landkreis' period of that day (today when None),
    counting entries made before the end of the day; `landkreis_ids` None: every Landkreis."""
    tag = stichtag or heute()
    perioden = [z.id for z in zeitraeume_am(session, tag=tag, landkreis_ids=landkreis_ids)
                .values()]
    if not perioden:
        return {}
    zeilen = session.execute(
        select(Buchung.kommune_id, func.sum(Buchung.personen))
        .where(Buchung.verteilzeitraum_id.in_(perioden),
               Buchung.eingetragen_am < tagesende(tag))
        .group_by(Buchung.kommune_id))
    return {kommune: int(summe) for kommune, summe in zeilen if summe}


def buchen(session: Session, *, kommune: Kommune, zeitraum: Verteilzeitraum, personen: int,
           art: Buchungsart, quelle: str, benutzer: Benutzer | None, system: str | None = None,
           datum: date | None = None, vereinbarung_id: int | None = None) -> Buchung:
    """Book persons (±) to a Kommune's quota in a period. Only the county (or the trusted CLI,
    `system`); agreements book their own entries. Raises `Validierungsfehler` (German, by
    field) or `Verweigert`. Caller commits."""
    if (benutzer is not None or system is None) and not berechtigungen.im_bereich(
            benutzer, Buchung, Aktion.ANLEGEN, kommune):
        raise Verweigert("Anrechnungen bucht nur der Landkreis.")
    fehler: dict[str, str] = {}
    if isinstance(personen, bool) or not isinstance(personen, int) or personen == 0 \
            or abs(personen) > HOECHSTWERT:
        fehler["personen"] = (f"Eine ganze Zahl ungleich 0 zwischen −{HOECHSTWERT:_} und "
                              f"{HOECHSTWERT:_}.").replace("_", ".")
    if not (quelle or "").strip():
        fehler["quelle"] = "Bitte angeben, worauf die Buchung beruht."
    elif grund := text_pruefen(quelle, hoechstlaenge=BEMERKUNG_HOECHSTLAENGE, mehrzeilig=True):
        fehler["quelle"] = grund
    if zeitraum.landkreis_id != kommune.landkreis_id:
        fehler["zeitraum"] = "Der Verteilzeitraum gehört zu einem anderen Landkreis."
    if fehler:
        raise Validierungsfehler(fehler)
    buchung = Buchung(kommune=kommune, verteilzeitraum_id=zeitraum.id, datum=datum or heute(),
                      personen=personen, art=art, quelle=quelle.strip(),
                      vereinbarung_id=vereinbarung_id, eingetragen_am=jetzt(),
                      eingetragen_von=benutzer.name if benutzer is not None else system)
    session.add(buchung)
    session.flush()
    return buchung
