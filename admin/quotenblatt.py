"""The Quotenblatt screen: a Kommune's quota in a period, line by line (the county: any
Kommune; a Kommune: its own; not the press office, the ledger's sources may name persons)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select

from admin.base import GeschuetzteAnsicht, angemeldeter_benutzer
from admin.dienstansicht import ausfuehren
from admin.formulare import WrmFormular, token_pruefen
from admin.herunterladen import dateinamenteil, herunterladen
from wrm import berechtigungen, exporte
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.meldefelder import bezeichnung
from wrm.models import Anpassungsart, Buchung, Kommune, Quotenanpassung, Verteilzeitraum
from wrm.services.kommunen import quotenpflichtig
from wrm.services.pruefung import Validierungsfehler, kennung_lesen, zahl_lesen
from wrm.services.quotenanpassungen import anpassen, verlauf
from wrm.services.quotenblatt import posten, quotenblatt
from wrm.services.verteilzeitraeume import zeitraum_am
from wrm.zeit import heute


class QuotenblattAnsicht(GeschuetzteAnsicht):
    """`?kommune=ID&zeitraum=ID`; without them the user's own Kommune (or the first) and the
    current period."""

    modell = Buchung

    def _auswahl(self) -> tuple[Kommune, Verteilzeitraum, list[Kommune],
                                list[Verteilzeitraum]]:
        """The Kommune and period asked for (404 for one outside the user's scope), and the
        choices."""
        benutzer = angemeldeter_benutzer()
        assert benutzer is not None  # is_accessible
        kommunen = [k for k in db.session.scalars(
            quotenpflichtig(select(Kommune).where(berechtigungen.bereich(benutzer, Kommune),
                                                  Kommune.aktiv)).order_by(Kommune.name))
            if berechtigungen.im_bereich(benutzer, Buchung, Aktion.LESEN, k)]
        zeitraeume = db.session.scalars(select(Verteilzeitraum).where(
            Verteilzeitraum.landkreis_id == benutzer.landkreis_id)
            .order_by(Verteilzeitraum.beginn.desc())).all()
        if not kommunen or not zeitraeume:
            abort(404)
        gewuenscht = kennung_lesen(request.args.get("kommune", ""))
        kommune = next((k for k in kommunen if k.id == gewuenscht),
                       next((k for k in kommunen if k.id == benutzer.kommune_id), kommunen[0]))
        if gewuenscht is not None and kommune.id != gewuenscht:
            abort(404)  # another Kommune's sheet is not there for a kommune user
        zeitraum_id = kennung_lesen(request.args.get("zeitraum", ""))
        aktuell = zeitraum_am(db.session, landkreis=benutzer.landkreis, tag=heute())
        zeitraum = next((z for z in zeitraeume if z.id == zeitraum_id), aktuell or zeitraeume[0])
        return kommune, zeitraum, kommunen, list(zeitraeume)

    @expose("/")
    def index(self) -> str:
        """The sheet, with the choice of Kommune and period."""
        benutzer = angemeldeter_benutzer()
        kommune, zeitraum, kommunen, zeitraeume = self._auswahl()
        blatt = quotenblatt(db.session, kommune=kommune, zeitraum=zeitraum)
        darf_anpassen = berechtigungen.im_bereich(benutzer, Quotenanpassung, Aktion.ANLEGEN,
                                                  kommune)
        return self.render(
            "admin/quotenblatt.html", blatt=blatt, posten=posten(blatt), kommunen=kommunen,
            zeitraeume=zeitraeume, darf_anpassen=darf_anpassen,
            anpassungsverlauf=verlauf(db.session, zeitraum=zeitraum, kommune=kommune),
            csrf_token_admin=WrmFormular().csrf_token.current_token)

    @expose("/export.<format_>")
    def export(self, format_: str) -> Response:
        """The sheet as XLSX or CSV, the same lines as on the screen."""
        kommune, zeitraum, _, _ = self._auswahl()
        blatt = quotenblatt(db.session, kommune=kommune, zeitraum=zeitraum)
        return herunterladen(exporte.quotenblatttabelle(blatt, posten(blatt)),
                             f"quotenblatt_{dateinamenteil(kommune.name)}_"
                             f"{dateinamenteil(zeitraum.name)}", format_)

    @expose("/anpassen", methods=("POST",))
    def anpassen_view(self) -> Any:
        """The county sets a Kommune's carry-over or relief with its reason (form on the
        sheet; the id of the entry it showed guards against overwriting a newer one)."""
        benutzer = angemeldeter_benutzer()
        token_pruefen()
        kommune = db.session.scalars(select(Kommune).where(
            Kommune.id == kennung_lesen(request.form.get("kommune", "")),
            berechtigungen.bereich(benutzer, Kommune))).first()
        zeitraum = db.session.scalars(select(Verteilzeitraum).where(
            Verteilzeitraum.id == kennung_lesen(request.form.get("zeitraum", "")),
            berechtigungen.bereich(benutzer, Verteilzeitraum))).first()
        try:
            art = Anpassungsart(request.form.get("art", ""))
        except ValueError:
            abort(400)
        if kommune is None or zeitraum is None:
            abort(404)
        gelesen = request.form.get("gelesen", "")

        def schritt() -> Any:
            try:
                personen = zahl_lesen(request.form.get("personen", ""))
            except ValueError as fehler:
                raise Validierungsfehler({"personen": f"{bezeichnung('anpassungsart', art)}: "
                                                      f"{fehler}."}) from None
            return anpassen(db.session, kommune=kommune, zeitraum=zeitraum, art=art,
                            personen=personen if personen is not None else 0,
                            grund=request.form.get("grund", ""), benutzer=benutzer,
                            gelesen=kennung_lesen(gelesen) if gelesen else None)

        ausfuehren(schritt, lambda eintrag: (
            f"{bezeichnung('anpassungsart', art)} von {kommune.name} gespeichert."
            if eintrag is not None else "Nichts geändert."))
        return redirect(url_for(".index", kommune=kommune.id, zeitraum=zeitraum.id))
