"""User management for the county: create, bind to a Kommune, deactivate, reset passwords."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_admin.actions import action
from flask_admin.model.fields import AjaxSelectField
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from admin.base import BereichsLoader, GeschuetzteModelView
from admin.formulare import WrmFormular, fehler_eintragen
from admin.spalten import stand_formatieren
from wrm.db import db
from wrm.meldefelder import bezeichnung
from wrm.models import Benutzer, Kommune, Rolle
from wrm.services.benutzer import benutzer_aendern, benutzer_anlegen, passwort_zuruecksetzen
from wrm.services.pruefung import Validierungsfehler

KOMMUNEN = BereichsLoader("kommune", db, Kommune, fields=["name"],
                          placeholder="Kommune suchen …")
ROLLEN = [SelectChoice(r.value, bezeichnung("rolle", r.value)) for r in Rolle]


class BenutzerAendernFormular(WrmFormular):
    """Role, Kommune, e-mail, active flag."""

    rolle = SelectField("Rolle", choices=ROLLEN)
    kommune = AjaxSelectField(KOMMUNEN, "Kommune", allow_blank=True,
                              description="Nur bei der Rolle kommune, dann Pflicht.")
    email = StringField("E-Mail", validators=[
        Optional(), Length(max=320, message="Die E-Mail-Adresse ist zu lang."),
        Email("Keine gültige E-Mail-Adresse.")])
    aktiv = BooleanField("aktiv", default=True)


class BenutzerAnlegenFormular(BenutzerAendernFormular):
    """A new user: additionally name and initial password."""

    name = StringField("Benutzername", validators=[
        DataRequired("Bitte einen Namen eingeben."),
        Length(max=200, message="Der Benutzername darf höchstens 200 Zeichen lang sein.")])
    # No role preselected: the most powerful one must never be the default.
    rolle = SelectField("Rolle", choices=[SelectChoice("", "– bitte wählen –"), *ROLLEN],
                        validators=[AnyOf([r.value for r in Rolle],
                                          message="Bitte eine Rolle wählen.")])
    passwort = PasswordField("Passwort", validators=[
        DataRequired("Bitte ein Passwort eingeben."),
        Length(max=1000, message="Das Passwort darf höchstens 1.000 Zeichen lang sein.")])


class BenutzerView(GeschuetzteModelView):
    """The county's users; never deleted, deactivated instead (the history names them)."""

    form = BenutzerAendernFormular
    form_ajax_refs = {"kommune": KOMMUNEN}
    column_list = ("name", "rolle", "kommune", "email", "aktiv", "angelegt_am")
    column_labels = {"name": "Benutzername", "rolle": "Rolle", "kommune": "Kommune",
                     "email": "E-Mail", "aktiv": "aktiv", "angelegt_am": "angelegt am"}
    column_searchable_list = ("name", "email")
    column_filters = ("rolle", "aktiv")
    column_formatters = {"angelegt_am": stand_formatieren}
    column_details_exclude_list = ("passwort_hash", "sitzungskennung")
    form_create_rules = ("csrf_token", "name", "rolle", "kommune", "email", "passwort", "aktiv")

    def get_create_form(self) -> Any:
        return BenutzerAnlegenFormular

    def _fehler(self, form: Any, fehler: Validierungsfehler) -> bool:
        db.session.rollback()
        fehler_eintragen(form, fehler.fehler)
        for feld, text in fehler.fehler.items():
            if not hasattr(form, feld):
                flash(text, "error")
        return False

    def create_model(self, form: Any) -> Any:
        try:
            benutzer = benutzer_anlegen(
                db.session, name=form.name.data, rolle=Rolle(form.rolle.data),
                passwort=form.passwort.data, landkreis=self.benutzer.landkreis,  # type: ignore[union-attr]
                kommune=form.kommune.data, email=form.email.data or None)
            benutzer.aktiv = form.aktiv.data
            db.session.commit()
        except Validierungsfehler as fehler:
            return self._fehler(form, fehler)
        return benutzer

    def update_model(self, form: Any, model: Benutzer) -> bool:
        try:
            benutzer_aendern(db.session, benutzer=model, rolle=Rolle(form.rolle.data),
                             kommune=form.kommune.data, email=form.email.data or None,
                             aktiv=form.aktiv.data, von=self.benutzer)
            db.session.commit()
        except Validierungsfehler as fehler:
            return self._fehler(form, fehler)
        return True

    @action("deaktivieren", "Deaktivieren", "Die gewählten Benutzer deaktivieren?")
    def action_deaktivieren(self, ids: list[str]) -> None:
        """Deactivate users (not oneself); their sessions end."""
        anzahl = 0
        for benutzer in self.ausgewaehlt(ids):
            if not benutzer.aktiv:
                continue
            try:  # the service refuses to deactivate oneself
                benutzer_aendern(db.session, benutzer=benutzer, rolle=benutzer.rolle,
                                 kommune=benutzer.kommune, email=benutzer.email, aktiv=False,
                                 von=self.benutzer)
            except Validierungsfehler as fehler:
                for text in fehler.fehler.values():
                    flash(text, "warning")
                continue
            anzahl += 1
        db.session.commit()
        flash(f"{anzahl} Benutzer deaktiviert.", "success")

    @action("passwort", "Passwort zurücksetzen",
            "Für die gewählten Benutzer neue Passwörter erzeugen?")
    def action_passwort(self, ids: list[str]) -> None:
        """Generate new passwords, shown once to the county to pass on."""
        for benutzer in self.ausgewaehlt(ids):
            passwort = passwort_zuruecksetzen(db.session, benutzer=benutzer)
            flash(f"Neues Passwort für {benutzer.name}: {passwort}", "info")
        db.session.commit()
