"""The "Hilfeersuchen" screen: a Kommune asks the county for places elsewhere; the county
answers with requests to hosts (agreements). Writes only through the service."""

from __future__ import annotations

from flask import abort, redirect, request
from flask_admin import expose
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.dienstansicht import DienstAnsicht
from admin.hilfe_formulare import ErsuchenFormular, ErsuchenSchliessenFormular
from wrm import berechtigungen
from wrm.anzeige import personenzahl
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.models import Ersuchensstatus, Hilfeersuchen, Vereinbarung
from wrm.services import hilfeersuchen


class HilfeersuchenView(DienstAnsicht):
    """Requests for help of the Landkreis (kommune users see all, to be able to offer; they
    file and close only their own)."""

    aktion = Aktion.LESEN
    details_template = "admin/hilfeersuchen.html"
    list_template = "admin/hilfeersuchen_liste.html"
    column_list = ("id", "kommune", "personen", "benoetigt_bis", "status", "angelegt_am",
                   "angelegt_von")
    column_details_list = (*column_list, "bemerkung", "version")
    column_default_sort = ("id", True)
    column_filters = ("status",)
    column_labels = {"id": "Nr.", "kommune": "Kommune", "personen": "Personen",
                     "benoetigt_bis": "benötigt bis", "status": "Status",
                     "angelegt_am": "erbeten am", "angelegt_von": "erbeten von",
                     "bemerkung": "Bemerkung", "version": "Version"}
    @property
    def darf_erbitten(self) -> bool:
        """Whether the user may file a request (county, kommune users)."""
        return berechtigungen.darf(self.benutzer, Aktion.ANLEGEN, Hilfeersuchen)

    def darf_schliessen(self, ersuchen: Hilfeersuchen) -> bool:
        """Whether the user may close this request now."""
        return (ersuchen.status is Ersuchensstatus.OFFEN
                and berechtigungen.darf_ersuchen(self.benutzer, ersuchen.kommune, Aktion.AENDERN))

    def schliessen_formular(self, ersuchen: Hilfeersuchen, status: str
                            ) -> ErsuchenSchliessenFormular:
        """The form of one closing button."""
        return ErsuchenSchliessenFormular(id=ersuchen.id, version=ersuchen.version,
                                          status=status)

    def darf_anfragen(self) -> bool:
        """Whether the user may answer with a request to a host (the county)."""
        return berechtigungen.vorschlag_sichtbar(self.benutzer)

    @expose("/erbitten/", methods=("GET", "POST"))
    def erbitten_view(self) -> Response | str:
        """File a request for help; a kommune user for its own Kommune only."""
        if not self.darf_erbitten:
            abort(403)
        formular = ErsuchenFormular(request.form if request.method == "POST" else None)
        benutzer = self.benutzer
        formular.kommune.query_factory = self.kommunenwahl(nur_eigene=True)
        if request.method == "POST" and formular.validate():
            neu = self.ausfuehren(
                lambda: hilfeersuchen.ersuchen_anlegen(
                    db.session, kommune=formular.kommune.data, personen=formular.personen.data,
                    benoetigt_bis=formular.benoetigt_bis.data,
                    bemerkung=formular.bemerkung.data, benutzer=benutzer),
                lambda e: f"Hilfeersuchen für {personenzahl(e.personen)} gestellt; der "
                          "Landkreis sieht es sofort.", formular)
            if neu is not None:
                return redirect(self.get_url(".details_view", id=neu.id))
        return self.render("admin/hilfeersuchen_erbitten.html", form=formular)

    @expose("/schliessen/", methods=("POST",))
    def schliessen_view(self) -> Response:
        """Close a request as done or withdrawn."""
        formular = ErsuchenSchliessenFormular(request.form)
        if not formular.validate():
            abort(400)
        ersuchen = self.get_one(formular.id.data)
        self.ausfuehren(lambda: hilfeersuchen.ersuchen_schliessen(
            db.session, ersuchen=ersuchen, status=Ersuchensstatus(formular.status.data),
            version=formular.version.data if formular.version.data is not None else -1,
            benutzer=self.benutzer), "Das Hilfeersuchen ist geschlossen.")
        return redirect(self.get_url(".details_view", id=ersuchen.id))

    def vereinbarungen(self, ersuchen: Hilfeersuchen) -> list[Vereinbarung]:
        """The agreements that answer this request and that the user may read (the row scope
        of `wrm.berechtigungen`, as everywhere)."""
        return list(db.session.scalars(select(Vereinbarung).where(
            Vereinbarung.hilfeersuchen_id == ersuchen.id,
            berechtigungen.bereich(self.benutzer, Vereinbarung)).order_by(Vereinbarung.id)))
