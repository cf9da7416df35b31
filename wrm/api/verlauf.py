"""Aenderung: the history of a report, one entry per changed field, loaded once per request."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import strawberry
from sqlalchemy import select

from wrm import berechtigungen
from wrm.api.context import Kontext
from wrm.api.permissions import PersonenSichtbar
from wrm.berechtigungen import Aktion
from wrm.meldefelder import FELDER_NACH_NAME
from wrm.models import Kommune as KommuneModell
from wrm.models import Verlaufseintrag
from wrm.services.pruefung import FRUEHESTER_STICHTAG
from wrm.zeit import heute, tagesbeginn, tagesende


@strawberry.type(description="Eine Änderung einer Meldung: wer, wann, welches Feld, alt → neu. "
                             "Eine Bestätigung ohne Änderung hat kein Feld.")
class Aenderung:
    """One changed field of one save (or a confirmation, with `feld` null)."""

    zeitpunkt: datetime
    vorgang: str
    feld: str | None = strawberry.field(description="Spaltenname, z. B. zuweisungen.")
    bezeichnung: str | None = strawberry.field(description="Spalte wie im Konzeptpapier.")
    alt: str | None
    neu: str | None
    kommune_id: strawberry.Private[int]
    benutzer_name: strawberry.Private[str | None]

    @strawberry.field(permission_classes=[PersonenSichtbar], description="Wer geändert hat.")
    def benutzer(self) -> str | None:
        """The user's name at the time."""
        return self.benutzer_name


def _text(wert: object) -> str | None:
    return None if wert is None else str(wert)


def _aenderungen(eintrag: Verlaufseintrag, bemerkung_sichtbar: bool) -> list[Aenderung]:
    gemeinsam = {"zeitpunkt": eintrag.zeitpunkt, "vorgang": eintrag.vorgang,
                 "kommune_id": eintrag.kommune_id, "benutzer_name": eintrag.benutzer_name}
    felder = [(f, w) for f, w in eintrag.aenderungen.items()
              if f != "bemerkung" or bemerkung_sichtbar]
    if not felder:
        return [Aenderung(feld=None, bezeichnung=None, alt=None, neu=None, **gemeinsam)]
    return [Aenderung(feld=feld, bezeichnung=FELDER_NACH_NAME[feld].titel
                      if feld in FELDER_NACH_NAME else feld,
                      alt=_text(alt), neu=_text(neu), **gemeinsam)
            for feld, (alt, neu) in felder]


def verlauf_von(ctx: Kontext, kommune_ids: list[int], kommune: KommuneModell, von: date | None,
                bis: date | None) -> list[Aenderung]:
    """The Kommune's changes, oldest first; loads all `kommune_ids` in one query."""
    # Bounds outside the days anyone reported on mean "no bound" (and keep the date arithmetic
    # of `tagesende` inside the calendar).
    if von is not None and von <= FRUEHESTER_STICHTAG:
        von = None
    if bis is not None and bis >= heute():
        bis = None
    geladen = ctx.verlauf_cache(von, bis)
    if geladen is None:
        # The row scope of `wrm.berechtigungen` (a kommune user: its own history only).
        abfrage = berechtigungen.filtern(
            ctx.angemeldet, Verlaufseintrag, Aktion.LESEN,
            select(Verlaufseintrag).where(Verlaufseintrag.kommune_id.in_(kommune_ids)))
        if von is not None:
            abfrage = abfrage.where(Verlaufseintrag.zeitpunkt >= tagesbeginn(von))
        if bis is not None:
            abfrage = abfrage.where(Verlaufseintrag.zeitpunkt < tagesende(bis))
        geladen = defaultdict(list)
        for eintrag in ctx.session.scalars(
                abfrage.order_by(Verlaufseintrag.zeitpunkt, Verlaufseintrag.id)):
            geladen[eintrag.kommune_id].append(eintrag)
        ctx.verlauf_merken(von, bis, geladen)
    sichtbar = berechtigungen.bemerkung_sichtbar(ctx.angemeldet, kommune)
    return [a for e in geladen.get(kommune.id, []) for a in _aenderungen(e, sichtbar)]

