"""`wrm zeitraum anlegen|abschliessen`, `wrm quoten berechnen|anpassen`, `wrm anrechnung buchen`:
distribution periods with the state's contingent and their closing (carry-over), the quotas
shared by population (Hare–Niemeyer) with carry-over and relief, the quota ledger."""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup

from wrm.anzeige import zahl
from wrm.cli import abbrechen, eigener_landkreis, stichtag_lesen
from wrm.cli_hilfe import SYSTEM
from wrm.db import db
from wrm.kennzahlen.quoten import Quotenberechnung
from wrm.meldefelder import bezeichnung
from wrm.models import Anpassungsart, Buchungsart, Kommune, Verteilzeitraum
from wrm.namen import name_bereinigen
from wrm.services.buchungen import buchen
from wrm.services.kommunen import kommune_finden
from wrm.services.pruefung import Validierungsfehler
from wrm.services.quotenanpassungen import Anpassungen, abschliessen, anpassen, anpassungen
from wrm.services.quotenberechnung import (
    berechnung_anwenden,
    quoten_berechnen,
    zeitraum_finden,
)
from wrm.services.verteilzeitraeume import zeitraum_am, zeitraum_eroeffnen
from wrm.zeit import heute

zeitraum_gruppe = AppGroup("zeitraum", help="Verteilzeiträume.")
quoten_gruppe = AppGroup("quoten", help="Aufnahmequoten.")


def _fehler(kopf: str, fehler: Validierungsfehler) -> None:
    abbrechen(kopf, [f"{feld}: {text}" for feld, text in fehler.fehler.items()])


@zeitraum_gruppe.command("anlegen")
@click.argument("name")
@click.option("--beginn", required=True, callback=stichtag_lesen, metavar="JJJJ-MM-TT")
@click.option("--ende", callback=stichtag_lesen, metavar="JJJJ-MM-TT", help="leer: offen")
@click.option("--kontingent", type=int, help="Personen, die das Land dem Landkreis zuweist.")
def anlegen_befehl(name: str, beginn: date, ende: date | None, kontingent: int | None) -> None:
    """Einen Verteilzeitraum anlegen; überlappende Zeiträume werden abgelehnt."""
    try:
        zeitraum = zeitraum_eroeffnen(db.session, landkreis=eigener_landkreis(), beginn=beginn,
                                      ende=ende, name=name, kontingent=kontingent)
    except Validierungsfehler as fehler:
        _fehler("Verteilzeitraum nicht angelegt:", fehler)
    db.session.commit()
    click.echo(f"Verteilzeitraum „{zeitraum.name}“ angelegt.")


def _kommune_und_zeitraum(kommunenname: str, zeitraumname: str | None, kopf: str,
                          nach_tag: bool = False) -> tuple[Kommune, Verteilzeitraum | None]:
    """The Kommune and the period (named, or today's) of the own Landkreis; else abort with
    `kopf` and what was not found. With `nach_tag` and no name: None, the service takes the
    period of the day."""
    landkreis = eigener_landkreis()
    kommune = kommune_finden(db.session, landkreis=landkreis, name=kommunenname)
    if zeitraumname:
        zeitraum = zeitraum_finden(db.session, landkreis=landkreis, name=zeitraumname)
    else:
        zeitraum = None if nach_tag else zeitraum_am(db.session, landkreis=landkreis,
                                                     tag=heute())
    if kommune is None:
        abbrechen(kopf, [f"Die Kommune „{kommunenname}“ gibt es nicht."])
    if zeitraum is None and (zeitraumname or not nach_tag):
        abbrechen(kopf, ["Diesen Verteilzeitraum gibt es nicht."])
    return kommune, zeitraum


def _abweichung_lesen(ctx: click.Context, param: click.Parameter, werte: tuple[str, ...]
                     ) -> dict[str, tuple[int, str]]:
    """`KOMMUNE=PERSONEN:GRUND`, one per option."""
    ergebnis: dict[str, tuple[int, str]] = {}
    for text in werte:
        name, _, rest = text.partition("=")
        zahl_text, _, grund = rest.partition(":")
        try:
            ergebnis[name_bereinigen(name)] = (int(zahl_text), grund)
        except ValueError:
            raise click.BadParameter(f"„{text}“: erwartet KOMMUNE=PERSONEN:GRUND, z. B. "
                                     "„Bramsche=0:Sondervereinbarung mit dem Land“.") from None
    return ergebnis


