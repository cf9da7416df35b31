"""The county's master data: Kommunen, Verteilzeiträume and Aufnahmequoten."""

from __future__ import annotations

from typing import Any

from flask import flash
from sqlalchemy import select
from wtforms.fields import DateField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from admin.base import GeschuetzteModelView, angemeldeter_benutzer
from admin.formulare import AuswahlFeld, WrmFormular, ZahlFeld
from wrm import berechtigungen
from wrm.anzeige import zahl
from wrm.db import db
from wrm.meldefelder import HOECHSTWERT
from wrm.models import Aufnahmequote, Kommune, Verteilzeitraum
from wrm.models.datenstand import schreibsperre
from wrm.namen import name_bereinigen
from wrm.services.kommunen import HOECHSTE_EINWOHNERZAHL, kommunenname_fehler, koordinaten_fehler
from wrm.services.pruefung import Validierungsfehler
from wrm.services.verteilzeitraeume import offen_pruefen, quote_setzen, zeitraum_pruefen


def _im_bereich(modell: type) -> Any:
    """A query factory for selects: only records the user may read."""
    def abfrage() -> Any:
        return db.session.scalars(
            select(modell).where(berechtigungen.bereich(angemeldeter_benutzer(), modell))
            .order_by(modell.name)).all()
    return abfrage


class LandkreisView(GeschuetzteModelView):
    """The county's own settings: the reporting interval after which a report is overdue."""

    column_list = ("name", "meldefrist_tage")
    form_columns = ("meldefrist_tage",)
    column_labels = {"name": "Landkreis", "meldefrist_tage": "Meldefrist (Tage)"}
    column_descriptions = {"meldefrist_tage": "Nach so vielen Tagen gilt eine Meldung als "
                                              "überfällig; leer: die Voreinstellung des "
                                              "Servers."}
    form_args = {"meldefrist_tage": {"label": "Meldefrist (Tage)", "validators": [
        Optional(), NumberRange(1, 365, "Die Meldefrist muss zwischen 1 und 365 Tagen liegen.")]}}


class KommuneView(GeschuetzteModelView):
    """Kommunen of the county; deactivated instead of deleted."""

    export_erlaubt = True
    column_list = ("name", "art", "ags", "einwohner", "aktiv", "reihenfolge")
    form_overrides = {"einwohner_stand": DateField}
    form_columns = ("name", "art", "ags", "einwohner", "einwohner_stand", "breitengrad",
                    "laengengrad", "aktiv", "reihenfolge")
    column_searchable_list = ("name",)
    column_filters = ("art", "aktiv")
    column_default_sort = "name"
    column_labels = {"name": "Name", "art": "Art", "ags": "AGS", "aktiv": "aktiv",
                     "reihenfolge": "Reihenfolge", "breitengrad": "Breitengrad",
                     "laengengrad": "Längengrad", "einwohner": "Einwohner",
                     "einwohner_stand": "Einwohner, Stand"}
    column_descriptions = {"reihenfolge": "Reihenfolge bei gleichem Bedarf (leer: Anlage)",
                           "ags": "Amtlicher Gemeindeschlüssel (8 Ziffern)"}
    form_args = {
        "breitengrad": {"validators": [Optional(), NumberRange(
            -90, 90, "Der Breitengrad liegt zwischen −90 und 90 (WGS84, z. B. 52,2799).")]},
        "laengengrad": {"validators": [Optional(), NumberRange(
            -180, 180, "Der Längengrad liegt zwischen −180 und 180 (WGS84, z. B. 8,0472).")]},
        "einwohner": {"validators": [Optional(), NumberRange(
            0, HOECHSTE_EINWOHNERZAHL, "Die Einwohnerzahl ist eine ganze Zahl von 0 bis "
                                       f"{zahl(HOECHSTE_EINWOHNERZAHL)}.")]},
    }

    def on_model_change(self, form: Any, model: Kommune, is_created: bool) -> None:
        grund = koordinaten_fehler(model.breitengrad, model.laengengrad)
        if grund:
            raise ValidationError(grund)
        if is_created:
            model.landkreis_id = self.benutzer.landkreis_id  # type: ignore[union-attr]
        model.name = name_bereinigen(model.name or "")
        if grund := kommunenname_fehler(db.session, landkreis_id=model.landkreis_id,
                                        name=model.name, ausser_id=model.id):
            raise Validierungsfehler({"name": grund})


