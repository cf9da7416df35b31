"""Forms of the "Hilfe zwischen Kommunen" screens: asking a host, a step, an inclusion."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Optional

from admin.formulare import AuswahlFeld, VersionFeld, WrmFormular, ZahlFeld
from wrm.meldefelder import bezeichnung
from wrm.models import Platzart, Seite, Vereinbarungsstatus

#: The label of the checkbox that confirms more persons than the host has free places.
UEBERBELEGUNG_BESTAETIGEN = ("Überbelegung bestätigen: mehr Personen als die aufnehmende "
                             "Kommune freie Plätze hat")


def _auswahl(art: str, werte: list[str]) -> list[SelectChoice]:
    return [SelectChoice(w, bezeichnung(art, w)) for w in werte]


def _wahl(titel: str, art: str, enum: type[Platzart] | type[Seite], standard: str,
          hilfe: str = "") -> SelectField:
    werte = [m.value for m in enum]
    return SelectField(titel, choices=_auswahl(art, werte), default=standard, description=hilfe,
                       validators=[AnyOf(werte, "Bitte einen der angebotenen Werte wählen.")])


class AnfrageFormular(WrmFormular):
    """Ask a host to house persons of the allocated Kommune (a new agreement, `angefragt`)."""

    zuweisend = AuswahlFeld("Zuweisende Kommune (die Personen sind ihr zugewiesen)",
                            allow_blank=False,
                            validators=[InputRequired("Bitte eine Kommune wählen.")])
    aufnehmend = AuswahlFeld("Aufnehmende Kommune", allow_blank=False,
                             validators=[InputRequired("Bitte eine Kommune wählen.")])
    personen = ZahlFeld("Personen", validators=[InputRequired("Bitte die Zahl der Personen "
                                                              "angeben.")],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    platzart = _wahl("Art der Plätze", "platzart", Platzart, Platzart.GEMEINSCHAFTSUNTERKUNFT)
    von = DateField("von", validators=[Optional()], description="leer: heute")
    bis = DateField("bis", validators=[Optional()], description="leer: offen")
    anrechnung = _wahl("Anrechnung auf die Quote", "seite", Seite, Seite.ZUWEISEND,
                       "zuweisend: vorübergehende Unterbringung, die Personen bleiben auf der "
                       "Quote der zuweisenden Kommune; aufnehmend: das Land ändert die "
                       "Zuweisung.")
    leistungen_durch = _wahl("Leistungen nach dem AsylbLG zahlt", "seite", Seite,
                             Seite.ZUWEISEND)
    kita_schule_durch = _wahl("Kita und Schule regelt", "seite", Seite, Seite.AUFNEHMEND)
    bemerkung = TextAreaField("Bemerkung", validators=[Optional()])
    # Shown only after the service refused an overbooking (the template decides).
    ueberbelegung_bestaetigt = BooleanField(UEBERBELEGUNG_BESTAETIGEN)
    # Set when the request answers a Kommune's request for help.
    hilfeersuchen = HiddenField(validators=[Optional()])


class SchrittFormular(WrmFormular):
    """One step of an agreement (a button on its page)."""

    id = HiddenField(validators=[InputRequired()])
    version = VersionFeld()
    ziel = HiddenField(validators=[AnyOf([s.value for s in Vereinbarungsstatus
                                          if s is not Vereinbarungsstatus.ANGEFRAGT])])
    grund = TextAreaField("Grund", validators=[Optional()])
    datum = DateField("Datum", validators=[Optional()], description="leer: heute")
    ueberbelegung_bestaetigt = BooleanField(UEBERBELEGUNG_BESTAETIGEN)


class BeruecksichtigenFormular(WrmFormular):
    """"In unserer Meldung berücksichtigt" for one side of an agreement."""

    id = HiddenField(validators=[InputRequired()])
    version = VersionFeld()
    kommune = HiddenField(validators=[InputRequired()])


class ErsuchenFormular(WrmFormular):
    """A Kommune asks the county for places elsewhere."""

    kommune = AuswahlFeld("Kommune", allow_blank=False,
                          validators=[InputRequired("Bitte eine Kommune wählen.")])
    personen = ZahlFeld("Personen, für die Plätze fehlen",
                        validators=[InputRequired("Bitte die Zahl der Personen angeben.")],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    benoetigt_bis = DateField("benötigt bis", validators=[Optional()])
    bemerkung = TextAreaField("Bemerkung", validators=[Optional()])


class ErsuchenSchliessenFormular(WrmFormular):
    """Close a request as done or withdrawn."""

    id = HiddenField(validators=[InputRequired()])
    version = VersionFeld()
    status = HiddenField(validators=[AnyOf(["erledigt", "zurueckgezogen"])])
