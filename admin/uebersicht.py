"""Read-only pages for every role: the paper's "Übersicht" and "Kontinuierliche Auswertung"."""

from __future__ import annotations

from datetime import date

from flask import abort, request
from flask_admin import expose

from admin.base import GeschuetzteAnsicht, angemeldeter_benutzer
from wrm import berechtigungen
from wrm.darstellung import AUSWERTUNGSSPALTEN
from wrm.db import db
from wrm.meldefelder import ZAHLENFELDER, ZU_ERFUELLEN
from wrm.models import Meldung
from wrm.services.auswertung import aktueller_stand, auswertung
from wrm.zeit import heute


class UebersichtAnsicht(GeschuetzteAnsicht):
    """All Kommunen's figures and computed fields, as in the paper's "Übersicht"."""

    modell = Meldung

    @expose("/")
    def index(self) -> str:
        """The table, one row per Kommune in the order of the Kommunen."""
        benutzer = angemeldeter_benutzer()
        assert benutzer is not None  # is_accessible
        stand = aktueller_stand(db.session, landkreis=benutzer.landkreis)
        return self.render(
            "admin/uebersicht.html", stand=stand, felder=ZAHLENFELDER, zu_erfuellen=ZU_ERFUELLEN,
            bemerkung_sichtbar=lambda k: berechtigungen.bemerkung_sichtbar(benutzer, k.id),
            personen_sichtbar=berechtigungen.personen_sichtbar(benutzer),
        )


class AuswertungAnsicht(GeschuetzteAnsicht):
    """The paper's "Kontinuierliche Auswertung", today or at a Stichtag."""

    modell = Meldung

    @expose("/")
    def index(self) -> str:
        """The table sorted by Bedarf, the Gesamt row and the summary block."""
        benutzer = angemeldeter_benutzer()
        assert benutzer is not None  # is_accessible
        text = request.args.get("stichtag", "").strip()
        try:
            stichtag = date.fromisoformat(text) if text else None
        except ValueError:
            abort(400, "Der Stichtag muss ein Datum im Format JJJJ-MM-TT sein.")
        ergebnis = auswertung(db.session, landkreis=benutzer.landkreis, stichtag=stichtag)
        return self.render("admin/auswertung.html", auswertung=ergebnis,
                           stichtag=stichtag or heute(), heute=heute(),
                           spalten=AUSWERTUNGSSPALTEN[1:-1])