class VerteilzeitraumView(GeschuetzteModelView):
    """Distribution periods; the current one is the one containing today."""

    column_list = ("name", "beginn", "ende", "kontingent", "abgeschlossen_am")
    # The browser's own date picker (type="date") instead of Flask-Admin's text field.
    form_overrides = {"beginn": DateField, "ende": DateField}
    form_columns = ("name", "beginn", "ende", "kontingent")
    column_default_sort = ("beginn", True)
    column_labels = {"name": "Name", "beginn": "Beginn", "ende": "Ende",
                     "kontingent": "Kontingent", "abgeschlossen_am": "abgeschlossen"}
    column_descriptions = {"kontingent": "Personen, die das Land dem Landkreis in diesem "
                                         "Zeitraum zuweist (Grundlage der Quotenberechnung)"}

    def on_model_change(self, form: Any, model: Verteilzeitraum, is_created: bool) -> None:
        model.name = name_bereinigen(model.name or "")
        if is_created:
            model.landkreis_id = self.benutzer.landkreis_id  # type: ignore[union-attr]
        # Under the lock, two periods saved at once cannot both pass the overlap check; the
        # flush it makes gives a new period its id, so the check does not find it as "another".
        schreibsperre(db.session)
        if not is_created:
            offen_pruefen(model, "name")
        if fehler := zeitraum_pruefen(db.session, landkreis_id=model.landkreis_id,
                                      beginn=model.beginn, ende=model.ende,
                                      kontingent=model.kontingent, ausser_id=model.id,
                                      name=model.name):
            raise Validierungsfehler(fehler)


class QuotenFormular(WrmFormular):
    """A quota: which Kommune, which period, how many persons."""

    kommune = AuswahlFeld("Kommune", query_factory=_im_bereich(Kommune),
                               validators=[InputRequired("Bitte eine Kommune wählen.")])
    verteilzeitraum = AuswahlFeld(
        "Verteilzeitraum", query_factory=_im_bereich(Verteilzeitraum),
        validators=[InputRequired("Bitte einen Verteilzeitraum wählen.")])
    wert = ZahlFeld("Aufnahmequote (Personen)", validators=[
        InputRequired("Bitte die Quote eingeben."),
        NumberRange(0, HOECHSTWERT, f"Die Quote muss zwischen 0 und {zahl(HOECHSTWERT)} liegen.")])


class AufnahmequoteView(GeschuetzteModelView):
    """Quotas per Kommune and period; every change is kept for the Stichtag."""

    form = QuotenFormular
    export_erlaubt = True
    column_list = ("kommune", "verteilzeitraum", "wert")
    column_labels = {"kommune": "Kommune", "verteilzeitraum": "Verteilzeitraum",
                     "wert": "Aufnahmequote"}
    column_sortable_list = (("kommune", "kommune.name"), ("verteilzeitraum",
                                                          "verteilzeitraum.beginn"), "wert")
    column_searchable_list = ("kommune.name",)

    def _setzen(self, kommune: Kommune, zeitraum: Verteilzeitraum, wert: int | None) -> bool:
        try:
            quote_setzen(db.session, kommune=kommune, zeitraum=zeitraum, wert=wert,
                         benutzer=self.benutzer)
            db.session.commit()
        except Validierungsfehler as fehler:
            db.session.rollback()
            for text in fehler.fehler.values():
                flash(text, "error")
            return False
        return True

    def create_model(self, form: Any) -> Any:
        kommune, zeitraum = form.kommune.data, form.verteilzeitraum.data
        if not self._setzen(kommune, zeitraum, form.wert.data):
            return False
        return db.session.scalar(select(Aufnahmequote).where(
            Aufnahmequote.kommune_id == kommune.id,
            Aufnahmequote.verteilzeitraum_id == zeitraum.id))

    def update_model(self, form: Any, model: Aufnahmequote) -> bool:
        if (form.kommune.data, form.verteilzeitraum.data) != (model.kommune,
                                                              model.verteilzeitraum):
            flash("Kommune und Verteilzeitraum einer Quote können nicht geändert werden; "
                  "bitte eine neue Quote anlegen.", "error")
            return False
        return self._setzen(model.kommune, model.verteilzeitraum, form.wert.data)

    def delete_model(self, model: Aufnahmequote) -> bool:
        return self._setzen(model.kommune, model.verteilzeitraum, None)
