"""Forms of the "Unterkünfte" screen: one accommodation, "Belegung ändern", the upload."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Optional

from admin.formulare import AuswahlFeld, DezimalFeld, VersionFeld, WrmFormular, ZahlFeld
from wrm.meldefelder import bezeichnung
from wrm.models import Platzart, Unterkunftsstatus

_ZAHL = {"inputmode": "numeric", "autocomplete": "off"}


def _wahl(titel: str, art: str, werte: list[str], hilfe: str = "") -> SelectField:
    return SelectField(titel, choices=[SelectChoice(w, bezeichnung(art, w)) for w in werte],
                       description=hilfe,
                       validators=[AnyOf(werte, "Bitte einen der angebotenen Werte wählen.")])


class UnterkunftFormular(WrmFormular):
    """One accommodation: what it is, its capacity chain, optionally where and who lives
    there. The rules are the service's (`wrm.services.unterkunftspruefung`)."""

    # Only on the county's "anlegen": whose accommodation (empty: the Landkreis's own).
    kommune = AuswahlFeld("Kommune", allow_blank=True, blank_text="Landkreis (eigene "
                          "Zwischenunterkunft)", validators=[Optional()])
    name = StringField("Name", description="eindeutig innerhalb der Kommune, z. B. "
                                           "„Sporthalle Nord“ oder „Wohnung Lindenstraße 3“",
                       validators=[Optional()])
    art = _wahl("Art", "platzart", [p.value for p in Platzart],
                "Gemeinschaftsunterkunft, oder dezentral (Wohnung, Haus)")
    status = _wahl("Status", "unterkunftsstatus", [s.value for s in Unterkunftsstatus])
    verfuegbar_ab = DateField("verfügbar ab", validators=[Optional()],
                              description="nur bei „in Aussicht“, dort erforderlich")
    plaetze = ZahlFeld("Plätze", render_kw=_ZAHL, description="die meisten Personen, die die "
                                                              "Unterkunft aufnehmen kann")
    gesperrt = ZahlFeld("davon gesperrt", render_kw=_ZAHL, default=0,
                        description="derzeit nicht belegbar (Reparatur, gesperrte Räume)")
    sperrgrund = StringField("Grund der Sperrung", validators=[Optional()],
                             description="erforderlich, wenn Plätze gesperrt sind")
    belegt = ZahlFeld("belegt", render_kw=_ZAHL, default=0,
                      description="Personen, die jetzt dort wohnen (nur „in Betrieb“)")
    reserviert = ZahlFeld("reserviert", render_kw=_ZAHL, default=0,
                          description="Plätze, die für eine Vereinbarung zugesagt sind")
    adresse = StringField("Adresse", validators=[Optional()])
    breitengrad = DezimalFeld("Breitengrad", validators=[Optional()],
                              description="WGS84, z. B. 52,2799 (mit dem Längengrad zusammen)")
    laengengrad = DezimalFeld("Längengrad", validators=[Optional()])
    bemerkung = TextAreaField("Bemerkung", validators=[Optional()], render_kw={"rows": 3})
    davon_minderjaehrige = ZahlFeld("davon minderjährig", render_kw=_ZAHL,
                                    validators=[Optional()], description="freiwillig")
    leistung_asylblg = ZahlFeld("Leistungen nach dem AsylbLG", render_kw=_ZAHL,
                                validators=[Optional()],
                                description="freiwillig; zusammen mit den beiden folgenden "
                                            "gleich „belegt“")
    leistung_sgb = ZahlFeld("Leistungen nach SGB II oder XII", render_kw=_ZAHL,
                            validators=[Optional()])
    leistung_sonstige = ZahlFeld("sonstige Leistungsträger", render_kw=_ZAHL,
                                 validators=[Optional()])
    version = VersionFeld(default=0)


class BelegungFormular(WrmFormular):
    """"Belegung ändern": persons moved in (+) or out (−), at the version shown."""

    id = HiddenField(validators=[InputRequired()])
    version = VersionFeld()
    personen = ZahlFeld("Personen eingezogen (+) oder ausgezogen (−)", render_kw={
        "autocomplete": "off"}, validators=[InputRequired("Bitte eine Zahl angeben, z. B. 3 "
                                                          "oder -2.")])


class HochladenFormular(WrmFormular):
    """The accommodation list as a file, in the format of `wrm unterkuenfte import`."""

    datei = FileField("Datei (CSV, „;“-getrennt, UTF-8)",
                      validators=[FileRequired("Bitte eine Datei wählen.")])