@zeitraum_gruppe.command("abschliessen")
@click.argument("name")
@click.option("--abweichend", multiple=True, callback=_abweichung_lesen,
              metavar="KOMMUNE=PERSONEN:GRUND",
              help="Ein anderer Übertrag für diese Kommune, mit Grund (mehrfach möglich).")
def abschliessen_befehl(name: str, abweichend: dict[str, tuple[int, str]]) -> None:
    """Einen Verteilzeitraum abschließen: der Rest jeder Kommune (Quote − Zuweisungen −
    Anrechnungen) wird ihr Übertrag im folgenden Zeitraum."""
    zeitraum = zeitraum_finden(db.session, landkreis=eigener_landkreis(), name=name)
    if zeitraum is None:
        abbrechen("Nicht abgeschlossen:", [f"Den Verteilzeitraum „{name}“ gibt es nicht."])
    try:
        abschluss = abschliessen(db.session, zeitraum=zeitraum, benutzer=None, system=SYSTEM,
                                 abweichend=abweichend)
    except Validierungsfehler as fehler:
        _fehler("Nicht abgeschlossen:", fehler)
    db.session.commit()
    click.echo(f"„{zeitraum.name}“ abgeschlossen; Übertrag nach „{abschluss.naechster.name}“:")
    for rest in abschluss.reste:
        anders = " (abweichend festgelegt)" if rest.kommune.name in abschluss.abweichend else ""
        click.echo(f"  {rest.kommune.name:<30} {abschluss.uebertrag(rest):>6}{anders}")


@quoten_gruppe.command("anpassen")
@click.argument("kommunenname", metavar="KOMMUNE")
@click.option("--art", required=True, type=click.Choice([a.value for a in Anpassungsart]))
@click.option("--personen", required=True, type=int)
@click.option("--grund", required=True)
@click.option("--zeitraum", "zeitraumname", metavar="NAME", help="der heutige")
def anpassen_befehl(kommunenname: str, art: str, personen: int, grund: str,
                    zeitraumname: str | None) -> None:
    """Übertrag oder Entlastung einer Kommune festlegen, mit Grund (mit Verlauf)."""
    kommune, zeitraum = _kommune_und_zeitraum(kommunenname, zeitraumname, "Nicht gespeichert:")
    bisher = anpassungen(db.session, zeitraum=zeitraum, kommune_ids=[kommune.id]).get(
        kommune.id, Anpassungen())
    eintrag = bisher.uebertrag if art == Anpassungsart.UEBERTRAG else bisher.entlastung
    try:
        anpassen(db.session, kommune=kommune, zeitraum=zeitraum, art=Anpassungsart(art),
                 personen=personen, grund=grund, benutzer=None, system=SYSTEM,
                 gelesen=eintrag.id if eintrag else None)
    except Validierungsfehler as fehler:
        _fehler("Nicht gespeichert:", fehler)
    db.session.commit()
    click.echo(f"{kommune.name}: {bezeichnung('anpassungsart', art)} {personen} in "
               f"„{zeitraum.name}“ gespeichert.")


def _als_json(berechnung: Quotenberechnung, zeitraum: str) -> dict[str, object]:
    return {"zeitraum": zeitraum, "kontingent": berechnung.kontingent, "quoten": [
        {"kommune": z.kommune, "einwohner": z.einwohner, "anteil": float(z.anteil),
         "grundquote": z.grundquote, "uebertrag": z.uebertrag, "entlastung": z.entlastung,
         "quote": z.quote} for z in berechnung.zeilen]}


@quoten_gruppe.command("berechnen")
@click.option("--zeitraum", "zeitraumname", required=True, metavar="NAME")
@click.option("--kontingent", type=int, help="statt des beim Zeitraum hinterlegten")
@click.option("--anwenden", is_flag=True, help="Die berechneten Quoten setzen (mit Verlauf) "
                                               "und das Kontingent beim Zeitraum speichern.")
