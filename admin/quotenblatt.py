"""The Quotenblatt screen: a Kommune's quota in a period, line by line (the county: any
Kommune; a Kommune: its own; not the press office, the ledger's sources may name persons)."""

from __future__ import annotations

from flask import abort, request
from flask_admin import expose
from sqlalchemy import select

from admin.base import GeschuetzteAnsicht, angemeldeter_benutzer
from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.models import Buchung, Kommune, Verteilzeitraum
from wrm.services.pruefung import kennung_lesen
from wrm.services.quotenblatt import quotenblatt
from wrm.services.verteilzeitraeume import zeitraum_am
from wrm.zeit import heute


class QuotenblattAnsicht(GeschuetzteAnsicht):
    """`?kommune=ID&zeitraum=ID`; without them the user's own Kommune (or the first) and the
    current period."""

    modell = Buchung

    @expose("/")
    def index(self) -> str:
        """The sheet, with the choice of Kommune and period."""
        benutzer = angemeldeter_benutzer()
        assert benutzer is not None  # is_accessible
        kommunen = [k for k in db.session.scalars(
            select(Kommune).where(berechtigungen.bereich(benutzer, Kommune), Kommune.aktiv)
            .order_by(Kommune.name))
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
        return self.render("admin/quotenblatt.html", blatt=quotenblatt(
            db.session, kommune=kommune, zeitraum=zeitraum), kommunen=kommunen,
            zeitraeume=zeitraeume)
