"""Requests for help: a Kommune asks the county for places elsewhere (`offen` → `erledigt` |
`zurueckgezogen`); the county answers with agreements (`wrm.services.vereinbarungen`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import jetzt
from wrm.models import (
    Benutzer,
    Ersuchensstatus,
    Hilfeersuchen,
    Kommune,
    Vereinbarungsereignis,
)
from wrm.services.pruefung import Validierungsfehler, erlaubt
from wrm.services.vereinbarungen import (
    bemerkung_pruefen,
    personen_pruefen,
    speichern,
    version_pruefen,
    wer,
)
from wrm.zeit import heute


def ersuchen_anlegen(session: Session, *, kommune: Kommune, personen: int,
                     benoetigt_bis: date | None = None, bemerkung: str | None = None,
                     benutzer: Benutzer | None, system: str | None = None) -> Hilfeersuchen:
    """File a Kommune's request for help (`offen`). Raises `Validierungsfehler` or
    `Verweigert`; caller commits."""
    erlaubt(berechtigungen.darf_ersuchen(benutzer, kommune, Aktion.ANLEGEN),
            "Sie dürfen nur für Ihre eigene Kommune um Hilfe bitten.",
            benutzer=benutzer, system=system)
    fehler: dict[str, str] = {}
    personen_pruefen(personen, fehler)
    bemerkung_pruefen(bemerkung, fehler)
    if benoetigt_bis is not None and benoetigt_bis < heute():
        fehler["benoetigt_bis"] = "Das Datum liegt in der Vergangenheit."
    if fehler:
        raise Validierungsfehler(fehler)
    zeitpunkt = jetzt()
    ersuchen = Hilfeersuchen(kommune=kommune, personen=personen, benoetigt_bis=benoetigt_bis,
                             bemerkung=bemerkung or None, status=Ersuchensstatus.OFFEN,
                             angelegt_am=zeitpunkt, angelegt_von=wer(benutzer, system))
    session.add(ersuchen)
    speichern(session, "Das Hilfeersuchen")
    session.add(Vereinbarungsereignis(hilfeersuchen_id=ersuchen.id, zeitpunkt=zeitpunkt,
                                      benutzer_name=wer(benutzer, system), vorgang="ersuchen",
                                      neu="offen"))
    return ersuchen


def ersuchen_schliessen(session: Session, *, ersuchen: Hilfeersuchen, status: Ersuchensstatus,
                        version: int, benutzer: Benutzer | None, system: str | None = None
                        ) -> Hilfeersuchen:
    """Close an open request as `erledigt` or `zurueckgezogen`."""
    erlaubt(berechtigungen.darf_ersuchen(benutzer, ersuchen.kommune, Aktion.AENDERN),
            "Nur die Kommune selbst oder der Landkreis kann das Hilfeersuchen schließen.",
            benutzer=benutzer, system=system)
    version_pruefen(version, ersuchen.version, "Das Hilfeersuchen")
    if ersuchen.status is not Ersuchensstatus.OFFEN or status is Ersuchensstatus.OFFEN:
        raise Validierungsfehler({"status": "Nur ein offenes Hilfeersuchen kann erledigt oder "
                                            "zurückgezogen werden."})
    alt, ersuchen.status = ersuchen.status, status
    session.add(Vereinbarungsereignis(hilfeersuchen_id=ersuchen.id, zeitpunkt=jetzt(),
                                      benutzer_name=wer(benutzer, system), vorgang="ersuchen",
                                      alt=alt.value, neu=status.value))
    speichern(session, "Das Hilfeersuchen")
    return ersuchen