@click.option("--format", "format_", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def berechnen_befehl(zeitraumname: str, kontingent: int | None, anwenden: bool,
                     format_: str) -> None:
    """Quoten nach Einwohnern berechnen (Hare–Niemeyer); ohne --anwenden ändert sich nichts."""
    zeitraum = zeitraum_finden(db.session, landkreis=eigener_landkreis(), name=zeitraumname)
    if zeitraum is None:
        abbrechen("Keine Berechnung:", [f"Den Verteilzeitraum „{zeitraumname}“ gibt es nicht."])
    try:
        geaendert = None
        if anwenden:
            berechnung, geaendert = berechnung_anwenden(
                db.session, zeitraum=zeitraum, kontingent=kontingent, gesehen=None,
                benutzer=None, benutzer_name=SYSTEM)
        else:
            berechnung = quoten_berechnen(db.session, zeitraum=zeitraum, kontingent=kontingent)
    except Validierungsfehler as fehler:
        _fehler("Keine Berechnung:", fehler)
    db.session.commit()
    if format_ == "json":
        click.echo(json.dumps(_als_json(berechnung, zeitraum.name), ensure_ascii=False, indent=2))
    else:
        click.echo(f"{zeitraum.name}: Kontingent {zahl(berechnung.kontingent)}")
        for z in berechnung.zeilen:
            click.echo(f"  {z.kommune:<30} {zahl(z.einwohner):>9} Einw.  Grundquote "
                       f"{z.grundquote:>5}  Übertrag {z.uebertrag:>5}  Entlastung "
                       f"{z.entlastung:>5}  Quote {z.quote:>5}")
        click.echo(f"Summe der Quoten {zahl(berechnung.summe_quoten)}, Abweichung vom "
                   f"Kontingent {zahl(berechnung.abweichung)}.")
    for z in berechnung.zeilen:
        if z.auf_null_gesetzt:
            click.echo(f"Warnung: Die Quote von {z.kommune} wäre negativ und ist 0.", err=True)
    if geaendert is not None:
        click.echo(f"{geaendert} Quoten geändert.", err=format_ == "json")


anrechnung_gruppe = AppGroup("anrechnung", help="Das Quotenkonto: Anrechnungen und Korrekturen.")


@anrechnung_gruppe.command("buchen")
@click.argument("kommunenname", metavar="KOMMUNE")
@click.option("--personen", required=True, type=int, help="± Personen, z. B. 3 oder -3.")
@click.option("--quelle", required=True, help="Worauf die Buchung beruht, z. B. „Geburt“.")
@click.option("--art", type=click.Choice([Buchungsart.ANRECHNUNG.value,
                                          Buchungsart.KORREKTUR.value]),
              default=Buchungsart.ANRECHNUNG.value, show_default=True)
@click.option("--datum", callback=stichtag_lesen, metavar="JJJJ-MM-TT", help="heute")
@click.option("--zeitraum", "zeitraumname", metavar="NAME",
              help="der Verteilzeitraum des Tages")
def buchen_befehl(kommunenname: str, personen: int, quelle: str, art: str,
                  datum: date | None, zeitraumname: str | None) -> None:
    """Personen (±) auf die Quote einer Kommune anrechnen; sie gehen in (5) ein (im
    Verteilzeitraum ihres Tages)."""
    kommune, zeitraum = _kommune_und_zeitraum(kommunenname, zeitraumname, "Nicht gebucht:",
                                              nach_tag=True)
    try:
        buchung = buchen(db.session, kommune=kommune, zeitraum=zeitraum, personen=personen,
                         art=Buchungsart(art), quelle=quelle, datum=datum, benutzer=None,
                         system=SYSTEM)
    except Validierungsfehler as fehler:
        _fehler("Nicht gebucht:", fehler)
    db.session.commit()
    periode = db.session.get_one(Verteilzeitraum, buchung.verteilzeitraum_id)
    click.echo(f"{kommune.name}: {personen:+d} Personen in „{periode.name}“ gebucht.")
