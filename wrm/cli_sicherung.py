"""`wrm sicherung` and `wrm wiederherstellen`: backup and restore while WRM is serving."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from wrm.anzeige import zahl
from wrm.cli import abbrechen
from wrm.db import db
from wrm.services.sicherung import Sicherungsfehler, sichern, wiederherstellen


@click.command("sicherung")
@with_appcontext
@click.argument("datei", type=click.Path(dir_okay=False, path_type=Path))
def sicherung_befehl(datei: Path) -> None:
    """Die ganze Datenbank in DATEI sichern (auch im laufenden Betrieb)."""
    try:
        sichern(db.engine, datei)
    except Sicherungsfehler as fehler:
        abbrechen("Sicherung fehlgeschlagen:", [str(fehler)])
    click.echo(f"Datenbank gesichert in {datei} ({zahl(datei.stat().st_size)} Bytes).")


@click.command("wiederherstellen")
@with_appcontext
@click.argument("datei", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--ja", "bestaetigt", is_flag=True,
              help="Ohne Rückfrage: alle jetzigen Daten werden ersetzt.")
def wiederherstellen_befehl(datei: Path, bestaetigt: bool) -> None:
    """Die Datenbank durch die Sicherung DATEI ersetzen; danach auf den neuesten Stand bringen."""
    if not bestaetigt and not click.confirm(
            "Alle jetzigen Daten werden durch die Sicherung ersetzt. Fortfahren?"):
        abbrechen("Abgebrochen, nichts wurde geändert.", [])
    db.session.remove()
    try:
        wiederherstellen(db.engine, datei)
    except Sicherungsfehler as fehler:
        abbrechen("Wiederherstellung fehlgeschlagen, nichts wurde geändert:", [str(fehler)])
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo(f"Datenbank aus {datei} wiederhergestellt.")
