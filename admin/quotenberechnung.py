"""The county's quota screen for a period: WRM's calculation next to the quotas in force,
applied with one click; closing the period with each Kommune's rest as carry-over."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select

from admin.base import GeschuetzteAnsicht, angemeldeter_benutzer
from admin.dienstansicht import ausfuehren
from admin.formulare import WrmFormular, token_pruefen
from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.models import Aufnahmequote, Kommune, Verteilzeitraum
from wrm.services.pruefung import Validierungsfehler, kennung_lesen, zahl_lesen
from wrm.services.quotenanpassungen import abschliessen, naechster_zeitraum, reste
from wrm.services.quotenberechnung import berechnung_anwenden, fingerabdruck, quoten_berechnen
from wrm.services.verteilzeitraeume import quoten_von, zeitraum_am
from wrm.zeit import heute


class QuotenberechnungAnsicht(GeschuetzteAnsicht):
    """`?zeitraum=ID&kontingent=N`; without them the current period and its contingent."""

    modell = Aufnahmequote
    aktion = Aktion.AENDERN

    def _zeitraum(self, kennung: object) -> Verteilzeitraum:
        benutzer = angemeldeter_benutzer()
        zeitraeume = db.session.scalars(select(Verteilzeitraum).where(
            berechtigungen.bereich(benutzer, Verteilzeitraum))
            .order_by(Verteilzeitraum.beginn.desc())).all()
        if not zeitraeume:
            abort(404)
        gewuenscht = kennung_lesen(str(kennung or ""))
        if gewuenscht is not None:
            return next((z for z in zeitraeume if z.id == gewuenscht), None) or abort(404)
        assert benutzer is not None  # is_accessible
        return zeitraum_am(db.session, landkreis=benutzer.landkreis, tag=heute()) \
            or zeitraeume[0]

    @expose("/")
    def index(self) -> str:
        """The calculation (or why it is not possible), the quotas in force, the closing."""
        zeitraum = self._zeitraum(request.args.get("zeitraum"))
        kontingent: int | None = None
        fehler: list[str] = []
        try:
            kontingent = zahl_lesen(request.args.get("kontingent", ""))
        except ValueError as grund:
            fehler.append(f"Kontingent: {grund}.")
        berechnung = None
        try:
            berechnung = quoten_berechnen(db.session, zeitraum=zeitraum, kontingent=kontingent)
        except Validierungsfehler as grund:
            fehler.extend(grund.fehler.values())
        naechster = naechster_zeitraum(db.session, zeitraum)
        zeitraeume = db.session.scalars(select(Verteilzeitraum).where(
            Verteilzeitraum.landkreis_id == zeitraum.landkreis_id)
            .order_by(Verteilzeitraum.beginn.desc())).all()
        gesetzt = {q.kommune.name: q for q in quoten_von(db.session, zeitraum=zeitraum).values()}
        # What applying would change, shown (and to be confirmed) before it is done.
        aenderungen = {z.kommune for z in (berechnung.zeilen if berechnung else ())
                       if z.kommune not in gesetzt or gesetzt[z.kommune].wert != z.quote}
        return self.render(
            "admin/quotenberechnung.html", zeitraum=zeitraum, zeitraeume=zeitraeume,
            berechnung=berechnung, fehler=fehler, gesetzt=gesetzt,
            aenderungen_je_kommune=aenderungen,
            kontingent_eingabe=request.args.get("kontingent", ""),
            fingerabdruck=fingerabdruck(db.session, zeitraum=zeitraum, berechnung=berechnung)
            if berechnung else "",
            naechster=naechster,
            reste=reste(db.session, zeitraum=zeitraum)
            if zeitraum.abgeschlossen_am is None and zeitraum.ende is not None and naechster
            else [],
            kommune_ids=dict(db.session.execute(select(Kommune.name, Kommune.id).where(
                Kommune.landkreis_id == zeitraum.landkreis_id)).all()),
            heute=heute(), csrf_token_admin=WrmFormular().csrf_token.current_token)

    def _formular_pruefen(self) -> Verteilzeitraum:
        token_pruefen()
        return self._zeitraum(request.form.get("zeitraum"))

    @expose("/anwenden", methods=("POST",))
    def anwenden_view(self) -> Any:
        """Apply the calculation the county saw, once it confirmed the changes listed (refused
        when its inputs changed since)."""
        zeitraum = self._formular_pruefen()
        benutzer = angemeldeter_benutzer()
        if request.form.get("bestaetigt") != "ja":
            flash("Bitte bestätigen Sie die aufgeführten Änderungen der Quoten.", "error")
            return redirect(url_for(".index", zeitraum=zeitraum.id,
                                    kontingent=request.form.get("kontingent") or None))

        def schritt() -> int:
            try:
                kontingent = zahl_lesen(request.form.get("kontingent", ""))
            except ValueError as grund:
                raise Validierungsfehler({"kontingent": f"Kontingent: {grund}."}) from None
            return berechnung_anwenden(db.session, zeitraum=zeitraum, kontingent=kontingent,
                                       gesehen=request.form.get("fingerabdruck", ""),
                                       benutzer=benutzer)[1]

        ausfuehren(schritt, lambda n: f"Quoten angewendet: {n} geändert.")
        return redirect(url_for(".index", zeitraum=zeitraum.id,
                                kontingent=request.form.get("kontingent") or None))

    @expose("/abschliessen", methods=("POST",))
    def abschliessen_view(self) -> Any:
        """Close the period; the rests go into the next one as carry-over."""
        zeitraum = self._formular_pruefen()
        if request.form.get("bestaetigt") != "ja":
            flash("Bitte bestätigen Sie den Abschluss.", "error")
            return redirect(url_for(".index", zeitraum=zeitraum.id))
        ergebnis = ausfuehren(
            lambda: abschliessen(db.session, zeitraum=zeitraum, benutzer=angemeldeter_benutzer()),
            lambda a: f"„{a.zeitraum.name}“ abgeschlossen; die Reste sind als Übertrag in "
                      f"„{a.naechster.name}“ eingetragen.")
        ziel = ergebnis.naechster.id if ergebnis is not None else zeitraum.id
        return redirect(url_for(".index", zeitraum=ziel))
