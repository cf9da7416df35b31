"""Forms of the admin screens, built from the field catalogue (labels with the paper's numbers)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from flask import abort, flash, request
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import SecureForm
from flask_admin.model.form import converts
from wtforms import (
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import Choice
from wtforms.validators import AnyOf, InputRequired, NumberRange, ValidationError

from wrm.anzeige import zahl
from wrm.meldefelder import LAGE, ZAHLENFELDER, Lage
from wrm.services.pruefung import (
    HOECHSTE_KENNUNG,
    steuerzeichen,
    version_lesen,
    zahl_lesen,
)


class WrmFormular(SecureForm):
    """The base of every admin form: CSRF, and no control characters in any text.

    Checked here, at the field, so the user sees where; a text area may hold line breaks.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        """WTForms' validation plus the rule against control characters (`pruefung`)."""
        gueltig = super().validate(extra_validators)
        for feld in self:
            texte: Sequence[Any] = feld.data if isinstance(feld.data, list) else [feld.data]
            if any(isinstance(t, str) and steuerzeichen(t) for t in texte):
                feld.errors = [*feld.errors, "Enthält unzulässige Steuerzeichen."]
                gueltig = False
        return gueltig

def token_pruefen() -> None:
    """A hand-written POST form (a page's small buttons and forms) carries the page's CSRF
    token; without a valid one the request is refused (400) before anything is read."""
    if not WrmFormular(request.form).validate():
        abort(400)


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

    def pre_validate(self, form: Any) -> None:
        """Flask-Admin's check that the choice is one of the options, in German."""
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError("Bitte eine der angebotenen Möglichkeiten wählen.") from None


class ZahlFeld(IntegerField):
    """A whole number or empty ("not reported"), with the import's German messages."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            self.data = zahl_lesen(str(valuelist[0]))  # ValueError becomes the field's error


class DezimalFeld(FloatField):
    """A decimal number as Germans type it ("52,2786" or "52.2786"), finite, or empty."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            return
        if len(text) > 30:
            raise ValueError("Die Zahl ist zu lang.")
        try:
            wert = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"„{text}“ ist keine Zahl.") from None
        if not math.isfinite(wert):
            raise ValueError(f"„{text}“ ist keine endliche Zahl.")
        self.data = wert


_IM_WERTEBEREICH = NumberRange(
    -HOECHSTE_KENNUNG, HOECHSTE_KENNUNG,
    f"Die Zahl muss zwischen {zahl(-HOECHSTE_KENNUNG)} und {zahl(HOECHSTE_KENNUNG)} liegen.")


class Umwandler(AdminModelConverter):
    """Flask-Admin's form fields for model columns, with WRM's number fields: German messages,
    and only values the database column can hold (an overflow would be a server error)."""

    @converts("Integer")
    def handle_integer_types(self, column: Any, field_args: Any, **extra: Any) -> ZahlFeld:
        """Whole numbers: `ZahlFeld` within the integer range."""
        field_args["validators"].append(_IM_WERTEBEREICH)
        return ZahlFeld(**field_args)

    @converts("Enum")
    def convert_enum(self, column: Any, field_args: Any, **extra: Any) -> SelectField:
        """A choice of the stored words (Flask-Admin's own compares them with the member
        names, so a stored value never shows as selected)."""
        werte = list(column.type.enums)
        field_args["choices"] = [SelectChoice(w) for w in werte]
        field_args["coerce"] = lambda v: v.value if isinstance(v, Enum) else str(v)
        field_args["validators"].append(AnyOf(werte, "Bitte einen der angebotenen Werte "
                                                     "wählen."))
        return SelectField(**field_args)

    @converts("Numeric", "Float")
    def handle_decimal_types(self, column: Any, field_args: Any, **extra: Any) -> DezimalFeld:
        """Decimal numbers (coordinates): `DezimalFeld`. Named for Float too: in SQLAlchemy 2.1
        Float is no longer a Numeric, and Flask-Admin would leave the column out of the form."""
        field_args.pop("places", None)
        return DezimalFeld(**field_args)


class VersionFeld(HiddenField):
    """The report version the form was read at (optimistic locking).

    On a POST only what was sent counts: a version missing from the request must not be filled
    in from the record, which would turn a stale save into a silent overwrite.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = version_lesen(valuelist[0]) if valuelist else None


def meldungsformular(kommune_auswahl: Callable[[], Any] | None = None) -> type[WrmFormular]:
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
    return type("MeldungsFormular", (WrmFormular,), felder)


def fehler_eintragen(formular: WrmFormular, fehler: dict[str, str]) -> None:
    """Show rule violations at their fields; one without a field of the form (an agreement
    ticked in a report) as a message, so none is lost."""
    for name, text in fehler.items():
        feld: Field | None = getattr(formular, name, None)
        if isinstance(feld, Field):
            feld.errors = [*feld.errors, text]  # type: ignore[misc]
        else:
            flash(text, "error")


class BestaetigenFormular(WrmFormular):
    """The "Angaben unverändert bestätigen" button: id and the version shown."""

    id = HiddenField(validators=[InputRequired()])
    version = VersionFeld()
