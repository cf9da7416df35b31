"""Forms of the admin screens, built from the field catalogue (labels with the paper's numbers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.form import SecureForm
from wtforms import Field, HiddenField, IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.fields.choices import Choice
from wtforms.validators import InputRequired

from wrm.meldefelder import LAGE, ZAHLENFELDER, Lage
from wrm.services.pruefung import version_lesen, zahl_lesen

LAGE_AUSWAHL = [SelectChoice("", "– bitte wählen –"), *(SelectChoice(m.value) for m in Lage)]


# The report form in the paper's groups, two inputs per row: a report fits on one screen.
ABSCHNITTE = (
    ("Zuweisungen und Quotenanrechnung", ("zuweisungen", "ankuenfte", "keine_quotenanrechnung",
                                          "moegliche_quotenanrechnung")),
    ("Derzeitige Unterbringung", ("in_gemeinschaftsunterkuenften", "dezentral_untergebracht")),
    ("Sofort verfügbarer Wohnraum", ("verfuegbar_gemeinschaftsunterkunft",
                                     "verfuegbar_dezentral")),
    ("Wohnraum in Aussicht", ("in_aussicht_gemeinschaftsunterkunft", "in_aussicht_dezentral")),
    ("Lage", ("lage", "bemerkung")),
)


class AuswahlFeld(QuerySelectField):
    """Flask-Admin's query select, yielding WTForms 3.3 `Choice`s instead of deprecated tuples."""

    def iter_choices(self):  # type: ignore[no-untyped-def]
        """The options as `Choice` instances (value, label, selected, render_kw)."""
        for wahl in super().iter_choices():
            yield wahl if isinstance(wahl, Choice) else Choice(*wahl)


class ZahlFeld(IntegerField):
    """A whole number or empty ("not reported"), with the import's German messages."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            self.data = zahl_lesen(str(valuelist[0]))  # ValueError becomes the field's error


class VersionFeld(HiddenField):
    """The report version the form was read at (optimistic locking).

    On a POST only what was sent counts: a version missing from the request must not be filled
    in from the record, which would turn a stale save into a silent overwrite.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = version_lesen(valuelist[0]) if valuelist else None


def meldungsformular(kommune_auswahl: Callable[[], Any] | None = None) -> type[SecureForm]:
    """The report form: figures (1)–(4), (6)–(11), lage, bemerkung, and the version read.

    With `kommune_auswahl` (a query factory) the form starts with a Kommune select, for the
    county creating a report; otherwise the Kommune is fixed by the record or the user.
    WTForms orders fields by creation, so they are created in the paper's order.
    """
    felder: dict[str, Any] = {}
    if kommune_auswahl is not None:
        felder["kommune"] = AuswahlFeld(
            "Kommune", query_factory=kommune_auswahl, allow_blank=False,
            validators=[InputRequired("Bitte eine Kommune wählen.")])
    for feld in ZAHLENFELDER:
        felder[feld.name] = ZahlFeld(feld.titel, description=feld.hilfe, render_kw={
            "inputmode": "numeric", "autocomplete": "off"})
    felder["lage"] = SelectField(LAGE.titel, choices=LAGE_AUSWAHL, description=LAGE.hilfe)
    felder["bemerkung"] = TextAreaField(
        "Bemerkung (intern)", render_kw={"rows": 3},
        description="Nur für den Landkreis und die eigene Kommune sichtbar.")
    felder["version"] = VersionFeld(default=0)
    return type("MeldungsFormular", (SecureForm,), felder)


def fehler_eintragen(formular: SecureForm, fehler: dict[str, str]) -> None:
    """Show rule violations at their fields."""
    for name, text in fehler.items():
        feld: Field | None = getattr(formular, name, None)
        if feld is not None:
            feld.errors = [*feld.errors, text]  # type: ignore[misc]


class BestaetigenFormular(SecureForm):
    """The "Angaben unverändert bestätigen" button: id and the version shown."""

    id = HiddenField(validators=[InputRequired()])
    version = VersionFeld()
