"""Report screens: "Meine Meldung" for a Kommune, all reports for the county."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.helpers import is_form_submitted
from sqlalchemy import select
from werkzeug.wrappers import Response

from admin.base import GeschuetzteAnsicht, GeschuetzteModelView, angemeldeter_benutzer
from admin.formulare import ABSCHNITTE, BestaetigenFormular, fehler_eintragen, meldungsformular
from admin.hilfe import fuer_meldung as hilfe_fuer_meldung
from admin.hilfe import offene_ersuchen
from admin.konflikt import entscheidungen, konflikt_zeigen
from admin.spalten import stand_formatieren, zahlenspalten
from wrm import berechtigungen
from wrm.berechtigungen import Aktion
from wrm.db import db
from wrm.kennzahlen import Zeile
from wrm.models import Kommune, Meldung, Rolle, Vereinbarung
from wrm.services import meldungen
from wrm.services.hilfen import einschluss_hinweis
from wrm.services.kommunen import quotenpflichtig
from wrm.services.meldungen import Konflikt
from wrm.services.pruefung import (
    Validierungsfehler,
    Verweigert,
    hinweise,
    kennung_lesen,
    pruefen,
    version_lesen,
)
from wrm.services.stand import staende
from wrm.services.vereinbarungen import mit_einschluessen_speichern

VERSION_FEHLT = ("Die Version der Meldung fehlt oder ist ungültig; bitte laden Sie die Seite neu. "
                 "Es wurde nichts gespeichert.")


def _kommunen_ohne_meldung() -> Any:
    """Kommunen the user may report for that have no report yet (the county's create form)."""
    benutzer = angemeldeter_benutzer()
    # The county's own shelters' row reports by itself, from its list.
    abfrage = quotenpflichtig(select(Kommune).where(
        berechtigungen.bereich(benutzer, Kommune, Aktion.LESEN), Kommune.aktiv,
        ~Kommune.id.in_(select(Meldung.kommune_id)))).order_by(Kommune.name)
    return [k for k in db.session.scalars(abfrage)
            if berechtigungen.darf_meldung_aendern(benutzer, k)]


def _einschluesse_lesen(werte: list[str]) -> list[tuple[int, int]]:
    """The ticked "in diesen Zahlen enthalten" boxes, each `id:version`; a malformed one is
    taken as version -1, so it is refused as stale, never as current."""
    ergebnis = []
    for wert in werte:
        kennung, _, version = wert.partition(":")
        if (k := kennung_lesen(kennung)) is not None:
            gelesen = version_lesen(version)
            ergebnis.append((k, -1 if gelesen is None else gelesen))
    return ergebnis


def _ist_kommune() -> bool:
    benutzer = angemeldeter_benutzer()
    return benutzer is not None and benutzer.rolle == Rolle.KOMMUNE


class MeldungView(GeschuetzteModelView):
    """A Kommune's current report: edit with validation, locking and history; never delete."""

    aktion = Aktion.AENDERN
    export_erlaubt = True
    edit_template = "admin/meldung_bearbeiten.html"
    create_template = "admin/meldung_bearbeiten.html"
    column_list = ("kommune", *zahlenspalten(), "lage", "stand", "gemeldet_von_name", "version")
    column_details_list = (*column_list, "bemerkung")
    column_export_list = (*column_list, "bemerkung")
    column_sortable_list = ("stand", ("kommune", "kommune.name"))
    column_default_sort = ("stand", True)
    column_searchable_list = ("kommune.name",)
    column_labels = {"kommune": "Kommune", "stand": "Stand", "gemeldet_von_name": "gemeldet von",
                     "version": "Version", "bemerkung": "Bemerkung", "lage": "(12) Lage",
                     **{name: titel for name, titel in zahlenspalten().items()}}
    column_formatters = {"stand": stand_formatieren}

    abschnitte = ABSCHNITTE
    form = meldungsformular()
    anlegen_formular = meldungsformular(kommune_auswahl=_kommunen_ohne_meldung)

    def is_visible(self) -> bool:
        return not _ist_kommune()  # a Kommune has "Meine Meldung" instead

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        benutzer = self.benutzer
        if not super().can_create or benutzer is None:
            return False
        if benutzer.rolle == Rolle.KOMMUNE:  # only the first report; later ones are edits
            return benutzer.kommune is not None and benutzer.kommune.meldung is None
        return True

    def get_create_form(self) -> Any:
        if self.benutzer is not None and self.benutzer.rolle == Rolle.KOMMUNE:
            return self.form  # the Kommune is the user's own, set on the server
        return self.anlegen_formular

    def get_edit_form(self) -> Any:
        return self.form

    def validate_form(self, form: Any) -> bool:
        gueltig = super().validate_form(form)
        if not hasattr(form, "lage") or not is_form_submitted():  # delete/action form, or GET
            return gueltig
        if form.version.data is None:
            flash(VERSION_FEHLT, "error")
            return False
        fehler = pruefen(self._werte(form))
        fehler_eintragen(form, fehler)
        return gueltig and not fehler

    @staticmethod
    def _werte(form: Any) -> dict[str, object]:
        return {name: feld.data for name, feld in form._fields.items()
                if name not in ("csrf_token", "version", "kommune")}

    def _speichern(self, form: Any, kommune: Kommune, version: int) -> Meldung | None:
        if not berechtigungen.darf_meldung_aendern(self.benutzer, kommune):
            abort(403)
        alt = kommune.meldung.werte() if kommune.meldung is not None else None
        einschluesse = _einschluesse_lesen(request.form.getlist("enthalten"))
        try:
            werte = {**self._werte(form), **entscheidungen(form, kommune.id, version)}
            # The report and the agreements it now includes, in one transaction: between
            # the two the figures would count the move twice or not at all.
            mit_einschluessen_speichern(db.session, kommune=kommune, werte=werte,
                                        version=version, benutzer=self.benutzer,
                                        einschluesse=einschluesse)
            db.session.commit()
        except Validierungsfehler as fehler:
            db.session.rollback()
            fehler_eintragen(form, fehler.fehler)
            return None
        except Verweigert as fehler:
            db.session.rollback()
            flash(str(fehler), "error")
            return None
        except Konflikt as konflikt:
            db.session.rollback()
            flash(str(konflikt), "error")
            konflikt_zeigen(form, kommune, konflikt)
            return None
        # Flask-Admin itself flashes the success message after this returns. The hints look
        # at the figures as saved, the included agreements with them.
        for hinweis in hinweise(self.kennzahlen(kommune), alt):
            flash(hinweis, "warning")
        for kennung, _ in einschluesse:
            if (hinweis := einschluss_hinweis(db.session, vereinbarung=db.session.get_one(
                    Vereinbarung, kennung), kommune=kommune)):
                flash(hinweis, "warning")
        return kommune.meldung

    def get_save_return_url(self, model: Any, is_created: bool = False) -> str:
        # Back to the report: the computed figures beside the inputs show the saved state.
        if model:
            return self.get_url(".edit_view", id=model.id)
        return super().get_save_return_url(model, is_created)

    def create_model(self, form: Any) -> Any:
        benutzer = self.benutzer
        if benutzer is not None and benutzer.rolle == Rolle.KOMMUNE:
            kommune = benutzer.kommune
        else:
            kommune = form.kommune.data
        if kommune is None:
            abort(403)
        return self._speichern(form, kommune, version=form.version.data) or False

    def update_model(self, form: Any, model: Meldung) -> bool:
        return self._speichern(form, model.kommune, version=form.version.data) is not None

    def einschlusswahl(self, kommune: Kommune) -> list[dict[str, Any]]:
        """The agreements the form offers to mark as included in these figures (with the
        choices of a refused save kept)."""
        gewaehlt = set(request.form.getlist("enthalten")) if is_form_submitted() else set()
        return [{**e, "wert": f"{e['v'].id}:{e['v'].version}",
                 "gewaehlt": f"{e['v'].id}:{e['v'].version}" in gewaehlt}
                for e in hilfe_fuer_meldung(self.benutzer, kommune) if e["formular"]]

    def hilfe(self, kommune: Kommune) -> list[dict[str, Any]]:
        """The Kommune's running agreements for the panel beside the form."""
        return hilfe_fuer_meldung(self.benutzer, kommune)

    def ersuchen(self, kommune: Kommune) -> list[Any]:
        """The Kommune's open requests for help for the panel beside the form."""
        return offene_ersuchen(self.benutzer, kommune)

    def kennzahlen(self, kommune: Kommune) -> Zeile:
        """The computed figures shown beside the inputs, from `wrm.kennzahlen`."""
        stand = staende(db.session, landkreis=kommune.landkreis, kommune_id=kommune.id)
        return stand[0].zeile if stand else Zeile(kommune=kommune.name)

    def bestaetigen_formular(self, model: Meldung) -> BestaetigenFormular:
        """The confirm button's form for a report."""
        return BestaetigenFormular(id=model.id, version=model.version)

    @expose("/bestaetigen/", methods=("POST",))
    def bestaetigen_view(self) -> Response:
        """Record that the figures are unchanged and still current."""
        formular = BestaetigenFormular(request.form)
        if not self.can_edit or not formular.validate():
            abort(400)
        meldung = self.get_one(formular.id.data)
        if formular.version.data is None:
            flash(VERSION_FEHLT, "error")
            return redirect(self.get_url(".edit_view", id=meldung.id))
        try:
            meldungen.bestaetigen(db.session, kommune=meldung.kommune, benutzer=self.benutzer,
                                  version=formular.version.data)
            db.session.commit()
            flash("Die Angaben wurden als unverändert aktuell bestätigt.", "success")
        except Konflikt as konflikt:
            db.session.rollback()
            flash(str(konflikt), "error")
        return redirect(self.get_url(".edit_view", id=meldung.id))


class MeineMeldungAnsicht(GeschuetzteAnsicht):
    """Menu entry of a kommune user: straight to its own report (or the first one)."""

    modell = Meldung
    aktion = Aktion.AENDERN

    def is_visible(self) -> bool:
        return _ist_kommune()

    @expose("/")
    def index(self) -> Response:
        """Redirect to the edit (or create) screen of the user's own report."""
        benutzer = angemeldeter_benutzer()
        if benutzer is None or benutzer.kommune is None:
            abort(403)
        # "Abbrechen" leads back to the start page: the list of all reports is not in a
        # Kommune's menu.
        zurueck = url_for("admin.index")
        if benutzer.kommune.meldung is None:
            return redirect(url_for("meldung.create_view", url=zurueck))
        return redirect(url_for("meldung.edit_view", id=benutzer.kommune.meldung.id,
                                url=zurueck))
