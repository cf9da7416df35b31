"""The `wrm` command: a Flask CLI group, so `wrm run`, `wrm routes` and `wrm db …` work too."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import IO

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from wrm.ausfall import datenbankausfall, ursache
from wrm.darstellung import als_csv, als_json, als_tabelle
from wrm.db import db
from wrm.models import Benutzer, Kommune, Landkreis, Rolle
from wrm.namen import name_bereinigen
from wrm.services.auswertung import auswertung as auswertung_berechnen
from wrm.services.benutzer import benutzer_anlegen
from wrm.services.csvdatei import Importfehler
from wrm.services.demo import DEMO_PASSWORT, anzahl_kommunen, demo_laden, demo_logins
from wrm.services.demo_verlauf import WOCHEN
from wrm.services.importe import meldungen_importieren
from wrm.services.kommunen import (
    kommune_finden,
    kommunen_importieren,
    landkreis_holen,
    paketdatei,
)
from wrm.services.pruefung import Validierungsfehler
from wrm.zeit import heute


def eigener_landkreis() -> Landkreis:
    """The Landkreis the CLI works on (WRM_LANDKREIS), created when missing."""
    return landkreis_holen(db.session, name=current_app.config["LANDKREIS"])


def abbrechen(kopf: str, fehler: list[str]) -> None:
    """Roll back, print the German errors to stderr and exit with status 1."""
    db.session.rollback()
    click.echo(kopf, err=True)
    for zeile in fehler:
        click.echo(f"  {zeile}", err=True)
    sys.exit(1)


def _datenbank_einrichten() -> None:
    upgrade(directory=current_app.extensions["migrate"].directory)
    eigener_landkreis()
    db.session.commit()


@click.command("init")
@with_appcontext
def init_befehl() -> None:
    """Datenbank anlegen oder auf den neuesten Stand bringen (mehrfach ausführbar)."""
    _datenbank_einrichten()
    click.echo("Datenbank ist auf dem neuesten Stand.")


@click.command("demo")
@with_appcontext
@click.option("--adresse", default="http://127.0.0.1:5000", show_default=True,
              help="Wo der Server antworten wird (für den Hinweis auf die Anmeldung).")
def demo_befehl(adresse: str) -> None:
    """Datenbank einrichten, Demo-Zahlen des Konzeptpapiers und Demo-Benutzer laden."""
    _datenbank_einrichten()
    landkreis = eigener_landkreis()
    anzahl = db.session.scalar(select(func.count(Kommune.id)).where(
        Kommune.landkreis_id == landkreis.id))
    if anzahl:
        click.echo(f"{landkreis.name} hat schon {anzahl} Kommunen; "
                   "Demo-Daten werden nicht geladen.")
        logins = demo_logins(db.session, landkreis=landkreis)
    else:
        logins = demo_laden(db.session, landkreis=landkreis)
        db.session.commit()
        click.echo(f"Demo-Daten geladen: {anzahl_kommunen(logins)} Kommunen, heute mit den "
                   "Zahlen des Konzeptpapiers, davor eine erfundene Vorgeschichte von "
                   f"{WOCHEN} Wochen (wöchentliche Meldungen, nicht echt).")
    if logins:
        click.echo(f"Demo-Anmeldungen (Passwort „{DEMO_PASSWORT}“, sofern nicht geändert), "
                   f"unter {adresse.rstrip('/')}/login:")
        for name, rolle, kommune in logins:
            click.echo(f"  {name:<12} {rolle:<10} {kommune}".rstrip())


kommunen_gruppe = AppGroup("kommunen", help="Stammdaten der Kommunen.")


@kommunen_gruppe.command("import")
@click.argument("datei", type=click.File("rb"), required=False)
def kommunen_import_befehl(datei: IO[bytes] | None) -> None:
    """Kommunen aus einer Datei „name;art“ anlegen; ohne DATEI die 21 Kommunen des Landkreises
    Osnabrück."""
    inhalt = datei.read() if datei else paketdatei("kommunen_landkreis_osnabrueck.csv")
    try:
        ergebnis = kommunen_importieren(db.session, inhalt=inhalt, landkreis=eigener_landkreis())
    except Importfehler as fehler:
        abbrechen("Import abgebrochen, nichts wurde gespeichert:", list(map(str, fehler.fehler)))
    db.session.commit()
    click.echo(f"{len(ergebnis.angelegt)} Kommunen angelegt, {len(ergebnis.geaendert)} geändert, "
               f"{len(ergebnis.unveraendert)} unverändert.")


@click.command("import")
@with_appcontext
@click.option("--anlegen", is_flag=True, help="Unbekannte Kommunen anlegen statt abzulehnen.")
@click.option("--benutzer", "benutzername", metavar="NAME",
              help="Benutzer, dem die Änderungen im Verlauf zugeschrieben werden.")
@click.argument("datei", type=click.File("rb"))
def import_befehl(anlegen: bool, benutzername: str | None, datei: IO[bytes]) -> None:
    """Meldungen im Format der Übersicht (uebersicht.csv) importieren: alles oder nichts."""
    benutzer = None
    if benutzername:
        benutzer = db.session.scalar(select(Benutzer).where(
            Benutzer.name == name_bereinigen(benutzername)))
        if benutzer is None:
            abbrechen("Import abgebrochen, nichts wurde gespeichert:",
                       [f"Benutzer „{benutzername}“ gibt es nicht."])
    try:
        ergebnis = meldungen_importieren(db.session, inhalt=datei.read(),
                                         landkreis=eigener_landkreis(), anlegen=anlegen,
                                         benutzer=benutzer)
    except Importfehler as fehler:
        abbrechen(f"Import abgebrochen, nichts wurde gespeichert ({len(fehler.fehler)} Fehler):",
                   list(map(str, fehler.fehler)))
    db.session.commit()
    if ergebnis.zeitraum_eroeffnet is not None:
        click.echo(f"Es gab noch keinen Verteilzeitraum; „{ergebnis.zeitraum_eroeffnet.name}“ "
                   "wurde eröffnet.")
    if ergebnis.angelegt:
        click.echo(f"Neu angelegte Kommunen: {', '.join(ergebnis.angelegt)}")
    click.echo(f"{len(ergebnis.geaendert)} Meldungen gespeichert, "
               f"{len(ergebnis.unveraendert)} unverändert, "
               f"{ergebnis.quoten_geaendert} Aufnahmequoten geändert.")


def stichtag_lesen(ctx: click.Context, param: click.Parameter, wert: str | None) -> date | None:
    """Click callback: a date option as JJJJ-MM-TT, refused in German otherwise."""
    if wert is None:
        return None
    try:
        return datetime.strptime(wert, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"„{wert}“ ist kein Datum im Format JJJJ-MM-TT.") from None


@click.command("auswertung")
@with_appcontext
@click.option("--format", "format_", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True, help="Ausgabeformat.")
@click.option("--stichtag", callback=stichtag_lesen, metavar="JJJJ-MM-TT",
              help="Stand am Ende dieses Tages statt jetzt.")
def auswertung_befehl(format_: str, stichtag: date | None) -> None:
    """Die Kontinuierliche Auswertung ausgeben, jetzt oder zu einem Stichtag."""
    ergebnis = auswertung_berechnen(db.session, landkreis=eigener_landkreis(), stichtag=stichtag)
    tag = stichtag or heute()
    if format_ == "json":
        click.echo(json.dumps(als_json(ergebnis, tag), ensure_ascii=False, indent=2))
    elif format_ == "csv":
        click.echo(als_csv(ergebnis), nl=False)
    else:
        click.echo(als_tabelle(ergebnis, tag), nl=False)


benutzer_gruppe = AppGroup("benutzer", help="Benutzerkonten.")


def _passwort_lesen() -> str:
    if sys.stdin.isatty():
        return click.prompt("Passwort", hide_input=True,
                            confirmation_prompt="Passwort wiederholen")
    return sys.stdin.readline().rstrip("\r\n")


@benutzer_gruppe.command("anlegen")
@click.argument("name")
@click.option("--rolle", type=click.Choice([r.value for r in Rolle]), required=True)
@click.option("--kommune", "kommunenname", metavar="NAME", help="Kommune (nur Rolle kommune).")
@click.option("--email", help="E-Mail-Adresse für Erinnerungen.")
def benutzer_anlegen_befehl(name: str, rolle: str, kommunenname: str | None,
                            email: str | None) -> None:
    """Benutzer anlegen; das Passwort wird abgefragt oder von der Standardeingabe gelesen."""
    landkreis = eigener_landkreis()
    kommune = None
    if kommunenname:
        kommune = kommune_finden(db.session, landkreis=landkreis, name=kommunenname)
        if kommune is None:
            abbrechen("Benutzer nicht angelegt:", [f"Kommune „{kommunenname}“ gibt es nicht."])
    try:
        benutzer_anlegen(db.session, name=name, rolle=Rolle(rolle), kommune=kommune,
                         landkreis=landkreis, email=email, passwort=_passwort_lesen())
    except Validierungsfehler as fehler:
        abbrechen("Benutzer nicht angelegt:", list(fehler.fehler.values()))
    db.session.commit()
    click.echo(f"Benutzer „{name}“ ({rolle}) angelegt.")


def register(app: Flask) -> None:
    """Add the WRM commands to the app's CLI."""
    from wrm.cli_erinnern import benachrichtigen_befehl, erinnern_befehl
    from wrm.cli_hilfe import umverteilung_gruppe, vereinbarung_gruppe
    from wrm.cli_operationen import operationen_befehl
    from wrm.cli_prognose import ankuendigungen_gruppe, prognose_befehl
    from wrm.cli_quoten import anrechnung_gruppe, quoten_gruppe, zeitraum_gruppe
    from wrm.cli_sicherung import sicherung_befehl, wiederherstellen_befehl
    from wrm.cli_tokens import token_gruppe
    from wrm.cli_unterkuenfte import meldung_gruppe, unterkuenfte_gruppe

    for befehl in (init_befehl, demo_befehl, kommunen_gruppe, import_befehl, auswertung_befehl,
                   benutzer_gruppe, token_gruppe, erinnern_befehl, sicherung_befehl,
                   wiederherstellen_befehl, umverteilung_gruppe, vereinbarung_gruppe,
                   benachrichtigen_befehl, zeitraum_gruppe, quoten_gruppe,
                   anrechnung_gruppe, ankuendigungen_gruppe, prognose_befehl,
                   unterkuenfte_gruppe, meldung_gruppe, operationen_befehl):
        app.cli.add_command(befehl)


def _app_erzeugen() -> Flask:
    from wrm.app import create_app

    return create_app()


def _ort() -> str:
    """The configured database, without its password (for an operator's message)."""
    try:
        return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - the message must not fail; the cause still shows
        return "?"


class WrmGruppe(FlaskGroup):
    """Flask's command group, which answers a failed database in one German line."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a database that is down, read-only or full ends it with one line
        naming the cause and exit status 1, never with a traceback (nothing was saved: the
        transaction is not committed)."""
        try:
            return super().invoke(ctx)
        except Exception as fehler:
            ausfall = datenbankausfall(fehler)
            if ausfall is None:
                raise
            click.echo(f"Datenbank nicht verfügbar ({_ort()}): {ursache(ausfall)}.", err=True)
            ctx.exit(1)


main = WrmGruppe(create_app=_app_erzeugen, help="WRM – Wohnraummanagement.")
