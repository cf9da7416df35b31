"""The quota ledger: credits the county confirms (from (4), e.g. newborns), credits of help
agreements with the allocation changed (`anrechnung = aufnehmend`), corrections. Each enters (5).
Entries are never changed or deleted; a mistake is corrected by a `korrektur`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wrm import berechtigungen
from wrm.anzeige import datum as anzeige_datum
from wrm.berechtigungen import Aktion
from wrm.db import jetzt
from wrm.meldefelder import HOECHSTWERT
from wrm.models import Benutzer, Buchung, Buchungsart, Kommune, Verteilzeitraum
from wrm.models.datenstand import schreibsperre
from wrm.services.pruefung import (
    BEMERKUNG_HOECHSTLAENGE,
    Validierungsfehler,
    datum_pruefen,
    erlaubt,
    text_pruefen,
)
from wrm.services.verteilzeitraeume import offen_pruefen, zeitraum_mit, zeitraumspanne
from wrm.zeit import heute


def angerechnet(*, zeitraum_id: Any, bis: datetime) -> Any:
    """Σ persons booked to the outer query's Kommune in the period `zeitraum_id` (a value or
    a column of the outer query) before `bis`, 0 without entries: a correlated subquery, one
    index range per Kommune, so the credits come with the row instead of another query."""
    return (select(func.coalesce(func.sum(Buchung.personen), 0))
            .where(Buchung.verteilzeitraum_id == zeitraum_id,
                   Buchung.kommune_id == Kommune.id, Buchung.eingetragen_am < bis)
            .correlate(Kommune).scalar_subquery())


def buchen(session: Session, *, kommune: Kommune, zeitraum: Verteilzeitraum | None,
           personen: int, art: Buchungsart, quelle: str, benutzer: Benutzer | None,
           system: str | None = None, datum: date | None = None,
           vereinbarung_id: int | None = None) -> Buchung:
    """Book persons (±) to a Kommune's quota in a period: the one given, which must contain the
    booking's day (`datum`, default today), or without one the period containing that day; a
    day in no period is refused. Only the county (or the trusted CLI, `system`); agreements
    book their own entries. Raises `Validierungsfehler` (German, by field) or `Verweigert`.
    Caller commits."""
    erlaubt(berechtigungen.im_bereich(benutzer, Buchung, Aktion.ANLEGEN, kommune),
            "Anrechnungen bucht nur der Landkreis.", benutzer=benutzer, system=system)
    fehler: dict[str, str] = {}
    if isinstance(personen, bool) or not isinstance(personen, int) or personen == 0 \
            or abs(personen) > HOECHSTWERT:
        fehler["personen"] = (f"Eine ganze Zahl ungleich 0 zwischen −{HOECHSTWERT:_} und "
                              f"{HOECHSTWERT:_}.").replace("_", ".")
    if not (quelle or "").strip():
        fehler["quelle"] = "Bitte angeben, worauf die Buchung beruht."
    elif grund := text_pruefen(quelle, hoechstlaenge=BEMERKUNG_HOECHSTLAENGE, mehrzeilig=True):
        fehler["quelle"] = grund
    tag = datum or heute()
    if grund := datum_pruefen(tag, heute=heute()):
        fehler["datum"] = grund
    elif zeitraum is None:
        zeitraum = zeitraum_mit(session, landkreis_id=kommune.landkreis_id, tag=tag)
        if zeitraum is None:
            fehler["datum"] = (f"Kein Verteilzeitraum enthält den {anzeige_datum(tag)}; die "
                               "Buchung gehört in den Verteilzeitraum ihres Tages.")
    elif zeitraum.landkreis_id != kommune.landkreis_id:
        fehler["zeitraum"] = "Der Verteilzeitraum gehört zu einem anderen Landkreis."
    elif not zeitraum.enthaelt(tag):
        fehler["datum"] = (f"Der {anzeige_datum(tag)} liegt nicht im Verteilzeitraum "
                           f"„{zeitraum.name}“ ({zeitraumspanne(zeitraum)}).")
    if fehler:
        raise Validierungsfehler(fehler)
    assert zeitraum is not None
    schreibsperre(session)  # a period being closed at the same time: before or refused
    offen_pruefen(zeitraum)
    buchung = Buchung(kommune=kommune, verteilzeitraum_id=zeitraum.id, datum=tag,
                      personen=personen, art=art, quelle=quelle.strip(),
                      vereinbarung_id=vereinbarung_id, eingetragen_am=jetzt(),
                      eingetragen_von=benutzer.name if benutzer is not None else system)
    session.add(buchung)
    session.flush()
    return buchung
